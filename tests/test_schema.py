"""Validators of the brief schema, on HAND-WRITTEN briefs (tests.fakes.VALID_001)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from summarizer.ingest import Article
from summarizer.prepared import PreparedArticle
from summarizer.schema import BriefContent, EventBrief, schema_documents

from .conftest import ROOT, seed_article
from .fakes import VALID_001, stored_provenance


def _validate(data: dict[str, Any], article: Article) -> BriefContent:
    return BriefContent.model_validate(data, context=PreparedArticle(article).context)


def _errors(data: dict[str, Any], article: Article) -> str:
    with pytest.raises(ValidationError) as info:
        _validate(data, article)
    return str(info.value)


def test_grounded_brief_validates(a001: Article) -> None:
    brief = _validate(VALID_001, a001)
    for evidence in [brief.date.evidence, brief.casualties[0].evidence, brief.claims[0].evidence]:
        assert evidence is not None and evidence in a001.text


def test_fabricated_quote_is_rejected(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["quotes"] = [{"quote": "We will crush every militia in Iraq", "speaker": "CENTCOM"}]
    assert "quotes.0.quote" in _errors(data, a001)


def test_near_quote_is_replaced_by_the_articles_exact_words(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["quotes"] = [
        {
            "quote": "We will not hesitate to hold acountable all those who "
            "threaten the security of our forces",
            "speaker": "Central Command",
        }
    ]
    brief = _validate(data, a001)
    assert brief.quotes[0].quote == (
        "We will not hesitate to hold accountable all those who threaten the security of our forces"
    )


def test_casualty_number_must_be_in_its_evidence(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["casualties"][0]["value"] = 3
    assert "casualty number 3 does not appear in its evidence" in _errors(data, a001)


def test_numbers_in_summary_must_come_from_the_article(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["summary"] = "A strike killed 12 people in Baghdad. Officials confirmed it."
    assert "summary states 12" in _errors(data, a001)


def test_date_must_follow_from_evidence_and_publication_date(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["date"]["value"] = "2024-02-06"  # Tuesday, but the evidence says Wednesday
    assert "is not what the evidence" in _errors(data, a001)
    data["date"]["value"] = "2024-02-09"
    assert "after the article's publication date" in _errors(data, a001)


def test_no_exact_date_for_an_article_without_publication_date(seeds_dir: Path) -> None:
    a003 = seed_article("003")
    data = copy.deepcopy(VALID_001)
    data["date"] = {
        "evidence": "was killed on Wednesday in a US strike",
        "value": "2024-02-07",
        "precision": "exact",
        "time_of_day": None,
    }
    data.update(
        casualties=[],
        claims=[],
        earlier_events=[],
        quotes=[],
        summary=("A US strike killed a Kataib Hezbollah commander. The US military announced it."),
    )
    assert "no publication date" in _errors(data, a003)
    data["date"] = {"evidence": None, "value": None, "precision": "unknown", "time_of_day": None}
    assert _validate(data, a003).date.value is None


def test_sub_event_type_must_belong_to_event_type(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["sub_event_type"] = "Peaceful protest"
    assert "does not belong to event_type" in _errors(data, a001)


def test_headline_and_summary_limits(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["headline"] = " ".join(["word"] * 16)
    assert "headline has 16 words" in _errors(data, a001)
    data = copy.deepcopy(VALID_001)
    # one sentence is a summary (a lead copied verbatim); five are not
    data["summary"] = "A US strike in Baghdad killed a commander. " * 5
    assert "5 sentence(s)" in _errors(data, a001)


def test_unknown_fields_are_forbidden(a001: Article) -> None:
    data = copy.deepcopy(VALID_001)
    data["sentiment"] = "negative"
    assert "Extra inputs are not permitted" in _errors(data, a001)


def test_stored_brief_reloads_without_the_article() -> None:
    data = {
        **copy.deepcopy(VALID_001),
        "provenance": stored_provenance(schema_version="1.0.0", tokens_in=1, tokens_out=1),
    }
    assert EventBrief.model_validate(data).provenance.article_id == "x"


def test_exported_json_schemas_match_the_models() -> None:
    """Fails when a model changes without `summarizer schemas` being run."""
    for name, text in schema_documents().items():
        path = ROOT / "schemas" / name
        assert path.read_text() == text, f"{path} is stale: run `summarizer schemas`"


def test_closed_vocabulary_literals_match_the_taxonomy() -> None:
    from typing import get_args

    from summarizer.schema import EVENT_TAXONOMY, EventType, SubEventType

    assert set(get_args(EventType)) == set(EVENT_TAXONOMY)
    assert set(get_args(SubEventType)) == {s for subs in EVENT_TAXONOMY.values() for s in subs}
