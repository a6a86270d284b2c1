"""Locating the project's data folders (``prompts/``, ``schemas/``).

In a wheel they are packaged under ``summarizer/_data/``; in a source checkout or an
editable install they are the top-level folders beside ``summarizer/``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir"]

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name
