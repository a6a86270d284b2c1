"""Tools for testing code that uses summarizer, shipped with it (as httpx ships
``MockTransport``): a real OpenAI-compatible HTTP server on loopback that answers with
briefs built from each request's own article and injects faults on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .fake_openai import FAULTS, FakeOpenAI, Faults, brief_answer

__all__ = ["FAULTS", "FakeOpenAI", "Faults", "brief_answer"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so ``python -m summarizer.testing.fake_openai`` runs the
    # module once (importing it here first would make runpy warn).
    if name in __all__:
        from . import fake_openai

        return getattr(fake_openai, name)
    raise AttributeError(name)
