"""The digest's service: files in, briefs through the cache, the review store's approved
versions, the story-id store, the optional paragraphs; around ``build.build_digest``,
which is pure (briefs in, ``Digest`` out, no I/O)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from ..brief.pipeline import brief_paths
from ..brief.results import BriefResult
from ..config import Settings
from ..files import write_atomic
from ..ingest import Article, IngestFailure
from ..review.store import ReviewStore
from .build import DigestInput, build_digest
from .entities import AliasRules
from .model import Digest, DigestFailure

__all__ = ["digest_inputs", "digest_paths", "digest_results", "load_aliases"]


def load_aliases(path: Path) -> AliasRules:
    """An editor's alias file: ``{"same": [[...], ...], "different": [[...], ...],
    "apart": [[article, article, ...], ...]}`` (spellings; article ids or source files)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return AliasRules(
        same=data.get("same", []), different=data.get("different", []), apart=data.get("apart", [])
    )


def digest_inputs(
    results: Sequence[BriefResult],
    review: ReviewStore | None = None,
    *,
    include_unreviewed: bool = False,
) -> tuple[list[DigestInput], list[DigestFailure]]:
    """What the digest is made of: each brief, or with a review store its approved
    version (filing the brief as a draft first, once); see ``digest_paths``."""
    inputs, failures = [], []
    for r in results:
        if r.brief is None or r.article is None:
            reason = r.failure.message if r.failure is not None else "no brief"
            if r.fallback is not None and r.article is not None:
                # shown with its story by its headline and lead, marked as failed
                inputs.append(DigestInput(r.article, r.fallback, brief_failed=True))
                reason += " (shown with its story by its headline and lead)"
            failures.append(DigestFailure(source_file=r.source, reason=reason))
            continue
        article = r.article
        if review is None:
            inputs.append(DigestInput(article, r.brief))
            continue
        item_id, _ = review.file(r.brief, article)
        item = review.get(item_id)
        # the article's reading does not change with an editor's edit: the fresh brief's
        read = {"reading": r.brief.reading}
        if (approved := review.reviewed_brief(item)) is not None:
            inputs.append(DigestInput(article, approved.model_copy(update=read), "approved"))
        elif include_unreviewed and (draft := review.reviewed_brief(item, approved_only=False)):
            inputs.append(DigestInput(article, draft.model_copy(update=read), "unreviewed"))
        else:
            reason = f"not approved in the review store (status {item.status}, brief {item_id})"
            failures.append(DigestFailure(source_file=r.source, reason=reason))
    return inputs, failures


def digest_paths(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    day: date | None = None,
    aliases: AliasRules | None = None,
    id_store: Path | None = None,
    review: ReviewStore | None = None,
    include_unreviewed: bool = False,
    paragraphs: bool = False,
    on_start: Callable[[Sequence[Article | IngestFailure]], None] | None = None,
    on_result: Callable[[BriefResult], None] | None = None,
) -> Digest:
    """Brief every article under ``paths`` (through the cache) and digest the briefs.

    With ``paragraphs``, the model also writes one paragraph per story from its
    reconciled facts only (``paragraph.write_paragraphs``).

    ``id_store`` is a JSON file of article id -> story id, read before and written after,
    which keeps story ids stable from one run to the next.

    With a ``review`` store, the briefs are filed there as drafts (once), and the digest
    uses each article's approved version; unapproved ones are listed as not included,
    unless ``include_unreviewed``, which uses their current version marked unreviewed.
    A rejected brief is never used.
    """
    results, summary = brief_paths(paths, settings, on_start=on_start, on_result=on_result)
    digest = digest_results(
        results,
        settings,
        day=day,
        aliases=aliases,
        id_store=id_store,
        review=review,
        include_unreviewed=include_unreviewed,
        paragraphs=paragraphs,
    )
    return digest.model_copy(update={"skipped": list(summary.skipped)})


def digest_results(
    results: Sequence[BriefResult],
    settings: Settings,
    *,
    day: date | None = None,
    aliases: AliasRules | None = None,
    id_store: Path | None = None,
    review: ReviewStore | None = None,
    include_unreviewed: bool = False,
    paragraphs: bool = False,
) -> Digest:
    """The digest of briefs already made (``brief_paths``, ``brief_articles``); the
    options as ``digest_paths``."""
    inputs, failures = digest_inputs(results, review, include_unreviewed=include_unreviewed)
    known: dict[str, str] = {}
    if id_store is not None and id_store.is_file():
        known = json.loads(id_store.read_text(encoding="utf-8"))
    digest = build_digest(inputs, day=day, known_ids=known, aliases=aliases, failures=failures)
    if id_store is not None:
        for story in digest.stories:
            for s in story.sources:
                known[s.article_id] = story.id
                for c in s.copies:
                    known[c] = story.id
        write_atomic(id_store, json.dumps(known, indent=1, sort_keys=True))
    if paragraphs and digest.stories:
        digest = _with_paragraphs(digest, settings)
    return digest


def _with_paragraphs(digest: Digest, settings: Settings) -> Digest:
    from ..llm.call import CallParams, ModelCaller
    from ..llm.registry import resolve_backend
    from .paragraph import write_paragraphs

    backend = resolve_backend(settings)
    params = CallParams(
        temperature=settings.temperature,
        seed=settings.seed,
        max_tokens=min(settings.max_tokens, 400),
        max_attempts=settings.max_attempts,
    )
    try:
        return asyncio.run(
            write_paragraphs(
                digest,
                ModelCaller(backend),
                params=params,
                concurrency=settings.concurrency or backend.capabilities.concurrency,
            )
        )
    finally:
        backend.close()
