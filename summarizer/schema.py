"""The event brief: the contract between the model, the code and the newsroom.

``BriefContent`` is what the model writes; its docstrings and field descriptions are
read by the model (instructor sends them as the tool/JSON schema), so they are written
for it. ``EventBrief`` is ``BriefContent`` plus provenance the code fills in.

Grounding validators run only when a ``GroundingSource`` is passed as validation context
under the key ``"source"`` (instructor's ``context=``); a stored brief re-loaded from
JSON is therefore accepted as it was checked when it was made. Strings that must be
verbatim from the article live in fields named ``evidence`` or ``quote``; when a near
match is accepted the validator replaces the model's string with the article's exact span.

Field order matters for small models: evidence comes before the values drawn from it,
so the model copies first and extracts second. Length caps (``max_length``/``max_items``)
are in the JSON Schema because llama.cpp's grammar honours them, which stops loops.
"""

from __future__ import annotations

import weakref
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    computed_field,
    model_validator,
)

from .errors import FailureKind
from .grounding import (
    GroundingSource,
    extract_toll,
    plain_text,
    resolve_dates,
    source_from,
)
from .text import numbers as text_numbers
from .text.sentences import sentences

__all__ = [
    "EVENT_TAXONOMY",
    "SCHEMA_VERSION",
    "STORED",
    "Actor",
    "BriefContent",
    "CasualtyClaim",
    "Claim",
    "EarlierEvent",
    "EventBrief",
    "EventDate",
    "FailedBrief",
    "Failure",
    "Gap",
    "Location",
    "OpenQuestion",
    "Provenance",
    "Quote",
    "ReadSentence",
    "Reading",
    "Usage",
    "ValidatorMessage",
    "schema_documents",
    "summary_sentences",
]

SCHEMA_VERSION = "1.4.0"

# ACLED's event types and sub-event types (ACLED Codebook, 2023), then a general set for
# news that is not political violence or protest.
EVENT_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
    "Politics": ("Election", "Legislation/policy", "Diplomacy", "Statement/announcement"),
    "Economy": ("Markets/business", "Labour", "Trade"),
    "Disaster/Accident": ("Natural disaster", "Accident", "Public health"),
    "Crime/Justice": ("Crime", "Court ruling/trial", "Investigation"),
    "Other news": ("Other",),
}

EventType = Literal[
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
    "Politics",
    "Economy",
    "Disaster/Accident",
    "Crime/Justice",
    "Other news",
]
# The sub-event types, each once, in the taxonomy's order ("Other", shared by two event
# types, last); declared once, above. (mypy sees ``str``: a Literal built at run time is
# not a static type.)
SUB_EVENT_TYPES: tuple[str, ...] = (
    *dict.fromkeys(s for subs in EVENT_TAXONOMY.values() for s in subs if s != "Other"),
    "Other",
)
if TYPE_CHECKING:
    SubEventType = str
else:
    SubEventType = Literal[SUB_EVENT_TYPES]


def _source(info: ValidationInfo) -> GroundingSource | None:
    return source_from(info.context)


# The validation context of a brief read back from where this tool stored it (the brief
# cache): it was checked when it was made, so the checks that need the parser are not
# run again.
STORED: dict[str, bool] = {"stored": True}


