"""What changed in the day's digest since the previous run of the same day.

Pure: two digests in, the new one out with each story's ``changes`` and ``updated``
stamped. A story the previous run did not have is "new story" (on the day's first run
nothing is marked: there is nothing to compare with). A story unchanged since then keeps
its marks and its time, so hourly runs that find nothing new leave every file as it was;
a story that changed gets what changed: a source added, a figure that moved, a conflict
that appeared or was settled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..digest.model import CasualtyTally, Digest, Story

__all__ = ["mark_changes"]

_STAMPS = {"changes", "updated"}


def _content(story: Story) -> dict[str, Any]:
    return story.model_dump(mode="json", exclude=_STAMPS)


def _figure(t: CasualtyTally) -> str:
    if t.low is None and t.high is None:
        return "no figure"
    return str(t.low) if t.low == t.high or t.high is None else f"{t.low}–{t.high}"


def _differences(old: Story, new: Story) -> list[str]:
    out = []
    seen = {s.article_id for s in old.sources}
    for s in new.sources:
        if s.article_id not in seen:
            who = s.outlet or s.source_file
            out.append(f"new source: {who}" + (f" — {s.title}" if s.title else ""))
    before = {t.kind: t for t in old.casualties}
    for t in new.casualties:
        was = before.get(t.kind)
        if was is None:
            out.append(f"{t.kind}: {_figure(t)} (first figure)")
        elif (was.low, was.high) != (t.low, t.high):
            rose = (t.high or t.low or 0) > (was.high or was.low or 0)
            out.append(f"{t.kind}: {_figure(was)} → {_figure(t)}" + (" (rose)" if rose else ""))
    old_conflicts = {c.field for c in old.conflicts}
    new_conflicts = {c.field for c in new.conflicts}
    out += [f"sources now disagree on {f}" for f in sorted(new_conflicts - old_conflicts)]
    out += [f"no longer in conflict: {f}" for f in sorted(old_conflicts - new_conflicts)]
    if old.headline != new.headline:
        out.append("headline changed")
    return out or ["details updated"]


def mark_changes(previous: Digest | None, current: Digest, now: dt.datetime) -> Digest:
    """``current`` with each story's changes since ``previous`` and its updated time."""
    before = {s.id: s for s in previous.stories} if previous is not None else {}
    stories = []
    for story in current.stories:
        old = before.get(story.id)
        if old is None:
            changes, updated = (["new story"] if previous is not None else []), now
        elif _content(old) == _content(story):
            changes, updated = old.changes, old.updated or now
        else:
            changes, updated = _differences(old, story), now
        stories.append(story.model_copy(update={"changes": changes, "updated": updated}))
    return current.model_copy(update={"stories": stories})
