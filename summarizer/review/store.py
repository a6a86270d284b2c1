"""The review store: every version of every brief, its status and an audit log.

One SQLite file, or a PostgreSQL database for a newsroom whose review page runs on
several machines (``SUMMARIZER_REVIEW_DB=postgresql://...``; ``db`` is the seam, the
same SQL, migrations and triggers on both). A brief is filed once per article, model, prompt and
schema version (filing it again changes nothing); its first version is the model's draft,
immutable, tagged with model, prompt hash and schema version. Each editor's save adds a
version. Status goes draft -> approved / rejected / needs_changes (and back to draft on a
new edit); who, when and the comment are kept, and every change writes an audit row in
the same transaction.

Optimistic concurrency: a save or a decision names the version it was made on. When
another editor saved in between, the save raises ``EditConflict`` listing both sides'
changes against their common base, and the late edit is kept as a ``conflicted`` version
(never current, never lost). An edit must pass the checks a model's brief passes
(``BriefContent`` against the article), else ``InvalidEdit`` says which field and why.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..errors import EditConflict, InvalidEdit, ReviewError
from ..ingest import Article
from ..prepared import PreparedArticle
from ..schema import BriefContent, EventBrief, Provenance
from .db import Conn, open_database
from .diff import changed_fields, changes
from .migrations import migrate
from .status import DECISIONS, Status

__all__ = ["AuditEntry", "Item", "ReviewStore", "Status", "Version", "brief_key"]


def brief_key(provenance: Provenance) -> str:
    """One review item per article, model, prompt and schema version."""
    parts = (
        provenance.article_id,
        provenance.model,
        provenance.prompt_hash,
        provenance.schema_version,
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Version:
    number: int
    kind: Literal["draft", "edit", "conflicted"]
    based_on: int | None
    author: str
    content: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    editor: str
    action: str
    version: int | None
    from_status: str | None
    to_status: str | None
    comment: str | None


@dataclass(frozen=True)
class Item:
    """A brief under review, as the queue and the brief page show it."""

    id: str
    article: Article
    status: Status
    model: str
    prompt_version: str
    prompt_hash: str
    schema_version: str
    current_version: int
    approved_version: int | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None
    updated_at: datetime
    provenance: Provenance
    headline: str = ""  # the current version's

    @property
    def outlet(self) -> str | None:
        return self.article.outlet

    @property
    def published(self) -> date | None:
        return self.article.published


def _session_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _field_errors(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for error in exc.errors():
        path = ".".join(str(p) for p in error["loc"]) or "brief"
        out.setdefault(path, error["msg"].removeprefix("Value error, "))
    return out


class ReviewStore:
    """The review database at ``location`` (a SQLite file path or a PostgreSQL URL),
    created and migrated on first use."""

    def __init__(self, location: Path | str, *, lock_wait: float = 30.0) -> None:
        """``lock_wait``: seconds a change waits for another writer before ``StoreBusy``
        (the review page waits a few, so an editor is told at once and keeps the form)."""
        self._db = open_database(location, lock_wait=lock_wait)
        # printed in messages: the file, or the server URL without its password
        self.path: Path | str = (
            Path(location) if self._db.dialect == "sqlite" else self._db.location
        )
        migrate(self._db)
        self._select = (
            "SELECT b.*, a.json AS article_json, d.provenance AS draft_provenance,"
            f" {self._db.json_text('c.content', 'headline')} AS headline"
            " FROM briefs b JOIN articles a ON a.id = b.article_id"
            " JOIN versions d ON d.brief_id = b.id AND d.number = 1"
            " JOIN versions c ON c.brief_id = b.id AND c.number = b.current_version"
        )

    def close(self) -> None:
        """Let go of the connections held (a PostgreSQL store's pool); reopened on use."""
        self._db.close()

    def _connect(self) -> Any:
        return self._db.connect()

    def _write(self) -> Any:
        """One transaction, taken with the write lock up front so that a version check
        and the write it guards cannot interleave with another editor's."""
        return self._db.write()

    @staticmethod
    def _audit(
        db: Conn,
        item_id: str,
        editor: str,
        action: str,
        *,
        version: int | None = None,
        from_status: str | None = None,
        to_status: str | None = None,
        comment: str | None = None,
    ) -> None:
        db.execute(
            "INSERT INTO audit (brief_id, at, editor, action, version, from_status, to_status,"
            " comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, _now(), editor, action, version, from_status, to_status, comment),
        )

    # --- filing drafts ---------------------------------------------------------------

    def file(
        self,
        brief: EventBrief,
        article: Article,
        *,
        status: Status = "draft",
        comment: str | None = None,
    ) -> tuple[str, bool]:
        """File a model's brief as a draft (or, for an article whose brief failed, its
        headline and lead as ``failed`` with the reason in ``comment``). Returns its id
        and whether it was new; a brief already filed (same article, model, prompt,
        schema) is left as it is."""
        provenance = brief.provenance
        item_id = brief_key(provenance)
        content = BriefContent.model_validate(
            brief.model_dump(exclude={"provenance", "gaps", "reading"})
        )
        now = _now()
        with self._write() as db:
            if db.execute("SELECT 1 FROM briefs WHERE id = ?", (item_id,)).fetchone():
                return item_id, False
            db.execute(
                "INSERT INTO articles (id, source, outlet, published, title, json)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (
                    article.id,
                    article.source,
                    article.outlet,
                    article.published.isoformat() if article.published else None,
                    article.title,
                    article.model_dump_json(),
                ),
            )
            db.execute(
                "INSERT INTO briefs (id, article_id, model, prompt_version, prompt_hash,"
                " schema_version, status, current_version, created_at, updated_at,"
                " review_comment) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                (
                    item_id,
                    article.id,
                    provenance.model,
                    provenance.prompt_version,
                    provenance.prompt_hash,
                    provenance.schema_version,
                    status,
                    now,
                    now,
                    comment,
                ),
            )
            db.execute(
                "INSERT INTO versions (brief_id, number, kind, based_on, author, content,"
                " provenance, created_at) VALUES (?, 1, 'draft', NULL, ?, ?, ?, ?)",
                (
                    item_id,
                    f"model:{provenance.model}",
                    content.model_dump_json(),
                    provenance.model_dump_json(),
                    now,
                ),
            )
            self._audit(db, item_id, f"model:{provenance.model}", "filed", version=1,
                        to_status=status, comment=comment)  # fmt: skip
        return item_id, True

    # --- reading ---------------------------------------------------------------------

    @staticmethod
    def _item(row: Any) -> Item:
        return Item(
            id=row["id"],
            article=Article.model_validate_json(row["article_json"]),
            status=row["status"],
            model=row["model"],
            prompt_version=row["prompt_version"],
            prompt_hash=row["prompt_hash"],
            schema_version=row["schema_version"],
            current_version=row["current_version"],
            approved_version=row["approved_version"],
            reviewed_by=row["reviewed_by"],
            reviewed_at=datetime.fromisoformat(row["reviewed_at"]) if row["reviewed_at"] else None,
            review_comment=row["review_comment"],
            updated_at=datetime.fromisoformat(row["updated_at"]),
            provenance=Provenance.model_validate_json(row["draft_provenance"]),
            headline=row["headline"] or "",
        )

    def get(self, item_id: str) -> Item:
        with self._connect() as db:
            row = db.execute(self._select + " WHERE b.id = ?", (item_id,)).fetchone()
        if row is None:
            raise ReviewError(f"no brief {item_id!r} in the review store {self.path}")
        return self._item(row)

    def items(
        self,
        *,
        status: str | None = None,
        day: date | None = None,
        outlet: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Item]:
        """The queue: oldest published first, filtered by status, day and outlet."""
        where, args = [], []
        if status:
            where.append("b.status = ?")
            args.append(status)
        if day:
            where.append("a.published = ?")
            args.append(day.isoformat())
        if outlet:
            where.append("a.outlet = ?")
            args.append(outlet)
        if ids is not None:
            where.append(f"b.id IN ({','.join('?' * len(ids))})")
            args.extend(ids)
        sql = self._select + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY a.published IS NULL, a.published, a.source, b.created_at"
        with self._connect() as db:
            return [self._item(row) for row in db.execute(sql, args)]

    def outlets(self) -> list[str]:
        with self._connect() as db:
            rows = db.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL")
            return sorted(r["outlet"] for r in rows)

    @staticmethod
    def _version(row: Any) -> Version:
        return Version(
            number=row["number"],
            kind=row["kind"],
            based_on=row["based_on"],
            author=row["author"],
            content=json.loads(row["content"]),
            created_at=datetime.fromisoformat(row["created_at"]),
        )

    def version(self, item_id: str, number: int | None = None) -> Version:
        """Version ``number`` of a brief (default: the current one)."""
        with self._connect() as db:
            if number is None:
                number = int(self._row(db, item_id)["current_version"])
            row = db.execute(
                "SELECT * FROM versions WHERE brief_id = ? AND number = ?", (item_id, number)
            ).fetchone()
        if row is None:
            raise ReviewError(f"{item_id}: no version {number}")
        return self._version(row)

    def versions(self, item_id: str) -> list[Version]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM versions WHERE brief_id = ? ORDER BY number", (item_id,)
            ).fetchall()
        return [self._version(r) for r in rows]

    def audit(self, item_id: str | None = None) -> list[AuditEntry]:
        sql = "SELECT * FROM audit" + (" WHERE brief_id = ?" if item_id else "") + " ORDER BY id"
        with self._connect() as db:
            rows = db.execute(sql, (item_id,) if item_id else ()).fetchall()
        return [
            AuditEntry(
                at=datetime.fromisoformat(r["at"]),
                editor=r["editor"],
                action=r["action"],
                version=r["version"],
                from_status=r["from_status"],
                to_status=r["to_status"],
                comment=r["comment"],
            )
            for r in rows
        ]

    # --- changing --------------------------------------------------------------------

    def validate(self, item: Item, content: dict[str, Any]) -> BriefContent:
        """The checks a model's brief passes, against the item's article."""
        prepared = PreparedArticle(item.article)
        try:
            return BriefContent.model_validate(content, context=prepared.context)
        except ValidationError as exc:
            raise InvalidEdit(item.id, _field_errors(exc)) from None

    def _row(self, db: Conn, item_id: str) -> Any:
        row: Any = db.execute("SELECT * FROM briefs WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise ReviewError(f"no brief {item_id!r} in the review store {self.path}")
        return row

    def save(
        self,
        item_id: str,
        content: dict[str, Any],
        *,
        base: int,
        editor: str,
        comment: str | None = None,
    ) -> int:
        """Save an editor's version made on version ``base``; returns its number. An
        approved or rejected brief goes back to draft (what was decided is not what is
        there now)."""
        item = self.get(item_id)
        checked = self.validate(item, content).model_dump(mode="json")
        body = json.dumps(checked, ensure_ascii=False)
        with self._write() as db:
            row = self._row(db, item_id)
            current = int(row["current_version"])
            number = int(db.execute(
                "SELECT MAX(number) AS n FROM versions WHERE brief_id = ?", (item_id,)
            ).fetchone()["n"]) + 1  # fmt: skip
            stale = current != base
            db.execute(
                "INSERT INTO versions (brief_id, number, kind, based_on, author, content,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (item_id, number, "conflicted" if stale else "edit", base, editor, body, _now()),
            )
            if stale:
                # Kept, not current: the conflict is recorded and the editor is told.
                self._audit(db, item_id, editor, "conflict", version=number, comment=comment)
            else:
                db.execute(
                    "UPDATE briefs SET current_version = ?, status = 'draft', updated_at = ?"
                    " WHERE id = ?",
                    (number, _now(), item_id),
                )
                self._audit(db, item_id, editor, "edited", version=number,
                            from_status=row["status"], to_status="draft",
                            comment=comment)  # fmt: skip
        if stale:
            base_content = self.version(item_id, base).content
            raise EditConflict(
                item_id,
                base=base,
                current=current,
                kept_as=number,
                theirs=changes(base_content, self.version(item_id, current).content),
                yours=changes(base_content, checked),
            )
        return number

    def decide(
        self,
        item_id: str,
        decision: str,
        *,
        version: int,
        editor: str,
        comment: str | None = None,
    ) -> Status:
        """Approve, reject or ask for changes to ``version``, which must be the current
        one (else someone changed the brief since the editor read it)."""
        if decision not in DECISIONS:
            raise ReviewError(f"no decision {decision!r}; choose one of {', '.join(DECISIONS)}")
        if decision != "approve" and not (comment and comment.strip()):
            raise ReviewError(
                f"{item_id}: say why in a comment when you {decision.replace('_', ' ')}"
            )
        status = DECISIONS[decision]
        with self._write() as db:
            row = self._row(db, item_id)
            current = int(row["current_version"])
            if current != version:
                raise ReviewError(
                    f"{item_id}: version {current} was saved after the version {version} you "
                    "reviewed; read it before deciding"
                )
            db.execute(
                "UPDATE briefs SET status = ?, reviewed_by = ?, reviewed_at = ?,"
                " review_comment = ?, approved_version = ?, updated_at = ? WHERE id = ?",
                (status, editor, _now(), comment, version if status == "approved" else None,
                 _now(), item_id),
            )  # fmt: skip
            self._audit(db, item_id, editor, decision, version=version,
                        from_status=row["status"], to_status=status, comment=comment)  # fmt: skip
        return status

    # --- the review page's sign-ins ---------------------------------------------------

    def open_session(self, editor: str) -> str:
        """A new sign-in for ``editor``: the secret its cookie carries (only its hash is
        stored)."""
        secret = secrets.token_urlsafe(32)
        with self._write() as db:
            db.execute(
                "INSERT INTO web_sessions (id_hash, editor, created_at) VALUES (?, ?, ?)",
                (_session_hash(secret), editor, _now()),
            )
        return secret

    def session_editor(self, secret: str, *, max_age: float) -> str | None:
        """The editor of a sign-in that has not ended and is younger than ``max_age``
        seconds; None otherwise."""
        with self._connect() as db:
            row = db.execute(
                "SELECT editor, created_at FROM web_sessions WHERE id_hash = ?"
                " AND ended_at IS NULL",
                (_session_hash(secret),),
            ).fetchone()
        if row is None:
            return None
        age = datetime.now(UTC) - datetime.fromisoformat(row["created_at"])
        return str(row["editor"]) if age.total_seconds() <= max_age else None

    def end_session(self, secret: str) -> None:
        """Sign out: the sign-in is refused from now on, whoever holds its cookie."""
        with self._write() as db:
            db.execute(
                "UPDATE web_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL",
                (_now(), _session_hash(secret)),
            )

    # --- using what was approved -----------------------------------------------------

    def reviewed_brief(self, item: Item, *, approved_only: bool = True) -> EventBrief | None:
        """The approved version as an ``EventBrief`` (with the draft's provenance); with
        ``approved_only=False`` the current version of an unreviewed brief too. None for a
        rejected brief, or an unapproved one when only approved are asked for."""
        if item.status == "approved" and item.approved_version is not None:
            number: int | None = item.approved_version
        elif item.status == "rejected" or approved_only:
            return None
        else:
            number = item.current_version
        content = self.version(item.id, number).content
        return EventBrief.model_validate({**content, "provenance": item.provenance.model_dump()})

    def stats(self) -> list[dict[str, Any]]:
        """Per model and prompt version: briefs, decided, approved unchanged, and how
        often each field was changed in the approved version against the draft."""
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        for item in self.items():
            key = (item.model, item.prompt_version)
            g = groups.setdefault(key, {"model": key[0], "prompt_version": key[1],
                                        "briefs": 0, "approved": 0, "rejected": 0,
                                        "approved_unchanged": 0, "fields_changed": {}})  # fmt: skip
            g["briefs"] += 1
            if item.status == "rejected":
                g["rejected"] += 1
            if item.status != "approved" or item.approved_version is None:
                continue
            g["approved"] += 1
            fields = changed_fields(
                self.version(item.id, 1).content,
                self.version(item.id, item.approved_version).content,
            )
            if not fields:
                g["approved_unchanged"] += 1
            for f in fields:
                g["fields_changed"][f] = g["fields_changed"].get(f, 0) + 1
        out = []
        for g in groups.values():
            g["approved_unchanged_share"] = (
                round(g["approved_unchanged"] / g["approved"], 3) if g["approved"] else None
            )
            g["fields_changed"] = dict(sorted(g["fields_changed"].items(), key=lambda kv: -kv[1]))
            out.append(g)
        return out
