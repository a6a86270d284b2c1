"""The brief pipeline against a real loopback server playing HAND-WRITTEN model responses.

These are unit tests of re-asks, failure recording, usage accounting, caching, and the
CLI's exit codes. Recorded real-model exchanges are replayed in test_recorded.py.
"""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import pytest
from click.testing import CliRunner
from pydantic import Field

from summarizer.brief.cache import BriefCache
from summarizer.brief.strategies import FreeTextStrategy, SentenceChoiceStrategy
from summarizer.brief.summarizer import GenerationParams, Summarizer
from summarizer.cli import cli
from summarizer.ingest import Article, IngestFailure
from summarizer.llm.prompts import load_prompt
from summarizer.schema import BriefContent, EventBrief

from .fakes import (
    VALID_001,
    Reply,
    ScriptedServer,
    scripted_backend,
    stored_provenance,
    tool_call_reply,
)

FABRICATED = copy.deepcopy(VALID_001)
FABRICATED["quotes"] = [{"quote": "We will crush every militia in Iraq", "speaker": "CENTCOM"}]


def _summarizer(server: ScriptedServer, tmp_path: Path, **params: Any) -> Summarizer:
    return Summarizer(
        scripted_backend(server),
        FreeTextStrategy(),
        cache=BriefCache(tmp_path / "cache"),
        params=GenerationParams(**params),
    )


# HAND-WRITTEN: a quote the article (seed 001) prints, as the fix question's answer.
REAL_QUOTE = {
    "quote": "We will not hesitate to hold accountable all those who threaten the security of "
    "our forces",
    "speaker": "Central Command",
}


def test_an_invented_quote_is_asked_again_alone_and_tokens_of_every_call_summed(
    a001: Article, tmp_path: Path
) -> None:
    script = [
        tool_call_reply(FABRICATED, prompt_tokens=1000, completion_tokens=300),
        tool_call_reply({"quotes": [REAL_QUOTE]}, prompt_tokens=1500, completion_tokens=50,
                        name="Fixes"),
    ]  # fmt: skip
    with ScriptedServer(script) as server:
        result = asyncio.run(_summarizer(server, tmp_path).brief(a001))
        fix_prompt = json.dumps(server.requests[1]["json"]["messages"][-1])
    assert result.ok and result.brief is not None
    assert result.usage.attempts == 2 and result.reasks == 1  # the follow-up is a re-ask
    assert (result.usage.tokens_in, result.usage.tokens_out) == (2500, 350)
    # the follow-up named only the failing item, with why
    assert "quotes[0]" in fix_prompt and "does not occur in the article" in fix_prompt
    assert "claims[0]" not in fix_prompt
    # the fixed quote joined everything the first answer got right
    assert [q.quote for q in result.brief.quotes] == [REAL_QUOTE["quote"]]
    assert result.brief.claims == EventBrief.model_validate({**VALID_001, "provenance":
        result.brief.provenance.model_dump()}).claims  # fmt: skip
    assert result.brief.gaps == []


def test_an_item_still_invented_is_dropped_and_listed_not_the_brief(
    a001: Article, tmp_path: Path
) -> None:
    invented = {"quote": "We will crush them all", "speaker": "CENTCOM"}
    script = [tool_call_reply(FABRICATED), tool_call_reply({"quotes": [invented]}, name="Fixes")]
    with ScriptedServer(script) as server:
        result = asyncio.run(_summarizer(server, tmp_path, max_attempts=3).brief(a001))
        assert len(server.requests) == 2  # the answer, and one follow-up about the quote
    assert result.ok and result.brief is not None
    assert result.brief.quotes == []
    assert result.brief.headline == VALID_001["headline"]  # everything else kept
    assert len(result.brief.claims) == len(VALID_001["claims"])
    (gap,) = result.brief.gaps
    assert gap.field == "quotes[0]"
    assert "We will crush every militia in Iraq" in gap.reason
    assert "does not occur in the article" in gap.reason


def test_an_answer_that_cannot_be_read_fails_after_the_last_attempt(
    a001: Article, tmp_path: Path
) -> None:
    unreadable = {**VALID_001, "event_type": "Carnival"}  # no such type: not a brief's shape
    with ScriptedServer([tool_call_reply(unreadable)] * 3) as server:
        result = asyncio.run(_summarizer(server, tmp_path, max_attempts=3).brief(a001))
        assert len(server.requests) == 3
    assert not result.ok and result.failure is not None
    assert result.failure.kind == "validation"
    assert any(d.loc == "event_type" for d in result.failure.validator_messages)
    out = result.to_json_dict()
    assert out["error"]["kind"] == "validation" and out["source_file"] == a001.source
    assert result.usage.tokens_in == 3000  # failed attempts are paid for too
    assert result.fallback is not None  # the headline and lead still reach the queue


def test_transport_retry_is_not_a_reask(a001: Article, tmp_path: Path) -> None:
    script = [Reply(429, {"error": "rate"}, {"Retry-After": "0"}), tool_call_reply(VALID_001)]
    with ScriptedServer(script) as server:
        result = asyncio.run(_summarizer(server, tmp_path).brief(a001))
    assert result.ok
    assert result.transport_retries == 1 and result.usage.attempts == 1


