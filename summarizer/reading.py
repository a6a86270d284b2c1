"""What the digest needs to know of an article, read once, when its brief is made.

``read_article`` keeps the article's lead sentences, the entities of its headline and
opening sentences, the sentences about an earlier occasion with their entities, and the
entities the rest of the article names (``schema.Reading``). The brief pipeline stores
it in every brief; the digest reads names, places and leads from it, and parses only an
article whose brief has none (one made before schema 1.3.0).
"""

from __future__ import annotations

import re

from .prepared import PreparedArticle
from .schema import Reading, ReadSentence
from .text.names import mentions
from .text.nlp import parse

__all__ = ["LEAD_SENTENCES", "OPENING_SENTENCES", "read_article"]

LEAD_SENTENCES = 3  # the lead: what the digest compares stories by
OPENING_SENTENCES = 6  # the names of the event are in the article's first sentences
# a page title's site name: "Suspect arrested | FOX6Now.com"
SITE_SEPARATOR = re.compile(r"\s+[|–—-]\s+|\s*\|\s*")


def read_article(prepared: PreparedArticle) -> Reading:
    headline = SITE_SEPARATOR.split(prepared.article.title or "")[0]
    named: dict[tuple[str, str, bool], None] = {}
    earlier: list[ReadSentence] = []
    for n, (text, span) in enumerate(zip(prepared.numbered, prepared.parsed, strict=True)):
        if prepared.earlier_reason(text) is not None:
            earlier.append(ReadSentence(text=text, mentions=mentions(text)))
        elif n >= OPENING_SENTENCES:
            named.update(dict.fromkeys(mentions(span)))
    return Reading(
        lead=prepared.numbered[:LEAD_SENTENCES],
        headline=mentions(parse(headline)[:]) if headline else [],
        opening=[mentions(s) for s in prepared.parsed[:OPENING_SENTENCES]],
        earlier=earlier,
        named=list(named),
    )
