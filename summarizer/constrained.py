"""Sentence-constrained variant of the brief schema, for small local models.

A 0.5B model asked to *copy* evidence invents or splices it (measured on the seeds:
every article failed grounding on all three attempts). Here the response model is built
per article so that each ``evidence`` field is an enum of the article's own sentences
and each ``quote`` an enum of its quoted passages; llama.cpp turns the enums into its
JSON grammar, so the model can only *choose* article text, never write it. An article
without a publication date gets a date block that can only say "unknown".

The result is converted to the ordinary ``BriefContent`` and validated again with the
same grounding checks, so the output is the same schema, checked the same way. The
constraint changes what the model may write, never what the checks accept.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from .grounding import extract_toll, plain_text, split_sentences
from .ingest import Article, content_passages
from .schema import (
    BriefContent,
    Claim,
    EarlierEvent,
    EventDate,
    OpenQuestion,
    Quote,
)

__all__ = ["article_sentences", "constrained_model", "quoted_passages", "to_brief_content"]

_QUOTED = re.compile(r"[\"“]([^\"“”\n]{12,300})[\"”]")
# A casualty claim's evidence must state a number of people hurt (the validator demands
# the number be in it); an open question's evidence must say something is not known.
_CASUALTY = re.compile(
    r"\b(kill\w*|dead|deaths?|died|wound\w*|injur\w*|casualt\w*)\b", re.IGNORECASE
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"hundreds?|thousands?)\b",
    re.IGNORECASE,
)
_UNRESOLVED = re.compile(
    r"\b(unclear|not (yet )?(known|clear|confirmed|immediately)|unknown|whether|"
    r"investigat\w*|assessment|unconfirmed|unverified|may have|did not say|declined to)\b",
    re.IGNORECASE,
)


def article_sentences(article: Article) -> list[str]:
    """The sentences of the article's content (boilerplate excluded), each verbatim."""
    seen: dict[str, None] = {}
    for _, passage in content_passages(article):
        for sentence in split_sentences(passage):
            if 12 <= len(sentence) <= 400:
                seen.setdefault(sentence, None)
    return list(seen)


def quoted_passages(article: Article) -> list[str]:
    """Text between quotation marks in the article's content, verbatim."""
    seen: dict[str, None] = {}
    for _, passage in content_passages(article):
        for match in _QUOTED.finditer(passage):
            seen.setdefault(match.group(1).strip(" ,."), None)
    return [q for q in seen if q]


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


def constrained_model(article: Article) -> type[BriefContent]:
    """A ``BriefContent`` subclass whose evidence/quote fields only admit article text."""
    sentences = article_sentences(article)
    quotes = quoted_passages(article)
    sentence_t: Any = _enum("ArticleSentence", sentences) if sentences else str
    desc = "One sentence of the article, chosen from the list."
    tolls = [s for s in sentences if _CASUALTY.search(s) and _NUMBER.search(s)]
    unresolved = [s for s in sentences if _UNRESOLVED.search(s)]
    toll_t: Any = _enum("CasualtySentence", tolls) if tolls else str
    unresolved_t: Any = _enum("UnresolvedSentence", unresolved) if unresolved else str

    def variant(base: type[BaseModel], **fields: Any) -> Any:
        return create_model(base.__name__, __base__=base, __doc__=base.__doc__, **fields)

    quote_fields: dict[str, Any] = {}
    quote_items = 2
    if quotes:
        quote_fields["quote"] = (
            _enum("QuotedPassage", quotes),
            Field(description="A passage the article prints in quotation marks."),
        )
    else:
        quote_items = 0
    date_fields: dict[str, Any]
    if article.published is None:
        # Nothing to resolve "Wednesday" against: the only truthful date is "unknown".
        date_fields = {
            "evidence": (None, Field(description="Always null: no publication date.")),
            "value": (None, Field(description="Always null: no publication date.")),
            "precision": (Literal["unknown"], Field(description="Always 'unknown'.")),
        }
    else:
        date_fields = {"evidence": (sentence_t | None, Field(description=desc))}
    lists = {
        "casualties": _casualty_choice(toll_t),
        "claims": variant(Claim, evidence=(sentence_t, Field(description=desc))),
        "quotes": variant(Quote, **quote_fields),
        "earlier_events": variant(EarlierEvent, evidence=(sentence_t, Field(description=desc))),
        "open_questions": variant(OpenQuestion, evidence=(unresolved_t, Field(description=desc))),
    }
    # Fewer items than the full schema allows: each one costs a small model ~100 tokens
    # of output and is one more chance to fail a check.
    max_items = {
        "casualties": 2 if tolls else 0,
        "claims": 2,
        "quotes": quote_items,
        "earlier_events": 2,
        "open_questions": 2 if unresolved else 0,
    }
    fields: dict[str, Any] = {
        "date": (variant(EventDate, **date_fields), ...),
    }
    for name, model in lists.items():
        fields[name] = (list[model], Field(max_length=max_items[name]))  # type: ignore[valid-type]
    return create_model(
        "BriefContent", __base__=BriefContent, __doc__=BriefContent.__doc__, **fields
    )


class _CasualtyChoice(BaseModel):
    """A claim about people killed or injured in the main event: choose the sentence that
    states the number; the number itself is read from that sentence."""

    model_config = ConfigDict(extra="forbid")

    evidence: str
    kind: Literal["killed", "injured"]
    attributed_to: str = Field(
        description="Who says so, e.g. 'Iraq's Joint Operations Command'.", max_length=100
    )

    @model_validator(mode="after")
    def _states_one_number(self) -> Self:
        sentence = plain_text(self.evidence)
        if extract_toll(sentence, self.kind) is None:
            raise ValueError(
                f"the sentence {sentence!r} does not state one clear number of "
                f"people {self.kind}; choose a sentence that does, or leave the claim out"
            )
        return self


def _casualty_choice(sentence_t: Any) -> Any:
    return create_model(
        "CasualtyClaim",
        __base__=_CasualtyChoice,
        __doc__=_CasualtyChoice.__doc__,
        evidence=(sentence_t, Field(description="The article sentence stating the number.")),
    )


def to_brief_content(variant: BriefContent, context: dict[str, Any]) -> BriefContent:
    """The ordinary brief, validated again with the same grounding checks.

    Casualty figures are read from the chosen evidence sentence (``extract_toll``), so the
    number in the brief is the number in the article's words.
    """
    data = variant.model_dump(mode="json")
    for claim in data["casualties"]:
        value, low = extract_toll(claim["evidence"], claim["kind"]) or (None, None)
        claim.update(value=value, low=low, high=None)
    return BriefContent.model_validate(data, context=context)
