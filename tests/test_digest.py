"""The merged digest: grouping, names, casualties, ids, traceability.

Seed tests run on briefs the embedded model really wrote (``fixtures/briefs/``, recorded
with ``summarizer brief seeds/ --format json --out DIR``). Unit tests further down build
briefs by hand (labelled so): they test the digest's rules, not a model.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from summarizer.digest import AliasRules, DigestInput, build_digest
from summarizer.digest.entities import Mention, group_mentions
from summarizer.digest.model import Digest, Story
from summarizer.ingest import Article, load_articles
from summarizer.schema import EventBrief

from .fakes import stored_provenance

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "fixtures" / "briefs"


def recorded_inputs(run: str) -> list[DigestInput]:
    articles = {a.stem: a for a in load_articles([ROOT / "seeds"], max_bytes=10**7)}
    inputs = []
    for path in sorted((RECORDED / run).glob("*.json")):
        brief = EventBrief.model_validate_json(path.read_text())
        inputs.append(DigestInput(articles[path.stem], brief))  # type: ignore[arg-type]
    return inputs


def story_of(digest: Digest, stem: str) -> Story:
    return next(s for s in digest.stories if any(stem in x.source_file for x in s.sources))


def members(story: Story) -> set[str]:
    return {Path(s.source_file).stem[:3] for s in story.sources}


@pytest.fixture(scope="module", params=["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"])
def seeds_digest(request: pytest.FixtureRequest) -> tuple[Digest, dict[str, Article]]:
    inputs = recorded_inputs(request.param)
    return build_digest(inputs), {x.article.id: x.article for x in inputs}


def test_seeds_form_two_stories(seeds_digest: tuple[Digest, dict[str, Article]]) -> None:
    digest, _ = seeds_digest
    groups = sorted(sorted(members(s)) for s in digest.stories)
    assert groups == [["000"], ["001", "002", "003", "004"]]


def test_the_commanders_spellings_are_one_person_each_traced_to_its_words(
    seeds_digest: tuple[Digest, dict[str, Article]],
) -> None:
    """The gold's 'spelling/alias variants of one person, not three people'."""
    digest, articles = seeds_digest
    story = story_of(digest, "001_")
    targets = [e for e in story.entities if e.role == "target" and len(e.spellings) > 1]
    [commander] = targets
    by_article = {
        articles[a].stem[:3]: spelling.text
        for spelling in commander.spellings
        for a in spelling.articles
    }
    assert by_article == {
        "001": "Wisam Mohammed Saber al-Saedi",
        "003": "Abu Baqir al-Saadi",
        "004": '"Abu Bakr" al-Saadi',
    }
    for stem, text in by_article.items():  # verbatim in its own article
        article = next(a for a in articles.values() if a.stem.startswith(stem))
        assert text in article.text
    # The group's spellings are one entity too, apart from the person.
    [group] = [e for e in story.entities if e.role == "group"]
    assert {x.text for x in group.spellings} >= {"Kataib Hezbollah", "Kata’ib Hezbollah"}


def test_the_undated_article_is_placed_by_content_and_marked(
    seeds_digest: tuple[Digest, dict[str, Article]],
) -> None:
    digest, _ = seeds_digest
    story = story_of(digest, "003_")
    assert "001" in members(story)
    source = next(s for s in story.sources if "003_" in s.source_file)
    assert source.undated and source.published is None
    assert story.event_date == date(2024, 2, 7)


def test_death_toll_disagreement_is_shown_with_sources_and_words(
    seeds_digest: tuple[Digest, dict[str, Article]],
) -> None:
    digest, articles = seeds_digest
    story = story_of(digest, "001_")
    killed = next(t for t in story.casualties if t.kind == "killed")
    assert killed.conflict and (killed.low, killed.high) == (2, 3)
    assert {articles[e.article_id].stem[:3] for e in killed.low_sources} == {"001"}
    assert killed.low_sources[0].attributed_to == "Iraq's Joint Operations Command"
    conflict = next(c for c in story.conflicts if c.field == "killed")
    assert {v.value for v in conflict.values} == {"2", "3"}
    for value in conflict.values:
        for e in value.sources:
            assert e.quote and e.quote in articles[e.article_id].text


