"""Focused questions about numbered sentences: a small model points, the code copies.

The article is shown once, its sentences numbered; the lead is taken as the main event.
The code works out what the model may choose from (``offer``): names in the lead, the
places it names, sentences stating one casualty figure that is not about an earlier
event, and sentences stating a recent day. One question follows, a small JSON object:
**facts** (what kind of event, in a few words; perpetrator, target and place among the
offered names, the target being the object of the lead's action when the article's
grammar shows it, ``roles.aimed_at``, and then the only name offered; the killed,
injured and day sentences among those offered), whose choices are enums in the schema
(``facts_model``) so that the server's grammar holds the model to them. The summary is
the article's own lead and the sentence after it (``lead_summary``), the headline the
article's title or the kind of event and its place (``plain_headline``); only when those
cannot serve is a second question, **wording**, asked for a written headline and
summary. The code then copies each chosen sentence verbatim as evidence, reads dates and
figures from it, takes sources from what the sentence itself says ("according to ...",
"... said"), and validates the result as an ordinary ``BriefContent``.

Why this shape (measured on a 2-core machine with a 0.5B model): one large JSON answer
came back mostly empty; every output token costs ~0.06 s; a schema written into the
prompt, or the article's sentences as enum values, multiplies the prompt; a written
headline and summary were about half of each brief's time (seeds: ratio to a plain
summary 2.24 with them, 1.78 with only the headline written). Both questions begin with the
same system text and the same numbered article, so llama.cpp's server evaluates the
article once per article; the schemas are enforced by the server's grammar
and never written into the prompt.

A name the article does not contain goes back to the model with a message saying so.
Nothing here knows anything about any particular story.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    model_validator,
)

from ..geo import country_named, country_of_place, is_country
from ..grounding import extract_toll, fold, recent_day
from ..prepared import PreparedArticle, prepared_from
from ..schema import BriefContent, Gap, summary_sentences, unsupported_numbers
from ..text.attribution import source_of
from ..text.names import names_in
from ..text.roles import EventRoles, places_in
from ..text.sentences import is_shouting
from .roles import aimed_at

__all__ = [
    "Extraction",
    "Facts",
    "Offer",
    "Wording",
    "closest_first",
    "date_candidates",
    "facts_model",
    "figure_candidates",
    "kind_in_article",
    "lead",
    "lead_summary",
    "offer",
    "plain_headline",
    "skeleton",
    "to_brief_content",
]

# Caps on each answer (a few times what a good answer takes), so that a model that
# loops costs seconds, not minutes.
FACTS_MAX_TOKENS = 200
WORDING_MAX_TOKENS = 220
_QUOTED = re.compile(r"[\"“]([^\"“”\n]{12,300})[\"”]")


def _prepared(info: ValidationInfo) -> PreparedArticle | None:
    return prepared_from(info.context)


def _named(value: str | None, prepared: PreparedArticle, what: str) -> str | None:
    """A name must be written as the article writes it (case and spacing aside)."""
    if value is None:
        return None
    value = value.strip(" .,;:'\"")
    if not value or value.lower() in {"null", "none", "unknown", "n/a", "not stated"}:
        return None
    if prepared.grounding.locate(value) is None:
        raise ValueError(
            f"{what} {value!r} is not in the article; write the name exactly as the "
            "article does, or null"
        )
    return value


def _role_names(values: tuple[str, ...], *more: list[str]) -> list[str]:
    """``values`` then ``more``, each once (case aside), first ones first."""
    out: dict[str, str] = {}
    for v in (*values, *(m for ms in more for m in ms)):
        out.setdefault(fold(v), v)
    return list(out.values())


def _as_written(name: str, prepared: PreparedArticle) -> str:
    """``name`` in the article's own letters (a text in capitals is parsed in lower case)."""
    match = prepared.grounding.locate(name)
    return match.span if match is not None and match.exact else name


def _source(prepared: PreparedArticle, n: int) -> str | None:
    """Who sentence ``n`` credits, in the article's own letters ("POLICE" in a text in
    capitals, which is parsed in lower case)."""
    source = source_of(prepared.parsed[n - 1])
    return _as_written(source, prepared) if source is not None else None


