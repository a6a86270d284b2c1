"""Progress lines on stderr: a rich progress bar on a terminal, plain lines otherwise.

rich is imported only for a terminal, so a scripted or cached run does not pay for it.
Lines are printed without markup: file names and model messages are not rich markup.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._safe import echo, printable

if TYPE_CHECKING:
    from ..brief.results import BriefResult

__all__ = ["Reporter"]


class Reporter:
    def __init__(self, verb: str = "briefing") -> None:
        self.verb = verb
        self.total = 0
        self.done = 0
        self._progress: Any = None
        self._task: Any = None
        self._console: Any = None
        if sys.stderr.isatty():
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)

    def line(self, text: str) -> None:
        if self._console is not None:
            self._console.print(printable(text), markup=False)
        else:
            echo(text, err=True)

    def start(self, total: int) -> None:
        self.total = total
        if self._console is None:
            self.line(f"{self.verb} {total} article(s)")
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn(f"[bold]{self.verb}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=self._console,
        )
        self._progress.start()
        self._task = self._progress.add_task("", total=total)

    def result(self, r: BriefResult) -> None:
        self.done += 1
        if r.cached:
            status = "cached"
        elif r.ok:
            status = "ok"
        else:
            status = f"FAILED ({r.failure.kind})" if r.failure else "FAILED"
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=Path(r.source).name)
        self.line(f"[{self.done}/{self.total}] {r.source}: {status} ({r.seconds:.1f}s)")
        if r.failure is not None:
            self.line(f"  {r.failure.message}")
            for d in r.failure.validator_messages[:5]:
                self.line(f"  - {d.loc}: {d.msg[:200]}")

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
