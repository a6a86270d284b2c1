"""HTTP for feeds and pages: ``httpx`` with the manners a crawler owes a site.

One ``Fetcher`` per run. Every request carries the configured User-Agent and goes
only where ``guard`` lets it (no internal address unless listed; http and https only),
on the first hop and on each redirect, which are followed here, at most
``max_redirects``, each checked against ``robots.txt`` too. Each exchange has one
deadline, ``timeout``, covering connect, every read and the whole body (a page that
trickles a byte at a time is stopped at it). A body is read as a stream so a page larger
than ``max_bytes`` (decoded, so a gzip bomb counts at its real size) is refused without
being held. At most ``per_host`` requests are in flight per host. ``robots.txt`` is read
once per host, at most ``ROBOTS_MAX_BYTES`` of it (RFC 9309 section 2.5), and obeyed
(a 4xx robots.txt allows everything; one that cannot be read forbids the host for this
run). A 429, a 5xx, a timeout or a dropped
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
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from ..errors import FetchError
from .guard import AllowList, Blocked, GuardedTransport

__all__ = [
    "DEFAULT_USER_AGENT",
    "ROBOTS_MAX_BYTES",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "normalize_url",
]

DEFAULT_USER_AGENT = f"summarizer/{version('summarizer')} (newsroom feed reader; python-httpx)"
# RFC 9309 2.5: a crawler must read at least 500 KiB of robots.txt and may stop there
ROBOTS_MAX_BYTES = 500 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})


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
    # entries taken from one feed per run; the rest wait for the next run
    max_entries: int = 200
    # internal hosts, addresses and networks the fetcher may reach (default: none; the
    # environment's SUMMARIZER_FETCH_ALLOW when not given)
    allow: AllowList = field(default_factory=AllowList.from_environment)


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


@dataclass(frozen=True)
class _Unreadable:
    """Why a host's robots.txt gave no rules: its pages are not fetched this run."""

    reason: str
    permanent: bool = False


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
    """Fetches feeds and pages under one ``FetchPolicy``; use as an async context.

    ``transport`` replaces the network (tests); the guard wraps it all the same."""

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
            follow_redirects=False,  # followed in _chain, each hop checked
            transport=GuardedTransport(transport or httpx.AsyncHTTPTransport(), self.policy.allow),
        )
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, RobotFileParser | _Unreadable] = {}
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
                    return await self._chain(url, headers)
        except _Transient as exc:
            raise FetchError(url, f"{exc.reason} (after {attempts} attempts)") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        cap = self.policy.max_retry_wait
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, cap)
        return float(wait_exponential_jitter(multiplier=0.5, max=cap)(state))

    async def _chain(self, url: str, headers: dict[str, str]) -> Fetched:
        """The first request and each redirect hop, every hop checked before it is asked."""
        current = url
        for _ in range(self.policy.max_redirects + 1):
            if urlsplit(current).scheme not in {"http", "https"}:
                where = "" if current == url else f" (redirected to {current})"
                raise FetchError(url, f"not an http(s) URL{where}", permanent=True)
            if self.policy.respect_robots:
                await self._check_robots(url, current)
            async with self._host_limit(current):
                hop = await self._once(url, current, headers)
            if isinstance(hop, Fetched):
                return hop
            current = hop
        raise FetchError(
            url, f"more than {self.policy.max_redirects} redirects (a loop?)", permanent=True
        )

    async def _once(self, url: str, current: str, headers: dict[str, str]) -> Fetched | str:
        """One exchange under one deadline: the answer, or the URL a redirect points to."""
        deadline = self.policy.timeout
        try:
            async with (
                asyncio.timeout(deadline),
                self._client.stream("GET", current, headers=headers) as response,
            ):
                status = response.status_code
                location = response.headers.get("location")
                if status in REDIRECTS and location:
                    return normalize_url(urljoin(current, location.strip()))
                if status == 304:
                    return Fetched(url, current, 304, dict(response.headers))
                if status == 429 or status >= 500:
                    raise _Transient(
                        f"HTTP {status} {response.reason_phrase}",
                        _retry_after(response.headers.get("retry-after")),
                    )
                if status >= 400:
                    raise FetchError(url, f"HTTP {status} {response.reason_phrase}", permanent=True)
                body = await self._read_limited(url, response)
                return Fetched(url, current, status, dict(response.headers), body)
        except TimeoutError as exc:
            raise _Transient(
                f"timed out: no complete answer within the {deadline:g} s deadline"
            ) from exc
        except Blocked as exc:
            raise FetchError(url, f"refused: {exc}", permanent=True) from exc
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out after {deadline:g} s") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"connection failed: {exc.__class__.__name__}") from exc
        except httpx.DecodingError as exc:
            raise FetchError(url, f"the response could not be decoded: {exc}") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            raise FetchError(url, f"invalid URL {current}: {exc}", permanent=True) from exc

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

    async def _check_robots(self, url: str, current: str) -> None:
        parts = urlsplit(current)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                self._robots[origin] = await self._read_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, _Unreadable):
            raise FetchError(url, rules.reason, permanent=rules.permanent)
        if not rules.can_fetch(self.policy.user_agent, current):
            where = "this path" if current == url else f"the redirect to {current}"
            raise FetchError(url, f"robots.txt forbids {where}", permanent=True)

    async def _read_robots(self, origin: str) -> RobotFileParser | _Unreadable:
        """The host's rules from at most ``ROBOTS_MAX_BYTES`` of its robots.txt, following
        up to five redirects (RFC 9309 2.3.1.2), each through the guard, each hop under
        its own deadline."""
        rules = RobotFileParser(f"{origin}/robots.txt")
        current = f"{origin}/robots.txt"
        for _ in range(6):
            try:
                async with (
                    self._host_limit(current),
                    asyncio.timeout(self.policy.timeout),
                    self._client.stream("GET", current) as response,
                ):
                    status = response.status_code
                    location = response.headers.get("location")
                    if status in REDIRECTS and location:
                        current = urljoin(current, location.strip())
                        continue
                    if status >= 500:
                        return _Unreadable(f"robots.txt answered HTTP {status}; not fetched")
                    body = await self._read_prefix(response, ROBOTS_MAX_BYTES)
            except Blocked as exc:
                return _Unreadable(f"refused: {exc}", permanent=True)
            except (httpx.HTTPError, TimeoutError) as exc:
                name = exc.__class__.__name__
                return _Unreadable(f"robots.txt could not be read ({name}); not fetched")
            text = body.decode(response.encoding or "utf-8", errors="replace")
            # parse() also marks the rules read (can_fetch() answers False until then); no
            # rules, as for a 4xx robots.txt, allow everything
            rules.parse(text.splitlines() if status < 400 else [])
            return rules
        rules.parse([])  # RFC 9309: more redirects than that is as if unavailable (4xx)
        return rules

    @staticmethod
    async def _read_prefix(response: httpx.Response, limit: int) -> bytes:
        """At most ``limit`` decoded bytes; the rest is never read."""
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk[: limit - size])
            size += len(chunks[-1])
            if size >= limit:
                break
        return b"".join(chunks)
