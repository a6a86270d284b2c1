"""The review page end to end: a real uvicorn server on loopback, a real SQLite file,
driven by a real headless Chromium (Debian's ``chromium``, through Playwright).

The briefs are the REAL recorded 0.5B briefs of the seeds; the hostile article and its
brief are HAND-WRITTEN for the security test (labelled; not model output). Skipped,
saying so, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn

from summarizer.review.store import ReviewStore
from summarizer.web.app import CSP, create_app
from summarizer.web.serve import server_config

from .test_digest import hand_article, hand_brief
from .test_review_store import seed_briefs

EDITORS = {"alice": "alice-token-0123456789", "bob": "bob-token-9876543210"}
HOSTILE = (
    "Police said two people were hurt <script>window.pwned = 1;</script> in the blast on "
    'Monday. A witness said "<img src=x onerror=window.pwned=2>" was painted on the wall.'
)


class LiveServer:
    """The review page as ``summarizer review serve`` serves it (``server_config``)."""

    def __init__(
        self, store: ReviewStore, *, forwarded_allow_ips: str | None = None, **kwargs: Any
    ) -> None:
        app = create_app(store, editors=EDITORS, **kwargs)
        config = server_config(app, port=0, forwarded_allow_ips=forwarded_allow_ips)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the review server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    store = ReviewStore(tmp_path / "review.db")
    for brief, article in seed_briefs():
        store.file(brief, article)
    return store


@pytest.fixture
def live(store: ReviewStore) -> Iterator[str]:
    with LiveServer(store) as url:
        yield url


def signed_in(browser: Any, url: str, editor: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(url + "/")
    assert "/login" in page.url  # nothing is shown without signing in
    page.fill("input[name=editor]", editor)
    page.fill("input[name=token]", EDITORS[editor])
    page.click("button[type=submit]")
    page.wait_for_selector("table.queue")
    return page


def _open(page: Any, url: str, item_id: str) -> None:
    page.goto(f"{url}/briefs/{item_id}")
    page.wait_for_selector("form#edit")


def test_open_edit_approve_with_keys(browser: Any, live: str, store: ReviewStore) -> None:
    page = signed_in(browser, live, "alice")
    assert page.locator("table.queue tbody tr").count() == 5
    page.locator("a.open").first.click()
    page.wait_for_selector("form#edit")
    item_id = page.url.rsplit("/", 1)[1]
    # the article beside the brief, its evidence highlighted and linked to the fields
    assert page.locator(".article mark").count() >= 1
    page.fill("#in-headline", "US strike in Iraq targets militia member, official says")
    page.click("#save")
    page.wait_for_selector("#message.notice")
    assert "Saved as version 2" in page.inner_text("#message")
    assert "headline" in page.inner_text("details.diff")
    # "a" approves the version on screen and moves to the next brief in the queue
    page.keyboard.press("a")
    page.wait_for_url(lambda u: item_id not in u)
    item = store.get(item_id)
    assert (item.status, item.approved_version, item.reviewed_by) == ("approved", 2, "alice")
    approved = store.reviewed_brief(item)
    assert approved is not None
    assert approved.headline == "US strike in Iraq targets militia member, official says"
    assert [e.action for e in store.audit(item_id)] == ["filed", "edited", "approve"]


def test_an_invented_quote_is_refused_beside_its_field(
    browser: Any, live: str, store: ReviewStore
) -> None:
    item = next(i for i in store.items() if store.version(i.id).content["quotes"])
    page = signed_in(browser, live, "alice")
    _open(page, live, item.id)
    page.fill("#in-quotes\\.0\\.quote", "We will never stop until all of them are gone")
    page.click("#save")
    error = page.locator("#field-quotes\\.0\\.quote .field-error")
    error.wait_for()
    assert "does not occur in the article" in error.inner_text()
    # the editor's text is still in the field, and nothing was saved
    assert page.input_value("#in-quotes\\.0\\.quote").startswith("We will never stop")
    assert len(store.versions(item.id)) == 1


def test_two_editors_saving_the_same_brief_lose_nothing(
    browser: Any, live: str, store: ReviewStore
) -> None:
    item_id = store.items()[0].id
    alice, bob = signed_in(browser, live, "alice"), signed_in(browser, live, "bob")
    _open(alice, live, item_id)
    _open(bob, live, item_id)
    alice.fill("#in-headline", "Alice's headline for this strike")
    alice.click("#save")
    alice.wait_for_selector("#message.notice")
    bob.fill("#in-headline", "Bob's headline for this strike")
    bob.click("#save")
    bob.wait_for_selector("#conflict")
    text = bob.inner_text("#conflict")
    assert "Alice's headline for this strike" in text and "Bob's headline for this strike" in text
    versions = store.versions(item_id)
    assert [(v.kind, v.author) for v in versions] == [
        ("draft", "model:" + store.get(item_id).model),
        ("edit", "alice"),
        ("conflicted", "bob"),
    ]
    assert store.version(item_id).content["headline"] == "Alice's headline for this strike"


def test_a_hostile_article_never_runs(browser: Any, tmp_path: Path) -> None:
    store = ReviewStore(tmp_path / "hostile.db")
    article = hand_article(HOSTILE, outlet="<b>Outlet</b>", published=date(2025, 3, 3), n=9)
    brief = hand_brief(  # HAND-WRITTEN brief for the security test
        article,
        headline="<script>window.pwned = 3</script> blast",
        quotes=[{"quote": "<img src=x onerror=window.pwned=2>", "speaker": "A witness"}],
    )
    item_id, _ = store.file(brief, article)
    with LiveServer(store) as url:
        page = signed_in(browser, url, "alice")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        _open(page, url, item_id)
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert "<script>window.pwned = 1;</script>" in page.inner_text(".article .text")
        assert page.input_value("#in-headline") == "<script>window.pwned = 3</script> blast"
        response = httpx.get(url + "/login")
    assert response.headers["content-security-policy"] == CSP


def test_every_post_needs_the_csrf_token_even_without_cookies(live: str) -> None:
    with httpx.Client(base_url=live) as client:
        # no cookie at all: asgi-csrf would let this through unless told to protect it
        bare = client.post("/login", data={"editor": "alice", "token": EDITORS["alice"]})
        assert bare.status_code == 403
        page = client.get("/login")
        token = page.text.split('name="csrftoken" value="')[1].split('"')[0]
        ok = client.post(
            "/login", data={"editor": "alice", "token": EDITORS["alice"], "csrftoken": token}
        )
        assert ok.status_code == 303
        # signed in (session cookie) but no token: refused
        assert client.post("/decide", data={"decision": "approve"}).status_code == 403
        wrong = client.post(
            "/login", data={"editor": "alice", "token": "guess", "csrftoken": token}
        )
        assert wrong.status_code == 401


def _csrf(client: httpx.Client) -> str:
    page = client.get("/login")
    return page.text.split('name="csrftoken" value="')[1].split('"')[0]


def test_repeated_wrong_tokens_are_refused_for_a_while(
    store: ReviewStore, caplog: pytest.LogCaptureFixture
) -> None:
    limits = {"client": "5/15 minutes", "editor": "3/15 minutes"}
    with LiveServer(store, sign_in_limits=limits) as url, httpx.Client(base_url=url) as client:
        token = _csrf(client)

        def sign_in(editor: str, secret: str) -> httpx.Response:
            return client.post(
                "/login", data={"editor": editor, "token": secret, "csrftoken": token}
            )

        # three wrong tokens for alice: the fourth try is refused, even with her token
        assert [sign_in("alice", f"guess-{i}").status_code for i in range(3)] == [401] * 3
        refused = sign_in("alice", EDITORS["alice"])
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 60
        assert "Too many failed sign-ins for this editor" in refused.text
        # another editor from the same address: two more failures use up the address
        assert sign_in("bob", "guess").status_code == 401
        assert sign_in("bob", "guess").status_code == 401
        blocked = sign_in("bob", EDITORS["bob"])
        assert blocked.status_code == 429 and "from this address" in blocked.text
    assert any("failed sign-in for editor 'alice'" in r.getMessage() for r in caplog.records)
    assert any("sign-in refused" in r.getMessage() for r in caplog.records)


def test_a_short_editor_token_is_refused_at_start(store: ReviewStore) -> None:
    from summarizer.errors import ReviewError

    with pytest.raises(ReviewError, match="too short to resist guessing for carol"):
        create_app(store, editors={**EDITORS, "carol": "carol123"})


def test_a_sign_in_holds_on_every_server_sharing_the_secret(store: ReviewStore) -> None:
    """Two servers of one review page (one store, one SUMMARIZER_REVIEW_SECRET): signed
    in on one, an editor is signed in on the other; with another secret, not."""
    secret = "one-secret-for-every-server-of-the-page"
    with (
        LiveServer(store, secret=secret) as first,
        LiveServer(store, secret=secret) as second,
        LiveServer(store, secret="another-secret-entirely-here") as third,
    ):
        with httpx.Client(base_url=first) as client:
            token = _csrf(client)
            signed = client.post(
                "/login", data={"editor": "alice", "token": EDITORS["alice"], "csrftoken": token}
            )
            assert signed.status_code == 303
            cookies = client.cookies
        assert httpx.get(second + "/", cookies=cookies).status_code == 200
        assert httpx.get(third + "/", cookies=cookies).status_code == 303  # to sign-in


# --- under abuse (issue 26): plain HTTP against the live server ---------------------------


def _edit_form(page: str) -> dict[str, str]:
    """The fields of the page's edit form as a browser would post them."""
    from html.parser import HTMLParser

    fields: dict[str, str] = {}

    class Form(HTMLParser):
        inside = False
        textarea: str | None = None
        select: str | None = None
        option: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "form":
                self.inside = a.get("id") == "edit"
            elif self.inside and tag == "input" and a.get("name"):
                if a.get("type") != "checkbox" or "checked" in a:
                    fields[str(a["name"])] = a.get("value") or ""
            elif self.inside and tag == "textarea" and a.get("name"):
                self.textarea = str(a["name"])
                fields[self.textarea] = ""
            elif self.inside and tag == "select" and a.get("name"):
                self.select = str(a["name"])
            elif self.inside and tag == "option" and self.select and "selected" in a:
                # an option without a value posts its text
                self.option = None if "value" in a else self.select
                fields[self.select] = a.get("value") or ""

        def handle_data(self, data: str) -> None:
            if self.textarea:
                fields[self.textarea] += data
            elif self.option:
                fields[self.option] += data

        def handle_endtag(self, tag: str) -> None:
            if tag == "textarea":
                self.textarea = None
            elif tag == "option":
                self.option = None
            elif tag == "select":
                self.select = None
            elif tag == "form":
                self.inside = False

    Form().feed(page)
    return fields


