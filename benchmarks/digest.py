"""Digest scaling: synthetic briefs over one day, 500 to 5,000, timed side by side.

    python benchmarks/digest.py [--sizes 500,1000,2000,5000]

The briefs and articles are generated here (synthetic data for a benchmark, not model
output), each brief with the reading of its article that the brief pipeline stores in
every brief (made before the timings, as briefing makes it before a digest): stories of 1-6 articles, each article a paraphrase of its story's event with
its own outlet, about one in ten an exact wire copy. Prints seconds per size, the
growth against n and n log n, and how well the stories were recovered (pairwise
precision and recall against the generated truth).
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import defaultdict
from datetime import date, timedelta
from itertools import combinations

from summarizer.digest import DigestInput, build_digest
from summarizer.ingest import Article
from summarizer.prepared import PreparedArticle
from summarizer.reading import read_article
from summarizer.schema import EventBrief

DAY = date(2025, 6, 2)
KINDS = [
    ("Violence against civilians", "Attack", "gunmen attacked", "shot"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "a roadside bomb hit", "bomb"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "shells struck", "shell"),
    (
        "Violence against civilians",
        "Abduction/forced disappearance",
        "armed men abducted",
        "kidnap",
    ),
    ("Protests", "Peaceful protest", "thousands marched against", "march"),
]
SYLLABLES = "ka lo mi ra to nu se vi da qu ren tal mor bis fen gar hul jin zor pel".split()
OUTLETS = [f"Outlet {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
FILLER = (
    "Officials gave no further details. Residents described scenes of panic. "
    "An investigation was opened. Security was stepped up across the area. "
    "The government condemned the violence in a statement."
).split(". ")


def word(rng: random.Random, n: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def make(n_articles: int, seed: int = 7) -> tuple[list[DigestInput], dict[str, int]]:
    rng = random.Random(seed)
    inputs: list[DigestInput] = []
    truth: dict[str, int] = {}
    story = 0
    while len(inputs) < n_articles:
        story += 1
        kind = rng.choice(KINDS)
        place, country = word(rng), word(rng, 2) + "ia"
        target, group = f"{word(rng, 2)} {word(rng)}", f"{word(rng)} Front"
        dead = rng.randint(1, 40)
        for k in range(min(rng.randint(1, 6), n_articles - len(inputs))):
            outlet = OUTLETS[(story * 7 + k) % len(OUTLETS)]
            figure = dead + (rng.random() < 0.3) * rng.randint(1, 3)
            lead = (
                f"{group} {kind[2]} {target} in {place} on Monday, killing {figure} people, "
                f"officials said."
            )
            filler = rng.sample(FILLER, 3)
            text = f"{lead} {' '.join(filler)}. Police said {figure} people were killed."
            if k and rng.random() < 0.1:
                text = inputs[-1].article.text  # a wire copy
            n = len(inputs)
            article = Article(
                id=f"{n:016x}", source=f"synthetic/{n}.txt", text=text, body=text,
                outlet=outlet, published=DAY + timedelta(days=1),
            )  # fmt: skip
            brief = EventBrief.model_validate({
                "headline": f"{kind[3]} in {place}",
                "summary": f"{lead} Police gave a toll.",
                "event_type": kind[0],
                "sub_event_type": kind[1],
                "date": {"evidence": lead, "value": DAY.isoformat(), "precision": "exact",
                         "time_of_day": None},
                "location": {"place": place, "region": None, "country": country,
                             "precision": "city"},
                "actors": [
                    {"name": group, "kind": "armed_group", "role": "perpetrator",
                     "affiliation": None},
                    {"name": target, "kind": "person", "role": "target", "affiliation": None},
                ],
                "casualties": [{"evidence": lead, "kind": "killed", "value": figure, "low": None,
                                "high": None, "attributed_to": "officials"}],
                "claims": [], "quotes": [], "earlier_events": [], "open_questions": [],
                "provenance": {"article_id": article.id, "source_file": article.source,
                               "outlet": outlet, "published": None, "model": "synthetic",
                               "backend": "none", "prompt_version": "none", "prompt_hash": "",
                               "created_at": "2025-06-03T00:00:00Z", "tokens_in": 0,
                               "tokens_out": 0, "attempts": 0},
            })  # fmt: skip
            # the language layer's reading, made when a brief is made (brief pipeline),
            # so here too, before the timing
            brief = brief.model_copy(update={"reading": read_article(PreparedArticle(article))})
            inputs.append(DigestInput(article, brief))
            truth[article.id] = story
    return inputs, truth


def quality(inputs: list[DigestInput], truth: dict[str, int], digest) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    got: dict[str, int] = {}
    for i, s in enumerate(digest.stories):
        for src in s.sources:
            for a in [src.article_id, *src.copies]:
                got[a] = i
    by_truth: dict[int, list[str]] = defaultdict(list)
    for a, t in truth.items():
        by_truth[t].append(a)
    by_got: dict[int, list[str]] = defaultdict(list)
    for a, g in got.items():
        by_got[g].append(a)
    true_pairs = {frozenset(p) for v in by_truth.values() for p in combinations(v, 2)}
    got_pairs = {frozenset(p) for v in by_got.values() for p in combinations(v, 2)}
    both = len(true_pairs & got_pairs)
    return both / max(len(got_pairs), 1), both / max(len(true_pairs), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,1000,2000,5000")
    sizes = [int(x) for x in parser.parse_args().sizes.split(",")]
    build_digest(make(50)[0])  # load the embedding model once, outside the timings
    rows = []
    for n in sizes:
        inputs, truth = make(n)
        started = time.perf_counter()
        digest = build_digest(inputs, day=DAY)
        seconds = time.perf_counter() - started
        precision, recall = quality(inputs, truth, digest)
        rows.append((n, seconds, len(digest.stories), len(set(truth.values())), precision, recall))
    base_n, base_s = rows[0][0], rows[0][1]
    print(f"{'briefs':>7} {'seconds':>8} {'x time':>7} {'x n':>5} {'x nlogn':>8} "
          f"{'stories':>8} {'true':>6} {'pair P':>7} {'pair R':>7}")  # fmt: skip
    for n, s, got, true, p, r in rows:
        nlogn = (n * math.log(n)) / (base_n * math.log(base_n))
        print(f"{n:>7} {s:>8.2f} {s / base_s:>7.1f} {n / base_n:>5.1f} {nlogn:>8.1f} "
              f"{got:>8} {true:>6} {p:>7.3f} {r:>7.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
