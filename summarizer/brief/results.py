"""What a brief run produces: one ``BriefResult`` per input, and a ``RunSummary``.

A result holds either an ``EventBrief`` or a ``schema.Failure`` (whose ``kind`` comes
from the error class that ended it): an input is never dropped, and its output file
says why when it failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelCallError
from ..ingest import Article, IngestFailure
from ..schema import EventBrief, FailedBrief, Failure, Usage, ValidatorMessage

__all__ = ["BriefResult", "RunSummary", "failure_of", "summarize"]


def failure_of(error: ModelCallError | IngestFailure) -> Failure:
    """The record of why an input has no brief."""
    if isinstance(error, IngestFailure):
        return Failure(kind="ingest", message=error.message)
    return Failure(
        kind=error.kind,
        message=error.message,
        validator_messages=[ValidatorMessage(**d) for d in error.details],
    )


@dataclass
class BriefResult:
    source: str
    stem: str
    article_id: str | None
    brief: EventBrief | None = None
    failure: Failure | None = None
    cached: bool = False
    usage: Usage = field(default_factory=Usage)
    reasks: int = 0
    transport_retries: int = 0
    seconds: float = 0.0
    article: Article | None = field(default=None, repr=False)  # None: ingest failed
    # For a failed article that could be read: the article's own headline and lead as a
    # brief with nothing else, so the review queue can show it (marked failed) and an
    # editor can write the rest. Never written as the article's output.
    fallback: EventBrief | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.brief is not None

    def to_json_dict(self) -> dict[str, Any]:
        if self.brief is not None:
            return self.brief.model_dump(mode="json")
        if self.failure is None:
            raise ValueError(f"{self.source}: a result holds a brief or a failure")
        return FailedBrief(
            article_id=self.article_id,
            source_file=self.source,
            error=self.failure,
            usage=self.usage if self.usage.model_calls else None,
        ).model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class RunSummary:
    articles: int
    briefs: int
    failures: int
    cache_hits: int
    model_calls: int
    reasks: int
    transport_retries: int
    tokens_in: int
    tokens_out: int
    cost_usd: float | None
    seconds: float
    skipped: list[str] = field(default_factory=list)  # files of a folder not read, and why

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def summarize(
    results: Sequence[BriefResult], *, cost_usd: float | None, seconds: float = 0.0
) -> RunSummary:
    fresh = [r for r in results if not r.cached]
    return RunSummary(
        articles=len(results),
        briefs=sum(1 for r in results if r.ok),
        failures=sum(1 for r in results if not r.ok),
        cache_hits=sum(1 for r in results if r.cached),
        model_calls=sum(r.usage.model_calls for r in fresh),
        reasks=sum(r.reasks for r in fresh),
        transport_retries=sum(r.transport_retries for r in fresh),
        tokens_in=sum(r.usage.tokens_in for r in fresh),
        tokens_out=sum(r.usage.tokens_out for r in fresh),
        cost_usd=cost_usd,
        seconds=seconds,
    )
