"""The review store on a real SQLite file and on a real PostgreSQL server: migrations,
versions, audit log, conflicts. The PostgreSQL runs need a server:
SUMMARIZER_TEST_POSTGRES_URL (``.ci/run`` starts one on loopback and sets it); each test
gets a database of its own, dropped after.

The briefs filed here are the REAL recorded 0.5B briefs of the seeds
(fixtures/briefs/qwen2.5-coder-0.5b/); the edits are hand-written, as an editor's are.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.errors import EditConflict, InvalidEdit, ReviewError
from summarizer.ingest import Article, load_articles
from summarizer.review.db import open_database
from summarizer.review.diff import changes, flatten, unflatten
from summarizer.review.migrations import MIGRATIONS, applied, migrate
from summarizer.review.store import ReviewStore
from summarizer.schema import EventBrief

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "fixtures" / "briefs" / "qwen2.5-coder-0.5b"


def seed_briefs() -> list[tuple[EventBrief, Article]]:
    articles = {a.id: a for a in load_articles([ROOT / "seeds"]) if isinstance(a, Article)}
    out = []
    for path in sorted(RECORDED.glob("*.json")):
        brief = EventBrief.model_validate_json(path.read_text(encoding="utf-8"))
        out.append((brief, articles[brief.provenance.article_id]))
    return out


# read when the module is imported: the tests' environment is cleared of SUMMARIZER_*
POSTGRES_URL = os.environ.get("SUMMARIZER_TEST_POSTGRES_URL")
IN_CI = bool(os.environ.get("CI"))


def _postgres_admin_url() -> str:
    url = POSTGRES_URL
    if not url:
        if IN_CI:
            pytest.fail("CI must run the store's tests on PostgreSQL: .ci/run sets "
                        "SUMMARIZER_TEST_POSTGRES_URL")  # fmt: skip
        pytest.skip("no PostgreSQL server: set SUMMARIZER_TEST_POSTGRES_URL (.ci/run starts one)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty review store's location on each database."""
    if request.param == "sqlite":
        yield str(tmp_path / "review.db")
        return
    import psycopg

    admin = _postgres_admin_url()
    name = f"summarizer_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base, _, _ = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def store(location: str) -> Iterator[ReviewStore]:
    store = ReviewStore(location)
    yield store
    store.close()


def _filed(store: ReviewStore) -> str:
    brief, article = seed_briefs()[1]
    item_id, _ = store.file(brief, article)
    return item_id


def test_an_empty_database_gets_every_migration_once(location: str) -> None:
    ReviewStore(location)
    ReviewStore(location)  # opening again applies nothing
    database = open_database(location)
    with database.connect() as db:
        assert applied(db, database.dialect) == [m.__name__ for m in MIGRATIONS]
        count = db.execute("SELECT COUNT(*) AS n FROM _migrations").fetchone()["n"]
    assert count == len(MIGRATIONS)


def test_an_older_database_is_brought_up_to_date_with_its_data(location: str) -> None:
    database = open_database(location)
    assert migrate(database, upto="m001_initial") == ["m001_initial"]
    with database.write() as db:
        db.execute(
            "INSERT INTO articles (id, source, json) VALUES ('a1', 'x.txt', ?)",
            (seed_briefs()[0][1].model_dump_json(),),
        )
    ReviewStore(location)
    with database.connect() as db:
        assert applied(db, database.dialect) == [m.__name__ for m in MIGRATIONS]
        row = db.execute("SELECT source FROM articles WHERE id = 'a1'").fetchone()
        assert row["source"] == "x.txt"
        # the columns m002 added are there and hold nothing yet
        db.execute("SELECT reviewed_by, approved_version FROM briefs").fetchall()


def test_filing_twice_keeps_one_draft_tagged_with_its_provenance(store: ReviewStore) -> None:
    brief, article = seed_briefs()[0]
    first = store.file(brief, article)
    again = store.file(brief, article)
    assert first == (first[0], True) and again == (first[0], False)
    assert len(store.items()) == 1
    item = store.get(first[0])
    assert (item.model, item.prompt_hash) == (brief.provenance.model, brief.provenance.prompt_hash)
    draft = store.version(item.id, 1)
    assert draft.kind == "draft" and draft.author == f"model:{brief.provenance.model}"
    assert draft.content["headline"] == brief.headline
    assert [e.action for e in store.audit(item.id)] == ["filed"]


