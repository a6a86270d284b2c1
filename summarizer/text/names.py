"""People, organisations, groups and places a text names, from the named-entity tagger.

Entities only: a dateline, a weekday, a month or a number is never a name here, and
the words right after "in", "at", "near" are places, not people ("gunmen in Kaduna").

Pure: no model, no network, no I/O.
"""

from __future__ import annotations

from spacy.tokens import Span

from .lang import LANG
from .nlp import parse

__all__ = ["ACTOR_LABELS", "PLACE_LABELS", "names_in", "places_named"]

ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def _clean(text: str) -> str:
    text = text.strip(" ,.;:'\"“”‘’()")
    first, _, rest = text.partition(" ")
    if rest and first.lower() in ("the", "a", "an"):
        text = rest
    for suffix in ("'s", "’s"):
        text = text.removesuffix(suffix)
    return text


def _entities(text: str | Span, labels: frozenset[str]) -> list[str]:
    out: dict[str, None] = {}
    for ent in (parse(text) if isinstance(text, str) else text).ents:
        if ent.label_ not in labels or ent.root.pos_ == "ADJ":
            continue  # "Venezuelan" in "the Venezuelan army" names nobody by itself
        name = _clean(ent.text)
        low = name.lower()
        if not name or low in LANG.WEEKDAYS or low in LANG.MONTHS or low in LANG.NO_NAME:
            continue
        out.setdefault(name, None)
    return list(out)


def names_in(text: str | Span, *, exclude: str | None = None) -> list[str]:
    """People, organisations and groups ``text`` names, first ones first, each once
    (a sentence already parsed is read as it is: no second parse)."""
    names = _entities(text, ACTOR_LABELS)
    if exclude:
        names = [n for n in names if n.lower() != exclude.lower()]
    return names


def places_named(text: str | Span) -> list[str]:
    """Places ``text`` names (place entities), first ones first, each once."""
    return _entities(text, PLACE_LABELS)
