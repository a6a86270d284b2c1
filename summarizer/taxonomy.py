"""Event types: a short description in, the nearest ACLED type and sub-type out.

A 0.5B model asked to pick one of 38 labels takes the first one offered (measured:
"Battles: Armed clash" for every seed, whatever happened). Asked "what kind of event
is it, in a few words?" it answers usefully ("drone strike", "kidnapping"), and the
nearest label by meaning is found with static word embeddings (``wordllama``, whose
weights ship inside its wheel, loaded from the package directory with downloads off).

The glosses paraphrase the ACLED codebook's definitions and the general news types; they
describe kinds of events, never any particular story.
"""

from __future__ import annotations

from functools import cache

from .embeddings import word_model
from .schema import EVENT_TAXONOMY

__all__ = ["EVENT_GLOSSES", "nearest_event_type"]

EVENT_GLOSSES: dict[str, str] = {
    "Armed clash": "fighting, clashes, gun battle between armed forces or groups",
    "Government regains territory": "army retakes, recaptures a town or area",
    "Non-state actor overtakes territory": "rebels or militants seize, capture a town",
    "Chemical weapon": "chemical weapon, gas attack, poison gas",
    "Air/drone strike": "airstrike, air strike, drone strike, bombing from aircraft",
    "Suicide bomb": "suicide bombing, suicide bomber, car bomb blast",
    "Shelling/artillery/missile attack": "shelling, artillery, rocket or missile attack",
    "Remote explosive/landmine/IED": "roadside bomb, IED, landmine, explosive device",
    "Grenade": "grenade attack, grenade thrown",
    "Sexual violence": "rape, sexual assault, sexual violence",
    "Attack": "gunmen attack, shooting, shot dead, assassination, killing, massacre, ambush",
    "Abduction/forced disappearance": "kidnapping, abduction, hostages taken, disappearance",
    "Peaceful protest": "protest, demonstration, march, rally, strike by workers",
    "Protest with intervention": "protest dispersed, protesters arrested by police",
    "Excessive force against protesters": "lethal crackdown on a demonstration",
    "Violent demonstration": "violent protest, rioters, clashes with police",
    "Mob violence": "mob attack, lynching, vigilante violence",
    "Agreement": "ceasefire, peace deal, agreement signed, truce",
    "Arrests": "arrest, detained, taken into custody by police",
    "Change to group/activity": "group suspends, announces, changes its operations",
    "Disrupted weapons use": "bomb defused, weapons seized, attack foiled",
    "Headquarters or base established": "base established, headquarters set up",
    "Looting/property destruction": "looting, arson, property destroyed, burned",
    "Non-violent transfer of territory": "forces withdraw, hand over territory",
    "Other": "other development",
    "Election": "election, vote, ballot, polls, referendum",
    "Legislation/policy": "law passed, bill, policy, regulation, decree",
    "Diplomacy": "diplomatic talks, summit, visit, sanctions, envoy",
    "Statement/announcement": "statement, announcement, speech, press conference",
    "Markets/business": "markets, shares, company, business, earnings",
    "Labour": "workers, jobs, wages, labour strike, union",
    "Trade": "trade, tariffs, exports, imports",
    "Natural disaster": "earthquake, flood, storm, hurricane, wildfire, landslide",
    "Accident": "accident, crash, collision, fire, derailment, explosion by accident",
    "Public health": "disease, outbreak, epidemic, vaccine, hospital",
    "Crime": "crime, robbery, murder, fraud, theft, gang",
    "Court ruling/trial": "court, trial, verdict, sentence, judge, ruling",
    "Investigation": "investigation, inquiry, probe, prosecutors investigate",
}

_LABELS = [(t, sub) for t, subs in EVENT_TAXONOMY.items() for sub in subs]


@cache
def _label_texts() -> list[str]:
    # "Other" appears under two types; the type's own name tells them apart.
    return [f"{sub}: {EVENT_GLOSSES[sub]} ({t})" for t, sub in _LABELS]


def nearest_event_type(description: str) -> tuple[str, str]:
    """(event type, sub-type) whose gloss is nearest in meaning to ``description``."""
    texts = _label_texts()
    ranked = word_model().rank(description, texts)
    best = texts.index(ranked[0][0])
    return _LABELS[best]