def test_every_quoted_word_in_the_digest_is_in_its_article(
    seeds_digest: tuple[Digest, dict[str, Article]],
) -> None:
    digest, articles = seeds_digest
    data = json.loads(digest.model_dump_json())
    checked = 0

    def walk(node: Any) -> None:
        nonlocal checked
        if isinstance(node, dict):
            if "article_id" in node and node.get("quote"):
                assert node["quote"] in articles[node["article_id"]].text
                checked += 1
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    assert checked > 10


def test_a_story_mentioning_an_earlier_one_is_related(
    seeds_digest: tuple[Digest, dict[str, Article]],
) -> None:
    digest, _ = seeds_digest
    january, february = story_of(digest, "000_"), story_of(digest, "001_")
    assert february.related == [january.id]
    assert january.related == []


def test_ids_are_stable_across_runs_and_when_an_article_is_added() -> None:
    inputs = recorded_inputs("qwen2.5-coder-0.5b")
    without_001 = [x for x in inputs if "001_" not in x.article.source]
    first = build_digest(without_001)
    again = build_digest(without_001)
    assert [s.id for s in first.stories] == [s.id for s in again.stories]
    known = {src.article_id: s.id for s in first.stories for src in s.sources}
    grown = build_digest(inputs, known_ids=known)
    assert {s.id for s in first.stories} == {s.id for s in grown.stories}
    assert members(story_of(grown, "002_")) == {"001", "002", "003", "004"}
    assert story_of(grown, "002_").id == story_of(first, "002_").id


# --- hand-written briefs below: unit tests of the digest's rules, not model output ----


def hand_article(text: str, *, outlet: str | None, published: date | None, n: int) -> Article:
    return Article(
        id=f"{n:016x}", source=f"hand/{n}.txt", text=text, body=text, outlet=outlet,
        published=published,
    )  # fmt: skip


def hand_brief(article: Article, **content: Any) -> EventBrief:
    """A brief written by hand for a rules test (labelled: not a model's output)."""
    data: dict[str, Any] = {
        "headline": "Hand-written brief for a rules test",
        "summary": "A sentence of the test. Another sentence of the test.",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "date": {"evidence": None, "value": None, "precision": "unknown", "time_of_day": None},
        "location": {"place": None, "region": None, "country": None, "precision": "unknown"},
        "actors": [],
        "casualties": [],
        "claims": [],
        "quotes": [],
        "earlier_events": [],
        "open_questions": [],
        "provenance": stored_provenance(
            article_id=article.id, source_file=article.source, outlet=article.outlet
        ),
    }
    data.update(content)
    return EventBrief.model_validate(data)


def killed(n: int, by: str, evidence: str) -> dict[str, Any]:
    return {"evidence": evidence, "kind": "killed", "value": n, "low": None, "high": None,
            "attributed_to": by}  # fmt: skip


TEXT_A = (
    "Gunmen shot dead a mayor in Riverton on Tuesday, police said. "
    "Police said two people were killed. The mayor had received threats."
)
TEXT_B = (
    "A bomb exploded at a market in Lakeside on Tuesday, killing four people, officials said. "
    "The same armed group claimed the attack. Officials said four people were killed."
)


def test_different_events_sharing_actors_and_day_stay_apart() -> None:
    """Hand-written: one group, one day, two towns, two attacks -> two stories."""
    day = date(2025, 3, 4)
    a = hand_article(TEXT_A, outlet="Daily A", published=day, n=1)
    b = hand_article(TEXT_B, outlet="Daily B", published=day, n=2)
    actors = [{"name": "Northern Front", "kind": "armed_group", "role": "perpetrator",
               "affiliation": None}]  # fmt: skip
    digest = build_digest([
        DigestInput(a, hand_brief(a, actors=actors, location={"place": "Riverton", "region": None,
                    "country": "Freedonia", "precision": "city"})),
        DigestInput(b, hand_brief(b, actors=actors, location={"place": "Lakeside", "region": None,
                    "country": "Freedonia", "precision": "city"})),
    ])  # fmt: skip
    assert len(digest.stories) == 2


