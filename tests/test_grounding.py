from __future__ import annotations

from datetime import date
from pathlib import Path

from summarizer.geo import resolve_place
from summarizer.grounding import GroundingSource, fold, mentions_number, numbers_in, resolve_dates

TEXT = (
    "The US targeted a member of an Iranian proxy group with “US blood on his hands” "
    "in a strike in Iraq — a US official told CNN.\n"
    "Iraq's Joint Operations Command said the strike killed two people.\n"
    "ALSO READ: Something else entirely happened in another country today"
)
PASSAGES = [(0, TEXT.split("\n")[0]), (TEXT.index("Iraq's"), TEXT.split("\n")[1])]


def test_fold_ignores_case_space_quotes_and_dashes() -> None:
    assert fold("“US  Blood”\n— on") == fold('"us blood" - ON')


def test_exact_match_returns_the_articles_own_characters() -> None:
    src = GroundingSource(TEXT, PASSAGES)
    match = src.locate('"US blood on his hands" in a strike in Iraq - a US official')
    assert match is not None and match.exact
    assert match.span == "US blood on his hands” in a strike in Iraq — a US official"
    assert TEXT[match.start : match.end] == match.span


def test_near_match_above_threshold_stores_the_exact_span() -> None:
    src = GroundingSource(TEXT, PASSAGES)
    match = src.locate("Iraqs Joint Operation Command said the strike killed two people")
    assert match is not None and not match.exact and match.score >= 92
    assert match.span == "Iraq's Joint Operations Command said the strike killed two people"


def test_near_match_with_a_different_number_is_rejected() -> None:
    src = GroundingSource(TEXT, PASSAGES)
    assert src.locate("Iraq's Joint Operations Command said the strike killed 3 people") is None
    # digits for the article's own number words are fine: the article's words are stored
    match = src.locate("the strike killed 2 people")
    assert match is not None and match.span == "the strike killed two people"


def test_invented_text_and_boilerplate_are_not_found() -> None:
    src = GroundingSource(TEXT, PASSAGES)
    assert src.locate("The commander vowed revenge against America") is None
    assert src.locate("Something else entirely happened in another country") is None
    assert src.locate("") is None


def test_numbers() -> None:
    assert numbers_in("killed 1,200 and 3 on 9:30") == ["1200", "3", "9", "30"]
    assert mentions_number("killed two people", 2)
    assert mentions_number("at least 168 attacks", 168)
    assert not mentions_number("at least 168 attacks", 16)
    assert not mentions_number("killed two people", 3)


def test_dates_resolve_against_publication_date_only() -> None:
    thursday = date(2024, 2, 8)
    assert resolve_dates("a strike on Wednesday in Baghdad", thursday) == {date(2024, 2, 7)}
    assert resolve_dates("was killed on Wednesday in a US strike", thursday) == {date(2024, 2, 7)}
    assert resolve_dates("On December 25, the US struck", date(2024, 1, 4)) == {date(2023, 12, 25)}
    assert resolve_dates("Washington, February 8: The US", thursday) == {thursday}
    assert resolve_dates("yesterday", thursday) == {date(2024, 2, 7)}
    # no publication date: a weekday or a yearless date says nothing about the calendar
    assert resolve_dates("was killed on Wednesday", None) == set()
    assert resolve_dates("On December 25", None) == set()
    assert resolve_dates("on 7 February 2024", None) == {date(2024, 2, 7)}


def test_fast_fold_equals_the_indexed_fold(seeds_dir: Path) -> None:
    from summarizer.grounding import _fold_with_index

    samples = ["  Tab\tand\u00a0nbsp  “curly” — dash ’s ﬁ ligature Ⅻ  ", "ÉCOLE\u2003x"]
    samples += [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    for text in samples:
        assert fold(text) == _fold_with_index(text)[0]


def test_a_figure_set_in_an_earlier_year_is_context_not_the_toll() -> None:
    # HAND-WRITTEN article (fictional): undated, about a quake in 2019, looking back at
    # one in 2006.
    from summarizer.brief.extraction import figure_candidates
    from summarizer.ingest import parse_text
    from summarizer.prepared import PreparedArticle

    article = parse_text(
        "A strong earthquake struck the island of Sumbawa on March 4, 2019, killing seven "
        "people, officials said.\n\n"
        "In 2006, a quake off the same coast killed some 5,700 people.\n\n"
        "Rescuers were still searching collapsed houses for survivors on Tuesday.",
        "quake.txt",
    )
    prepared = PreparedArticle(article)
    assert prepared.news_year == 2019
    assert figure_candidates(prepared, "killed") == [1]
    assert prepared.earlier_reason(prepared.numbered[1]) == "In 2006"


def test_an_article_that_dates_nothing_names_a_year_only_to_look_back() -> None:
    # HAND-WRITTEN article (fictional): no publication date, no written-out date; the
    # only year it names is an earlier quake's (before, that year became the news's)
    from summarizer.brief.extraction import figure_candidates
    from summarizer.ingest import parse_text
    from summarizer.prepared import PreparedArticle

    article = parse_text(
        "A strong earthquake struck the island of Sumbawa on Tuesday, killing seven "
        "people, officials said.\n\n"
        "In 2004, a magnitude 9.1 quake off Indonesia triggered a tsunami that killed "
        "some 230,000 people.\n\n"
        "So far this year, 40 people have died in quakes across the country.\n\n"
        "By the end of the day, rescuers had pulled 12 people from the rubble.",
        "quake.txt",
    )
    prepared = PreparedArticle(article)
    assert prepared.news_year is None
    assert [prepared.earlier_reason(s) for s in prepared.numbered] == [
        None,
        "In 2004",
        "So far this",
        None,
    ]
    assert figure_candidates(prepared, "killed") == [1]


def test_a_town_is_the_one_in_the_country_the_article_names() -> None:
    # the most populous bearer of a name, unless the article names another's country
    paris = resolve_place("Paris")
    assert paris is not None and paris.country == "France"
    texan = resolve_place("Paris", "United States")
    assert texan is not None and texan.country == "United States" and texan.id != paris.id
    # a country without a town of the name changes nothing
    assert resolve_place("Paris", "Chile") == paris


def test_a_name_two_countries_cities_bear_alike_is_no_sure_place() -> None:
    # Birmingham, England and Birmingham, Alabama: without a country the digest cannot
    # tell which, so it neither gates nor places a story by it; Paris is France's
    assert resolve_place("Birmingham", sure=True) is None
    alabama = resolve_place("Birmingham", "United States", sure=True)
    assert alabama is not None and alabama.country == "United States"
    paris = resolve_place("Paris", sure=True)
    assert paris is not None and paris.country == "France"


def test_evidence_over_a_paragraph_break_is_found_when_its_lines_follow_each_other() -> None:
    text = "ANALYSIS:\n\nThe dam burst on Monday. Crews worked all night.\n\nMore rain is due.\n"
    source = GroundingSource(text, [(0, "ANALYSIS:"), (11, text[11:50]), (52, text[52:])])
    match = source.locate("ANALYSIS:\n\nThe dam burst on Monday.")
    assert match is not None and match.span == "ANALYSIS:\n\nThe dam burst on Monday"
    # lines that do not follow each other in the article are not one fragment
    assert source.locate("ANALYSIS:\n\nMore rain is due.") is None
