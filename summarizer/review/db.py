"""Where the review store lives: a SQLite file, or a PostgreSQL server (``psycopg`` 3).

The store's logic is plain SQL written once, with ``?`` placeholders; this module is the
seam between it and the two databases, and nothing outside it knows which one is used:

- ``connect()``: a connection for reads, in autocommit; rows are read by column name.
- ``write()``: one transaction holding the store's write lock for its whole length, so
  a version check and the write it guards cannot interleave with another editor's
  (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock, the
  same one for every writer of the store).
- ``close()``: let go of held connections (PostgreSQL's pool; reopened on use).
- ``dialect`` and ``json_text(column, key)``: the two places where the SQL differs
  (the migrations' DDL and triggers; reading one key of a JSON column).

``open_database`` chooses by the location: ``postgresql://`` or ``postgres://`` is a
server, anything else a file path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

from ..sqlite import connect as sqlite_connect
from ..sqlite import immediate

__all__ = ["Conn", "Database", "display_location", "is_server_url", "open_database"]

Dialect = Literal["sqlite", "postgresql"]
# pg_advisory_xact_lock key of the store's write lock ("summ" in ASCII)
WRITE_LOCK = 0x73756D6D


class Conn(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...


class Database(Protocol):
    dialect: Dialect
    location: str

    def connect(self) -> Any: ...  # a context manager yielding a Conn

    def write(self) -> Any: ...  # a context manager yielding a Conn, in one transaction

    def json_text(self, column: str, key: str) -> str: ...

    def close(self) -> None: ...


def is_server_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def display_location(location: str | Path) -> str:
    """The location to print: a server URL without its password."""
    text = str(location)
    if not is_server_url(text):
        return text
    parts = urlsplit(text)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return text


def _busy(location: str, waited: float) -> Exception:
    from ..errors import StoreBusy

    return StoreBusy(
        f"the review store {location} is locked by another writer (waited {waited:g} s); "
        "nothing was changed, try again"
    )


class SQLiteDatabase:
    dialect: Dialect = "sqlite"

    def __init__(self, path: Path | str, *, lock_wait: float = 30.0) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.lock_wait = lock_wait

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        # Autocommit mode; every change opens its own BEGIN IMMEDIATE (``write``).
        db = sqlite_connect(self.path, timeout=self.lock_wait)
        db.execute("PRAGMA foreign_keys=ON")
        try:
            yield db
        finally:
            db.close()

    def close(self) -> None:
        pass  # a connection per use: nothing held open

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as db:
            began = False
            try:
                with immediate(db):
                    began = True
                    yield db
            except sqlite3.OperationalError as exc:
                # only the wait for the lock is StoreBusy; an error of the body is its own
                if began or not ("locked" in str(exc) or "busy" in str(exc)):
                    raise
                raise _busy(self.location, self.lock_wait) from exc

    def json_text(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"


class _PostgresConn:
    """A psycopg connection that takes the store's ``?`` placeholders."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql.replace("?", "%s"), tuple(params))


class PostgresDatabase:
    """A PostgreSQL store; connections come from a small pool (``psycopg_pool``), opened
    on first use, so an editor's click does not pay for a new connection."""

    dialect: Dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 4, lock_wait: float = 30.0) -> None:
        self.url = url
        self.lock_wait = lock_wait
        self.location = display_location(url)
        self._pool_size = pool_size
        self._pool: Any = None

    def _connections(self) -> Any:
        if self._pool is None:
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool

            self._pool = ConnectionPool(
                self.url,
                min_size=1,
                max_size=self._pool_size,
                kwargs={"autocommit": True, "row_factory": dict_row},
                open=False,
            )
            self._pool.open(wait=True, timeout=10)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    @contextmanager
    def connect(self) -> Iterator[_PostgresConn]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            pool = self._connections()
            with pool.connection() as conn:
                yield _PostgresConn(conn)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            from ..errors import ReviewError

            self.close()
            raise ReviewError(
                f"cannot reach the review store {self.location}: {exc}".strip()
            ) from exc

    @contextmanager
    def write(self) -> Iterator[_PostgresConn]:
        import psycopg.errors

        with self.connect() as db, db._conn.transaction():
            # an advisory lock's wait obeys lock_timeout (milliseconds, this transaction)
            db.execute(f"SET LOCAL lock_timeout = {max(1, int(self.lock_wait * 1000))}")
            try:
                db.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            except psycopg.errors.LockNotAvailable as exc:
                raise _busy(self.location, self.lock_wait) from exc
            yield db

    def json_text(self, column: str, key: str) -> str:
        return f"({column}::json ->> '{key}')"


def open_database(
    location: Path | str, *, lock_wait: float = 30.0
) -> SQLiteDatabase | PostgresDatabase:
    """The database at ``location``: a PostgreSQL URL, or a SQLite file path. A write
    waits at most ``lock_wait`` seconds for another writer, then ``StoreBusy``."""
    if is_server_url(location):
        return PostgresDatabase(str(location), lock_wait=lock_wait)
    return SQLiteDatabase(location, lock_wait=lock_wait)
