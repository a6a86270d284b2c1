"""``summarizer daily`` end to end: a loopback news site, the fake OpenAI-compatible
server, a real SQLite feed store, review store and brief cache; run again, and killed."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from summarizer.daily import run_daily
from summarizer.digest import Digest
from summarizer.feeds import FetchPolicy
from summarizer.feeds.guard import AllowList
from summarizer.render.atom import story_tag
from summarizer.testing import FakeOpenAI
from summarizer.testing.feed_server import FeedServer, Resource, html_page

from .fakes import fake_env, fake_settings
from .feedsite import DAY, FLOOD_B, add_news, atom

LOOPBACK = AllowList.parse(["127.0.0.1", "::1"])  # the test servers
POLICY = FetchPolicy(timeout=2.0, attempts=2, max_retry_wait=0.5, allow=LOOPBACK)
THE_DAY = dt.date.fromisoformat(DAY)
NOW = dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def _daily(fake: FakeOpenAI, tmp: Path, feeds: list[str], now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    settings = fake_settings(
        fake, tmp / "cache", feed_store=tmp / "feeds.db", review_db=tmp / "review.db"
    )
    return run_daily(feeds, settings, day=THE_DAY, out_dir=tmp / "out", policy=POLICY, now=now)


def test_the_day_from_feeds_then_nothing_twice(site: FeedServer, tmp_path: Path) -> None:
    feeds = list(add_news(site).values())
    with FakeOpenAI() as fake:
        first = _daily(fake, tmp_path, feeds)
        calls = len(fake.requests)
        before = len(site.requests)
        second = _daily(fake, tmp_path, feeds, now=NOW + dt.timedelta(hours=1))
        assert len(fake.requests) == calls  # no model call for what was briefed
    folder = tmp_path / "out" / DAY
    assert {p.name for p in folder.iterdir()} == {
        "digest.html", "digest.md", "digest.json", "digest.atom", "briefs.jsonl", "briefs.csv",
    }  # fmt: skip
    assert first.articles == 4 and first.model_calls == calls > 0
    digest = Digest.model_validate_json((folder / "digest.json").read_text())
    assert digest.date == THE_DAY
    sources = sorted(len(s.sources) for s in digest.stories)
    assert sum(sources) == 4 and not digest.failures
    # the second run: each feed answered 304, no page was asked for, nothing written
    again = site.requests[before:]
    assert {r.status for r in again if r.path != "/robots.txt"} == {304}
    assert second.fetch.pages_fetched == 0 and second.from_cache == 4
    assert second.written == [] and len(second.unchanged) == 6
    # the Atom feed reads back: one entry per story, its stable id, its sources linked
    parsed = feedparser.parse((folder / "digest.atom").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.id for e in parsed.entries] == [story_tag(s.id) for s in digest.stories]
    links = {link.href for e in parsed.entries for link in e.links}
    assert site.url("/a/floods.html") in links and site.url("/c/strike.html") in links
    # briefs for spreadsheets
    rows = (folder / "briefs.csv").read_text().splitlines()
    assert rows[0].startswith("source,article_id,outlet") and len(rows) == 5
    lines = [json.loads(line) for line in (folder / "briefs.jsonl").read_text().splitlines()]
    assert len(lines) == 4
    # each brief carries its article's reading, so the digest parsed none of them
    assert all(line["reading"]["lead"] and line["reading"]["opening"] for line in lines)
    # filed as drafts in the review store; the digest uses them marked unreviewed
    assert all(s.review == "unreviewed" for st in digest.stories for s in st.sources)


def test_what_changed_since_the_last_run_is_marked(site: FeedServer, tmp_path: Path) -> None:
    feeds = list(add_news(site).values())
    with FakeOpenAI() as fake:
        _daily(fake, tmp_path, feeds)
        first = Digest.model_validate_json((tmp_path / "out" / DAY / "digest.json").read_text())
        assert all(s.changes == [] for s in first.stories)  # the day's first run
        # a third outlet's report of the flood appears in the Atom feed
        site.add("/b/atom.xml", Resource(atom("Evening Standard-Bearer", [
            {"title": "Kaduna flood toll", "link": "/b/kaduna.html", "updated": f"{DAY}T09:00:00Z"},
            {"title": "Kaduna again", "link": "/b/kaduna-2.html", "updated": f"{DAY}T11:00:00Z"},
        ]), content_type="application/atom+xml"))  # fmt: skip
        site.add("/b/kaduna-2.html", Resource(html_page("Kaduna floods", [
            "Floods in Kaduna killed 12 people on Monday, the regional governor said, and "
            "30 were still missing as the river kept rising.", *FLOOD_B[1:],
        ])))  # fmt: skip
        later = NOW + dt.timedelta(hours=2)
        report = _daily(fake, tmp_path, feeds, now=later)
    assert report.fetch.pages_fetched == 1 and report.model_calls >= 1
    digest = report.digest
    changed = [s for s in digest.stories if s.changes]
    assert changed, [s.changes for s in digest.stories]
    assert all(s.updated == later for s in changed)
    unchanged = [s for s in digest.stories if not s.changes]
    assert all(s.updated == NOW for s in unchanged)
    marks = [c for s in changed for c in s.changes]
    assert any(c.startswith(("new source: Evening Standard-Bearer", "new story")) for c in marks)
    html = (tmp_path / "out" / DAY / "digest.html").read_text()
    assert "Since the last run" in html


def _started(fake: FakeOpenAI, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(fake.requests) < n:
        assert time.monotonic() < deadline, "the daily run never reached the model"
        time.sleep(0.05)


def test_killed_mid_run_nothing_is_fetched_or_briefed_twice(
    site: FeedServer, tmp_path: Path
) -> None:
    feeds = list(add_news(site).values())
    out = tmp_path / "out"
    with FakeOpenAI(latency=1.0) as fake:
        env = fake_env(
            fake, tmp_path / "cache",
            SUMMARIZER_FEED_STORE=str(tmp_path / "feeds.db"),
            SUMMARIZER_REVIEW_DB=str(tmp_path / "review.db"),
            SUMMARIZER_CONCURRENCY="1",
        )  # fmt: skip
        cmd = [sys.executable, "-m", "summarizer", "daily", *feeds, "--date", DAY,
               "--out", str(out)]  # fmt: skip
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
        _started(fake, 2)  # the second article is being briefed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        pages_before = {p: site.fetched(p) for p in ("/a/floods.html", "/b/kaduna.html")}
        asked_before = len(fake.requests)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        # every page was fetched once, across both runs
        assert pages_before == {"/a/floods.html": 1, "/b/kaduna.html": 1}
        assert site.fetched("/a/floods.html") == 1 and site.fetched("/b/kaduna.html") == 1
        # the first article's brief was cached before the kill: the rerun asked the model
        # for the other three only (the one in flight at the kill included)
        assert len(fake.requests) - asked_before == 3
    digest = json.loads((out / DAY / "digest.json").read_text())
    assert sum(len(s["sources"]) for s in digest["stories"]) == 4
    assert "4 article(s), 1 from the cache" in done.stderr
