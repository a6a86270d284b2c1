"""Hostile inputs and environments: a bad file fails alone, the environment's failures
are one clear line and exit 3, the terminal never receives an escape sequence, and the
Markdown and CSV outputs cannot run what an article says.

The briefs here are HAND-WRITTEN for these tests (labelled; not model output); the
batches are briefed by the fake OpenAI-compatible server on loopback.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from summarizer.brief.pipeline import brief_paths
from summarizer.brief.results import BriefResult
from summarizer.cli import cli
from summarizer.cli._safe import printable
from summarizer.render.exports import briefs_csv
from summarizer.render.markdown import render_markdown
from summarizer.testing import FakeOpenAI

from .fakes import fake_env, fake_settings
from .test_digest import hand_article, hand_brief

GOOD = (
    "Flash floods killed 12 people in the northern city of Kaduna on Monday, the regional "
    "governor said. Rescue teams searched for 30 people still missing.\n"
)
HOSTILE = (
    'The mayor said "[click here](javascript:alert(1)) <script>alert(2)</script>" on '
    'Monday, and =HYPERLINK("http://evil.example") was painted on the wall.'
)


def test_a_deeply_nested_json_input_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "nested.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    (folder / "nested.jsonl").write_text('{"text": ' + "[" * 200_000 + "\n", encoding="utf-8")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    with FakeOpenAI() as fake:
        results, summary = brief_paths([folder], fake_settings(fake, tmp_path / "cache"))
    by_name = {Path(r.source.split("#")[0]).name: r for r in results}
    assert by_name["good.txt"].ok
    for name in ("nested.json", "nested.jsonl"):
        failure = by_name[name].failure
        assert failure is not None and "nested too deeply" in failure.message, name
    assert (summary.briefs, summary.failures) == (1, 2)


def test_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    assert printable("a\x1b]0;pwned\x07b\x1b[31mc\x9bd\re\tf\n") == "abcde\tf\n"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "\x1b]0;owned\x07title\x1b[2J.txt").write_text("", encoding="utf-8")  # empty
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    with FakeOpenAI() as fake:
        env = fake_env(fake, tmp_path / "cache")
        result = CliRunner().invoke(cli, ["brief", str(folder), "--format", "json"], env=env)
    assert result.exit_code == 1, result.output
    assert "title.txt" in result.output  # the failed file is named...
    assert "\x1b" not in result.output and "\x07" not in result.output  # ...harmlessly


def _result(headline: str, quote: str) -> BriefResult:
    article = hand_article(HOSTILE, outlet="=cmd|' /C calc'!A0", published=date(2025, 3, 3), n=7)
    brief = hand_brief(
        article, headline=headline, quotes=[{"quote": quote, "speaker": "The mayor"}]
    )
    return BriefResult(source="hand/7.txt", stem="7", article_id=article.id, brief=brief,
                       article=article)  # fmt: skip


def test_markdown_shows_html_and_links_as_text() -> None:
    md = render_markdown(
        _result(
            "<b>Mayor</b> speaks", "[click here](javascript:alert(1)) <script>alert(2)</script>"
        )
    )
    assert "<script>" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md and "&lt;b&gt;Mayor&lt;/b&gt;" in md
    assert "](javascript:" not in md.replace("\\]", "")  # no link survives
    assert "\\[click here\\]" in md


def test_csv_cells_that_spreadsheets_would_run_are_text() -> None:
    rows = list(csv.DictReader(io.StringIO(briefs_csv([_result('=HYPERLINK("x")', "q")]))))
    assert rows[0]["headline"] == '\'=HYPERLINK("x")'
    assert rows[0]["outlet"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["summary"].startswith("A sentence")  # ordinary text untouched


def test_a_corrupt_cache_is_named_and_cache_clear_rebuilds_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "briefs").mkdir(parents=True)
    (cache / "briefs" / "cache.db").write_bytes(b"this is not a database" * 100)
    runner = CliRunner()
    stats = runner.invoke(cli, ["cache", "stats", "--cache-dir", str(cache)])
    assert stats.exit_code == 3
    assert "corrupt" in stats.output and "summarizer cache clear" in stats.output
    assert "Traceback" not in stats.output
    cleared = runner.invoke(cli, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0, cleared.output
    assert "was corrupt: moved aside" in cleared.output
    again = runner.invoke(cli, ["cache", "stats", "--cache-dir", str(cache)])
    assert again.exit_code == 0 and "entries 0" in again.output


def test_the_environments_failures_are_one_line_and_exit_3(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with FakeOpenAI() as fake:
        env = fake_env(fake, tmp_path / "cache")
        runner = CliRunner()
        out = runner.invoke(
            cli, ["brief", str(tmp_path / "good.txt"), "--out", str(blocker / "out")], env=env
        )
        store = runner.invoke(
            cli, ["brief", str(tmp_path / "good.txt"), "--review-db", str(tmp_path)], env=env
        )
    for result in (out, store):
        assert result.exit_code == 3, result.output
        assert "Traceback" not in result.output
        assert result.output.strip().splitlines()[-1].startswith("Error: ")
    assert str(blocker) in out.output
