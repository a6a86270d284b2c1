"""Writing results: one file per article, JSON for machines or Markdown for people.

A failed article's JSON holds an ``error`` object instead of a brief, so every input has
an output and nothing is silently lost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from ..brief.results import BriefResult
from ..files import write_atomic
from .markdown import render_markdown

__all__ = ["Format", "dumps_result", "write_results"]

Format = Literal["json", "md"]


def dumps_result(result: BriefResult, fmt: Format) -> str:
    if fmt == "md":
        return render_markdown(result)
    return json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n"


def write_results(results: Sequence[BriefResult], out_dir: Path, fmt: Format) -> list[Path]:
    """Write ``out_dir/<input stem>.<fmt>`` per result; duplicate stems get a suffix."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    seen: dict[str, int] = {}
    for result in results:
        stem = result.stem
        seen[stem] = seen.get(stem, 0) + 1
        if seen[stem] > 1:
            stem = f"{stem}-{seen[stem]}"
        path = out_dir / f"{stem}.{fmt}"
        write_atomic(path, dumps_result(result, fmt))  # never a partial file
        written.append(path)
    return written