def _figure_problem(sentence: str, kind: str, prepared: PreparedArticle) -> str | None:
    if extract_toll(sentence, kind) is None:
        return f"gives no single number of people {kind}"
    if (why := prepared.earlier_reason(sentence)) is not None:
        return f"is about an earlier event ({why!r})"
    return None


def figure_candidates(prepared: PreparedArticle, kind: str) -> list[int]:
    """Numbers of the sentences that state one figure of people ``kind`` and are not
    about an earlier event: the only sentences a casualty claim may come from."""
    return [
        n
        for n, sentence in enumerate(prepared.numbered, start=1)
        if _figure_problem(sentence, kind, prepared) is None
    ]


_WORD = re.compile(r"[a-z][a-z'’-]{3,}")


def closest_first(prepared: PreparedArticle, numbers: list[int], to: int) -> list[int]:
    """``numbers`` ordered by how many words of four letters or more their sentence
    shares with sentence ``to`` (ties in article order): a small model tends to take
    the first of a list, so the likeliest comes first."""
    anchor = set(_WORD.findall(fold(prepared.numbered[to - 1])))

    def shared(n: int) -> int:
        return len(anchor & set(_WORD.findall(fold(prepared.numbered[n - 1]))))

    return sorted(numbers, key=lambda n: (-shared(n), n))


# No length or pattern in the schemas: llama.cpp expands each bound into grammar rules,
# which cost ~5 s of sampling per article here (measured); validators check instead.
Name = str | None


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


LEAD_WINDOW = 3  # sentences in which the lead event is looked for


def _readable(sentence: str) -> bool:
    return len(sentence.split()) >= 8 and not sentence.rstrip().endswith("?")


def lead(prepared: PreparedArticle) -> int:
    """The number of the lead event's sentence: among the first ``LEAD_WINDOW`` sentences
    of eight words or more, the first whose parse has a violent predicate with an
    argument, else the first of them. News is written lead first (the inverted
    pyramid), so the lead states the main event."""
    readable = [n for n, s in enumerate(prepared.numbered, start=1) if _readable(s)]
    for n in readable[:LEAD_WINDOW]:
        if any(r.agents or r.patients for r in prepared.roles[n - 1]):
            return n
    return readable[0] if readable else 1


def lead_roles(prepared: PreparedArticle, n: int) -> EventRoles | None:
    """The roles of the lead event: its sentence's first violent predicate with an
    argument (the one with the most arguments when several tie for first)."""
    roles = [r for r in prepared.roles[n - 1] if r.agents or r.patients]
    if not roles:
        return None
    best = max(roles, key=lambda r: (bool(r.agents) + bool(r.patients), -r.at))
    if best.agents:
        return best
    # "X died on Sunday in a Turkish drone strike": the sentence's other predicates name
    # the same event; the first doer among them is the lead event's.
    doers = next((r.agents for r in roles if r.agents), ())
    return dataclasses.replace(best, agents=doers)


def lead_places(prepared: PreparedArticle, n: int, roles: EventRoles | None) -> list[str]:
    """Where the lead event happened: the places its sentence gives it, else the first
    place said in the opening ``LEAD_WINDOW`` sentences."""
    if roles is not None and roles.places:
        return list(roles.places)
    for sent in [prepared.parsed[n - 1], *prepared.parsed[:LEAD_WINDOW]]:
        if places := places_in(sent):
            return places[:1]
    return []


def other_roles(prepared: PreparedArticle, n: int, window: int = 8) -> list[EventRoles]:
    """Roles of the other violent predicates in the first ``window`` sentences."""
    out = []
    shown = zip(prepared.parsed[:window], prepared.roles[:window], strict=True)
    for i, (sent, roles) in enumerate(shown, start=1):
        if i == n or prepared.earlier_reason(sent.text) is not None:
            continue  # the lead itself, or an earlier occasion ("last month, ...")
        out += [r for r in roles if r.agents or r.patients]
    return out


# One plain character class: a counted repetition ({9,139}) or an alternation keeps many
# grammar stacks alive and cost 5-9 s of sampling per answer here; max_tokens and the
# validators bound the length instead.
_PLAIN_TEXT = r'^[A-Z][^"\\{}]+$'