def test_a_later_article_of_the_same_outlet_is_an_update_not_a_conflict() -> None:
    """Hand-written: one outlet says 2 killed, then 5; another says 5."""
    first = "Police said two people were killed in the attack in Riverton on Tuesday."
    later = "Police said five people were killed in the attack in Riverton on Tuesday."
    other = "Five people were killed in the attack in Riverton on Tuesday, police said."
    a1 = hand_article(first, outlet="Daily A", published=date(2025, 3, 4), n=1)
    a2 = hand_article(later, outlet="Daily A", published=date(2025, 3, 5), n=2)
    b = hand_article(other, outlet="Daily B", published=date(2025, 3, 5), n=3)
    loc = {"place": "Riverton", "region": None, "country": "Freedonia", "precision": "city"}
    digest = build_digest([
        DigestInput(a1, hand_brief(a1, location=loc, casualties=[killed(2, "Police", first)])),
        DigestInput(a2, hand_brief(a2, location=loc, casualties=[killed(5, "Police", later)])),
        DigestInput(b, hand_brief(b, location=loc, casualties=[killed(5, "police", other)])),
    ])  # fmt: skip
    [story] = digest.stories
    [tally] = story.casualties
    assert (tally.low, tally.high, tally.conflict) == (5, 5, False)
    assert [c.superseded for c in tally.claims] == [True, False, False]
    assert not [c for c in story.conflicts if c.field == "killed"]
    daily_a = next(s for s in story.sources if s.article_id == a2.id)
    assert daily_a.updates == [a1.id]


def test_wire_copies_count_as_one_source() -> None:
    """Hand-written: an agency story reprinted by two outlets, one word changed."""
    text = " ".join([
        TEXT_A, "The mayor was leaving the town hall when two men on a motorbike opened fire.",
        "He was taken to the regional hospital, where doctors could not save him.",
        "The interior ministry ordered an investigation and sent extra officers to the town.",
        "Residents gathered in the central square in the evening to lay flowers.",
        "The mayor, elected three years ago, had campaigned against illegal logging.",
        "No group has said it carried out the killing, the ministry said.",
    ])  # fmt: skip
    a = hand_article(text, outlet="Daily A", published=date(2025, 3, 4), n=1)
    b = hand_article(text.replace("Tuesday", "Tuesday night", 1), outlet="Daily B",
                     published=date(2025, 3, 4), n=2)  # fmt: skip
    digest = build_digest([DigestInput(a, hand_brief(a)), DigestInput(b, hand_brief(b))])
    [story] = digest.stories
    [source] = story.sources
    assert source.copies == [b.id] and source.copy_outlets == ["Daily B"]


def test_spellings_of_one_name_are_one_entity_listing_each() -> None:
    """Hand-written mentions."""
    groups = group_mentions([
        Mention("Yusuf al-Rashidi", "target", "a", "Outlet A"),
        Mention("Yousef al-Rasheedi", "target", "b", "Outlet B"),
        Mention("Abu Zakariya al-Rashidi", "target", "c", "Outlet C"),
        Mention("Harakat al-Sumud", "other", "a", "Outlet A"),
        Mention("Harakat al Sumud", "other", "c", "Outlet C"),
    ])  # fmt: skip
    assert [sorted(m.text for m in g.mentions) for g in groups] == [
        ["Abu Zakariya al-Rashidi", "Yousef al-Rasheedi", "Yusuf al-Rashidi"],
        ["Harakat al Sumud", "Harakat al-Sumud"],
    ]


def test_a_shared_surname_alone_does_not_join_two_people() -> None:
    """Hand-written: two victims named in one article; a surname shared across roles."""
    groups = group_mentions([
        Mention("Ahmed Karimi", "victim", "a", "A"),
        Mention("Sara Karimi", "victim", "a", "A"),
        Mention("Sara Karimi", "victim", "b", "B"),
        Mention("Reza Karimi", "perpetrator", "b", "B"),
    ])  # fmt: skip
    assert sorted(sorted({m.text for m in g.mentions}) for g in groups) == [
        ["Ahmed Karimi"],
        ["Reza Karimi"],
        ["Sara Karimi"],
    ]


