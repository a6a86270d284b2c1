"""Stories: an event and its follow-ups grouped; different events kept apart.

Each article comes as a ``StoryItem``: what its brief and its text say of the event (the
day it happened, or the days it can have happened on; its place, resolved in the
gazetteer; its country; the names it gives, people, groups and places) and an embedding
of its title and lead (the inverted pyramid puts the event there).

1. **Blocking.** Only articles sharing a name or a place are compared; a key shared by
   more than ``MAX_BLOCK`` articles is too common to block on (like a stop word), so a
   day of thousands of articles costs about n·k comparisons, not n².
2. **Gates.** Two groups can merge only if their events fall within ``STORY_DAYS`` of
   each other (the shooting, the arrest, the charge: days, not hours; an article without
   an event date counts by its publication, an article with neither by what it says
   alone), their countries agree, and their places, as the gazetteer resolves them (not
   their words: "the Canterbury Plains" and "Christchurch" may be one quake's), are the
   same place, or within ``NEAR_KM`` of each other; a place it does not know gates
   nothing; and the quakes' magnitudes, where both state one, are within
   ``MAGNITUDE_SLACK``. Two strikes in one city a month apart, or two quakes on one
   island years apart, stay apart.
3. **Affinity.** A pair scores the cosine similarity of their leads and the names they
   share, each name weighted by how rare it is among the day's articles (inverse
   document frequency: "LeGrier" binds, "police" or the city every article names does
   not): ``SIMILARITY_WEIGHT * cosine + (1 - SIMILARITY_WEIGHT) * min(1, shared / NAMES_FULL)``.
4. **Average linkage.** Pairs are taken best first; their groups merge when the *average*
   affinity over all cross pairs reaches ``threshold``, never on one close pair alone, so
   there is no chaining. Every merge is recorded with the pair that prompted it, its
   features and its score (``Merge``), and an editor's rule ("these two are different
   stories") is a gate like the others.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from ..geo import GeoPlace
from .entities import why_same

__all__ = [
    "MAGNITUDE_SLACK",
    "MAX_BLOCK",
    "NAMES_FULL",
    "NEAR_KM",
    "SIMILARITY_WEIGHT",
    "STORY_DAYS",
    "STORY_THRESHOLD",
    "Merge",
    "StoryItem",
    "group_stories",
]

STORY_THRESHOLD = 0.55
SIMILARITY_WEIGHT = 0.5
# Summed rarity of the shared names (each 0 when every article gives it, 1 when only the
# pair does) at which the names part of the affinity is full: two rare names.
NAMES_FULL = 1.5
SAME_DAY = 0.3  # the same event day, as much as a name a third of the articles give
SAME_PLACE = 0.3  # the same town
SAME_SPOT = 0.5  # the same spot below a city, as much as a name half the articles give
STORY_DAYS = 7
# Two quakes' magnitudes further apart than this are two quakes (a first report's 6.0
# revised to 6.2 is one).
MAGNITUDE_SLACK = 0.5
NEAR_KM = 60.0
MAX_BLOCK = 300


@dataclass(frozen=True)
class StoryItem:
    event_day: date | None
    published: date | None
    window_days: int
    country: str | None
    place_words: frozenset[str]
    keys: frozenset[str]
    place: GeoPlace | None = None
    names: frozenset[str] = frozenset()
    magnitude: float | None = None  # the quake's, as the lead states it

    @property
    def day(self) -> date | None:
        """The event's day, else the day it was reported (a follow-up is reported days
        after); None with neither."""
        return self.event_day or self.published

    def window(self) -> tuple[float, float]:
        """Possible event days as ordinals; exact dates get half a day's slack."""
        if self.event_day is not None:
            d = self.event_day.toordinal()
            return d - 0.5, d + 0.5
        if self.published is not None:
            p = self.published.toordinal()
            return p - self.window_days - 0.5, p + 0.5
        return -math.inf, math.inf


@dataclass(frozen=True)
class Merge:
    """Why two groups became one story: the pair that prompted it and the scores."""

    first: int
    second: int
    similarity: float
    shared_names: tuple[str, ...]
    names_score: float
    average: float