def _headline_problem(
    headline: str, prepared: PreparedArticle | None, *, max_words: int = 12
) -> str | None:
    if (words := len(headline.split())) > max_words or len(headline) > 110:
        return (
            f"the headline has {words} words and {len(headline)} characters; "
            f"write at most {max_words} short words"
        )
    if prepared is not None and (missing := unsupported_numbers(headline, prepared.grounding)):
        return f"the headline states {', '.join(missing)}, which the article does not"
    return _foreign_letters(headline, prepared)


def _foreign_letters(text: str, prepared: PreparedArticle | None) -> str | None:
    """Letters outside ASCII that the article does not use (a small model drifts into
    other scripts mid-sentence)."""
    if prepared is None:
        return None
    foreign = {c for c in text if not c.isascii() and c.isalpha()}
    foreign -= set(prepared.article.text)
    if foreign:
        return f"write in the article's language, not {''.join(sorted(foreign))!r}"
    return None


class Facts(_Answer):
    """The facts of the main event, each chosen among what the question offers."""

    what: str
    perpetrator: Name
    target: Name
    place: Name
    killed_sentence: int | None
    injured_sentence: int | None
    day_sentence: int | None

    @model_validator(mode="after")
    def _against_the_article(self, info: ValidationInfo) -> Self:
        """Names must be the article's, else the model is asked again. (Which sentence
        numbers may be chosen is in the schema itself: see ``facts_model``.)"""
        if (prepared := _prepared(info)) is None:
            return self
        if len(self.what) > 60 or not kind_in_article(self.what, prepared):
            # Not asked again (the other facts stand): the kind of event is then read
            # from the lead sentence, and the headline is not built from it.
            self.what = ""
        self.perpetrator = _named(self.perpetrator, prepared, "perpetrator")
        self.target = _named(self.target, prepared, "target")
        self.place = _named(self.place, prepared, "place")
        return self


class Wording(_Answer):
    """A headline and a two-sentence summary of the main event."""

    # Bounded patterns: a small model without them writes JSON fragments and quote marks
    # into the text (measured: 3 of 3 seeds failed every attempt); "[.]", not "\\.",
    # which llama-cpp-python 0.3.36's grammar parser rejects.
    # 3 to 12 words of at most 16 characters, counted by the grammar itself (a re-ask
    # did not shorten them; unbounded words came back 192 characters long).
    headline: str = Field(pattern=r'^[^ "\\{}]{1,16}( [^ "\\{}]{1,16}){2,11}$')
    summary: Annotated[
        list[str],
        WithJsonSchema(
            {
                "type": "array",
                "items": {
                    "type": "string",
                    "pattern": _PLAIN_TEXT,
                },
                "minItems": 2,
                "maxItems": 2,
            }
        ),
    ]

    @model_validator(mode="after")
    def _readable(self, info: ValidationInfo) -> Self:
        # The brief's own limits, checked here so that the model is asked again
        # instead of the finished brief failing them.
        if problem := _headline_problem(self.headline, _prepared(info)):
            raise ValueError(problem)
        if len({fold(s) for s in self.summary}) < len(self.summary):
            raise ValueError("the two summary sentences are the same; write two different ones")
        if (words := sum(len(s.split()) for s in self.summary)) > 80:
            raise ValueError(f"the summary has {words} words; write at most 80")
        self.summary = [s if s.rstrip()[-1:] in ".!?" else s.rstrip() + "." for s in self.summary]
        if not 1 <= (n := summary_sentences(" ".join(self.summary))) <= 4:
            raise ValueError(f"the summary has {n} sentences; write two")
        text = " ".join([self.headline, *self.summary])
        if problem := _foreign_letters(text, _prepared(info)):
            raise ValueError(problem)
        return self


@dataclass(frozen=True)
class Offer:
    """What the model may choose from for one article (see ``offer``)."""

    event: int
    doers: tuple[str, ...]
    targets: tuple[str, ...]
    # The target read from the lead's grammar, as the article prints it (offered in
    # ``targets`` without quotation marks, which the server's grammar cannot hold).
    target_verbatim: str | None
    target_affiliation: str | None
    places: tuple[str, ...]
    killed: tuple[int, ...]
    injured: tuple[int, ...]
    days: tuple[int, ...]
    # Read off the parse and kept by the code (not asked): the lead event's patients
    # when they are victims, its weapons, and the other violent events' doers and
    # patients near the top of the article.
    patient_role: str = "target"
    weapons: tuple[str, ...] = ()
    more_doers: tuple[str, ...] = ()
    more_patients: tuple[tuple[str, str], ...] = ()


