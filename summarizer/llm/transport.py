"""Transport retries: 429 (honouring Retry-After), 5xx, timeouts, dropped connections,
and a 2xx whose body is not JSON (a proxy's error page).

An httpx2 transport that wraps the real one and retries with tenacity: exponential
backoff with full jitter, bounded in attempts, in each wait, and by the article's time
budget (``retry.DEADLINE``): no retry starts, and no Retry-After is waited out, past it.
It sits *below* instructor, so a transport retry is never mistaken for a validation re-
ask, and the openai client's own retries are switched off (``max_retries=0``) so nothing
retries twice.

It must never retry a request that got a 4xx other than 408/409/429: those are the
caller's mistake and repeating them only costs money.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable

import httpx2
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_result,
    wait_random_exponential,
)

from ..errors import TransportError
from .retry import DEADLINE, RETRY_COUNTER, RetryPolicy

__all__ = ["RETRY_COUNTER", "RetryPolicy", "RetryTransport"]

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 520, 522, 524})


class NotJSONResponse(TransportError):
    """The endpoint answered 2xx with a body that is not JSON (a proxy's error page)."""


class OverBudget(TransportError):
    """The article's time budget ran out before the endpoint answered usefully."""


RETRYABLE_EXCEPTIONS = (
    httpx2.TimeoutException,
    httpx2.NetworkError,
    httpx2.RemoteProtocolError,
    NotJSONResponse,
)


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


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


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

    def _stop(self, state: RetryCallState) -> bool:
        """Out of attempts, or the next try would start after the article's deadline."""
        if state.attempt_number >= self.policy.attempts:
            return True
        deadline = DEADLINE.get()
        if deadline is None:
            return False
        return time.monotonic() + self._wait(state) >= deadline

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
            stop=self._stop,
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
        deadline = DEADLINE.get()
        if deadline is not None and time.monotonic() >= deadline:
            raise OverBudget("the article's time budget ran out before an answer came")
        response = await self.inner.handle_async_request(request)
        # Read here, inside the retries: a connection dropped halfway through the body
        # is then retried like one dropped before it, and the body survives for the
        # final error message. (Nothing here streams.)
        await response.aread()
        # A file's content (a batch's output, JSON Lines) is the one body that is not JSON.
        is_file = request.url.path.endswith("/content")
        if response.is_success and not is_file and not _is_json(response.content):
            await response.aclose()
            raise NotJSONResponse(
                f"the endpoint answered HTTP {response.status_code} with a body that is not "
                f"JSON ({response.headers.get('content-type', 'no content type')}): "
                f"{response.text[:120]!r}"
            )
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