def _signed_client(url: str, editor: str = "alice") -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    token = _csrf(client)
    signed = client.post(
        "/login", data={"editor": editor, "token": EDITORS[editor], "csrftoken": token}
    )
    assert signed.status_code == 303
    return client


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "/\\evil.example/x", "https://evil.example/", "\\\\evil.example",
     "/%0d%0aSet-Cookie:x", "javascript:alert(1)", "/\t/evil.example"],
)  # fmt: skip
def test_sign_in_sends_the_editor_only_to_a_path_here(live: str, target: str) -> None:
    with httpx.Client(base_url=live) as client:
        token = _csrf(client)
        signed = client.post(
            "/login",
            data={"editor": "alice", "token": EDITORS["alice"], "csrftoken": token, "next": target},
        )
    assert signed.status_code == 303
    location = signed.headers["location"]
    assert location == "/" or (location == target and target.startswith("/%")), location


def test_sign_in_keeps_a_path_on_this_site(live: str) -> None:
    with httpx.Client(base_url=live) as client:
        token = _csrf(client)
        signed = client.post(
            "/login",
            data={"editor": "alice", "token": EDITORS["alice"], "csrftoken": token,
                  "next": "/briefs/abc?x=1"},
        )  # fmt: skip
    assert signed.headers["location"] == "/briefs/abc?x=1"