# Who reads the lead's roles: the parse rules ("rules"), the learned scorer
# (``text.learned_roles``: "learned"), or the rules with the scorer's veto and its own
# reading where the rules read nobody ("both"). Chosen by the first-choice figures on the
# role corpora's tune split (benchmarks/accuracy.py --system first-choice --set tune
# --reader R; 305 articles; the scorer with balanced class weights): lead roles rules
# 29.0%, learned 29.3%, both 32.0%; all events 26.1 / 26.7 / 28.4%; precision 21.7 /
# 23.3 / 22.5%.
READER = "both"


def _same(a: str, b: str) -> bool:
    return fold(a) in fold(b) or fold(b) in fold(a)


def _with_learned(
    sent: Any, doers: list[str], targets: list[str], weapons: list[str]
) -> tuple[list[str], list[str], list[str]]:
    from ..text.learned_roles import roles_in

    read = {role: [s.candidate.text for s in found] for role, found in roles_in(sent).items()}
    said_doers = read.get("perpetrator", [])
    said_targets = read.get("patient", [])
    said_weapons = read.get("weapon", [])
    if READER == "learned":
        return said_doers, said_targets, said_weapons or weapons
    # both: a name the scorer puts in another role leaves this one; where the rules read
    # nobody, the scorer's reading stands

    def vetoed(name: str, role: str) -> bool:
        return any(_same(name, x) for r, xs in read.items() if r != role for x in xs)

    kept_doers = [d for d in doers if not vetoed(d, "perpetrator")] or said_doers
    kept_targets = [t for t in targets if not vetoed(t, "patient")] or said_targets
    return kept_doers, kept_targets, weapons or said_weapons


def offer(prepared: PreparedArticle) -> Offer:
    """The choices worked out from the article: the lead event's sentence, its doers
    and patients as the parse reads them (then the other people and groups it names),
    its places, the sentences stating one casualty figure not about an earlier event
    (likeliest first), and, when the lead gives no day, the sentences stating one
    recent day."""
    n = lead(prepared)
    lead_sentence = prepared.numbered[n - 1]
    roles = lead_roles(prepared, n)
    # Only what the parse read is offered (a small model given more picks a bystander:
    # seen, the outlet quoted as the doer). Where it read nobody in a role, the role is
    # left empty and the brief says why: offered the names the lead merely mentions, the
    # model chose a wrong one 24 times in 25 on the development set.
    doers = list(roles.agents) if roles and roles.agents else []
    targets = list(roles.patients) if roles and roles.patients else []
    if roles is not None:
        doers = [d for d in doers if fold(d) not in {fold(t) for t in roles.patients}]
        targets = [t for t in targets if fold(t) not in {fold(d) for d in roles.agents}]
    weapons = list(roles.weapons[:2]) if roles else []
    if READER != "rules":
        doers, targets, weapons = _with_learned(prepared.parsed[n - 1], doers, targets, weapons)
    # The object of the lead's action, identified where the article names it, is the
    # target: offered alone (the grammar then admits nothing else). Read from the case
    # of the words, so not in a text written in capitals.
    aim = None if is_shouting(lead_sentence) else aimed_at(prepared.numbered, n)
    read = targets  # the patients the parse read, kept beside the identified target
    if (
        aim is not None
        and read
        and fold(aim.name) in fold(lead_sentence)
        and not any(fold(aim.name) in fold(t) or fold(t) in fold(aim.name) for t in read)
    ):
        # Another object of the lead than the one the parse read ("injured scores of
        # others" beside "slaughtered 49 people"; "Obama" in a clause about a hoax): the
        # parse's reading stands. The reading identifies a target where it names the
        # parse's patient from a later sentence ("the commander, Abu Ruiz, ...").
        aim = None
    if aim is not None:
        targets = [_grammar_safe(aim.name)]
        doers = [d for d in doers if fold(d) not in fold(aim.name)] or doers
    days = (
        []
        if recent_day(lead_sentence, prepared.article.published)
        else [c for c in date_candidates(prepared) if c != n]
    )
    others = other_roles(prepared, n)
    choices = Offer(
        event=n,
        doers=tuple(doers),
        targets=tuple(targets),
        target_verbatim=aim.name if aim else None,
        target_affiliation=aim.affiliation if aim else None,
        places=tuple(lead_places(prepared, n, roles)),
        killed=tuple(closest_first(prepared, figure_candidates(prepared, "killed"), n)),
        injured=tuple(closest_first(prepared, figure_candidates(prepared, "injured"), n)),
        days=tuple(days),
        patient_role=roles.patient_role if roles else "target",
        weapons=tuple(weapons),
        # the lead's other doers and patients ("killing two nurses and a guard") first
        more_doers=tuple(
            _role_names(roles.agents[1:] if roles else (), *[list(r.agents) for r in others])
        ),
        more_patients=tuple(
            dict.fromkeys(
                (
                    [(p, roles.patient_role) for p in read if fold(p) != fold(targets[0])]
                    if roles
                    else []
                )
                + [(p, r.patient_role) for r in others for p in r.patients]
            )
        ),
    )
    if not is_shouting(lead_sentence):
        return choices
    written = functools.partial(_as_written, prepared=prepared)
    return dataclasses.replace(
        choices,
        doers=tuple(map(written, choices.doers)),
        targets=tuple(map(written, choices.targets)),
        places=tuple(map(written, choices.places)),
        weapons=tuple(map(written, choices.weapons)),
        more_doers=tuple(map(written, choices.more_doers)),
        more_patients=tuple((written(p), r) for p, r in choices.more_patients),
    )


