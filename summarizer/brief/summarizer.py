"""Turning articles into event briefs: strategy, cache, the model call, provenance.

``Summarizer`` prepares each article once, asks its strategy for the messages and the
response model, looks the brief up in the cache, and otherwise makes one model call
through ``llm.call.ModelCaller`` (which validates, re-asks and tallies usage). One
article's outcome is a ``BriefResult`` holding either an ``EventBrief`` or a recorded
failure: an article is never dropped and one failure never stops the batch.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .. import grounding as _grounding
from .. import schema as _schema
from ..errors import BackendError, ModelCallError
from ..ingest import Article, IngestFailure
from ..llm.backend import Backend
from ..llm.call import CallParams, CallUsage, Message, ModelCaller, map_error, response_schema
from ..llm.pricing import estimate_cost
from ..llm.retry import DEADLINE
from ..prepared import PreparedArticle
from ..reading import read_article
from ..schema import BriefContent, EventBrief, Provenance, Usage
from ..text import rules_version
from . import extraction, roles, sentence_choice, strategies
from .cache import BriefCache, CacheKey
from .results import BriefResult, RunSummary, failure_of, summarize
from .strategies import FreeTextStrategy, Strategy

__all__ = ["RULES_VERSION", "GenerationParams", "Summarizer"]

# The rules that build a brief from the model's answers: the language layer and the
# modules that assemble briefs and check them. Part of the built brief's cache key and
# provenance; not of the answers' key (a rule change reuses the model's answers).
RULES_VERSION = rules_version(
    *(
        Path(m.__file__)
        for m in (extraction, roles, sentence_choice, strategies, _grounding, _schema)
        if m.__file__
    )
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class GenerationParams(CallParams):
    """The model call's parameters plus how strictly near matches are accepted."""

    fuzzy_threshold: float = 92.0


