"""Brief strategies: how one article is asked of a model and turned into a brief.

A strategy owns its prompt, the response model it sends (possibly built per article)
and the step from the model's answer to an ordinary ``BriefContent``. It has a name and
a version; both, with the sha256 of the JSON Schema it actually sends, are part of the
cache key, so a changed strategy never serves a stale brief.

* ``FreeTextStrategy``: the full schema; the model copies evidence and quotes, which the
  grounding validators check item by item (``free_text``): what the article does not
  hold is asked again once, alone, then dropped and listed in the brief's gaps (for
  endpoints: hosted models, Ollama, vLLM).
* ``QuestionsStrategy`` (default on backends with the ``grammar_choices`` capability,
  i.e. small local models): focused questions about the article with numbered
  sentences; the model answers sentence numbers and short names, the code copies and
  reads (``extraction``).
* ``SentenceChoiceStrategy``: evidence chosen from the article's own sentences as
  per-article enums (``sentence_choice``); the earlier small-model strategy, kept as an
  option (slower: the enums make the prompt and the grammar large).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from ..errors import (
    ContextWindowError,
    IncompleteOutputError,
    ModelCallError,
    OutputValidationError,
    UsageError,
)
from ..llm.backend import Capabilities
from ..llm.call import Message
from ..llm.prompts import PromptTemplate, load_prompt
from ..prepared import PreparedArticle
from ..schema import BriefContent
from ..taxonomy import nearest_event_type
from . import extraction as ex
from . import free_text
from .sentence_choice import constrained_model, to_brief_content

log = logging.getLogger(__name__)

__all__ = [
    "FreeTextStrategy",
    "QuestionsStrategy",
    "SentenceChoiceStrategy",
    "Strategy",
    "choose_strategy",
]

T = TypeVar("T", bound=BaseModel)


class Ask(Protocol):
    """Ask the model once (validated, re-asked as needed); raises ``ModelCallError``.
    ``max_tokens`` caps this question's answer below the run's limit; ``follow_up``
    marks a question about the model's own answer (its calls count as re-asks)."""

    async def __call__(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        max_tokens: int | None = None,
        follow_up: bool = False,
    ) -> T: ...


class Strategy(Protocol):
    name: str
    version: str
    prompt: PromptTemplate

    def response_models(self, prepared: PreparedArticle) -> list[type[BaseModel]]:
        """Every response model the strategy may send for this article (their JSON
        Schemas are part of the cache key)."""
        ...

    async def run(self, prepared: PreparedArticle, ask: Ask) -> BriefContent:
        """Ask what it needs and return an ordinary, grounded ``BriefContent``."""
        ...


class _Prompted:
    """A strategy with a prompt: its own by default, or the one given."""

    name = "base"
    version = "0"
    default_prompt = "brief-v1"

    def __init__(self, prompt: PromptTemplate | None = None) -> None:
        self.prompt = prompt or load_prompt(self.default_prompt)


class _OneCallStrategy(_Prompted):
    """One prompt, one response model, one call; ``finish`` turns the answer into a brief."""

    def messages(self, prepared: PreparedArticle, text: str | None = None) -> list[Message]:
        """The prompt for the article (or ``text``, a part of it)."""
        article = prepared.article
        return self.prompt.render(
            article=prepared.body if text is None else text,
            published=article.published,
            outlet=article.outlet,
            title=article.title,
        )

    def response_model(self, prepared: PreparedArticle) -> type[BaseModel]:
        raise NotImplementedError

    def finish(self, content: BaseModel, prepared: PreparedArticle) -> BriefContent:
        raise NotImplementedError

    def response_models(self, prepared: PreparedArticle) -> list[type[BaseModel]]:
        return [self.response_model(prepared)]

    async def run(self, prepared: PreparedArticle, ask: Ask) -> BriefContent:
        content = await ask(self.messages(prepared), self.response_model(prepared))
        return self.finish(content, prepared)


def _expect(content: BaseModel, kind: type[T]) -> T:
    if not isinstance(content, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(content).__name__}")
    return content


