"""Rendering a ``Digest``: Markdown for people, one self-contained HTML page.

Article text and model output are untrusted. The HTML page escapes everything (Jinja
autoescape), carries no script at all, and forbids any with its Content-Security-Policy
(only its own inline style, by hash, is allowed). The Markdown escapes HTML and the
characters Markdown would read as markup.
"""

from __future__ import annotations

import base64
import hashlib

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..digest.model import Digest, Evidence, Story
from .escape import md

__all__ = ["render_digest_html", "render_digest_markdown"]


def _src(e: Evidence | str, story: Story) -> str:
    """Who an evidence or article id stands for: its outlet, else its file name."""
    article_id = e if isinstance(e, str) else e.article_id
    for src in story.sources:
        if article_id == src.article_id or article_id in src.copies:
            return src.outlet or src.source_file.rsplit("/", 1)[-1]
    return article_id


def _env(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("summarizer", "render/templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=autoescape, default_for_string=autoescape),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["src"] = _src
    return env


_MD_ENV = _env(False)
_HTML_ENV = _env(True)


def render_digest_markdown(digest: Digest) -> str:
    return _MD_ENV.get_template("digest.md.jinja").render(d=digest)


def render_digest_html(digest: Digest) -> str:
    # The page's own style (trusted, ours): inserted as is and allowed by its hash.
    assert _HTML_ENV.loader is not None
    style, _, _ = _HTML_ENV.loader.get_source(_HTML_ENV, "digest.css")
    digest_b64 = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = (
        f"default-src 'none'; style-src 'sha256-{digest_b64}'; base-uri 'none'; form-action 'none'"
    )
    return _HTML_ENV.get_template("digest.html.jinja").render(d=digest, style=style, csp=csp)
