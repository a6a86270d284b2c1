"""Names within one story: spellings of one person or group joined, each one kept.

Only names from one story are compared (a shared name across stories proves nothing).
Two spellings are one entity when

- ``same-letters``: they fold to the same letters (``anyascii`` transliteration, case,
  apostrophes, hyphens: Ansar'allah / Ansarallah);
- ``fuzzy``: the folded forms are close as a whole (``rapidfuzz`` ratio);
- ``phonetic``: every word of the shorter name (two words at least) matches a word of
  the longer one by spelling or by sound (``jellyfish`` metaphone): Abu Zakariya / Abu Zakaria;
- ``sole-target-surname``: the last words match by spelling or sound *and* each of the
  two articles names exactly one party in that role (target, victim or perpetrator);
- ``acronym``: one is a single word of three letters or more that the other's words
  make (``text.names.initials``): CAIR / Council on American-Islamic Relations.

The guard: a shared surname alone never joins two names; it takes the same sole role
in the same event, so two victims of one attack who share a family name stay two
people. An editor's decisions (``AliasRules``) override both ways.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import jellyfish
from anyascii import anyascii
from rapidfuzz import fuzz

from ..text.names import initials

__all__ = [
    "AliasRules",
    "EntityGroup",
    "Mention",
    "fold_name",
    "group_mentions",
    "spellings_of",
    "why_same",
]

FUZZY_NAME = 90.0
FUZZY_WORD = 80.0
# Strongest evidence first, so a weak link cannot pre-empt a strong one.
_STRENGTH = ("editor", "same-letters", "fuzzy", "phonetic", "acronym", "sole-target-surname")
_SOLE_ROLES = frozenset({"target", "victim", "perpetrator"})
_APOSTROPHES = re.compile(r"['’‘ʼʻ`\"“”]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# A lower-case word that is not a name particle: the text describes, it does not name.
_DESCRIPTION_WORD = re.compile(
    r"(?<![\w-])(?!(?:al|el|bin|ibn|bint|abu|de|del|da|di|la|le|van|von|der|of|the|on|for|and)\b)"
    r"[a-z][a-z]+\b"
)


@cache
def fold_name(name: str) -> str:
    """Letters only, ASCII, lower case, one space between words."""
    text = _APOSTROPHES.sub("", anyascii(name).lower())
    return _NON_WORD.sub(" ", text).strip()


NAMED = "named"  # the role of a name an article gives that its brief does not cast


@dataclass(frozen=True)
class Mention:
    text: str
    role: str
    article_id: str
    outlet: str | None


@dataclass
class AliasRules:
    """An editor's decisions: lists of spellings that are, or are not, one entity; and
    lists of articles (ids or source files) that are different stories."""

    same: list[list[str]] = field(default_factory=list)
    different: list[list[str]] = field(default_factory=list)
    apart: list[list[str]] = field(default_factory=list)

    def _pairs(self, groups: list[list[str]]) -> set[frozenset[str]]:
        out = set()
        for names in groups:
            folded = [fold_name(n) for n in names]
            out |= {frozenset((a, b)) for a in folded for b in folded if a != b}
        return out

    def forced(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self._pairs(self.same)

    def forbidden(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self._pairs(self.different)


@dataclass
class EntityGroup:
    mentions: list[Mention]
    reasons: set[str]

    @property
    def role(self) -> str:
        # the role a brief gives it, else "named" (a name the articles give, no more)
        roles = Counter(m.role for m in self.mentions if m.role != NAMED) or Counter([NAMED])
        return roles.most_common(1)[0][0]

    @property
    def display(self) -> str:
        counts = Counter(m.text for m in self.mentions)
        return max(counts, key=lambda t: (counts[t], len(t)))


def _word_match(a: str, b: str) -> bool:
    if a == b or fuzz.ratio(a, b) >= FUZZY_WORD:
        return True
    return len(a) > 2 and len(b) > 2 and jellyfish.metaphone(a) == jellyfish.metaphone(b)


def why_same(a: str, b: str, sole_role: bool) -> str | None:
    """Why folded names ``a`` and ``b`` are one entity, or None."""
    if a == b:
        return "same-letters"
    if fuzz.ratio(a, b) >= FUZZY_NAME:
        return "fuzzy"
    wa, wb = a.split(), b.split()
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) >= 2 and all(any(_word_match(w, v) for v in long) for w in short):
        return "phonetic"
    if sole_role and _word_match(wa[-1], wb[-1]):
        return "sole-target-surname"
    # "CAIR" and "the Council on American-Islamic Relations"
    if len(short) == 1 and len(short[0]) > 2 and short[0] == initials(" ".join(long)):
        return "acronym"
    return None


def group_mentions(
    mentions: Sequence[Mention], rules: AliasRules | None = None
) -> list[EntityGroup]:
    """One group per entity, in order of first mention."""
    rules = rules or AliasRules()
    spellings = list(dict.fromkeys(fold_name(m.text) for m in mentions if fold_name(m.text)))
    by_spelling: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if fold_name(m.text):
            by_spelling[fold_name(m.text)].append(m)
    # How many parties each article names in each role: the "sole role" guard.
    per_role: Counter[tuple[str, str]] = Counter(
        (article, role)
        for article, role, _ in {(m.article_id, m.role, fold_name(m.text)) for m in mentions}
    )

    def sole(a: str, b: str) -> bool:
        for x in by_spelling[a]:
            for y in by_spelling[b]:
                if (
                    x.role == y.role
                    and x.role in _SOLE_ROLES
                    and x.article_id != y.article_id
                    and per_role[(x.article_id, x.role)] == 1
                    and per_role[(y.article_id, y.role)] == 1
                ):
                    return True
        return False

    parent = {s: s for s in spellings}
    reasons: dict[str, set[str]] = {s: set() for s in spellings}

    def find(s: str) -> str:
        while parent[s] != s:
            s = parent[s]
        return s

    def members(root: str) -> list[str]:
        return [s for s in spellings if find(s) == root]

    # A description ("Harakat al-Sumud commander", "member of Harakat al-Sumud") is
    # not a name: it joins a spelling only letter for letter (or by an editor), never
    # by sound or by a shared word, so a group is not merged into one of its members.
    described = {
        fold_name(m.text)
        for m in mentions
        if _DESCRIPTION_WORD.search(_APOSTROPHES.sub("", m.text))
    }
    candidates: list[tuple[int, str, str, str]] = []
    for i, a in enumerate(spellings):
        for b in spellings[i + 1 :]:
            if rules.forced(a, b):
                why: str | None = "editor"
            elif a in described or b in described:
                why = None  # different folded letters (same ones share a spelling)
            else:
                why = why_same(a, b, sole(a, b))
            if why is not None:
                candidates.append((_STRENGTH.index(why), a, b, why))
    for _, a, b, why in sorted(candidates):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if why != "editor" and any(rules.forbidden(x, y) for x in members(ra) for y in members(rb)):
            continue
        parent[rb] = ra
        reasons[ra] |= reasons.pop(rb, set()) | {why}
    groups: dict[str, EntityGroup] = {}
    for s in spellings:
        root = find(s)
        group = groups.setdefault(root, EntityGroup(mentions=[], reasons=reasons.get(root, set())))
        group.mentions += by_spelling[s]
        if len({m.text for m in by_spelling[s]}) > 1:
            group.reasons.add("same-letters")
    return list(groups.values())


def spellings_of(group: EntityGroup) -> Iterable[tuple[str, list[Mention]]]:
    """Each distinct spelling as written, with its mentions, most used first."""
    by_text: dict[str, list[Mention]] = defaultdict(list)
    for m in group.mentions:
        by_text[m.text].append(m)
    return sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0]))
