"""Stories: articles about the same event, grouped; different events kept apart.

Each article comes as a ``StoryItem``: what its brief says of the event (the days it can
have happened on, place, country, the names of who did it and to whom) and an embedding
of its title and lead (the inverted pyramid puts the event there).

1. **Blocking.** Only articles sharing a blocking key (a name word, a place word, the
   country) are compared, and a key shared by more than ``MAX_BLOCK``
   articles is too common to block on (like a stop word), so a day of thousands of
   articles costs about n·k comparisons, not n².
2. **Gates.** Two groups can merge only if the days their events can have happened on
   overlap (an exact date is a one-day window with half a day's slack each side, an
   undated article with a publication date a window before it, an article with neither
   is unbounded), their countries agree and each known place shares a word with a
   known place of the other group. Two strikes in one city a month apart stay apart.
3. **Average linkage.** Candidate pairs are taken most similar first; their groups merge
   when the *average* cosine similarity over all cross pairs reaches ``threshold``
   (computed exactly from the groups' vector sums), never on one close pair alone, so
   there is no single-link chaining. An undated article joins the group it is most
   similar to, as a whole.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

__all__ = ["MAX_BLOCK", "STORY_THRESHOLD", "StoryItem", "group_stories"]

STORY_THRESHOLD = 0.66
MAX_BLOCK = 300


@dataclass(frozen=True)
class StoryItem:
    event_day: date | None
    published: date | None
    window_days: int
    country: str | None
    place_words: frozenset[str]
    keys: frozenset[str]

    def window(self) -> tuple[float, float]:
        """Possible event days as ordinals; exact dates get half a day's slack."""
        if self.event_day is not None:
            d = self.event_day.toordinal()
            return d - 0.5, d + 0.5
        if self.published is not None:
            p = self.published.toordinal()
            return p - self.window_days - 0.5, p + 0.5
        return -math.inf, math.inf


@dataclass
class _Group:
    members: list[int]
    vector_sum: NDArray[np.float32]
    lo: float
    hi: float
    countries: set[str]
    places: list[frozenset[str]] = field(default_factory=list)


def _places_fit(a: list[frozenset[str]], b: list[frozenset[str]]) -> bool:
    return all(any(p & q for q in a) for p in b) and all(any(p & q for q in b) for p in a)


def _can_merge(a: _Group, b: _Group) -> bool:
    if max(a.lo, b.lo) > min(a.hi, b.hi):
        return False
    if len(a.countries | b.countries) > 1:
        return False
    return not (a.places and b.places) or _places_fit(a.places, b.places)


def _candidate_pairs(items: Sequence[StoryItem]) -> set[tuple[int, int]]:
    postings: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for key in item.keys:
            postings[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) > MAX_BLOCK:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs.add((i, j))
    return pairs


def group_stories(
    items: Sequence[StoryItem],
    vectors: NDArray[np.float32],
    threshold: float = STORY_THRESHOLD,
) -> list[list[int]]:
    """Indexes of ``items`` grouped into stories; ``vectors`` are unit-length rows."""
    groups: dict[int, _Group] = {}
    owner = list(range(len(items)))
    for i, item in enumerate(items):
        lo, hi = item.window()
        groups[i] = _Group(
            members=[i],
            vector_sum=vectors[i].astype(np.float64),
            lo=lo,
            hi=hi,
            countries={item.country} if item.country else set(),
            places=[item.place_words] if item.place_words else [],
        )
    pairs = _candidate_pairs(items)
    scored = sorted(
        ((float(vectors[i] @ vectors[j]), i, j) for i, j in pairs),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for similarity, i, j in scored:
        if similarity < threshold:
            break
        a, b = groups[owner[i]], groups[owner[j]]
        if a is b or not _can_merge(a, b):
            continue
        average = float(a.vector_sum @ b.vector_sum) / (len(a.members) * len(b.members))
        if average < threshold:
            continue
        keep, gone = (owner[i], owner[j]) if owner[i] < owner[j] else (owner[j], owner[i])
        kept, merged = groups[keep], groups.pop(gone)
        kept.members += merged.members
        kept.vector_sum = kept.vector_sum + merged.vector_sum
        kept.lo, kept.hi = max(kept.lo, merged.lo), min(kept.hi, merged.hi)
        kept.countries |= merged.countries
        kept.places += merged.places
        for m in merged.members:
            owner[m] = keep
    return sorted((sorted(g.members) for g in groups.values()), key=lambda g: g[0])