@dataclass
class _Group:
    members: list[int]
    vector_sum: NDArray[np.float64]
    lo: float  # earliest day of a member (its event's, else its publication's)
    hi: float  # latest
    countries: set[str]
    places: list[GeoPlace] = field(default_factory=list)  # as the gazetteer knows them
    magnitudes: set[float] = field(default_factory=set)
    merges: list[Merge] = field(default_factory=list)


def _same_place(pa: GeoPlace, pb: GeoPlace) -> bool:
    if pa.id == pb.id:
        return True
    km = pa.km_to(pb)
    return (km is not None and km <= NEAR_KM) or (km is None and pa.country == pb.country)


def _places_fit(a: _Group, b: _Group) -> bool:
    if not (a.places and b.places):
        return True
    return all(any(_same_place(p, q) for q in b.places) for p in a.places) and all(
        any(_same_place(q, p) for p in a.places) for q in b.places
    )


def _can_merge(a: _Group, b: _Group, apart: Collection[frozenset[int]]) -> bool:
    lo, hi = min(a.lo, b.lo), max(a.hi, b.hi)
    if math.isfinite(lo) and math.isfinite(hi) and hi - lo > STORY_DAYS:
        return False
    if len(a.countries | b.countries) > 1:
        return False
    if apart and any(frozenset((i, j)) in apart for i in a.members for j in b.members):
        return False
    sizes = a.magnitudes | b.magnitudes
    if a.magnitudes and b.magnitudes and max(sizes) - min(sizes) > MAGNITUDE_SLACK:
        return False
    return _places_fit(a, b)


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


# Articles a name is imagined absent from, so that two articles alone from one place can
# still share a rare name.
_PRIOR_ARTICLES = 5


def _rarity(items: Sequence[StoryItem]) -> dict[str | None, dict[str, float]]:
    """Each name's rarity, 0 to 1, among the articles from the same place (by gazetteer
    id; None: all articles): the local police or the mayor, named in every story of a
    city, bind none of them."""
    pools: dict[str | None, list[StoryItem]] = defaultdict(list)
    for item in items:
        pools[None].append(item)
        if item.place is not None:
            pools[item.place.id].append(item)
    out: dict[str | None, dict[str, float]] = {}
    for key, pool in pools.items():
        df: dict[str, int] = defaultdict(int)
        for item in pool:
            for name in item.names:
                df[name] += 1
        n = len(pool) + _PRIOR_ARTICLES
        out[key] = {name: math.log(n / count) / math.log(n) for name, count in df.items()}
    return out


def _evidence(
    a: StoryItem, b: StoryItem, shared: tuple[str, ...], rarity: dict[str | None, dict[str, float]]
) -> float:
    """What two articles share besides wording: the rarity of the names both give, the
    same event day, the same town, or the same spot in it ("65th and Thurston")."""
    local = a.place is not None and b.place is not None and a.place.id == b.place.id
    pool = rarity[a.place.id] if local and a.place is not None else rarity[None]
    score = sum(pool[n] for n in shared)
    if a.event_day is not None and a.event_day == b.event_day:
        score += SAME_DAY
    if len(a.place_words & b.place_words) >= 2:
        score += SAME_SPOT
    elif local or (a.place is None and b.place is None and a.place_words & b.place_words):
        score += SAME_PLACE
    return score


_SPELT = ("fuzzy", "phonetic")


def _same_people(a: frozenset[str], b: frozenset[str]) -> tuple[str, ...]:
    """The names two articles share, a last name only when it can be the same person:
    not when each article names someone by it with another first name ("Dakota
    Williams" and "Jamal Williams" share no one; "Syed Farook" and "Syed Rizwan Farook"
    may be one)."""

    def full(names: frozenset[str], last: str) -> list[list[str]]:
        return [n.split() for n in names if " " in n and n.split()[-1] == last]

    def may_be_one(last: str) -> bool:
        ours, theirs = full(a, last), full(b, last)
        return not (ours and theirs) or any(x[0] == y[0] for x in ours for y in theirs)

    shared = {n for n in a & b if " " in n or may_be_one(n)}
    # one person spelt two ways ("Tashfin Malik", "Tashfeen Malik"), as the story's
    # entities join them; the first name must match too (not "Dakota" and "Jamal")
    theirs = [y for y in b - a if " " in y]
    for x in a - b:
        if " " not in x:
            continue
        for y in theirs:
            if (
                x[0] == y[0]
                and x.split()[-1][0] == y.split()[-1][0]
                and why_same(x, y, False) in _SPELT
            ):
                shared.add(x)
                break
    return tuple(sorted(shared))