def test_a_description_is_not_merged_into_the_group_it_names() -> None:
    """Hand-written mentions: a group (an affiliation) and a description of one of its
    members share every word of the group's name; they stay apart, while spellings of
    the group still join."""
    groups = group_mentions([
        Mention("Harakat al-Sumud", "group", "a", "Outlet A"),
        Mention("Harakat al Sumud", "group", "b", "Outlet B"),
        Mention("Harakat al-Sumud commander", "target", "b", "Outlet B"),
        Mention("member of Harakat al-Sumud", "target", "c", "Outlet C"),
    ])  # fmt: skip
    assert sorted(sorted(m.text for m in g.mentions) for g in groups) == [
        ["Harakat al Sumud", "Harakat al-Sumud"],
        ["Harakat al-Sumud commander"],
        ["member of Harakat al-Sumud"],
    ]


def test_an_editors_alias_decisions_override_both_ways() -> None:
    """Hand-written mentions."""
    mentions = [
        Mention("Yusuf al-Rashidi", "target", "a", "A"),
        Mention("Yousef al-Rasheedi", "target", "b", "B"),
        Mention("The Commander", "other", "c", "C"),
    ]
    rules = AliasRules(same=[["The Commander", "Yusuf al-Rashidi"]],
                       different=[["Yusuf al-Rashidi", "Yousef al-Rasheedi"]])  # fmt: skip
    groups = group_mentions(mentions, rules)
    joined = [sorted(m.text for m in g.mentions) for g in groups]
    assert ["The Commander", "Yusuf al-Rashidi"] in joined
    assert ["Yousef al-Rasheedi"] in joined


SHOOTING = (
    "Tyrell Johnson, 24, was shot and killed near Fifth Street and Elm Avenue in Milwaukee "
    "on Friday night, police said. Officers found him in a parked car."
)
ARREST = (
    "Police in Milwaukee on Monday arrested a 19-year-old man in the killing of Tyrell "
    "Johnson, who was shot near Fifth Street and Elm Avenue on Friday."
)
OTHER = (
    "A 31-year-old woman was shot and wounded outside a grocery store on the city's south "
    "side in Milwaukee on Saturday, police said. Officers are looking for two men."
)
FAR = (
    "Tyrell Johnson, a local musician, was honoured at a concert in Indianapolis on Sunday, "
    "where friends played his songs."
)


def _mke(article: Article, day: date | None, place: str = "Milwaukee") -> DigestInput:
    loc = {"place": place, "region": None, "country": "United States", "precision": "city"}
    evidence = article.text.split(", police said")[0].split(", who")[0] if day else None
    when = {"evidence": evidence, "value": day, "precision": "exact" if day else "unknown",
            "time_of_day": None}  # fmt: skip
    return DigestInput(article, hand_brief(article, location=loc, date=when))


def test_a_follow_up_days_later_joins_its_story_and_says_why() -> None:
    """Hand-written: a shooting, the arrest three days later (same victim named), another
    shooting in the same city the next day, and a concert in another city naming the
    victim: the first two are one story, with the names that made it; the others apart."""
    shot = hand_article(SHOOTING, outlet="Daily A", published=date(2025, 5, 3), n=11)
    arrest = hand_article(ARREST, outlet="Radio B", published=date(2025, 5, 5), n=12)
    other = hand_article(OTHER, outlet="Daily A", published=date(2025, 5, 4), n=13)
    far = hand_article(FAR, outlet="Paper C", published=date(2025, 5, 4), n=14)
    digest = build_digest([
        _mke(shot, date(2025, 5, 2)), _mke(arrest, date(2025, 5, 5)),
        _mke(other, date(2025, 5, 3)), _mke(far, date(2025, 5, 4), place="Indianapolis"),
    ])  # fmt: skip
    groups = sorted(sorted(s.article_id for s in story.sources) for story in digest.stories)
    assert groups == [[shot.id, arrest.id], [other.id], [far.id]]
    [story] = [s for s in digest.stories if len(s.sources) == 2]
    [merge] = story.grouped_by
    assert sorted(merge.articles) == [shot.id, arrest.id] and "johnson" in merge.shared_names


def test_the_same_story_a_month_apart_is_two_events() -> None:
    """Hand-written: the same words a month apart are two shootings, not one story."""
    a = hand_article(SHOOTING, outlet="Daily A", published=date(2025, 5, 3), n=21)
    again = "Police said Tyrell Johnson, 24, was shot dead near Fifth Street in Milwaukee."
    b = hand_article(again, outlet="Daily B", published=date(2025, 6, 7), n=22)
    digest = build_digest([_mke(a, date(2025, 5, 2)), _mke(b, date(2025, 6, 6))])
    assert len(digest.stories) == 2


