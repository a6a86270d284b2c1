"""One story's articles reconciled field by field: agreed, single-source, conflict.

- **Independent sources.** Wire copies were folded into one article before this step.
  Articles of one outlet are one source: the latest is current, earlier ones are its
  updates (their casualty figures are shown as superseded, never as a disagreement).
  An article without a known outlet is its own source.
- **Scalar fields** (event date, time of day, place, country, sub-type): one value from
  two or more sources is agreed, from one source single-source; different values from
  different sources are a conflict listing each value with its sources. A place that
  only narrows another ("eastern X" within "X") agrees with it.
- **Casualties** follow ACLED/UCDP practice: every attributed claim kept, low and high
  shown with who gives each, never averaged.
- **Names**: see ``entities``. **Claims** with the same meaning (static embeddings of
  their evidence sentences) from two sources agree; quotes agree only word for word.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from ..embeddings import embed
from ..ingest import Article
from ..schema import EventBrief
from ..text.lang import LANG
from .entities import NAMED, AliasRules, Mention, fold_name, group_mentions, spellings_of
from .model import (
    CasualtyClaimView,
    CasualtyTally,
    Conflict,
    ConflictValue,
    Entity,
    Evidence,
    Fact,
    Source,
    Spelling,
    TimelineEntry,
)

__all__ = ["CLAIM_THRESHOLD", "Member", "Reconciled", "reconcile"]

CLAIM_THRESHOLD = 0.8


@dataclass(frozen=True)
class Member:
    """One article of a story, its brief, and the wire copies folded into it."""

    article: Article
    brief: EventBrief
    copies: tuple[Article, ...] = ()
    review: Literal["approved", "unreviewed"] | None = None
    brief_failed: bool = False
    # the people and organisations the article names (read once, by the digest)
    named: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def outlet(self) -> str | None:
        return self.article.outlet or self.brief.provenance.outlet

    @property
    def source_key(self) -> str:
        return "outlet:" + fold_name(self.outlet) if self.outlet else "article:" + self.id

    def evidence(self, attributed_to: str | None = None, quote: str | None = None) -> Evidence:
        return Evidence(
            article_id=self.id, outlet=self.outlet, attributed_to=attributed_to, quote=quote
        )


@dataclass
class Reconciled:
    sources: list[Source]
    current: list[Member]
    agreed: list[Fact]
    single_source: list[Fact]
    conflicts: list[Conflict]
    entities: list[Entity]
    casualties: list[CasualtyTally]
    timeline: list[TimelineEntry]
    open_questions: list[Fact]


def _current_and_updates(members: Sequence[Member]) -> tuple[list[Member], dict[str, list[str]]]:
    """The latest article of each outlet, and the earlier ones each supersedes."""
    by_source: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        by_source[m.source_key].append(m)
    current, updates = [], {}
    for group in by_source.values():
        ordered = sorted(group, key=lambda m: m.article.published or date.min)
        latest = ordered[-1]
        current.append(latest)
        updates[latest.id] = [m.id for m in ordered[:-1]]
    order = {m.id: i for i, m in enumerate(members)}
    return sorted(current, key=lambda m: order[m.id]), updates


_Value = tuple[str, Evidence, str]  # value, evidence, source key


def _narrows(a: str, b: str) -> bool:
    wa, wb = set(fold_name(a).split()), set(fold_name(b).split())
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def _scalar(
    field: str,
    values: Sequence[_Value],
    same: Callable[[str, str], bool] = lambda a, b: fold_name(a) == fold_name(b),
) -> Fact | Conflict | None:
    groups: list[list[_Value]] = []
    for v in values:
        for g in groups:
            if all(same(v[0], w[0]) for w in g):
                g.append(v)
                break
        else:
            groups.append([v])
    if not groups:
        return None
    if len(groups) == 1:
        g = groups[0]
        shown = max((v[0] for v in g), key=len)
        return Fact(field=field, value=shown, sources=[v[1] for v in g])
    # One source giving two values is not a disagreement between sources, but it is
    # still shown as one: the editor sees every value either way.
    return Conflict(
        field=field,
        values=[
            ConflictValue(value=max((v[0] for v in g), key=len), sources=[v[1] for v in g])
            for g in sorted(groups, key=lambda g: -len({v[2] for v in g}))
        ],
    )


def _independent(fact: Fact, key_of: dict[str, str]) -> int:
    return len({key_of[e.article_id] for e in fact.sources})


def _casualties(members: Sequence[Member], current_ids: set[str]) -> list[CasualtyTally]:
    out = []
    for kind in ("killed", "injured"):
        claims: list[CasualtyClaimView] = []
        for m in members:
            for c in m.brief.casualties:
                if c.kind != kind:
                    continue
                claims.append(
                    CasualtyClaimView(
                        value=c.value,
                        low=c.low,
                        high=c.high,
                        evidence=m.evidence(c.attributed_to, c.evidence),
                        superseded=m.id not in current_ids,
                    )
                )
        if not claims:
            continue
        _rises_supersede(claims, members, kind)
        figures: list[tuple[int, CasualtyClaimView]] = []
        for view in claims:
            if view.superseded:
                continue
            figures += [(n, view) for n in (view.value, view.low, view.high) if n is not None]
        if not figures:
            out.append(
                CasualtyTally(
                    kind=kind,
                    low=None,
                    high=None,
                    low_sources=[],
                    high_sources=[],
                    claims=claims,
                    conflict=False,
                )
            )
            continue
        low = min(n for n, _ in figures)
        high = max(n for n, _ in figures)
        out.append(
            CasualtyTally(
                kind=kind,
                low=low,
                high=high,
                low_sources=[v.evidence for n, v in figures if n == low],
                high_sources=[v.evidence for n, v in figures if n == high],
                claims=claims,
                conflict=low != high,
            )
        )
    return out


_RISE = re.compile(
    r"\b(?:has |had |have )?(?:" + "|".join(sorted(LANG.TOLL_RISE)) + r")\s+(?:to|past)\b", re.I
)


def _rises_supersede(claims: list[CasualtyClaimView], members: Sequence[Member], kind: str) -> None:
    """A figure whose words say it rose ("the death toll rose to 40") is an update of
    every lower figure of the same kind reported no later, by any outlet: those are
    marked superseded, not a conflict."""
    published = {m.id: m.article.published for m in members}
    rises = [c for c in claims if not c.superseded and _RISE.search(c.evidence.quote or "")]
    for rise in rises:
        top = max(n for n in (rise.value, rise.low, rise.high) if n is not None)
        when = published.get(rise.evidence.article_id)
        for other in claims:
            figures = [n for n in (other.value, other.low, other.high) if n is not None]
            if other is rise or other.superseded or not figures or max(figures) >= top:
                continue
            then = published.get(other.evidence.article_id)
            if when is None or then is None or then <= when:
                other.superseded = True


def _figure(c: CasualtyClaimView) -> str:
    if c.value is not None:
        return str(c.value)
    if c.low is not None and c.high is not None:
        return f"{c.low}-{c.high}"
    return f"at least {c.low}" if c.low is not None else f"up to {c.high}"


def _casualty_conflict(tally: CasualtyTally) -> Conflict:
    by_figure: dict[str, list[Evidence]] = defaultdict(list)
    for c in tally.claims:
        if not c.superseded:
            by_figure[_figure(c)].append(c.evidence)
    return Conflict(
        field=tally.kind,
        values=[ConflictValue(value=v, sources=evs) for v, evs in by_figure.items()],
    )


def _entities(
    members: Sequence[Member], rules: AliasRules | None
) -> tuple[list[Entity], list[Fact]]:
    mentions = [
        Mention(text=a.name, role=a.role, article_id=m.id, outlet=m.outlet)
        for m in members
        for a in m.brief.actors
    ]
    # The group a party belongs to ("a commander of X") is named too, and spelt too.
    mentions += [
        Mention(text=a.affiliation, role="group", article_id=m.id, outlet=m.outlet)
        for m in members
        for a in m.brief.actors
        if a.affiliation
    ]
    # The people and organisations each article names, also when its brief gives them
    # no role: a person several outlets name is one entity of the story.
    for m in members:
        cast = {fold_name(x.text) for x in mentions if x.article_id == m.id}
        for name in m.named:
            words = set(fold_name(name).split())
            # a name already cast, or a part of one ("al-Saedi" after the full name)
            if not any(words <= set(c.split()) for c in cast):
                cast.add(fold_name(name))
                mentions.append(Mention(text=name, role=NAMED, article_id=m.id, outlet=m.outlet))
    by_id = {m.id: m for m in members}
    entities, facts = [], []
    for group in group_mentions(mentions, rules):
        spellings = [
            Spelling(
                text=text,
                articles=list(dict.fromkeys(x.article_id for x in ms)),
                outlets=list(dict.fromkeys(x.outlet for x in ms)),
            )
            for text, ms in spellings_of(group)
        ]
        role = group.role
        named = {x.article_id for x in group.mentions}
        not_named = (
            [
                m.id
                for m in members
                if m.id not in named and not any(a.role == role for a in m.brief.actors)
            ]
            if role in ("target", "perpetrator", "victim")
            else []
        )
        entities.append(
            Entity(
                display=group.display,
                role=role,
                spellings=spellings,
                matched_by=sorted(group.reasons),
                not_named_by=not_named,
            )
        )
        if role in ("target", "perpetrator", "victim"):
            facts.append(
                Fact(
                    field=role,
                    value=group.display,
                    sources=[
                        by_id[x.article_id].evidence(quote=x.text)
                        for x in {x.article_id: x for x in group.mentions}.values()
                    ],
                )
            )
    return entities, facts


def _claims(members: Sequence[Member]) -> list[Fact]:
    """Claims of the same meaning grouped (greedy, against each group's mean vector)."""
    found = [(m, c) for m in members for c in m.brief.claims]
    if not found:
        return []
    vectors = embed([c.evidence for _, c in found])
    groups: list[tuple[list[int], np.ndarray]] = []
    for i, v in enumerate(vectors):
        best, best_sim = None, CLAIM_THRESHOLD
        for g, (idx, total) in enumerate(groups):
            if found[i][0].id in {found[j][0].id for j in idx}:
                continue  # one article's two claims are two claims
            sim = float(total @ v) / len(idx)
            if sim >= best_sim:
                best, best_sim = g, sim
        if best is None:
            groups.append(([i], v.astype(np.float64)))
        else:
            idx, total = groups[best]
            groups[best] = ([*idx, i], total + v)
    return [
        Fact(
            field="claim",
            value=found[idx[0]][1].statement,
            sources=[
                found[j][0].evidence(found[j][1].attributed_to, found[j][1].evidence) for j in idx
            ],
        )
        for idx, _ in groups
    ]


def _quotes(members: Sequence[Member]) -> list[Fact]:
    by_text: dict[str, Fact] = {}
    for m in members:
        for q in m.brief.quotes:
            key = fold_name(q.quote)
            ev = m.evidence(q.speaker, q.quote)
            if key in by_text:
                by_text[key].sources.append(ev)
            else:
                by_text[key] = Fact(field="quote", value=q.quote, sources=[ev])
    return list(by_text.values())


def _timeline(members: Sequence[Member]) -> list[TimelineEntry]:
    entries: dict[tuple[str, str], TimelineEntry] = {}

    def add(when: str, what: str, ev: Evidence) -> None:
        entry = entries.setdefault((when, what), TimelineEntry(when=when, what=what, sources=[]))
        entry.sources.append(ev)

    for m in members:
        d = m.brief.date
        if d.value is not None:
            when = d.value.isoformat() + (f" {d.time_of_day}" if d.time_of_day else "")
            add(when, "the event", m.evidence(quote=d.evidence))
        for e in m.brief.earlier_events:
            add(e.when or "earlier", e.description, m.evidence(quote=e.evidence))
        if m.article.published is not None:
            add(m.article.published.isoformat(), f"published by {m.outlet or 'unknown outlet'}",
                m.evidence())  # fmt: skip
    return sorted(entries.values(), key=lambda e: (not e.when[:1].isdigit(), e.when))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def reconcile(members: Sequence[Member], rules: AliasRules | None = None) -> Reconciled:
    current, updates = _current_and_updates(members)
    current_ids = {m.id for m in current}
    key_of = {m.id: m.source_key for m in members}
    facts: list[Fact | Conflict | None] = []

    def values(get: Callable[[Member], tuple[str | None, str | None]]) -> list[_Value]:
        out = []
        for m in current:
            value, quote = get(m)
            if value:
                out.append((value, m.evidence(quote=quote), m.source_key))
        return out

    facts.append(
        _scalar(
            "event date",
            values(lambda m: (_iso(m.brief.date.value), m.brief.date.evidence)),
        )
    )  # fmt: skip
    facts.append(_scalar("time of day", values(lambda m: (m.brief.date.time_of_day, None))))
    facts.append(_scalar("place", values(lambda m: (m.brief.location.place, None)), same=_narrows))
    facts.append(_scalar("country", values(lambda m: (m.brief.location.country, None))))
    facts.append(_scalar("event type", values(lambda m: (m.brief.sub_event_type, None))))
    entities, role_facts = _entities(current, rules)
    all_facts = (
        [f for f in facts if f is not None] + role_facts + _claims(current) + _quotes(current)
    )
    agreed, single, conflicts = [], [], []
    for f in all_facts:
        if isinstance(f, Conflict):
            conflicts.append(f)
        elif _independent(f, key_of) >= 2:
            agreed.append(f)
        else:
            single.append(f)
    sources = [
        Source(
            article_id=m.id,
            source_file=m.article.source,
            outlet=m.outlet,
            published=m.article.published,
            title=m.article.title,
            undated=m.brief.date.value is None,
            copies=[c.id for c in m.copies],
            copy_outlets=[c.outlet or "unknown outlet" for c in m.copies],
            updates=updates.get(m.id, []),
            review=m.review,
            brief_failed=m.brief_failed,
        )
        for m in members
    ]
    casualties = _casualties(members, current_ids)
    conflicts += [_casualty_conflict(t) for t in casualties if t.conflict]
    return Reconciled(
        sources=sources,
        current=current,
        agreed=agreed,
        single_source=single,
        conflicts=conflicts,
        entities=entities,
        casualties=casualties,
        timeline=_timeline(members),
        open_questions=[
            Fact(field="open question", value=q.question, sources=[m.evidence(quote=q.evidence)])
            for m in current
            for q in m.brief.open_questions
        ],
    )
