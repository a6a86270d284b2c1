"""Brief strategies: how one article is asked of a model and turned into a brief.

A strategy owns its prompt, the response model it sends (possibly built per article)
and the step from the model's answer to an ordinary ``BriefContent``. It has a name and
a version; both, with the sha256 of the JSON Schema it actually sends, are part of the
cache key, so a changed strategy never serves a stale brief.

* ``FreeTextStrategy``: the full schema; the model copies evidence and quotes, which the
  grounding validators check (for capable hosted models).
* ``SentenceChoiceStrategy``: evidence chosen from the article's own sentences through a
  per-article grammar (see ``sentence_choice``), for small local models on backends with
  the ``grammar_choices`` capability.
"""

from __future__ import annotations

from typing import Protocol

from ..llm.backend import Capabilities
from ..llm.call import Message
from ..llm.prompts import PromptTemplate, load_prompt
from ..prepared import PreparedArticle
from ..schema import BriefContent
from .sentence_choice import constrained_model, to_brief_content

__all__ = ["FreeTextStrategy", "SentenceChoiceStrategy", "Strategy", "choose_strategy"]


class Strategy(Protocol):
    name: str
    version: str
    prompt: PromptTemplate

    def messages(self, prepared: PreparedArticle) -> list[Message]: ...

    def response_model(self, prepared: PreparedArticle) -> type[BriefContent]: ...

    def finish(self, content: BriefContent, prepared: PreparedArticle) -> BriefContent:
        """The model's validated answer as an ordinary, grounded ``BriefContent``."""
        ...


class _PromptStrategy:
    """A strategy whose messages are its prompt rendered with the prepared article."""

    name = "base"
    version = "0"
    default_prompt = "brief-v1"

    def __init__(self, prompt: PromptTemplate | None = None) -> None:
        self.prompt = prompt or load_prompt(self.default_prompt)

    def messages(self, prepared: PreparedArticle) -> list[Message]:
        article = prepared.article
        return self.prompt.render(
            article=prepared.body,
            published=article.published,
            outlet=article.outlet,
            title=article.title,
        )


class FreeTextStrategy(_PromptStrategy):
    name = "free-text"
    version = "1"
    default_prompt = "brief-v1"

    def response_model(self, prepared: PreparedArticle) -> type[BriefContent]:
        return BriefContent

    def finish(self, content: BriefContent, prepared: PreparedArticle) -> BriefContent:
        return content


class SentenceChoiceStrategy(_PromptStrategy):
    name = "sentence-choice"
    version = "1"
    default_prompt = "brief-compact-v1"

    def response_model(self, prepared: PreparedArticle) -> type[BriefContent]:
        return constrained_model(prepared)

    def finish(self, content: BriefContent, prepared: PreparedArticle) -> BriefContent:
        return to_brief_content(content, prepared)


def choose_strategy(
    capabilities: Capabilities, *, constrain: str = "auto", prompt: str | None = None
) -> Strategy:
    """The strategy for a backend: sentence choice where the backend compiles choices
    into a grammar (unless ``constrain`` says otherwise), free text elsewhere."""
    sentences = constrain == "on" or (constrain == "auto" and capabilities.grammar_choices)
    template = load_prompt(prompt) if prompt else None
    if sentences:
        return SentenceChoiceStrategy(template)
    return FreeTextStrategy(template)
