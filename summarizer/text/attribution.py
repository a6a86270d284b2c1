"""Who says it: the source a sentence names for what it reports, read off the parse.

"..., according to the health ministry" -> "the health ministry"; "Police said three
people died" -> "Police"; "..., Henri Dubois, a local health official, said" -> "Henri
Dubois"; "State television quoted the disaster centre as saying ..." -> "the disaster
centre, quoted by State television"; "X told reporters" -> "X". A pronoun names nobody
("it said" -> None): the caller then falls back to the outlet.

Pure: no model, no network, no I/O.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from .lang import LANG
from .roles import phrase

__all__ = ["source_of"]

MAX_SOURCE = 100  # the brief's limit on a source


def _lemma(token: Token) -> str:
    return token.lemma_.lower() or token.lower_


def _subject(verb: Token) -> str | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and (text := phrase(child)):
            return text
    return None


def source_of(sent: Span) -> str | None:
    """The source ``sent`` names for what it reports, in its own words, or None."""
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < len(token.doc):
            to = token.doc[token.i + 1]
            for obj in (c for c in to.children if c.dep_ == "pobj"):
                if text := phrase(obj):
                    return text[:MAX_SOURCE]
    for token in sent:
        if token.pos_ != "VERB":
            continue
        lemma = _lemma(token)
        if lemma in LANG.QUOTING_VERBS:
            quoted = next((phrase(c) for c in token.children if c.dep_ == "dobj"), None)
            speaker = _subject(token)
            if quoted and speaker:
                return f"{quoted}, quoted by {speaker}"[:MAX_SOURCE]
            if quoted or speaker:
                return (quoted or speaker or "")[:MAX_SOURCE]
        if lemma in LANG.SAY_VERBS and (speaker := _subject(token)):
            return speaker[:MAX_SOURCE]
    return None
