"""Throughput, overhead, cache and memory against the fake OpenAI-compatible server.

    python benchmarks/load.py [--articles 500] [--latency 0.25] [--concurrency 50]
                              [--plain 100] [--memory 5000]

The fake (``summarizer.testing.fake_openai``) runs as its own process on loopback, so
its work does not count as ours; articles are synthetic (``summarizer.testing.articles``).
Everything below is measured in this one run, side by side:

1. overhead per article: the pipeline (prepare, prompt, instructor, validation, cache
   write) against bare HTTP posts of the same prompts, sequential, zero latency;
2. N articles at the given latency and concurrency against the ideal N x latency /
   concurrency;
3. cache hits: the same N again, every brief from the cache (briefs per second);
4. peak memory (max RSS) after briefing ``--memory`` articles at zero latency;
5. a plain sequential loop over ``instructor`` (as a user would write it without this
   tool) against this tool on the same ``--plain`` articles at the same latency: the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
from openai import AsyncOpenAI, OpenAI

from summarizer.brief.pipeline import build_summarizer
from summarizer.brief.summarizer import Summarizer
from summarizer.config import Settings
from summarizer.ingest import Article, parse_text
from summarizer.schema import BriefContent
from summarizer.testing.articles import synthetic_articles


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Fake:
    """The fake server as a child process at a given latency."""

    def __init__(self, latency: float) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "summarizer.testing.fake_openai",
                "--port",
                str(self.port),
                "--latency",
                str(latency),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # "fake OpenAI-compatible server at ..."
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> int:
        return int(httpx2.get(f"http://127.0.0.1:{self.port}/stats").json()["requests"])

    def __enter__(self) -> Fake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait()


def _articles(n: int, seed: int) -> list[Article]:
    return [parse_text(text, name) for name, text in synthetic_articles(n, seed=seed)]


def _summarizer(url: str, cache: Path, concurrency: int) -> Summarizer:
    settings = Settings(
        backend="openai",
        base_url=url,
        model="fake",
        api_key="not-needed",
        cache_dir=cache,
        concurrency=concurrency,
    )
    return build_summarizer(settings)


def _run(s: Summarizer, articles: list[Article], concurrency: int) -> tuple[float, int]:
    started = time.perf_counter()
    results = asyncio.run(s.brief_all(articles, concurrency=concurrency))
    seconds = time.perf_counter() - started
    ok = sum(r.ok for r in results)
    return seconds, ok


def _bare_http(url: str, s: Summarizer, articles: list[Article]) -> float:
    """The same prompts posted with the openai client alone: no instructor, no checks."""
    bodies = [s.strategy.messages(s.prepare(a)) for a in articles]  # type: ignore[attr-defined]

    async def go() -> float:
        client = AsyncOpenAI(base_url=url, api_key="not-needed", max_retries=0)
        started = time.perf_counter()
        for messages in bodies:
            await client.chat.completions.create(model="fake", messages=messages)
        seconds = time.perf_counter() - started
        await client.close()
        return seconds

    return asyncio.run(go())


def _plain_instructor_loop(url: str, articles: list[Article]) -> tuple[float, int]:
    """What a user writes without this tool: one call after another, a schema, retries."""
    import instructor

    client = instructor.from_openai(
        OpenAI(base_url=url, api_key="not-needed"), mode=instructor.Mode.JSON
    )
    ok = 0
    started = time.perf_counter()
    for article in articles:
        try:
            client.chat.completions.create(
                model="fake",
                response_model=BriefContent,
                max_retries=2,
                messages=[
                    {"role": "system", "content": "Brief this news article."},
                    {"role": "user", "content": f"ARTICLE:\n{article.text}"},
                ],
            )
            ok += 1
        except Exception:  # a user's loop would log and go on
            pass
    return time.perf_counter() - started, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--overhead", type=int, default=300, help="articles for the overhead")
    parser.add_argument("--plain", type=int, default=100, help="articles for the plain loop")
    parser.add_argument("--memory", type=int, default=5000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="summarizer-load-"))
    rows: list[tuple[str, str, str]] = []

    with Fake(0.0) as fake:
        s = _summarizer(fake.url, tmp / "warm", 1)
        _run(s, _articles(20, seed=99), 1)  # imports, models and connections warmed
        articles = _articles(args.overhead, seed=1)
        bare = _bare_http(fake.url, s, articles)
        s = _summarizer(fake.url, tmp / "overhead", 1)
        ours, ok = _run(s, articles, 1)
        per = (ours - bare) / len(articles) * 1000
        rows.append(
            (
                "overhead per article (zero latency, sequential)",
                f"{per:.2f} ms",
                f"pipeline {ours / len(articles) * 1000:.2f} ms - bare HTTP "
                f"{bare / len(articles) * 1000:.2f} ms; {ok}/{len(articles)} briefs; target <= 3 ms",
            )
        )

    with Fake(args.latency) as fake:
        articles = _articles(args.articles, seed=2)
        s = _summarizer(fake.url, tmp / "load", args.concurrency)
        seconds, ok = _run(s, articles, args.concurrency)
        ideal = len(articles) * args.latency / args.concurrency
        rows.append(
            (
                f"{len(articles)} articles, {args.latency * 1000:.0f} ms latency, "
                f"concurrency {args.concurrency}",
                f"{seconds:.2f} s",
                f"ideal {ideal:.2f} s -> {ideal / seconds * 100:.0f}% of ideal; "
                f"{ok}/{len(articles)} briefs; target >= 90%",
            )
        )
        s = _summarizer(fake.url, tmp / "load", args.concurrency)
        before = fake.requests()
        seconds, ok = _run(s, articles, args.concurrency)
        rows.append(
            (
                f"cache hits, the same {len(articles)} again",
                f"{len(articles) / seconds:,.0f} briefs/s",
                f"{seconds:.3f} s; {ok} briefs; {fake.requests() - before} model calls; "
                "target >= 2,000/s",
            )
        )

        plain_articles = _articles(args.plain, seed=3)
        plain_s, plain_ok = _plain_instructor_loop(fake.url, plain_articles)
        s = _summarizer(fake.url, tmp / "versus", args.concurrency)
        ours_s, ours_ok = _run(s, plain_articles, args.concurrency)
        rows.append(
            (
                f"plain instructor loop vs this tool, {args.plain} articles",
                f"{plain_s / ours_s:.1f}x faster",
                f"plain loop {plain_s:.2f} s ({plain_ok} briefs), this tool {ours_s:.2f} s "
                f"({ours_ok} briefs, grounded and cached)",
            )
        )

    with Fake(0.0) as fake:
        articles = _articles(args.memory, seed=4)
        s = _summarizer(fake.url, tmp / "memory", args.concurrency)
        seconds, ok = _run(s, articles, args.concurrency)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            (
                f"memory, {len(articles)} articles (zero latency)",
                f"{peak_mb:,.0f} MB peak RSS",
                f"{seconds:.1f} s, {ok} briefs; {len(articles) / seconds:,.0f} articles/s",
            )
        )

    width = max(len(r[0]) for r in rows)
    for name, value, detail in rows:
        print(f"{name:<{width}}  {value:>18}  {detail}")


if __name__ == "__main__":
    main()
