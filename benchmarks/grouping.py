"""Benchmark: the digest on real multi-outlet news, scored against the annotated events.

    python benchmarks/grouping.py [--model ALIAS] [--cache DIR] [--every N]
                                  [--first-choice] [--undated] [--show]

Briefs ``fixtures/devsets/digest-dev/`` (GVDB dev shootings from many local outlets over
two months, several cities, and WikiEvents dev articles cited by one Wikipedia event
page; see its README) with the embedded model **through a brief cache of its own**
(``--cache``, default ``benchmarks/out/grouping-cache``), so a rerun after a change to
the rules or the digest costs no model call, then builds the digest and prints:

* stories against events; events that came out as exactly one story;
* pairwise precision / recall / F1 over article pairs, and B-cubed precision / recall /
  F1 (each article's story against its event);
* per event reported more than once: into how many stories its articles went;
* the killed and injured figures the stories give that the annotation does not
  support (GVDB marks each victim killed or injured in each article; a figure is
  supported when an article of its event marks that many), and the conflicts the
  digest reports;
* the entities shown, and those named by two or more articles;
* seconds for briefing (as run) and for the digest itself.

``--first-choice`` briefs with the code's first choice for each question (no model,
seconds); ``--undated`` drops every publication date, as many pages come.

A benchmark, never a test: the figures compare versions of the digest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
from collections import Counter
from itertools import combinations
from pathlib import Path
from datetime import UTC, datetime
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "fixtures" / "devsets" / "digest-dev"


def pairwise(pred: dict[str, int], gold: dict[str, str]) -> tuple[float, float, float]:
    ids = sorted(pred)
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        same_pred, same_gold = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_pred and same_gold
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def bcubed(pred: dict[str, int], gold: dict[str, str]) -> tuple[float, float, float]:
    ids = list(pred)
    p = r = 0.0
    for a in ids:
        same_pred = {b for b in ids if pred[b] == pred[a]}
        same_gold = {b for b in ids if gold[b] == gold[a]}
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(ids), r / len(ids)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def first_choice_brief(article: Any) -> Any:
    """The brief the code builds if the model took the first choice of each offer."""
    from summarizer.brief import extraction as ex
    from summarizer.prepared import PreparedArticle
    from summarizer.schema import EventBrief, Provenance
    from summarizer.text import RULES_VERSION
    from summarizer.taxonomy import nearest_event_type

    prepared = PreparedArticle(article)
    o = ex.offer(prepared)
    x = ex.Extraction(
        event=o.event,
        event_type=nearest_event_type(prepared.numbered[o.event - 1]),
        headline=article.title
        if article.title
        and not ex._headline_problem(article.title, prepared, max_words=ex.HEADLINE_MAX_WORDS)
        else ex.fallback_headline(prepared, o.event),
        summary=ex.lead_summary(prepared, o.event) or ex.lead_only(prepared, o.event),
        date=o.days[0] if o.days else None,
        place=o.places[0] if o.places else None,
        perpetrator=o.doers[0] if o.doers else None,
        target=o.targets[0] if o.targets else None,
        patient_role=o.patient_role,
        killed=list(o.killed[:1]),
        injured=list(o.injured[:1]),
        places=o.places,
        weapons=o.weapons,
        more_doers=o.more_doers,
        more_patients=o.more_patients,
    )
    try:
        content = ex.to_brief_content(x, prepared)
    except ValueError:
        content = ex.skeleton(prepared)
    provenance = Provenance(
        article_id=article.id,
        source_file=article.source,
        outlet=article.outlet,
        published=article.published,
        model="none (first choices)",
        backend="none",
        prompt_version="-",
        prompt_hash="-",
        rules_version=RULES_VERSION,
        created_at=datetime.now(UTC),
        tokens_in=0,
        tokens_out=0,
        attempts=0,
    )
    return EventBrief.model_validate(
        {**content.model_dump(), "gaps": [], "provenance": provenance.model_dump()}
    )


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_TITLES = {"officer", "sgt.", "sergeant", "detective", "dr.", "mr.", "mrs.", "ms."}


def _person_key(name: str) -> tuple[str, str]:
    """(first, last) name words of an annotated person, titles and suffixes left out."""
    words = [w for w in name.lower().split() if w not in _SUFFIXES | _TITLES]
    return words[0], words[-1]


def names_joined(
    events: dict[str, Any], digest: Any, by_article: dict[str, str]
) -> tuple[dict[str, bool], dict[str, list[str]]]:
    """Each person the annotation names in two or more articles of one event, and
    whether the digest shows them as one entity: one story's entity, spelt with their
    last name at least once, whose spellings come from every one of those articles."""
    joined: dict[str, bool] = {}
    named: dict[str, list[str]] = {}
    for info in events.values():
        by_person: dict[tuple[str, str], list[str]] = {}
        spelt: dict[tuple[str, str], str] = {}
        for article, people in info.get("people", {}).items():
            for name in people:
                key = _person_key(name)
                if article not in by_person.setdefault(key, []):
                    by_person[key].append(article)
                spelt.setdefault(key, name)
        for key, articles in by_person.items():
            if len(articles) < 2:
                continue
            last = key[1]
            ok = False
            for story in digest.stories:
                for entity in story.entities:
                    if not any(last in sp.text.lower().split() for sp in entity.spellings):
                        continue
                    covered = {by_article.get(a, a) for sp in entity.spellings for a in sp.articles}
                    ok = ok or set(articles) <= covered
            joined[spelt[key]] = ok
            named[spelt[key]] = articles
    return joined, named


def figures_unsupported(
    events: dict[str, Any], digest: Any, by_article: dict[str, str]
) -> tuple[int, list[tuple[str, str, str, str]]]:
    """The killed and injured figures the digest's stories give, and those the
    annotation does not support: a figure is supported when some article of the same
    annotated event marks that many victims killed (or injured), or when its range ("at
    least 14", "10 to 12") holds that many. Only GVDB events are annotated so; figures
    from other articles are left out of both counts."""
    counts: dict[str, dict[str, set[int]]] = {}  # article -> kind -> the event's counts
    for info in events.values():
        for kind in ("killed", "injured"):
            values = set(info.get(kind, {}).values())
            for article in info.get(kind, {}):
                counts.setdefault(article, {})[kind] = values
    given, wrong = 0, []
    for story in digest.stories:
        for tally in story.casualties:
            for claim in tally.claims:
                article = by_article.get(claim.evidence.article_id, claim.evidence.article_id)
                annotated = counts.get(article, {}).get(tally.kind)
                if annotated is None:
                    continue
                given += 1
                lo = claim.low if claim.low is not None else claim.value
                hi = claim.high if claim.high is not None else claim.value
                if claim.value is None and claim.high is None:
                    hi = None  # "at least 14": any figure from 14 up
                if not any(lo is not None and lo <= n and (hi is None or n <= hi)
                           for n in annotated):  # fmt: skip
                    shown = claim.value if claim.value is not None else f"{lo}-{hi}"
                    wrong.append((article, tally.kind, str(shown), str(sorted(annotated))))
    return given, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="bundled local model alias (default: the 0.5B)")
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "out" / "grouping-cache")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--show", action="store_true", help="print the wrong merges and why")
    parser.add_argument(
        "--first-choice",
        action="store_true",
        help="no model: briefs from the code's first choice for each question (seconds)",
    )
    parser.add_argument(
        "--undated",
        action="store_true",
        help="drop every article's publication date (as many real pages come): the "
        "digest must group by what the articles say",
    )
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)

    from summarizer.brief.pipeline import build_summarizer
    from summarizer.config import Settings
    from summarizer.digest import DigestInput, build_digest
    from summarizer.ingest import Article, load_articles

    events = json.loads((DEVSET / "gold.json").read_text())
    gold_of = {a: e for e, info in events.items() for a in info["articles"]}
    records = [json.loads(line) for line in (DEVSET / "articles.jsonl").open()]
    articles = [a for a in load_articles([DEVSET / "articles.jsonl"]) if isinstance(a, Article)]
    if args.undated:
        articles = [a.model_copy(update={"published": None}) for a in articles]
    pairs = list(zip(records, articles, strict=True))[:: args.every]

    started = time.perf_counter()
    inputs, ids = [], []
    failed = 0
    if args.first_choice:
        for record, article in pairs:
            inputs.append(DigestInput(article, first_choice_brief(article)))
            ids.append(record["id"])
    else:
        settings = Settings(backend="local", model=args.model, cache_dir=args.cache)
        summarizer = build_summarizer(settings)
        results = asyncio.run(summarizer.brief_all([a for _, a in pairs], concurrency=1))
        summarizer.backend.close()
        if summarizer.cache is not None:
            summarizer.cache.close()
        for (record, article), result in zip(pairs, results, strict=True):
            brief = result.brief or result.fallback
            if brief is None:
                print(f"  no brief at all: {record['id']}")
                continue
            inputs.append(DigestInput(article, brief))
            ids.append(record["id"])
        failed = sum(r.brief is None for r in results)
    brief_seconds = time.perf_counter() - started
    started = time.perf_counter()
    digest = build_digest(inputs)
    digest_seconds = time.perf_counter() - started

    by_article = {inputs[i].article.id: ids[i] for i in range(len(ids))}
    pred: dict[str, int] = {}
    for n, story in enumerate(digest.stories):
        for source in story.sources:
            for aid in (source.article_id, *source.copies):
                if aid in by_article:
                    pred[by_article[aid]] = n
    missing = [i for i in ids if i not in pred]
    for k, i in enumerate(missing):
        pred[i] = len(digest.stories) + k  # an article left out counts as a story alone
    gold = {i: gold_of[i] for i in pred}

    n_events = len(set(gold.values()))
    stories = Counter(pred.values())
    exact = sum(
        1
        for e in set(gold.values())
        if len({pred[i] for i in gold if gold[i] == e}) == 1
        and all(gold[j] == e for j in gold if pred[j] == pred[next(i for i in gold if gold[i] == e)])
    )
    print(f"\n== digest on {len(pred)} articles ({failed} briefs failed, briefed with their skeleton)")
    print(f"stories {len(stories)} for {n_events} events; {exact} events exactly one story")
    print("pairwise  P %.2f  R %.2f  F1 %.2f" % pairwise(pred, gold))
    print("B-cubed   P %.2f  R %.2f  F1 %.2f" % bcubed(pred, gold))
    for e, info in events.items():
        members = [i for i in info["articles"] if i in pred]
        if len(members) > 1:
            print(f"  {e}: {len(members)} articles in {len({pred[i] for i in members})} stories")
    merged_apart = sum(
        1 for s in stories if len({gold[i] for i in pred if pred[i] == s}) > 1
    )
    print(f"stories mixing different events: {merged_apart}")
    if args.show:
        for n, story in enumerate(digest.stories):
            members = [i for i in pred if pred[i] == n]
            if len({gold[i] for i in members}) > 1:
                print(f"  mixed: {[(i, gold[i][-12:]) for i in members]}")
                for m in story.grouped_by:
                    names = [by_article.get(a, a) for a in m.articles]
                    print(f"     {names} sim {m.similarity} names {m.shared_names} "
                          f"({m.names_score}) avg {m.average}")
    joined, named = names_joined(events, digest, by_article)
    print(f"people named in several articles of an event, shown as one entity: "
          f"{sum(joined.values())}/{len(joined)}")  # fmt: skip
    for person, ok in joined.items():
        print(f"  {'joined' if ok else 'NOT joined'}: {person} ({', '.join(named[person])})")
    entities = [e for s in digest.stories for e in s.entities]
    across = sum(len({a for sp in e.spellings for a in sp.articles}) > 1 for e in entities)
    print(f"entities shown: {len(entities)}; named by two or more articles: {across}")
    given, wrong = figures_unsupported(events, digest, by_article)
    print(f"killed / injured figures given: {given}; not supported by the annotation: {len(wrong)}")
    if args.show:
        for article, kind, value, annotated in wrong:
            print(f"  {article} {kind} {value} (annotated: {annotated})")
    conflicts = sum(len(s.conflicts) for s in digest.stories)
    print(f"conflicts reported: {conflicts}")
    if args.show:
        for story in digest.stories:
            for c in story.conflicts:
                print(f"  {story.headline[:60]!r} {c.field}: {[v.value for v in c.values]}")
    print(f"briefing {brief_seconds:.1f} s (cached answers are free); digest {digest_seconds:.2f} s")


if __name__ == "__main__":
    main()
