"""``summarizer fetch`` and ``summarizer daily``: the newsroom's feeds in, the day out."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._app import EXIT_FAILED_ARTICLES, EXIT_OK, cli, model_options, settings_from
from ._safe import echo

if TYPE_CHECKING:
    from ..feeds import FetchEvent, FetchPolicy, FetchReport


def _fetch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("feeds", nargs=-1, required=True),
        click.option(
            "--store",
            "feed_store",
            type=click.Path(path_type=Path, dir_okay=False),
            help="The feed store, a SQLite file (env SUMMARIZER_FEED_STORE; default "
            "feeds.db in the user data folder).",
        ),
        click.option("--user-agent", help="User-Agent (env SUMMARIZER_USER_AGENT)."),
        click.option(
            "--fetch-timeout", type=click.FloatRange(0.1, 600), default=20.0, show_default=True,
            help="Seconds per feed or page request.",
        ),
        click.option(
            "--per-host", type=click.IntRange(1, 16), default=2, show_default=True,
            help="Requests in flight per host.",
        ),
        click.option(
            "--max-page-bytes", type=click.IntRange(1024), default=5 * 1024 * 1024,
            show_default=True, help="Larger pages are refused.",
        ),
        click.option(
            "--max-entries", type=click.IntRange(1), default=200, show_default=True,
            help="New entries taken from one feed per run; the rest wait for the next run.",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def _policy(
    user_agent: str | None, timeout: float, per_host: int, max_bytes: int, max_entries: int
) -> FetchPolicy:
    """The fetch policy; the hosts it may reach though internal come from the
    environment (SUMMARIZER_FETCH_ALLOW), read by ``FetchPolicy`` itself."""
    from ..feeds import DEFAULT_USER_AGENT, FetchPolicy

    return FetchPolicy(
        user_agent=user_agent or DEFAULT_USER_AGENT,
        timeout=timeout,
        per_host=per_host,
        max_bytes=max_bytes,
        max_entries=max_entries,
    )


def _event_line(event: FetchEvent) -> None:
    if event.outcome in ("failed", "warning"):
        echo(f"{event.kind} {event.outcome}: {event.url}: {event.detail}", err=True)


def _fetch_summary(report: FetchReport) -> str:
    return (
        f"{report.feeds} feed(s), {report.feeds_unchanged} unchanged; "
        f"{report.new_entries} new entr(ies)"
        + (f" ({report.entries_left} left for the next run)" if report.entries_left else "")
        + f"; {report.pages_fetched} page(s) fetched, "
        f"{report.pages_unchanged} unchanged; {len(report.failures)} failed"
    )


@cli.command()
@_fetch_options
def fetch(
    feeds: tuple[str, ...],
    feed_store: Path | None,
    user_agent: str | None,
    fetch_timeout: float,
    per_host: int,
    max_page_bytes: int,
    max_entries: int,
) -> None:
    """Read FEEDS (feed URLs, OPML files, text files of URLs) and fetch their new or
    changed pages into the feed store. A feed or page that fails is named with why; the
    rest go on, and it is asked again next time unless the failure is permanent (exit 1
    when any failed). Internal addresses are refused unless SUMMARIZER_FETCH_ALLOW lists
    them."""
    import asyncio

    from ..feeds import FeedStore, feed_urls, fetch_feeds

    settings = settings_from(feed_store=feed_store, user_agent=user_agent)
    urls = feed_urls(feeds)
    store = FeedStore(settings.feed_store)
    try:
        report = asyncio.run(
            fetch_feeds(
                urls,
                store,
                _policy(settings.user_agent, fetch_timeout, per_host, max_page_bytes, max_entries),
                on_event=_event_line,
            )
        )
    finally:
        store.close()
    echo(f"{_fetch_summary(report)}; store {settings.feed_store}", err=True)
    sys.exit(EXIT_FAILED_ARTICLES if report.failures else EXIT_OK)


@cli.command()
@_fetch_options
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day (articles published, or first seen, that day; default today, UTC).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("daily"),
    show_default=True,
    help="Output folder; the day's files go in OUT/YYYY-MM-DD/.",
)
@click.option(
    "--review-db",
    help="The review store new briefs are filed in: a SQLite file or a postgresql:// URL "
    "(env SUMMARIZER_REVIEW_DB; default review.db in the user data folder).",
)
@click.option("--approved-only", is_flag=True, help="Leave out briefs no editor has approved yet.")
@model_options
def daily(
    feeds: tuple[str, ...],
    feed_store: Path | None,
    user_agent: str | None,
    fetch_timeout: float,
    per_host: int,
    max_page_bytes: int,
    max_entries: int,
    day: dt.datetime | None,
    out: Path,
    review_db: str | None,
    approved_only: bool,
    no_cache: bool,
    **options: Any,
) -> None:
    """Fetch FEEDS, brief what is new (through the cache), digest the day and write it
    as HTML, Markdown, JSON and Atom, with what changed since the day's previous run
    marked. Run it every hour: what did not change is not fetched, briefed or written."""
    from ..daily import run_daily
    from ._report import Reporter

    settings = settings_from(
        use_cache=False if no_cache else None,
        review_db=review_db,
        feed_store=feed_store,
        user_agent=user_agent,
        **options,
    )
    report = Reporter()
    try:
        result = run_daily(
            feeds,
            settings,
            day=day.date() if day else None,
            out_dir=out,
            policy=_policy(
                settings.user_agent, fetch_timeout, per_host, max_page_bytes, max_entries
            ),
            approved_only=approved_only,
            on_fetch=_event_line,
            on_start=lambda items: report.start(len(items)),
            on_result=report.result,
        )
    finally:
        report.stop()
    echo(f"fetch: {_fetch_summary(result.fetch)}", err=True)
    changed = sum(1 for s in result.digest.stories if s.changes)
    echo(
        f"{result.day}: {result.articles} article(s), {result.from_cache} from the cache, "
        f"{result.model_calls} model call(s); {len(result.digest.stories)} stories "
        f"({changed} new or changed); {len(result.digest.failures)} not included; "
        f"wrote {len(result.written)} file(s) in {result.folder}, "
        f"{len(result.unchanged)} unchanged",
        err=True,
    )
    failed = result.fetch.failures or result.digest.failures
    sys.exit(EXIT_FAILED_ARTICLES if failed else EXIT_OK)