def test_a_huge_body_is_refused_before_it_is_read(store: ReviewStore) -> None:
    sent = 0

    def body() -> Iterator[bytes]:  # 100 MB, stopped by the server long before the end
        nonlocal sent
        chunk = b"editor=" + b"a" * (1024 * 1024 - 7)
        for _ in range(100):
            sent += len(chunk)
            yield chunk

    with LiveServer(store) as url:
        # 100 MB declared, as an attacker would: the answer comes before the body is sent
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(
                b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                b"application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\neditor="
            )
            assert raw.recv(200).startswith(b"HTTP/1.1 413")
        # chunked, no length, with the CSRF cookie (so the body would be read): refused
        # once past the limit; the server may hang up on the rest
        with httpx.Client(base_url=url, timeout=30) as client:
            _csrf(client)
            try:
                form = {"Content-Type": "application/x-www-form-urlencoded"}
                streamed = client.post("/login", content=body(), headers=form)
                assert streamed.status_code == 413
            except (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError):
                pass
        assert sent < 100 * 1024 * 1024
        # the server is still serving
        assert httpx.get(url + "/login").status_code == 200


def test_a_locked_store_answers_503_keeps_the_edit_and_serves_others(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "review.db"
    filing = ReviewStore(path)
    for brief, article in seed_briefs():
        filing.file(brief, article)
    item_id = filing.items()[0].id
    web_store = ReviewStore(path, lock_wait=1.0)
    with LiveServer(web_store) as url:
        alice, bob = _signed_client(url, "alice"), _signed_client(url, "bob")
        form = _edit_form(alice.get(f"/briefs/{item_id}").text)
        form["f:headline"] = "Alice's headline typed while the store was locked"
        # another process holds the store's write lock (a long import, a backup)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            results: dict[str, Any] = {}

            def save() -> None:
                results["save"] = alice.post("/save", data=form)

            saving = threading.Thread(target=save)
            saving.start()
            # meanwhile another editor's page is served: the event loop is not blocked
            assert bob.get("/").status_code == 200
            saving.join(timeout=20)
            busy = results["save"]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert busy.status_code == 503 and busy.headers["retry-after"]
        # the edit is shown again as typed, and nothing was saved
        assert "Alice&#39;s headline typed while the store was locked" in busy.text
        assert "store is busy" in busy.text
        assert len(web_store.versions(item_id)) == 1
        alice.close()
        bob.close()


def test_a_signed_out_cookie_is_refused(live: str) -> None:
    client = _signed_client(live)
    stolen = dict(client.cookies)
    assert httpx.get(live + "/", cookies=stolen).status_code == 200
    token = client.get("/").text.split('name="csrftoken" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrftoken": token}).status_code == 303
    # the copy of the cookie taken before signing out no longer signs anyone in
    after = httpx.get(live + "/", cookies=stolen)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")
    client.close()


def test_cookies_are_secure_when_served_over_https(store: ReviewStore) -> None:
    with LiveServer(store, https_only=True) as url, httpx.Client(base_url=url) as client:
        page = client.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()
    with LiveServer(store) as url, httpx.Client(base_url=url) as client:
        page = client.get("/login")
        assert "secure" not in page.headers["set-cookie"].lower()


def test_a_forged_forwarded_for_does_not_escape_the_sign_in_limit(store: ReviewStore) -> None:
    limits = {"client": "2/15 minutes", "editor": "100/15 minutes"}

    def four_wrong_tokens(proxy: str | None) -> list[int]:
        """Four failed sign-ins, each claiming another address in X-Forwarded-For."""
        with (
            LiveServer(store, sign_in_limits=limits, forwarded_allow_ips=proxy) as url,
            httpx.Client(base_url=url) as client,
        ):
            token = _csrf(client)
            return [
                client.post("/login", headers={"X-Forwarded-For": f"203.0.113.{i}"},
                            data={"editor": f"e{i}", "token": "guess",
                                  "csrftoken": token}).status_code
                for i in range(4)
            ]  # fmt: skip

    # each forged address is the same client: the third try is refused
    assert four_wrong_tokens(None) == [401, 401, 429, 429]
    # behind a trusted proxy the header names the real client, each with its own limit
    assert four_wrong_tokens("127.0.0.1") == [401] * 4


def test_unknown_briefs_are_404_everywhere(live: str) -> None:
    client = _signed_client(live)
    token = client.get("/").text.split('name="csrftoken" value="')[1].split('"')[0]
    assert client.get("/briefs/nope").status_code == 404
    assert client.get("/briefs/nope/export.json").status_code == 404
    saved = client.post("/save", data={"csrftoken": token, "item_id": "nope", "base": "1"})
    assert saved.status_code == 404
    decided = client.post(
        "/decide",
        data={"csrftoken": token, "item_id": "nope", "decision": "approve", "version": "1"},
    )
    assert decided.status_code == 404
    client.close()


def test_a_busy_store_is_told_in_the_browser_and_the_edit_stays(
    browser: Any, tmp_path: Path
) -> None:
    """The 503 reaches the page (htmx swaps it, as it does a 409 or a 422) with the
    editor's text still in its field, marked as not saved."""
    import sqlite3

    path = tmp_path / "review.db"
    filing = ReviewStore(path)
    for brief, article in seed_briefs():
        filing.file(brief, article)
    item_id = filing.items()[0].id
    with LiveServer(ReviewStore(path, lock_wait=1.0)) as url:
        page = signed_in(browser, url, "alice")
        _open(page, url, item_id)
        page.fill("#in-headline", "Alice's headline typed while the store was locked")
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            page.click("#save")
            page.wait_for_selector("#message.error")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert "the review store is busy" in page.inner_text("#message")
        assert (
            page.input_value("#in-headline") == "Alice's headline typed while the store was locked"
        )
    assert len(filing.versions(item_id)) == 1