def _grammar_safe(value: str) -> str:
    """``value`` without double quotation marks or backslashes (see ``_choice``)."""
    return " ".join(value.replace('"', "").replace("\\", "").split())


def _choice(values: tuple[Any, ...], free: Any, *, required: bool = False) -> Any:
    """A field that only admits ``values`` (or null unless ``required``); ``free`` when
    there are none.

    Sorted: a grammar's alternatives have no order, and ``typing`` caches a Literal by
    its set of values, so an unsorted one could carry another article's order into the
    schema (and so into the cache key)."""
    # llama-cpp-python's schema-to-grammar converter mis-escapes a double quote or a
    # backslash inside an enum value, and its server then stops (seen: a nickname in
    # quotes); such a value is not offered.
    values = tuple(v for v in values if not (isinstance(v, str) and ('"' in v or "\\" in v)))
    if not values:
        return (free, ...)
    allowed = Literal[tuple(sorted(values))]  # type: ignore[valid-type]
    return (allowed, ...) if required else (allowed | None, ...)


@cache
def facts_model(choices: Offer) -> type[Facts]:
    """``Facts`` whose names and sentence numbers are enums of the offered choices, so a
    grammar-constrained model can only choose among them (or null)."""
    model: type[Facts] = create_model(
        "Facts",
        __base__=Facts,
        __doc__=Facts.__doc__,
        # A choice is required among the doers and patients the parse read (a small
        # model answers null even when the doer is offered first); none read, null only.
        perpetrator=_choice(choices.doers, None, required=True),
        target=_choice(choices.targets, None, required=True),
        place=_choice(choices.places, Name, required=True),
        # The offered figures are already this event's (background ones are filtered
        # out); a small model answers null even when the first one is right.
        killed_sentence=_choice(choices.killed, None, required=True),
        injured_sentence=_choice(choices.injured, None, required=True),
        day_sentence=_choice(choices.days, None),
    )
    return model


@dataclass
class Extraction:
    """The answers about one article, put together."""

    event: int
    event_type: tuple[str, str]
    headline: str
    summary: list[str]
    date: int | None = None
    place: str | None = None
    perpetrator: str | None = None
    target: str | None = None
    target_affiliation: str | None = None
    target_verbatim: bool = False  # the target is the one the article identifies
    patient_role: str = "target"
    killed: list[int] = field(default_factory=list)
    injured: list[int] = field(default_factory=list)
    places: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    more_doers: tuple[str, ...] = ()
    more_patients: tuple[tuple[str, str], ...] = ()
    gaps: list[dict[str, str]] = field(default_factory=list)


# --- from the answers to the ordinary brief ---------------------------------------------


SUMMARY_MAX_WORDS = 80
MAX_ACTORS = 8  # the brief's limit
_KIND_WORD = re.compile(r"[a-z]{4,}")


