"""Sentences, and the parts of a text that are not the story's sentences.

Sentence boundaries come from spaCy's dependency parse (``nlp.parse``), with two fixes
for how news arrives: paragraphs glued together with no space ('said."We', '...killed.The
...') are cut apart first, and a "sentence" longer than ``MAX_CHARS`` (lower-case wire
text with no full stops) is cut at its last clause break below the limit, so that every
sentence can serve as evidence. Datelines ("BOSTON —", "Lagos, March 3:", "(Reuters) -"),
bylines and web boilerplate lines ("Subscribe ...", "Advertisement") are told apart here:
they say who filed the story and where, not what happened.

Pure: no model, no network, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .lang import LANG
from .nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = [
    "MAX_CHARS",
    "MIN_WORDS",
    "Sentence",
    "is_boilerplate",
    "is_byline",
    "is_shouting",
    "sentences",
    "strip_dateline",
]

MAX_CHARS = 400  # the brief's evidence limit
MIN_WORDS = 4  # a shorter piece is a fragment, joined to what follows

_AGENCY = r"\([A-Za-z][\w .,&'’-]{1,40}\)"  # "(Reuters)", "(December 3, 2015)"
_CAPS_PLACE = r"[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Z.'’-]+){0,3}"
_DAY = r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:,\s*\d{4})?"
_PLACE_DAY = rf"[A-Z][\w .'’-]{{1,40}},\s+{_DAY}"
_LOWER_PLACE = r"[a-z][a-z.'’-]+(?:[ ,]+[a-z0-9][a-z0-9.'’-]*){0,5}"
# ", Afghanistan" after a place in capitals
_MORE_PLACE = r"(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})*"
# "BOSTON —", "WASHINGTON (Reuters) -", "Lagos, March 3:", "(AP) —", "kabul (ap) —",
# "KANDAHAR, Afghanistan, Oct. 3 (Xinhua) --".
DATELINE = re.compile(
    rf"^\s*(?:(?:{_CAPS_PLACE}{_MORE_PLACE}(?:,\s*{_DAY})?|{_PLACE_DAY})\s*(?:{_AGENCY})?"
    rf"\s*(?:[:—–]+|--|\s-)"
    rf"|(?:{_LOWER_PLACE}\s*)?{_AGENCY}\s*(?:[:—–]+|--|\s-))\s*"
)
# A sentence end glued to the next sentence: 'said."We', 'killed.The', 'forces.after',
# a title glued to its first paragraph ('...in SyriaThe desert'), a dateline glued to a
# title ('PrioritiesLONDON —', '| Fox 59INDIANAPOLIS (December 3, 2015) –'), never inside
# a site's address ('FOX6Now.comMILWAUKEE —' is cut after 'com'). A capital right after a
# small letter starts a sentence only when it begins a function word (the language's
# stop words: 'The', 'In', 'He'), so names such as 'McDonald' or 'YouTube' stay whole.
_OPENERS = "|".join(
    sorted((w.capitalize() for w in LANG.STOP_WORDS if w.isalpha()), key=len, reverse=True)
)
_GLUED = re.compile(
    r"(?<=[a-z0-9%)][.!?])(?=[\"“]?[A-Z][a-z])|(?<=[.!?][\"”])(?=[A-Z])"
    r"|(?<=[a-z]{2}[.!?])(?=[a-z]{2})(?!(?:com|org|net|gov|edu|info|tv)(?![a-z]))"
    rf"|(?<=[a-z])(?=(?:{_OPENERS})\s)"
    r"|(?<=\S)(?=\s+\|\s)"  # a page title's site: "... near southwest side | Fox 59"
    r"|(?<=[a-z0-9])(?=[A-Z]{2,}[\w ,.'’-]{0,40}?\s*(?:\([^)]{1,40}\)\s*)?(?:—|–|--|\s-\s))"
)
# A wiki section heading glued between paragraphs ("...group ETA.==Background==The Rolando
# Cafe ..."), as text copied from an encyclopedia page arrives: a break, not words.
_HEADING = re.compile(r"={2,}[^=\n]{1,80}={2,}")
# What a page title carries after its pipe: the site's name or section, a few words.
_SITE_NAME = re.compile(r"^\s*\|\s*\S+(?:\s+\S+){0,5}\s*$")
_BYLINE = re.compile(
    r"^\s*(?:by|from)\s+[A-Z][\w.'’-]+(?:\s+(?:and\s+)?[A-Z][\w.'’-]+){0,5}\s*$", re.I
)
_CLAUSE_BREAK = re.compile(r"[;,:—–]\s+|\s+-\s+|\s+(?=and\s|but\s|while\s|after\s|as\s)")


@dataclass(frozen=True)
class Sentence:
    """A sentence: its exact text, where it starts in the text it came from, and its
    parse (the span of the passage's parse, so nothing is parsed twice)."""

    text: str
    start: int
    span: Span | None = field(default=None, compare=False, repr=False)


def strip_dateline(text: str) -> tuple[str, int]:
    """``text`` without a leading dateline, and how many characters were cut."""
    match = DATELINE.match(text)
    if match is None or len(text) - match.end() < 20:
        return text, 0
    return text[match.end() :], match.end()


def is_byline(line: str) -> bool:
    return len(line) <= 80 and _BYLINE.match(line) is not None


def is_boilerplate(line: str) -> bool:
    """A line the page adds around the story ("Subscribe to our newsletter",
    "Advertisement"): a short line holding such a phrase, or a line opening with one."""
    folded = line.casefold().strip(" \"'“”‘’|•-—:")
    if any(folded.startswith(phrase) for phrase in LANG.BOILERPLATE):
        return len(line) <= 300
    short = len(line) <= 80 and len(line.split()) < 8  # a sentence of the story is longer
    if short and any(phrase in folded for phrase in LANG.BOILERPLATE):
        return True
    # a menu: "Home | World | Politics | Sport"
    return len(line.split()) <= 16 and sum(line.count(c) for c in "|•›»") >= 2


def is_shouting(text: str) -> bool:
    """Whether ``text`` is written in capitals (a wire's ALL-CAPS bulletin)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def _cut(text: str, start: int) -> list[Sentence]:
    """``text`` in pieces of at most ``MAX_CHARS``, cut at clause breaks where it can."""
    out = []
    while len(text) > MAX_CHARS:
        window = text[: MAX_CHARS + 1]
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window) if m.end() >= 40]
        at = breaks[-1] if breaks else window.rfind(" ")
        at = at if at > 0 else MAX_CHARS
        piece = text[:at].rstrip()
        out.append(Sentence(piece, start))
        rest = text[at:]
        skipped = len(rest) - len(rest.lstrip())
        start += at + skipped
        text = rest.lstrip()
    if text:
        out.append(Sentence(text, start))
    return out


def _offsets(pieces: list[str]) -> list[tuple[int, str]]:
    """Consecutive ``pieces`` of a text, each with where it starts in it."""
    out, at = [], 0
    for piece in pieces:
        out.append((at, piece))
        at += len(piece)
    return out


def _segments(text: str) -> list[tuple[int, str]]:
    """``text`` between wiki section headings, each piece with where it starts."""
    out, at = [], 0
    for match in _HEADING.finditer(text):
        out.append((at, text[at : match.start()]))
        at = match.end()
    out.append((at, text[at:]))
    return [(start, piece) for start, piece in out if piece.strip()]


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` (one passage), each verbatim, none over ``MAX_CHARS``."""
    out: list[Sentence] = []
    pending: Sentence | None = None  # a fragment waiting to be joined to what follows
    docs: list[tuple[int, Doc]] = []
    for offset, glued in (
        (start + at, glued)
        for start, segment in _segments(text)
        for at, glued in _offsets(_GLUED.split(segment))
    ):
        if _SITE_NAME.match(glued):
            continue  # "| Fox 59", "| Local News - Home": the page's, not the story's
        chunk, cut = strip_dateline(glued)
        offset += cut
        if pending is not None and (cut or _HEADING.search(text, pending.start, offset)):
            out.append(pending)  # a fragment is not joined across a heading or a dateline
            pending = None
        # The tagger reads capitals as names: an ALL-CAPS text is parsed in lower case
        # (the same length, so every offset still points into the article's own words).
        doc = parse(chunk.lower() if is_shouting(chunk) else chunk)
        docs.append((offset, doc))
        for sent in doc.sents:
            raw = chunk[sent.start_char : sent.end_char]  # the article's own letters
            piece = raw.strip()
            if not piece:
                continue
            start = offset + sent.start_char + (len(raw) - len(raw.lstrip()))
            if pending is not None:
                piece = text[pending.start : start + len(piece)]
                start = pending.start
                pending = None
            if len(piece.split()) < MIN_WORDS:
                pending = Sentence(piece, start)
                continue
            out.extend(_cut(piece, start))
    if pending is not None:
        if out and len(out[-1].text) + len(pending.text) < MAX_CHARS:
            last = out.pop()
            out.append(Sentence(text[last.start : pending.start + len(pending.text)], last.start))
        else:
            out.append(pending)
    return [replace(s, span=_span_of(s, docs)) for s in out]


def _span_of(sentence: Sentence, docs: list[tuple[int, Doc]]) -> Span | None:
    """``sentence`` as a span of the parse it came from, or None (it crosses two)."""
    end = sentence.start + len(sentence.text)
    for offset, doc in docs:
        if offset <= sentence.start and end <= offset + len(doc.text):
            return doc.char_span(sentence.start - offset, end - offset, alignment_mode="expand")
    return None
