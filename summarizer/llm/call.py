"""The one model call: messages and a response model in, validated content and usage out.

``ModelCaller.call`` sends chat messages to a backend through ``instructor``, validates
the answer against a Pydantic response model with a validation context, re-asks with
the validator's messages up to ``max_attempts`` calls, and returns a ``CallResult``:
the content, or exactly one typed ``ModelCallError`` — never a third-party exception.
Every strategy that asks a model anything (the brief, the digest's paragraph) uses it.

Usage is tallied per call, concurrent calls apart: tokens of every attempt, failed
re-asks included (instructor's ``completion:response`` hook and a context variable),
and transport retries (``transport.RETRY_COUNTER``), which are never counted as re-asks.

The prompt is checked against the model's context window before sending, counted by the
model's own tokenizer where the backend has one (the embedded llama.cpp server's), else
bounded by its characters (``CHARS_PER_TOKEN``, under the fewest characters per token
measured on real news: ``benchmarks/tokens.py``); the schema is counted only where the
backend puts it in the prompt. An article that does not fit gets ``ContextWindowError``
(the free-text strategy then reads it in parts), never a silent truncation.

This is the only module that imports ``instructor`` or maps ``openai``'s errors.
"""

from __future__ import annotations

import contextvars
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import (
    BackendError,
    ContextWindowError,
    IncompleteOutputError,
    ModelCallError,
    OutputValidationError,
    TransportError,
)
from .backend import Backend, Mode
from .client import PerLoop
from .retry import RETRY_COUNTER

if TYPE_CHECKING:
    import instructor

__all__ = [
    "CHARS_PER_TOKEN",
    "CallParams",
    "CallResult",
    "CallUsage",
    "Message",
    "ModelCaller",
    "map_error",
    "response_schema",
]

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]

# Characters per token bounding a prompt when no tokenizer is at hand: real news measured
# 3.87 at the fewest (4.53 median) by the bundled models' tokenizer over 122 articles
# (``benchmarks/tokens.py``); JSON Schema text 3.57. A bound under both never counts a
# prompt short; overestimating only means reading an article in parts a little early.
CHARS_PER_TOKEN = 3.5
SCHEMA_CHARS_PER_TOKEN = 3.0
# The chat template's tokens around each message (measured: 13 for a system and a user
# message with Qwen 2.5's template).
TEMPLATE_TOKENS_PER_MESSAGE = 8


@dataclass(frozen=True)
class CallParams:
    """Generation parameters of one call; every one of them shapes the output."""

    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 1500
    max_attempts: int = 3


@dataclass
class CallUsage:
    """What one call cost: tokens of every attempt, attempts, transport retries."""

    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0
    transport_retries: int = 0

    @property
    def reasks(self) -> int:
        return max(self.calls - 1, 0)

    def add(self, other: CallUsage) -> None:
        """Add another call's usage to this one (a strategy that asks several questions)."""
        self.tokens_in += other.tokens_in
        self.tokens_out += other.tokens_out
        self.calls += other.calls
        self.transport_retries += other.transport_retries


@dataclass
class CallResult(Generic[T]):
    """The validated content, or the one error that ended the call; usage either way."""

    content: T | None
    usage: CallUsage = field(default_factory=CallUsage)
    error: ModelCallError | None = None


_USAGE: contextvars.ContextVar[CallUsage | None] = contextvars.ContextVar(
    "summarizer_call_usage", default=None
)


def _on_response(response: Any, *args: Any, **kwargs: Any) -> None:
    usage = _USAGE.get()
    if usage is None:
        return
    usage.calls += 1
    counted = getattr(response, "usage", None)
    if counted is not None:
        usage.tokens_in += int(getattr(counted, "prompt_tokens", 0) or 0)
        usage.tokens_out += int(getattr(counted, "completion_tokens", 0) or 0)