def test_endpoint_that_keeps_failing_is_recorded_as_transport_failure(
    a001: Article, tmp_path: Path
) -> None:
    with ScriptedServer([Reply(503, {"error": "down"})] * 3) as server:
        result = asyncio.run(_summarizer(server, tmp_path).brief(a001))
    assert result.failure is not None and result.failure.kind == "transport"
    assert "503" in result.failure.message


def test_batch_keeps_input_order_and_goes_on_after_bad_input(a001: Article, tmp_path: Path) -> None:
    bad = IngestFailure(str(tmp_path / "broken.txt"), "file is empty")
    with ScriptedServer([tool_call_reply(VALID_001)]) as server:
        s = _summarizer(server, tmp_path)
        results = asyncio.run(s.brief_all([bad, a001], concurrency=2))
    assert [r.ok for r in results] == [False, True]
    assert results[0].failure is not None and results[0].failure.kind == "ingest"
    assert results[0].stem == "broken"
    summary = s.summarize(results)
    assert (summary.articles, summary.briefs, summary.failures, summary.model_calls) == (2, 1, 1, 1)


def test_second_run_is_served_from_cache_without_a_model_call(
    a001: Article, tmp_path: Path
) -> None:
    with ScriptedServer([tool_call_reply(VALID_001), tool_call_reply(VALID_001)]) as server:
        first = asyncio.run(_summarizer(server, tmp_path).brief(a001))
        second = asyncio.run(_summarizer(server, tmp_path).brief(a001))
        assert len(server.requests) == 1
        third = asyncio.run(_summarizer(server, tmp_path, temperature=0.7).brief(a001))
        assert len(server.requests) == 2  # a parameter that changes output is a miss
    assert not first.cached and second.cached and not third.cached
    assert second.brief == first.brief


def test_cache_key_covers_everything_that_changes_the_output(a001: Article, tmp_path: Path) -> None:
    """Each part of the key, changed the way a user would change it (a flag, a prompt, a
    model, a backend), changes the key built by the Summarizer itself."""
    with ScriptedServer([]) as server:
        base = _summarizer(server, tmp_path)
        key = base.cache_key(base.prepare(a001))

        def key_of(s: Summarizer, article: Article = a001) -> str:
            return s.cache_key(s.prepare(article)).digest()

        def with_backend(**changes: Any) -> Summarizer:
            s = _summarizer(server, tmp_path)
            s.backend = replace(s.backend, **changes)  # type: ignore[type-var]
            return s

        other_article = a001.model_copy(update={"id": "0" * 16})
        compact = _summarizer(server, tmp_path)
        compact.strategy = FreeTextStrategy(load_prompt("brief-compact-v2"))
        variants = {
            "article": key_of(base, other_article),
            "prompt": key_of(compact),
            "strategy": key_of(
                Summarizer(base.backend, SentenceChoiceStrategy(load_prompt("brief-v1")))
            ),
            "model": key_of(with_backend(model="other")),
            "mode": key_of(with_backend(mode="json")),
            "backend": key_of(with_backend(name="local")),
            "temperature": key_of(_summarizer(server, tmp_path, temperature=0.5)),
            "seed": key_of(_summarizer(server, tmp_path, seed=1)),
            "max_tokens": key_of(_summarizer(server, tmp_path, max_tokens=99)),
            "max_attempts": key_of(_summarizer(server, tmp_path, max_attempts=1)),
            "fuzzy_threshold": key_of(_summarizer(server, tmp_path, fuzzy_threshold=95.0)),
        }
    assert key.digest() not in variants.values()
    assert len(set(variants.values())) == len(variants), variants
    assert key_of(base) == key.digest()  # and it is stable


