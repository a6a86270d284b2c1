"""Untrusted text made inert for the formats people open: Markdown and spreadsheets.

Article text and model output can carry HTML, Markdown links (``[x](javascript:...)``)
and spreadsheet formulas (``=HYPERLINK(...)``). HTML is escaped by Jinja's autoescape in
the HTML outputs; this module does the same for the other two.
"""

from __future__ import annotations

import re

__all__ = ["csv_cell", "md"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")
# OWASP CSV injection: a cell a spreadsheet would read as a formula or a command
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def md(text: object) -> str:
    """``text`` as Markdown that renders as the same text: one line, HTML entities
    escaped, and every character Markdown reads as markup (links and images included)
    backslash-escaped."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading
    apostrophe (OWASP's rule), which spreadsheets hide and do not run."""
    return "'" + value if value.startswith(_FORMULA_START) else value
