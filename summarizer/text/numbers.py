"""Numbers in every form news writes them, read the same way on both sides of a check.

"9mm" states 9, "1,200" and "1.200" (a European thousands point) state 1200 (the latter
also 1.2), "two dozen" 24, "1.2 million" 1200000, "more than 100" 100, "twenty-five"
25. ``stated`` reads a text's numbers; a number a summary states is supported when the
article states it too, in any of these forms (``unsupported``): the check and the
article are read by the same function, so a copied sentence always passes.

Pure: no model, no network, no I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lang import LANG

__all__ = ["magnitude", "mentions", "numerals", "stated", "unsupported"]

# Digits, with thousands separators, decimals and a unit glued on ("9mm", "40km").
_NUMERAL = re.compile(r"(?<![\w.,])\d{1,3}(?:[,.]\d{3})+(?![\d])|(?<![\w.,])\d+(?:\.\d+)?(?![\d])")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def numerals(text: str) -> list[str]:
    """The numerals of ``text`` in order, thousands commas removed: "1,200 and 9mm" ->
    ["1200", "9"]. A unit glued to a numeral does not hide it."""
    return [m.group(0).replace(",", "") for m in _NUMERAL.finditer(text)]


def _values(numeral: str) -> set[float]:
    if len(numeral) > 1 and numeral[0] == "0" and numeral[1].isdigit():
        return set()  # "07" in "2024-02-07" or a code: part of a date, not a count
    out = {float(numeral.replace(",", ""))} if re.fullmatch(r"[\d,]+(?:\.\d+)?", numeral) else set()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", numeral):
        out.add(float(numeral.replace(".", "")))  # "1.200" as a European thousand
    return out


_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[a-z]+(?:-[a-z]+)?")


def _phrases(text: str) -> list[tuple[str, set[float], set[float]]]:
    """Runs of number tokens next to each other: (as written, values of the whole run,
    values of its parts). "two dozen" -> ("two dozen", {24}, {2, 12})."""
    folded = text.lower()
    out: list[tuple[str, set[float], set[float]]] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        if not run or all(m.group(0) in LANG.MULTIPLIERS for m in run):
            run.clear()  # "dozens", "hundreds of": no number stated
            return
        whole: set[float] = {0.0}
        parts: set[float] = set()
        for m in run:
            tok = m.group(0)
            if tok[0].isdigit():
                vals = _values(tok)
                parts |= vals
                whole = {w + v for w in whole for v in vals}
            elif tok in ("a", "an"):
                whole = {w + 1 for w in whole}
            elif tok in LANG.MULTIPLIERS:
                whole = {(w or 1) * LANG.MULTIPLIERS[tok] for w in whole}
            else:
                n = float(sum(LANG.NUMBER_WORDS[p] for p in tok.split("-")))
                parts.add(n)
                whole = {w + n for w in whole}
        out.append((folded[run[0].start() : run[-1].end()], whole, parts))
        run.clear()

    def numeric(tok: str, nxt: str | None) -> bool:
        if tok[0].isdigit():
            return bool(_values(tok))
        if tok in ("a", "an"):
            return nxt in LANG.MULTIPLIERS
        return tok in LANG.MULTIPLIERS or all(p in LANG.NUMBER_WORDS for p in tok.split("-"))

    def glued(m: re.Match[str]) -> bool:  # "A4": a digit inside a word or a code
        before = folded[m.start() - 1] if m.start() else " "
        return m.group(0)[0].isdigit() and before.isalpha()

    tokens = [m for m in _TOKEN.finditer(folded) if not glued(m)]
    for i, m in enumerate(tokens):
        nxt = tokens[i + 1].group(0) if i + 1 < len(tokens) else None
        if not numeric(m.group(0), nxt):
            close()
            continue
        if run and folded[run[-1].end() : m.start()].strip():
            close()
        run.append(m)
    close()
    return out


def stated(text: str) -> set[float]:
    """Every number ``text`` states, in digits or words, whole ("two dozen": 24) and in
    its parts (2, 12)."""
    out: set[float] = set()
    for _, whole, parts in _phrases(text):
        out |= whole | parts
    return out


def mentions(text: str, value: float) -> bool:
    """Whether ``text`` states ``value`` in any form."""
    return float(value) in stated(text)


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@lru_cache(maxsize=64)
def _stated_in_article(article: str) -> frozenset[float]:
    """``stated(article)``, read once per article: every field's check asks it."""
    return frozenset(stated(article))


def unsupported(text: str, article: str) -> list[str]:
    """Numbers ``text`` states that ``article`` never states, as ``text`` writes them.

    Strict on ``text`` (a model's words): every run of digits counts, also one glued to
    letters ("the5171u548c"), unless the article has the same digits."""
    have = _stated_in_article(article)
    missing = [raw for raw, whole, _ in _phrases(text) if not whole & have]
    article_digits = {m.group(0) for m in _DIGITS.finditer(article)}
    for m in _DIGITS.finditer(text):
        raw = m.group(0)
        if raw in article_digits or raw in missing or _values(raw) & have:
            continue
        missing.append(raw)
    return missing


# An earthquake's size: "a magnitude 6.1 quake", "a 6.1-magnitude quake", "magnitude-7.3",
# "measuring 5.8 on the Richter scale", "an M6.4 quake".
_MAGNITUDE = re.compile(
    r"\bmagnitude[- ]?(?:of\s+)?(\d(?:\.\d)?)\b|\b(\d\.\d)[- ]magnitude\b"
    r"|\b(\d(?:\.\d)?)\s+on\s+the\s+richter\b|\bM\s?(\d\.\d)\b",
    re.IGNORECASE,
)


def magnitude(text: str) -> float | None:
    """The first earthquake magnitude ``text`` states, or None."""
    match = _MAGNITUDE.search(text)
    if match is None:
        return None
    return float(next(g for g in match.groups() if g is not None))