def kind_in_article(what: str, prepared: PreparedArticle) -> bool:
    """Whether a "kind of event" answer is the article's: some word of it (4+ letters,
    compared on its first five, so "strikes" meets "strike") occurs in the article, and
    it names nobody from the lead (a small model answers "who" for "what", or copies an
    example from its instructions: seen, a flood for an article that mentions none)."""
    words = {w[:5] for w in _KIND_WORD.findall(fold(prepared.article.text))}
    if not any(w[:5] in words for w in _KIND_WORD.findall(fold(what))):
        return False
    n = lead(prepared)
    roles = lead_roles(prepared, n)
    lead_names = names_in(prepared.numbered[n - 1])
    if roles is not None:  # proper names the parse found in a role ("Gunmen"), not "officers"
        lead_names += [r for r in (*roles.agents, *roles.patients) if not r.islower()]
    return not any(fold(name) in fold(what) for name in lead_names)


HEADLINE_MAX_WORDS = 15  # the brief's own limit


def lead_clause(prepared: PreparedArticle, max_words: int = 12) -> str | None:
    """The lead's own words from its doer to its patient ("gunmen abducted a local radio
    journalist"), when the parse read both and they stand in that order, in at most
    ``max_words`` words; else None."""
    n = lead(prepared)
    roles = lead_roles(prepared, n)
    if roles is None or not roles.agents or not roles.patients:
        return None
    sentence = prepared.numbered[n - 1]
    start = sentence.find(roles.agents[0])
    end = sentence.find(roles.patients[0], start + 1) if start >= 0 else -1
    if end < 0:
        return None
    stop = end + len(roles.patients[0])
    clause = sentence[start:stop]
    if sentence[stop : stop + 1].isalnum() or sentence[stop : stop + 1] == "-":
        return None  # the phrase ends inside a word ("an Iran-backed militia")
    if roles.predicate not in clause:
        return None  # the doer and the patient of different verbs
    return clause if 3 <= len(clause.split()) <= max_words else None


def roles_headline(prepared: PreparedArticle, choices: Offer) -> str | None:
    """A headline of the lead event's own words as the parse read them: "doer verb
    patient" ("Police arrested the former mayor"), else "patient verb in place"
    ("Three soldiers killed in Helmand"); None when the parse read no patient."""
    roles = lead_roles(prepared, choices.event)
    if roles is None or not roles.patients:
        return None
    patient = choices.target_verbatim or roles.patients[0]
    where = f" in {choices.places[0]}" if choices.places else ""
    if roles.tag in ("VBD", "VBZ", "VBP") and roles.agents and choices.doers:
        return f"{roles.agents[0]} {roles.predicate} {patient}"  # a verb in the past or present
    if roles.tag == "VBN":
        return f"{patient} {roles.predicate}{where}"  # "were killed": the participle
    return None


def plain_headline(
    facts: Facts, prepared: PreparedArticle, choices: Offer | None = None
) -> str | None:
    """A headline without asking the model to write one: the article's own title, else
    the kind of event and its place ("Flash flood in Kaduna"), else the lead's words
    from its doer to its patient, else its doer, verb and patient as the parse read
    them; None if none passes the headline checks (then the wording question is
    asked)."""
    candidates = [prepared.article.title] if prepared.article.title else []
    if what := facts.what.strip():
        what = what[0].upper() + what[1:]
        candidates.append(f"{what} in {facts.place}" if facts.place else what)
    if (clause := lead_clause(prepared)) is not None:
        candidates.append(clause[0].upper() + clause[1:])
    if choices is not None and (built := roles_headline(prepared, choices)) is not None:
        candidates.append(built[0].upper() + built[1:])
    for headline in candidates:
        if len(headline.split()) >= 2 and not _headline_problem(
            headline, prepared, max_words=HEADLINE_MAX_WORDS
        ):
            return headline
    return None


SUMMARY_MAX_SENTENCES = 4