def test_edits_are_versions_and_the_draft_never_changes(store: ReviewStore) -> None:
    item_id = _filed(store)
    draft = store.version(item_id, 1).content
    edited = {**draft, "headline": "An editor's better headline"}
    assert store.save(item_id, edited, base=1, editor="alice") == 2
    assert store.version(item_id, 1).content == draft
    assert store.version(item_id).content["headline"] == "An editor's better headline"
    assert store.get(item_id).current_version == 2
    assert [e.action for e in store.audit(item_id)] == ["filed", "edited"]
    assert store.audit(item_id)[-1].editor == "alice"


def test_an_invented_quote_is_refused_with_the_field_named(store: ReviewStore) -> None:
    item_id = _filed(store)
    draft = store.version(item_id, 1).content
    bad = {**draft, "quotes": [{"quote": "We will strike again tomorrow at dawn", "speaker": "x"}]}
    with pytest.raises(InvalidEdit) as refused:
        store.save(item_id, bad, base=1, editor="alice")
    assert list(refused.value.errors) == ["quotes.0.quote"]
    assert "does not occur in the article" in refused.value.errors["quotes.0.quote"]
    assert len(store.versions(item_id)) == 1  # nothing saved


def test_two_editors_saving_the_same_version_lose_nothing(store: ReviewStore) -> None:
    item_id = _filed(store)
    draft = store.version(item_id, 1).content
    store.save(item_id, {**draft, "headline": "Alice's headline"}, base=1, editor="alice")
    with pytest.raises(EditConflict) as conflict:
        store.save(item_id, {**draft, "headline": "Bob's headline"}, base=1, editor="bob")
    c = conflict.value
    assert (c.base, c.current, c.kept_as) == (1, 2, 3)
    assert c.theirs == [("headline", draft["headline"], "Alice's headline")]
    assert c.yours == [("headline", draft["headline"], "Bob's headline")]
    # Alice's stays current; Bob's is kept, marked, and in the log
    assert store.version(item_id).content["headline"] == "Alice's headline"
    kept = store.version(item_id, 3)
    assert (kept.kind, kept.author, kept.content["headline"]) == (
        "conflicted",
        "bob",
        "Bob's headline",
    )
    assert [e.action for e in store.audit(item_id)] == ["filed", "edited", "conflict"]


