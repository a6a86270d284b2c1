"""The review store's schema, as named migrations applied once each, in order.

As simonw/llm does: each migration is a function named ``mNNN_what``; the names applied
are recorded in ``_migrations`` with the time, so opening an older database applies only
the missing ones, and opening a current one applies none. Never edit a released
migration: add the next one.

The same migrations, by the same names, build the store on SQLite and on PostgreSQL;
each gets the connection and the dialect, and only DDL that differs (an identity
column, a trigger) is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from .db import Conn, Database, Dialect

__all__ = ["MIGRATIONS", "applied", "migrate"]

Migration = Callable[[Conn, Dialect], None]
MIGRATIONS: list[Migration] = []


def _migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@_migration
def m001_initial(db: Conn, dialect: Dialect) -> None:
    audit_id = (
        "id INTEGER PRIMARY KEY AUTOINCREMENT"
        if dialect == "sqlite"
        else "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    )
    if dialect == "sqlite":
        append_only = [
            """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
            """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        ]
    else:
        append_only = [
            """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
            """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
            """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
            """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
                FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
        ]
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
        f"""CREATE TABLE audit (
            {audit_id},
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
        *append_only,
    ):
        db.execute(statement)


@_migration
def m002_review_decision(db: Conn, dialect: Dialect) -> None:
    """Who decided, when, with what comment, on which version (the queue shows them)."""
    for column in ("reviewed_by TEXT", "reviewed_at TEXT", "review_comment TEXT",
                   "approved_version INTEGER"):  # fmt: skip
        db.execute(f"ALTER TABLE briefs ADD COLUMN {column}")


@_migration
def m003_web_sessions(db: Conn, dialect: Dialect) -> None:
    """The review page's sign-ins, kept server-side so that signing out ends one for
    good (a copied cookie is refused after it). Only a hash of the session's secret."""
    db.execute(
        """CREATE TABLE web_sessions (
            id_hash TEXT PRIMARY KEY,       -- sha256 of the secret the cookie carries
            editor TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ended_at TEXT
        )"""
    )


def applied(db: Conn, dialect: Dialect) -> list[str]:
    """Names of the migrations this database has had, in the order applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    order = "rowid" if dialect == "sqlite" else "applied_at, name"
    return [r["name"] for r in db.execute(f"SELECT name FROM _migrations ORDER BY {order}")]


def migrate(database: Database, *, upto: str | None = None) -> list[str]:
    """Apply every migration not yet applied, each in its own write transaction with the
    row that records it (DDL is transactional on both databases; two processes opening
    a new store at once apply each migration once); ``upto`` stops after the named one
    (tests build older databases with it). Returns the names applied now."""
    now: list[str] = []
    for fn in MIGRATIONS:
        with database.write() as db:
            if fn.__name__ not in applied(db, database.dialect):
                fn(db, database.dialect)
                db.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    (fn.__name__, datetime.now(UTC).isoformat()),
                )
                now.append(fn.__name__)
        if fn.__name__ == upto:
            break
    return now
