"""The free-text strategy's answer, kept item by item.

An endpoint's model fills in the whole brief schema and copies its evidence, quotes and
numbers from the article. A newsroom running hundreds of articles a day meets a
paraphrased quote every day; refusing the whole brief for it throws away everything
else the model got right. So, as langextract keeps each extraction with its alignment
and drops only what it cannot place:

1. The model's answer is read for its *shape* only (``Answer``: the brief schema,
   with lists cut to their limits; the grounding checks off). A malformed answer is
   re-asked by instructor as before.
2. ``ground`` checks each item on its own against the article, with the same
   validators a whole brief passes (``schema``'s item classes under the article's
   context): an item that holds is kept (its text as the article prints it), one that
   does not is dropped and listed with the validator's message. A placeholder for a
   missing value ("not given", "N/A": ``LANG.PLACEHOLDERS``) is no value. A date whose
   evidence fails is no date. A headline or summary that fails its checks (a number the
   article does not state, too long) is replaced by the article's own title and lead.
3. When items were dropped, the model is asked once more about those items only
   (``Fixes``, the prompt's ``fix`` question); what it gives back is grounded the same
   way and added, so nothing grounded before is lost.
4. What is still dropped goes into the brief's ``gaps`` with its message, for the editor.

An article whose prompt does not fit the model's context is read in parts (``halves``:
cut at paragraph boundaries, overlapping by a paragraph, halved again while a part does
not fit), each part briefed and grounded as above, and the parts joined (``join``):
one event (the first part's headline, summary, type and place: the lead is there), each
list the union of the parts' items, an item said twice kept once. Never truncated.

The brief fails only when the model's answer cannot be read at all, or the endpoint
fails; the caller then files the article's headline and lead for an editor.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ..grounding import source_from
from ..prepared import PreparedArticle
from ..schema import (
    EVENT_TAXONOMY,
    Actor,
    BriefContent,
    CasualtyClaim,
    Claim,
    EarlierEvent,
    EventDate,
    Gap,
    OpenQuestion,
    Quote,
    summary_sentences,
    unsupported_numbers,
)
from ..text.lang import LANG
from . import extraction

__all__ = [
    "Answer",
    "Dropped",
    "Fixes",
    "Grounded",
    "fix_request",
    "ground",
    "halves",
    "join",
    "merge",
]

# The lists of a brief whose items are checked one by one, and the class of each item.
ITEMS: dict[str, type[BaseModel]] = {
    "actors": Actor,
    "casualties": CasualtyClaim,
    "claims": Claim,
    "quotes": Quote,
    "earlier_events": EarlierEvent,
    "open_questions": OpenQuestion,
}
LIMITS = {name: BriefContent.model_fields[name].metadata for name in [*ITEMS, "weapons"]}
HEADLINE_MAX_WORDS, SUMMARY_MAX_WORDS = 15, 90
# Optional text fields where a placeholder means no value.
_NULLABLE = {
    "date": ("evidence", "time_of_day"),
    "location": ("place", "region", "country"),
    "actors": ("affiliation",),
    "claims": ("attributed_to",),
    "earlier_events": ("when",),
}


def _max_items(name: str) -> int | None:
    return next((m.max_length for m in LIMITS[name] if hasattr(m, "max_length")), None)


def _cut_lists(data: Any) -> Any:
    """A list longer than the schema allows is cut to its first items (the model's own
    order, most important first) rather than refused whole."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name in LIMITS:
        limit = _max_items(name)
        if isinstance(out.get(name), list) and limit is not None:
            out[name] = out[name][:limit]
    return out


@dataclass(frozen=True)
class Dropped:
    """One item the article did not hold: where it was, what it said, and why."""

    path: str  # e.g. "quotes[1]", "date", "summary"
    item: Any  # the model's item as it wrote it (JSON)
    reason: str

    def gap(self) -> Gap:
        shown = json.dumps(self.item, ensure_ascii=False)
        if len(shown) > 160:
            shown = shown[:157] + "..."
        text = f"dropped {shown}: {self.reason}"
        return Gap(field=self.path, reason=text if len(text) <= 400 else text[:397] + "...")


NO_DATE = {"evidence": None, "value": None, "precision": "unknown", "time_of_day": None}


def _salvage(data: Any, handler: Any) -> Any:
    """``handler(data)``; an item of a list that is not of its shape (evidence over its
    length, a kind the schema does not have) is left out and recorded, as is a date of
    the wrong shape, rather than refusing the whole answer. Anything else raises (and
    instructor re-asks)."""
    data = _cut_lists(data)
    dropped: list[Dropped] = []
    for _ in range(64):
        try:
            result = handler(data)
        except ValidationError as exc:
            if not isinstance(data, dict):
                raise
            data, more = _without_bad_items(data, exc)
            if not more:
                raise
            dropped += more
            continue
        result._shape_dropped = dropped
        return result
    raise AssertionError("unreachable: every round removes an item")  # pragma: no cover


