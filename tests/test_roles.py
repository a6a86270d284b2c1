"""The target read from the lead's grammar (``summarizer.brief.roles``).

Articles here are written for the test, from kinds of news other than the seeds
(kidnappings, arrests, shootings, floods, elections), to check the reading is a
property of English news sentences and not of any one story."""

from __future__ import annotations

import pytest

from summarizer.brief.roles import Aim, aimed_at


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # A description in the lead, identified by an apposition two sentences later.
        (
            [
                "Gunmen shot dead a local councillor in Veracruz on Sunday, police said.",
                "Investigators are looking at her work.",
                "The councillor, Ana Ruiz Peña, had received threats.",
            ],
            Aim("Ana Ruiz Peña"),
        ),
        # "... was identified as ...": the person; the group from "a member of ...".
        (
            [
                "Police arrested a member of a banned student union in Dhaka.",
                "He is a member of Chhatra Shibir, officers said.",
                "The member was identified as Karim Uddin.",
            ],
            Aim("Karim Uddin", "Chhatra Shibir"),
        ),
        # The object is already a name, with its group before it.
        (
            ["Troops killed rebel commander Jean-Pierre Mbala in an ambush, the army said."],
            Aim("Jean-Pierre Mbala"),
        ),
        # A group before the noun: the description with it, when nobody is named.
        (
            [
                "A car bomb killed a senior official on Friday.",
                "The Liberation Front official had survived an earlier attempt.",
            ],
            Aim("Liberation Front official", "Liberation Front"),
        ),
        # An adjective of nationality is not a group: "an Andean trade delegation".
        (
            ["Protesters attacked an Andean trade delegation outside the ministry."],
            Aim("Andean trade delegation"),
        ),
        # The object stays a description when nothing identifies it (lower-case text).
        (
            ["gunmen abducted a local radio journalist in the northern city on monday."],
            Aim("local radio journalist"),
        ),
        # A passive lead: the object of an action in the next sentences.
        (
            [
                "A journalist was kidnapped on Monday in the north.",
                "Police said armed men abducted a radio presenter outside his home.",
            ],
            Aim("radio presenter"),
        ),
    ],
)
def test_the_object_of_the_leads_action_is_the_target(sentences: list[str], expected: Aim) -> None:
    assert aimed_at(sentences, 1) == expected


@pytest.mark.parametrize(
    "sentences",
    [
        # A count of victims is not a target.
        ["Flash floods killed at least 14 people in the district on Monday."],
        ["A bomb exploded at a market on Saturday, killing five people."],
        # No action on anyone.
        ["The ruling party lost its majority in Saturday's election, results showed."],
        # The verb's object is a time or a place, and nothing else follows.
        ["Two soldiers were killed on Tuesday in the north."],
    ],
)
def test_no_target_when_the_lead_names_no_object(sentences: list[str]) -> None:
    assert aimed_at(sentences, 1) is None


def test_a_name_after_the_verb_in_a_subordinate_clause_is_not_taken() -> None:
    """A small model chose the president from "..., as the Prime Minister's government
    pressed ahead"; the object of the verb is the commander, identified later."""
    sentences = [
        "The army killed a commander of a separatist militia in the north, as the Prime "
        "Minister's government pressed on with its offensive.",
        "The Eastern Brigade commander, whose name was not given, led several raids.",
    ]
    assert aimed_at(sentences, 1) == Aim("Eastern Brigade commander", "Eastern Brigade")
