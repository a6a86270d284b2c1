"""Who did what to whom, where and with what: read off the dependency parse.

For each violent predicate of a sentence (a verb such as "killed", "was shot", "blew
up", or a noun such as "attack", "bombing", "airstrike"; the lists are ``lang``'s), the
parse gives its **agent** (the subject of an active verb; "by X" of a passive verb or
of a noun; a "Taliban attack"'s modifier; the subject of the clause a participle hangs
from: "a gunman opened fire, killing two"), its **patient** (the object; the subject of
a passive verb or of "died"; "the attack on X"), the **places** it happened in (the
sentence's place entities, and "in/at/near X" where the parser sees a proper noun, as
in lower-case text) and the **weapons** (noun phrases headed by a weapon noun: a bomb
that "killed" is a weapon, not a perpetrator). Every value is a contiguous phrase of
the sentence, as the article writes it.

Pure: no model, no network, no I/O. Nothing here knows any particular story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from spacy.tokens import Span, Token

from ..geo import is_country
from .lang import LANG

__all__ = ["EventRoles", "article_roles", "event_roles", "phrase", "places_in"]

_PLACE_ENTS = {"GPE", "LOC", "FAC"}
_NOT_ACTOR_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
_WHERE = {"in", "at", "near", "outside", "inside", "across", "into", "around", "on"}
# Children whose subtree is not part of a name: clauses, lists, asides, punctuation.
_CUT = {"relcl", "acl", "advcl", "appos", "punct", "cc", "conj", "prep", "det",
        "predet", "case", "mark", "advmod", "npadvmod", "parataxis"}  # fmt: skip
MAX_PHRASE = 80  # the brief's limit on a name
_NOTE_MARK = re.compile(r"\[\d+\]?.*$")


@dataclass(frozen=True)
class EventRoles:
    """One violent predicate of a sentence and its arguments, as the sentence writes them."""

    predicate: str
    patient_role: Literal["target", "victim"]
    agents: tuple[str, ...] = ()
    patients: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    # Where the predicate is in its sentence (token index), for ordering; its tag
    # (VBD "killed", VBN "was killed", NN "attack").
    at: int = field(default=0, compare=False)
    tag: str = field(default="", compare=False)
    # The doer is a pronoun ("They killed 23 soldiers"): who it is, the article's
    # earlier sentences say (``article_roles``).
    agent_pronoun: bool = field(default=False, compare=False)


def _lemma(token: Token) -> str:
    return token.lemma_.lower() or token.lower_


def _names_an_attack(token: Token) -> bool:
    """A noun naming a violent event ("attack", "bombings"), by its lemma or its form."""
    return _lemma(token) in LANG.ATTACK_NOUNS or token.lower_ in LANG.ATTACK_NOUNS


def _is_weapon(token: Token) -> bool:
    """A weapon noun ("bomb", "drones"), also written in two words ("air strike")."""
    if _lemma(token) in LANG.WEAPON_NOUNS or token.lower_ in LANG.WEAPON_NOUNS:
        return True
    return any(
        c.dep_ == "compound" and c.lower_ + _lemma(token) in LANG.WEAPON_NOUNS
        for c in token.children
    )


def _joins_a_word(token: Token) -> bool:
    """A hyphen inside a word the tokenizer split ("42-year-old")."""
    doc = token.doc
    return (
        token.text in ("-", "–")
        and not token.whitespace_
        and token.i > 0
        and not doc[token.i - 1].whitespace_
    )


def phrase(token: Token) -> str | None:
    """The noun phrase ``token`` heads, without its clauses, lists and determiners,
    "of" phrases kept ("members of the security forces"); None for a pronoun, a date,
    a number or a word that names nobody."""
    partitive = token.pos_ == "NUM" and any(  # "one of the sources", "two of them"
        c.dep_ == "prep" and c.lower_ == "of" for c in token.children
    )
    if not partitive and (
        token.pos_ not in ("NOUN", "PROPN") or token.ent_type_ in _NOT_ACTOR_ENTS
    ):
        return None
    if partitive:
        pass
    elif (
        token.lower_ in LANG.NO_NAME and not token.text.isupper()
    ) or token.lower_ in LANG.WEEKDAYS:
        return None  # a pronoun ("us"), not an acronym ("US")
    if token.lower_ in LANG.MONTHS and token.pos_ != "PROPN":
        return None
    keep = {token.i}

    def take(t: Token) -> None:
        for child in t.children:
            if child.dep_ in _CUT and not (child.dep_ == "prep" and child.lower_ == "of"):
                continue
            if child.dep_ == "poss" and child.pos_ == "PRON":
                continue
            keep.update(
                c.i
                for c in child.subtree
                if c.dep_ not in ("relcl", "appos", "punct") or _joins_a_word(c)
            )
            if child.dep_ == "prep":  # the object of "of", itself cut as above
                continue
            take(child)

    take(token)
    doc = token.doc
    lo, hi = min(keep), max(keep)
    # a count opens the phrase ("shot dead two police officers": not "dead two ...")
    for child in token.children:
        if child.dep_ == "nummod" and child.i < token.i:
            lo = max(lo, child.left_edge.i)
    # a contiguous run only: stop at the first gap on either side of the head
    while lo < token.i and any(i not in keep for i in range(lo, token.i)):
        lo += 1
    while hi > token.i and any(i not in keep for i in range(token.i + 1, hi + 1)):
        hi -= 1
    words = doc[lo : hi + 1]
    # a reference mark glued to a name as encyclopedia text has it ("McBride[900]")
    text = _NOTE_MARK.sub("", words.text).strip(" ,.;:'\"“”‘’()-—")
    if len(text) > MAX_PHRASE:
        text = token.text
    return text or None


def _with_conjuncts(token: Token) -> Iterator[Token]:
    yield token
    yield from (c for c in token.conjuncts if c.pos_ in ("NOUN", "PROPN"))


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _pobjs(token: Token, preps: Iterable[str]) -> list[Token]:
    wanted = set(preps)
    return [o for p in token.children if p.dep_ in ("prep", "agent") and p.lower_ in wanted
            for o in p.children if o.dep_ == "pobj"]  # fmt: skip


def _speaker_of(clause: Token) -> list[Token]:
    """The subject of the verb of saying ``clause`` is reported by ("X said it killed
    ..." -> X), or nothing."""
    head = clause.head
    if clause.dep_ == "ccomp" and (head.lemma_.lower() or head.lower_) in LANG.SAY_VERBS:
        return [c for c in _children(head, "nsubj") if c.pos_ != "PRON"]
    return []


def _subject_up(verb: Token) -> list[Token]:
    """The subject of ``verb``, or of the clause it hangs from ("..., killing two"); a
    pronoun subject of a reported clause is its speaker ("the army said it killed")."""
    t: Token | None = verb
    for _ in range(4):
        if t is None:
            break
        if subjects := _children(t, "nsubj"):
            if all(s.pos_ == "PRON" for s in subjects) and (speaker := _speaker_of(t)):
                return speaker
            return subjects
        if t.dep_ not in ("advcl", "xcomp", "conj", "acl", "pcomp") or t.head is t:
            break
        t = t.head if t.head.pos_ in ("VERB", "AUX") else t.head.head
    return []


def _noun_agents(noun: Token) -> list[Token]:
    """Who carried out the event a noun names: "by X", or a group or a country named
    before it ("a Taliban attack", "a Turkish drone strike"); a town ("the Kabul bombing") or an
    occasion ("the Boston Marathon bombing") is where or when, not who."""
    named = [
        c
        for c in noun.children
        if c.dep_ in ("compound", "poss", "amod", "nmod")
        and (c.ent_type_ in ("ORG", "NORP") or (c.ent_type_ == "GPE" and is_country(c.text)))
    ]
    return _pobjs(noun, ["by"]) + named + _light_verb_agents(noun)


def _light_verb_agents(noun: Token) -> list[Token]:
    """Who carried out the event ``noun`` names, as the verb it is the object of says:
    "militants launched an attack", "the attack is believed to have been carried out
    by X", "X claimed responsibility for the attack"."""
    t = noun
    if t.dep_ == "pobj" and t.head.lower_ == "for" and t.head.head.lower_ == "responsibility":
        t = t.head.head
    if t.dep_ == "dobj" and _lemma(t.head) in LANG.LIGHT_VERBS:
        return _subject_up(t.head)
    if t.dep_ == "nsubjpass":
        for verb in (t.head, *_children(t.head, "xcomp")):
            if _lemma(verb) in LANG.LIGHT_VERBS and (by := _pobjs(verb, ["by"])):
                return by
    return []


def _means(tokens: list[Token]) -> tuple[list[Token], list[str]]:
    """``tokens`` with each event noun among them ("a strike killed ...") replaced by
    whoever carried it out; the event nouns themselves, as the means used."""
    out: list[Token] = []
    means: list[str] = []
    for t in tokens:
        if _names_an_attack(t):
            out += _noun_agents(t)
            if (text := phrase(t)) is not None:
                means.append(text)
        else:
            out.append(t)
    return out, means


def _predicates(sent: Span) -> Iterator[Token]:
    for token in sent:
        lemma = _lemma(token)
        verb = token.pos_ == "VERB" and (lemma in LANG.ATTACK_VERBS or lemma in LANG.SUFFER_VERBS)
        noun = token.pos_ == "NOUN" and _names_an_attack(token)
        if verb or noun:
            yield token


def _where(token: Token) -> bool:
    """Whether ``token`` heads a phrase saying where: the object of "in", "at", "near"
    ..., or a name set beside one ("in Kandahar, Afghanistan")."""
    for _ in range(3):
        if token.dep_ == "pobj" and token.head.lower_ == "of":
            if token.head.head.lower_ not in LANG.PLACE_NOUNS:
                return False
            token = token.head.head  # "in the city of Lyon", "in the province of Kunduz"
            continue
        if token.dep_ == "pobj":
            return token.head.lower_ in _WHERE
        if token.dep_ not in ("appos", "conj", "compound", "npadvmod") or token.head is token:
            return False
        if token.dep_ == "compound" and token.head.lower_ not in LANG.PLACE_NOUNS:
            return False  # "in Maidan Wardak province" is where; "US forces" is who
        token = token.head
    return False


def _names_the_event(token: Token) -> bool:
    """A town set before a violent noun says where it happened: "the San Bernardino
    shooting", "the Kabul bombing" (a country there says who: "a Turkish drone strike")."""
    return (
        token.dep_ == "compound"
        and _names_an_attack(token.head)
        and not is_country(token.doc[token.left_edge.i : token.i + 1].text)
    )


def _inside_a_name(token: Token) -> bool:
    """Whether the word ``token``'s preposition hangs from is an organisation's name:
    "the Council on American Islamic Relations" (a name, not a place), "the Council on
    American-Islamic Relations in Los Angeles" (where the organisation is, not where
    anything happened)."""
    if token.dep_ != "pobj":
        return False
    governor = token.head.head
    return any(ent.label_ == "ORG" and ent.start <= governor.i < ent.end for ent in token.doc.ents)


def places_in(sent: Span) -> list[str]:
    """Places the sentence says something happened in: place entities and proper nouns
    (lower-case text has no entities) after "in", "at", "near" ..., or set beside such a
    place ("in Kandahar, Afghanistan"). A place named otherwise ("U.S. officials",
    "Russia's foray") says who, not where. First ones first, each once."""
    out: dict[str, None] = {}
    for ent in sent.ents:
        if ent.label_ in _PLACE_ENTS and (
            (_where(ent.root) and not _inside_a_name(ent.root)) or _names_the_event(ent.root)
        ):
            out.setdefault(ent.text.removeprefix("the "), None)
    for token in sent:
        if (
            _where(token)
            and token.pos_ == "PROPN"
            and token.ent_type_ not in (*_PLACE_ENTS, *_NOT_ACTOR_ENTS)  # those: above
            and not _inside_a_name(token)
            and token.lower_ not in LANG.WEEKDAYS
            and token.lower_ not in LANG.MONTHS
        ):
            # the run of proper nouns ending at it, as the text writes it (not words
            # gathered across a separator: "Milwaukee | FOX6Now" is no place)
            start = token.i
            while start > token.left_edge.i and sent.doc[start - 1].pos_ == "PROPN":
                start -= 1
            out.setdefault(sent.doc[start : token.i + 1].text, None)
    return list(out)


def _counted(token: Token) -> str | None:
    """A bare count standing for those it counts ("killed 13 and wounded 71", "injured
    another 15"), as the sentence writes it; None for anything else."""
    if token.pos_ != "NUM" or token.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT"):
        return None
    # its modifiers come before it ("at least 20", "some 130"); nothing after it is its
    return token.doc[token.left_edge.i : token.i + 1].text


def _split(tokens: Iterable[Token]) -> tuple[list[str], list[str]]:
    """Phrases of ``tokens`` (and their conjuncts): (names, weapons)."""
    names: list[str] = []
    weapons: list[str] = []
    for t in tokens:
        for c in _with_conjuncts(t):
            if (text := phrase(c) or _counted(c)) is None:
                continue
            (weapons if _is_weapon(c) else names).append(text)
    return names, weapons


def _shared_subject(verb: Token) -> list[Token]:
    """The passive subject ``verb`` shares with the verb it is coordinated with
    ("opponents can be thrown in jail or exterminated")."""
    t = verb
    while t.dep_ == "conj" and t.head is not t:
        t = t.head
        if subjects := _children(t, "nsubjpass"):
            return subjects
    return []


def _passive(verb: Token) -> bool:
    """Whether ``verb`` is passive, itself or as a verb coordinated with a passive one
    ("the chances of being raped, robbed, or assaulted")."""
    t = verb
    for _ in range(4):
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children):
            return True
        if t.tag_ == "VBN" and t.dep_ == "acl":  # "soldiers killed in the attack"
            return True
        if t.dep_ != "conj" or t.head is t or t.tag_ != "VBN":
            return False
        t = t.head
    return False