def _schema_sha256(response_model: type[BaseModel]) -> str:
    text = json.dumps(response_schema(response_model), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Summarizer:
    """Briefs articles with one backend, one strategy and one set of generation parameters."""

    def __init__(
        self,
        backend: Backend,
        strategy: Strategy | None = None,
        *,
        cache: BriefCache | None = None,
        params: GenerationParams | None = None,
        prices: dict[str, tuple[float, float]] | None = None,
        budget: float | None = None,
    ) -> None:
        self.backend = backend
        self.strategy = strategy or FreeTextStrategy()
        self.cache = cache
        self.params = params or GenerationParams()
        self.prices = prices or {}
        self.budget = budget  # seconds per article (transport retries stop past it)
        self.caller = ModelCaller(backend)
        # A fixed response model is hashed once; one built per article is forgotten
        # with its class.
        self._schema_hashes: weakref.WeakKeyDictionary[type[BaseModel], str] = (
            weakref.WeakKeyDictionary()
        )

    # -- pieces --------------------------------------------------------------------------

    def prepare(self, article: Article) -> PreparedArticle:
        return PreparedArticle(article, fuzzy_threshold=self.params.fuzzy_threshold)

    def schemas_sha256(self, response_models: Sequence[type[BaseModel]]) -> str:
        """One sha256 over every JSON Schema the strategy sends for an article."""
        digests = []
        for model in response_models:
            if (digest := self._schema_hashes.get(model)) is None:
                digest = self._schema_hashes[model] = _schema_sha256(model)
            digests.append(digest)
        if len(digests) == 1:
            return digests[0]
        return hashlib.sha256(" ".join(digests).encode()).hexdigest()

    def cache_key(self, prepared: PreparedArticle) -> CacheKey:
        schemas = self.strategy.response_models(prepared)
        return CacheKey(
            article_id=prepared.article.id,
            strategy=f"{self.strategy.name}/{self.strategy.version}",
            prompt_hash=self.strategy.prompt.sha256,
            response_schema_sha256=self.schemas_sha256(schemas),
            backend=self.backend.name,
            model=self.backend.model,
            mode=self.backend.mode,
            temperature=self.params.temperature,
            seed=self.params.seed,
            max_tokens=self.params.max_tokens,
            max_attempts=self.params.max_attempts,
            fuzzy_threshold=self.params.fuzzy_threshold,
            rules=RULES_VERSION,
        )

    def answer_key(
        self, messages: Sequence[Message], response_model: type[BaseModel], params: CallParams
    ) -> str:
        """The key of one question's answer: everything the request carries, no rules."""
        payload = {
            "backend": self.backend.name,
            "model": self.backend.model,
            "mode": self.backend.mode,
            "params": dataclasses.asdict(params),
            "messages": list(messages),
            "schema": self.schemas_sha256([response_model]),
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    @staticmethod
    def _skeleton(prepared: PreparedArticle) -> BriefContent | None:
        """The article's own headline and lead as a brief, or None (nothing readable)."""
        if not prepared.numbered:
            return None
        try:
            return extraction.skeleton(prepared)
        except ValidationError:
            return None

    # -- one article -----------------------------------------------------------------------

    async def brief(self, article: Article) -> BriefResult:
        started = time.perf_counter()
        result = BriefResult(article.source, article.stem, article.id, article=article)
        prepared = self.prepare(article)
        key = self.cache_key(prepared)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            result.brief, result.cached = hit, True
            result.seconds = time.perf_counter() - started
            return result

        usage = CallUsage()
        asked = [0]
        reused = [0]
        # Each article runs in its own task, so this deadline is its own.
        DEADLINE.set(time.monotonic() + self.budget if self.budget else None)

        async def ask(
            messages: Sequence[Message],
            response_model: type[M],
            *,
            max_tokens: int | None = None,
            follow_up: bool = False,
        ) -> M:
            # a follow-up about the model's own answer is not a question of its own:
            # its calls are re-asks (reasks = calls - questions asked of the model)
            question = 0 if follow_up else 1
            params = self.params
            if max_tokens is not None and max_tokens < params.max_tokens:
                params = dataclasses.replace(params, max_tokens=max_tokens)
            answer_key = self.answer_key(messages, response_model, params)
            if self.cache is not None and (raw := self.cache.get_answer(answer_key)):
                try:  # checked again: today's rules decide what the answer may say
                    answer = response_model.model_validate_json(raw, context=prepared.context)
                    reused[0] += question
                    asked[0] += question
                    return answer
                except ValidationError:
                    pass  # no longer passes: the model is asked again
            call = await self.caller.call(
                item_id=article.id,
                messages=messages,
                response_model=response_model,
                context=prepared.context,
                params=params,
            )
            usage.add(call.usage)
            asked[0] += question
            if call.error is not None:
                raise call.error
            if call.content is None:
                raise BackendError("the model call returned nothing")
            if self.cache is not None:
                self.cache.set_answer(answer_key, call.content.model_dump_json())
            return call.content

        content: BriefContent | None = None
        try:
            content = await self.strategy.run(prepared, ask)
        except ModelCallError as exc:
            result.failure = failure_of(exc)
        except ValidationError as exc:  # the strategy's own conversion failed its checks
            result.failure = failure_of(map_error(exc, max_tokens=self.params.max_tokens))
        result.usage = Usage(
            tokens_in=usage.tokens_in, tokens_out=usage.tokens_out, attempts=usage.calls
        )
        result.transport_retries = usage.transport_retries
        result.reasks = max(
            usage.calls - (asked[0] - reused[0]), 0
        )  # a strategy may ask several questions
        # A failure keeps the article's headline and lead, for the review queue.
        built_from = content if content is not None else self._skeleton(prepared)
        if built_from is not None:
            provenance = Provenance(
                article_id=article.id,
                source_file=article.source,
                outlet=article.outlet,
                published=article.published,
                model=self.backend.model,
                backend=self.backend.name,
                prompt_version=self.strategy.prompt.version,
                prompt_hash=self.strategy.prompt.sha256,
                strategy=key.strategy,
                response_schema_sha256=key.response_schema_sha256,
                rules_version=RULES_VERSION,
                answers_reused=reused[0],
                created_at=datetime.now(UTC).replace(microsecond=0),
                tokens_in=usage.tokens_in,
                tokens_out=usage.tokens_out,
                attempts=usage.calls,
            )
            built = EventBrief.model_validate(
                {
                    **built_from.model_dump(),
                    "gaps": [g.model_dump() for g in built_from._gaps],
                    "provenance": provenance.model_dump(),
                    # read now, from the parse the brief was made with: the digest then
                    # parses nothing
                    "reading": read_article(prepared).model_dump(),
                }
            )
            if content is None:
                result.fallback = built
            else:
                result.brief = built
                if self.cache is not None:
                    self.cache.set(key, built)
        result.seconds = time.perf_counter() - started
        return result

    # -- a batch ---------------------------------------------------------------------------

    async def brief_all(
        self,
        items: Sequence[Article | IngestFailure],
        *,
        concurrency: int = 1,
        on_result: Callable[[BriefResult], None] | None = None,
    ) -> list[BriefResult]:
        """Brief every article concurrently; results come back in input order."""
        semaphore = asyncio.Semaphore(max(concurrency, 1))

        async def one(item: Article | IngestFailure) -> BriefResult:
            if isinstance(item, IngestFailure):
                res = BriefResult(item.source, item.stem, None, failure=failure_of(item))
            else:
                async with semaphore:
                    res = await self.brief(item)
            if on_result is not None:
                on_result(res)
            return res

        return list(await asyncio.gather(*(one(item) for item in items)))

    def summarize(self, results: Sequence[BriefResult], seconds: float = 0.0) -> RunSummary:
        fresh = [r for r in results if not r.cached]
        cost = estimate_cost(
            self.prices,
            self.backend.model,
            self.backend.capabilities.priced,
            sum(r.usage.tokens_in for r in fresh),
            sum(r.usage.tokens_out for r in fresh),
        )
        return summarize(results, cost_usd=cost, seconds=seconds)
