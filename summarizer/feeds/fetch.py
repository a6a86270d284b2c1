"""Feeds in, pages stored: the fetch step of the daily run.

``fetch_feeds`` reads every feed (conditionally: an unchanged feed costs one 304), saves
what it lists, then fetches every page the store says is pending (new, changed, or
failed for a reason that may pass) and saves each as it arrives. A feed or page that
fails is reported with its URL and why; the others go on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from ..errors import FetchError
from .http import Fetcher, FetchPolicy
from .parse import parse_feed, parse_page
from .store import FeedStore, Pending

__all__ = ["FetchEvent", "FetchReport", "fetch_feeds"]


@dataclass(frozen=True)
class FetchEvent:
    """One feed or page done: ``kind`` is "feed" or "page", ``outcome`` one of
    "new", "unchanged", "failed", "warning"; ``detail`` says more (the failure's reason)."""

    kind: str
    url: str
    outcome: str
    detail: str = ""


@dataclass
class FetchReport:
    feeds: int = 0
    feeds_unchanged: int = 0
    new_entries: int = 0
    pages_fetched: int = 0
    pages_unchanged: int = 0
    failures: list[FetchError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


async def _feed(
    fetcher: Fetcher, store: FeedStore, url: str, report: FetchReport, emit: Callable[..., None]
) -> None:
    etag, last_modified = store.validators(url)
    try:
        fetched = await fetcher.get(url, etag=etag, last_modified=last_modified)
        if fetched.status == 304:
            store.touch_feed(url)
            report.feeds_unchanged += 1
            emit("feed", url, "unchanged")
            return
        feed = parse_feed(fetched)
    except FetchError as exc:
        report.failures.append(exc)
        emit("feed", url, "failed", exc.reason)
        return
    report.new_entries += store.save_feed(feed, fetched.etag, fetched.last_modified)
    if feed.warning:
        report.warnings.append(f"{url}: {feed.warning}")
        emit("feed", url, "warning", feed.warning)
    emit("feed", url, "new", f"{len(feed.entries)} entries")


async def _page(
    fetcher: Fetcher, store: FeedStore, p: Pending, report: FetchReport, emit: Callable[..., None]
) -> None:
    try:
        fetched = await fetcher.get(p.link, etag=p.etag, last_modified=p.last_modified)
        if fetched.status == 304:
            store.mark_unchanged(p.link, p.entry_updated)
            report.pages_unchanged += 1
            emit("page", p.link, "unchanged")
            return
        page = parse_page(fetched)
    except FetchError as exc:
        store.save_failure(
            p.link, exc.reason, permanent=exc.permanent, entry_updated=p.entry_updated
        )
        report.failures.append(exc)
        emit("page", p.link, "failed", exc.reason)
        return
    store.save_page(
        p.link,
        page,
        entry_updated=p.entry_updated,
        final_url=fetched.final_url,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )
    report.pages_fetched += 1
    emit("page", p.link, "new")


async def fetch_feeds(
    urls: Sequence[str],
    store: FeedStore,
    policy: FetchPolicy | None = None,
    *,
    concurrency: int = 8,
    on_event: Callable[[FetchEvent], None] | None = None,
) -> FetchReport:
    """Read the feeds at ``urls`` and fetch their new or changed pages into ``store``."""
    report = FetchReport(feeds=len(urls))
    gate = asyncio.Semaphore(concurrency)

    def emit(kind: str, url: str, outcome: str, detail: str = "") -> None:
        if on_event is not None:
            on_event(FetchEvent(kind, url, outcome, detail))

    async def gated(job: Awaitable[None]) -> None:
        async with gate:
            await job

    async with Fetcher(policy) as fetcher:
        await asyncio.gather(*(gated(_feed(fetcher, store, u, report, emit)) for u in urls))
        pending = store.pending()
        await asyncio.gather(*(gated(_page(fetcher, store, p, report, emit)) for p in pending))
    return report