def group_stories(
    items: Sequence[StoryItem],
    vectors: NDArray[np.float32],
    threshold: float = STORY_THRESHOLD,
    *,
    apart: Collection[frozenset[int]] = (),
) -> tuple[list[list[int]], list[list[Merge]]]:
    """Indexes of ``items`` grouped into stories, and each story's merges; ``vectors``
    are unit-length rows; ``apart`` are pairs of indexes an editor said are different
    stories."""
    rarity = _rarity(items)
    groups: dict[int, _Group] = {}
    owner = list(range(len(items)))
    for i, item in enumerate(items):
        day = item.day  # with none, it constrains nothing
        lo, hi = (day.toordinal(), day.toordinal()) if day else (math.inf, -math.inf)
        groups[i] = _Group(
            members=[i],
            vector_sum=vectors[i].astype(np.float64),
            lo=lo,
            hi=hi,
            countries={item.country} if item.country else set(),
            places=[item.place] if item.place else [],
            magnitudes={item.magnitude} if item.magnitude is not None else set(),
        )
    # names part of each candidate pair, and its sum between groups (average linkage)
    names_of: dict[tuple[int, int], tuple[float, tuple[str, ...]]] = {}
    link: dict[frozenset[int], float] = defaultdict(float)
    linked: dict[int, set[int]] = defaultdict(set)  # the groups each group has a link to
    scored = []
    for i, j in _candidate_pairs(items):
        shared = _same_people(items[i].names, items[j].names)
        names = min(1.0, _evidence(items[i], items[j], shared, rarity) / NAMES_FULL)
        names_of[(i, j)] = (names, shared)
        link[frozenset((i, j))] = names
        linked[i].add(j)
        linked[j].add(i)
        similarity = float(vectors[i] @ vectors[j])
        score = SIMILARITY_WEIGHT * similarity + (1 - SIMILARITY_WEIGHT) * names
        scored.append((score, similarity, i, j))
    scored.sort(key=lambda t: (-t[0], t[2], t[3]))
    for score, similarity, i, j in scored:
        if score < threshold:
            break
        ka, kb = owner[i], owner[j]
        a, b = groups[ka], groups[kb]
        if a is b or not _can_merge(a, b, apart):
            continue
        pairs = len(a.members) * len(b.members)
        cosine = float(a.vector_sum @ b.vector_sum) / pairs
        names_avg = link[frozenset((ka, kb))] / pairs
        average = SIMILARITY_WEIGHT * cosine + (1 - SIMILARITY_WEIGHT) * names_avg
        if average < threshold:
            continue
        keep, gone = (ka, kb) if ka < kb else (kb, ka)
        kept, merged = groups[keep], groups.pop(gone)
        kept.members += merged.members
        kept.vector_sum = kept.vector_sum + merged.vector_sum
        kept.lo, kept.hi = min(kept.lo, merged.lo), max(kept.hi, merged.hi)
        kept.countries |= merged.countries
        kept.places += merged.places
        kept.magnitudes |= merged.magnitudes
        names, shared = names_of[(i, j)]
        kept.merges += [*merged.merges, Merge(i, j, similarity, shared, names, average)]
        for other in linked.pop(gone, set()) - {keep}:
            link[frozenset((keep, other))] += link.pop(frozenset((gone, other)), 0.0)
            linked[other].discard(gone)
            linked[other].add(keep)
            linked[keep].add(other)
        linked[keep].discard(gone)
        for m in merged.members:
            owner[m] = keep
    ordered = sorted(groups.values(), key=lambda g: min(g.members))
    return [sorted(g.members) for g in ordered], [g.merges for g in ordered]
