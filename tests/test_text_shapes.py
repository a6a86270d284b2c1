"""Every text shape news arrives in gets a brief, through the questions strategy, with
an OpenAI-compatible server that answers each question with the first choice offered
(what a small model tends to do). Articles are HAND-WRITTEN from other news (fictional
events); the server's answers are made by a rule, not recorded."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from summarizer.brief.cache import BriefCache
from summarizer.brief.strategies import QuestionsStrategy
from summarizer.brief.summarizer import GenerationParams, Summarizer
from summarizer.ingest import parse_text
from summarizer.testing import FakeOpenAI

from .fakes import fake_backend

SHAPES = {
    "lower-case wire": "kabul (ap) — a suicide bomber blew himself up at a market in kandahar on tuesday, killing 9 people and wounding 20, police said. the taliban denied any role. a spokesman for the governor said the market had reopened.",
    "all caps": "GUNMEN KILLED THREE FARMERS IN A RAID ON A VILLAGE NEAR JOS ON SUNDAY, POLICE SAID. THE ATTACKERS FLED INTO THE HILLS. RESIDENTS SAID THE VILLAGE HAD BEEN ATTACKED BEFORE.",
    "title without full stop": "Bus crash kills 12 on mountain road\nA bus carrying pilgrims plunged into a ravine on a mountain road in Nepal on Friday, killing 12 people, officials said.\nThe driver survived with injuries.",
    "capital dateline": "LIMA — Police arrested a former mayor on Wednesday over the killing of a journalist in the city of Trujillo. Prosecutors said the mayor had paid two men to shoot the journalist. The men were arrested in May.",
    "glued paragraphs": 'Flood kills four in river townFloodwater swept through the town of Kessa on Monday, killing four people, the district office said.The river burst its banks after a week of rain."We lost everything," one resident said.',
    "timeline": "Jan. 30, 2013 — Gunmen attack a gas plant in the desert, taking dozens of workers hostage.\nFeb. 2, 2013 — The army storms the plant; officials say 37 hostages died.\nMarch 4, 2013 — A court in the capital charges three men over the attack.",
    "web page": "Get all the latest politics news Subscribe to our newsletter\nHome | World | Politics | Sport\nProtesters clashed with police outside parliament in Tbilisi on Thursday, and 14 people were injured, the health ministry said.\nPolice used water cannon to disperse the crowd.\nAdvertisement\nShare this article",
    "one long unpunctuated paragraph": " ".join(
        [
            "the fighters shelled the villages along the river for three days and the people fled to the hills while the aid groups waited at the border"
        ]
        * 6
    ),
}


# What a reader expects each brief to hold: an actor (in any role), a casualty figure,
# a place or country (None: not asserted).
EXPECTED: dict[str, tuple[str | None, int | None, str | None]] = {
    "lower-case wire": ("suicide bomber", 9, "kandahar"),
    "all caps": ("THREE FARMERS", 3, "JOS"),
    "title without full stop": (None, 12, "Nepal"),
    "capital dateline": ("journalist", None, None),
    "glued paragraphs": (None, 4, None),
    "timeline": ("Gunmen", 37, None),
    "web page": ("Protesters", 14, "Tbilisi"),
    "one long unpunctuated paragraph": ("fighters", None, None),
}


def _first_choice(body: dict[str, Any]) -> dict[str, Any]:
    """Answer a question with the first value each field's schema offers (or null)."""
    schema = body["tools"][0]["function"]["parameters"] if body.get("tools") else {}
    out: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        options = [o for o in prop.get("anyOf", [prop]) if "enum" in o or "const" in o]
        if options:
            first = options[0]
            out[name] = first["enum"][0] if "enum" in first else first["const"]
        elif name == "what":
            out[name] = "attack"
        elif name == "headline":
            out[name] = "A brief of the event"
        elif name == "summary":
            out[name] = ["Something happened.", "It was reported."]
        else:
            out[name] = None
    return out


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_text_shape_gets_a_brief(shape: str, tmp_path: Path) -> None:
    article = parse_text(SHAPES[shape], f"other-news/{shape.replace(' ', '-')}.txt")
    with FakeOpenAI(answer=_first_choice) as fake:
        backend = fake_backend(fake)
        backend.mode = "tools"
        summarizer = Summarizer(
            backend, QuestionsStrategy(), cache=BriefCache(tmp_path), params=GenerationParams()
        )
        result = asyncio.run(summarizer.brief(article))
    assert result.brief is not None, result.failure
    brief = result.brief
    # a dateline, a weekday, a month or a boilerplate line is never an actor or a headline
    never = {"kabul", "lima", "tuesday", "wednesday", "sunday", "monday", "friday", "jan"}
    assert not {a.name.lower() for a in brief.actors} & never
    assert "subscribe" not in brief.headline.lower() and "home |" not in brief.headline.lower()
    assert "subscribe" not in brief.summary.lower()
    assert len(brief.summary.split()) <= 90
    actor, figure, where = EXPECTED[shape]
    if actor is not None:
        assert actor in {a.name for a in brief.actors}
    if figure is not None:
        assert figure in {c.value or c.low for c in brief.casualties}
    if where is not None:
        assert where in {brief.location.place, brief.location.region, brief.location.country}
    if shape == "all caps":  # who says it, in the article's own letters
        assert {c.attributed_to for c in brief.casualties} == {"POLICE"}


def test_a_whole_page_in_one_line_with_its_copyright_notice_keeps_its_story() -> None:
    # HAND-WRITTEN page (fictional): title, story and footer glued into one line.
    from summarizer.ingest import parse_text
    from summarizer.prepared import PreparedArticle

    text = (
        "Man shot near bus station | Riverside Daily"
        "A 31-year-old man was shot and wounded near the bus station on Elm Street on "
        "Monday night, police said. Officers found him with a gunshot wound to the leg. "
        "He was taken to a hospital in stable condition. No arrests have been made. "
        "Witnesses told reporters they heard three shots shortly after 10 p.m. and saw a "
        "dark sedan drive off toward the river. Detectives asked anyone with camera footage "
        "from the area to call the department's tip line. The shooting was the third near "
        "the station this year, according to city records, and residents said they had "
        "asked for more lighting along the street. A council member said on Tuesday that "
        "new lights would be installed next month and that patrols would be increased "
        "around the station at night until then. The victim's sister said he had been "
        "walking home from his shift at a warehouse when he was hit, and that the family "
        "was grateful to the strangers who stayed with him until the ambulance arrived. "
        "Copyright 2016 Riverside Daily. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed."
    )
    prepared = PreparedArticle(parse_text(text, "page.txt"))
    assert any("was shot and wounded" in s for s in prepared.numbered)
    assert not any("All rights reserved" in s for s in prepared.numbered)
