"""The free-text strategy keeps what holds, item by item (``brief/free_text.py``).

The model answers here are HAND-WRITTEN for these unit tests (labelled; not model
output), about a hand-written flood report (not a seed, not real published news).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from summarizer.brief.free_text import Answer, Fixes, ground, is_placeholder, merge
from summarizer.ingest import Article
from summarizer.prepared import PreparedArticle

TEXT = (
    "Flash floods killed 12 people in the northern city of Kaduna on Monday, the regional "
    "governor said, after a night of heavy rain.\n\n"
    "Rescue teams searched for 30 people still missing after the river burst its banks and "
    "swept through two low-lying districts.\n\n"
    '"We have never seen water rise this fast," said Musa Bello, a trader who lost his shop.\n\n'
    "The governor said shelters had been opened in four schools.\n"
)
ARTICLE = Article(
    id="f" * 16, source="hand/flood.txt", text=TEXT, body=TEXT, outlet="Daily Courier",
    published=date(2025, 6, 2), title="Flash floods kill 12 in Kaduna",
)  # fmt: skip

# HAND-WRITTEN answer: every item grounded in TEXT
ANSWER: dict[str, Any] = {
    "headline": "Flash floods kill 12 in Kaduna",
    "summary": "Flash floods killed 12 people in Kaduna on Monday, the governor said. "
    "Rescue teams searched for 30 people still missing.",
    "event_type": "Disaster/Accident",
    "sub_event_type": "Natural disaster",
    "date": {"evidence": "on Monday", "value": "2025-06-02", "precision": "exact",
             "time_of_day": None},
    "location": {"place": "Kaduna", "region": None, "country": None, "precision": "city"},
    "actors": [{"name": "the regional governor", "kind": "official", "role": "source",
                "affiliation": None}],
    "weapons": [],
    "casualties": [{"evidence": "Flash floods killed 12 people", "kind": "killed", "value": 12,
                    "low": None, "high": None, "attributed_to": "the regional governor"}],
    "claims": [
        {"evidence": "shelters had been opened in four schools",
         "statement": "Shelters were opened in four schools.", "attributed_to": "the governor",
         "status": "attributed"},
        {"evidence": "Rescue teams searched for 30 people still missing",
         "statement": "30 people are missing.", "attributed_to": None,
         "status": "stated_by_outlet"},
    ],
    "quotes": [{"quote": "We have never seen water rise this fast", "speaker": "Musa Bello"}],
    "earlier_events": [],
    "open_questions": [],
}  # fmt: skip


def prepared() -> PreparedArticle:
    return PreparedArticle(ARTICLE)


def answer(**changes: Any) -> Answer:
    data = copy.deepcopy(ANSWER)
    data.update(changes)
    return Answer.model_validate(data)


def test_a_fully_grounded_answer_is_kept_whole() -> None:
    result = ground(answer(), prepared())
    assert result.dropped == []
    assert result.data["quotes"] == ANSWER["quotes"]
    assert len(result.data["claims"]) == 2


def test_one_paraphrased_claim_is_dropped_and_the_rest_kept() -> None:
    claims = copy.deepcopy(ANSWER["claims"])
    claims[0]["evidence"] = "schools were turned into shelters for the displaced"  # paraphrase
    result = ground(answer(claims=claims), prepared())
    assert [c["evidence"] for c in result.data["claims"]] == [ANSWER["claims"][1]["evidence"]]
    (dropped,) = result.dropped
    assert dropped.path == "claims[0]"
    assert "does not occur in the article" in dropped.reason
    assert result.data["quotes"] and result.data["casualties"]  # untouched


def test_not_given_is_no_value_not_an_error() -> None:
    when = {"evidence": "not given", "value": None, "precision": "unknown", "time_of_day": "N/A"}
    place = {"place": "Kaduna", "region": "Unknown", "country": "not stated", "precision": "city"}
    result = ground(answer(date=when, location=place), prepared())
    assert result.dropped == []
    assert result.data["date"] == {"evidence": None, "value": None, "precision": "unknown",
                                   "time_of_day": None}  # fmt: skip
    assert (result.data["location"]["region"], result.data["location"]["country"]) == (None, None)
    assert is_placeholder("(not given)") and is_placeholder("N/A.") and not is_placeholder("Kaduna")


def test_a_date_the_evidence_does_not_state_is_no_date() -> None:
    when = {"evidence": "on Monday", "value": "2025-05-20", "precision": "exact",
            "time_of_day": None}  # fmt: skip
    result = ground(answer(date=when), prepared())
    assert result.data["date"]["precision"] == "unknown"
    assert [d.path for d in result.dropped] == ["date"]


def test_a_summary_stating_a_number_the_article_does_not_gives_way_to_the_lead() -> None:
    summary = "Floods killed 15 people in Kaduna, the governor said. Thirty are missing."
    result = ground(answer(summary=summary), prepared())
    assert "15" not in result.data["summary"]
    assert result.data["summary"].startswith("Flash floods killed 12 people")
    (dropped,) = result.dropped
    assert dropped.path == "summary" and "states 15" in dropped.reason


def test_a_sub_type_under_the_wrong_type_is_filed_under_its_own() -> None:
    result = ground(answer(event_type="Battles"), prepared())
    assert result.data["event_type"] == "Disaster/Accident"
    assert [d.path for d in result.dropped] == ["event_type"]


def test_items_fixed_on_the_follow_up_join_and_nothing_grounded_is_lost() -> None:
    claims = copy.deepcopy(ANSWER["claims"])
    claims[0]["evidence"] = "schools were turned into shelters"
    quotes = [{"quote": "The water came so fast", "speaker": "Musa Bello"}]
    first = ground(answer(claims=claims, quotes=quotes), prepared())
    assert sorted(d.path for d in first.needs_fixing()) == ["claims[0]", "quotes[0]"]
    # HAND-WRITTEN follow-up: the claim fixed, the quote again not the article's words,
    # and a repeat of a claim already kept
    fixes = Fixes.model_validate({
        "claims": [ANSWER["claims"][0], ANSWER["claims"][1]],
        "quotes": [{"quote": "The water came very fast", "speaker": "Musa Bello"}],
    })  # fmt: skip
    merged = merge(first, fixes, prepared())
    assert [c["evidence"] for c in merged.data["claims"]] == [
        ANSWER["claims"][1]["evidence"],
        ANSWER["claims"][0]["evidence"],
    ]
    assert merged.data["quotes"] == []
    assert [d.path for d in merged.dropped] == ["quotes[0]"]  # still listed, with why
    assert merged.data["casualties"] == first.data["casualties"]


def test_lists_longer_than_allowed_are_cut_not_refused() -> None:
    claims = ANSWER["claims"] * 3  # six claims; the brief holds three
    parsed = Answer.model_validate({**ANSWER, "claims": claims})
    assert len(parsed.claims) == 3


def test_an_article_twice_the_context_is_briefed_in_parts(tmp_path: Path) -> None:
    """The prompt does not fit: the article is read in halves at paragraph boundaries,
    each half briefed by the (fake) model from its own words, the parts joined, the
    items of the second half kept and grounded. Nothing truncated, nothing failed."""
    from summarizer.brief.pipeline import brief_paths
    from summarizer.testing import FakeOpenAI

    from .fakes import fake_settings

    filler = (
        "Engineers inspected the embankments along the river for signs of further damage, "
        "and volunteers carried sandbags to the homes nearest the water."
    )
    paragraphs = [
        "Flash floods killed 12 people in the northern city of Kaduna on Monday, the "
        "regional governor said.",
        *[f"{filler} Street {n} was among those cleared." for n in range(1, 41)],
        "In a second district, a collapsed bridge killed 3 people late on Monday, police said.",
    ]
    article = tmp_path / "in" / "long-flood.txt"
    article.parent.mkdir()
    article.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    with FakeOpenAI() as fake:
        # room for the schema (the endpoint counts it), the answer and about half the article
        settings = fake_settings(fake, tmp_path / "cache", context_window=6300)
        (result,), _ = brief_paths([article.parent], settings)
        prompts = [r["messages"][-1]["content"] for r in fake.requests]
    assert result.brief is not None, result.failure
    assert len(prompts) >= 2
    assert all(len(p) < len(article.read_text()) for p in prompts)  # each a part
    evidence = [c.evidence for c in result.brief.casualties]
    assert any("killed 12 people" in e for e in evidence)  # from the first part
    assert any("killed 3 people" in e for e in evidence)  # from the last
    assert result.brief.headline.startswith("Flash floods killed 12")


def test_an_item_not_of_its_shape_is_left_out_not_the_answer() -> None:
    claims = copy.deepcopy(ANSWER["claims"])
    claims[0]["evidence"] = TEXT * 3  # over the 400 characters evidence may have
    actors = [*ANSWER["actors"], {"name": "Musa Bello", "kind": "shopkeeper", "role": "source",
                                  "affiliation": None}]  # fmt: skip
    parsed = Answer.model_validate({**ANSWER, "claims": claims, "actors": actors})
    result = ground(parsed, prepared())
    assert [c["evidence"] for c in result.data["claims"]] == [ANSWER["claims"][1]["evidence"]]
    assert [a["name"] for a in result.data["actors"]] == ["the regional governor"]
    assert sorted(d.path for d in result.dropped) == ["actors[1]", "claims[0]"]
    assert any("at most 400 characters" in d.reason for d in result.dropped)


def test_an_actor_the_article_does_not_name_is_dropped() -> None:
    actors = [*ANSWER["actors"], {"name": "the President of Nigeria", "kind": "government",
                                  "role": "source", "affiliation": None}]  # fmt: skip
    result = ground(answer(actors=actors), prepared())
    assert [a["name"] for a in result.data["actors"]] == ["the regional governor"]
    (dropped,) = result.dropped
    assert dropped.path == "actors[1]" and "does not name them" in dropped.reason