def _roles_of(pred: Token, sent: Span) -> EventRoles:
    lemma = _lemma(pred)
    passive = _passive(pred)
    if pred.pos_ == "NOUN":
        agent_tokens = _noun_agents(pred)
        patient_tokens = _pobjs(pred, ["on", "against", "targeting", "of"])
        if not patient_tokens and pred.dep_ == "dobj" and _lemma(pred.head) in LANG.LIGHT_VERBS:
            # "carried out airstrikes on two hospitals": the parser hangs "on" on the verb
            patient_tokens = _pobjs(pred.head, ["on", "against"])
    elif lemma in LANG.SUFFER_VERBS:
        agent_tokens = _pobjs(pred, ["by"])
        patient_tokens = _children(pred, "nsubj")
    elif pred.tag_ == "VBN" and pred.dep_ == "acl" and pred.head.pos_ in ("NOUN", "PROPN"):
        # a participle set after a noun is passive: "soldiers killed in the attack"
        agent_tokens = _pobjs(pred, ["by"])
        patient_tokens = [pred.head]
    elif passive or (pred.tag_ == "VBN" and pred.dep_ == "conj" and _shared_subject(pred)):
        agent_tokens = _pobjs(pred, ["by"])
        patient_tokens = _children(pred, "nsubjpass") or _shared_subject(pred)
    else:
        agent_tokens = _subject_up(pred)
        patient_tokens = _children(pred, "dobj")
    used: list[str] = []
    if lemma in LANG.MEANS_VERBS and not passive and pred.pos_ == "VERB":
        used = [text for texts in _split(patient_tokens) for text in texts]
        patient_tokens = _pobjs(pred, ["at", "on", "into"])
    agent_tokens, means = _means(agent_tokens)
    agents, weapons = _split(agent_tokens)
    weapons += means + used
    patients, more_weapons = _split(patient_tokens)
    weapons += more_weapons
    _, instruments = _split(_pobjs(pred, ["with", "by", "in"]))
    weapons += instruments
    weapons += [
        text
        for chunk in sent.noun_chunks
        if _is_weapon(chunk.root) and (text := phrase(chunk.root)) is not None
    ]
    harm = lemma in LANG.HARM_VERBS or lemma in LANG.SUFFER_VERBS
    pronoun = bool(agent_tokens) and all(
        t.pos_ == "PRON" and t.lower_ in LANG.PERSONAL_PRONOUNS for t in agent_tokens
    )
    return EventRoles(
        predicate=pred.text,
        patient_role="victim" if harm else "target",
        agents=tuple(dict.fromkeys(agents)),
        patients=tuple(dict.fromkeys(p for p in patients if p not in agents)),
        places=tuple(places_in(sent)),
        weapons=tuple(dict.fromkeys(weapons)),
        at=pred.i - sent.start,
        tag=pred.tag_,
        agent_pronoun=pronoun and not agents,
    )


@lru_cache(maxsize=1024)
def event_roles(sent: Span) -> tuple[EventRoles, ...]:
    """Every violent predicate of ``sent`` with its arguments, in sentence order. Read
    once per sentence: the lead, the offer, the headline and the summary all ask."""
    return tuple(_roles_of(pred, sent) for pred in _predicates(sent))


def article_roles(sentences: Sequence[Span]) -> list[tuple[EventRoles, ...]]:
    """``event_roles`` of each sentence, a doer written as a pronoun ("They killed 23
    soldiers") taken to be the doers of the sentence before ("Taliban gunmen attacked
    the camp."): the nearest earlier doer, no further back than one sentence."""
    out: list[tuple[EventRoles, ...]] = []
    last: tuple[str, ...] = ()
    for sent in sentences:
        roles = event_roles(sent)
        resolved = tuple(
            replace(r, agents=last, agent_pronoun=False) if r.agent_pronoun and last else r
            for r in roles
        )
        out.append(resolved)
        last = next((r.agents for r in reversed(resolved) if r.agents), ())
    return out
