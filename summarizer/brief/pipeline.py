"""The main job as one call: paths in, brief results and a run summary out.

``brief_paths`` wires settings, backend, strategy, cache and ingest together; the CLI
and any other caller use it rather than repeating the wiring. It closes what it starts
(the local server included) even when interrupted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..config import Settings
from ..ingest import Article, IngestFailure, scan
from ..llm.backend import Backend
from ..llm.pricing import load_prices
from ..llm.registry import resolve_backend
from .cache import BriefCache
from .results import BriefResult, RunSummary
from .strategies import choose_strategy
from .summarizer import GenerationParams, Summarizer

__all__ = ["brief_articles", "brief_paths", "build_summarizer"]


def build_summarizer(settings: Settings, backend: Backend | None = None) -> Summarizer:
    backend = backend or resolve_backend(settings)
    return Summarizer(
        backend,
        choose_strategy(backend.capabilities, strategy=settings.strategy, prompt=settings.prompt),
        cache=BriefCache(settings.cache_dir) if settings.use_cache else None,
        params=GenerationParams(
            temperature=settings.temperature,
            seed=settings.seed,
            max_tokens=settings.max_tokens,
            max_attempts=settings.max_attempts,
            fuzzy_threshold=settings.fuzzy_threshold,
        ),
        prices=load_prices(settings.prices_file),
        budget=settings.article_budget,
    )


def brief_paths(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    backend: Backend | None = None,
    on_start: Callable[[Sequence[Article | IngestFailure]], None] | None = None,
    on_result: Callable[[BriefResult], None] | None = None,
) -> tuple[list[BriefResult], RunSummary]:
    """Brief every article under ``paths``; results in input order, nothing dropped.

    ``on_start`` gets the inputs (articles and unreadable files) before any is briefed;
    ``on_result`` each result the moment it is done (files written then survive a crash).
    Files of a folder that are not read are listed in the summary's ``skipped``."""
    found = scan(paths, max_bytes=settings.max_article_bytes)
    results, summary = brief_articles(
        found.items, settings, backend=backend, on_start=on_start, on_result=on_result
    )
    return results, dataclasses.replace(summary, skipped=[str(s) for s in found.skipped])


def brief_articles(
    items: Sequence[Article | IngestFailure],
    settings: Settings,
    *,
    backend: Backend | None = None,
    on_start: Callable[[Sequence[Article | IngestFailure]], None] | None = None,
    on_result: Callable[[BriefResult], None] | None = None,
) -> tuple[list[BriefResult], RunSummary]:
    """Brief articles already read (from files, a feed store, anywhere); as
    ``brief_paths``. Articles briefed before come from the cache, with no model call."""
    started = time.perf_counter()
    summarizer = build_summarizer(settings, backend)
    if on_start is not None:
        on_start(items)
    concurrency = settings.concurrency or summarizer.backend.capabilities.concurrency
    try:
        results = asyncio.run(
            summarizer.brief_all(items, concurrency=concurrency, on_result=on_result)
        )
    finally:
        summarizer.backend.close()
        if summarizer.cache is not None:
            summarizer.cache.close()
    return results, summarizer.summarize(results, time.perf_counter() - started)
