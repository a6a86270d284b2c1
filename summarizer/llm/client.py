"""OpenAI-compatible HTTP clients: one per event loop, retrying below the client.

A client's connection pool belongs to the event loop that made it, so one reused under
a second ``asyncio.run`` fails with "Connection error" (seen when briefing articles one
``asyncio.run`` at a time); ``PerLoop`` keeps one per loop. ``make_openai_client`` wires
the retrying transport in and switches the openai client's own retries off, so nothing
retries twice.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from .retry import RetryPolicy

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["PerLoop", "make_openai_client"]

T = TypeVar("T")


class PerLoop(Generic[T]):
    """One object per running event loop, made on first use in that loop."""

    def __init__(self) -> None:
        self._items: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, make: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        if (item := self._items.get(loop)) is None:
            item = self._items[loop] = make()
        return item

    def clear(self) -> None:
        self._items.clear()


def make_openai_client(
    *, base_url: str | None, api_key: str, timeout: float, policy: RetryPolicy
) -> AsyncOpenAI:
    """An AsyncOpenAI whose transport retries (see ``transport``) and which never retries itself."""
    import httpx2
    from openai import AsyncOpenAI

    from .transport import RetryTransport

    http = httpx2.AsyncClient(transport=RetryTransport(policy=policy), timeout=timeout)
    return AsyncOpenAI(
        base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout, http_client=http
    )
