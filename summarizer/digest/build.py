"""Briefs in, a ``Digest`` out: wire copies folded, stories grouped and reconciled.

``build_digest`` is pure (briefs and their articles in, no I/O); ``service.digest_paths``
briefs a folder through the brief cache first, so a digest after ``summarizer brief``
costs no model call.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..embeddings import embed
from ..geo import resolve_place
from ..grounding import EVENT_WINDOW_DAYS
from ..ingest import Article
from ..prepared import PreparedArticle
from ..reading import LEAD_SENTENCES, read_article
from ..schema import EventBrief, Reading
from ..text.lang import LANG
from ..text.names import (
    ACTOR_LABELS,
    PLACE_LABELS,
    initials,
    names_in,
    places_named,
    without_possessive,
)
from ..text.numbers import magnitude
from .entities import AliasRules, fold_name
from .model import Digest, DigestFailure, Story, StoryMerge
from .reconcile import Member, reconcile
from .stories import StoryItem, group_stories
from .wire import wire_groups

__all__ = ["RELATED_THRESHOLD", "DigestInput", "build_digest"]

RELATED_THRESHOLD = 0.75
_KEY_ROLES = ("perpetrator", "target", "victim")


@dataclass(frozen=True)
class DigestInput:
    article: Article
    brief: EventBrief
    review: Literal["approved", "unreviewed"] | None = None  # None: no review store
    # the brief failed: the article's skeleton (headline and lead), to show it with its story
    brief_failed: bool = False


@dataclass
class _Built:
    indexes: list[int]
    members: list[Member]
    vector: NDArray[np.float32]
    window: tuple[float, float]
    lead_names: set[str] = field(default_factory=set)
    day: date | None = None  # its earliest event day (else publication day)
    story: Story | None = None
    related: list[int] = field(default_factory=list)


def _lead_text(article: Article, reading: Reading) -> str:
    return " ".join([article.title or "", *reading.lead]).strip()


def _site_key(name: str) -> str:
    """The distinctive part of an outlet's name or host ("m.wisn.com" -> "wisn",
    "Fox 59" -> "fox59"), letters and digits only."""
    parts = [p for p in name.lower().split(".") if p not in ("www", "m", "com", "org", "net")]
    key = max(parts, key=len) if parts else ""
    return re.sub(r"[^a-z0-9]", "", key)


def _article_names(article: Article, reading: Reading, outlet: str | None) -> tuple[str, ...]:
    """People, organisations and groups the article names (not its outlet), its
    opening's first, for the story's entities."""
    outlet = fold_name(article.outlet or outlet or "")
    found: dict[str, None] = {}
    for sentence in [*reading.opening, reading.named]:
        for name in names_in(sentence):
            if len(name) > 3 and not (outlet and fold_name(name) in outlet):
                found.setdefault(name, None)
    return tuple(found)


def _names(article: Article, reading: Reading) -> tuple[frozenset[str], frozenset[str]]:
    """The people, organisations and groups the article's headline and opening name,
    folded; a person also by their last name ("Officer Thomas Cottrell" -> "cottrell").
    Not the site's name a page title carries ("... | Fox 59"), nor the outlet's; nor the
    local authorities (``LANG.AUTHORITY_WORDS``), returned apart."""
    outlet = _site_key(article.outlet or "")
    out: set[str] = set()
    authorities: set[str] = set()
    for found in (reading.headline, *reading.opening):
        for text, label, adjective in found:
            # places too: the small tagger reads some people's names as places
            if label not in ACTOR_LABELS | PLACE_LABELS or adjective:
                continue
            folded = fold_name(without_possessive(text))  # "Indy's" is "Indy"
            if len(folded) < 4 or folded in LANG.STOP_WORDS:
                continue
            if LANG.AUTHORITY_WORDS & set(folded.split()):
                authorities.add(folded)
                continue  # the local police: in every story of the place
            if outlet and outlet in _site_key(folded):
                continue  # the site's own name
            if all(w in LANG.PLACE_NOUNS for w in folded.split()):
                continue  # "street", "the province"
            if label in PLACE_LABELS and resolve_place(text) is not None:
                continue  # a town or a country is where (the place gates), not who
            folded = folded.removeprefix("the ")  # "the Provisional IRA" is "Provisional IRA"
            out.add(folded)
            words = folded.split()
            if label in ("PERSON", "GPE") and 1 < len(words) <= 3 and len(words[-1]) > 3:
                out.add(words[-1])
    return frozenset(out), frozenset(authorities)


def _without_authorities(
    named: Sequence[tuple[frozenset[str], frozenset[str]]],
) -> list[frozenset[str]]:
    """Each article's names, less the acronyms of the authorities any article of the day
    spells out: "IMPD" where one article writes "the Indianapolis Metropolitan Police
    Department" is the local police too, in every story of the city."""
    acronyms = {initials(a) for _, found in named for a in found if len(a.split()) > 1}
    return [names - acronyms for names, _ in named]


