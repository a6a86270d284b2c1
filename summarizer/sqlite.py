"""The project's SQLite habits, declared once: the feed store, the batch job's state and
the review store's SQLite side open their files and take their write transactions here.

A connection is in autocommit mode with WAL journaling and rows read by column name;
``immediate`` is one transaction that takes the write lock up front (``BEGIN
IMMEDIATE``), so a read-then-write inside it cannot interleave with another writer's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["connect", "immediate"]


def connect(path: Path | str, *, timeout: float = 30.0) -> sqlite3.Connection:
    """The database at ``path`` (its folder made when missing)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, timeout=timeout)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    return db


@contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One transaction holding the write lock from its start; rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
