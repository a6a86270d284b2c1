"""HTTP for feeds and pages: ``httpx`` with the manners a crawler owes a site.

One ``Fetcher`` per run. Every request carries the configured User-Agent, has a
timeout, follows at most ``max_redirects`` redirects, and is read as a stream so a page
larger than ``max_bytes`` (decoded, so a gzip bomb counts at its real size) is refused
without being held. At most ``per_host`` requests are in flight per host. ``robots.txt``
is read once per host and obeyed (RFC 9309: a 4xx robots.txt allows everything; one
that cannot be read forbids the host for this run). A 429, a 5xx, a timeout or a dropped
connection is asked again with exponential backoff, waiting what ``Retry-After`` says
when it says it (capped); anything else fails at once. Conditional GET: given the
previous ``ETag`` / ``Last-Modified``, an unchanged resource comes back as a 304 with no
body. Failures are ``FetchError`` naming the URL.
"""

from __future__ import annotations

import asyncio
import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from types import TracebackType
from urllib.parse import urldefrag, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from ..errors import FetchError

__all__ = ["DEFAULT_USER_AGENT", "FetchPolicy", "Fetched", "Fetcher", "normalize_url"]

DEFAULT_USER_AGENT = f"summarizer/{version('summarizer')} (newsroom feed reader; python-httpx)"


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently to fetch."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0
    attempts: int = 3
    max_retry_wait: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 5 * 1024 * 1024
    per_host: int = 2
    respect_robots: bool = True


@dataclass(frozen=True)
class Fetched:
    """One answer: 200 with its body, or 304 (unchanged) with none."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def normalize_url(url: str) -> str:
    """The URL an entry is known by: without its fragment, scheme and host lower-cased."""
    url = urldefrag(url.strip())[0]
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


class _Transient(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """Fetches feeds and pages under one ``FetchPolicy``; use as an async context."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._client = httpx.AsyncClient(
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=True,
            max_redirects=self.policy.max_redirects,
            transport=transport,
        )
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, RobotFileParser | str] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}  # one per host: read once each

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.aclose()

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.policy.per_host)
        return self._hosts[host]

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url`` (conditionally when given a validator); ``FetchError`` on failure."""
        if urlsplit(url).scheme not in {"http", "https"}:
            raise FetchError(url, "not an http(s) URL", permanent=True)
        if self.policy.respect_robots:
            await self._check_robots(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = self.policy.attempts
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(attempts),
                wait=self._wait,
                retry=retry_if_exception_type(_Transient),
                reraise=True,
            ):
                with attempt:
                    async with self._host_limit(url):
                        return await self._once(url, headers)
        except _Transient as exc:
            raise FetchError(url, f"{exc.reason} (after {attempts} attempts)") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        cap = self.policy.max_retry_wait
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, cap)
        return float(wait_exponential_jitter(multiplier=0.5, max=cap)(state))

    async def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 304:
                    return Fetched(url, str(response.url), 304, dict(response.headers))
                if status == 429 or status >= 500:
                    raise _Transient(
                        f"HTTP {status} {response.reason_phrase}",
                        _retry_after(response.headers.get("retry-after")),
                    )
                if status >= 400:
                    raise FetchError(url, f"HTTP {status} {response.reason_phrase}", permanent=True)
                body = await self._read_limited(url, response)
                return Fetched(url, str(response.url), status, dict(response.headers), body)
        except httpx.TooManyRedirects as exc:
            raise FetchError(
                url, f"more than {self.policy.max_redirects} redirects (a loop?)", permanent=True
            ) from exc
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out after {self.policy.timeout:g} s") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"connection failed: {exc.__class__.__name__}") from exc
        except httpx.DecodingError as exc:
            raise FetchError(url, f"the response could not be decoded: {exc}") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL: {exc}", permanent=True) from exc

    async def _read_limited(self, url: str, response: httpx.Response) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        too_big = FetchError(url, f"larger than the {limit:,}-byte limit", permanent=True)
        if declared.isdigit() and int(declared) > limit:
            raise too_big
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    async def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                self._robots[origin] = await self._read_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, str):
            raise FetchError(url, rules)
        if not rules.can_fetch(self.policy.user_agent, url):
            raise FetchError(url, "robots.txt forbids this path", permanent=True)

    async def _read_robots(self, origin: str) -> RobotFileParser | str:
        rules = RobotFileParser(f"{origin}/robots.txt")
        try:
            async with self._host_limit(origin):
                response = await self._client.get(f"{origin}/robots.txt")
        except httpx.HTTPError as exc:
            return f"robots.txt could not be read ({exc.__class__.__name__}); not fetched"
        if response.status_code >= 500:
            return f"robots.txt answered HTTP {response.status_code}; not fetched"
        # parse() also marks the rules read (can_fetch() answers False until then); no
        # rules, as for a 4xx robots.txt, allow everything
        rules.parse(response.text.splitlines() if response.status_code < 400 else [])
        return rules
