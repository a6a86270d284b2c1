"""Tools for testing code that uses summarizer, shipped with it (as httpx ships
``MockTransport``): a real OpenAI-compatible HTTP server on loopback that answers with
briefs built from each request's own article and injects faults on demand."""

from .fake_openai import FAULTS, FakeOpenAI, Faults, brief_answer

__all__ = ["FAULTS", "FakeOpenAI", "Faults", "brief_answer"]
