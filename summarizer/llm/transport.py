"""Transport retries: 429 (honouring Retry-After), 5xx, timeouts, dropped connections.

An httpx2 transport that wraps the real one and retries with tenacity: exponential
backoff with full jitter, bounded in attempts and in wait. It sits *below* instructor,
so a transport retry is never mistaken for a validation re-ask, and the openai client's
own retries are switched off (``max_retries=0``) so nothing retries twice.

It must never retry a request that got a 4xx other than 408/409/429: those are the
caller's mistake and repeating them only costs money.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import httpx2
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_random_exponential,
)

from .retry import RETRY_COUNTER, RetryPolicy

__all__ = ["RETRY_COUNTER", "RetryPolicy", "RetryTransport"]

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 520, 522, 524})
RETRYABLE_EXCEPTIONS = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after-ms")
    if value:
        try:
            return float(value) / 1000.0
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class RetryTransport(httpx2.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx2.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self.inner = inner or httpx2.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy()
        self._backoff = wait_random_exponential(
            multiplier=self.policy.base_wait, max=self.policy.max_wait
        )
        self._sleep = sleep

    def _wait(self, state: RetryCallState) -> float:
        backoff = float(self._backoff(state))
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            response = outcome.result()
            after = _retry_after(response)
            if after is not None:
                return min(max(after, backoff), self.policy.max_wait)
        return backoff

    async def _before_sleep(self, state: RetryCallState) -> None:
        counter = RETRY_COUNTER.get()
        if counter is not None:
            counter[0] += 1
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            await outcome.result().aclose()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        kwargs = {}
        if self._sleep is not None:
            kwargs["sleep"] = self._sleep
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            retry=(
                retry_if_exception_type(RETRYABLE_EXCEPTIONS)
                | retry_if_result(lambda r: r.status_code in RETRYABLE_STATUS)
            ),
            before_sleep=self._before_sleep,
            # Out of attempts: hand back the last response (openai turns it into an
            # APIStatusError carrying the body) or re-raise the last exception.
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            **kwargs,  # type: ignore[arg-type]
        )
        response: httpx2.Response = await retrying(self._send, request)
        return response

    async def _send(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        if response.status_code in RETRYABLE_STATUS:
            await response.aread()  # so the body survives for the final error message
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