def _without_bad_items(
    data: dict[str, Any], exc: ValidationError
) -> tuple[dict[str, Any], list[Dropped]]:
    bad: dict[tuple[str, int], str] = {}
    date_problem: str | None = None
    for err in exc.errors():
        loc = err["loc"]
        where = ".".join(str(p) for p in loc[2:])
        message = f"{where}: {err['msg']}" if where else err["msg"]
        if len(loc) >= 2 and loc[0] in LIMITS and isinstance(loc[1], int):
            bad.setdefault((str(loc[0]), loc[1]), message)
        elif loc and loc[0] == "date" and isinstance(data.get("date"), dict):
            date_problem = date_problem or ".".join(str(p) for p in loc) + ": " + err["msg"]
        else:
            return data, []  # the answer's own shape: not an item's
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in data.items()}
    dropped = []
    for (name, i), message in sorted(bad.items(), reverse=True):
        dropped.append(Dropped(f"{name}[{i}]", out[name].pop(i), message))
    if date_problem is not None:
        dropped.append(Dropped("date", out["date"], date_problem))
        out["date"] = dict(NO_DATE)
    return out, dropped[::-1]


class _ShapeOnly(BaseModel):
    """Read for its shape only when validated with the article's context: grounding is
    ``ground``'s job, item by item, and an item not of its shape is left out
    (``_salvage``) and kept in ``_shape_dropped``."""

    # not kept when the answer is stored: a brief built again from a cached answer
    # lists only what grounding drops
    _shape_dropped: list[Dropped] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _shape_only(cls, data: Any, handler: Any, info: Any) -> Any:
        if info.context is None:
            return _salvage(data, handler)
        # read without the article: the grounding validators stand aside
        return cls.model_validate(data)


class Answer(BriefContent, _ShapeOnly):
    """The brief as the model wrote it: shape only. Grounding is ``ground``'s job, item
    by item, so one paraphrased quote cannot cost the brief, and an item not of its
    shape is left out (``_salvage``). The schema the model reads is the brief's own
    (same fields, descriptions and title)."""

    model_config = ConfigDict(extra="forbid", title="BriefContent")

    @model_validator(mode="after")
    def _checks(self, info: Any) -> Answer:  # replaces the brief's whole-answer checks
        return self


class Fixes(_ShapeOnly):
    """The items the article did not hold, given again: each one's words copied exactly
    from the article, or left out."""

    model_config = ConfigDict(extra="forbid")

    date: EventDate | None = Field(
        default=None, description="The date again, only if it was listed as failing."
    )
    weapons: list[str] = Field(default_factory=list, max_length=3)
    casualties: list[CasualtyClaim] = Field(default_factory=list, max_length=3)
    claims: list[Claim] = Field(default_factory=list, max_length=3)
    quotes: list[Quote] = Field(default_factory=list, max_length=2)
    earlier_events: list[EarlierEvent] = Field(default_factory=list, max_length=2)
    open_questions: list[OpenQuestion] = Field(default_factory=list, max_length=2)


@dataclass
class Grounded:
    """What held, as plain data of a ``BriefContent``, and what was dropped."""

    data: dict[str, Any]
    dropped: list[Dropped] = field(default_factory=list)

    def needs_fixing(self) -> list[Dropped]:
        """The dropped items worth asking about again (not the code's own repairs)."""
        return [d for d in self.dropped if d.path.split("[")[0] in FIXABLE]


FIXABLE = frozenset({"date", "weapons", *ITEMS}) - {"actors"}


def is_placeholder(value: object) -> bool:
    """A model's way of saying "no value": "not given", "N/A", "unknown" ..."""
    if not isinstance(value, str):
        return False
    folded = value.strip().strip("()[]\"'").rstrip(".").strip().lower()
    return folded in LANG.PLACEHOLDERS


def _messages(exc: ValidationError) -> str:
    return "; ".join(
        (".".join(str(p) for p in e["loc"]) + ": " if e["loc"] else "") + e["msg"]
        for e in exc.errors()
    )


