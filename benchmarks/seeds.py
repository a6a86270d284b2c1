"""Benchmark: brief the five seeds with no cache and print speed, usage and accuracy.

    python benchmarks/seeds.py [--model M] [--local-model PATH] [--out DIR]

Prints, per article: seconds, tokens in/out, model calls (re-asks = calls - 1), outcome;
then compares each brief with the hand-made reference ../shared/eval/seeds-gold.json
(event date, sub-event type, place, country, casualty figures, target named among the
actors). The gold file is read only to score; it is never shown to the model.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from summarizer.brief.pipeline import brief_paths
from summarizer.config import load_settings
from summarizer.grounding import fold
from summarizer.render.output import write_results

ROOT = Path(__file__).resolve().parent.parent


def _gold_path() -> Path:
    for candidate in (
        ROOT.parent / "shared" / "eval" / "seeds-gold.json",
        ROOT / "fixtures" / "seeds-gold.json",
    ):
        if candidate.is_file():
            return candidate
    sys.exit("seeds-gold.json not found (expected ../shared/eval/)")


def _score(brief: dict[str, Any], gold: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    got_date = brief["date"]["value"]
    out["date"] = (
        "ok" if got_date == gold.get("event_date") else f"{got_date} vs {gold.get('event_date')}"
    )
    out["sub_type"] = (
        "ok" if brief["sub_event_type"] == gold.get("sub_event_type") else brief["sub_event_type"]
    )
    loc = gold.get("location") or {}
    where = fold(" ".join(filter(None, [brief["location"]["place"], brief["location"]["region"]])))
    place = loc.get("place")
    out["place"] = (
        "ok"
        if place is None and not where
        else "ok"
        if place and any(w in where for w in fold(place).replace(",", " ").split() if len(w) > 4)
        else f"{where or None} vs {place}"
    )
    country = brief["location"]["country"]
    out["country"] = (
        "ok" if country and fold(country) == fold(loc.get("country") or "") else f"{country}"
    )
    gold_tolls = sorted(
        {
            c["value"]
            for c in (gold.get("fatalities") or {}).get("claims", [])
            if isinstance(c.get("value"), int)
        }
    )
    got_tolls = sorted(
        {
            c["value"]
            for c in brief["casualties"]
            if c["kind"] == "killed" and c["value"] is not None
        }
    )
    out["killed"] = "ok" if got_tolls == gold_tolls else f"{got_tolls} vs {gold_tolls}"
    target = fold(gold.get("target", ""))
    names = [fold(a["name"]) for a in brief["actors"]]
    out["target_named"] = "yes" if any(len(n) > 5 and n in target for n in names) else "no"
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model")
    parser.add_argument("--local-model", type=Path)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    settings = load_settings(
        model=args.model, local_model=args.local_model, backend=args.backend, use_cache=False
    )
    started = time.perf_counter()
    results, summary = brief_paths([args.seeds], settings)
    total = time.perf_counter() - started
    gold = json.loads(_gold_path().read_text())["articles"]
    print(f"{'article':<28} {'secs':>6} {'in':>6} {'out':>5} {'calls':>5}  outcome")
    scores = []
    for r in results:
        outcome = "ok" if r.ok else f"FAILED {r.failure.kind if r.failure else ''}"
        print(
            f"{Path(r.source).name:<28} {r.seconds:6.1f} {r.usage.tokens_in:6d} "
            f"{r.usage.tokens_out:5d} {r.usage.model_calls:5d}  {outcome}"
        )
        if r.brief is not None:
            scores.append(
                (
                    Path(r.source).name,
                    _score(r.brief.model_dump(mode="json"), gold[Path(r.source).name]),
                )
            )
    n = max(summary.articles, 1)
    print(
        f"\nmodel {results[0].brief.provenance.model if results and results[0].brief else settings.model}"
        f" | articles {summary.articles} | briefs {summary.briefs} | failures {summary.failures}"
        f" | model calls {summary.model_calls} | re-asks {summary.reasks}"
        f" | re-ask rate {summary.reasks / n:.2f}/article"
    )
    print(
        f"total {total:.1f}s | {total / n:.1f}s per article | tokens in {summary.tokens_in}"
        f" | tokens out {summary.tokens_out}"
    )
    print("\nagainst seeds-gold.json:")
    for name, score in scores:
        print(f"  {name:<28} " + "  ".join(f"{k}={v}" for k, v in score.items()))
    if args.out:
        write_results(results, args.out, "json")


if __name__ == "__main__":
    main()
