"""``summarizer digest``: each story once, reconciled across outlets."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from ..files import write_atomic
from ._app import EXIT_OK, cli, model_options, review_db_option, settings_from
from ._safe import echo


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only stories of this day (event date; undated stories by publication date).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    default="md",
    show_default=True,
)
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write here (default stdout)."
)
@click.option(
    "--aliases",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help='Editor alias decisions: JSON {"same": [[names]], "different": [[names]]}.',
)
@click.option(
    "--story-ids",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON file keeping story ids stable between runs (default: in the cache dir).",
)
@click.option(
    "--include-unreviewed",
    is_flag=True,
    help="With a review store: also use briefs no editor approved yet, marked as such.",
)
@click.option(
    "--paragraph",
    is_flag=True,
    help="Also have the model write one paragraph per story from its reconciled facts "
    "only (any number or name not among them is refused).",
)
@review_db_option
@model_options
def digest(
    paths: tuple[Path, ...],
    day: dt.datetime | None,
    fmt: str,
    out: Path | None,
    aliases: Path | None,
    story_ids: Path | None,
    include_unreviewed: bool,
    paragraph: bool,
    review_db: str | None,
    no_cache: bool,
    **options: Any,
) -> None:
    """Brief the articles in PATHS (through the cache) and merge them into stories.

    With a review store, only editor-approved versions are used, unless
    --include-unreviewed (then drafts are used and marked UNREVIEWED)."""
    settings = settings_from(use_cache=False if no_cache else None, review_db=review_db,
                             **options)  # fmt: skip
    from ..digest import digest_paths, load_aliases
    from ..render.digest import render_digest_html, render_digest_markdown
    from ..review.store import ReviewStore
    from ._report import Reporter

    if story_ids is None and settings.use_cache:
        story_ids = settings.cache_dir / "story-ids.json"
    # Each article's brief is reported as it comes: a first digest of a big folder
    # briefs for minutes before it prints anything.
    report = Reporter()
    try:
        result = digest_paths(
            paths,
            settings,
            day=day.date() if day else None,
            aliases=load_aliases(aliases) if aliases else None,
            id_store=story_ids,
            review=ReviewStore(settings.review_db) if settings.review_db else None,
            include_unreviewed=include_unreviewed,
            paragraphs=paragraph,
            on_start=lambda items: report.start(len(items)),
            on_result=report.result,
        )
    finally:
        report.stop()
    if fmt == "json":
        text = result.model_dump_json(indent=2) + "\n"
    elif fmt == "html":
        text = render_digest_html(result)
    else:
        text = render_digest_markdown(result)
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomic(out, text)
    if result.skipped:
        echo(f"skipped {len(result.skipped)} file(s) the tool does not read:", err=True)
        for line in result.skipped:
            echo(f"  {line}", err=True)
    echo(
        f"{len(result.stories)} stories from "
        f"{sum(len(s.sources) for s in result.stories)} sources; "
        f"{len(result.failures)} article(s) not included" + (f"; wrote {out}" if out else ""),
        err=True,
    )
    sys.exit(EXIT_OK)