class FreeTextStrategy(_OneCallStrategy):
    """The full schema; the model copies evidence, each item is checked on its own
    (``free_text``): one paraphrased quote costs that quote, not the brief."""

    name = "free-text"
    version = "2"
    default_prompt = "brief-v2"
    # tokens for the follow-up's answer: a few items, not a brief
    FIX_MAX_TOKENS = 700
    # halvings of an article too long for the context: at most 2**6 = 64 parts
    MAX_SPLITS = 6

    def response_model(self, prepared: PreparedArticle) -> type[BaseModel]:
        return free_text.Answer

    def response_models(self, prepared: PreparedArticle) -> list[type[BaseModel]]:
        return [free_text.Answer, free_text.Fixes]

    async def run(self, prepared: PreparedArticle, ask: Ask) -> BriefContent:
        try:
            grounded = await self._read(prepared, prepared.body, ask)
        except ContextWindowError as exc:
            # too long for the model's context: read in parts, never truncated
            grounded = await self._read_in_parts(prepared, prepared.body, ask, exc)
        content = BriefContent.model_validate(grounded.data, context=prepared.context)
        content._gaps = [d.gap() for d in grounded.dropped]
        return content

    async def _read(self, prepared: PreparedArticle, text: str, ask: Ask) -> free_text.Grounded:
        """``text`` (the article, or a part of it) asked, grounded item by item, and its
        failing items asked again once."""
        messages = self.messages(prepared, text)
        answer = await ask(messages, free_text.Answer)
        grounded = free_text.ground(answer, prepared)
        failing = grounded.needs_fixing()
        if failing and "fix" in self.prompt.questions:
            follow_up = [
                *messages,
                {"role": "assistant", "content": answer.model_dump_json()},
                self.prompt.follow_up("fix", dropped=free_text.fix_request(failing)),
            ]
            try:
                fixes = await ask(
                    follow_up, free_text.Fixes, max_tokens=self.FIX_MAX_TOKENS, follow_up=True
                )
                grounded = free_text.merge(grounded, fixes, prepared)
            except (OutputValidationError, IncompleteOutputError, ContextWindowError) as exc:
                # the follow-up could not be asked or read: the first answer's items stand
                log.warning("%s: no fixes (%s)", prepared.article.stem, exc.message)
        return grounded

    async def _read_in_parts(
        self,
        prepared: PreparedArticle,
        text: str,
        ask: Ask,
        too_long: ContextWindowError,
        depth: int = 0,
    ) -> free_text.Grounded:
        """``text`` halved (``free_text.halves``), each half read, halved again while it
        does not fit; a sentence that alone does not fit ends it with ``too_long``."""
        cut = free_text.halves(text)
        if cut is None or depth >= self.MAX_SPLITS:
            raise too_long
        parts = []
        for part in cut:
            try:
                parts.append(await self._read(prepared, part, ask))
            except ContextWindowError as exc:
                parts.append(await self._read_in_parts(prepared, part, ask, exc, depth + 1))
        return free_text.join(parts)


class SentenceChoiceStrategy(_OneCallStrategy):
    """Evidence chosen among the article's sentences, as enums (``sentence_choice``)."""

    name = "sentence-choice"
    version = "1"
    default_prompt = "brief-compact-v2"

    def response_model(self, prepared: PreparedArticle) -> type[BaseModel]:
        return constrained_model(prepared)

    def finish(self, content: BaseModel, prepared: PreparedArticle) -> BriefContent:
        return to_brief_content(_expect(content, BriefContent), prepared)