def test_an_article_whose_brief_failed_is_shown_with_its_story() -> None:
    """Hand-written: two reports of one shooting, the second's brief failed; it is in
    the story, marked, and listed among the failures with its reason."""
    from summarizer.brief.results import BriefResult
    from summarizer.digest import digest_inputs
    from summarizer.schema import Failure

    shot = hand_article(SHOOTING, outlet="Daily A", published=date(2025, 5, 3), n=31)
    arrest = hand_article(ARREST, outlet="Radio B", published=date(2025, 5, 5), n=32)
    ok = BriefResult(source=shot.source, stem="31", article_id=shot.id, article=shot,
                     brief=_mke(shot, date(2025, 5, 2)).brief)  # fmt: skip
    failed = BriefResult(
        source=arrest.source, stem="32", article_id=arrest.id, article=arrest,
        failure=Failure(kind="validation", message="the model kept inventing a number"),
        fallback=_mke(arrest, date(2025, 5, 5)).brief,
    )  # fmt: skip
    inputs, failures = digest_inputs([ok, failed])
    [story] = build_digest(inputs, failures=failures).stories
    marked = {s.article_id: s.brief_failed for s in story.sources}
    assert marked == {shot.id: False, arrest.id: True}
    [failure] = failures
    assert failure.source_file == arrest.source and "inventing" in failure.reason


def test_a_person_several_outlets_name_is_one_entity_of_the_story() -> None:
    """Hand-written: neither brief casts the victim, both articles name him."""
    shot = hand_article(SHOOTING, outlet="Daily A", published=date(2025, 5, 3), n=41)
    arrest = hand_article(ARREST, outlet="Radio B", published=date(2025, 5, 5), n=42)
    [story] = build_digest([_mke(shot, date(2025, 5, 2)), _mke(arrest, date(2025, 5, 5))]).stories
    [okafor] = [e for e in story.entities if e.display == "Tyrell Johnson"]
    assert okafor.role == "named"
    assert {a for sp in okafor.spellings for a in sp.articles} == {shot.id, arrest.id}


def test_a_toll_that_rose_is_an_update_not_a_conflict() -> None:
    """Hand-written: one outlet says 3 killed; another, the next day, that the toll rose
    to 7: one figure, 7, and no conflict."""
    first = "Police said three people were killed in a fire at Marlow Textiles in Riverton."
    later = "The death toll from the fire at Marlow Textiles rose to seven, police said."
    a = hand_article(first, outlet="Daily A", published=date(2025, 3, 4), n=51)
    b = hand_article(later, outlet="Daily B", published=date(2025, 3, 5), n=52)
    loc = {"place": "Riverton", "region": None, "country": "Freedonia", "precision": "city"}
    digest = build_digest([
        DigestInput(a, hand_brief(a, location=loc, casualties=[killed(3, "Police", first)])),
        DigestInput(b, hand_brief(b, location=loc, casualties=[killed(7, "police", later)])),
    ])  # fmt: skip
    [story] = digest.stories
    [tally] = story.casualties
    assert (tally.low, tally.high, tally.conflict) == (7, 7, False)
    assert [c.superseded for c in tally.claims] == [True, False]


def test_an_editor_can_keep_two_articles_apart() -> None:
    """Hand-written: the follow-up would join its shooting; an editor's rule says no."""
    shot = hand_article(SHOOTING, outlet="Daily A", published=date(2025, 5, 3), n=61)
    arrest = hand_article(ARREST, outlet="Radio B", published=date(2025, 5, 5), n=62)
    inputs = [_mke(shot, date(2025, 5, 2)), _mke(arrest, date(2025, 5, 5))]
    assert len(build_digest(inputs).stories) == 1
    rules = AliasRules(apart=[[shot.id, arrest.source]])
    assert len(build_digest(inputs, aliases=rules).stories) == 2