def _magnitude(article: Article, reading: Reading) -> float | None:
    """The quake's magnitude as the title or the lead states it; not one a sentence
    about an earlier quake gives ("In 2004, a magnitude 9.1 quake ...")."""
    earlier = {s.text for s in reading.earlier}
    for text in (article.title or "", *(s for s in reading.lead if s not in earlier)):
        if (found := magnitude(text)) is not None:
            return found
    return None


def _item(
    brief: EventBrief, article: Article, names: frozenset[str], quake: float | None = None
) -> StoryItem:
    loc = brief.location
    place_words = frozenset(fold_name(loc.place).split()) if loc.place else frozenset()
    keys = {"name:" + n for n in names}
    keys |= {"place:" + w for w in place_words if len(w) > 2}
    for actor in brief.actors:
        if actor.role in _KEY_ROLES:
            keys.add("name:" + fold_name(actor.name))
    # a town two countries' cities are named alike ("Birmingham") gates only once the
    # article says which country
    place = resolve_place(loc.place, loc.country, sure=True) if loc.place else None
    # The brief states a country only where the article names it; a town the gazetteer
    # knows still says which country the story is in, for the gates.
    country = loc.country or (place.country if place is not None else None)
    if country:
        keys.add("country:" + fold_name(country))
    return StoryItem(
        event_day=brief.date.value,
        published=article.published,
        window_days=EVENT_WINDOW_DAYS,
        country=fold_name(country) if country else None,
        place_words=place_words,
        keys=frozenset(keys),
        place=place,
        names=names,
        magnitude=quake,
    )


def _apart(reps: Sequence[Member], rules: AliasRules | None) -> set[frozenset[int]]:
    """The pairs of articles (by index) an editor said are different stories."""
    if rules is None or not rules.apart:
        return set()
    index: dict[str, int] = {}
    for i, m in enumerate(reps):
        for a in (m.article, *m.copies):
            index[a.id] = index[a.source] = i
    out = set()
    for group in rules.apart:
        found = sorted({index[x] for x in group if x in index})
        out |= {frozenset((i, j)) for i in found for j in found if i < j}
    return out


def _anchor_id(members: Sequence[Member]) -> str:
    first = min(members, key=lambda m: (m.article.published or date.max, m.id))
    return "s-" + hashlib.sha256(first.id.encode()).hexdigest()[:10]


def _assign_ids(built: list[_Built], known: Mapping[str, str]) -> list[str]:
    """Story ids: an id already given to any of a story's articles is kept (the story
    with most of those articles keeps it); a new story is named after its earliest
    article, so re-running the digest, or adding an article, keeps existing ids."""
    claims: list[tuple[int, int, str]] = []
    for i, b in enumerate(built):
        votes = Counter(known[m.id] for m in b.members if m.id in known)
        for story_id, n in votes.items():
            claims.append((-n, i, story_id))
    ids: dict[int, str] = {}
    taken: set[str] = set()
    for _, i, story_id in sorted(claims):
        if i not in ids and story_id not in taken:
            ids[i] = story_id
            taken.add(story_id)
    out = []
    for i, b in enumerate(built):
        story_id = ids.get(i) or _anchor_id(b.members)
        while story_id in taken and ids.get(i) != story_id:
            story_id += "x"
        taken.add(story_id)
        out.append(story_id)
    return out


