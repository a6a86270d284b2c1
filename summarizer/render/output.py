"""Writing results: one file per article, JSON for machines or Markdown for people.

A failed article's JSON holds an ``error`` object instead of a brief, so every input has
an output and nothing is silently lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from ..brief.results import BriefResult
from ..files import write_atomic
from .markdown import render_markdown

__all__ = ["Format", "OutputFolder", "dumps_result", "write_results"]

Format = Literal["json", "md"]


def dumps_result(result: BriefResult, fmt: Format) -> str:
    if fmt == "md":
        return render_markdown(result)
    return json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n"


class OutputFolder:
    """``out_dir/<input stem>.<fmt>`` per article, each file written the moment its
    article finishes, atomically (a killed batch leaves finished files whole and no
    partial one). Names are given in input order before the batch starts, so two
    inputs with one stem get ``stem.json`` and ``stem-2.json`` by their order, never
    by which finished first."""

    def __init__(self, out_dir: Path, fmt: Format) -> None:
        self.out_dir = out_dir
        self.fmt = fmt
        self.written: list[Path] = []
        self._names: dict[str, list[str]] = {}

    def plan(self, inputs: Iterable[tuple[str, str]]) -> None:
        """Name the output of each (source, stem), in input order; remove temporary
        files a killed run left (``write_atomic``'s hidden ``.name.*.tmp``)."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.out_dir.glob(f".*.{self.fmt}.*.tmp"):
            stale.unlink(missing_ok=True)
        seen: dict[str, int] = {}
        for source, stem in inputs:
            seen[stem] = seen.get(stem, 0) + 1
            name = stem if seen[stem] == 1 else f"{stem}-{seen[stem]}"
            self._names.setdefault(source, []).append(name)

    def write(self, result: BriefResult) -> Path:
        names = self._names.get(result.source)
        name = names.pop(0) if names else result.stem  # not planned: its own stem
        path = self.out_dir / f"{name}.{self.fmt}"
        write_atomic(path, dumps_result(result, self.fmt))  # never a partial file
        self.written.append(path)
        return path


def write_results(results: Sequence[BriefResult], out_dir: Path, fmt: Format) -> list[Path]:
    """Write ``out_dir/<input stem>.<fmt>`` per result (in the given order); duplicate
    stems get a suffix."""
    folder = OutputFolder(out_dir, fmt)
    folder.plan((r.source, r.stem) for r in results)
    for result in results:
        folder.write(result)
    return folder.written
