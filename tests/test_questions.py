"""The questions strategy against a real loopback server playing HAND-WRITTEN answers.

The article below is HAND-WRITTEN for this test (a made-up wire story, not a seed and not
about the seeds' events), so that the strategy is exercised on other news. The model's
answers are HAND-WRITTEN too; recorded real-model exchanges are in test_recorded.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from summarizer.brief import summarizer as summarizer_module
from summarizer.brief.cache import BriefCache
from summarizer.brief.extraction import figure_candidates, lead, offer
from summarizer.brief.strategies import QuestionsStrategy
from summarizer.brief.summarizer import GenerationParams, Summarizer
from summarizer.ingest import Article, parse_text
from summarizer.prepared import PreparedArticle

from .fakes import Reply, ScriptedServer, scripted_backend, tool_call_reply

# HAND-WRITTEN test article (fictional events).
ARTICLE = """ date 2025-03-12 Gunmen kill two police officers in Tegucigalpa
Gunmen shot dead two police officers at a checkpoint in Tegucigalpa on Tuesday night, the National Police said.
The attackers fled on motorcycles, police spokesman Carlos Mejia said.
"We will find those responsible and bring them to justice," Security Minister Ana Lopez told reporters.
Three other officers were wounded in the attack, according to the Hospital Escuela.
Last month, five soldiers were killed in a similar ambush in the north of the country.
"""


def _article() -> Article:
    return parse_text(ARTICLE, "other-news/tegucigalpa.txt")


def _answer(name: str, arguments: dict[str, Any]) -> Reply:
    return tool_call_reply(arguments, name=name, prompt_tokens=50, completion_tokens=10)


def _summarizer(server: ScriptedServer, tmp_path: Path) -> Summarizer:
    return Summarizer(
        scripted_backend(server, attempts=2),
        QuestionsStrategy(),
        cache=BriefCache(tmp_path / "cache"),
        params=GenerationParams(max_attempts=2),
    )


FACTS = {
    "what": "shooting of police officers",
    "perpetrator": "Gunmen",
    "target": "two police officers",
    "place": "Tegucigalpa",
    "killed_sentence": 1,
    "injured_sentence": 4,
    "day_sentence": None,
}
SCRIPT = [
    _answer("Facts", {**FACTS, "perpetrator": "Los Zetas cartel"}),  # invented: re-asked
    _answer("Facts", FACTS),
]


def test_candidates_are_read_from_the_article_not_guessed() -> None:
    prepared = PreparedArticle(_article())
    assert lead(prepared) == 1  # the lead states the main event
    # the parse reads who did what to whom; a town is where, not who; weekdays are not names
    choices = offer(prepared)
    assert choices.doers[0] == "Gunmen"
    assert choices.targets[0] == "two police officers" and choices.patient_role == "victim"
    assert choices.places == ("Tegucigalpa",)
    assert not {"Tegucigalpa", "Tuesday"} & {*choices.doers, *choices.targets}
    # the officers wounded later are this event's; the soldiers of "last month" are not
    assert ("Three other officers", "victim") in choices.more_patients
    assert all(name != "soldiers" for name, _ in choices.more_patients)
    # the earlier ambush ("Last month") can never be a casualty claim of this event
    assert figure_candidates(prepared, "killed") == [1]
    assert figure_candidates(prepared, "injured") == [4]


def test_questions_build_a_grounded_brief_and_reask_an_invented_name(tmp_path: Path) -> None:
    with ScriptedServer(list(SCRIPT)) as server:
        result = asyncio.run(_summarizer(server, tmp_path).brief(_article()))
        sent = [r["json"] for r in server.requests]
    assert result.brief is not None, result.failure
    brief = result.brief
    # one question (asked twice): the summary is the article's own lead, not written
    assert result.usage.model_calls == 2 and result.reasks == 1
    # the headline is the article's own title (it has one); nothing written by the model
    assert brief.headline == "Gunmen kill two police officers in Tegucigalpa"
    # written by hand from the article: its lead and the sentence after it, verbatim
    assert brief.summary == (
        "Gunmen shot dead two police officers at a checkpoint in Tegucigalpa on Tuesday "
        "night, the National Police said. The attackers fled on motorcycles, police "
        "spokesman Carlos Mejia said."
    )
    # the invented perpetrator went back to the model, told what it may choose
    reask = str(sent[1]["messages"])
    assert "Los Zetas cartel" in reask and "'Gunmen'" in reask
    # the question offered the lead's names and only this event's casualty sentences
    question = sent[0]["messages"][1]["content"].split("Question:")[1]
    assert (
        "for perpetrator: Gunmen. For target: two police officers. For place: Tegucigalpa."
        in question
    )
    assert "offered for killed: [1]." in question and "For injured: [4]." in question
    # every question starts with the same system text and the same numbered article
    firsts = {r["messages"][0]["content"] for r in sent}
    assert len(firsts) == 1
    article_block = sent[0]["messages"][1]["content"].split("Question:")[0]
    assert all(r["messages"][1]["content"].startswith(article_block) for r in sent)

    assert (brief.event_type, brief.sub_event_type) == ("Violence against civilians", "Attack")
    assert brief.date.value is not None and brief.date.value.isoformat() == "2025-03-11"
    assert brief.date.evidence is not None and "Tuesday" in brief.date.evidence
    # the town as written; no country, which this article never names (the schema's
    # country is the one stated, not the gazetteer's guess)
    assert (brief.location.place, brief.location.country) == ("Tegucigalpa", None)
    # who did what to whom, as the parse reads it: the police officers were the victims
    roles = {(a.role, a.name) for a in brief.actors}
    assert {("perpetrator", "Gunmen"), ("victim", "two police officers")} <= roles
    assert ("victim", "Three other officers") in roles  # the wounded, from a later sentence
    killed = [(c.value, c.attributed_to) for c in brief.casualties if c.kind == "killed"]
    injured = [(c.value, c.attributed_to) for c in brief.casualties if c.kind == "injured"]
    assert killed == [(2, "National Police")]
    assert injured == [(3, "Hospital Escuela")]
    for claim in brief.claims:  # each claim says what its evidence says, sourced in it
        assert claim.statement == claim.evidence and claim.attributed_to in claim.evidence
        assert "Last month" not in claim.evidence
    assert [q.speaker for q in brief.quotes] == ["Security Minister Ana Lopez"]
    assert brief.quotes[0].quote in ARTICLE


def test_a_one_sentence_article_gets_a_written_summary(tmp_path: Path) -> None:
    """The lead alone is not a two-sentence summary: then (and only then) the model is
    asked the wording question."""
    one = parse_text(ARTICLE.split("\n")[0] + "\n" + ARTICLE.split("\n")[1], "other-news/one.txt")
    wording = {
        "headline": "Gunmen kill two police officers",
        "summary": [
            "Gunmen shot dead two police officers in Tegucigalpa.",
            "The National Police reported the attack.",
        ],
    }
    facts = {**FACTS, "injured_sentence": None}  # the one sentence has no injured figure
    script = [_answer("Facts", facts), _answer("Wording", wording)]
    with ScriptedServer(script) as server:
        result = asyncio.run(_summarizer(server, tmp_path).brief(one))
        questions = [
            r["json"]["messages"][1]["content"].split("Question:")[1] for r in server.requests
        ]
    assert result.brief is not None, result.failure
    assert [q.split(".")[0].strip() for q in questions] == ["facts", "wording"]
    assert result.brief.summary == " ".join(wording["summary"])
    # the title line is the article's title: kept as the headline
    assert result.brief.headline == "Gunmen kill two police officers in Tegucigalpa"


def test_article_text_reaches_the_model_verbatim_even_with_template_syntax(
    tmp_path: Path,
) -> None:
    """instructor renders messages as Jinja templates when given a validation context;
    an article's own braces must not be evaluated."""
    text = ARTICLE.replace("checkpoint", "checkpoint {{ 7 * 7 }} {% endraw %}")
    article = parse_text(text, "other-news/braces.txt")
    with ScriptedServer([Reply(400, {"error": "stop here"})]) as server:
        asyncio.run(_summarizer(server, tmp_path).brief(article))
        user = server.requests[0]["json"]["messages"][1]["content"]
    assert "checkpoint {{ 7 * 7 }} {% endraw %}" in user and "49" not in user