_MONTHS = list(LANG.MONTHS)
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b", re.I)
_LAST = re.compile(r"\blast (week|weekend|month)\b", re.I)


def _mentioned_windows(sentence: str, ref: date) -> list[tuple[float, float]]:
    """Day ranges (ordinals) a sentence about an earlier occasion points to: a month
    named (the latest such month not after ``ref``), "last month", "last week"."""
    out: list[tuple[float, float]] = []
    for m in _MONTH.finditer(sentence):
        month = _MONTHS.index(m.group(1).lower()) + 1
        year = ref.year if month <= ref.month else ref.year - 1
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1)
        out.append((first.toordinal(), last.toordinal() - 1))
    for m in _LAST.finditer(sentence):
        if m.group(1).lower() == "month":
            first = date(ref.year - (ref.month == 1), (ref.month - 2) % 12 + 1, 1)
            out.append((first.toordinal(), date(ref.year, ref.month, 1).toordinal() - 1))
        else:
            out.append((ref.toordinal() - 14, ref.toordinal() - 1))
    return out


def _related(built: list[_Built], readings: Sequence[Reading]) -> None:
    """A story is related to another whose event its articles mention as an earlier one:
    a sentence about an earlier occasion (``earlier_reason``) that points to days within
    the other story's window and shares two names (people, groups, places) with the
    other story's lead."""
    for i, b in enumerate(built):
        ref_ordinal = b.window[1] if math.isfinite(b.window[1]) else None
        for index, m in zip(b.indexes, b.members, strict=True):
            ref = (
                date.fromordinal(int(ref_ordinal))
                if ref_ordinal is not None
                else m.article.published
            )
            if ref is None:
                continue
            read = {s.text: s.mentions for s in readings[index].earlier}
            texts = [e.evidence for e in m.brief.earlier_events] + list(read)
            for text in dict.fromkeys(texts):
                windows = _mentioned_windows(text, ref)
                if not windows:
                    continue
                found = read.get(text, text)  # a brief's own evidence is read here
                names = {fold_name(n) for n in [*names_in(found), *places_named(found)]}
                if not names:
                    continue
                for j, other in enumerate(built):
                    if j == i or j in b.related:
                        continue
                    lo, hi = other.window
                    if b.day is not None and other.day is not None and other.day >= b.day:
                        continue  # not an earlier event than this story's
                    if not any(w_lo <= hi and lo <= w_hi for w_lo, w_hi in windows):
                        continue
                    if len(names & other.lead_names) >= 2:
                        b.related.append(j)