class QuestionsStrategy(_Prompted):
    """Focused questions over the same numbered article (``extraction``)."""

    name = "questions"
    version = "6"
    default_prompt = "brief-questions-v2"

    def __init__(self, prompt: PromptTemplate | None = None) -> None:
        super().__init__(prompt)
        # The offer is worked out for the cache key and again to ask; once per article.
        self._offers: weakref.WeakKeyDictionary[PreparedArticle, ex.Offer] = (
            weakref.WeakKeyDictionary()
        )

    def _offer(self, prepared: PreparedArticle) -> ex.Offer:
        if (choices := self._offers.get(prepared)) is None:
            choices = self._offers[prepared] = ex.offer(prepared)
        return choices

    def response_models(self, prepared: PreparedArticle) -> list[type[BaseModel]]:
        models: list[type[BaseModel]] = [ex.facts_model(self._offer(prepared))]
        if ex.lead_summary(prepared, self._offer(prepared).event) is None:
            models.append(ex.Wording)
        return models

    async def run(self, prepared: PreparedArticle, ask: Ask) -> BriefContent:
        sentences = prepared.numbered
        stem = prepared.article.stem
        choices = self._offer(prepared)
        n = choices.event
        event = f"[{n}]"

        def question(name: str, **variables: Any) -> list[Message]:
            return self.prompt.render(
                name, title=prepared.article.title, sentences=sentences, event=event, **variables
            )

        def listed(values: tuple[Any, ...]) -> str:
            return ", ".join(f"[{v}]" if isinstance(v, int) else str(v) for v in values)

        # A small model chooses among a few offered names and sentences far better than
        # it names an actor or finds a figure itself; the enums hold it to them.
        offered = {
            "doers": listed(choices.doers),
            "targets": listed(choices.targets),
            "places": listed(choices.places),
            "killed": listed(choices.killed),
            "injured": listed(choices.injured),
            "days": listed(choices.days),
        }
        model = ex.facts_model(choices)
        gaps: list[dict[str, str]] = []
        try:
            facts: ex.Facts | None = await ask(
                question("facts", **offered), model, max_tokens=ex.FACTS_MAX_TOKENS
            )
        except (OutputValidationError, IncompleteOutputError) as exc:
            # Still invented after the re-asks: the brief goes without these facts
            # rather than with made-up ones (logged, and recorded as the brief's gaps).
            log.warning("%s: no facts (%s)", stem, exc.details or exc.message)
            facts = None
            gaps.append({"field": "actors, location, casualties", "reason": _why(exc)})
        # The summary is the article's own opening (lead and next sentence): verbatim,
        # so nothing in it can be invented, and no output tokens are spent on it. Only
        # when those cannot serve (one sentence, or too long) is the model asked to write
        # one; likewise the headline (the article's title, or the kind of event and its
        # place) when neither can serve.
        summary = ex.lead_summary(prepared, n)
        headline = ex.plain_headline(facts, prepared, choices) if facts else None
        if summary is None or headline is None:
            try:
                wording = await ask(
                    question("wording"), ex.Wording, max_tokens=ex.WORDING_MAX_TOKENS
                )
                summary = summary or wording.summary
                headline = headline or wording.headline
            except (OutputValidationError, IncompleteOutputError) as exc:
                # The model's wording kept failing its checks: the article's own lead
                # (and its first words as headline) stand in; the brief says so.
                log.warning("%s: no wording (%s)", stem, exc.details or exc.message)
                if summary is None:
                    gaps.append({"field": "summary", "reason": _why(exc)})
                    summary = ex.lead_only(prepared, n)
                if headline is None:
                    gaps.append({"field": "headline", "reason": _why(exc)})
                    headline = ex.fallback_headline(prepared, n)
        # The model kept the target read from the lead's grammar: put back as the article
        # prints it ('"Abu" Ruiz', quotation marks and all), with its group.
        aimed = (
            facts is not None
            and choices.target_verbatim is not None
            and facts.target == choices.targets[0]
        )
        answers = ex.Extraction(
            event=n,
            event_type=nearest_event_type(facts.what if facts and facts.what else sentences[n - 1]),
            headline=headline,
            summary=summary,
            date=facts.day_sentence if facts else None,
            place=facts.place if facts else None,
            perpetrator=facts.perpetrator if facts else None,
            target=choices.target_verbatim if aimed else facts.target if facts else None,
            target_affiliation=choices.target_affiliation if aimed else None,
            target_verbatim=aimed,
            patient_role=choices.patient_role,
            killed=[facts.killed_sentence] if facts and facts.killed_sentence else [],
            injured=[facts.injured_sentence] if facts and facts.injured_sentence else [],
            places=choices.places,
            weapons=choices.weapons,
            more_doers=choices.more_doers,
            more_patients=choices.more_patients,
            gaps=gaps,
        )
        log.debug("%s: %s", stem, answers)
        return ex.to_brief_content(answers, prepared)


def _why(exc: ModelCallError) -> str:
    """The last validator messages of a failed question, for the brief's gaps."""
    text = exc.message
    if exc.details:
        text = "; ".join(f"{d.get('loc', '')}: {d.get('msg', '')}" for d in exc.details)
    return text if len(text) <= 400 else text[:397] + "..."


STRATEGIES: dict[str, type[FreeTextStrategy | QuestionsStrategy | SentenceChoiceStrategy]] = {
    s.name: s for s in (FreeTextStrategy, QuestionsStrategy, SentenceChoiceStrategy)
}


def choose_strategy(
    capabilities: Capabilities, *, strategy: str = "auto", prompt: str | None = None
) -> Strategy:
    """The strategy asked for; with "auto", focused questions where the backend compiles
    the answer's schema into a grammar (a small local model), free text elsewhere."""
    if strategy == "auto":
        strategy = "questions" if capabilities.grammar_choices else "free-text"
    if strategy not in STRATEGIES:
        raise UsageError(f"no strategy {strategy!r}; choose one of: {', '.join(STRATEGIES)}")
    return STRATEGIES[strategy](load_prompt(prompt) if prompt else None)
