from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from summarizer.ingest import Article, IngestFailure, content_passages, load_articles, parse_text


def _articles(items: list[Article | IngestFailure]) -> list[Article]:
    return [a for a in items if isinstance(a, Article)]


def test_every_seed_is_ingested_with_its_exact_text(seeds_dir: Path) -> None:
    items = load_articles([seeds_dir])
    assert len(items) == 5 and all(isinstance(a, Article) for a in items)
    for article in _articles(items):
        original = Path(article.source).read_text(encoding="utf-8")
        assert article.text == original
        assert article.body in original
        assert len(article.id) == 16


def test_seed_first_line_is_read_as_date_plus_title_byline_or_dateline(seeds_dir: Path) -> None:
    by_name = {Path(a.source).name[:3]: a for a in _articles(load_articles([seeds_dir]))}
    assert by_name["000"].published == date(2024, 1, 4)
    assert by_name["000"].byline is not None and by_name["000"].byline.startswith("By Oren")
    assert by_name["000"].outlet == "CNN"
    assert by_name["001"].outlet == "CNN"
    assert by_name["002"].title == "US Kills Commander of Iran-Backed Proxy Group in Iraq Strike"
    assert by_name["002"].outlet == "Bloomberg"
    assert by_name["003"].published is None  # no date line: nothing invented
    assert by_name["003"].outlet is None
    assert by_name["004"].dateline == "Washington, February 8"
    assert by_name["004"].title is None


def test_ids_are_stable_and_content_based(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(" date 2024-01-01 Title\nSame body.\n")
    b.write_text(" date 2024-01-01 Title\nSame body.\n")
    first, second = _articles(load_articles([a, b]))
    assert first.id == second.id
    b.write_text(" date 2024-01-01 Title\nOther body.\n")
    assert _articles(load_articles([b]))[0].id != first.id


def test_boilerplate_is_not_content(seeds_dir: Path) -> None:
    for article in _articles(load_articles([seeds_dir])):
        kept = " ".join(p for _, p in content_passages(article))
        for noise in (
            "ALSO READ",
            "pic.twitter.com",
            "This story has been updated",
            "Cable News Network, Inc.",
            "©2024 Bloomberg",
            "Updates with additional",
        ):
            assert noise not in kept
        for offset, passage in content_passages(article):
            assert article.text[offset : offset + len(passage)] == passage


def test_html_main_text_is_extracted(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    paragraph = (
        "Officials in Baghdad said on Wednesday that a drone struck a vehicle in the "
        "east of the city, killing two people, according to a police statement. "
    )
    page.write_text(
        "<html><head><title>Strike in Baghdad</title>"
        '<meta property="article:published_time" content="2024-02-08T10:00:00Z"></head>'
        "<body><nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        f"<article><h1>Strike in Baghdad</h1><p>{paragraph}</p><p>{paragraph}</p></article>"
        "<footer>Copyright 2024 Example News. Subscribe to our newsletter.</footer></body></html>"
    )
    (article,) = _articles(load_articles([page]))
    assert "drone struck a vehicle" in article.text
    assert "Home" not in article.text and "newsletter" not in article.text
    assert article.published == date(2024, 2, 8)


def test_json_and_jsonl_records(tmp_path: Path) -> None:
    record = {
        "id": "r1",
        "url": "https://example.org/x",
        "outlet": "Example",
        "published": "2024-02-08",
        "title": "T",
        "text": "Body of the story.",
    }
    (tmp_path / "one.json").write_text(json.dumps(record))
    lines = [
        json.dumps(record),
        "{not json",
        json.dumps({**record, "text": ""}),
        json.dumps({**record, "text": "Second story."}),
    ]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n")
    items = load_articles([tmp_path / "one.json", tmp_path / "many.jsonl"])
    assert [type(i).__name__ for i in items] == [
        "Article",
        "Article",
        "IngestFailure",
        "IngestFailure",
        "Article",
    ]
    assert items[0].outlet == "Example" and items[0].external_id == "r1"  # type: ignore[union-attr]
    assert items[4].source.endswith("many.jsonl#4")  # type: ignore[union-attr]
    assert "many.jsonl#2" in str(items[2]) and "invalid JSON" in str(items[2])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "white space"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("latin1.txt", "Caf\xe9 bombing".encode("latin-1"), "not valid UTF-8"),
        ("huge.txt", b"word " * 300_000, "limit"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
        ("dateonly.txt", b" date 2024-02-08 \n\n", "no article text"),
    ],
)
def test_bad_input_names_the_file_and_the_batch_goes_on(
    tmp_path: Path, seeds_dir: Path, name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = seeds_dir / "003_80e5a1f280e72176.txt"
    items = load_articles([bad, good])
    assert isinstance(items[0], IngestFailure)
    assert str(bad) in str(items[0]) and reason in str(items[0])
    assert isinstance(items[1], Article)


def test_missing_path_and_folder_of_mixed_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A story about a strike.")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01")  # unsupported suffix: not an article file
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / "c.md").write_bytes(b"")
    items = load_articles([tmp_path, tmp_path / "nope.txt"])
    assert [type(i).__name__ for i in items] == ["Article", "IngestFailure", "IngestFailure"]
    assert "c.md" in str(items[1]) and "nope.txt" in str(items[2])


def test_parse_text_without_date_line_keeps_everything() -> None:
    text = "First paragraph.\nSecond paragraph."
    article = parse_text(text, "x.txt")
    assert article.body == text and article.published is None
