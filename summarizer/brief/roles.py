"""Who an event was aimed at, read from the article's grammar rather than asked.

A news lead usually says it as a verb of action and its object: "gunmen *kidnapped* a
local councillor", "the army *shelled* the village", "a drone *targeted* a member of an
armed group". When the object is a description ("a local councillor"), the following
sentences often identify it: "the councillor, Ana Ruiz, ...", "the slain councillor
was identified as Ana Ruiz", "a member of the Workers' Party". ``aimed_at`` finds the
object in the lead (or the two sentences after it, for a passive lead) and then the
person's name and group when the article gives them. A small model asked to choose the
target among the lead's names picks a name that merely follows the verb (a president
mentioned in a subordinate clause) or an adjective of nationality; this reads the
object where the sentence puts it. Everything returned is the article's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..geo import is_country
from ..text.lang import LANG

__all__ = ["COMPOUND_ADJECTIVE", "Aim", "aimed_at"]

_ACTION = (
    r"(?:killed|kills|kill|targeted|targets|targeting|struck|strikes|hit|hits|attacked|"
    r"attacks|shot|shoots|kidnapped|kidnaps|abducted|abducts|seized|seizes|captured|"
    r"arrested|arrests|detained|detains|assassinated|bombed|shelled|wounded|injured|"
    r"executed|eliminated|eliminating|killing|ambushed|raided|stabbed|murdered)"
)
_ARTICLE = r"(?:(?:a|an|the)\s+)*"
# What ends the object of the verb: a clause, a place, a time, a manner, a reason.
_OBJECT_END = re.compile(
    r"[,.;:!?\"“”()]|\s(?:in|on|at|near|with|as|after|before|during|who|whom|which|that|"
    r"responsible|for|and|from|outside|inside|while|when|by|early|late|last|this|"
    r"overnight|using|because|amid|according)\b"
)
_OBJECT = re.compile(rf"\b{_ACTION}\s+(?:dead\s+)?(?=(?P<object>[^\n]+))", re.I)
# "killed at least 14 people", "killing five": a count of victims, not a target.
_COUNT = re.compile(
    r"^(?:at\s+least\s+|more\s+than\s+|about\s+|some\s+|dozens\s+|hundreds\s+|\d|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)",
    re.I,
)
# "Moscow-backed", "US-led", "Kyiv-based": adjectives describing someone, not names.
COMPOUND_ADJECTIVE = re.compile(r"-(?:backed|led|based|linked|aligned|allied|run|owned)$", re.I)
# A group name is not an adjective: "Andean" in "an Andean trade delegation" is followed
# by a lower-case noun; "Chhatra Shibir" in "a member of Chhatra Shibir, officers said" is
# not (a preposition or a clause may follow).
_NOT_ADJECTIVE = (
    r"(?![\w'’‑-])(?!\s+(?!(?:in|on|at|and|or|of|who|which|that|said|says|near|for|to|from|with|"
    r"was|is|were|are|has|had)\b)[a-z])"
)
# A name: capitalised words, with "al-"/"el-" particles and quoted nicknames.
_WORD = r"[\"“]?(?:(?:al|el|Al|El)[-‑])?[A-Z][\w'’‑-]*[\"”]?"
_PARTICLE = r"(?:(?:al|bin|ibn|de|del|da|van|von|la|le)\s+)?"
_WORD_RUN = rf"{_WORD}(?:\s+{_PARTICLE}{_WORD})*"  # one name or more words
_NAME_OF_TWO = rf"{_WORD}(?:\s+{_PARTICLE}{_WORD})+"  # two words or more
_PERSON = rf"(?P<person>{_NAME_OF_TWO})"
_GROUP = rf"(?P<group>{_WORD_RUN})"
_DESCRIBING = r"(?:(?:[a-z][\w'’-]*|[A-Z][\w'’]*-[a-z]+)\s+)"  # "the Moscow-backed militia"
_NOT_NAMES = {
    "the", "a", "an", "his", "her", "their", "its", *LANG.NO_NAME, *LANG.WEEKDAYS, *LANG.MONTHS,
}  # fmt: skip
NEAR = 8  # sentences after the lead where the object may be identified ...
NEAR_ACTION = 4  # ... and where another action on a named person may identify it


@dataclass(frozen=True)
class Aim:
    """The object of the lead's action: ``name`` to show (a person's name, else the
    description with its group), ``affiliation`` the group when the article gives it."""

    name: str
    affiliation: str | None = None


def _object(sentence: str) -> str | None:
    for match in _OBJECT.finditer(sentence):
        text = " " + match.group("object")
        if (end := _OBJECT_END.search(text)) is not None:
            text = text[: end.start()]
        text = re.sub(rf"^{_ARTICLE}", "", text.strip(), flags=re.I).strip()
        if text and len(text.split()) <= 8 and not _COUNT.match(text):
            return text
    return None


def _name(text: str) -> str | None:
    """``text`` without leading words that are not names ("The", "Monday"), quotation
    marks kept as the article prints them ('"Abu" Ruiz'); None when
    nothing is left, or it is a country or an adjective ("Moscow-backed")."""
    words = text.split()
    while words and words[0].strip('"“').lower() in _NOT_NAMES:
        words = words[1:]
    name = " ".join(words)
    if not name or is_country(name) or COMPOUND_ADJECTIVE.search(name):
        return None
    return name


def _head(description: str) -> str | None:
    """The noun a description is about: "senior commander" -> "commander", "member of
    an armed group" -> "member"; None when it is a name, not a description."""
    before_of = re.split(r"\s+of\s+", description, maxsplit=1)[0].split()
    if not before_of or not before_of[-1].islower():
        return None
    return before_of[-1]


