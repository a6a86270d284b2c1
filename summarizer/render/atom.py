"""The digest as an Atom feed (written by ``feedgen``): one entry per story.

An entry's id is the story's stable id as a tag URI, so a reader keeps it across runs
and days; its ``updated`` is when a daily run last saw the story change
(``Story.updated``), so a reader shows it again only then. The content (HTML, escaped)
holds the summary, the casualty figures with who gives them, the conflicts with each
side's sources, and every source linked.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from ..digest.model import Digest, Evidence, Story

__all__ = ["render_digest_atom", "story_tag"]


def story_tag(story_id: str) -> str:
    """The story's Atom id: a tag URI (RFC 4151) that does not depend on where it is served."""
    return f"tag:summarizer,2025:story/{story_id}"


def _who(e: Evidence) -> str:
    who = e.attributed_to or e.outlet or "the article"
    return who if not e.outlet or who == e.outlet else f"{who} ({e.outlet})"


def _content(story: Story) -> str:
    parts = [f"<p>{escape(story.summary)}</p>"]
    if story.changes:
        items = "".join(f"<li>{escape(c)}</li>" for c in story.changes)
        parts.append(f"<p><strong>Since the last run:</strong></p><ul>{items}</ul>")
    for t in story.casualties:
        if t.low is None and t.high is None:
            continue
        figure = str(t.low) if t.low == t.high or t.high is None else f"{t.low}–{t.high}"
        sources = "; ".join(_who(e) for e in t.low_sources + t.high_sources)
        flag = " <strong>(sources disagree)</strong>" if t.conflict else ""
        parts.append(f"<p>{escape(t.kind.capitalize())}: {escape(figure)}{flag}"
                     f" — {escape(sources)}</p>")  # fmt: skip
    if story.conflicts:
        rows = []
        for c in story.conflicts:
            sides = "; ".join(
                f"{escape(v.value)} ({escape(', '.join(_who(e) for e in v.sources))})"
                for v in c.values
            )
            rows.append(f"<li>{escape(c.field)}: {sides}</li>")
        parts.append(f"<p><strong>Where sources disagree:</strong></p><ul>{''.join(rows)}</ul>")
    links = []
    for s in story.sources:
        label = escape(s.outlet or s.title or s.source_file)
        title = f": {escape(s.title)}" if s.title and s.outlet else ""
        if s.source_file.startswith(("http://", "https://")):
            links.append(f'<li><a href="{escape(s.source_file)}">{label}</a>{title}</li>')
        else:
            links.append(f"<li>{label}{title}</li>")
    parts.append(f"<p><strong>Sources:</strong></p><ul>{''.join(links)}</ul>")
    return "".join(parts)


def render_digest_atom(digest: Digest, *, feed_id: str, title: str, link: str | None = None) -> str:
    """The Atom document for ``digest``. ``feed_id`` is the feed's own stable id (a tag
    URI or URL); ``link`` where the HTML digest is published, if anywhere."""
    from feedgen.feed import FeedGenerator

    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title)
    fg.generator("summarizer")
    if link:
        fg.link(href=link, rel="alternate")
    fg.updated(max((s.updated or epoch for s in digest.stories), default=epoch))
    for story in digest.stories:
        entry = fg.add_entry(order="append")
        entry.id(story_tag(story.id))
        entry.title(story.headline)
        entry.updated(story.updated or epoch)
        if story.event_date:
            published = dt.datetime.combine(story.event_date, dt.time(), tzinfo=dt.UTC)
            entry.published(published)
        entry.summary(story.summary)
        entry.content(_content(story), type="html")
        for s in story.sources:
            if s.source_file.startswith(("http://", "https://")):
                entry.link(href=s.source_file, rel="related", title=s.outlet or s.title)
        for name in sorted({s.outlet for s in story.sources if s.outlet}):
            entry.author(name=name)
        if not any(s.outlet for s in story.sources):
            entry.author(name="summarizer")
    return str(fg.atom_str(pretty=True).decode("utf-8"))
