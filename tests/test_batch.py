"""``summarizer brief --batch``: the Batch API against the fake server on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from summarizer.brief.batch import brief_batch
from summarizer.brief.strategies import FreeTextStrategy
from summarizer.ingest import Article
from summarizer.llm.batch import request_body
from summarizer.llm.call import CallParams, ModelCaller
from summarizer.llm.openai_backend import OpenAICompatibleBackend
from summarizer.prepared import PreparedArticle
from summarizer.schema import BriefContent
from summarizer.testing import FakeOpenAI, Faults
from summarizer.testing.articles import synthetic_articles

from .fakes import fake_env, fake_settings


def _folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in synthetic_articles(n):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _posts(fake: FakeOpenAI, endpoint: str) -> int:
    return sum(1 for method, path in fake.api_log if method == "POST" and path == endpoint)


@pytest.mark.parametrize("mode", ["json", "tools"])
def test_a_batch_request_is_the_request_the_live_path_sends(a001: Article, mode: str) -> None:
    prepared = PreparedArticle(a001)
    messages = FreeTextStrategy().messages(prepared)
    with FakeOpenAI() as fake:
        backend = OpenAICompatibleBackend(model="fake", api_key="x", base_url=fake.url, mode=mode)  # type: ignore[arg-type]
        caller = ModelCaller(backend)
        asyncio.run(caller.call(item_id=a001.id, messages=messages, response_model=BriefContent,
                                context=prepared.context, params=CallParams()))  # fmt: skip
        assert request_body(backend, messages, BriefContent, CallParams()) == fake.requests[0]


def test_500_articles_with_a_fifth_invalid(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 500)
    faults = Faults(rate=0.2, kinds=("schema", "invented_quote"))
    with FakeOpenAI(faults=faults) as fake:
        settings = fake_settings(fake, tmp_path / "cache", batch_poll=0.01, batch_poll_max=0.05)
        results, summary, report = brief_batch([folder], settings)
        unreadable, invented = fake.outcomes["schema"], fake.outcomes["invented_quote"]
        # every article ends as a brief or a recorded failure with the validator's words
        assert len(results) == 500 and all(r.ok or r.failure for r in results)
        failed = [r for r in results if not r.ok]
        assert all(r.failure and r.failure.kind == "validation" for r in failed)
        assert all(r.failure and r.failure.validator_messages for r in failed)
        assert summary.briefs == 500 - len(failed) and len(failed) == report.failed
        # an answer that cannot be read was re-asked in a follow-up batch, with the
        # validator's message; an invented quote cost only that quote: it was asked
        # about alone in a later batch, and when still invented, listed in the gaps
        assert unreadable > 20 and invented > 20
        assert report.reasks == unreadable - report.failed
        follow_ups = report.requests_sent - 500 - report.reasks
        assert follow_ups > 0
        with_gaps = [r for r in results if r.brief and r.brief.gaps]
        assert with_gaps and all(
            g.field.startswith("quotes[") and "does not occur in the article" in g.reason
            for r in with_gaps
            for g in r.brief.gaps  # type: ignore[union-attr]
        )
        assert len(report.batches_submitted) >= 2
        first = fake.batches[report.batches_submitted[0]]["request_counts"]["total"]
        later = [fake.batches[b] for b in report.batches_submitted[1:]]
        assert first == 500
        assert sum(b["request_counts"]["total"] for b in later) == report.requests_sent - 500
        second_input = fake.files[fake.batches[report.batches_submitted[1]]["input_file_id"]][1]
        lines = [json.loads(line) for line in second_input.decode().splitlines()]
        for line in lines:  # each says why: the validator's words, or the items refused
            said = json.dumps(line["body"]["messages"][-1]).lower()
            assert len(line["body"]["messages"]) > 2
            assert "error" in said or "does not occur in the article" in said
        # the custom_id of each request is its article's cache key
        assert all(line["custom_id"].startswith("brief:") for line in lines)
        # run again: everything from the cache, nothing submitted
        calls = len(fake.api_log)
        again, _, report2 = brief_batch([folder], settings)
        assert [r.ok for r in again] == [r.ok for r in results]
        assert report2.batches_submitted == [] and _posts(fake, "/v1/batches") == len(
            report.batches_submitted
        )
        assert [c for c in fake.api_log[calls:] if c[0] == "POST"] == []
    assert report.cost_usd is None  # the fake model has no price


def test_killed_while_polling_then_resumed_submits_nothing_twice(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 20)
    out = tmp_path / "out"
    with FakeOpenAI(batch_polls=10_000) as fake:  # in progress until the test says
        env = fake_env(fake, tmp_path / "cache", SUMMARIZER_BATCH_POLL="0.05",
                       SUMMARIZER_BATCH_POLL_MAX="0.1", SUMMARIZER_MODE="json")  # fmt: skip
        cmd = [sys.executable, "-m", "summarizer", "brief", str(folder), "--batch",
               "--out", str(out)]  # fmt: skip
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while Counter(p for m, p in fake.api_log if m == "GET").total() < 3:  # polling
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the batch was never polled"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert not out.exists() or not list(out.iterdir())
        (batch_id,) = fake.batches
        fake.batch_polls = 1  # now it finishes
        done = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        # one upload, one batch, polled again after the resume: nothing sent twice
        assert _posts(fake, "/v1/files") == 1 and _posts(fake, "/v1/batches") == 1
        assert fake.batches[batch_id]["status"] == "completed"
        assert ("GET", f"/v1/batches/{batch_id}") in fake.api_log[-10:]
        assert len(fake.requests) == 20  # each article answered once
    assert len(list(out.glob("*.json"))) == 20
    assert "0 batch(es) submitted, 1 resumed" in done.stderr


def test_an_expired_batch_is_sent_again_then_recorded_as_failed(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    with FakeOpenAI(batch_outcome="expired") as fake:
        settings = fake_settings(fake, tmp_path / "cache", batch_poll=0.01, max_attempts=2)
        results, _, report = brief_batch([folder], settings)
    assert len(report.batches_submitted) == 2  # the first attempt, and one more
    assert all(not r.ok and r.failure for r in results)
    assert all(
        "ended expired without answering it" in r.failure.message for r in results if r.failure
    )


def test_resume_without_a_job_says_so(tmp_path: Path) -> None:
    from summarizer.errors import UsageError

    with FakeOpenAI() as fake, pytest.raises(UsageError, match="nothing to resume"):
        brief_batch([_folder(tmp_path, 1)], fake_settings(fake, tmp_path / "c"), resume=True)


def test_an_endpoint_without_the_batch_api_is_named(tmp_path: Path) -> None:
    from summarizer.config import Settings
    from summarizer.errors import BackendError
    from summarizer.testing.feed_server import FeedServer

    folder = _folder(tmp_path, 1)
    with FeedServer() as site:  # answers 404 to everything
        settings = Settings(backend="openai", base_url=site.url("/v1"), model="m",
                            api_key="x", cache_dir=tmp_path / "c", transport_retries=0)  # fmt: skip
        with pytest.raises(BackendError) as refused:
            brief_batch([folder], settings)
        endpoint = site.url("/v1")
    message = str(refused.value)
    assert endpoint in message and "HTTP 404" in message
    assert "the upload of summarizer-batch-1.jsonl" in message and "Batch API" in message


def test_the_embedded_model_is_refused_for_batch(tmp_path: Path) -> None:
    from summarizer.config import Settings
    from summarizer.errors import UsageError

    settings = Settings(backend="local", cache_dir=tmp_path / "c")
    with pytest.raises(UsageError, match="needs an endpoint with the Batch API"):
        brief_batch([_folder(tmp_path, 1)], settings)


def test_the_batch_run_reports_what_the_live_run_reports(tmp_path: Path) -> None:
    """The same articles through the live path and through the Batch API: the same
    requests and tokens, and the cost at the batch price (half the live price)."""
    from summarizer.brief.batch import BATCH_PRICE
    from summarizer.brief.pipeline import brief_paths

    folder = _folder(tmp_path, 6)
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"fake": [2.0, 8.0]}), encoding="utf-8")
    with FakeOpenAI() as fake:
        live_settings = fake_settings(fake, tmp_path / "live-cache", prices_file=prices)
        _, live = brief_paths([folder], live_settings)
        batch_settings = fake_settings(
            fake, tmp_path / "batch-cache", prices_file=prices, batch_poll=0.01
        )
        _, batch, report = brief_batch([folder], batch_settings)
    assert live.model_calls == 6 and live.tokens_in > 0 and live.cost_usd
    assert (batch.model_calls, batch.tokens_in, batch.tokens_out) == (
        live.model_calls,
        live.tokens_in,
        live.tokens_out,
    )
    assert (report.requests_sent, report.tokens_in) == (batch.model_calls, batch.tokens_in)
    assert batch.cost_usd == pytest.approx(live.cost_usd * BATCH_PRICE)