def lead_summary(prepared: PreparedArticle, event: int) -> list[str] | None:
    """The article's own summary, verbatim: the lead (sentence ``event``) and the sentence
    after it, then, when those do not tell who did it, where, or the toll, the first
    later sentences (of the next five) that do, up to ``SUMMARY_MAX_WORDS`` words and
    ``SUMMARY_MAX_SENTENCES`` sentences; the lead alone when it and the next exceed the
    limit. None when there is no second sentence or the lead alone exceeds the limit
    (then the model writes one)."""
    sentences = prepared.numbered[event - 1 : event + 1]
    if len(sentences) < 2 or len({fold(s) for s in sentences}) < 2:
        return None
    if len(" ".join(sentences).split()) > SUMMARY_MAX_WORDS:
        # a long lead stands alone (measured on the dev set: the small model's written
        # summaries of such articles failed their word limit on every attempt)
        return sentences[:1] if len(sentences[0].split()) <= SUMMARY_MAX_WORDS else None
    chosen = [event, event + 1]
    figures = set(figure_candidates(prepared, "killed"))  # read once, not per sentence

    def tells(n: int) -> tuple[bool, bool, bool]:
        roles = prepared.roles[n - 1]
        return (
            any(r.agents for r in roles),
            any(r.places for r in roles),
            n in figures,
        )

    told = [any(t) for t in zip(*(tells(n) for n in chosen), strict=True)]
    for n in range(event + 2, min(event + 7, len(prepared.numbered) + 1)):
        if all(told) or len(chosen) == SUMMARY_MAX_SENTENCES:
            break
        adds = [new and not old for new, old in zip(tells(n), told, strict=True)]
        words = sum(len(prepared.numbered[k - 1].split()) for k in [*chosen, n])
        if any(adds) and words <= SUMMARY_MAX_WORDS:
            chosen.append(n)
            told = [a or b for a, b in zip(told, adds, strict=True)]
    return [prepared.numbered[k - 1] for k in chosen]


def lead_only(prepared: PreparedArticle, event: int) -> list[str]:
    """The fallback summary, which cannot fail its checks: the lead sentence verbatim,
    cut at ``SUMMARY_MAX_WORDS`` words (with an ellipsis) when longer."""
    words = prepared.numbered[event - 1].split()
    if len(words) <= SUMMARY_MAX_WORDS:
        return [" ".join(words)]
    return [" ".join(words[:SUMMARY_MAX_WORDS]).rstrip(",;:") + " …"]


def fallback_headline(prepared: PreparedArticle, event: int) -> str:
    """A headline when no title serves and the model's wording failed: the lead's first
    words, cut at ``HEADLINE_MAX_WORDS - 3``."""
    words = prepared.numbered[event - 1].split()[: HEADLINE_MAX_WORDS - 3]
    return " ".join(words).rstrip(",;:.") + (" …" if len(words) == HEADLINE_MAX_WORDS - 3 else "")


def skeleton(prepared: PreparedArticle) -> BriefContent:
    """The brief of an article whose model answers failed: its title (or the lead's
    first words) and its lead, verbatim; every other field empty. Checked as any brief."""
    n = lead(prepared)
    title = prepared.article.title
    usable = title and not _headline_problem(title, prepared, max_words=HEADLINE_MAX_WORDS)
    return BriefContent.model_validate(
        {
            "headline": title if usable else fallback_headline(prepared, n),
            "summary": " ".join(lead_summary(prepared, n) or lead_only(prepared, n)),
            "event_type": "Other news",
            "sub_event_type": "Other",
            "date": {"evidence": None, "value": None, "precision": "unknown", "time_of_day": None},
            "location": {"place": None, "region": None, "country": None, "precision": "unknown"},
            "actors": [],
            "casualties": [],
            "claims": [],
            "quotes": [],
            "earlier_events": [],
            "open_questions": [],
        },
        context=prepared.context,
    )


def date_candidates(prepared: PreparedArticle) -> list[int]:
    """Numbers of the sentences that state one day in the week before publication."""
    published = prepared.article.published
    return [
        i
        for i, sentence in enumerate(prepared.numbered, start=1)
        if recent_day(sentence, published) is not None
    ]