def test_a_figure_from_an_earlier_event_is_never_offered() -> None:
    """Sentence [5] ("Last month, five soldiers were killed ...") is not among the
    choices the schema (and so the server's grammar) allows; an answer pointing at it is
    refused, and names outside the lead's are refused likewise."""
    import pytest
    from pydantic import ValidationError

    from summarizer.brief.extraction import facts_model, offer

    prepared = PreparedArticle(_article())
    model = facts_model(offer(prepared))
    schema = model.model_json_schema()["properties"]
    allowed = schema["killed_sentence"]  # a choice is required: no null
    assert allowed.get("enum", [allowed.get("const")]) == [1]
    # the doer the parse read is the one choice, and a choice is required (no null)
    doer = schema["perpetrator"]
    assert doer.get("enum", [doer.get("const")]) == ["Gunmen"]
    with pytest.raises(ValidationError):
        model.model_validate({**FACTS, "killed_sentence": 5}, context=prepared.context)
    assert model.model_validate(FACTS, context=prepared.context).killed_sentence == 1


def test_event_types_load_without_changing_the_callers_logging() -> None:
    """wordllama configures the root logger when imported; the taxonomy undoes that,
    so a brief run does not print every HTTP request."""
    import subprocess
    import sys

    code = (
        "import logging; from summarizer.taxonomy import nearest_event_type as n; "
        "print(n('flood')); r = logging.getLogger(); print(r.level, len(r.handlers))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["('Disaster/Accident', 'Natural disaster')", "30 0"]


def test_a_kind_of_event_the_article_never_uses_is_not_taken() -> None:
    """The model's "what" must use the article's words and name nobody: an example
    copied from the instructions ("flood") or a name ("Gunmen ...") is not a kind of
    event of this article, and falls back to the lead sentence."""
    from summarizer.brief.extraction import kind_in_article

    prepared = PreparedArticle(_article())
    assert kind_in_article("shooting of police officers", prepared)
    assert kind_in_article("checkpoints attack", prepared)  # "checkpoint" is in the text
    assert not kind_in_article("flood", prepared)
    assert not kind_in_article("Gunmen at a checkpoint", prepared)  # a name, not a kind


def test_a_lead_that_names_nobody_still_gives_a_brief(tmp_path: Path) -> None:
    """No name in the lead and no object of an action: nothing is offered for the
    target, and the brief is made without one (hand-written answers)."""
    text = (
        "heavy rain fell across the region on monday, flooding roads and fields. "
        "schools stayed closed as water rose in low-lying streets.\n"
    )
    article = parse_text(text, "other-news/rain.txt")
    facts = {**FACTS, "what": "heavy rain", "perpetrator": None, "target": None,
             "place": None, "killed_sentence": None, "injured_sentence": None}  # fmt: skip
    wording = {"headline": "Heavy rain floods roads and fields",
               "summary": ["Heavy rain fell across the region.", "Schools stayed closed."]}  # fmt: skip
    script = [_answer("Facts", facts), _answer("Wording", wording)]
    with ScriptedServer(script) as server:
        result = asyncio.run(_summarizer(server, tmp_path).brief(article))
    assert result.brief is not None, result.failure
    assert not [a for a in result.brief.actors if a.role == "target"]


def test_a_rule_change_rebuilds_the_brief_from_cached_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model's answers and the brief built from them are cached apart: a new rules
    version misses the brief, rebuilds it, and asks the model nothing."""
    with ScriptedServer([_answer("Facts", FACTS)]) as server:
        first = asyncio.run(_summarizer(server, tmp_path).brief(_article()))
    assert first.brief is not None and first.usage.model_calls == 1
    assert first.brief.provenance.rules_version == summarizer_module.RULES_VERSION
    monkeypatch.setattr(summarizer_module, "RULES_VERSION", "changed-rules")
    with ScriptedServer([]) as server:  # any request would be answered with an error
        again = asyncio.run(_summarizer(server, tmp_path).brief(_article()))
        assert server.requests == []
    assert again.brief is not None and not again.cached
    assert again.brief.provenance.rules_version == "changed-rules"
    assert again.brief.provenance.answers_reused == 1
    assert again.brief.actors == first.brief.actors


def test_a_country_is_given_where_the_article_names_it(tmp_path: Path) -> None:
    """The same event, the country named in a later sentence: the brief states it, by
    the gazetteer's name for it; the pronoun 'us' names no country, 'U.S.' does."""
    from summarizer.brief.extraction import Extraction, to_brief_content
    from summarizer.geo import country_named

    text = ARTICLE.replace("the north of the country", "the north of Honduras")
    prepared = PreparedArticle(parse_text(text, "other-news/tegucigalpa.txt"))
    answers = Extraction(
        event=1, event_type=("Violence against civilians", "Attack"),
        headline="Gunmen kill two police officers", summary=[prepared.numbered[0]],
        place="Tegucigalpa",
    )  # fmt: skip
    assert to_brief_content(answers, prepared).location.country == "Honduras"
    assert country_named("United States", "Officials in the U.S. said")
    assert country_named("United Kingdom", "in Britain today")
    assert not country_named("United States", "they told us nothing")
    assert not country_named("Honduras", ARTICLE)


def test_the_parse_reading_of_the_lead_stands_against_another_object_of_it() -> None:
    """HAND-WRITTEN article (fictional events). The lead's victims as the parse reads
    them are offered, not another object of the sentence ("injured scores of others");
    a target the article identifies later still is ("the councillor, Ana Ruiz Peña")."""
    from summarizer.brief.extraction import offer

    rampage = parse_text(
        " date 2025-05-02 Gunman kills 20 at a bar in Tampa\n"
        "The latest rampage, in which a gunman slaughtered 20 people and injured scores of "
        "others at a bar in Tampa, shocked the city.\n"
        "Police said the gunman was arrested at the scene after a standoff.\n",
        "other-news/tampa.txt",
    )
    choices = offer(PreparedArticle(rampage))
    assert choices.targets == ("20 people",) and choices.doers == ("gunman",)
    assert choices.killed == (1,)  # "slaughtered 20" is a toll
    named = parse_text(
        " date 2025-05-02 Councillor shot dead in Veracruz\n"
        "Gunmen shot dead a local councillor in Veracruz on Sunday, police said.\n"
        "Investigators are looking at her work on land disputes in the state.\n"
        "The councillor, Ana Ruiz Peña, had received threats, her family said.\n",
        "other-news/veracruz.txt",
    )
    assert offer(PreparedArticle(named)).targets == ("Ana Ruiz Peña",)
