"""People, organisations, groups and places a text names, from the named-entity tagger.

Entities only: a dateline, a weekday, a month or a number is never a name here, and
the words right after "in", "at", "near" are places, not people ("gunmen in Kaduna").

Pure: no model, no network, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span

from .lang import LANG
from .nlp import parse

__all__ = [
    "ACTOR_LABELS",
    "PLACE_LABELS",
    "Mention",
    "initials",
    "mentions",
    "names_in",
    "places_named",
    "without_possessive",
]

# An entity as the tagger read it: its text, its label, and whether its head word is an
# adjective ("Venezuelan"). Kept with a brief, it lets names be read again without a parse.
Mention = tuple[str, str, bool]
Readable = str | Span | Sequence[Mention]

ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def _clean(text: str) -> str:
    text = text.strip(" ,.;:'\"“”‘’()")
    first, _, rest = text.partition(" ")
    if rest and first.lower() in ("the", "a", "an"):
        text = rest
    return without_possessive(text)


def without_possessive(name: str) -> str:
    """``name`` without a possessive ending ("Indy's" -> "Indy")."""
    for suffix in ("'s", "’s"):
        name = name.removesuffix(suffix)
    return name


def mentions(text: str | Span) -> list[Mention]:
    """Every entity of ``text`` (parsed unless it already is) as a ``Mention``."""
    span = parse(text) if isinstance(text, str) else text
    return [(e.text, e.label_, _modifies_a_place(e)) for e in span.ents]


def _modifies_a_place(ent: Span) -> bool:
    """An entity that only describes: an adjective ("Venezuelan"), or a name owning a
    part of town ("on Indy's near east side", "Chicago's South Side"): where, not who."""
    root = ent.root
    head = root.head
    possessed = head.lemma_.lower() in LANG.PLACE_NOUNS or head.lower_ in LANG.PLACE_NOUNS
    if root.pos_ == "ADJ" or (root.dep_ == "poss" and possessed):
        return True
    # the small parser misreads "on Indy’s near east side" (no possessive arc): a name
    # whose possessive is followed, within three words, by a place noun
    doc = ent.doc
    glued = without_possessive(ent.text) != ent.text  # "Indy’s" as one entity
    owns = glued or (ent.end < len(doc) and without_possessive(doc[ent.end].lower_) == "")
    after = doc[ent.end + (0 if glued else 1) : ent.end + 4]
    return owns and any(t.lower_ in LANG.PLACE_NOUNS for t in after)


def _entities(text: Readable, labels: frozenset[str]) -> list[str]:
    out: dict[str, None] = {}
    found = mentions(text) if isinstance(text, str | Span) else text
    for ent_text, label, adjective in found:
        if label not in labels or adjective:
            continue  # "Venezuelan" in "the Venezuelan army" names nobody by itself
        name = _clean(ent_text)
        low = name.lower()
        if not name or low in LANG.WEEKDAYS or low in LANG.MONTHS or low in LANG.NO_NAME:
            continue
        out.setdefault(name, None)
    return list(out)


def initials(name: str) -> str:
    """The acronym a name's words make, function words aside, lower case: "Council on
    American-Islamic Relations" -> "cair", "Indianapolis Metropolitan Police
    Department" -> "impd"."""
    words = [w for w in re.split(r"[\s-]+", name.lower()) if w and w not in LANG.STOP_WORDS]
    return "".join(w[0] for w in words if w[0].isalnum())


def names_in(text: Readable, *, exclude: str | None = None) -> list[str]:
    """People, organisations and groups ``text`` names, first ones first, each once
    (a sentence already parsed is read as it is: no second parse)."""
    names = _entities(text, ACTOR_LABELS)
    if exclude:
        names = [n for n in names if n.lower() != exclude.lower()]
    return names


def places_named(text: Readable) -> list[str]:
    """Places ``text`` names (place entities), first ones first, each once."""
    return _entities(text, PLACE_LABELS)
