"""Folding text so that "the same words" compare equal: case, white space, quote marks
and dashes aside ("the same words" as the grounding checks and the digest mean it).

Pure: no model, no network, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

__all__ = ["fold"]

_CHAR_MAP = {
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
}


@cache
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", _CHAR_MAP.get(ch, ch)).casefold()


def _fold_with_index(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and return, for each folded character, its index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    for i, raw in enumerate(text):
        for ch in _fold_char(raw):
            if ch.isspace():
                if not out or out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-, space-, quote- and dash-insensitive form of ``text``.

    The same as ``_fold_with_index(text)[0]`` (a test holds them together), without
    building the index: each character folded once and remembered."""
    return _SPACES.sub(" ", "".join(map(_fold_char, text))).strip(" ")
