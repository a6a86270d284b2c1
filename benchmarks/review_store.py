"""The review store on SQLite and on PostgreSQL, side by side in one run.

    python benchmarks/review_store.py --postgres postgresql://USER@HOST:PORT/DB [--briefs 500]

Files N briefs (the recorded seed briefs, each under N article ids), lists the queue,
and saves then approves each, on a fresh SQLite file and a fresh PostgreSQL database
(created in the server given, dropped after). Prints seconds and operations per second
for each step on each database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.ingest import Article  # noqa: E402
from summarizer.review.store import ReviewStore  # noqa: E402
from summarizer.schema import EventBrief  # noqa: E402
from tests.test_review_store import seed_briefs  # noqa: E402


def workload(n: int) -> list[tuple[EventBrief, Article]]:
    seeds = seed_briefs()
    out = []
    for i in range(n):
        brief, article = seeds[i % len(seeds)]
        a = article.model_copy(update={"id": f"{article.id[:10]}{i:06d}"})
        p = brief.provenance.model_copy(update={"article_id": a.id})
        out.append((brief.model_copy(update={"provenance": p}), a))
    return out


def run(location: str, items: list[tuple[EventBrief, Article]]) -> dict[str, float]:
    store = ReviewStore(location)
    t = time.perf_counter()
    ids = [store.file(b, a)[0] for b, a in items]
    filed = time.perf_counter() - t
    t = time.perf_counter()
    queue = store.items()
    listed = time.perf_counter() - t
    assert len(queue) == len(items)
    t = time.perf_counter()
    for item_id in ids:
        store.decide(item_id, "approve", version=1, editor="bench")
    decided = time.perf_counter() - t
    return {"file": filed, "list queue": listed, "approve": decided}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", required=True, help="an admin URL of a server")
    parser.add_argument("--briefs", type=int, default=500)
    args = parser.parse_args()
    import psycopg

    items = workload(args.briefs)
    name = f"summarizer_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base = args.postgres.rpartition("/")[0]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = {
                "SQLite": run(str(Path(tmp) / "review.db"), items),
                "PostgreSQL": run(f"{base}/{name}", items),
            }
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
    print(f"{args.briefs} briefs; seconds (operations per second)")
    print(f"{'step':<12}" + "".join(f"{db:>24}" for db in results))
    for step in ("file", "list queue", "approve"):
        cells = []
        for r in results.values():
            rate = "" if step == "list queue" else f" ({args.briefs / r[step]:,.0f}/s)"
            cells.append(f"{r[step]:.2f}{rate}")
        print(f"{step:<12}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
