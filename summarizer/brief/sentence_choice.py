"""Sentence-constrained variant of the brief schema, for small local models.

A 0.5B model asked to *copy* evidence invents or splices it, and cannot do date
arithmetic or read a number back reliably (measured on the seeds: every article failed
its checks on all attempts). Here the response model is built per article so that
the model *chooses* and the code *reads*:

* every ``evidence`` field is an enum of the article's own sentences, every ``quote`` an
  enum of its quoted passages; llama.cpp turns enums into its JSON grammar, so the model
  can only pick article text;
* the event date is a choice among the sentences that state exactly one calendar day in
  the week before publication (directly, or relative to the publication date); the code
  reads the date from the chosen sentence. With no such sentence, or no publication
  date, the date is unknown;
* the time of day is a choice among the times the article states;
* a casualty claim is a choice among the sentences that state exactly one number of
  people killed or injured; the code reads the kind and the figure from it.

The result is converted to the ordinary ``BriefContent`` and validated again with the
same grounding checks, so the output is the same schema, checked the same way. The
constraint narrows what the model may write, never what the checks accept.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from ..grounding import extract_toll, recent_day
from ..prepared import PreparedArticle
from ..schema import (
    EVENT_TAXONOMY,
    BriefContent,
    Claim,
    EarlierEvent,
    EventType,
    OpenQuestion,
    Quote,
    SubEventType,
)

__all__ = ["constrained_model", "to_brief_content"]

# An open question's evidence must say that something is not known.
_UNRESOLVED = re.compile(
    r"\b(unclear|not (yet )?(known|clear|confirmed|immediately)|unknown|whether|"
    r"investigat\w*|assessment|unconfirmed|unverified|may have|did not say|declined to)\b",
    re.IGNORECASE,
)


def _grammar_safe(text: str) -> str:
    """``text`` with straight double quotes made typographic.

    llama-cpp-python 0.3.36 mis-escapes a '"' inside an enum value when it builds the
    grammar ("error parsing grammar", then the server dies; measured on seed 003). Curly
    quotes fold to the same text, and grounding stores the article's exact span anyway.
    """
    out: list[str] = []
    opening = True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def _enum(name: str, values: list[str]) -> Any:
    safe = list(dict.fromkeys(_grammar_safe(v) for v in values if "\\" not in v))
    return Enum(name, [(f"v{i}", v) for i, v in enumerate(safe)], type=str)


def _join_sentences(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    parts = [str(v).strip() for v in value if str(v).strip()]
    return " ".join(p if p[-1] in '.!?"”' else p + "." for p in parts)


# The summary as 2-3 separate one-line sentences: the grammar enforces the count, the
# length (so at most ~70 words) and the absence of quote marks and backslashes, which a
# small model otherwise fills with JSON fragments on re-asks (measured on the seeds).
# They are joined into the ordinary ``summary`` string before any check runs.
_SentenceList = Annotated[
    str,
    BeforeValidator(_join_sentences),
    WithJsonSchema(
        {
            "type": "array",
            "description": "2 or 3 short sentences in your own words: who did what, where, "
            "according to whom.",
            # A full stop only right after a capital ("U.S."), so one item is one sentence.
            # "[.]", not "\\.": llama-cpp-python 0.3.36 turns "\\." into a grammar escape its
            # own parser rejects ("unknown escape"), and the server then answers nothing.
            "items": {"type": "string", "pattern": r'^[A-Z]([^"\\.!?]|[A-Z][.]){9,139}[.!?]$'},
            "minItems": 2,
            "maxItems": 3,
        }
    ),
]
_Headline = Annotated[
    str, Field(pattern=r'^[^"\\]{3,80}$', description="Neutral headline, at most 12 words.")
]
# Event type and sub-type as one choice among valid pairs, so they always belong together.
EVENT_PAIRS = [f"{t}: {sub}" for t, subs in EVENT_TAXONOMY.items() for sub in subs]
_EventPair = Annotated[
    EventType,
    WithJsonSchema(
        {
            "type": "string",
            "enum": EVENT_PAIRS,
            "description": "Event type and sub-type, e.g. 'Violence against civilians: "
            "Abduction/forced disappearance' for a kidnapping.",
        }
    ),
]


class _Constrained(BriefContent):
    @model_validator(mode="before")
    @classmethod
    def _split_event_pair(cls, data: Any) -> Any:
        if isinstance(data, dict) and ": " in str(data.get("event_type", "")):
            event_type, _, sub_event_type = str(data["event_type"]).partition(": ")
            data = {**data, "event_type": event_type, "sub_event_type": sub_event_type}
        return data


def _toll(sentence: str) -> tuple[str, int | None, int | None] | None:
    """(kind, value, low) if ``sentence`` states one figure of people killed, else injured."""
    for kind in ("killed", "injured"):
        if (figure := extract_toll(sentence, kind)) is not None:
            return kind, figure[0], figure[1]
    return None


def _dedupe(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Drop repeats: the same sentence chosen twice is one item, not two."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item[key] not in seen:
            seen.add(item[key])
            out.append(item)
    return out


def constrained_model(prepared: PreparedArticle) -> type[BriefContent]:
    """A ``BriefContent`` subclass whose evidence fields only admit article sentences."""
    sentences = prepared.sentences
    quotes = prepared.quoted
    published = prepared.article.published
    tolls = [s for s in sentences if _toll(s) is not None]
    dated = [s for s in sentences if recent_day(s, published) is not None]
    unresolved = [s for s in sentences if _UNRESOLVED.search(s)]
    pick = "One sentence of the article, chosen from the list."

    def choice(name: str, values: list[str], description: str = pick) -> Any:
        return (_enum(name, values) if values else str, Field(description=description))

    def variant(base: type[BaseModel], **fields: Any) -> Any:
        return create_model(base.__name__, __base__=base, __doc__=base.__doc__, **fields)

    sentence = choice("ArticleSentence", sentences)
    lists: dict[str, tuple[Any, int]] = {
        "casualties": (
            create_model(
                "CasualtyClaim",
                __base__=_CasualtyChoice,
                __doc__=_CasualtyChoice.__doc__,
                evidence=choice("CasualtySentence", tolls, "The sentence stating the number."),
            ),
            2 if tolls else 0,
        ),
        "claims": (variant(Claim, evidence=sentence), 2),
        "quotes": (
            variant(Quote, quote=choice("QuotedPassage", quotes, "A quoted passage.")),
            2 if quotes else 0,
        ),
        "earlier_events": (variant(EarlierEvent, evidence=sentence), 2),
        "open_questions": (
            variant(OpenQuestion, evidence=choice("UnresolvedSentence", unresolved)),
            2 if unresolved else 0,
        ),
    }
    date_t: Any = _enum("DatedSentence", dated) if dated else None
    times = prepared.times_of_day
    time_t: Any = _enum("TimeOfDay", times) if times else None
    date_model = create_model(
        "EventDate",
        __base__=_DateChoice,
        __doc__=_DateChoice.__doc__,
        evidence=(
            date_t | None if dated else None,
            Field(
                description="The sentence that says on which day the main event happened; "
                "null if none does."
            ),
        ),
        time_of_day=(
            time_t | None if times else None,
            Field(description="Time of day of the main event as the article states it."),
        ),
    )
    # Fewer items than the full schema allows: each costs a small model ~100 output
    # tokens and is one more chance to fail a check.
    fields: dict[str, Any] = {
        "headline": (_Headline, ...),
        "summary": (_SentenceList, ...),
        "event_type": (_EventPair, ...),
        "sub_event_type": (SkipJsonSchema[SubEventType], None),
        "date": (date_model, ...),
    }
    for name, (model, max_items) in lists.items():
        fields[name] = (list[model], Field(max_length=max_items))  # type: ignore[valid-type]
    return create_model(
        "BriefContent", __base__=_Constrained, __doc__=BriefContent.__doc__, **fields
    )


class _DateChoice(BaseModel):
    """When the main event happened: choose the sentence that names its day (the date is
    read from it), or null when no sentence does."""

    model_config = ConfigDict(extra="forbid")

    evidence: str | None
    time_of_day: str | None = Field(
        description="Time of day if the article states it, e.g. 'around 9:30 p.m. local time'.",
        max_length=60,
    )


class _CasualtyChoice(BaseModel):
    """A claim about people killed or injured in the main event: choose the sentence that
    states the number; the kind and the number are read from that sentence."""

    model_config = ConfigDict(extra="forbid")

    evidence: str
    attributed_to: str = Field(
        description="Who says so, e.g. 'the regional health ministry'.", max_length=100
    )


def to_brief_content(variant: BriefContent, prepared: PreparedArticle) -> BriefContent:
    """The ordinary brief, validated again with the same grounding checks.

    The event date and the casualty figures are read from the chosen sentences, so every
    date and number in the brief is one the article's own words state.
    """
    data = variant.model_dump(mode="json")
    published = prepared.article.published
    chosen = data["date"]["evidence"]
    day = recent_day(chosen, published) if chosen else None
    data["date"] = {
        "evidence": chosen if day else None,
        "value": day.isoformat() if day else None,
        "precision": "exact" if day else "unknown",
        "time_of_day": data["date"].get("time_of_day"),
    }
    claims = []
    for claim in _dedupe(data["casualties"], "evidence"):
        toll = _toll(claim["evidence"])
        if toll is None:
            continue  # cannot happen: the enum only holds sentences with one figure
        kind, value, low = toll
        claims.append({**claim, "kind": kind, "value": value, "low": low, "high": None})
    data["casualties"] = claims
    for name, key in (
        ("claims", "evidence"),
        ("quotes", "quote"),
        ("earlier_events", "evidence"),
        ("open_questions", "evidence"),
    ):
        data[name] = _dedupe(data[name], key)
    return BriefContent.model_validate(data, context=prepared.context)
