"""The day in one call: feeds in, the day's digest out as HTML, Markdown, JSON and Atom.

``run_daily`` fetches the feeds (only what changed: ``feeds.fetch_feeds``), briefs the
day's articles through the cache (an article briefed before costs no model call), files
new briefs as drafts in the review store, digests the day, marks what changed since the
previous run of the same day (``changes.mark_changes``) and writes into ``out_dir/DAY/``:

    digest.html  digest.md  digest.json  digest.atom  briefs.jsonl  briefs.csv

Each file is written (atomically) only when its content changed, so an hourly run that
finds nothing new fetches a few 304s and writes nothing. Story ids are kept in
``out_dir/story-ids.json``, so a story keeps its id (and its Atom entry) all day and
across days.

The digest uses each brief's approved version where an editor approved one and the
draft otherwise, marked unreviewed; ``approved_only`` leaves drafts out (listed as not
included).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..brief.pipeline import brief_articles
from ..brief.results import BriefResult
from ..config import Settings
from ..digest import Digest, digest_results
from ..feeds import FeedStore, FetchEvent, FetchPolicy, FetchReport, feed_urls, fetch_feeds
from ..ingest import Article, IngestFailure
from ..render.atom import render_digest_atom
from ..render.digest import render_digest_html, render_digest_markdown
from ..render.exports import briefs_csv, briefs_jsonl
from ..review.store import ReviewStore
from .changes import mark_changes

__all__ = ["DailyReport", "run_daily"]

FILES = ("digest.html", "digest.md", "digest.json", "digest.atom", "briefs.jsonl", "briefs.csv")


@dataclass
class DailyReport:
    day: dt.date
    folder: Path
    fetch: FetchReport
    digest: Digest
    articles: int = 0
    model_calls: int = 0
    from_cache: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def _previous(path: Path) -> Digest | None:
    if not path.is_file():
        return None
    try:
        return Digest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:  # written by another schema version, or damaged: start afresh
        return None


def _write_if_changed(path: Path, text: str, report: DailyReport) -> None:
    from ..files import write_atomic

    if path.is_file() and path.read_text(encoding="utf-8") == text:
        report.unchanged.append(path)
        return
    write_atomic(path, text)
    report.written.append(path)


def run_daily(
    sources: Sequence[str | Path],
    settings: Settings,
    *,
    day: dt.date | None = None,
    out_dir: Path = Path("daily"),
    policy: FetchPolicy | None = None,
    approved_only: bool = False,
    now: dt.datetime | None = None,
    on_fetch: Callable[[FetchEvent], None] | None = None,
    on_start: Callable[[Sequence[Article | IngestFailure]], None] | None = None,
    on_result: Callable[[BriefResult], None] | None = None,
) -> DailyReport:
    """Fetch, brief, digest and write the day (today, UTC, unless ``day``)."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    day = day or now.date()
    urls = feed_urls(sources)
    if policy is None:
        policy = FetchPolicy(user_agent=settings.user_agent) if settings.user_agent else None
    store = FeedStore(settings.feed_store)
    try:
        fetched = asyncio.run(fetch_feeds(urls, store, policy, on_event=on_fetch))
        articles = store.articles(day)
    finally:
        store.close()
    results, _ = brief_articles(articles, settings, on_start=on_start, on_result=on_result)
    folder = out_dir / day.isoformat()
    review = ReviewStore(settings.review_store_path)
    # The day's articles are those published (or first seen) that day; the digest does
    # not filter them again by event date (a report today of last night's attack is news
    # of the day).
    digest = digest_results(
        results,
        settings,
        id_store=out_dir / "story-ids.json",
        review=review,
        include_unreviewed=not approved_only,
    ).model_copy(update={"date": day})
    digest = mark_changes(_previous(folder / "digest.json"), digest, now)
    report = DailyReport(
        day=day,
        folder=folder,
        fetch=fetched,
        digest=digest,
        articles=len(articles),
        model_calls=sum(r.usage.model_calls for r in results if not r.cached),
        from_cache=sum(1 for r in results if r.cached),
    )
    texts = {
        "digest.html": render_digest_html(digest),
        "digest.md": render_digest_markdown(digest),
        "digest.json": digest.model_dump_json(indent=2) + "\n",
        "digest.atom": render_digest_atom(
            digest,
            feed_id=f"tag:summarizer,2025:digest/{day.isoformat()}",
            title=f"Digest of {day.isoformat()}",
        ),
        "briefs.jsonl": briefs_jsonl(results),
        "briefs.csv": briefs_csv(results),
    }
    for name in FILES:
        _write_if_changed(folder / name, texts[name], report)
    return report