def test_two_editors_saving_at_the_same_moment_one_wins_one_is_told(store: ReviewStore) -> None:
    """Two threads, each with its own connection, save on the same base at once: the
    write lock orders them, so exactly one edit becomes current and the other is kept
    as a conflicted version, on either database."""
    item_id = _filed(store)
    draft = store.version(item_id, 1).content
    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def save(editor: str) -> None:
        start.wait()
        try:
            outcomes[editor] = store.save(
                item_id, {**draft, "headline": f"{editor}'s headline"}, base=1, editor=editor
            )
        except EditConflict as exc:
            outcomes[editor] = exc

    threads = [threading.Thread(target=save, args=(e,)) for e in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    conflicts = [e for e, o in outcomes.items() if isinstance(o, EditConflict)]
    winners = [e for e, o in outcomes.items() if o == 2]
    assert len(conflicts) == 1 and len(winners) == 1
    assert store.version(item_id).content["headline"] == f"{winners[0]}'s headline"
    assert store.version(item_id, 3).kind == "conflicted"
    assert sorted(e.action for e in store.audit(item_id)) == ["conflict", "edited", "filed"]


def test_decisions_need_the_current_version_and_record_who(store: ReviewStore) -> None:
    item_id = _filed(store)
    draft = store.version(item_id, 1).content
    store.save(item_id, {**draft, "headline": "Fixed"}, base=1, editor="alice")
    with pytest.raises(ReviewError, match="version 2 was saved after"):
        store.decide(item_id, "approve", version=1, editor="bob")
    with pytest.raises(ReviewError, match="comment"):
        store.decide(item_id, "reject", version=2, editor="bob")
    assert store.decide(item_id, "approve", version=2, editor="bob", comment="ok") == "approved"
    item = store.get(item_id)
    assert (item.status, item.reviewed_by, item.approved_version) == ("approved", "bob", 2)
    brief = store.reviewed_brief(item)
    assert brief is not None and brief.headline == "Fixed"
    # a later edit sends it back to draft: what was approved is not what is there now
    store.save(item_id, {**draft, "headline": "Changed again"}, base=2, editor="carol")
    assert store.get(item_id).status == "draft"
    assert store.reviewed_brief(store.get(item_id)) is None
    actions = [(e.action, e.from_status, e.to_status) for e in store.audit(item_id)]
    assert actions[-2:] == [("approve", "draft", "approved"), ("edited", "approved", "draft")]


def test_the_audit_log_is_append_only(store: ReviewStore) -> None:
    _filed(store)
    for sql in ("UPDATE audit SET editor = 'mallory'", "DELETE FROM audit"):
        with store._db.connect() as db, pytest.raises(Exception, match="append-only"):
            db.execute(sql)
    assert [e.editor for e in store.audit()] == ["model:" + seed_briefs()[1][0].provenance.model]


def test_the_sqlite_audit_log_refuses_any_connection(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path / "review.db")
    _filed(store)
    db = sqlite3.connect(tmp_path / "review.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit SET editor = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit")


def test_stats_count_unchanged_approvals_and_changed_fields(store: ReviewStore) -> None:
    ids = [store.file(b, a)[0] for b, a in seed_briefs()]
    for item_id in ids[:2]:
        store.decide(item_id, "approve", version=1, editor="alice")
    draft = store.version(ids[2], 1).content
    store.save(ids[2], {**draft, "headline": "Edited", "quotes": []}, base=1, editor="alice")
    store.decide(ids[2], "approve", version=2, editor="alice")
    store.decide(ids[3], "reject", version=1, editor="alice", comment="wrong event")
    [row] = store.stats()
    assert (row["briefs"], row["approved"], row["rejected"], row["approved_unchanged"]) == (
        5,
        3,
        1,
        2,
    )
    assert row["approved_unchanged_share"] == round(2 / 3, 3)
    expected = {"headline": 1} | ({"quotes": 1} if draft["quotes"] else {})
    assert row["fields_changed"] == expected


def test_flatten_and_unflatten_round_trip_and_changes_name_leaves() -> None:
    value = {"a": 1, "b": [{"c": "x"}, {"c": "y"}], "e": [], "f": None}
    assert unflatten(flatten(value)) == value
    assert changes(value, {**value, "b": [{"c": "x"}]}) == [("b.1.c", "y", None)]


def test_the_digest_uses_approved_versions_and_marks_drafts_it_is_asked_for(
    store: ReviewStore,
) -> None:
    from summarizer.brief.results import BriefResult
    from summarizer.digest import build_digest, digest_inputs

    pairs = seed_briefs()
    results = [BriefResult(a.source, a.stem, a.id, brief=b, article=a) for b, a in pairs]
    first, second = (store.file(b, a)[0] for b, a in pairs[:2])
    draft = store.version(first, 1).content
    store.save(first, {**draft, "headline": "Approved by an editor"}, base=1, editor="ed")
    store.decide(first, "approve", version=2, editor="ed")
    store.decide(second, "reject", version=1, editor="ed", comment="not this event")

    inputs, left_out = digest_inputs(results, store)
    assert [(x.article.id, x.review) for x in inputs] == [(pairs[0][1].id, "approved")]
    assert inputs[0].brief.headline == "Approved by an editor"
    assert len(left_out) == 4 and all("not approved" in f.reason for f in left_out)
    assert len(store.items()) == 5  # the briefs not filed yet were filed as drafts

    inputs, left_out = digest_inputs(results, store, include_unreviewed=True)
    assert [x.review for x in inputs] == ["approved", "unreviewed", "unreviewed", "unreviewed"]
    assert [f.source_file for f in left_out] == [pairs[1][1].source]  # rejected: never used
    digest = build_digest(inputs)
    marks = {s.review for story in digest.stories for s in story.sources}
    assert marks == {"approved", "unreviewed"}


def test_a_writer_holding_the_lock_makes_a_save_busy_not_lost(location: str) -> None:
    """Another writer holds the store's write lock past this store's wait: the save is
    refused with StoreBusy at once, nothing is written, and it passes once the lock is
    let go (SQLite's BEGIN IMMEDIATE; PostgreSQL's advisory lock under lock_timeout)."""
    from summarizer.errors import StoreBusy

    item_id = _filed(ReviewStore(location))
    store = ReviewStore(location, lock_wait=0.3)
    content = store.version(item_id).content
    content["headline"] = "An editor's headline saved while another writer waits"
    holder = open_database(location)
    with holder.write():
        with pytest.raises(StoreBusy, match="locked by another writer"):
            store.save(item_id, content, base=1, editor="alice")
        assert len(store.versions(item_id)) == 1  # reads go on while the lock is held
    assert store.save(item_id, content, base=1, editor="alice") == 2
    holder.close()
    store.close()


def test_a_signed_out_session_stays_out(location: str) -> None:
    store = ReviewStore(location)
    secret = store.open_session("alice")
    assert store.session_editor(secret, max_age=60) == "alice"
    assert store.session_editor(secret + "x", max_age=60) is None
    store.end_session(secret)
    assert store.session_editor(secret, max_age=60) is None
    other = store.open_session("alice")  # a new sign-in is a new session
    assert store.session_editor(other, max_age=60) == "alice"
    assert store.session_editor(other, max_age=-1) is None  # older than allowed
    store.close()
