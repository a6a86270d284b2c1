"""OpenAI itself, or any server speaking its API (Ollama, vLLM, llama.cpp) by base URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigurationError, ModelCallError
from .backend import Capabilities, Mode, retry_policy
from .client import PerLoop, make_openai_client
from .retry import RetryPolicy

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["OPENAI_DEFAULT_MODEL", "OpenAICompatibleBackend", "is_openai", "openai_backend"]

OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
# Context windows of hosted models we know; unknown models are not checked before sending
# (the endpoint's own error is reported instead).
KNOWN_CONTEXT = {"gpt-4o-mini": 128_000, "gpt-4o": 128_000, "gpt-4.1-mini": 1_000_000}


@dataclass
class OpenAICompatibleBackend:
    """OpenAI itself, or any server speaking its API (Ollama, vLLM, llama.cpp) by base URL."""

    model: str
    api_key: str
    base_url: str | None = None
    mode: Mode = "tools"
    context_window: int | None = None
    timeout: float = 600.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    name: str = "openai"
    capabilities: Capabilities = field(default_factory=Capabilities)
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

    async def count_tokens(self, text: str) -> int | None:
        """No tokenizer here for an endpoint's model (tiktoken would fetch its tables
        from the internet): the caller bounds the prompt by its characters."""
        return None

    def explain(self, error: ModelCallError) -> ModelCallError:
        return error

    def close(self) -> None:
        self._clients.clear()


def is_openai(base_url: str | None) -> bool:
    return base_url is None or "api.openai.com" in base_url


def openai_backend(settings: Settings) -> OpenAICompatibleBackend:
    """The endpoint ``settings`` describe; a ``ConfigurationError`` says what is missing."""
    base_url = settings.base_url
    key = settings.api_key.get_secret_value() if settings.api_key else None
    if is_openai(base_url) and not key:
        raise ConfigurationError(
            "OpenAI needs an API key: export OPENAI_API_KEY=sk-... (or SUMMARIZER_API_KEY), "
            "or set OPENAI_BASE_URL to a local OpenAI-compatible server."
        )
    model = settings.model
    if model is None:
        if not is_openai(base_url):
            raise ConfigurationError(
                f"which model should {base_url} run? Pass --model NAME or export "
                "SUMMARIZER_MODEL=NAME (e.g. qwen2.5:1.5b for Ollama)."
            )
        model = OPENAI_DEFAULT_MODEL
    # OpenAI: tool calling. Other servers differ (llama.cpp rejects json_schema, Ollama's
    # tool support depends on the model); plain JSON mode works on all.
    mode: Mode = settings.mode or ("tools" if is_openai(base_url) else "json")
    return OpenAICompatibleBackend(
        model=model,
        api_key=key or "not-needed",
        base_url=base_url,
        mode=mode,
        context_window=settings.context_window or KNOWN_CONTEXT.get(model),
        timeout=settings.timeout,
        policy=retry_policy(settings),
        name="openai" if is_openai(base_url) else "openai-compatible",
    )
