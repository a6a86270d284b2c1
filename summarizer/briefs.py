"""Turning articles into event briefs: prompt, schema, grounding, re-asks, usage, cache.

``Summarizer`` owns the strategy (prompt, response model, validation context, re-asks);
the backend owns the client. One article's outcome is a ``BriefResult`` holding either
an ``EventBrief`` or a ``BriefFailure`` with the validator messages: an article is never
dropped and one failure never stops the batch.

Token accounting uses instructor's hooks with a context variable per article, so every
attempt's tokens, failed re-asks included, are counted even when articles run
concurrently.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from .backends import Backend, PerLoop
from .cache import BriefCache, CacheKey
from .constrained import constrained_model, to_brief_content
from .errors import ContextWindowError, IngestError
from .grounding import GroundingSource
from .ingest import Article, content_passages, output_stem
from .pricing import estimate_cost
from .prompts import PromptTemplate
from .schema import BriefContent, EventBrief, FailedBrief, Provenance, Usage
from .transport import RETRY_COUNTER

__all__ = [
    "BriefFailure",
    "BriefResult",
    "GenerationParams",
    "RunSummary",
    "Summarizer",
]

FailureKind = Literal[
    "ingest", "validation", "incomplete_output", "context_window", "transport", "backend"
]
# Conservative characters-per-token for the pre-flight context check (English prose is
# ~4, JSON schema text ~3); overestimating only means a clear error a little early.
CHARS_PER_TOKEN = 3.0


@dataclass(frozen=True)
class GenerationParams:
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 1500
    max_attempts: int = 3
    fuzzy_threshold: float = 92.0


@dataclass(frozen=True)
class BriefFailure:
    kind: FailureKind
    message: str
    details: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.details:
            out["validator_messages"] = self.details
        return out


@dataclass
class BriefResult:
    source: str
    stem: str
    article_id: str | None
    brief: EventBrief | None = None
    failure: BriefFailure | None = None
    cached: bool = False
    usage: Usage = field(default_factory=Usage)
    transport_retries: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.brief is not None

    def to_json_dict(self) -> dict[str, Any]:
        if self.brief is not None:
            return self.brief.model_dump(mode="json")
        assert self.failure is not None
        return FailedBrief(
            article_id=self.article_id,
            source_file=self.source,
            error=self.failure.to_dict(),
            provenance={"usage": self.usage.model_dump()} if self.usage.model_calls else None,
        ).model_dump(mode="json")


@dataclass(frozen=True)
class RunSummary:
    articles: int
    briefs: int
    failures: int
    cache_hits: int
    model_calls: int
    reasks: int
    transport_retries: int
    tokens_in: int
    tokens_out: int
    cost_usd: float | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class _Tally:
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0


_TALLY: contextvars.ContextVar[_Tally | None] = contextvars.ContextVar("brief_tally", default=None)


def _on_response(response: Any, *args: Any, **kwargs: Any) -> None:
    tally = _TALLY.get()
    if tally is None:
        return
    tally.calls += 1
    usage = getattr(response, "usage", None)
    if usage is not None:
        tally.tokens_in += int(getattr(usage, "prompt_tokens", 0) or 0)
        tally.tokens_out += int(getattr(usage, "completion_tokens", 0) or 0)


def _validator_messages(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {"loc": ".".join(str(p) for p in err["loc"]) or "brief", "msg": err["msg"]}
        for err in exc.errors()
    ]


def _failure_from(exc: BaseException, max_tokens: int) -> BriefFailure:
    """Translate a third-party failure into a recorded ``BriefFailure``."""
    if isinstance(exc, InstructorRetryException):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ValidationError):
            return BriefFailure(
                "validation",
                f"the brief failed validation on all {exc.n_attempts} attempts",
                _validator_messages(cause),
            )
        if cause is not None and cause is not exc:
            return _failure_from(cause, max_tokens)
        return BriefFailure("backend", str(exc)[:500])
    if isinstance(exc, IncompleteOutputException):
        return BriefFailure(
            "incomplete_output",
            f"the model stopped at max_tokens={max_tokens} before finishing the brief "
            "(raise --max-tokens, or use a model that loops less)",
        )
    if isinstance(exc, ContextWindowError):
        return BriefFailure("context_window", str(exc))
    if isinstance(exc, openai.APIStatusError):
        body = exc.response.text[:500] if exc.response is not None else ""
        return BriefFailure(
            "transport", f"endpoint answered HTTP {exc.status_code} after retries: {body}"
        )
    if isinstance(exc, openai.APITimeoutError):
        return BriefFailure("transport", "endpoint timed out after retries")
    if isinstance(exc, openai.APIConnectionError):
        return BriefFailure("transport", f"could not reach the endpoint after retries: {exc}")
    if isinstance(exc, ValidationError):
        return BriefFailure("validation", "the brief failed validation", _validator_messages(exc))
    return BriefFailure("backend", f"{type(exc).__name__}: {exc}")


class Summarizer:
    """Briefs articles with one backend, one prompt and one set of generation parameters."""

    def __init__(
        self,
        backend: Backend,
        prompt: PromptTemplate,
        *,
        cache: BriefCache | None = None,
        params: GenerationParams | None = None,
        prices: dict[str, tuple[float, float]] | None = None,
        constrain: bool = False,
    ) -> None:
        self.backend = backend
        self.constrain = constrain
        self.prompt = prompt
        self.cache = cache
        self.params = params or GenerationParams()
        self.prices = prices or {}
        self._clients: PerLoop[instructor.AsyncInstructor] = PerLoop()

    # -- pieces --------------------------------------------------------------------------

    def cache_key(self, article: Article) -> CacheKey:
        return CacheKey(
            article_id=article.id,
            prompt_hash=self.prompt.sha256,
            backend=self.backend.name,
            model=self.backend.model,
            mode=self.backend.mode.value + ("+sentences" if self.constrain else ""),
            temperature=self.params.temperature,
            seed=self.params.seed,
            max_tokens=self.params.max_tokens,
            max_attempts=self.params.max_attempts,
            fuzzy_threshold=self.params.fuzzy_threshold,
        )

    def messages(self, article: Article) -> list[dict[str, str]]:
        body = "\n\n".join(text for _, text in content_passages(article))
        return self.prompt.render(
            article=body,
            published=article.published,
            outlet=article.outlet,
            title=article.title,
        )

    def grounding_source(self, article: Article) -> GroundingSource:
        return GroundingSource(
            article.text,
            content_passages(article),
            published=article.published,
            fuzzy_threshold=self.params.fuzzy_threshold,
        )

    def check_context(
        self,
        article: Article,
        messages: Sequence[dict[str, str]],
        response_model: type[BriefContent] = BriefContent,
    ) -> None:
        """Refuse, before sending, a prompt that cannot fit: never truncate silently."""
        window = self.backend.context_window
        if window is None:
            return
        schema_chars = len(json.dumps(response_model.model_json_schema()))
        chars = sum(len(m["content"]) for m in messages) + schema_chars
        needed = int(chars / CHARS_PER_TOKEN) + self.params.max_tokens
        if needed > window:
            raise ContextWindowError(article.id, needed, window)

    async def _instructor(self) -> instructor.AsyncInstructor:
        openai_client = await self.backend.client()  # itself one per event loop

        def make() -> instructor.AsyncInstructor:
            client = instructor.from_openai(openai_client, mode=self.backend.mode)
            client.on("completion:response", _on_response)
            return client

        return self._clients.get(make)

    # -- one article -----------------------------------------------------------------------

    async def brief(self, article: Article) -> BriefResult:
        started = time.perf_counter()
        result = BriefResult(article.source, article.stem, article.id)
        key = self.cache_key(article)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            result.brief, result.cached = hit, True
            result.seconds = time.perf_counter() - started
            return result

        tally = _Tally()
        retries = [0]
        tally_token = _TALLY.set(tally)
        retry_token = RETRY_COUNTER.set(retries)
        try:
            messages = self.messages(article)
            response_model = constrained_model(article) if self.constrain else BriefContent
            self.check_context(article, messages, response_model)
            client = await self._instructor()
            kwargs: dict[str, Any] = {
                "temperature": self.params.temperature,
                "max_tokens": self.params.max_tokens,
            }
            if self.params.seed is not None:
                kwargs["seed"] = self.params.seed
            context = {"source": self.grounding_source(article)}
            content = await client.create(
                model=self.backend.model,
                response_model=response_model,
                messages=messages,  # type: ignore[arg-type]
                context=context,
                max_retries=self.params.max_attempts - 1,
                **kwargs,
            )
            if self.constrain:
                content = to_brief_content(content, context)
        except (
            InstructorRetryException,
            IncompleteOutputException,
            ContextWindowError,
            openai.OpenAIError,
            ValidationError,
        ) as exc:
            result.failure = _failure_from(exc, self.params.max_tokens)
            server = getattr(self.backend, "server", None)
            if result.failure.kind == "transport" and server is not None and not server.running:
                result.failure = BriefFailure(
                    "backend",
                    f"the local llama.cpp server stopped ({result.failure.message}); "
                    f"see its log: {server.log_path}",
                )
        finally:
            _TALLY.reset(tally_token)
            RETRY_COUNTER.reset(retry_token)

        result.usage = Usage(
            tokens_in=tally.tokens_in,
            tokens_out=tally.tokens_out,
            attempts=tally.calls,
        )
        result.transport_retries = retries[0]
        if result.failure is None:
            provenance = Provenance(
                article_id=article.id,
                source_file=article.source,
                outlet=article.outlet,
                published=article.published,
                model=self.backend.model,
                backend=self.backend.name,
                prompt_version=self.prompt.version,
                prompt_hash=self.prompt.sha256,
                created_at=datetime.now(UTC).replace(microsecond=0),
                tokens_in=tally.tokens_in,
                tokens_out=tally.tokens_out,
                attempts=tally.calls,
            )
            result.brief = EventBrief.model_validate(
                {**content.model_dump(), "provenance": provenance.model_dump()}
            )
            if self.cache is not None:
                self.cache.set(key, result.brief)
        result.seconds = time.perf_counter() - started
        return result

    # -- a batch ---------------------------------------------------------------------------

    async def brief_all(
        self,
        items: Sequence[Article | IngestError],
        *,
        concurrency: int = 1,
        on_result: Callable[[BriefResult], None] | None = None,
    ) -> list[BriefResult]:
        """Brief every article concurrently; results come back in input order."""
        semaphore = asyncio.Semaphore(max(concurrency, 1))

        async def one(item: Article | IngestError) -> BriefResult:
            if isinstance(item, IngestError):
                res = BriefResult(
                    item.path,
                    output_stem(item.path),
                    None,
                    failure=BriefFailure("ingest", str(item)),
                )
            else:
                async with semaphore:
                    res = await self.brief(item)
            if on_result is not None:
                on_result(res)
            return res

        return list(await asyncio.gather(*(one(item) for item in items)))

    def summarize(self, results: Sequence[BriefResult], seconds: float = 0.0) -> RunSummary:
        fresh = [r for r in results if not r.cached]
        tokens_in = sum(r.usage.tokens_in for r in fresh)
        tokens_out = sum(r.usage.tokens_out for r in fresh)
        calls = sum(r.usage.model_calls for r in fresh)
        return RunSummary(
            articles=len(results),
            briefs=sum(1 for r in results if r.ok),
            failures=sum(1 for r in results if not r.ok),
            cache_hits=sum(1 for r in results if r.cached),
            model_calls=calls,
            reasks=sum(max(r.usage.model_calls - 1, 0) for r in fresh),
            transport_retries=sum(r.transport_retries for r in fresh),
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=estimate_cost(
                self.prices, self.backend.model, self.backend.name, tokens_in, tokens_out
            ),
            seconds=seconds,
        )