@pytest.mark.parametrize("run", ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"])
def test_the_reading_a_brief_carries_gives_the_digest_its_article_gives(run: str) -> None:
    """Briefs made before schema 1.3.0 carry no reading: the digest reads their articles
    itself. A brief made now carries it: the digest must come out the same, parsing
    nothing (so a digest of thousands of briefs costs no spaCy time)."""
    from unittest import mock

    from summarizer.prepared import PreparedArticle
    from summarizer.reading import read_article

    bare = recorded_inputs(run)
    assert all(x.brief.reading is None for x in bare)
    read = [
        DigestInput(x.article, x.brief.model_copy(
            update={"reading": read_article(PreparedArticle(x.article))}
        ))
        for x in bare
    ]  # fmt: skip
    expected = build_digest(bare).model_dump()
    with mock.patch("summarizer.digest.build.read_article", side_effect=AssertionError):
        assert build_digest(read).model_dump() == expected


def _one_outlets_dated_reports(
    texts: list[str], days: tuple[date, ...], loc: dict[str, Any]
) -> list[DigestInput]:
    """Hand-written briefs of one outlet's reports, each dated by its first sentence."""
    inputs = []
    for n, (text, day) in enumerate(zip(texts, days, strict=True), 1):
        article = hand_article(text, outlet="Riverton Daily", published=day, n=n)
        brief = hand_brief(
            article,
            location=loc,
            date={
                "evidence": text.split(". ")[0] + ".",
                "value": day,
                "precision": "exact",
                "time_of_day": None,
            },
        )
        inputs.append(DigestInput(article, brief))
    return inputs


def test_two_shootings_of_one_town_sharing_only_its_police_and_a_surname_stay_apart() -> None:
    """Hand-written: one outlet's two crime reports, three days apart, in one town. The
    town's police department, a part of town ("Riverton's east side") and a surname
    borne by two different people ("Dakota Williams", "Jamal Williams") are no shared
    evidence; two stories."""
    texts = [
        "The Riverton Metropolitan Police Department is investigating a shooting on "
        "Riverton's east side on Tuesday. Officers found Dakota Williams, 19, shot in the "
        "leg in the 400 block of Oak Street.",
        "The Riverton Metropolitan Police Department is investigating a shooting on "
        "Riverton's north side on Friday. Officers found Jamal Williams, 24, shot in the "
        "arm in the 3900 block of Grand Avenue.",
    ]
    loc = {"place": "Riverton", "region": None, "country": None, "precision": "city"}
    days = (date(2025, 3, 4), date(2025, 3, 7))
    inputs = _one_outlets_dated_reports(texts, days, loc)
    assert len(build_digest(inputs).stories) == 2


def test_the_acronym_of_a_police_department_one_article_spells_out_binds_no_stories() -> None:
    """Hand-written: one outlet's template crime reports from one town. One spells out
    "the Riverton Metropolitan Police Department"; the other two, days apart, name it
    only as "RMPD". The acronym is the local police too, and binds neither pair."""
    texts = [
        "Officers with the Riverton Metropolitan Police Department responded to a report "
        "of a stabbing at a bar on Elm Street on Monday. A woman was taken to hospital.",
        "The RMPD is investigating a shooting on the city's near southwest side. "
        "Police responded to a call about a possible person shot in the 3400 block of West "
        "Morris Street around 3:45 a.m. Tuesday and took a man to Eskenazi Hospital.",
        "Police are searching for suspects following an early morning shooting on the "
        "near east side. The RMPD responded to a call about a person shot in the 400 "
        "block of North Oakland Avenue around 3 a.m. Saturday and found him shot in the leg.",
    ]
    loc = {"place": "Riverton", "region": None, "country": None, "precision": "city"}
    days = (date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 8))
    inputs = _one_outlets_dated_reports(texts, days, loc)
    assert len(build_digest(inputs).stories) == 3


def test_a_place_the_gazetteer_does_not_know_keeps_no_two_reports_apart() -> None:
    """Hand-written: two outlets' reports of one quake. One places it in Christchurch
    (a city the gazetteer knows), the other on "the Canterbury Plains" (it does not):
    words that differ are no evidence of two places, so they are one story."""
    texts = [
        "A magnitude 7.1 earthquake struck near Christchurch on Saturday, GNS Science "
        "said, damaging buildings and injuring two people. Prime Minister John Key "
        "flew to the city.",
        "A magnitude 7.1 earthquake struck the Canterbury Plains on Saturday, GNS Science "
        "said. Two people were injured and Prime Minister John Key visited the damage.",
    ]
    day = date(2010, 9, 4)
    inputs = []
    for n, (text, place) in enumerate(
        zip(texts, ("Christchurch", "the Canterbury Plains"), strict=True), 1
    ):
        article = hand_article(text, outlet=f"Outlet {n}", published=day, n=n)
        loc = {"place": place, "region": None, "country": None, "precision": "city"}
        inputs.append(DigestInput(article, hand_brief(article, location=loc)))
    assert len(build_digest(inputs).stories) == 1