def response_schema(response_model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema instructor sends for ``response_model`` (tool parameters)."""
    return response_model.model_json_schema()


class _ValidationContext(dict[str, Any]):
    """The validators' context, falsy on purpose.

    instructor renders every message as a Jinja template whenever its ``context`` is
    truthy (its own prompt templating): a sandbox built and each message compiled on
    every call (measured ~11 ms of an article's overhead), and article text is not a
    template ("{{ x }}" in a story must reach the model as written). It passes the
    context on to validation whenever it ``is not None``, so a falsy one keeps the
    validators' view of the article and skips the templating. Should instructor ever
    drop a falsy context, the grounding checks would stop: the fault tests'
    invented-quote case fails then."""

    def __bool__(self) -> bool:
        return False


def _validator_messages(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {"loc": ".".join(str(p) for p in err["loc"]) or "output", "msg": err["msg"]}
        for err in exc.errors()
    ]


def _completion_tokens(completion: Any) -> int | None:
    usage = getattr(completion, "usage", None)
    tokens = getattr(usage, "completion_tokens", None)
    return int(tokens) if isinstance(tokens, int) else None


def map_error(exc: BaseException, *, max_tokens: int) -> ModelCallError:
    """Translate a third-party failure into the project's error tree (httpx style)."""
    import openai
    from instructor.core import IncompleteOutputException, InstructorRetryException

    if isinstance(exc, ModelCallError):
        return exc
    if isinstance(exc, InstructorRetryException):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ValidationError):
            return OutputValidationError(
                f"the output failed validation on all {exc.n_attempts} attempts",
                details=_validator_messages(cause),
            )
        if cause is not None and cause is not exc:
            return map_error(cause, max_tokens=max_tokens)
        return BackendError(str(exc)[:500])
    if isinstance(exc, IncompleteOutputException):
        got = _completion_tokens(getattr(exc, "last_completion", None))
        came_back = f"after {got} output token(s)" if got is not None else "early"
        hint = (
            " (raise --max-tokens, or use a model that loops less)"
            if got is None or got >= max_tokens
            else "; the endpoint stopped it below max_tokens, so its own limit applies"
        )
        return IncompleteOutputError(
            f"the answer was cut off {came_back} (finish_reason 'length'; "
            f"max_tokens was {max_tokens}){hint}"
        )
    if isinstance(exc, openai.APIStatusError):
        body = exc.response.text[:500] if exc.response is not None else ""
        return TransportError(
            f"endpoint answered HTTP {exc.status_code} after retries: {body}",
            status_code=exc.status_code,
            body=body,
        )
    if isinstance(exc, openai.APIConnectionError) and isinstance(exc.__cause__, ModelCallError):
        return exc.__cause__  # the transport's own account (a body that is not JSON ...)
    if isinstance(exc, openai.APITimeoutError):
        return TransportError("endpoint timed out after retries")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        why = f"{exc} ({cause})" if cause is not None and str(cause) else str(exc)
        return TransportError(f"could not reach the endpoint after retries: {why}")
    if isinstance(exc, ValidationError):
        return OutputValidationError(
            "the output failed validation", details=_validator_messages(exc)
        )
    return BackendError(f"{type(exc).__name__}: {exc}")


def _third_party_errors() -> tuple[type[BaseException], ...]:
    """What a model call may raise besides our own errors (anything else is a bug)."""
    import openai
    from instructor.core import IncompleteOutputException, InstructorRetryException

    return (
        InstructorRetryException,
        IncompleteOutputException,
        openai.OpenAIError,
        ValidationError,
    )


_CHECKED: set[type] = set()


def _install_async_validator_memo() -> None:
    """Remember instructor's async-validator check per class.

    instructor walks the whole response model (every class of it, every member of
    every base) twice per call to refuse async validators: ~7 ms of an article's
    ~17 ms overhead, measured. A class's validators do not change after it is made,
    so a class that passed once passes again; one that fails still raises every time
    (``tests/test_llm_call.py`` keeps that so). Installed once, here, the only module
    that imports instructor."""
    from instructor.v2.validation import async_validators

    original = async_validators.reject_async_validators
    if getattr(original, "_summarizer_memo", False):
        return

    def reject_async_validators(response_model: Any) -> None:
        if isinstance(response_model, type) and response_model in _CHECKED:
            return
        original(response_model)
        if isinstance(response_model, type):
            _CHECKED.add(response_model)

    reject_async_validators._summarizer_memo = True  # type: ignore[attr-defined]
    async_validators.reject_async_validators = reject_async_validators


@lru_cache(maxsize=1024)
def _wrapped(response_model: type[BaseModel]) -> type[BaseModel]:
    """``response_model`` as instructor's ``ResponseSchema`` subclass, made once.

    Given a plain model, instructor builds a new subclass on every call, so nothing
    about it can be cached (its JSON Schema was generated afresh each time: ~40 ms of
    an article's overhead, measured with ``benchmarks/load.py``)."""
    import instructor

    _install_async_validator_memo()
    wrapped: type[BaseModel] = instructor.openai_schema(response_model)
    return wrapped


def _instructor_mode(mode: Mode) -> instructor.Mode:
    import instructor

    return {
        "tools": instructor.Mode.TOOLS,
        "json": instructor.Mode.JSON,
        "md_json": instructor.Mode.MD_JSON,
    }[mode]


class ModelCaller:
    """Calls one backend's model with validation and re-asks; see the module docstring."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._clients: PerLoop[instructor.AsyncInstructor] = PerLoop()

    async def prompt_tokens(self, messages: Sequence[Message], schema: dict[str, Any]) -> int:
        """The prompt's tokens: counted by the model's tokenizer if the backend has one,
        else bounded by characters; the schema's only where it takes prompt room."""
        text = "\n".join(m["content"] for m in messages)
        counted = await self.backend.count_tokens(text)
        tokens = counted if counted is not None else math.ceil(len(text) / CHARS_PER_TOKEN)
        tokens += TEMPLATE_TOKENS_PER_MESSAGE * len(messages)
        if self.backend.capabilities.schema_in_prompt:
            tokens += math.ceil(len(json.dumps(schema)) / SCHEMA_CHARS_PER_TOKEN)
        return tokens

    async def check_context(
        self,
        item_id: str,
        messages: Sequence[Message],
        schema: dict[str, Any],
        max_tokens: int,
    ) -> None:
        """Refuse, before sending, a prompt that cannot fit: never truncate silently."""
        window = self.backend.context_window
        if window is None:
            return
        needed = await self.prompt_tokens(messages, schema) + max_tokens
        if needed > window:
            raise ContextWindowError(item_id, needed, window)

    async def _instructor(self) -> instructor.AsyncInstructor:
        import instructor

        openai_client = await self.backend.client()  # itself one per event loop

        def make() -> instructor.AsyncInstructor:
            client = instructor.from_openai(openai_client, mode=_instructor_mode(self.backend.mode))
            client.on("completion:response", _on_response)
            return client

        return self._clients.get(make)

    async def call(
        self,
        *,
        item_id: str,
        messages: Sequence[Message],
        response_model: type[T],
        context: dict[str, Any],
        params: CallParams,
    ) -> CallResult[T]:
        """One validated answer, or the typed error that ended the attempts."""
        usage = CallUsage()
        retries = [0]
        usage_token = _USAGE.set(usage)
        retry_token = RETRY_COUNTER.set(retries)
        result: CallResult[T] = CallResult(None, usage)
        try:
            await self.check_context(
                item_id, messages, response_schema(response_model), params.max_tokens
            )
            client = await self._instructor()
            kwargs: dict[str, Any] = {
                "temperature": params.temperature,
                "max_tokens": params.max_tokens,
            }
            if params.seed is not None:
                kwargs["seed"] = params.seed
            result.content = await client.create(
                model=self.backend.model,
                response_model=_wrapped(response_model),  # type: ignore[arg-type]
                messages=list(messages),  # type: ignore[arg-type]
                context=_ValidationContext(context),
                max_retries=params.max_attempts - 1,
                **kwargs,
            )
        except ModelCallError as exc:
            result.error = self.backend.explain(exc)
        except _third_party_errors() as exc:  # mapped once, here, into the project's tree
            result.error = self.backend.explain(map_error(exc, max_tokens=params.max_tokens))
        finally:
            _USAGE.reset(usage_token)
            RETRY_COUNTER.reset(retry_token)
        usage.transport_retries = retries[0]
        return result
