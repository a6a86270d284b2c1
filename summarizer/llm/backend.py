"""The backend seam: what a backend is and what it can do.

A backend owns the client, the credentials and the endpoint: it hands out an
``AsyncOpenAI`` client, the model name, the request mode that works for it, and its
``Capabilities``. Everything above this seam (the model call, the brief strategies, the
digest) asks a backend what it *can do*, never what it *is*: no module outside
``llm/`` tests a backend's name or reaches for its internals.

Adding a backend means one class that satisfies ``Backend`` (see ``openai_backend`` and
``local.backend``) and a line in ``registry``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from ..config import Settings
from .retry import RetryPolicy

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from ..errors import ModelCallError

__all__ = ["Backend", "Capabilities", "Mode", "retry_policy"]

# How structured output is requested (instructor's modes, by our own names so that
# nothing has to import instructor just to describe a backend).
Mode = Literal["tools", "json", "md_json"]


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, for the layers above it to choose by."""

    # Enums and patterns in the response schema are compiled into a grammar, so the
    # model can only choose among given values (llama.cpp); strategies that hand the
    # model a list of article sentences to choose from need this.
    grammar_choices: bool = False
    # Requests worth having in flight at once (a 2-core llama.cpp server decodes one
    # request at a time; more only queue).
    concurrency: int = 4
    # Whether tokens cost money; a backend that does not is reported as $0 even for a
    # model missing from the price table.
    priced: bool = True
    # Whether it may offer the Batch API (files and batches endpoints): an endpoint may,
    # the embedded server answers live only.
    batch_api: bool = True
    # Whether the response schema takes room in the prompt: a hosted model counts tool
    # definitions as prompt tokens, and instructor writes the schema into the messages in
    # JSON modes; llama.cpp compiles a named tool's schema into its grammar instead
    # (measured: the same prompt tokens with and without the tool).
    schema_in_prompt: bool = True


class Backend(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def mode(self) -> Mode: ...

    @property
    def context_window(self) -> int | None:
        """Tokens the model can attend to; None when unknown (then not checked)."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    async def client(self) -> AsyncOpenAI:
        """An ``AsyncOpenAI`` client for this backend, starting anything it needs."""
        ...

    async def count_tokens(self, text: str) -> int | None:
        """``text``'s tokens by the model's own tokenizer, or None when none is at hand
        (then the prompt is bounded by its characters)."""
        ...

    def explain(self, error: ModelCallError) -> ModelCallError:
        """``error`` as this backend can best explain it (e.g. a dead local server with
        its log path instead of a bare connection error); ``error`` itself otherwise."""
        ...

    def close(self) -> None:
        """Release what ``client`` started. Safe to call twice."""
        ...


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(attempts=settings.transport_retries + 1, max_wait=settings.retry_max_wait)
