"""The free-text strategy keeps what holds, item by item (``brief/free_text.py``).

The model answers here are HAND-WRITTEN for these unit tests (labelled; not model
output), about a hand-written flood report (not a seed, not real published news).
"""

from __future__ import annotations

import copy
from datetime import date
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
