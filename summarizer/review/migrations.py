"""The review store's schema, as named migrations applied once each, in order.

As simonw/llm does: each migration is a function named ``mNNN_what``; the names applied
are recorded in ``_migrations`` with the time, so opening an older database applies only
the missing ones, and opening a current one applies none. Never edit a released
migration: add the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["MIGRATIONS", "applied", "migrate"]

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def _migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@_migration
def m001_initial(db: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,            -- Article.id: sha256 of the exact text
            source TEXT NOT NULL,
            outlet TEXT,
            published TEXT,
            title TEXT,
            json TEXT NOT NULL              -- the whole Article, as read
        )""",
        """CREATE TABLE briefs (
            id TEXT PRIMARY KEY,            -- article + model + prompt + schema
            article_id TEXT NOT NULL REFERENCES articles(id),
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            schema_version TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            current_version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX briefs_status ON briefs(status)",
        """CREATE TABLE versions (
            brief_id TEXT NOT NULL REFERENCES briefs(id),
            number INTEGER NOT NULL,
            kind TEXT NOT NULL,             -- draft | edit | conflicted
            based_on INTEGER,               -- the version the editor started from
            author TEXT NOT NULL,           -- model:<name> for the draft, else the editor
            content TEXT NOT NULL,          -- BriefContent JSON
            provenance TEXT,                -- the draft's Provenance JSON
            created_at TEXT NOT NULL,
            PRIMARY KEY (brief_id, number)
        )""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brief_id TEXT NOT NULL REFERENCES briefs(id),
            at TEXT NOT NULL,
            editor TEXT NOT NULL,
            action TEXT NOT NULL,           -- filed | edited | conflict | approved | ...
            version INTEGER,
            from_status TEXT,
            to_status TEXT,
            comment TEXT
        )""",
        # append-only: the log cannot be changed or shortened through SQL
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ):
        db.execute(statement)


@_migration
def m002_review_decision(db: sqlite3.Connection) -> None:
    """Who decided, when, with what comment, on which version (the queue shows them)."""
    for column in ("reviewed_by TEXT", "reviewed_at TEXT", "review_comment TEXT",
                   "approved_version INTEGER"):  # fmt: skip
        db.execute(f"ALTER TABLE briefs ADD COLUMN {column}")


def applied(db: sqlite3.Connection) -> list[str]:
    """Names of the migrations this database has had, in the order applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(db: sqlite3.Connection, *, upto: str | None = None) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction with the row
    that records it (``db`` is in autocommit mode: SQLite's DDL is transactional);
    ``upto`` stops after the named one (tests build older databases with it).
    Returns the names applied now."""
    done = set(applied(db))
    now: list[str] = []
    for fn in MIGRATIONS:
        if fn.__name__ not in done:
            db.execute("BEGIN IMMEDIATE")
            try:
                fn(db)
                db.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    (fn.__name__, datetime.now(UTC).isoformat()),
                )
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            now.append(fn.__name__)
        if fn.__name__ == upto:
            break
    return now
