"""Hostile feeds and pages, on real loopback servers: nothing internal is fetched unless
listed (SSRF), one bad feed never stops the run, and every limit is a limit.

The feeds and pages are written here for the tests (not real published news). Each
test clears ``SUMMARIZER_FETCH_ALLOW`` first, so the default (refuse) is what is tested
unless the test lists hosts itself.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.feeds import FeedStore, FetchPolicy, FetchReport, fetch_feeds
from summarizer.feeds.guard import ALLOW_ENV, AllowList, is_public
from summarizer.testing.feed_server import FeedServer, Resource, html_page, rss

from .feedsite import DAY, FLOOD_A, RFC822

GOOD_TEXT = "Flash floods killed 12 people"


@pytest.fixture(autouse=True)
def _no_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_ENV, raising=False)


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def site6() -> Iterator[FeedServer]:
    with FeedServer(host="::1") as server:
        yield server


def policy(*allow: str, **kwargs: float) -> FetchPolicy:
    options = {"timeout": 2.0, "attempts": 1, "max_retry_wait": 0.2, **kwargs}
    return FetchPolicy(allow=AllowList.parse(allow), **options)  # type: ignore[arg-type]


def run(urls: list[str], store: FeedStore, p: FetchPolicy) -> FetchReport:
    return asyncio.run(fetch_feeds(urls, store, p))


def add_feed(site: FeedServer, path: str, *links: str) -> None:
    """An RSS feed at ``path`` listing ``links``."""
    items = [{"title": f"n{i}", "link": link, "pubDate": RFC822} for i, link in enumerate(links)]
    site.add(path, Resource(rss(path, items), content_type="application/rss+xml"))


def local(site: FeedServer, path: str) -> str:
    """The site's URL by the name "localhost", which a test lists as a host name, so
    that the address literals the feed links to are judged on their own."""
    return site.url(path).replace("127.0.0.1", "localhost")


def add_good(site: FeedServer) -> str:
    site.add("/good.html", Resource(html_page("Floods", FLOOD_A)))
    site.add("/good.xml", Resource(
        rss("Daily Courier", [{"title": "Floods", "link": local(site, "/good.html"),
                               "pubDate": RFC822}]),
        content_type="application/rss+xml",
    ))  # fmt: skip
    return local(site, "/good.xml")


def add_internal(site: FeedServer, site6: FeedServer) -> str:
    """A feed whose entries point at internal addresses, directly and by redirect."""
    secret = html_page("Internal", ["The admin password of the internal wiki is hunter2."])
    site.add("/internal.html", Resource(secret))
    site6.add("/internal6.html", Resource(secret))
    site.add(
        "/to-internal.html", Resource(status=302, headers={"Location": site.url("/internal.html")})
    )
    site.add(
        "/to-internal6.html",
        Resource(status=302, headers={"Location": site6.url("/internal6.html")}),
    )
    links = [
        site.url("/internal.html"),  # IPv4 loopback
        site6.url("/internal6.html"),  # IPv6 loopback
        local(site, "/to-internal.html"),  # an allowed host redirecting to loopback
        local(site, "/to-internal6.html"),
        "http://10.255.255.1/router.html",  # a private address
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://[::ffff:127.0.0.1]:9/mapped.html",  # IPv4-mapped IPv6 loopback
    ]
    site.add("/hostile.xml", Resource(
        rss("Hostile", [{"title": f"n{i}", "link": link, "pubDate": RFC822}
                        for i, link in enumerate(links)]),
        content_type="application/rss+xml",
    ))  # fmt: skip
    return local(site, "/hostile.xml")


def test_internal_addresses_are_refused_by_default(
    site: FeedServer, site6: FeedServer, tmp_path: Path
) -> None:
    feeds = [add_internal(site, site6), add_good(site)]
    store = FeedStore(tmp_path / "feeds.db")
    report = run(feeds, store, policy("localhost"))
    refused = {f.url: f.reason for f in report.failures}
    assert len(refused) == 7, refused
    assert all("refused" in r and "internal address" in r for r in refused.values()), refused
    # nothing internal was asked for, so nothing internal was stored or can be published
    assert site.hits("/internal.html") == 0 and site6.hits("/internal6.html") == 0
    texts = [a.text for a in store.articles()]
    assert len(texts) == 1 and GOOD_TEXT in texts[0]
    assert not any("hunter2" in t for t in texts)


def test_internal_addresses_are_fetched_only_when_listed(
    site: FeedServer, site6: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = [add_internal(site, site6)]
    # listed through the environment, as a newsroom would for its intranet
    monkeypatch.setenv(ALLOW_ENV, "localhost, 127.0.0.0/8, ::1")
    store = FeedStore(tmp_path / "feeds.db")
    report = asyncio.run(
        fetch_feeds(feeds, store, FetchPolicy(timeout=2.0, attempts=1, max_retry_wait=0.2))
    )
    assert site.fetched("/internal.html") == 2  # directly and by redirect
    assert site6.fetched("/internal6.html") == 2
    # the private address and the metadata address stay refused: not listed (the mapped
    # loopback address is listed as 127.0.0.0/8, and fails only as nothing listens there)
    refused = sorted(f.url for f in report.failures if "refused" in f.reason)
    assert refused == [
        "http://10.255.255.1/router.html",
        "http://169.254.169.254/latest/meta-data/",
    ]


def test_a_redirect_to_another_protocol_fails_that_page_only(
    site: FeedServer, tmp_path: Path
) -> None:
    site.add("/to-file.html", Resource(status=302, headers={"Location": "file:///etc/passwd"}))
    site.add(
        "/to-gopher.html", Resource(status=301, headers={"Location": "gopher://127.0.0.1:70/"})
    )
    add_feed(site, "/odd.xml", site.url("/to-file.html"), site.url("/to-gopher.html"))
    store = FeedStore(tmp_path / "feeds.db")
    report = run([site.url("/odd.xml"), add_good(site)], store, policy("127.0.0.1", "localhost"))
    reasons = {f.url: f.reason for f in report.failures}
    assert (
        "not an http(s) URL (redirected to file:///etc/passwd)"
        in reasons[site.url("/to-file.html")]
    )
    assert "redirected to gopher://" in reasons[site.url("/to-gopher.html")]
    assert [GOOD_TEXT in a.text for a in store.articles()] == [True]


def test_each_bad_feed_fails_alone_and_the_good_ones_are_saved(
    site: FeedServer, tmp_path: Path
) -> None:
    good = local(site, "/good.html")
    version = "https://jsonfeed.org/version/1.1"
    zero = rss("Zero", [{"title": "z", "link": good, "pubDate": "0000-00-00"}])
    wrong = {"version": version, "title": {}, "items": [{"id": 1, "url": good, "authors": 5}]}
    nested = f'{{"version": "{version}", "items": ' + "[" * 100_000 + "]" * 100_000 + "}"
    bad = {
        "/zero-date.xml": (zero, "application/rss+xml"),
        "/authors.json": (json.dumps(wrong), "application/feed+json"),
        "/nested.json": (nested, "application/feed+json"),
    }
    for path, (body, kind) in bad.items():
        site.add(path, Resource(body, content_type=kind))
    site.add("/to-file.xml", Resource(status=302, headers={"Location": "file:///etc/passwd"}))
    urls = [local(site, p) for p in [*bad, "/to-file.xml"]] + [add_good(site)]
    store = FeedStore(tmp_path / "feeds.db")
    report = run(urls, store, policy("localhost"))
    failed = {f.url: f.reason for f in report.failures}
    assert "JSON nested too deeply" in failed[local(site, "/nested.json")]
    assert "not an http(s) URL" in failed[local(site, "/to-file.xml")]
    # a date no calendar has, and JSON of the wrong types, are read as no value
    assert local(site, "/zero-date.xml") not in failed
    assert local(site, "/authors.json") not in failed
    assert [GOOD_TEXT in a.text for a in store.articles()] == [True]


def test_a_bad_feed_makes_the_command_exit_1_and_saves_the_rest(
    site: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from summarizer.cli import cli

    nested = '{"version": "https://jsonfeed.org/version/1", "items":' + "[" * 50_000
    site.add("/nested.json", Resource(nested, content_type="application/feed+json"))
    monkeypatch.setenv(ALLOW_ENV, "localhost")
    store = tmp_path / "feeds.db"
    result = CliRunner().invoke(
        cli, ["fetch", local(site, "/nested.json"), add_good(site), "--store", str(store)]
    )
    assert result.exit_code == 1, result.output
    assert "feed failed: " + local(site, "/nested.json") in result.output
    assert len(FeedStore(store).articles()) == 1


def test_a_trickling_page_is_stopped_at_its_deadline(site: FeedServer, tmp_path: Path) -> None:
    # 400 bytes at one every 0.05 s: 20 s to send whole, though no single read waits long
    body = html_page("Slow", ["x" * 300])
    site.add("/slow.html", Resource(body, trickle=0.05))
    add_feed(site, "/slow.xml", site.url("/slow.html"))
    store = FeedStore(tmp_path / "feeds.db")
    report = run([site.url("/slow.xml")], store, policy("127.0.0.1", timeout=1.0))
    (failure,) = report.failures
    assert "within the 1 s deadline" in failure.reason
    assert store.articles() == []


def test_robots_txt_is_read_to_its_limit_only(site: FeedServer, tmp_path: Path) -> None:
    # 20 MB of rules once decompressed; the Disallow after them lies past the 500 KiB an
    # RFC 9309 crawler reads, so it is never seen (and the 20 MB are never held)
    filler = "Allow: /filler/\n" * (20_000_000 // 16)
    robots = gzip.compress(f"User-agent: *\n{filler}Disallow: /late/\n".encode())
    gzipped = {"Content-Encoding": "gzip"}
    site.add("/robots.txt", Resource(robots, content_type="text/plain", headers=gzipped))
    site.add("/late/page.html", Resource(html_page("Floods", FLOOD_A)))
    add_feed(site, "/feed.xml", site.url("/late/page.html"))
    store = FeedStore(tmp_path / "feeds.db")
    report = run([site.url("/feed.xml")], store, policy("127.0.0.1"))
    assert report.failures == []
    assert site.fetched("/late/page.html") == 1


def test_a_redirect_into_a_forbidden_path_is_not_followed(site: FeedServer, tmp_path: Path) -> None:
    site.add(
        "/robots.txt", Resource("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    site.add("/open.html", Resource(status=302, headers={"Location": "/private/page.html"}))
    site.add("/private/page.html", Resource(html_page("Floods", FLOOD_A)))
    add_feed(site, "/feed.xml", site.url("/open.html"))
    store = FeedStore(tmp_path / "feeds.db")
    report = run([site.url("/feed.xml")], store, policy("127.0.0.1"))
    (failure,) = report.failures
    assert "robots.txt forbids the redirect to" in failure.reason
    assert site.hits("/private/page.html") == 0


def test_a_huge_feed_is_taken_a_capped_number_of_entries_a_run(
    site: FeedServer, tmp_path: Path
) -> None:
    items = [
        {"title": f"n{i}", "link": site.url(f"/p{i}.html"), "pubDate": RFC822} for i in range(25)
    ]
    site.add(
        "/big.xml", Resource(rss("Big", items), content_type="application/rss+xml", etag='"1"')
    )
    for i in range(25):
        site.add(f"/p{i}.html", Resource(html_page(f"n{i}", [*FLOOD_A[:1], f"Report number {i}."])))
    store = FeedStore(tmp_path / "feeds.db")
    first = run([site.url("/big.xml")], store, policy("127.0.0.1", max_entries=10))
    assert (first.new_entries, first.entries_left, first.pages_fetched) == (10, 15, 10)
    assert any("15 new entries beyond the cap of 10" in w for w in first.warnings)
    # the next run reads the feed whole again (no validator kept) and takes the next ten
    second = run([site.url("/big.xml")], store, policy("127.0.0.1", max_entries=10))
    assert (second.new_entries, second.entries_left, second.pages_fetched) == (10, 5, 10)
    third = run([site.url("/big.xml")], store, policy("127.0.0.1", max_entries=10))
    assert (third.new_entries, third.entries_left) == (5, 0)
    assert sum(1 for r in site.requests if r.path.startswith("/p")) == 25  # each page once


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
        ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
        ("224.0.0.1", False), ("255.255.255.255", False), ("::1", False), ("::", False),
        ("fe80::1", False), ("fc00::1", False), ("ff02::1", False),
        ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("64:ff9b::7f00:1", False),
        ("2002:7f00:1::", False), ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),
        ("93.184.216.34", True), ("8.8.8.8", True), ("2606:4700:4700::1111", True),
        ("::ffff:93.184.216.34", True),  # judged as the IPv4 address it carries
    ],
)  # fmt: skip
def test_which_addresses_are_internal(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_the_allow_list_names_a_bad_entry() -> None:
    allow = AllowList.parse(["intranet.example.", "10.0.0.0/8", "[::1]", ""])
    assert allow.allows_host("INTRANET.example") and not allow.allows_host("example")
    assert allow.allows_address(ipaddress.ip_address("10.9.8.7"))
    assert allow.allows_address(ipaddress.ip_address("::1"))
    with pytest.raises(ValueError, match="not a host name"):
        AllowList.parse(["10.0.0.0/99"])


def test_dates_of_the_feed_are_kept_where_they_are_real(site: FeedServer, tmp_path: Path) -> None:
    store = FeedStore(tmp_path / "feeds.db")
    run([add_good(site)], store, policy("localhost"))
    (article,) = store.articles()
    assert article.published is not None and article.published.isoformat() == DAY


def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    """DNS rebinding: the name is resolved once, checked, and the connection is made to
    that address (the transport below sees it), with the name kept for Host and TLS."""
    import httpx

    from summarizer.feeds.guard import GuardedTransport

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    async def get() -> None:
        guard = GuardedTransport(httpx.MockTransport(answer), AllowList.parse(["localhost"]))
        async with httpx.AsyncClient(transport=guard) as client:
            await client.get("https://localhost:8443/page")

    asyncio.run(get())
    (request,) = seen
    assert request.url.host in {"127.0.0.1", "::1"}
    assert request.headers["host"] == "localhost:8443"
    assert request.extensions["sni_hostname"] == "localhost"
