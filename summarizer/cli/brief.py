"""``summarizer brief``: one brief per article."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ._app import EXIT_FAILED_ARTICLES, EXIT_OK, cli, model_options, review_db_option, settings_from

if TYPE_CHECKING:
    from ..brief.results import RunSummary


def _summary_lines(s: RunSummary, cache_dir: Path | None) -> list[str]:
    cost = "unknown (no price for this model)" if s.cost_usd is None else f"${s.cost_usd:.4f}"
    lines = [
        f"articles {s.articles} | briefs {s.briefs} | failures {s.failures} | "
        f"cache hits {s.cache_hits} | model calls {s.model_calls} | re-asks {s.reasks} | "
        f"transport retries {s.transport_retries}",
        f"tokens in {s.tokens_in:,} | tokens out {s.tokens_out:,} | estimated cost {cost} | "
        f"{s.seconds:.1f}s",
    ]
    if s.model_calls == 0 and s.cache_hits:
        lines.append(
            f"no model call made: {s.cache_hits} brief(s) came from the cache"
            + (f" ({cache_dir})" if cache_dir else "")
        )
    return lines


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "md", "csv"]),
    default="json",
    show_default=True,
    help="json: one file per article, or JSON Lines on stdout; csv: one row per article "
    "on stdout, for spreadsheets.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write DIR/<input stem>.<format> per article (default: JSON Lines or Markdown on stdout).",
)
@click.option(
    "--batch",
    is_flag=True,
    help="Send the requests through the endpoint's Batch API (half price, answers within "
    "24 h); invalid answers are re-asked in follow-up batches. The job is recorded in the "
    "cache folder: run again (or with --resume) after a crash and nothing is sent twice.",
)
@click.option("--resume", is_flag=True, help="With --batch: continue the recorded batch job.")
@review_db_option
@model_options
def brief(
    paths: tuple[Path, ...],
    fmt: str,
    out_dir: Path | None,
    batch: bool,
    resume: bool,
    review_db: str | None,
    no_cache: bool,
    **options: Any,
) -> None:
    """Brief every article in PATHS (files or folders)."""
    settings = settings_from(use_cache=False if no_cache else None, review_db=review_db,
                             **options)  # fmt: skip
    from ..brief.pipeline import brief_paths
    from ..render.output import OutputFolder, dumps_result
    from ._report import Reporter

    if TYPE_CHECKING:
        from ..brief.results import BriefResult
        from ..ingest import Article, IngestFailure

    if fmt == "csv" and out_dir is not None:
        raise UsageError(
            "--format csv is one table for all articles: write it to stdout, without "
            "--out (summarizer brief ... --format csv > briefs.csv)"
        )
    report = Reporter()
    folder = OutputFolder(out_dir, fmt) if out_dir is not None else None  # type: ignore[arg-type]

    def start(items: Sequence[Article | IngestFailure]) -> None:
        report.start(len(items))
        if folder is not None:
            folder.plan((i.source, i.stem) for i in items)

    def done(result: BriefResult) -> None:
        # Written the moment it is done: a batch killed later keeps this file, whole.
        if folder is not None:
            folder.write(result)
        report.result(result)

    if resume and not batch:
        raise UsageError("--resume continues a batch job: use it with --batch")
    batch_report = None
    try:
        if batch:
            from ..brief.batch import brief_batch

            results, summary, batch_report = brief_batch(
                paths, settings, resume=resume, on_event=report.line, on_start=start,
                on_result=done,
            )  # fmt: skip
        else:
            results, summary = brief_paths(paths, settings, on_start=start, on_result=done)
    finally:
        report.stop()
    if batch_report is not None:
        b = batch_report
        cost = "unknown (no price for this model)" if b.cost_usd is None else f"${b.cost_usd:.4f}"
        report.line(
            f"batch: {len(b.batches_submitted)} batch(es) submitted, "
            f"{len(b.batches_resumed)} resumed; {b.requests_sent} request(s) sent, "
            f"{b.answers_ok} answer(s) valid, {b.reasks} re-asked, "
            f"{b.resent_after_error} sent again after an error, {b.failed} failed for good; "
            f"tokens in {b.tokens_in:,} | out {b.tokens_out:,} | cost at the batch price {cost}"
        )

    if settings.review_db is not None:
        from ..review.store import ReviewStore

        store = ReviewStore(settings.review_db)
        filed = [store.file(r.brief, r.article) for r in results if r.brief and r.article]
        failed = [
            store.file(r.fallback, r.article, status="failed", comment=r.failure.message)
            for r in results
            if r.fallback and r.article and r.failure
        ]
        new = sum(1 for _, created in filed if created)
        report.line(
            f"review store {settings.review_db}: {new} new draft(s), "
            f"{sum(1 for _, c in failed if c)} failed article(s) filed for an editor, "
            f"{len(filed) + len(failed) - new - sum(1 for _, c in failed if c)} already filed"
        )
    if folder is not None:
        report.line(f"wrote {len(folder.written)} file(s) to {out_dir}")
    else:
        # To stdout: JSON Lines (one brief per line) or CSV for machines, Markdown for people.
        if fmt == "csv":
            from ..render.exports import briefs_csv

            sys.stdout.write(briefs_csv(results))
        for r in results if fmt != "csv" else []:
            if fmt == "json":
                sys.stdout.write(json.dumps(r.to_json_dict(), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(dumps_result(r, "md") + "\n")
    if summary.skipped:
        report.line(f"skipped {len(summary.skipped)} file(s) the tool does not read:")
        for line in summary.skipped:
            report.line(f"  {line}")
    for line in _summary_lines(summary, settings.cache_dir if settings.use_cache else None):
        report.line(line)
    sys.exit(EXIT_FAILED_ARTICLES if summary.failures else EXIT_OK)
