"""Feeds in: every format, every fault, against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from summarizer.errors import UsageError
from summarizer.feeds import FeedStore, FetchPolicy, FetchReport, feed_urls, fetch_feeds
from summarizer.feeds.guard import AllowList
from summarizer.testing.feed_server import FeedServer

from .feedsite import DAY, FAULT_PAGES, add_faults, add_news

LOOPBACK = AllowList.parse(["127.0.0.1", "::1"])  # the test servers
POLICY = FetchPolicy(timeout=1.0, attempts=2, max_retry_wait=1.5, max_bytes=100_000, allow=LOOPBACK)


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def run(urls: list[str], store: FeedStore, policy: FetchPolicy = POLICY) -> FetchReport:
    return asyncio.run(fetch_feeds(urls, store, policy))


def test_four_formats_one_article_per_page(site: FeedServer, tmp_path: Path) -> None:
    feeds = add_news(site)
    store = FeedStore(tmp_path / "feeds.db")
    report = run(list(feeds.values()), store)
    assert report.failures == []
    articles = {a.source.rsplit("/", 1)[-1]: a for a in store.articles()}
    assert set(articles) == {"floods.html", "kaduna.html", "strike.html", "teachers.html"}
    # the outlet is the feed's title; the relative link was resolved against the feed
    assert articles["floods.html"].outlet == "Daily Courier"
    assert articles["kaduna.html"].outlet == "Evening Standard-Bearer"
    assert articles["strike.html"].outlet == "Coast Weekly"  # RSS 1.0
    assert articles["teachers.html"].outlet == "Porto Post"  # JSON Feed
    # the date: the feed's; for the undated JSON Feed entry, the page's metadata
    day = dt.date.fromisoformat(DAY)
    assert {a.published for a in articles.values()} == {day}
    assert "Flash floods killed 12 people" in articles["floods.html"].text
    assert "Home" not in articles["floods.html"].text  # navigation is not article text
    # the page listed by two feeds (one with a #fragment) was fetched once
    assert site.fetched("/a/floods.html") == 1
    assert store.articles(day) and store.articles(day + dt.timedelta(days=1)) == []


def test_rerun_fetches_only_what_changed(site: FeedServer, tmp_path: Path) -> None:
    feeds = add_news(site)
    store = FeedStore(tmp_path / "feeds.db")
    run(list(feeds.values()), store)
    before = len(site.requests)
    again = run(list(feeds.values()), store)
    second = site.requests[before:]
    # every feed with a validator answered 304; no page was asked for again
    assert {r.path for r in second} == {"/robots.txt", "/a/feed.xml", "/b/atom.xml",
                                        "/c/feed.rdf", "/d/feed.json"}  # fmt: skip
    assert [r.status for r in second if r.path != "/robots.txt"] == [304] * 4
    assert again.pages_fetched == 0 and again.feeds_unchanged == 4
    # the ETag and Last-Modified went back as If-None-Match / If-Modified-Since
    sent = {r.path: r.headers for r in second}
    assert sent["/a/feed.xml"]["If-None-Match"] == '"a-1"'
    assert sent["/b/atom.xml"]["If-Modified-Since"] == "Mon, 02 Jun 2025 10:00:00 GMT"


def test_a_changed_entry_is_asked_for_conditionally(site: FeedServer, tmp_path: Path) -> None:
    from summarizer.testing.feed_server import Resource

    from .feedsite import atom

    add_news(site)
    store = FeedStore(tmp_path / "feeds.db")
    url = site.url("/b/atom.xml")
    run([url], store)
    # the feed now says the Kaduna entry was updated: the page is asked for with its
    # Last-Modified, answers 304, and its text stands
    site.add("/b/atom.xml", Resource(atom("Evening Standard-Bearer", [
        {"title": "Kaduna flood toll", "link": "/b/kaduna.html", "updated": f"{DAY}T11:00:00Z"},
    ]), content_type="application/atom+xml"))  # fmt: skip
    report = run([url], store)
    asked = [r for r in site.requests if r.path == "/b/kaduna.html"]
    assert [r.status for r in asked] == [200, 304]
    assert asked[1].headers["If-Modified-Since"] == "Mon, 02 Jun 2025 09:00:00 GMT"
    assert report.pages_unchanged == 1 and len(store.articles()) == 2


def test_every_fault_names_its_url_and_the_rest_go_on(site: FeedServer, tmp_path: Path) -> None:
    feeds = add_faults(site)
    store = FeedStore(tmp_path / "feeds.db")
    report = run(list(feeds.values()), store)
    failed = {f.url: f.reason for f in report.failures}
    for path, reason in FAULT_PAGES.items():
        assert reason in failed[site.url(path)], (path, failed.get(site.url(path)))
    assert "HTTP 404" in failed[feeds["missing"]]
    assert "not a feed" in failed[feeds["notafeed"]]
    # the broken feed and the Latin-1 one are read with a warning naming them
    assert any(w.startswith(feeds["latin1"]) for w in report.warnings)
    # the good page, the rate-limited one (after its Retry-After) and the moved one
    texts = {a.source: a for a in store.articles()}
    assert set(texts) == {site.url(p) for p in ("/f/good.html", "/f/limited.html", "/f/moved.html")}
    assert site.hits("/f/limited.html") == 2
    limited = [r for r in site.requests if r.path == "/f/limited.html"]
    assert [r.status for r in limited] == [429, 200]
    assert "Dock workers" in texts[site.url("/f/moved.html")].text  # followed the redirect
    assert site.hits("/private/secret.html") == 0  # robots.txt was obeyed
    # each request carried the User-Agent; gzip was offered
    assert all("summarizer/" in r.headers["User-Agent"] for r in site.requests)
    # failures are kept with their reason
    assert dict(store.failures())[site.url("/f/broken.html")].startswith("HTTP 500")


def test_failures_are_asked_again_only_when_they_may_pass(site: FeedServer, tmp_path: Path) -> None:
    feeds = add_faults(site)
    store = FeedStore(tmp_path / "feeds.db")
    run([feeds["faults"]], store)
    counts = {p: site.hits(p) for p in FAULT_PAGES}
    run([feeds["faults"]], store)
    again = {p: site.hits(p) - counts[p] for p in FAULT_PAGES}
    # a 500 and a timeout may pass: asked again; a 404, a PDF, a loop, a huge page and a
    # forbidden path are not (until the feed changes the entry)
    assert again["/f/broken.html"] > 0 and again["/f/slow.html"] > 0
    for path in ("/f/missing.html", "/f/doc.pdf", "/f/huge.html", "/private/secret.html"):
        assert again[path] == 0, path
    assert site.hits("/f/good.html") == 1


def test_feed_lists(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="A" type="rss" xmlUrl="http://127.0.0.1:1/a.xml"/>'
        '<outline text="group"><outline text="B" type="rss" xmlUrl="http://127.0.0.1:1/b.xml"/>'
        "</outline></body></opml>",
        encoding="utf-8",
    )
    listing = tmp_path / "feeds.txt"
    listing.write_text("# our wires\nhttp://127.0.0.1:1/b.xml\n\nhttp://127.0.0.1:1/c.xml\n")
    assert feed_urls([str(opml), str(listing), "http://127.0.0.1:1/a.xml"]) == [
        "http://127.0.0.1:1/a.xml",
        "http://127.0.0.1:1/b.xml",
        "http://127.0.0.1:1/c.xml",
    ]
    bad = tmp_path / "bad.txt"
    bad.write_text("not a url\n")
    with pytest.raises(UsageError, match=r"bad\.txt"):
        feed_urls([str(bad)])
    with pytest.raises(UsageError, match=r"nowhere\.opml"):
        feed_urls([str(tmp_path / "nowhere.opml")])


def test_the_feed_reads_back(site: FeedServer, tmp_path: Path) -> None:
    """The parsed entries are what feedparser itself reads (sanity of the sample feeds)."""
    add_news(site)
    import httpx

    body = httpx.get(site.url("/c/feed.rdf")).content
    assert feedparser.parse(body).version == "rss10"


def test_killed_while_fetching_nothing_fetched_is_fetched_again(
    site: FeedServer, tmp_path: Path
) -> None:
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from summarizer.testing.feed_server import Resource, html_page, rss

    from .feedsite import FLOOD_A, RFC822

    paths = [f"/slow/{i}.html" for i in range(8)]
    site.add("/slow/feed.xml", Resource(rss("Slow Times", [
        {"title": p, "link": p, "pubDate": RFC822} for p in paths
    ]), content_type="application/rss+xml"))  # fmt: skip
    for i, p in enumerate(paths):
        site.add(p, Resource(html_page(f"Story {i}", [f"Story number {i}.", *FLOOD_A]), delay=0.4))
    store = tmp_path / "feeds.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env["SUMMARIZER_FETCH_ALLOW"] = "127.0.0.1"  # the test site is on loopback
    cmd = [sys.executable, "-m", "summarizer", "fetch", site.url("/slow/feed.xml"),
           "--store", str(store), "--per-host", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while sum(site.hits(p) for p in paths) < 4:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the fetch never reached the pages"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(store) as db:
        saved = {row[0] for row in db.execute("SELECT link FROM pages WHERE status = 'ok'")}
    assert 2 <= len(saved) < len(paths)  # killed halfway
    before = {p: site.hits(p) for p in paths}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for p in paths:
        again = site.hits(p) - before[p]
        # a page saved before the kill is not asked for again; every other one is, once
        assert again == (0 if site.url(p) in saved else 1), p
    assert len(FeedStore(store).articles()) == len(paths)