def _claims_and_quotes(
    prepared: PreparedArticle, skip: set[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Attributed statements and direct quotations, read off the article's sentences.

    A claim is a sentence that names its source and is not about an earlier event; a
    quote is a quoted passage whose sentence names its speaker. Both are the article's
    own words with the article's own attribution, first ones first.
    """
    claims: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    for n, sentence in enumerate(prepared.numbered, start=1):
        source = _source(prepared, n)
        if source is None or n in skip:
            continue
        quoted = _QUOTED.search(sentence)
        if quoted and len(quotes) < 2:
            quotes.append({"quote": quoted.group(1).strip(" ,."), "speaker": source})
        elif (
            not quoted
            and len(sentence) <= 200  # a claim's statement is at most 200 characters
            and len(claims) < 3
            and not prepared.earlier_reason(sentence)
        ):
            claims.append(
                {
                    "evidence": sentence,
                    # the claim in the article's own words, trimmed as evidence is
                    "statement": sentence.strip(" \"'.,;:…-"),
                    "attributed_to": source,
                    "status": "attributed",
                }
            )
    return claims, quotes


def to_brief_content(x: Extraction, prepared: PreparedArticle) -> BriefContent:
    """The ordinary brief: evidence copied from the chosen sentences, dates and figures
    read from them, names as the article writes them; validated with the usual checks."""
    sentences = prepared.numbered
    article = prepared.article
    event_type, sub_event_type = x.event_type

    day = None
    evidence = None
    for n in dict.fromkeys(k for k in (x.event, x.date) if k is not None):
        if (day := recent_day(sentences[n - 1], article.published)) is not None:
            evidence = sentences[n - 1]
            break
    times = [t for t in prepared.times_of_day if t in sentences[x.event - 1]]

    place = x.place
    # A second place the lead event's sentence names ("a camp in Helmand Province"), as
    # the area it lies in.
    region = next((p for p in x.places if place and fold(p) != fold(place)), None)
    if place and is_country(place):  # "Chile" is where, but not a town or city
        country = country_of_place(place)
        place, region = region, None
    else:
        country = country_of_place(place) if place else None
    if region and is_country(region):
        country, region = country or country_of_place(region), None
    if country is None and region:
        country = country_of_place(region)
    if country and not country_named(country, f"{article.title or ''}\n{article.text}"):
        # The schema's country is the one the article states: the gazetteer's country
        # of a town the article names is an inference (the digest makes it to gate
        # its stories), not a fact of the brief.
        country = None
    precision = "city" if place else "region" if region else "country" if country else "unknown"

    actors = []
    if x.perpetrator:
        actors.append(
            {"name": x.perpetrator, "kind": "unknown", "role": "perpetrator", "affiliation": None}
        )
    if x.target and (not x.perpetrator or fold(x.target) != fold(x.perpetrator)):
        actors.append(
            {
                "name": x.target,
                "kind": "unknown",
                # the person the article identifies as the lead's object was aimed at
                "role": "target" if x.target_verbatim else x.patient_role,
                "affiliation": x.target_affiliation,
            }
        )
    # The other violent events' doers and patients near the top, as the parse read them.
    named = {fold(str(a["name"])) for a in actors}
    more = [(d, "perpetrator") for d in x.more_doers] + list(x.more_patients)
    for name, role in more:
        if len(actors) >= MAX_ACTORS:
            break
        if fold(name) not in named:
            named.add(fold(name))
            actors.append({"name": name, "kind": "unknown", "role": role, "affiliation": None})

    casualties = []
    for kind in ("killed", "injured"):
        for n in dict.fromkeys(getattr(x, kind)):
            sentence = sentences[n - 1]
            if (toll := extract_toll(sentence, kind)) is None:
                continue
            value, low = toll
            casualties.append(
                {
                    "evidence": sentence,
                    "kind": kind,
                    "value": value,
                    "low": low,
                    "high": None,
                    "attributed_to": _source(prepared, n) or article.outlet or "the outlet",
                }
            )

    claims, quotes = _claims_and_quotes(prepared, skip=set(x.killed) | set(x.injured))
    data: dict[str, Any] = {
        "headline": x.headline,
        "summary": " ".join(x.summary),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "date": {
            "evidence": evidence,
            "value": day.isoformat() if day else None,
            "precision": "exact" if day else "unknown",
            "time_of_day": times[0] if times else None,
        },
        "location": {
            "place": place,
            "region": region,
            "country": country,
            "precision": precision,
        },
        "actors": actors,
        "weapons": list(x.weapons),
        "casualties": casualties[:3],
        "claims": claims,
        "quotes": quotes,
        "earlier_events": [],
        "open_questions": [],
    }
    content = BriefContent.model_validate(data, context=prepared.context)
    content._gaps = [Gap.model_validate(g) for g in x.gaps]
    return content
