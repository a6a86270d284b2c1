"""The HTML digest in a real headless Chromium: hostile text never runs.

Needs Chromium (Debian package ``chromium``) and Playwright; skipped, saying so, where
either is missing. The hostile article and its brief are hand-written (a rules test,
not model output).
"""

from __future__ import annotations

from datetime import date
from html import unescape
from pathlib import Path

from summarizer.digest import DigestInput, build_digest
from summarizer.render.digest import render_digest_html, render_digest_markdown

from .test_digest import hand_article, hand_brief, killed

HOSTILE = (
    "Police said three people were killed <script>window.pwned = 1;"
    "document.title = 'pwned'</script> in the attack on Tuesday. "
    'A witness said "<img src=x onerror=\\"window.pwned=2\\">" was written on the wall.'
)


def hostile_digest_html() -> str:
    a = hand_article(HOSTILE, outlet="<b>Outlet</b>", published=date(2025, 3, 4), n=7)
    brief = hand_brief(
        a,
        headline="<script>window.pwned = 3</script> attack",
        casualties=[killed(3, "Police <i>said</i>", HOSTILE.split(" in the attack")[0])],
        quotes=[{"quote": '<img src=x onerror=\\"window.pwned=2\\">', "speaker": "A witness"}],
    )
    return render_digest_html(build_digest([DigestInput(a, brief)]))


def test_hostile_text_is_escaped_and_scripts_are_forbidden() -> None:
    html = hostile_digest_html()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;window.pwned = 3&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html
    assert "default-src 'none'" in unescape(html)


def test_hostile_article_does_not_execute_in_chromium(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page_file = tmp_path / "digest.html"
    page_file.write_text(hostile_digest_html(), encoding="utf-8")
    page = browser.new_page()
    page.goto(page_file.as_uri())
    assert page.evaluate("window.pwned") is None
    assert page.title() == "Digest"
    # At a glance: one row per story, linking to it; its details folded away.
    assert page.locator("nav.contents a").count() == 1
    # each row carries the story's summary, cut to two lines by the page's style
    gist = page.locator("nav.contents .gist").first
    assert gist.inner_text() == "A sentence of the test. Another sentence of the test."
    clamp = page.evaluate(
        "getComputedStyle(document.querySelector('nav.contents .gist')).webkitLineClamp"
    )
    assert clamp == "2"
    assert page.locator("details").first.get_attribute("open") is None
    page.locator("details > summary").first.click()
    # The hostile words are shown as text, not dropped.
    body = page.inner_text("body")
    assert "<script>window.pwned = 3</script> attack" in body
    assert '<img src=x onerror=\\"window.pwned=2\\">' in body
    # The page's own style applies (its CSP hash matches), so it is laid out as designed.
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('article.story')).borderTopStyle"
    )
    assert colour == "solid"
    page.close()


def test_markdown_escapes_html_and_markup() -> None:
    a = hand_article(HOSTILE, outlet="Daily *A*", published=date(2025, 3, 4), n=7)
    md = render_digest_markdown(build_digest([DigestInput(a, hand_brief(a))]))
    assert "<script>" not in md and "Daily \\*A\\*" in md