def build_digest(
    inputs: Sequence[DigestInput],
    *,
    day: date | None = None,
    known_ids: Mapping[str, str] | None = None,
    aliases: AliasRules | None = None,
    failures: Sequence[DigestFailure] = (),
) -> Digest:
    """Stories of ``inputs``; with ``day``, only stories whose event (or, undated, whose
    articles' publication) falls on that day, the rest listed as left out."""
    groups = wire_groups([x.article.body for x in inputs])
    # read when the brief was made; a brief from before schema 1.3.0 is read here
    readings = [
        inputs[g[0]].brief.reading or read_article(PreparedArticle(inputs[g[0]].article))
        for g in groups
    ]
    reps = [
        Member(
            article=inputs[g[0]].article,
            brief=inputs[g[0]].brief,
            copies=tuple(inputs[i].article for i in g[1:]),
            review=inputs[g[0]].review,
            brief_failed=inputs[g[0]].brief_failed,
            named=_article_names(inputs[g[0]].article, r, inputs[g[0]].brief.provenance.outlet),
        )
        for g, r in zip(groups, readings, strict=True)
    ]
    vectors = embed([_lead_text(m.article, r) for m, r in zip(reps, readings, strict=True)])
    named = _without_authorities(
        [_names(m.article, r) for m, r in zip(reps, readings, strict=True)]
    )
    items = [
        _item(m.brief, m.article, n, _magnitude(m.article, r))
        for m, n, r in zip(reps, named, readings, strict=True)
    ]
    clusters, merges = group_stories(items, vectors, apart=_apart(reps, aliases))
    built: list[_Built] = []
    for cluster in clusters:
        lo = min(items[i].window()[0] for i in cluster)
        hi = max(items[i].window()[1] for i in cluster)
        centroid = vectors[cluster].sum(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        members = [reps[i] for i in cluster]
        lead_names = {
            fold_name(n)
            for i in cluster
            for s in readings[i].opening[:LEAD_SENTENCES]
            for n in [*names_in(s), *places_named(s)]
        }
        built.append(
            _Built(
                cluster,
                members,
                centroid.astype(np.float32),
                (lo, hi),
                lead_names=lead_names,
                day=min(days) if (days := [d for i in cluster if (d := items[i].day)]) else None,
            )
        )
    _related(built, readings)
    ids = _assign_ids(built, known_ids or {})
    stories: list[Story] = []
    left_out: list[str] = []
    for b, story_id, why in zip(built, ids, merges, strict=True):
        r = reconcile(b.members, aliases)
        # The headline and summary of the current article nearest the story's centre.
        current = {m.id for m in r.current}
        nearest = sorted(
            (i for i in b.indexes if reps[i].id in current),
            key=lambda i: -float(vectors[i] @ b.vector),
        )
        centre = reps[nearest[0]]
        dates = Counter(m.brief.date.value for m in r.current if m.brief.date.value)
        event_date = min(dates, key=lambda d: (-dates[d], d)) if dates else None
        brief = centre.brief
        # The kind of event most sources give; ties go to the article nearest the centre.
        kinds = Counter((m.brief.event_type, m.brief.sub_event_type) for m in r.current)
        event_type, sub_event_type = max(
            kinds, key=lambda k: (kinds[k], k == (brief.event_type, brief.sub_event_type))
        )
        story = Story(
            id=story_id,
            headline=brief.headline,
            summary=brief.summary,
            event_date=event_date,
            undated=event_date is None,
            event_type=event_type,
            sub_event_type=sub_event_type,
            place=next((m.brief.location.place for m in r.current if m.brief.location.place), None),
            country=Counter(
                m.brief.location.country for m in r.current if m.brief.location.country
            ).most_common(1)[0][0]
            if any(m.brief.location.country for m in r.current)
            else None,
            sources=r.sources,
            entities=r.entities,
            casualties=r.casualties,
            agreed=r.agreed,
            single_source=r.single_source,
            conflicts=r.conflicts,
            timeline=r.timeline,
            open_questions=r.open_questions,
            grouped_by=[
                StoryMerge(
                    articles=[reps[m.first].id, reps[m.second].id],
                    similarity=round(m.similarity, 3),
                    shared_names=list(m.shared_names),
                    names_score=round(m.names_score, 3),
                    average=round(m.average, 3),
                )
                for m in why
            ],
        )
        b.story = story
        if day is not None and not _on_day(story, b.members, day):
            left_out += [m.article.source for m in b.members]
            continue
        stories.append(story)
    for b in built:
        if b.story is not None:
            b.story.related = [ids[j] for j in b.related]
    stories.sort(key=lambda s: (s.event_date or date.max, s.id))
    return Digest(date=day, stories=stories, failures=list(failures), left_out=left_out)


def _on_day(story: Story, members: Sequence[Member], day: date) -> bool:
    if story.event_date is not None:
        return story.event_date == day
    return any(m.article.published == day for m in members)
