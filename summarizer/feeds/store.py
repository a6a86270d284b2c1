"""The fetched-articles store: one SQLite file, written as each feed and page arrives.

Three tables. ``feeds``: each feed's validators (ETag, Last-Modified) for conditional
GET. ``entries``: what each feed listed (a link listed by two feeds is one page).
``pages``: each page's text and metadata, or why it failed. A feed's validators are
saved in the same transaction as its entries, and each page in its own, so a process
killed at any point loses at most the request in flight: the next run asks only for
entries with no page yet, pages that failed for a reason that may pass (429, 5xx,
timeouts), and pages whose entry changed in the feed.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..ingest import Article, article_id
from ..sqlite import connect, immediate
from .parse import Entry, Feed, Page

__all__ = ["FeedStore", "Pending", "StoredPage"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    checked_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    feed_url TEXT NOT NULL,
    link TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    title TEXT,
    author TEXT,
    published TEXT,
    updated TEXT,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (feed_url, link)
);
CREATE TABLE IF NOT EXISTS pages (
    link TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'gave_up')),
    error TEXT,
    entry_updated TEXT,
    final_url TEXT,
    canonical_url TEXT,
    title TEXT,
    author TEXT,
    published TEXT,
    sitename TEXT,
    text TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Pending:
    """A page to fetch: its link, its entry's change mark, and its validators if any."""

    link: str
    entry_updated: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class StoredPage:
    link: str
    feed_url: str
    outlet: str | None
    title: str | None
    author: str | None
    published: date | None
    first_seen: date
    canonical_url: str | None
    text: str


