"""An article worked out once: what every consumer needs, computed on first use.

The brief strategies, the grounding checks and (later) the digest and the review page
all need the same things of an article: its content passages (boilerplate left out),
the text the model reads, its sentences, its quoted passages, the times of day it
states, and a ``GroundingSource`` to check output against. ``PreparedArticle`` holds
them, each computed at most once.

Pure: no network, no model, no file I/O.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from .grounding import (
    GroundingSource,
    context_value,
    earlier_reason,
    news_year,
    validation_context,
)
from .ingest import Article, content_passages, is_furniture
from .text.nlp import parse
from .text.roles import EventRoles, article_roles
from .text.sentences import (
    MAX_CHARS,
    Sentence,
    is_boilerplate,
    is_byline,
    sentences,
    strip_dateline,
)

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = ["ARTICLE_KEY", "PreparedArticle", "prepared_from"]

# The validation context carries the prepared article under this key (beside the
# grounding source under ``grounding.CONTEXT_KEY``), for validators that need more
# than the text, such as the numbered sentences.
ARTICLE_KEY = "article"

_QUOTED = re.compile(r"[\"“]([^\"“”\n]{12,300})[\"”]")
_TIME_OF_DAY = re.compile(
    r"\b(?:(?:around|about|at|shortly after|shortly before)\s+)?\d{1,2}(?::\d{2})?\s*[ap]\.m\."
    r"(?:\s+local\s+(?:time|hour))?"
    r"|\b(?:early|late)?\s*(?:morning|afternoon|evening|night|dawn|midnight|noon)\b",
    re.IGNORECASE,
)


class PreparedArticle:
    """One article plus everything derived from its text, each part computed once."""

    def __init__(self, article: Article, *, fuzzy_threshold: float = 92.0) -> None:
        self.article = article
        self.fuzzy_threshold = fuzzy_threshold

    @cached_property
    def passages(self) -> list[tuple[int, str]]:
        """Non-boilerplate paragraphs as (offset in ``article.text``, paragraph)."""
        return content_passages(self.article)

    @cached_property
    def body(self) -> str:
        """The text the model reads: the content passages, one blank line apart."""
        return "\n\n".join(text for _, text in self.passages)

    @cached_property
    def sentences(self) -> list[str]:
        """Distinct sentences of the content, each verbatim, in order (12-400 chars)."""
        return [s for s in self.numbered if 12 <= len(s) <= MAX_CHARS]

    def _found(self, pattern: re.Pattern[str], group: int = 0, strip: str = " ") -> list[str]:
        seen: dict[str, None] = {}
        for _, passage in self.passages:
            for match in pattern.finditer(passage):
                if text := match.group(group).strip(strip):
                    seen.setdefault(text, None)
        return list(seen)

    @cached_property
    def _sentences(self) -> list[Sentence]:
        seen: dict[str, Sentence] = {}
        for _, passage in self.passages:
            if is_byline(passage) or is_boilerplate(passage):
                continue
            body, _cut = strip_dateline(passage)
            for sentence in sentences(body):
                text = sentence.text.strip()
                if len(text.split()) >= 4 and not is_boilerplate(text) and not is_furniture(text):
                    seen.setdefault(text, sentence)
        return list(seen.values())

    @cached_property
    def numbered(self) -> list[str]:
        """The content's sentences in order, as shown to a model that answers with
        sentence numbers: each verbatim from the article (``text.sentences``), a leading
        dateline cut off, bylines, boilerplate lines, repeats and fragments of fewer than
        four words left out."""
        return [s.text.strip() for s in self._sentences]

    @cached_property
    def parsed(self) -> list[Span]:
        """``numbered``'s sentences as the language layer parsed them, one each."""
        return [s.span if s.span is not None else parse(s.text)[:] for s in self._sentences]

    @cached_property
    def news_year(self) -> int | None:
        """The year of the news (``grounding.news_year``)."""
        return news_year(self.numbered, self.article.published)

    def earlier_reason(self, sentence: str) -> str | None:
        """Why ``sentence`` is about an earlier occasion than this article's news, or
        None (``grounding.earlier_reason``)."""
        return earlier_reason(sentence, self.article.published, year=self.news_year)

    @cached_property
    def roles(self) -> list[tuple[EventRoles, ...]]:
        """Each of ``parsed``'s violent predicates with its arguments, a doer written as
        a pronoun resolved to the one named before (``text.roles.article_roles``)."""
        return article_roles(self.parsed)

    @cached_property
    def quoted(self) -> list[str]:
        """Text between quotation marks in the content, verbatim."""
        return self._found(_QUOTED, 1, strip=" ,.")

    @cached_property
    def times_of_day(self) -> list[str]:
        """Times of day the content states ("around 9:30 p.m. local time", "evening")."""
        return self._found(_TIME_OF_DAY)

    @cached_property
    def grounding(self) -> GroundingSource:
        """What evidence and quotes are checked against: the content, not boilerplate."""
        return GroundingSource(
            self.article.text,
            self.passages,
            published=self.article.published,
            fuzzy_threshold=self.fuzzy_threshold,
        )

    @property
    def context(self) -> dict[str, object]:
        """The validation context (instructor's ``context=``) for this article."""
        return {**validation_context(self.grounding), ARTICLE_KEY: self}


def prepared_from(context: object) -> PreparedArticle | None:
    """The prepared article a validator runs against, or None (no context given)."""
    return context_value(context, ARTICLE_KEY, PreparedArticle)
