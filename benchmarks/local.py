"""Benchmark: local briefs against a plain summary, side by side, and their accuracy.

    python benchmarks/local.py [--model qwen2.5-coder-1.5b-instruct-q4] [PATH ...]

In one run on one embedded llama.cpp server (started first, so start-up is not timed):
1. a brief of each article with the default local strategy, cache off;
2. a plain summary of each article: one chat completion, "summarize in about 100
   words", max_tokens=150, no schema, no grammar.
Prints per article: seconds, prompt and output tokens, model calls, and the ratio of
brief to plain-summary time; then each brief's fields scored against the hand-made
reference ../shared/eval/seeds-gold.json (read only to score; never shown to a model).

Briefs run first and summaries second, each over the whole folder, as a user briefing a
folder would: the server reuses the fixed system prompt from one article to the next.
This is a benchmark, never a test: figures differ between machines; the ratio is the
number to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

from summarizer.brief.pipeline import build_summarizer
from summarizer.config import Settings
from summarizer.grounding import fold
from summarizer.ingest import Article, load_articles
from summarizer.llm.local.backend import LocalBackend
from summarizer.prepared import PreparedArticle

ROOT = Path(__file__).resolve().parent.parent
PLAIN_PROMPT = "Summarize this news article in about 100 words.\n\n"
# The gold file has no perpetrator field; its story descriptions ("US strike on a
# vehicle ...") name the United States. These are the ways an article may name it.
PERPETRATOR = re.compile(
    r"\b(us|u\.s\.|united states|american|centcom|central command|pentagon|washington)\b"
)
GENERIC = {"commander", "member", "militia", "group", "official", "senior", "leader", "unnamed"}


def _gold() -> dict[str, Any]:
    path = ROOT.parent / "shared" / "eval" / "seeds-gold.json"
    if not path.is_file():
        sys.exit(f"{path} not found")
    return dict(json.loads(path.read_text())["articles"])


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'’-]{3,}", fold(text)) if w not in GENERIC}


def _gold_figures(gold: dict[str, Any]) -> list[tuple[int, str]]:
    out = []
    for claim in (gold.get("fatalities") or {}).get("claims", []):
        value = claim.get("value")
        if isinstance(value, str) and (m := re.match(r"at least (\d+)", value)):
            value = int(m.group(1))
        if isinstance(value, int):
            out.append((value, str(claim.get("attributed_to", ""))))
    return out


def score(brief: dict[str, Any], gold: dict[str, Any]) -> dict[str, str]:
    """'ok', 'unknown' (an honest gap) or what the brief says instead."""
    out: dict[str, str] = {}
    got, want = brief["date"]["value"], gold.get("event_date")
    out["date"] = "ok" if got == want else "unknown" if got is None else f"WRONG {got}"
    loc = gold.get("location") or {}
    country = brief["location"]["country"]
    out["country"] = (
        "ok"
        if country and fold(country) == fold(loc.get("country") or "")
        else (f"WRONG {country}" if country else "unknown")
    )
    place, want_place = brief["location"]["place"], loc.get("place")
    if want_place is None:
        out["place"] = "ok" if place is None else f"WRONG {place}"
    elif place is None:
        out["place"] = "unknown"
    else:
        out["place"] = "ok" if _words(place) & _words(want_place) else f"WRONG {place}"
    killed = [c for c in brief["casualties"] if c["kind"] == "killed"]
    figures = _gold_figures(gold)
    got_values = sorted({c["value"] if c["value"] is not None else c["low"] for c in killed})
    want_values = sorted({v for v, _ in figures})
    # each figure the gold gives is in the brief, with (one of) the sources that give it
    sourced = all(
        any(
            (c["value"] == v or c["low"] == v) and _words(c["attributed_to"]) & _words(who)
            for c in killed
            for w, who in figures
            if w == v
        )
        for v in want_values
    )
    shown = [f"{c['value'] or c['low']} ({c['attributed_to']})" for c in killed]
    out["killed+source"] = (
        "ok" if got_values == want_values and sourced else (f"MISS {shown or 'none'}")
    )
    # The first actor of each role is the main event's (a brief lists the lead event's
    # actors first, then those of the other violent events near the top).
    roles: dict[str, str] = {}
    for a in brief["actors"]:
        roles.setdefault(a["role"], a["name"])
    perp = roles.get("perpetrator")
    out["perpetrator"] = "ok" if perp and PERPETRATOR.search(fold(perp)) else f"MISS {perp}"
    target = roles.get("target")
    out["target"] = (
        "ok" if target and _words(target) & _words(gold.get("target", "")) else f"MISS {target}"
    )
    statements = [c["statement"] for c in brief["claims"]]
    out["claims"] = "ok" if len(statements) == len(set(statements)) else "REPEATED"
    return out


async def run(paths: list[str], model: str | None) -> None:
    settings = Settings(use_cache=False, backend="local", model=model)
    backend = LocalBackend.from_settings(settings)
    summarizer = build_summarizer(settings, backend)
    articles = [a for a in load_articles(paths) if isinstance(a, Article)]
    gold = _gold()
    client = await backend.client()  # starts the server before anything is timed
    # Warm up: the first request pages the model's weights in (measured: 0.9 tokens/s
    # for the first answer, 15-19 afterwards), which is start-up, not either task.
    await client.chat.completions.create(
        model=backend.model, messages=[{"role": "user", "content": "Say OK."}], max_tokens=2
    )
    print(f"model {backend.model}, strategy {summarizer.strategy.name}, {len(articles)} articles")
    briefs: dict[str, Any] = {}
    rows: dict[str, dict[str, Any]] = {}
    for article in articles:
        started = time.perf_counter()
        result = await summarizer.brief(article)
        rows[article.stem] = {
            "brief_s": time.perf_counter() - started,
            "brief_in": result.usage.tokens_in,
            "brief_out": result.usage.tokens_out,
            "calls": result.usage.model_calls,
            "ok": result.ok,
        }
        briefs[article.stem] = result.brief.model_dump(mode="json") if result.brief else None
        if result.failure:
            details = "; ".join(m.msg for m in result.failure.validator_messages)
            print(f"  {article.stem}: FAILED {result.failure.message} {details}")
    for article in articles:
        body = PreparedArticle(article).body
        started = time.perf_counter()
        reply = await client.chat.completions.create(
            model=backend.model,
            messages=[{"role": "user", "content": PLAIN_PROMPT + body}],
            max_tokens=150,
            temperature=0.0,
        )
        row = rows[article.stem]
        row["plain_s"] = time.perf_counter() - started
        row["plain_in"] = reply.usage.prompt_tokens if reply.usage else 0
        row["plain_out"] = reply.usage.completion_tokens if reply.usage else 0
    backend.close()

    print(
        f"\n{'article':<24}{'brief s':>8}{'plain s':>8}{'ratio':>7}"
        f"{'brief in/out':>14}{'plain in/out':>14}{'calls':>6}"
    )
    for stem, r in rows.items():
        print(
            f"{stem:<24}{r['brief_s']:>8.1f}{r['plain_s']:>8.1f}{r['brief_s'] / r['plain_s']:>7.2f}"
            f"{r['brief_in']:>8}/{r['brief_out']:<5}{r['plain_in']:>8}/{r['plain_out']:<5}"
            f"{r['calls']:>6}"
        )
    brief_s = sum(r["brief_s"] for r in rows.values())
    plain_s = sum(r["plain_s"] for r in rows.values())
    print(
        f"{'all':<24}{brief_s:>8.1f}{plain_s:>8.1f}{brief_s / plain_s:>7.2f}"
        f"   per article: brief {brief_s / len(rows):.1f}s, plain {plain_s / len(rows):.1f}s"
    )

    print("\naccuracy against seeds-gold.json")
    fields = ["date", "country", "place", "killed+source", "perpetrator", "target", "claims"]
    totals = dict.fromkeys(fields, 0)
    for stem, brief in briefs.items():
        want = gold.get(stem + ".txt")
        if want is None or brief is None:
            print(f"  {stem}: {'no brief' if brief is None else 'not in gold'}")
            continue
        scores = score(brief, want)
        for f in fields:
            totals[f] += scores[f] in ("ok", "unknown") if f == "date" else scores[f] == "ok"
        print(f"  {stem}: " + "; ".join(f"{f} {scores[f]}" for f in fields))
    n = sum(1 for b in briefs.values() if b is not None)
    print("  right (date: right or unknown): " + ", ".join(f"{f} {totals[f]}/{n}" for f in fields))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "seeds")])
    parser.add_argument("--model", help="bundled local model alias (default: the 0.5B)")
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    asyncio.run(run(args.paths, args.model))


if __name__ == "__main__":
    main()
