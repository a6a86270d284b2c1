"""The daily run as a newsroom would run it: real published news served as feeds on
loopback, ``summarizer daily`` run three times, as the command line is run.

    python benchmarks/daily.py [--articles 12] [--backend local] [--model NAME]

The articles are the first N of the digest development set (real news from GVDB and
WikiEvents; ``fixtures/devsets/digest-dev``, the multi-report events first), each
served as an HTML page and listed in its outlet's RSS feed (one feed per outlet, all
entries dated the benchmark day: the daily run takes the day's entries). Runs:

1. the first run of the day: every feed and page fetched, every article briefed;
2. an hour later, nothing new: what is fetched, briefed and written;
3. one more article appears in a feed: what is fetched, briefed and written.

Prints, per run: seconds, HTTP requests (and how many answered 200), model calls,
articles from the cache, stories, files written. A fresh cache and stores each time
the benchmark runs (in a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.testing.feed_server import FeedServer, Resource, html_page, rss  # noqa: E402

DEVSET = ROOT / "fixtures" / "devsets" / "digest-dev"
DAY = "2025-06-02"
PUBDATE = "Mon, 02 Jun 2025 08:00:00 GMT"


def articles(n: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in (DEVSET / "articles.jsonl").open(encoding="utf-8")]
    gold = json.loads((DEVSET / "gold.json").read_text(encoding="utf-8"))
    event_of = {a: e for e, event in gold.items() for a in event["articles"]}
    size: dict[str, int] = defaultdict(int)
    for r in rows:
        size[event_of.get(r["id"], r["id"])] += 1
    rows.sort(key=lambda r: (-size[event_of.get(r["id"], r["id"])], event_of.get(r["id"], "")))
    return rows[:n]


def serve(site: FeedServer, rows: list[dict[str, str]]) -> list[str]:
    by_outlet: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        outlet = r.get("outlet") or "unknown-outlet"
        slug = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-")
        path = f"/{slug}/{r['id']}.html"
        paragraphs = [p for p in r["text"].split("\n") if p.strip()]
        site.add(path, Resource(html_page(r.get("title") or r["id"], paragraphs)))
        by_outlet[slug].append({"title": r.get("title") or r["id"], "link": path,
                                "pubDate": PUBDATE, "_outlet": outlet})  # fmt: skip
    feeds = []
    for slug, items in by_outlet.items():
        feed = rss(items[0]["_outlet"], [{k: v for k, v in i.items() if k != "_outlet"}
                                         for i in items])  # fmt: skip
        site.add(f"/{slug}/feed.xml", Resource(feed, content_type="application/rss+xml",
                                                etag=f'"{len(items)}"'))  # fmt: skip
        feeds.append(site.url(f"/{slug}/feed.xml"))
    return feeds


def run(cmd: list[str], env: dict[str, str], site: FeedServer) -> dict[str, object]:
    before = len(site.requests)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"summarizer daily failed ({done.returncode}):\n{done.stderr}")
    line = done.stderr.strip().splitlines()[-1]
    numbers = {
        key: int(m.group(1)) if (m := re.search(pattern, line)) else -1
        for key, pattern in {
            "articles": r"(\d+) article\(s\),", "from cache": r"(\d+) from the cache",
            "model calls": r"(\d+) model call", "stories": r"(\d+) stories",
            "written": r"wrote (\d+) file",
        }.items()
    }  # fmt: skip
    asked = site.requests[before:]
    return {
        "seconds": seconds,
        "requests": len(asked),
        "200s": sum(1 for r in asked if r.status == 200),
        **numbers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    every = articles(10_000)
    rows = every[: args.articles]
    outlets = {r.get("outlet") for r in rows}
    # the new article comes from an outlet already followed: its feed gains an entry
    extra = next(r for r in every[args.articles :] if r.get("outlet") in outlets)
    with tempfile.TemporaryDirectory() as tmp, FeedServer() as site:
        feeds = serve(site, rows)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
        env |= {
            "SUMMARIZER_CACHE_DIR": f"{tmp}/cache",
            "SUMMARIZER_FEED_STORE": f"{tmp}/feeds.db",
            "SUMMARIZER_REVIEW_DB": f"{tmp}/review.db",
        }
        if args.backend:
            env["SUMMARIZER_BACKEND"] = args.backend
        if args.model:
            env["SUMMARIZER_MODEL"] = args.model
        cmd = [sys.executable, "-m", "summarizer", "daily", *feeds, "--date", DAY,
               "--out", f"{tmp}/out"]  # fmt: skip
        results = {"first run": run(cmd, env, site), "an hour later": run(cmd, env, site)}
        serve(site, [*rows, extra])  # the extra article's outlet feed gains an entry
        results["one new article"] = run(cmd, env, site)
    print(f"summarizer daily on {len(rows)} real articles ({len(feeds)} feeds), "
          f"then one more")  # fmt: skip
    keys = ["seconds", "requests", "200s", "articles", "from cache", "model calls",
            "stories", "written"]  # fmt: skip
    print(f"{'run':<18}" + "".join(f"{k:>13}" for k in keys))
    for name, r in results.items():
        cells = [f"{r[k]:.1f}" if k == "seconds" else str(r[k]) for k in keys]
        print(f"{name:<18}" + "".join(f"{c:>13}" for c in cells))


if __name__ == "__main__":
    main()
