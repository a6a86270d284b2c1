"""Feeds and pages in: RSS, Atom and JSON Feed read, their pages fetched politely and
stored, so a rerun asks only for what changed.

    sources   which feeds: URLs, OPML files, text files of URLs
    http      the one HTTP client: timeouts, retries, robots.txt, conditional GET, limits
    parse     a feed's entries (feedparser; JSON Feed) and a page's text (trafilatura)
    store     the SQLite store of feeds, entries and pages
    fetch     the step: feeds in, pending pages fetched, each saved as it arrives
"""

from __future__ import annotations

from .fetch import FetchEvent, FetchReport, fetch_feeds
from .http import DEFAULT_USER_AGENT, Fetcher, FetchPolicy
from .sources import feed_urls
from .store import FeedStore

__all__ = [
    "DEFAULT_USER_AGENT",
    "FeedStore",
    "FetchEvent",
    "FetchPolicy",
    "FetchReport",
    "Fetcher",
    "feed_urls",
    "fetch_feeds",
]