def aimed_at(sentences: list[str], lead: int) -> Aim | None:
    """The target of the main event in ``sentences`` (lead is 1-based), or None when
    the lead and the two sentences after it name no object of an action."""
    window = sentences[lead - 1 : lead + NEAR]
    for sentence in window[:3]:
        if (obj := _object(sentence)) is not None:
            break
    else:
        return None
    head = _head(obj)
    if head is None:
        # The object is already a name: "gunmen killed Ana Ruiz", or a group's member
        # by name: "troops killed rebel commander Ana Ruiz", "... the FARC leader Ana Ruiz".
        runs = [found for run in re.findall(_WORD_RUN, obj) if (found := _name(run))]
        if not runs:
            return None
        return Aim(runs[-1], runs[0] if len(runs) > 1 else None)
    person = group = None
    group_span = None
    h = re.escape(head)
    for sentence in window:
        if person is None:
            for pattern in (
                # "the councillor was identified as Ana Ruiz", "the commander killed in
                # the strike was Ana Ruiz", "the councillor, Ana Ruiz,"
                rf"\b{h}\b[^.;]{{0,60}}?\b(?:was|is)\s+(?:identified\s+as\s+|named\s+as\s+|named\s+)?{_PERSON}",
                rf"\b{h},\s+{_PERSON},",
                rf"\b{h}\s+(?:named|identified\s+as)\s+{_PERSON}",
            ):
                if (m := re.search(pattern, sentence)) and (found := _name(m.group("person"))):
                    person = found
                    break
        if group is None:
            for pattern in (
                # "the Workers' Party councillor", "the Workers' Party local councillor",
                # "a Hamas commander"; one capitalised word before another word is an
                # adjective ("an Andean trade delegation"), not a group.
                rf"\b{_GROUP}\s+{h}\b",
                rf"\b(?P<group>{_NAME_OF_TWO})\s+[a-z]+\s+{h}\b",
                rf"\b{h}\s+(?:of|from|with)\s+{_DESCRIBING}{{0,4}}{_GROUP}{_NOT_ADJECTIVE}",
            ):
                for m in re.finditer(pattern, sentence):
                    if (found := _name(m.group("group"))) is not None:
                        group = found
                        raw = m.group("group")  # "The Workers' Party" -> "Workers' Party"
                        start = m.start()
                        if start == m.start("group"):
                            start += len(raw) - len(found)
                        group_span = sentence[start : m.end()]
                        break
                if group is not None:
                    break
    if person is None:
        # "... targeted Ana Ruiz in ...": the same kind of verb with a person's name,
        # in a sentence after the lead.
        for sentence in window[1 : NEAR_ACTION + 1]:
            m = re.search(rf"\b{_ACTION}\s+{_PERSON}", sentence)
            if m and (found := _name(m.group("person"))) and found != group:
                person = found
                break
    if person is not None:
        return Aim(person, group)
    if group_span is not None and len(group_span) <= 80:
        return Aim(group_span.strip(), group)
    return Aim(obj, group)