def _no_placeholders(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name, keys in _NULLABLE.items():
        if name not in out:
            continue
        value = out[name]
        targets = value if isinstance(value, list) else [value]
        cleaned = []
        for item in targets:
            if isinstance(item, dict):
                item = {
                    k: (None if k in keys and is_placeholder(v) else v) for k, v in item.items()
                }
            cleaned.append(item)
        out[name] = cleaned if isinstance(value, list) else cleaned[0]
    return out


def _ground_date(
    raw: dict[str, Any] | None, context: dict[str, Any]
) -> tuple[dict[str, Any], Dropped | None]:
    if raw is None:
        return dict(NO_DATE), None
    if raw.get("evidence") is None and raw.get("precision") != "unknown":
        # no evidence (or a placeholder for it): no date, as the schema says
        return {**NO_DATE, "time_of_day": raw.get("time_of_day")}, None
    try:
        return EventDate.model_validate(raw, context=context).model_dump(mode="json"), None
    except ValidationError as exc:
        return dict(NO_DATE), Dropped("date", raw, _messages(exc))


def _ground_items(
    name: str, items: Iterable[Any], context: dict[str, Any]
) -> tuple[list[Any], list[Dropped]]:
    kept: list[Any] = []
    dropped: list[Dropped] = []
    source = source_from(context)
    for i, item in enumerate(items):
        path = f"{name}[{i}]"
        if name == "weapons":
            match = source.locate(item) if source is not None and isinstance(item, str) else None
            if match is None or is_placeholder(item):
                dropped.append(Dropped(path, item, "not in the article's words"))
            else:
                kept.append(match.span)
            continue
        if name == "actors" and isinstance(item, dict):
            if is_placeholder(item.get("name")):
                dropped.append(Dropped(path, item, "names nobody"))
                continue
            if source is not None and source.locate(str(item.get("name") or "")) is None:
                # a name is written as the article writes it: one it does not is the
                # model's own (seen: a president the article never names)
                dropped.append(Dropped(path, item, "the article does not name them"))
                continue
        try:
            checked = ITEMS[name].model_validate(item, context=context)
        except ValidationError as exc:
            dropped.append(Dropped(path, item, _messages(exc)))
            continue
        if name == "claims" and source is not None:
            missing = unsupported_numbers(checked.statement, source)  # type: ignore[attr-defined]
            if missing:
                reason = f"statement states {', '.join(missing)}, which the article does not"
                dropped.append(Dropped(path, item, reason))
                continue
        kept.append(checked.model_dump(mode="json"))
    return kept, dropped


def _repair_wording(
    data: dict[str, Any], prepared: PreparedArticle, dropped: list[Dropped]
) -> None:
    """Headline and summary that fail their checks give way to the article's own title
    and lead (``extraction.skeleton``: checked as any brief), so they cannot fail."""
    source = prepared.grounding
    fallback: BriefContent | None = None

    def replace(name: str, why: str) -> None:
        nonlocal fallback
        fallback = fallback or extraction.skeleton(prepared)
        dropped.append(Dropped(name, data.get(name), f"{why}; the article's own used instead"))
        data[name] = getattr(fallback, name)

    headline = str(data.get("headline") or "")
    words = len(headline.split())
    if words > HEADLINE_MAX_WORDS:
        replace("headline", f"headline has {words} words; at most {HEADLINE_MAX_WORDS}")
    elif missing := unsupported_numbers(headline, source):
        replace("headline", f"headline states {', '.join(missing)}, which the article does not")
    summary = str(data.get("summary") or "")
    words, count = len(summary.split()), summary_sentences(summary)
    if words > SUMMARY_MAX_WORDS:
        replace("summary", f"summary has {words} words; at most {SUMMARY_MAX_WORDS}")
    elif not 1 <= count <= 4:
        replace("summary", f"summary has {count} sentence(s); 1 to 4 allowed")
    elif missing := unsupported_numbers(summary, source):
        replace("summary", f"summary states {', '.join(missing)}, which the article does not")


def _repair_type(data: dict[str, Any], dropped: list[Dropped]) -> None:
    """A sub-type filed under the wrong type: the sub-type is the more specific answer,
    so the type becomes the one it belongs to."""
    kind, sub = data.get("event_type"), data.get("sub_event_type")
    if kind in EVENT_TAXONOMY and sub in EVENT_TAXONOMY[kind]:
        return
    owner = next((t for t, subs in EVENT_TAXONOMY.items() if sub in subs), "Other news")
    if owner == "Strategic developments" and sub == "Other":
        owner = "Other news"
    dropped.append(
        Dropped("event_type", kind, f"{sub!r} is not a kind of {kind!r}; filed under {owner!r}")
    )
    data["event_type"] = owner


def ground(answer: BaseModel, prepared: PreparedArticle) -> Grounded:
    """The model's whole answer (``Answer``) checked item by item against the article."""
    context = prepared.context
    data = _no_placeholders(answer.model_dump(mode="json"))
    dropped: list[Dropped] = list(getattr(answer, "_shape_dropped", []))
    data["date"], bad_date = _ground_date(data.get("date"), context)
    if bad_date is not None:
        dropped.append(bad_date)
    for name in [*ITEMS, "weapons"]:
        data[name], lost = _ground_items(name, data.get(name) or [], context)
        dropped.extend(lost)
    _repair_wording(data, prepared, dropped)
    _repair_type(data, dropped)
    return Grounded(data, dropped)


def _key(name: str, item: Any) -> str:
    """Two items are the same when they say the same words (case and spacing aside)."""
    if isinstance(item, dict):
        item = item.get("evidence") or item.get("quote") or item.get("name") or item
    return " ".join(json.dumps(item, ensure_ascii=False).lower().split())


def merge(first: Grounded, fixes: BaseModel, prepared: PreparedArticle) -> Grounded:
    """``first`` with the grounded items of the model's ``Fixes`` added (each list to its
    limit, no item twice). Each item added settles the dropped item of its list it is
    most like; the dropped items left unsettled stay listed."""
    from rapidfuzz import fuzz

    context = prepared.context
    raw = _no_placeholders(fixes.model_dump(mode="json"))
    data = {k: (list(v) if isinstance(v, list) else v) for k, v in first.data.items()}
    open_items = list(first.dropped)

    def settle(name: str, item: Any) -> None:
        candidates = [d for d in open_items if d.path.split("[")[0] == name]
        if candidates:
            text = json.dumps(item, ensure_ascii=False)
            best = max(
                candidates,
                key=lambda d: fuzz.ratio(text, json.dumps(d.item, ensure_ascii=False)),
            )
            open_items.remove(best)

    if first.data["date"]["precision"] == "unknown" and raw.get("date"):
        date, bad = _ground_date(raw["date"], context)
        if bad is None and date["precision"] != "unknown":
            data["date"] = date
            settle("date", date)
    for name in [*ITEMS, "weapons"]:
        if name == "actors":
            continue
        kept, _ = _ground_items(name, raw.get(name) or [], context)
        for item in _add_items(data, name, kept):
            settle(name, item)
    return Grounded(data, open_items)


def _add_items(data: dict[str, Any], name: str, items: Iterable[Any]) -> list[Any]:
    """Append to ``data[name]`` the ``items`` it does not hold yet, up to the list's
    limit; the items added."""
    seen = {_key(name, x) for x in data[name]}
    limit = _max_items(name)
    added = []
    for item in items:
        if _key(name, item) in seen or (limit is not None and len(data[name]) >= limit):
            continue
        data[name].append(item)
        seen.add(_key(name, item))
        added.append(item)
    return added


def halves(text: str) -> tuple[str, str] | None:
    """``text`` cut in two at the paragraph boundary nearest its middle, the paragraph
    there in both parts (so a fact told across it is whole in one); by sentences when it
    is one paragraph; None when it cannot be cut (one sentence)."""
    from ..text.sentences import sentences

    pieces = [p.strip() for p in text.split("\n\n") if p.strip()]
    glue = "\n\n"
    if len(pieces) < 2:
        pieces, glue = [s.text for s in sentences(text)], " "
    if len(pieces) < 2:
        return None
    total = sum(len(p) for p in pieces)
    running, mid = 0, 0
    for i, piece in enumerate(pieces):
        running += len(piece)
        if running >= total / 2:
            mid = i
            break
    mid = min(max(mid, 0), len(pieces) - 2)
    first = pieces[: mid + 1]
    second = pieces[mid:] if len(pieces) >= 3 and mid >= 1 else pieces[mid + 1 :]
    if second == pieces:  # nothing would shrink
        second = pieces[mid + 1 :]
    return glue.join(first), glue.join(second)


def join(parts: Sequence[Grounded]) -> Grounded:
    """The parts of one article as one brief: the first part's headline, summary, type
    and place (the lead is in it), the first date a part states, each list the union of
    the parts' items (each once, to its limit), every part's dropped items."""
    first = parts[0]
    data: dict[str, Any] = {
        k: (list(v) if isinstance(v, list) else v) for k, v in first.data.items()
    }
    dropped = list(first.dropped)
    for n, part in enumerate(parts[1:], start=2):
        if data["date"]["precision"] == "unknown" and part.data["date"]["precision"] != "unknown":
            data["date"] = part.data["date"]
        location: dict[str, Any] = data["location"]
        if not any(location.get(k) for k in ("place", "region", "country")):
            data["location"] = part.data["location"]
        for name in [*ITEMS, "weapons"]:
            _add_items(data, name, part.data[name])
        dropped += [Dropped(f"part {n}: {d.path}", d.item, d.reason) for d in part.dropped]
    return Grounded(data, dropped)


def fix_request(dropped: Sequence[Dropped]) -> str:
    """The dropped items and why, as the fix question lists them (JSON lines)."""
    return "\n".join(
        json.dumps({"item": d.path, "as_written": d.item, "problem": d.reason}, ensure_ascii=False)
        for d in dropped
    )