def _shared(link: str, feed_url: str) -> int:
    a, b = link.split("://", 1)[-1], feed_url.split("://", 1)[-1]
    return len(os.path.commonprefix([a, b]))  # noqa: RUF071  (characters: host, then path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedStore:
    """The store at ``path`` (created with its folder when missing)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = connect(self.path)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._db)

    # --- feeds ----------------------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified of the feed's last answer."""
        row = self._db.execute(
            "SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_feed(
        self,
        feed: Feed,
        etag: str | None,
        last_modified: str | None,
        *,
        max_new: int | None = None,
    ) -> tuple[int, int]:
        """Record the feed's entries and validators in one transaction: how many are
        new, and how many new ones were left for a later run. At most ``max_new`` new
        entries are taken, in the feed's order; when some are left, the validators are
        not kept, so the next run reads the whole feed again and takes the next ones."""
        new = left = 0
        with self._tx() as db:
            for e in feed.entries:
                known = db.execute(
                    "SELECT 1 FROM entries WHERE feed_url = ? AND link = ?", (feed.url, e.link)
                ).fetchone()
                if not known and max_new is not None and new >= max_new:
                    left += 1
                    continue
                new += self._save_entry(db, feed.url, e)
            if left:
                etag = last_modified = None
            db.execute(
                "INSERT INTO feeds (url, title, etag, last_modified, checked_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " title = excluded.title, etag = excluded.etag,"
                " last_modified = excluded.last_modified, checked_at = excluded.checked_at",
                (feed.url, feed.title, etag, last_modified, _now()),
            )
        return new, left

    def touch_feed(self, url: str) -> None:
        """The feed answered 304: only its check time changes."""
        self._db.execute("UPDATE feeds SET checked_at = ? WHERE url = ?", (_now(), url))

    @staticmethod
    def _save_entry(db: sqlite3.Connection, feed_url: str, e: Entry) -> int:
        published = e.published.isoformat() if e.published else None
        cursor = db.execute(
            "INSERT INTO entries (feed_url, link, entry_id, title, author, published, updated,"
            " first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_url, link) DO NOTHING",
            (feed_url, e.link, e.entry_id, e.title, e.author, published, e.updated, _now()),
        )
        if cursor.rowcount:
            return 1
        db.execute(
            "UPDATE entries SET title = ?, author = ?, published = ?, updated = ?"
            " WHERE feed_url = ? AND link = ?",
            (e.title, e.author, published, e.updated, feed_url, e.link),
        )
        return 0

    # --- pages ----------------------------------------------------------------------

    def pending(self) -> list[Pending]:
        """Pages to fetch: never fetched, failed for a passing reason, or changed in a feed."""
        rows = self._db.execute(
            "SELECT e.link, MAX(e.updated), p.status, p.entry_updated, p.etag, p.last_modified"
            " FROM entries e LEFT JOIN pages p ON p.link = e.link"
            " GROUP BY e.link ORDER BY MIN(e.first_seen), e.link"
        ).fetchall()
        out = []
        for link, updated, status, seen_updated, etag, last_modified in rows:
            if status is None or status == "failed":
                out.append(Pending(link, updated, None, None))
            elif updated != seen_updated:  # the feed says the entry changed
                out.append(Pending(link, updated, etag, last_modified))
        return out

    def save_page(
        self,
        link: str,
        page: Page,
        *,
        entry_updated: str | None,
        final_url: str,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        published = page.published.isoformat() if page.published else None
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO pages (link, status, error, entry_updated, final_url,"
                " canonical_url, title, author, published, sitename, text, etag, last_modified,"
                " fetched_at) VALUES (?, 'ok', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (link, entry_updated, final_url, page.canonical_url, page.title, page.author,
                 published, page.sitename, page.text, etag, last_modified, _now()),
            )  # fmt: skip

    def mark_unchanged(self, link: str, entry_updated: str | None) -> None:
        """The page answered 304: what is stored stands for the entry's new mark."""
        self._db.execute(
            "UPDATE pages SET entry_updated = ?, fetched_at = ? WHERE link = ?",
            (entry_updated, _now(), link),
        )

    def save_failure(
        self, link: str, reason: str, *, permanent: bool, entry_updated: str | None
    ) -> None:
        """Why the page failed; a permanent failure is not asked again until its entry
        changes, a passing one on the next run. A page fetched before keeps its text."""
        status = "gave_up" if permanent else "failed"
        with self._tx() as db:
            row = db.execute("SELECT status FROM pages WHERE link = ?", (link,)).fetchone()
            if row and row[0] == "ok":
                db.execute(
                    "UPDATE pages SET error = ?, entry_updated = ? WHERE link = ?",
                    (reason, entry_updated if permanent else None, link),
                )
                return
            db.execute(
                "INSERT OR REPLACE INTO pages (link, status, error, entry_updated, fetched_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (link, status, reason, entry_updated, _now()),
            )

    def failures(self) -> list[tuple[str, str]]:
        """Every page that has no text, and why."""
        return self._db.execute(
            "SELECT link, error FROM pages WHERE status != 'ok' ORDER BY link"
        ).fetchall()

    def pages(self) -> list[StoredPage]:
        """Every page with text, with the metadata of the feed that lists it (below),
        oldest first."""
        rows = self._db.execute(
            "SELECT p.link, e.feed_url, f.title, COALESCE(e.title, p.title),"
            " COALESCE(e.author, p.author), e.published, p.published, e.first_seen,"
            " p.canonical_url, p.text, p.sitename"
            " FROM pages p JOIN entries e ON e.link = p.link JOIN feeds f ON f.url = e.feed_url"
            " WHERE p.status = 'ok'"
        ).fetchall()
        # A page listed by several feeds takes the metadata of the feed closest to it
        # (the longest common start of host and path: the outlet's own section feed
        # before another outlet's), then of the feed that listed it first.
        rows.sort(key=lambda r: (r[0], -_shared(r[0], r[1]), r[7]))
        out: dict[str, StoredPage] = {}
        for (link, feed_url, outlet, title, author, entry_published, page_published,
             first_seen, canonical, text, sitename) in rows:  # fmt: skip
            if link in out:
                continue
            published = (
                datetime.fromisoformat(entry_published).date()
                if entry_published
                else date.fromisoformat(page_published)
                if page_published
                else None
            )
            out[link] = StoredPage(
                link=link,
                feed_url=feed_url,
                outlet=outlet or sitename,
                title=title,
                author=author,
                published=published,
                first_seen=datetime.fromisoformat(first_seen).date(),
                canonical_url=canonical,
                text=text,
            )
        return sorted(out.values(), key=lambda p: (p.first_seen, p.link))

    def articles(self, day: date | None = None) -> list[Article]:
        """The fetched pages as articles (one per text: a page syndicated under two links
        is one article); with ``day``, those published that day, or first seen that day
        when neither the feed nor the page gives a date."""
        out: dict[str, Article] = {}
        for p in self.pages():
            if day is not None and (p.published or p.first_seen) != day:
                continue
            a = Article(
                id=article_id(p.text),
                source=p.link,
                text=p.text,
                body=p.text,
                published=p.published,
                title=p.title,
                byline=p.author,
                outlet=p.outlet,
                url=p.canonical_url or p.link,
            )
            out.setdefault(a.id, a)
        return list(out.values())
