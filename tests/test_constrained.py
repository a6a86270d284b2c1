"""The sentence-constrained schema variant used for small local models (no model here;
the briefs below are HAND-WRITTEN)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from summarizer.brief.sentence_choice import constrained_model, to_brief_content
from summarizer.grounding import extract_toll
from summarizer.ingest import Article, load_articles
from summarizer.prepared import PreparedArticle
from summarizer.text.sentences import sentences

from .conftest import seed_article


def _brief(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "headline": "US strike in Baghdad kills Kataib Hezbollah commander",
        "summary": "A US strike killed a Kataib Hezbollah commander. The US military announced it.",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "date": {"evidence": None, "time_of_day": None},
        "location": {"place": "Baghdad", "region": None, "country": "Iraq", "precision": "city"},
        "actors": [],
        "casualties": [],
        "claims": [],
        "quotes": [],
        "earlier_events": [],
        "open_questions": [],
    }
    base.update(over)
    return base


def test_sentences_are_exact_substrings_of_the_article(seeds_dir: Path) -> None:
    for article in load_articles([seeds_dir]):
        assert isinstance(article, Article)
        for sentence in PreparedArticle(article).sentences:
            assert sentence in article.text
    text = "The U.S. said so. Gen. Smith agreed at 9 p.m. Then he left."
    assert [s.text for s in sentences(text)] == [
        "The U.S. said so.",
        "Gen. Smith agreed at 9 p.m. Then he left.",
    ]


def test_evidence_can_only_be_an_article_sentence(seeds_dir: Path) -> None:
    a003 = seed_article("003")
    model = constrained_model(PreparedArticle(a003))
    invented = {
        "evidence": "The commander was killed by a sniper.",
        "statement": "x",
        "attributed_to": None,
        "status": "attributed",
    }
    with pytest.raises(ValidationError):
        model.model_validate(_brief(claims=[invented]), context=PreparedArticle(a003).context)
    schema = json.dumps(model.model_json_schema())
    assert "ArticleSentence" in schema and "The military in a statement said" in schema


def test_article_without_publication_date_can_only_have_unknown_date(seeds_dir: Path) -> None:
    a003 = seed_article("003")
    model = constrained_model(PreparedArticle(a003))
    wednesday = next(s for s in PreparedArticle(a003).sentences if "Wednesday" in s)
    with pytest.raises(ValidationError):
        model.model_validate(_brief(date={"evidence": wednesday, "time_of_day": None}))
    brief = to_brief_content(model.model_validate(_brief()), PreparedArticle(a003))
    assert brief.date.precision == "unknown" and brief.date.value is None


def test_date_is_read_from_the_chosen_sentence(seeds_dir: Path) -> None:
    a001 = seed_article("001")
    model = constrained_model(PreparedArticle(a001))
    first = next(
        s for s in PreparedArticle(a001).sentences if s.startswith("A US military strike on")
    )
    variant = model.model_validate(_brief(date={"evidence": first, "time_of_day": None}))
    brief = to_brief_content(variant, PreparedArticle(a001))
    assert (brief.date.value, brief.date.precision) == (date(2024, 2, 7), "exact")
    undated = next(s for s in PreparedArticle(a001).sentences if s.startswith("Local police"))
    assert "Wednesday" in undated  # dated, so choosable; an undated sentence is not:
    no_day = next(
        s for s in PreparedArticle(a001).sentences if s.startswith("The strikes in Iraq come")
    )
    with pytest.raises(ValidationError):
        model.model_validate(_brief(date={"evidence": no_day, "time_of_day": None}))
    # 000 states no day within the week before publication: the date can only be null
    a000 = seed_article("000")
    schema = constrained_model(PreparedArticle(a000)).model_json_schema()
    assert schema["$defs"]["EventDate"]["properties"]["evidence"]["type"] == "null"


def test_variant_converts_to_the_ordinary_brief_with_exact_spans(seeds_dir: Path) -> None:
    a003 = seed_article("003")
    model = constrained_model(PreparedArticle(a003))
    toll = "One of the sources reported that three individuals were killed in the strike."
    quoted = next(s for s in PreparedArticle(a003).sentences if s.startswith('"(US) forces'))
    variant = model.model_validate(
        _brief(
            casualties=[{"evidence": toll, "attributed_to": "a security source"}] * 2,
            claims=[
                {
                    "evidence": quoted.replace('"', "“", 1).replace('"', "”", 1),
                    "statement": "US forces struck in Iraq.",
                    "attributed_to": "the US military",
                    "status": "attributed",
                }
            ],
        )
    )
    brief = to_brief_content(variant, PreparedArticle(a003))
    assert type(brief).__name__ == "BriefContent" and type(brief) is not model
    assert len(brief.casualties) == 1  # the same sentence chosen twice is one claim
    assert (brief.casualties[0].kind, brief.casualties[0].value) == ("killed", 3)
    assert brief.casualties[0].evidence == toll.rstrip(".")  # edges are trimmed
    assert brief.claims[0].evidence in a003.text  # the article's straight quotes, restored


def test_only_sentences_stating_one_figure_can_be_casualty_evidence(seeds_dir: Path) -> None:
    a003 = seed_article("003")
    model = constrained_model(PreparedArticle(a003))
    vague = next(
        s for s in PreparedArticle(a003).sentences if s.startswith("According to two security")
    )
    with pytest.raises(ValidationError):
        model.model_validate(
            _brief(casualties=[{"evidence": vague, "attributed_to": "two security sources"}])
        )


def test_extract_toll() -> None:
    assert extract_toll("the strike killed two people", "killed") == (2, None)
    assert extract_toll("killed at least 16 people, including civilians", "killed") == (None, 16)
    assert extract_toll("According to two security sources, the commander killed", "killed") is None
    assert (
        extract_toll("three killed in action, two seriously injured, nine injured", "injured")
        is None
    )
    # each number belongs to the word nearest it, of any kind
    both = "The attack killed three people and injured more than 260."
    assert (extract_toll(both, "killed"), extract_toll(both, "injured")) == ((3, None), (None, 260))
    # the verbs news writes a toll with, not only "killed"
    assert extract_toll("a gunman slaughtered 49 people at a club", "killed") == (49, None)
    assert extract_toll("17 prisoners were executed at dawn", "killed") == (17, None)
    assert extract_toll("two executives were hired", "killed") is None


def test_a_toll_counts_people_not_ages_clock_times_shots_or_wounds() -> None:
    # sentences from local news pages of the Gun Violence Database (dev split)
    assert extract_toll("India Barnes, 34, and Tomika Mack, 34, were found dead", "killed") is None
    assert extract_toll("Police now say the victim died shortly after 10 a.m.", "killed") is None
    assert extract_toll("Rialmo then fired eight times, killing LeGrier", "killed") is None
    assert extract_toll("he suffered two gunshot wounds and was taken away", "injured") is None
    assert extract_toll("killed himself after taking two hostages away", "killed") is None
    assert extract_toll("No one was hurt, but one bullet hit a squad car", "injured") is None
    # the figures beside them still count
    assert extract_toll("The attack at 7:30 p.m. killed 12 people", "killed") == (12, None)
    assert extract_toll("The bombing killed 25, officials said", "killed") == (25, None)
    assert extract_toll("A man, aged 34, was killed", "killed") is None
    assert extract_toll("Another 17 people were hurt", "injured") == (17, None)


def test_summary_is_written_as_separate_sentences_and_joined(seeds_dir: Path) -> None:
    a003 = seed_article("003")
    model = constrained_model(PreparedArticle(a003))
    variant = model.model_validate(
        _brief(
            summary=["A US strike killed a Kataib Hezbollah commander.", "The US military said so."]
        )
    )
    brief = to_brief_content(variant, PreparedArticle(a003))
    assert (
        brief.summary == "A US strike killed a Kataib Hezbollah commander. The US military said so."
    )
    schema = model.model_json_schema()["properties"]["summary"]
    assert (schema["type"], schema["minItems"], schema["maxItems"]) == ("array", 2, 3)
    # The per-item pattern is the grammar's; the joined text meets the ordinary checks.
    with pytest.raises(ValidationError, match="6 sentence"):
        model.model_validate(_brief(summary=["A US strike killed a commander. It hit a car."] * 3))


def test_event_type_and_sub_type_are_one_choice(seeds_dir: Path) -> None:
    a003 = seed_article("003")
    model = constrained_model(PreparedArticle(a003))
    schema = model.model_json_schema()
    assert "sub_event_type" not in schema["properties"]
    assert (
        "Explosions/Remote violence: Air/drone strike" in schema["properties"]["event_type"]["enum"]
    )
    pair = _brief(event_type="Explosions/Remote violence: Air/drone strike")
    del pair["sub_event_type"]
    brief = to_brief_content(model.model_validate(pair), PreparedArticle(a003))
    assert (brief.event_type, brief.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
