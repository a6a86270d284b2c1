"""Feeds in, pages stored: the fetch step of the daily run.

``fetch_feeds`` reads every feed (conditionally: an unchanged feed costs one 304), saves
what it lists (at most ``FetchPolicy.max_entries`` new entries a feed a run), then
fetches every page the store says is pending (new, changed, or failed for a reason that
may pass) and saves each as it arrives.

A feed or a page is a unit of failure: whatever it does (a bad date, JSON of the wrong
types, nesting deep enough to exhaust the parser, a redirect to another protocol, any
exception from the libraries that read it) is recorded against its URL with the reason,
and the other feeds and pages go on and are saved. Only the store failing (the disk, the
file) stops the run, as it should: nothing more could be saved.
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
    # new entries a feed listed beyond the per-run cap, left for the next run
    entries_left: int = 0
    failures: list[FetchError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _unexpected(url: str, exc: Exception) -> FetchError:
    """Any other exception from reading one feed or page, as that URL's failure. Not
    permanent: a fixed feed or a fixed library passes on a later run."""
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    reason = f"could not be read ({exc.__class__.__name__}{': ' + detail if detail else ''})"
    return FetchError(url, reason)


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
    except Exception as exc:  # one feed's fault, recorded against it; the run goes on
        failure = _unexpected(url, exc)
        report.failures.append(failure)
        emit("feed", url, "failed", failure.reason)
        return
    new, left = store.save_feed(
        feed, fetched.etag, fetched.last_modified, max_new=fetcher.policy.max_entries
    )
    report.new_entries += new
    report.entries_left += left
    if feed.warning:
        report.warnings.append(f"{url}: {feed.warning}")
        emit("feed", url, "warning", feed.warning)
    if left:
        cap = fetcher.policy.max_entries
        note = f"{left} new entries beyond the cap of {cap} left for the next run"
        report.warnings.append(f"{url}: {note}")
        emit("feed", url, "warning", note)
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
    except Exception as exc:  # one page's fault, recorded against it; the run goes on
        failure = exc if isinstance(exc, FetchError) else _unexpected(p.link, exc)
        store.save_failure(
            p.link, failure.reason, permanent=failure.permanent, entry_updated=p.entry_updated
        )
        report.failures.append(failure)
        emit("page", p.link, "failed", failure.reason)
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
