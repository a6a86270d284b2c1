"""``summarizer cache``: inspect or clear the brief cache."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._app import cli, settings_from
from ._safe import echo

if TYPE_CHECKING:
    from ..brief.cache import BriefCache


def _open(cache_dir: Path | None, *, repair: bool = False) -> BriefCache:
    from ..brief.cache import BriefCache

    return BriefCache(settings_from(cache_dir=cache_dir).cache_dir, repair=repair)


@cli.group()
def cache() -> None:
    """Inspect or clear the brief cache."""


@cache.command("stats")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False))
def cache_stats(cache_dir: Path | None) -> None:
    """Entries and size of the cache."""
    with _open(cache_dir) as store:
        s = store.stats()
    echo(
        f"directory {s.directory}\nentries {s.entries}\nmodel answers {s.answers}\n"
        f"size {s.size_bytes:,} bytes"
    )


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False))
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached brief and model answer; a corrupt cache is moved aside and
    started again empty."""
    with _open(cache_dir, repair=True) as store:
        briefs, answers = store.clear()
    if store.repaired is not None:
        echo(f"the cache was corrupt: moved aside to {store.repaired}; started empty")
    echo(f"removed {briefs} cached brief(s) and {answers} model answer(s) from {store.directory}")
