"""The ``Digest`` schema: stories, each reconciled field by field, every fact traced.

Every value in a digest carries its ``Evidence``: which article (and outlet) said it, who
the article attributes it to, and the article's exact words. Nothing is averaged or
normalised away: a conflict lists each value with its sources, an entity lists each
spelling with the outlets that used it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DIGEST_SCHEMA_VERSION",
    "CasualtyClaimView",
    "CasualtyTally",
    "Conflict",
    "ConflictValue",
    "Digest",
    "DigestFailure",
    "Entity",
    "Evidence",
    "Fact",
    "Source",
    "Spelling",
    "Story",
    "TimelineEntry",
    "digest_schema_documents",
]

DIGEST_SCHEMA_VERSION = "1.4.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where a value comes from: one article, who it credits, its exact words."""

    article_id: str
    outlet: str | None = None
    attributed_to: str | None = Field(
        default=None, description="Who the article credits, e.g. 'the health ministry'."
    )
    quote: str | None = Field(
        default=None, description="The article's exact words (verbatim span), when there are."
    )


class Source(_Model):
    """One independent source: an article, with any wire copies of it folded in."""

    article_id: str
    source_file: str
    outlet: str | None = None
    published: dt.date | None = None
    title: str | None = None
    undated: bool = Field(description="The article gives no date for the event.")
    copies: list[str] = Field(
        default_factory=list,
        description="Article ids of near-identical copies (a wire story reprinted).",
    )
    copy_outlets: list[str] = Field(default_factory=list)
    updates: list[str] = Field(
        default_factory=list,
        description="Earlier articles of the same outlet in this story, superseded by this one.",
    )
    review: Literal["approved", "unreviewed"] | None = Field(
        None,
        description="With a review store: 'approved' (an editor's approved version) or "
        "'unreviewed' (a draft, included only when asked for); null without a store.",
    )
    brief_failed: bool = Field(
        False,
        description="The article's brief failed: it is here by its headline and lead only, "
        "and gives none of the story's facts (its reason is in the digest's failures).",
    )


class Fact(_Model):
    field: str
    value: str
    sources: list[Evidence] = Field(description="One entry per article that gives the value.")


class ConflictValue(_Model):
    value: str
    sources: list[Evidence]


class Conflict(_Model):
    """Independent sources give different values for one field; every value is shown."""

    field: str
    values: list[ConflictValue] = Field(min_length=2)


class CasualtyClaimView(_Model):
    value: int | None
    low: int | None
    high: int | None
    evidence: Evidence
    superseded: bool = Field(
        default=False,
        description="An update replaces it: a later article of the same outlet gives a newer "
        "figure, or an article no earlier says the figure rose ('the toll rose to 40').",
    )


class CasualtyTally(_Model):
    """All attributed claims for one kind of casualty: never averaged (ACLED, UCDP)."""

    kind: Literal["killed", "injured"]
    low: int | None = Field(description="The lowest current figure, with who gives it below.")
    high: int | None
    low_sources: list[Evidence]
    high_sources: list[Evidence]
    claims: list[CasualtyClaimView]
    conflict: bool


class Spelling(_Model):
    text: str
    articles: list[str]
    outlets: list[str | None]


class Entity(_Model):
    """One person or group, with every spelling used for it and who used it."""

    display: str = Field(description="The spelling used by the most sources.")
    role: str
    spellings: list[Spelling]
    matched_by: list[str] = Field(
        default_factory=list,
        description="Why spellings were joined: 'same-letters', 'fuzzy', 'phonetic', "
        "'sole-target-surname', 'acronym', 'editor'.",
    )
    not_named_by: list[str] = Field(
        default_factory=list,
        description="Articles that give this role but no name for it.",
    )


class TimelineEntry(_Model):
    when: str
    what: str
    sources: list[Evidence]


class StoryMerge(_Model):
    """Why articles were put in one story: the pair of articles that prompted a merge,
    what they share and how they scored (``digest.stories``)."""

    articles: list[str] = Field(description="The two articles' ids.")
    similarity: float = Field(description="Cosine similarity of their leads.")
    shared_names: list[str] = Field(description="Names both give, folded.")
    names_score: float = Field(description="The shared names' rarity, 0 to 1.")
    average: float = Field(description="Average affinity of the two groups merged.")


class Story(_Model):
    id: str = Field(description="Stable: kept across re-runs and when articles are added.")
    headline: str
    summary: str
    event_date: dt.date | None
    undated: bool = Field(description="No article of the story dates the event.")
    event_type: str
    sub_event_type: str
    place: str | None
    country: str | None
    sources: list[Source]
    entities: list[Entity]
    casualties: list[CasualtyTally]
    agreed: list[Fact] = Field(description="Given by at least two independent sources.")
    single_source: list[Fact]
    conflicts: list[Conflict]
    timeline: list[TimelineEntry]
    open_questions: list[Fact]
    related: list[str] = Field(
        default_factory=list,
        description="Ids of stories whose event this story's articles mention.",
    )
    grouped_by: list[StoryMerge] = Field(
        default_factory=list,
        description="Each merge that put this story's articles together, and why.",
    )
    changes: list[str] = Field(
        default_factory=list,
        description="What changed since the previous run of the same day (summarizer "
        "daily): a new story, a new source, a figure that moved, a new conflict.",
    )
    updated: dt.datetime | None = Field(
        default=None,
        description="When a daily run last saw this story change (its Atom entry's updated).",
    )
    paragraph: str | None = Field(
        default=None,
        description="Model-written from the reconciled facts above only (digest "
        "--paragraph); every number and name in it is among those facts. None unless asked.",
    )


class DigestFailure(_Model):
    source_file: str
    reason: str


class Digest(_Model):
    """One day's (or one folder's) stories, each shown once."""

    schema_version: str = DIGEST_SCHEMA_VERSION
    date: dt.date | None = Field(default=None, description="The day asked for, if one was.")
    stories: list[Story]
    failures: list[DigestFailure] = Field(
        default_factory=list, description="Articles that could not be briefed, and why."
    )
    left_out: list[str] = Field(
        default_factory=list, description="Articles briefed but outside the day asked for."
    )
    skipped: list[str] = Field(
        default_factory=list,
        description="Files in the folders given that the tool does not read (a PDF, an "
        "image, a hidden file), each with why.",
    )


def digest_schema_documents() -> dict[str, str]:
    """``schemas/digest.schema.json`` generated from ``Digest``."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "summarizer/digest.schema.json",
        "x-schema-version": DIGEST_SCHEMA_VERSION,
        **Digest.model_json_schema(),
    }
    return {"digest.schema.json": json.dumps(schema, indent=2, ensure_ascii=False) + "\n"}
