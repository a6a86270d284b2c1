"""``summarizer cache``: inspect or clear the brief cache."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._app import cli, settings_from

if TYPE_CHECKING:
    from ..brief.cache import BriefCache


def _open(cache_dir: Path | None) -> BriefCache:
    from ..brief.cache import BriefCache

    return BriefCache(settings_from(cache_dir=cache_dir).cache_dir)


@cli.group()
def cache() -> None:
    """Inspect or clear the brief cache."""


@cache.command("stats")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False))
def cache_stats(cache_dir: Path | None) -> None:
    """Entries and size of the cache."""
    with _open(cache_dir) as store:
        s = store.stats()
    click.echo(
        f"directory {s.directory}\nentries {s.entries}\nmodel answers {s.answers}\n"
        f"size {s.size_bytes:,} bytes"
    )


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False))
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached brief and model answer."""
    with _open(cache_dir) as store:
        briefs, answers = store.clear()
    click.echo(
        f"removed {briefs} cached brief(s) and {answers} model answer(s) from {store.directory}"
    )
