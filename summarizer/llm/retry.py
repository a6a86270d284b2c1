"""How transport retries are bounded and counted; no HTTP library needed to say so.

``transport.RetryTransport`` does the retrying; this module only describes it, so that
backends can be configured (and a cached run can finish) without importing httpx.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

__all__ = ["DEADLINE", "RETRY_COUNTER", "RetryPolicy"]

# Counts transport retries for whoever is listening in the current asyncio task; the
# summariser sets a fresh list per article so concurrent articles do not mix.
RETRY_COUNTER: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "summarizer_retry_counter", default=None
)


# The monotonic time by which the current article must be done (its time budget): no
# transport retry starts, and no Retry-After is waited out, past it.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "summarizer_deadline", default=None
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # total tries of one HTTP request, the first included
    base_wait: float = 0.5
    max_wait: float = 60.0