def test_two_quakes_of_one_country_are_told_apart_by_their_magnitudes() -> None:
    """Hand-written: undated reports of quakes in one province. Two give 6.1 and 6.2
    (a first figure revised: one quake); a third gives 7.3, another quake, though its
    wording and the agency it quotes are the same."""
    texts = [
        "A magnitude 6.1 earthquake struck Aceh province, the Meteorology and Geophysics "
        "Agency said. Houses collapsed in several villages.",
        "A 6.2-magnitude earthquake struck Aceh province, the Meteorology and Geophysics "
        "Agency said. Houses collapsed in several villages and roads cracked.",
        "A magnitude 7.3 earthquake struck Aceh province, the Meteorology and Geophysics "
        "Agency said. Houses collapsed in several villages.",
    ]
    loc = {"place": "Aceh province", "region": None, "country": "Indonesia", "precision": "region"}
    inputs = []
    for n, text in enumerate(texts, 1):
        article = hand_article(text, outlet=f"Outlet {n}", published=None, n=n)
        inputs.append(DigestInput(article, hand_brief(article, location=loc)))
    stories = build_digest(inputs).stories
    assert sorted(len(s.sources) for s in stories) == [1, 2]
    (alone,) = [s for s in stories if len(s.sources) == 1]
    assert alone.sources[0].article_id == inputs[2].article.id


def test_an_organisation_named_late_in_each_article_and_by_its_acronym_is_one_entity() -> None:
    """Hand-written: two outlets' reports of one shooting. Each names the group only
    after its opening sentences, one in full, the other by its acronym: one entity,
    spelt both ways, from both articles."""
    opening = (
        "A gunman opened fire at the Riverton community centre on Tuesday, police said. "
        "Four people were wounded. The gunman fled in a grey car. Officers closed the "
        "roads around the centre. Witnesses described hearing a dozen shots. Schools "
        "nearby were locked down for two hours. "
    )
    texts = [
        opening + "The Council on American-Islamic Relations condemned the attack.",
        opening + "A spokesman for CAIR condemned the attack.",
    ]
    inputs = []
    for n, text in enumerate(texts, 1):
        article = hand_article(text, outlet=f"Outlet {n}", published=date(2025, 3, 4), n=n)
        inputs.append(DigestInput(article, hand_brief(article)))
    (story,) = build_digest(inputs).stories
    (group,) = [e for e in story.entities if any("CAIR" in s.text for s in e.spellings)]
    assert {s.text for s in group.spellings} == {"CAIR", "Council on American-Islamic Relations"}
    assert {a for s in group.spellings for a in s.articles} == {x.article.id for x in inputs}
    assert "acronym" in group.matched_by


def test_one_person_spelt_two_ways_binds_two_reports() -> None:
    """Hand-written: two outlets' differently worded reports of one arrest, the suspect
    spelt "Ali Alishbandi" and "Ali Alishvandi": the same person, as the story's
    entities join them, so one story."""
    texts = [
        "Ali Alishbandi, 34, was arrested on Tuesday over the stabbing of a shopkeeper "
        "in Riverton, a spokesman said.",
        "A man accused of knifing a store owner, Ali Alishvandi, was detained in Riverton "
        "on Tuesday and will appear in court.",
    ]
    loc = {"place": "Riverton", "region": None, "country": None, "precision": "city"}
    inputs = []
    for n, text in enumerate(texts, 1):
        article = hand_article(text, outlet=f"Outlet {n}", published=date(2025, 3, 4), n=n)
        inputs.append(DigestInput(article, hand_brief(article, location=loc)))
    (story,) = build_digest(inputs).stories
    assert story.grouped_by[0].shared_names == ["ali alishbandi"]
