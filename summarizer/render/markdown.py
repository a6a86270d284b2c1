"""Rendering briefs for people (Markdown). JSON for machines is ``model_dump_json``.

Templates live in ``summarizer/render/templates/``. Rendering never changes a brief's content;
it only lays it out. Every value a template prints is escaped as Markdown (``escape.md``,
Jinja's ``finalize``): an article's HTML or a ``[link](javascript:...)`` in a quote is
shown as text, never rendered.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..brief.results import BriefResult
from .escape import md

__all__ = ["render_markdown"]

_ENV = Environment(
    loader=PackageLoader("summarizer", "render/templates"),
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=md,
)


def render_markdown(result: BriefResult) -> str:
    if result.brief is not None:
        return _ENV.get_template("brief.md.jinja").render(b=result.brief, p=result.brief.provenance)
    return _ENV.get_template("failed.md.jinja").render(r=result, f=result.failure)