def test_a_changed_strategy_schema_misses_the_cache(
    a001: Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key covers the JSON Schema actually sent, so editing how the sentence-choice
    strategy builds its per-article schema (same prompt, same strategy version) misses."""
    from summarizer.brief import sentence_choice

    with ScriptedServer([]) as server:
        s = _summarizer(server, tmp_path)
        s.strategy = SentenceChoiceStrategy(load_prompt("brief-compact-v2"))
        before = s.cache_key(s.prepare(a001))
        s.cache = BriefCache(tmp_path / "cache")
        s.cache.set(before, _stored_brief(a001))
        # e.g. a developer shortens the headline the grammar allows
        shorter = Annotated[str, Field(pattern=r"^[^\"\\]{3,60}$", description="Headline.")]
        monkeypatch.setattr(sentence_choice, "_Headline", shorter)
        after = s.cache_key(s.prepare(a001))
        assert after.response_schema_sha256 != before.response_schema_sha256
        assert s.cache.get(after) is None and s.cache.get(before) is not None
        monkeypatch.undo()
        assert s.cache_key(s.prepare(a001)) == before


def _stored_brief(article: Article) -> EventBrief:
    from datetime import UTC, datetime

    content = BriefContent.model_validate(VALID_001)
    provenance = stored_provenance(
        article_id=article.id, source_file=article.source, created_at=datetime.now(UTC)
    )
    return EventBrief.model_validate({**content.model_dump(), "provenance": provenance})


def _cli_env(server: ScriptedServer, tmp_path: Path) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": server.base_url,
        "SUMMARIZER_MODEL": "handwritten",
        "SUMMARIZER_MODE": "tools",
        "SUMMARIZER_CACHE_DIR": str(tmp_path / "c"),
        "SUMMARIZER_RETRY_MAX_WAIT": "0.05",
    }


def test_cli_writes_one_file_per_article_and_exits_zero(a001: Article, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with ScriptedServer([tool_call_reply(VALID_001)]) as server:
        res = CliRunner().invoke(
            cli,
            ["brief", a001.source, "--out", str(out), "--format", "md"],
            env=_cli_env(server, tmp_path),
        )
        assert res.exit_code == 0, res.output
        again = CliRunner().invoke(
            cli, ["brief", a001.source, "--out", str(out)], env=_cli_env(server, tmp_path)
        )
        assert len(server.requests) == 1
    md = (out / "001_b8b92974d71a6f8c.md").read_text()
    assert md.startswith("# US drone strike in Baghdad") and "killed two people" in md
    assert again.exit_code == 0 and "no model call made" in again.output
    assert json.loads((out / "001_b8b92974d71a6f8c.json").read_text())["provenance"]


def test_cli_csv_one_row_per_article_for_spreadsheets(a001: Article, tmp_path: Path) -> None:
    import csv
    import io

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with ScriptedServer([tool_call_reply(VALID_001)]) as server:
        res = CliRunner().invoke(
            cli, ["brief", a001.source, str(empty), "--format", "csv"],
            env=_cli_env(server, tmp_path),
        )  # fmt: skip
        refused = CliRunner().invoke(
            cli, ["brief", a001.source, "--format", "csv", "--out", str(tmp_path / "o")],
            env=_cli_env(server, tmp_path),
        )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["status"] for r in rows] == ["ok", "failed"]
    assert rows[0]["headline"].startswith("US drone strike in Baghdad")
    assert rows[0]["killed"].startswith("2 (")
    assert "empty.txt" in rows[1]["error"]
    assert refused.exit_code == 2 and "without --out" in refused.output


def test_cli_exit_code_is_nonzero_when_an_article_fails(a001: Article, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "out"
    with ScriptedServer([tool_call_reply(VALID_001)]) as server:
        res = CliRunner().invoke(
            cli,
            ["brief", str(empty), a001.source, "--out", str(out)],
            env=_cli_env(server, tmp_path),
        )
    assert res.exit_code == 1
    assert "empty.txt" in res.output and "failures 1" in res.output
    error = json.loads((out / "empty.json").read_text())["error"]
    assert error["kind"] == "ingest" and "empty" in error["message"]
    assert (out / "001_b8b92974d71a6f8c.json").exists()


def test_cli_missing_key_says_how_to_fix_it(a001: Article) -> None:
    res = CliRunner().invoke(cli, ["brief", a001.source, "--backend", "openai"])
    assert res.exit_code == 2
    assert "export OPENAI_API_KEY" in res.output


def test_cli_cache_stats_and_clear(a001: Article, tmp_path: Path) -> None:
    with ScriptedServer([tool_call_reply(VALID_001)]) as server:
        env = _cli_env(server, tmp_path)
        assert CliRunner().invoke(cli, ["brief", a001.source], env=env).exit_code == 0
    stats = CliRunner().invoke(cli, ["cache", "stats"], env=env)
    assert "entries 1" in stats.output
    cleared = CliRunner().invoke(cli, ["cache", "clear"], env=env)
    assert "removed 1" in cleared.output
    assert "entries 0" in CliRunner().invoke(cli, ["cache", "stats"], env=env).output


def test_article_too_long_for_the_context_window_is_refused_before_sending(
    a001: Article, tmp_path: Path
) -> None:
    with ScriptedServer([tool_call_reply(VALID_001)]) as server:
        s = _summarizer(server, tmp_path)
        s.backend.context_window = 2048  # type: ignore[misc]
        result = asyncio.run(s.brief(a001))
        assert server.requests == []  # nothing was sent, nothing was truncated
    assert result.failure is not None and result.failure.kind == "context_window"
    assert "does not truncate" in result.failure.message


def test_cli_without_out_prints_one_json_line_per_article(a001: Article, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with ScriptedServer([tool_call_reply(VALID_001)]) as server:
        res = CliRunner().invoke(
            cli, ["brief", a001.source, str(empty)], env=_cli_env(server, tmp_path)
        )
    lines = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [("headline" in x, "error" in x) for x in lines] == [(True, False), (False, True)]


def test_one_summarizer_serves_successive_event_loops(a001: Article, tmp_path: Path) -> None:
    with ScriptedServer([tool_call_reply(VALID_001)] * 2) as server:
        s = _summarizer(server, tmp_path)
        s.cache = None
        first = asyncio.run(s.brief(a001))
        second = asyncio.run(s.brief(a001))  # a client bound to the first loop would fail
        assert len(server.requests) == 2
    assert first.ok and second.ok, second.failure