def _stored(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and info.context.get("stored") is True


def _ground(value: str, info: ValidationInfo) -> str:
    source = _source(info)
    if source is None:
        return value
    match = source.locate(value)
    if match is None:
        shown = value if len(value) <= 120 else value[:117] + "..."
        raise ValueError(
            f"{info.field_name} {shown!r} does not occur in the article. Copy the words "
            "exactly as the article has them (a short contiguous fragment), or leave the "
            "item out."
        )
    return match.span


Verbatim = Annotated[str, AfterValidator(_ground)]


def unsupported_numbers(text: str, source: GroundingSource) -> list[str]:
    """Numbers stated in ``text`` (digits or words) that the article never states; both
    read by the same reader (``text.numbers``), so copied words always pass."""
    return text_numbers.unsupported(text, source.folded)


def summary_sentences(text: str) -> int:
    """How many sentences ``text`` has, as the language layer splits them."""
    return len(sentences(text))


_SCHEMAS: weakref.WeakKeyDictionary[type[BaseModel], dict[str, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Pydantic's JSON Schema, generated once per class and arguments (a class's
        schema never changes). instructor asks for it on every call and generating the
        brief's took ~40 ms, most of the per-article overhead (``benchmarks/load.py``).
        A shallow copy is returned: a caller may set top-level keys (instructor's
        tool-calling code copies before it changes anything deeper)."""
        key = repr((args, sorted(kwargs.items())))
        by_args = _SCHEMAS.setdefault(cls, {})
        if (schema := by_args.get(key)) is None:
            schema = by_args[key] = super().model_json_schema(*args, **kwargs)
        return dict(schema)


class EventDate(_Model):
    """When the main event happened. Never guess: a date the article does not give,
    directly or relative to its own publication date, has precision "unknown"."""

    evidence: Verbatim | None = Field(
        description="The article's exact words that state the day, e.g. 'on Wednesday'. "
        "null when the article gives no day.",
        max_length=400,
    )
    value: date | None = Field(
        description="The calendar date (YYYY-MM-DD) the evidence states or implies relative "
        "to the publication date; null when unknown.",
    )
    precision: Literal["exact", "approximate", "unknown"] = Field(
        description="exact: the day is stated; approximate: only roughly (e.g. 'late "
        "January'); unknown: no date, or no publication date to resolve 'Wednesday' against."
    )
    time_of_day: str | None = Field(
        description="Time of day if the article states it, e.g. 'around 9:30 p.m. local time'.",
        max_length=60,
    )

    @model_validator(mode="after")
    def _agrees_with_article(self, info: ValidationInfo) -> Self:
        if self.precision == "unknown":
            if self.value is not None:
                raise ValueError(
                    "date precision is 'unknown' but a value was given; set value to null"
                )
            return self
        if self.value is None or self.evidence is None:
            raise ValueError(
                f"date precision is {self.precision!r} but value or evidence is null; "
                "give both, or set precision to 'unknown'"
            )
        source = _source(info)
        if source is None:
            return self
        published = source.published
        if published is not None and self.value > published:
            raise ValueError(
                f"event date {self.value} is after the article's publication date {published}"
            )
        stated = resolve_dates(self.evidence, published)
        slack = 0 if self.precision == "exact" else 7
        if not any(abs((d - self.value).days) <= slack for d in stated):
            if published is None:
                hint = (
                    "The article has no publication date, so a weekday or a date without "
                    "a year cannot be resolved: set value to null and precision to 'unknown'."
                )
            else:
                hint = (
                    f"Resolve it against the publication date {published} "
                    f"({published:%A}), or set precision to 'unknown'."
                )
            raise ValueError(
                f"date {self.value} is not what the evidence {plain_text(self.evidence)!r} "
                f"states. {hint}"
            )
        return self


class Location(_Model):
    """Where the main event happened, as precisely as the article says and no more."""

    place: str | None = Field(
        description="Town, city or neighbourhood, e.g. 'Valparaíso'; null if not stated.",
        max_length=80,
    )
    region: str | None = Field(
        description="Province, district or area, e.g. 'northern Kaduna State'; null if not stated.",
        max_length=80,
    )
    country: str | None = Field(description="Country name; null if not stated.", max_length=60)
    precision: Literal["exact", "city", "region", "country", "unknown"] = Field(
        description="The most precise level the article gives."
    )


class Actor(_Model):
    """A person, group or institution involved in or reporting the event."""

    name: str = Field(description="Name as the article writes it.", max_length=80)
    kind: Literal[
        "state_forces",
        "government",
        "armed_group",
        "official",
        "civilian",
        "organisation",
        "media",
        "person",
        "unknown",
    ]
    role: Literal["perpetrator", "target", "victim", "source", "other"]
    affiliation: str | None = Field(
        description="Group or state the actor belongs to, if stated.", max_length=80
    )


class CasualtyClaim(_Model):
    """One claim about people killed or injured in the main event, with who makes it.

    Give ``value`` for a single number, or ``low``/``high`` for a range ("at least 3"
    is low=3). Every number must appear in the evidence. Different sources with different
    tolls are separate claims."""

    evidence: Verbatim = Field(
        description="The article's exact words stating the number.", max_length=400
    )
    kind: Literal["killed", "injured"]
    value: int | None = Field(description="The number, if a single number.", ge=0)
    low: int | None = Field(description="Lower bound, e.g. 'at least 3' -> 3.", ge=0)
    high: int | None = Field(description="Upper bound, if the article gives one.", ge=0)
    attributed_to: str = Field(
        description="Who says so, e.g. 'the regional health ministry'.", max_length=100
    )

    @model_validator(mode="after")
    def _numbers_in_evidence(self, info: ValidationInfo) -> Self:
        numbers = [n for n in (self.value, self.low, self.high) if n is not None]
        if not numbers:
            raise ValueError("a casualty claim needs a value, or a low and/or high bound")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"casualty range low {self.low} is above high {self.high}")
        if _source(info) is not None:
            read = extract_toll(self.evidence, self.kind) or ()
            for n in numbers:
                if not text_numbers.mentions(self.evidence, n) and n not in read:
                    raise ValueError(
                        f"casualty number {n} does not appear in its evidence "
                        f"{plain_text(self.evidence)!r}; give the evidence that states it, "
                        "or leave the claim out"
                    )
        return self


class Claim(_Model):
    """A factual claim in the article and who makes it."""

    evidence: Verbatim = Field(
        description="The article's exact words carrying the claim.", max_length=400
    )
    statement: str = Field(description="The claim in a short neutral sentence.", max_length=200)
    attributed_to: str | None = Field(
        description="Who makes the claim; null if the outlet states it itself.", max_length=100
    )
    status: Literal["stated_by_outlet", "attributed", "denied", "unverified"] = Field(
        description="stated_by_outlet: the outlet says it; attributed: a named or anonymous "
        "source says it; denied: someone denies it; unverified: the article says it is "
        "unconfirmed."
    )


class Quote(_Model):
    """A direct quotation, copied character for character from the article."""

    quote: Verbatim = Field(description="The quoted words, exactly as printed.", max_length=400)
    speaker: str = Field(description="Who said it, as the article names them.", max_length=100)


class EarlierEvent(_Model):
    """An earlier event the article mentions as background."""

    evidence: Verbatim = Field(
        description="The article's exact words describing it.", max_length=400
    )
    description: str = Field(description="What happened, in a few words.", max_length=160)
    when: str | None = Field(
        description="The date or time as the article gives it, e.g. 'December 25', "
        "'last week'; null if not given.",
        max_length=40,
    )


class OpenQuestion(_Model):
    """Something the article itself says is not yet known or confirmed."""

    evidence: Verbatim = Field(
        description="The article's exact words saying it is unknown or unclear.", max_length=400
    )
    question: str = Field(description="The open question, as a question.", max_length=160)


class Gap(_Model):
    """A field the brief leaves empty, and why: which check refused what was found."""

    field: str = Field(description="the field left empty, e.g. 'actors' or 'summary'")
    reason: str = Field(description="the check that refused it, in words", max_length=400)


class BriefContent(_Model):
    """A neutral, verifiable brief of the main event in one news article.

    Write only what the article says. Keep its attributions ("according to ...").
    Every evidence and quote string is copied exactly from the article; every number you
    write must appear in the article. Leave lists empty rather than guess."""

    headline: str = Field(
        description="Neutral headline of at most 15 words.", min_length=3, max_length=120
    )
    summary: str = Field(
        description="2 to 4 sentences, at most 90 words, keeping the article's attributions.",
        min_length=20,
        max_length=700,
    )
    event_type: EventType = Field(description="ACLED event type, or a general news type.")
    sub_event_type: SubEventType = Field(description="Sub-type belonging to event_type.")
    date: EventDate
    location: Location
    actors: list[Actor] = Field(max_length=8)
    weapons: list[Verbatim] = Field(
        default_factory=list,
        description="The weapons or means used, in the article's words, e.g. 'a roadside bomb'.",
        max_length=3,
    )
    casualties: list[CasualtyClaim] = Field(
        description="Killed/injured claims about the main event only.", max_length=3
    )
    claims: list[Claim] = Field(max_length=3)
    quotes: list[Quote] = Field(max_length=2)
    earlier_events: list[EarlierEvent] = Field(max_length=2)
    open_questions: list[OpenQuestion] = Field(max_length=2)

    # Filled by the code, never by the model (a private attribute: in no schema the
    # model reads); published as ``EventBrief.gaps``.
    _gaps: list[Gap] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _checks(self, info: ValidationInfo) -> Self:
        problems: list[str] = []
        words = len(self.headline.split())
        if words > 15:
            problems.append(f"headline has {words} words; at most 15")
        words = len(self.summary.split())
        if words > 90:
            problems.append(f"summary has {words} words; at most 90")
        source = _source(info)
        # Counting sentences takes the parser: not done again each time a brief stored
        # by this tool (checked when it was made) is read back (``STORED`` context).
        count = summary_sentences(self.summary) if not _stored(info) else 1
        if not 1 <= count <= 4:
            problems.append(f"summary has {count} sentence(s); write 1 to 4")
        if self.sub_event_type not in EVENT_TAXONOMY[self.event_type]:
            allowed = ", ".join(EVENT_TAXONOMY[self.event_type])
            problems.append(
                f"sub_event_type {self.sub_event_type!r} does not belong to event_type "
                f"{self.event_type!r}; choose one of: {allowed}"
            )
        if source is not None:
            for field in ("headline", "summary"):
                missing = unsupported_numbers(getattr(self, field), source)
                if missing:
                    problems.append(
                        f"{field} states {', '.join(missing)}, which the article does not; "
                        "use only numbers the article gives"
                    )
            for i, claim in enumerate(self.claims):
                missing = unsupported_numbers(claim.statement, source)
                if missing:
                    problems.append(
                        f"claims[{i}].statement states {', '.join(missing)}, not in the article"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Usage(_Model):
    """Tokens spent on one article, every attempt included (failed ones too)."""

    tokens_in: int = 0
    tokens_out: int = 0
    attempts: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def model_calls(self) -> int:
        """Every attempt is one model call (transport retries are not counted here)."""
        return self.attempts


class Provenance(_Model):
    """Where a brief came from. Filled in by summarizer, never by the model."""

    article_id: str
    source_file: str
    outlet: str | None
    published: date | None
    model: str
    backend: str
    prompt_version: str
    prompt_hash: str
    strategy: str | None = Field(None, description="brief strategy and its version")
    response_schema_sha256: str | None = Field(
        None, description="sha256 of the JSON Schema sent to the model"
    )
    schema_version: str = SCHEMA_VERSION
    rules_version: str | None = Field(
        None, description="hash of the rules that built the brief from the model's answers"
    )
    answers_reused: int = Field(
        0, description="model answers taken from the answer cache instead of asked again"
    )
    created_at: datetime
    tokens_in: int
    tokens_out: int
    attempts: int


class ReadSentence(_Model):
    text: str
    mentions: list[tuple[str, str, bool]]


class Reading(_Model):
    """The language layer's reading of the article, made when the brief is made (by
    code, not the model), so that a digest of thousands of briefs parses no article:
    the lead sentences, the entities of the headline and the opening sentences, the
    sentences about an earlier occasion with theirs, and the entities the rest of the
    article names. A mention is [text, label,
    whether its head word is an adjective], as spaCy's tagger read it."""

    lead: list[str] = Field(description="The article's first sentences.")
    headline: list[tuple[str, str, bool]] = Field(description="The headline's entities.")
    opening: list[list[tuple[str, str, bool]]] = Field(
        description="The entities of each opening sentence, in order."
    )
    earlier: list[ReadSentence] = Field(
        default_factory=list, description="Sentences about an earlier occasion."
    )
    named: list[tuple[str, str, bool]] = Field(
        default_factory=list,
        description="The entities of the sentences after the opening, each once, not "
        "those of sentences about an earlier occasion (schema 1.4.0; the story's entities).",
    )


class EventBrief(BriefContent):
    """A brief as stored and published: the model's content plus its provenance."""

    gaps: list[Gap] = Field(
        default_factory=list,
        description="fields left empty because what was found for them failed a check",
    )
    provenance: Provenance
    reading: Reading | None = Field(
        default=None,
        description="The article as the language layer read it (see Reading); absent in "
        "briefs made before schema 1.3.0, which the digest then reads itself.",
    )


class ValidatorMessage(_Model):
    """One validator's complaint about the last attempt: where, and what."""

    loc: str
    msg: str


class Failure(_Model):
    """Why an article has no brief. ``kind`` comes from the error class that ended it."""

    kind: FailureKind
    message: str
    validator_messages: list[ValidatorMessage] = Field(
        default_factory=list, description="for validation failures: the last attempt's"
    )


class FailedBrief(_Model):
    """What is written for an article that could not be briefed: nothing is dropped."""

    article_id: str | None
    source_file: str
    error: Failure
    usage: Usage | None = None


SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "event_brief.schema.json": EventBrief,
    "brief_content.schema.json": BriefContent,
    "failed_brief.schema.json": FailedBrief,
}


def schema_documents() -> dict[str, str]:
    """The JSON Schema files of ``schemas/``, generated from the models (file name -> text)."""
    import json

    docs: dict[str, str] = {}
    for name, model in SCHEMA_FILES.items():
        schema = model.model_json_schema()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"summarizer/{name}",
            "x-schema-version": SCHEMA_VERSION,
            **schema,
        }
        docs[name] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return docs
