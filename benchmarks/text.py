"""Benchmark: what the language layer costs, per 1,000 words, on real news.

    python benchmarks/text.py [--repeat 3]

Prepares every article of the development set (``fixtures/devsets/news-dev``) as a brief
does before any model call: sentences (spaCy's parse, datelines and boilerplate apart),
the lead event's roles, attribution of every sentence, the offer of choices. Prints the
pipeline's load time once, then words, seconds and milliseconds per 1,000 words for
each run; parse caches are emptied between runs. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "fixtures" / "devsets" / "news-dev" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    from summarizer.brief.extraction import offer
    from summarizer.ingest import Article, load_articles
    from summarizer.prepared import PreparedArticle
    from summarizer.text import nlp
    from summarizer.text.attribution import source_of

    nlp.pipeline()
    print(f"import and load the pipeline: {time.perf_counter() - started:.2f} s")
    articles = [a for a in load_articles([DEVSET]) if isinstance(a, Article)]
    words = sum(len(PreparedArticle(a).body.split()) for a in articles)
    print(f"{len(articles)} articles, {words:,} words")
    print(f"{'run':>4}{'seconds':>10}{'ms / 1,000 words':>20}")
    for run in range(1, args.repeat + 1):
        nlp.parse.cache_clear()
        t = time.perf_counter()
        for article in articles:
            prepared = PreparedArticle(article)
            offer(prepared)
            for sentence in prepared.parsed:
                source_of(sentence)
        seconds = time.perf_counter() - t
        print(f"{run:>4}{seconds:>10.2f}{1000 * seconds / (words / 1000):>20.0f}")


if __name__ == "__main__":
    main()
