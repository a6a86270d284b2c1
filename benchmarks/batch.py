"""The Batch API path against the fake server: N articles, a share of answers invalid.

    python benchmarks/batch.py [--articles 500] [--invalid 0.2]

Synthetic articles (``summarizer.testing.articles``), the fake OpenAI-compatible server
in this process on loopback (it answers a batch the moment it is polled), the
``--batch`` library call with a fresh cache. Prints the batches and requests it took,
the re-asks, the articles briefed and failed, and the seconds of client work (preparing
articles, writing requests, checking every answer, building the briefs), per article.
A real provider adds its own queueing time (up to 24 hours), not measured here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.brief.batch import brief_batch  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.testing import FakeOpenAI, Faults  # noqa: E402
from summarizer.testing.articles import synthetic_articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--invalid", type=float, default=0.2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for name, text in synthetic_articles(args.articles):
            (folder / name).write_text(text, encoding="utf-8")
        faults = Faults(rate=args.invalid, kinds=("schema", "invented_quote"))
        with FakeOpenAI(faults=faults) as fake:
            settings = Settings(backend="openai", base_url=fake.url, model="fake",
                                api_key="x", mode="json", cache_dir=Path(tmp) / "cache",
                                batch_poll=0.01, batch_poll_max=0.05)  # fmt: skip
            started = time.perf_counter()
            results, _, report = brief_batch([folder], settings)
            seconds = time.perf_counter() - started
            again = time.perf_counter()
            brief_batch([folder], settings)
            rerun = time.perf_counter() - again
    ok = sum(r.ok for r in results)
    print(f"{args.articles} articles, {args.invalid:.0%} of answers invalid (fake server)")
    print(f"  batches submitted      {len(report.batches_submitted)}")
    print(f"  requests sent          {report.requests_sent}")
    print(f"  re-asked               {report.reasks}")
    print(f"  briefed / failed       {ok} / {len(results) - ok}")
    print(f"  tokens in / out        {report.tokens_in:,} / {report.tokens_out:,}")
    print(f"  client seconds         {seconds:.1f} ({seconds / args.articles * 1000:.0f} ms/article)")
    print(f"  rerun, all cached      {rerun:.1f} s (nothing submitted)")


if __name__ == "__main__":
    main()
