"""What a feed lists and what a page says.

Feeds (RSS 0.9x/2.0, RSS 1.0, Atom) are read by ``feedparser``, which sniffs the
encoding (a Latin-1 feed declared as UTF-8 is read, with a warning), resolves relative
links against the feed's URL and tolerates the common breakages; JSON Feed
(jsonfeed.org 1.0 and 1.1), which feedparser 6 does not read, is mapped here from its
published fields. A page's text and metadata (title, author, date, canonical URL, site
name) are extracted by ``trafilatura``.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from ..errors import FetchError
from .http import Fetched, normalize_url

__all__ = ["Entry", "Feed", "Page", "parse_feed", "parse_page"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})


@dataclass(frozen=True)
class Entry:
    """One item of a feed: the page it links to and what the feed says of it."""

    link: str
    entry_id: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: str | None = None  # as the feed writes it: a change means the entry changed


@dataclass(frozen=True)
class Feed:
    url: str
    title: str | None
    entries: list[Entry]
    warning: str | None = None


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    author: str | None
    published: date | None
    canonical_url: str | None
    sitename: str | None


def _when(parsed: Any) -> datetime | None:
    """A feed's parsed date, or None when it is none a calendar has ("0000-00-00")."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return None


def _text(value: Any) -> str | None:
    """A feed's field as text, or None when it is not text (a number, an object)."""
    if isinstance(value, str):
        return value.strip() or None
    return None


def _entry_id(value: Any) -> str | None:
    """JSON Feed's id is text; a number is read as its text, anything else as none."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _is_json(fetched: Fetched) -> bool:
    return "json" in fetched.content_type or fetched.body.lstrip()[:1] == b"{"


def parse_feed(fetched: Fetched) -> Feed:
    """The entries of a fetched feed; ``FetchError`` naming the URL if it is not one."""
    if _is_json(fetched):
        return _json_feed(fetched)
    parsed = feedparser.parse(
        fetched.body,
        response_headers={
            "content-type": fetched.headers.get("content-type", "application/xml"),
            "content-location": fetched.final_url,
        },
    )
    problem = parsed.get("bozo_exception")
    if not parsed.get("version") and not parsed.entries:
        reason = f"not a feed ({problem})" if problem else "not a feed"
        raise FetchError(fetched.url, reason, permanent=True)
    entries = []
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            continue
        link = normalize_url(urljoin(fetched.final_url, link))
        # dict.get: FeedParserDict.get maps a missing "published" to "updated", with a
        # DeprecationWarning; both are read here explicitly
        published = _when(dict.get(e, "published_parsed")) or _when(dict.get(e, "updated_parsed"))
        entries.append(
            Entry(
                link=link,
                entry_id=str(e.get("id") or link),
                title=_text(e.get("title")),
                author=_text(e.get("author")),
                published=published,
                updated=dict.get(e, "updated") or dict.get(e, "published"),
            )
        )
    warning = None
    if problem is not None:
        warning = f"read despite a problem: {problem}"
    return Feed(fetched.url, _text(parsed.feed.get("title")), entries, warning)


def _json_feed(fetched: Fetched) -> Feed:
    try:
        data = json.loads(fetched.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(fetched.url, f"not a feed (invalid JSON: {exc})", permanent=True) from exc
    except RecursionError as exc:
        raise FetchError(
            fetched.url, "not a feed (JSON nested too deeply)", permanent=True
        ) from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FetchError(
            fetched.url, "not a feed (JSON without a JSON Feed version)", permanent=True
        )
    items = data.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = _text(item.get("url")) or _text(item.get("external_url"))
        if not link:
            continue
        link = normalize_url(urljoin(fetched.final_url, link))
        authors = item.get("authors")
        if not isinstance(authors, list):
            authors = [item["author"]] if isinstance(item.get("author"), dict) else []
        author = next((_text(a.get("name")) for a in authors if isinstance(a, dict)), None)
        modified, published = _text(item.get("date_modified")), _text(item.get("date_published"))
        entries.append(
            Entry(
                link=link,
                entry_id=_entry_id(item.get("id")) or link,
                title=_text(item.get("title")),
                author=author,
                published=_iso(published) or _iso(modified),
                updated=modified or published,
            )
        )
    return Feed(fetched.url, _text(data.get("title")), entries)


def parse_page(fetched: Fetched) -> Page:
    """The article text and metadata of a fetched page; ``FetchError`` if it has none."""
    if fetched.content_type not in HTML_TYPES:
        raise FetchError(
            fetched.url, f"not an HTML page (Content-Type {fetched.content_type})", permanent=True
        )
    import trafilatura

    extracted = trafilatura.bare_extraction(
        fetched.body,
        url=fetched.final_url,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise FetchError(fetched.url, "no article text found in the page", permanent=True)
    published = None
    raw = getattr(extracted, "date", None)
    if raw:
        try:
            published = date.fromisoformat(str(raw)[:10])
        except ValueError:
            published = None
    return Page(
        text=text,
        title=getattr(extracted, "title", None),
        author=getattr(extracted, "author", None),
        published=published,
        canonical_url=getattr(extracted, "url", None),
        sitename=getattr(extracted, "sitename", None),
    )
