"""Faults, resume and crash safety against a real loopback HTTP server.

``summarizer.testing.FakeOpenAI`` is a real Starlette/uvicorn server on 127.0.0.1; the
code under test talks to it through the real openai client and transport. Its answers
are built from each request's own article (valid ones pass grounding) and its faults are
chosen per request body, so reruns meet the same faults.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from summarizer.brief.pipeline import brief_paths
from summarizer.config import Settings
from summarizer.render.output import OutputFolder
from summarizer.testing import FakeOpenAI, Faults
from summarizer.testing.articles import serial_of, synthetic_articles

from .fakes import fake_env, fake_settings


def _write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in synthetic_articles(n):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# Fast failure: a short timeout and short waits between few retries.
_FAST = {"concurrency": 16, "timeout": 1.0, "transport_retries": 2, "retry_max_wait": 0.05}


def _settings(fake: FakeOpenAI, cache: Path, **overrides: Any) -> Settings:
    return fake_settings(fake, cache, **{**_FAST, **overrides})


def _serials(fake: FakeOpenAI, since: int = 0) -> Counter[int]:
    """How many requests the fake received about each synthetic article."""
    out: Counter[int] = Counter()
    for body in fake.requests[since:]:
        text = " ".join(str(m.get("content", "")) for m in body["messages"])
        serial = serial_of(text)
        assert serial is not None
        out[serial] += 1
    return out


def test_200_articles_with_30_percent_faults_lose_nothing_and_rerun_pays_only_failures(
    tmp_path: Path,
) -> None:
    paths = _write_articles(tmp_path / "in", 200)
    folder = OutputFolder(tmp_path / "out", "json")
    writes: Counter[str] = Counter()

    def on_result(result: Any) -> None:
        writes[str(folder.write(result))] += 1

    faults = Faults(rate=0.3, hang=3.0, retry_after=0.01)
    with FakeOpenAI(faults=faults) as fake:
        settings = _settings(fake, tmp_path / "cache")
        results, summary = brief_paths(
            [tmp_path / "in"],
            settings,
            on_start=lambda items: folder.plan((i.source, i.stem) for i in items),
            on_result=on_result,
        )
        first_run = len(fake.requests)
        # Every kind of fault was met, and some articles failed for good.
        assert set(fake.outcomes) >= {"ok", "429", "500", "503", "timeout", "drop", "length"}

        # Nothing lost: one result per input, in input order, each a valid brief or a
        # failure with its reason; one file per article, each written once.
        assert [r.source for r in results] == [str(p) for p in paths]
        for r in results:
            assert (r.brief is not None) != (r.failure is not None)
            if r.failure is not None:
                assert r.failure.message
        assert summary.briefs + summary.failures == 200
        assert 0 < summary.failures < 200
        assert len(writes) == 200 and set(writes.values()) == {1}
        for path in (tmp_path / "out").glob("*.json"):
            record = json.loads(path.read_text(encoding="utf-8"))
            assert ("headline" in record) != ("error" in record)

        # The rerun makes no model call for an article already briefed.
        failed = {serial_of(r.article.text) for r in results if not r.ok and r.article}
        again, _ = brief_paths([tmp_path / "in"], settings)
        asked_again = set(_serials(fake, since=first_run))
        assert asked_again <= failed
        assert asked_again == failed - {None}
        assert sum(r.cached for r in again) == summary.briefs


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("429", "HTTP 429 after retries"),
        ("500", "HTTP 500 after retries"),
        ("503", "HTTP 503 after retries"),
        ("timeout", "timed out"),
        ("drop", "peer closed connection"),
        ("not_json", "a body that is not JSON"),
        ("schema", "failed validation"),
        # The endpoint stopped after 5 tokens, far below max_tokens: say so, and do
        # not blame --max-tokens.
        ("length", "cut off after 5 output token(s)"),
    ],
)
def test_a_failure_says_what_actually_happened(tmp_path: Path, kind: str, says: str) -> None:
    _write_articles(tmp_path / "in", 1)
    with FakeOpenAI(faults=Faults(rate=1.0, kinds=[kind], hang=2.0, retry_after=0.01)) as fake:
        settings = _settings(fake, tmp_path / "cache", transport_retries=1, timeout=0.5)
        (result,), _ = brief_paths([tmp_path / "in"], settings)
    assert result.failure is not None
    text = result.failure.message + " " + " ".join(m.msg for m in result.failure.validator_messages)
    assert says in text
    if kind == "length":
        assert "raise --max-tokens" not in text


def test_an_invented_quote_costs_the_quote_not_the_brief(tmp_path: Path) -> None:
    _write_articles(tmp_path / "in", 1)
    with FakeOpenAI(faults=Faults(rate=1.0, kinds=["invented_quote"])) as fake:
        settings = _settings(fake, tmp_path / "cache")
        (result,), _ = brief_paths([tmp_path / "in"], settings)
        assert len(fake.requests) == 2  # the answer, and the follow-up about the quote
    assert result.reasks == 1  # the follow-up is a re-ask, not a question of its own
    assert result.brief is not None and result.brief.quotes == []
    (gap,) = result.brief.gaps
    assert gap.field == "quotes[0]" and "does not occur in the article" in gap.reason


def test_retry_after_is_waited_and_the_article_budget_bounds_it(tmp_path: Path) -> None:
    _write_articles(tmp_path / "in", 1)
    # Retry-After 0.4 s with a 0.05 s cap on backoff: the gap between the two tries
    # is the server's 0.4 s, not the backoff.
    with FakeOpenAI(faults=Faults(rate=1.0, kinds=["429"], retry_after=0.4)) as fake:
        settings = _settings(fake, tmp_path / "c1", transport_retries=1, retry_max_wait=1.0)
        started = time.monotonic()
        brief_paths([tmp_path / "in"], settings)
        assert len(fake.requests) == 2
        assert time.monotonic() - started >= 0.4
    # Retry-After 5 s, but the article may take 1 s: no wait, no second try.
    with FakeOpenAI(faults=Faults(rate=1.0, kinds=["429"], retry_after=5.0)) as fake:
        settings = _settings(
            fake, tmp_path / "c2", transport_retries=3, retry_max_wait=10.0, article_budget=1.0
        )
        started = time.monotonic()
        (result,), _ = brief_paths([tmp_path / "in"], settings)
        assert time.monotonic() - started < 3.0
        assert len(fake.requests) == 1
        assert result.failure is not None and "429" in result.failure.message


def _cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "summarizer", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_batch_killed_with_sigkill_keeps_finished_files_whole_and_resumes_paying_nothing_twice(
    tmp_path: Path,
) -> None:
    _write_articles(tmp_path / "in", 24)
    out = tmp_path / "out"
    with FakeOpenAI(latency=0.25) as fake:
        env = fake_env(fake, tmp_path / "cache", SUMMARIZER_CONCURRENCY="2")
        args = ["brief", str(tmp_path / "in"), "--format", "json", "--out", str(out)]
        proc = _cli(args, env)
        deadline = time.monotonic() + 60
        while len(list(out.glob("*.json"))) < 8:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "no output files appeared"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_after = len(fake.requests)

        finished = sorted(out.glob("*.json"))
        assert 8 <= len(finished) < 24
        for path in finished:  # every file there is whole
            assert "headline" in json.loads(path.read_text(encoding="utf-8"))
        # No partial file under an output name; a temporary one may remain, hidden.
        assert all(p.name.startswith(".") for p in out.iterdir() if p not in finished)

        done = {int(p.stem.removeprefix("article-")) for p in finished}
        rerun = _cli(args, env)
        assert rerun.wait(timeout=120) == 0
        asked_again = _serials(fake, since=killed_after)
        # Nothing finished before the kill is asked again; the rest once each.
        assert not (set(asked_again) & done)
        assert set(asked_again) == set(range(1, 25)) - done
        assert set(asked_again.values()) == {1}
    assert len(list(out.glob("*.json"))) == 24
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # cleaned on rerun
