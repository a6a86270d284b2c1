"""Benchmark: how much of the annotated event roles the briefs hold, on real news.

    python benchmarks/accuracy.py [--system pipeline|raw|both|free-text|oracle|first-choice]
                                  [--model ALIAS] [--base-url URL] [--limit N] [--every N]
                                  [--out DIR] [--score-only]

Briefs the development set ``fixtures/devsets/news-dev/`` (WikiEvents dev and RAMS dev,
see its README) with the embedded model and scores each system against the annotation:

* ``pipeline``: ``summarizer``'s own brief (default strategy, cache off);
* ``raw``: the baseline a user writes in ten lines: one plain prompt, a JSON grammar for
  a flat answer (headline, summary, perpetrator, target, victim, place, weapon, killed,
  injured), no checks, no re-asks.
* ``first-choice`` (no model, seconds): the fields the pipeline's code would fill if the
  model took the first choice offered for each question; a quick check of the rules.
* ``free-text``: the endpoint path (``--strategy free-text``), against any
  OpenAI-compatible endpoint (``--base-url``, ``--model``, key in ``OPENAI_API_KEY``) or
  a bundled model served by llama.cpp (``--model qwen2.5-coder-1.5b-instruct-q4``, the
  stand-in for an endpoint's model): besides the roles, the items kept and dropped per
  field (the brief's gaps) and the follow-up calls.
* ``oracle`` (no model, seconds): answers built from the annotation itself (each
  argument as an actor of its role, each weapon mention, each place, each violent
  event's sentence as a claim) sent through the free-text strategy's checks
  (``free_text.ground``): every right item they refuse is a bug in a check; printed.

Answers are written to ``--out`` (one JSON file per article and system) as they come,
so a run can be stopped and resumed, and ``--score-only`` re-scores what is there.

What is scored, per role (perpetrator, target, victim, place, weapon) of the **violent
events** (attack, violent death, injury) the annotators marked:

* **fields, lead**: of the arguments of events triggered in the first three sentences,
  the share the brief's own fields for that role hold (an argument is held when a field
  contains one of its mentions, coreferent mentions included, as whole words, or a field
  value is contained in one); target and victim are one patient role here;
* **fields, all**: the same over every violent event;
* **summary, lead**: the share the headline and summary hold;
* **precision**: of the role values the brief gives, the share that are an annotated
  argument of that role in the article;
* **invented**: numbers in the brief (headline, summary, figures) the article never
  states, and role names the article does not contain;
* **failed**: articles with no brief.

A benchmark, never a test: the figures are for comparing systems and versions.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "fixtures" / "devsets" / "news-dev"
ROLES = ("perpetrator", "patient", "place", "weapon")
# Mentions that say nothing by themselves: a field "there" or "they" holds no role.
EMPTY = set(
    "he she it they them him her his its their there here this that these those who which "
    "one ones someone people man men woman women group country city area".split()
)
RAW_PROMPT = (
    "Read this news article and answer in JSON: a headline, a two-sentence summary of the "
    "main event, and who did it (perpetrator), to whom (target), who was hurt or killed "
    "(victim), where (place), with what (weapon), how many were killed and injured.\n\n"
)
RAW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "headline": {"type": "string"},
        "summary": {"type": "string"},
        "perpetrator": {"type": ["string", "null"]},
        "target": {"type": ["string", "null"]},
        "victim": {"type": ["string", "null"]},
        "place": {"type": ["string", "null"]},
        "weapon": {"type": ["string", "null"]},
        "killed": {"type": ["integer", "null"]},
        "injured": {"type": ["integer", "null"]},
    },
    "required": [
        "headline", "summary", "perpetrator", "target", "victim", "place", "weapon",
        "killed", "injured",
    ],
}  # fmt: skip


def fold(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.sub(r"[^\w'.-]+", " ", text).split())


def _words_in(needle: str, hay: str) -> bool:
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", hay) is not None


def holds(values: list[str], mentions: list[str]) -> bool:
    """Whether one of ``values`` names the argument known by ``mentions``."""
    ms = [fold(m) for m in mentions]
    ms = [m for m in ms if m and m not in EMPTY and len(m) > 1]
    for v in (fold(v) for v in values if v):
        if not v or v in EMPTY:
            continue
        if any(_words_in(m, v) or _words_in(v, m) for m in ms):
            return True
    return False


# --- what each system's answer says, per role ------------------------------------------


def fields_of(answer: dict[str, Any], system: str) -> dict[str, list[str]]:
    if system == "raw":
        return {
            "perpetrator": [answer.get("perpetrator") or ""],
            "patient": [answer.get("target") or "", answer.get("victim") or ""],
            "place": [answer.get("place") or ""],
            "weapon": [answer.get("weapon") or ""],
        }
    actors = answer.get("actors", [])
    loc = answer.get("location") or {}
    return {
        "perpetrator": [a["name"] for a in actors if a["role"] == "perpetrator"],
        "patient": [a["name"] for a in actors if a["role"] in ("target", "victim")],
        "place": [loc.get("place") or "", loc.get("region") or "", loc.get("country") or ""],
        "weapon": list(answer.get("weapons", [])),
    }


def text_of(answer: dict[str, Any]) -> str:
    return f"{answer.get('headline', '')} {answer.get('summary', '')}"


def numbers_of(answer: dict[str, Any], system: str) -> list[str]:
    found = re.findall(r"\d[\d,]*", text_of(answer))
    if system == "raw":
        found += [str(answer[k]) for k in ("killed", "injured") if answer.get(k)]
    else:
        for c in answer.get("casualties", []):
            found += [str(c[k]) for k in ("value", "low", "high") if c.get(k) is not None]
    return [n.replace(",", "") for n in found]


def invented_numbers(answer: dict[str, Any], system: str, article: str) -> list[str]:
    stated = {n.replace(",", "") for n in re.findall(r"\d[\d,.]*\d|\d", article)}
    stated |= {n.replace(",", "").split(".")[0] for n in stated}
    words = fold(article)
    # Numbers written as words ("three") count as stated.
    word_numbers = {
        "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
        "7": "seven", "8": "eight", "9": "nine", "10": "ten", "11": "eleven", "12": "twelve",
        "20": "twenty", "100": "hundred",
    }  # fmt: skip
    return [
        n
        for n in numbers_of(answer, system)
        if n not in stated and not (n in word_numbers and _words_in(word_numbers[n], words))
    ]


def invented_names(answer: dict[str, Any], system: str, article: str) -> list[str]:
    text = fold(article)
    out = []
    for role, values in fields_of(answer, system).items():
        for v in values:
            if v and role != "place" and fold(v) not in text:
                out.append(v)
    return out


# --- scoring -------------------------------------------------------------------------------


def _annotated(gold: dict[str, Any], lead_only: bool) -> dict[str, list[list[str]]]:
    """Arguments by role, each once (an entity argument of several events counts once)."""
    out: dict[str, list[list[str]]] = {r: [] for r in ROLES}
    for event in gold["events"]:
        if lead_only and event["sentence"] >= 3:
            continue
        for role, args in event["arguments"].items():
            key = "patient" if role in ("target", "victim") else role
            for mentions in args:
                if mentions not in out[key]:
                    out[key].append(mentions)
    return out


def score(rows: list[tuple[dict[str, Any], dict[str, Any] | None, str]], system: str) -> None:
    tally: dict[str, list[int]] = {}

    def add(name: str, hit: bool) -> None:
        t = tally.setdefault(name, [0, 0])
        t[0] += int(hit)
        t[1] += 1

    failed = 0
    inv_numbers: list[str] = []
    inv_names: list[str] = []
    for gold, answer, article in rows:
        if answer is None:
            failed += 1
            answer = {}
        fields = fields_of(answer, system) if answer else {r: [] for r in ROLES}
        summary = [text_of(answer)] if answer else []
        for scope, lead_only in (("lead", True), ("all", False)):
            for role, args in _annotated(gold, lead_only).items():
                for mentions in args:
                    add(f"fields {scope} {role}", holds(fields[role], mentions))
                    add(f"fields {scope} roles", holds(fields[role], mentions))
                    if scope == "lead":
                        add(f"summary lead {role}", holds(summary, mentions))
                        add("summary lead roles", holds(summary, mentions))
        every = _annotated(gold, False)
        for role, values in fields.items():
            for v in values:
                if v and fold(v) not in EMPTY:
                    hit = any(holds([v], m) for m in every[role])
                    add(f"precision {role}", hit)
                    add("precision roles", hit)
        if answer:
            inv_numbers += invented_numbers(answer, system, article)
            inv_names += invented_names(answer, system, article)

    def pct(name: str) -> str:
        hit, n = tally.get(name, [0, 0])
        return f"{100 * hit / n:5.1f}% ({hit}/{n})" if n else "   -"

    print(f"\n== {system}: {len(rows)} articles, {failed} failed")
    print(f"{'role':<12}{'fields, lead':>20}{'fields, all':>20}{'summary, lead':>20}"
          f"{'precision':>20}")  # fmt: skip
    for role in (*ROLES, "roles"):
        print(
            f"{role:<12}{pct(f'fields lead {role}'):>20}{pct(f'fields all {role}'):>20}"
            f"{pct(f'summary lead {role}'):>20}{pct(f'precision {role}'):>20}"
        )
    print(f"invented numbers: {len(inv_numbers)} {inv_numbers[:12]}")
    print(f"role names not in the article: {len(inv_names)} {inv_names[:8]}")
    if system == "free-text":
        items_report([answer for _, answer, _ in rows if answer])


ITEM_FIELDS = ("actors", "weapons", "casualties", "claims", "quotes", "earlier_events",
               "open_questions")  # fmt: skip


def items_report(briefs: list[dict[str, Any]]) -> None:
    """Per field: items the briefs kept, and items dropped (the briefs' gaps)."""
    kept = {f: sum(len(b.get(f) or []) for b in briefs) for f in ITEM_FIELDS}
    dropped: dict[str, int] = {}
    for b in briefs:
        for gap in b.get("gaps") or []:
            name = gap["field"].split(": ")[-1].split("[")[0]
            dropped[name] = dropped.get(name, 0) + 1
    print("items kept / dropped: " + ", ".join(
        f"{f} {kept.get(f, 0)}/{dropped.get(f, 0)}" for f in (*ITEM_FIELDS, "date", "headline",
                                                               "summary", "event_type")
    ))  # fmt: skip


# --- running the systems -------------------------------------------------------------------


async def run(
    systems: list[str],
    model: str | None,
    out: Path,
    limit: int | None,
    every: int = 1,
    base_url: str | None = None,
) -> None:
    from summarizer.brief.pipeline import build_summarizer
    from summarizer.config import Settings
    from summarizer.ingest import Article, load_articles
    from summarizer.llm.registry import resolve_backend
    from summarizer.prepared import PreparedArticle

    settings = Settings(
        use_cache=False,
        backend="openai" if base_url else "local",
        base_url=base_url,
        model=model,
        api_key=os.environ.get("OPENAI_API_KEY") or ("not-needed" if base_url else None),
    )
    backend = resolve_backend(settings)
    summarizer = build_summarizer(settings, backend)
    free_text = build_summarizer(settings.model_copy(update={"strategy": "free-text"}), backend)
    articles = [a for a in load_articles([DEVSET / "articles.jsonl"]) if isinstance(a, Article)]
    articles = articles[:limit] if limit else articles
    client = await backend.client()
    await client.chat.completions.create(
        model=backend.model, messages=[{"role": "user", "content": "Say OK."}], max_tokens=2
    )
    print(f"model {backend.model}, {len(articles)} articles, systems {systems}", flush=True)
    # The records carry their corpus id in the gold file, line for line.
    ids = [json.loads(line)["id"] for line in open(DEVSET / "gold.jsonl")]
    seconds: dict[str, list[float]] = {s: [] for s in systems}
    # Article by article, every system in turn: a run stopped early still compares the
    # systems on the same articles.
    for gold_id, article in list(zip(ids, articles, strict=False))[::every]:
        for system in systems:
            path = out / system / f"{gold_id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                continue
            started = time.perf_counter()
            record: dict[str, Any]
            if system in ("pipeline", "free-text"):
                result = await (summarizer if system == "pipeline" else free_text).brief(article)
                record = {
                    "brief": result.brief.model_dump(mode="json") if result.brief else None,
                    "failure": result.failure.model_dump(mode="json") if result.failure else None,
                    "calls": result.usage.attempts,
                }
            else:
                body = PreparedArticle(article).body
                reply = await client.chat.completions.create(
                    model=backend.model,
                    messages=[{"role": "user", "content": RAW_PROMPT + body}],
                    max_tokens=400,
                    temperature=0.0,
                    response_format={"type": "json_object", "schema": RAW_SCHEMA},  # type: ignore[typeddict-item]
                )
                try:
                    record = {"brief": json.loads(reply.choices[0].message.content or "")}
                except json.JSONDecodeError as exc:
                    record = {"brief": None, "failure": {"message": f"not JSON: {exc}"}}
            record["seconds"] = time.perf_counter() - started
            seconds[system].append(record["seconds"])
            path.write_text(json.dumps(record, ensure_ascii=False, indent=1))
            status = "ok" if record["brief"] else f"FAILED {record.get('failure')}"
            print(f"  {system} {gold_id}: {record['seconds']:.1f}s {status}"[:300], flush=True)
    for system, times in seconds.items():
        if times:
            print(f"{system}: {len(times)} articles, {sum(times) / len(times):.1f} s per article")
    backend.close()


_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+")


def measure_set(
    corpus: str | None, part: str = "measure"
) -> tuple[list[dict[str, Any]], list[Any]]:
    """The ``measure`` split of the role corpora (``training/roles``: never trained or
    tuned on; converted into ``data/roles/`` by ``python -m training.roles.corpora``) in
    the development set's shape: gold per article, and the articles. ``corpus`` picks
    one (``muc4``, ``gvdb``, ``rams``, ``wikievents-train``, ``wikievents-dev``)."""
    from summarizer.ingest import Article

    data = ROOT / "data" / "roles"
    splits = json.loads((ROOT / "training" / "roles" / "splits.json").read_text())
    golds, articles = [], []
    for name, parts in splits.items():
        if corpus not in (None, name):
            continue
        wanted = set(parts[part])
        for line in open(data / f"{name}.jsonl"):
            doc = json.loads(line)
            if doc["id"] not in wanted:
                continue
            text = doc["text"]
            ends = [m.end() for m in _SENTENCE_END.finditer(text)]

            def sentence_of(offset: int) -> int:
                return sum(1 for e in ends if e <= offset)

            events = []
            for event in doc["events"]:
                spans = [m for args in event["roles"].values() for a in args for m in a]
                anchor = event["trigger"] or (min(spans) if spans else None)
                arguments = {
                    role: [[text[a:b] for a, b in arg] for arg in args]
                    for role, args in event["roles"].items()
                    if args
                }
                if anchor is not None and arguments:
                    events.append({"sentence": sentence_of(anchor[0]), "arguments": arguments})
            golds.append({"id": doc["id"], "corpus": name, "events": events})
            safe = "".join(c if c.isalnum() else "-" for c in doc["id"])
            articles.append(Article(id=hashlib.sha256(text.encode()).hexdigest()[:16],
                                    source=f"{safe}.txt", text=text, body=text))  # fmt: skip
    return golds, articles


def first_choice_rows(every: int, corpus: str | None = "news-dev") -> list[tuple[Any, Any, str]]:
    """The briefs the pipeline's own code builds (``QuestionsStrategy.run``, every check
    and every rule) when each question is answered with the first choice it offers and
    the wording question is not answered: the rules alone, no model."""
    import typing

    from summarizer.brief import extraction as ex
    from summarizer.brief.strategies import QuestionsStrategy
    from summarizer.errors import OutputValidationError
    from summarizer.ingest import Article, load_articles
    from summarizer.prepared import PreparedArticle

    def first(annotation: Any) -> Any:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) is typing.Literal:
            return args[0]
        literal = next((a for a in args if typing.get_origin(a) is typing.Literal), None)
        return typing.get_args(literal)[0] if literal is not None else None

    async def ask(messages: Any, model: Any, **_: Any) -> Any:
        if not issubclass(model, ex.Facts):
            raise OutputValidationError("first-choice: the wording question is not answered")
        answer = {n: first(f.annotation) for n, f in model.model_fields.items() if n != "what"}
        return model.model_validate({**answer, "what": ""}, context=prepared.context)

    if corpus == "news-dev":
        golds = [json.loads(line) for line in open(DEVSET / "gold.jsonl")]
        articles = [a for a in load_articles([DEVSET / "articles.jsonl"]) if isinstance(a, Article)]
    else:
        part, _, name = (corpus or "measure").partition(":")
        golds, articles = measure_set(name or None, part)
    strategy = QuestionsStrategy()
    rows = []
    for gold, article in list(zip(golds, articles, strict=True))[::every]:
        prepared = PreparedArticle(article)
        if not prepared.numbered:  # nothing left to read (all of it boilerplate): failed
            rows.append((gold, None, article.text))
            continue
        brief = asyncio.run(strategy.run(prepared, ask))
        rows.append((gold, brief.model_dump(mode="json"), article.text))
    return rows


def oracle(every: int) -> None:
    """The annotation's own items through the free-text checks; every refusal printed."""
    from summarizer.brief import free_text
    from summarizer.ingest import Article, load_articles
    from summarizer.prepared import PreparedArticle
    from summarizer.text.sentences import sentences

    golds = [json.loads(line) for line in open(DEVSET / "gold.jsonl")]
    articles = [a for a in load_articles([DEVSET / "articles.jsonl"]) if isinstance(a, Article)]
    offered: dict[str, int] = {}
    refused: list[tuple[str, str, str]] = []
    for gold, article in list(zip(golds, articles, strict=True))[::every]:
        prepared = PreparedArticle(article)
        actors, weapons, claims, places = [], [], [], []
        said = [s.text for s in sentences(prepared.body)]
        for event in gold["events"]:
            for role, args in event["arguments"].items():
                for mentions in args:
                    name = max(mentions, key=len)  # the fullest mention
                    if role == "weapon":
                        weapons.append(name)
                    elif role == "place":
                        places.append(name)
                    else:
                        kind = "unknown"
                        actors.append({"name": name[:80], "kind": kind, "role": role,
                                       "affiliation": None})  # fmt: skip
            trigger = event["trigger"]
            sentence = next((x for x in said if _words_in(fold(trigger), fold(x))), None)
            if sentence is not None and len(claims) < 3:
                claims.append({"evidence": sentence, "statement": f"A {trigger} event.",
                               "attributed_to": None, "status": "stated_by_outlet"})  # fmt: skip
        answer = {
            "headline": "Oracle brief of an annotated article",
            "summary": "An annotated article, briefed from its annotation.",
            "event_type": "Other news", "sub_event_type": "Other",
            "date": {"evidence": None, "value": None, "precision": "unknown", "time_of_day": None},
            "location": {"place": places[0][:80] if places else None, "region": None,
                         "country": None, "precision": "city" if places else "unknown"},
            "actors": list({a["name"]: a for a in actors}.values()),
            "weapons": list(dict.fromkeys(weapons)),
            "casualties": [], "claims": claims, "quotes": [], "earlier_events": [],
            "open_questions": [],
        }  # fmt: skip
        for name in ("actors", "weapons", "claims"):
            offered[name] = offered.get(name, 0) + len(answer[name])
        parsed = free_text.Answer.model_validate(answer)
        grounded = free_text.ground(parsed, prepared)
        for d in grounded.dropped:
            refused.append((gold["id"], d.path, d.reason))
    total = sum(offered.values())
    counted = [r for r in refused if r[1].split("[")[0] in offered]
    print(f"oracle: {total} annotated items offered ({offered}); refused {len(counted)}; "
          f"kept {100 * (total - len(counted)) / total:.1f}%")  # fmt: skip
    for row in refused:
        print("  refused", *row)


def load_rows(
    out: Path, system: str, limit: int | None, every: int = 1
) -> list[tuple[Any, Any, str]]:
    golds = [json.loads(line) for line in open(DEVSET / "gold.jsonl")][::every]
    texts = {(r := json.loads(line))["id"]: r["text"] for line in open(DEVSET / "articles.jsonl")}
    rows = []
    seconds = []
    for gold in golds[:limit] if limit else golds:
        path = out / system / f"{gold['id']}.json"
        if not path.exists():
            continue
        record = json.loads(path.read_text())
        seconds.append(record.get("seconds", 0.0))
        rows.append((gold, record["brief"], texts[gold["id"]]))
    if seconds:
        print(f"\n{system}: {sum(seconds) / len(seconds):.1f} s per article (as recorded)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--system",
        choices=["pipeline", "raw", "both", "first-choice", "free-text", "oracle"],
        default="both",
    )
    parser.add_argument("--base-url", help="an OpenAI-compatible endpoint (free-text, raw)")
    parser.add_argument(
        "--reader",
        choices=["rules", "learned", "both"],
        default="rules",
        help="first-choice only: who reads the lead's roles (extraction.READER)",
    )
    parser.add_argument(
        "--set",
        default="news-dev",
        help="first-choice only: news-dev (default), or a split of the role corpora: "
        "'measure' or 'tune' (all corpora), or 'measure:CORPUS' (muc4, gvdb, rams, "
        "wikievents-train, wikievents-dev)",
    )
    parser.add_argument(
        "--model",
        help="bundled local model alias (default: the 0.5B); several, comma-separated, are "
        "run one after the other and scored side by side",
    )
    parser.add_argument("--limit", type=int)
    parser.add_argument("--every", type=int, default=1, help="every Nth article (a sample)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "accuracy")
    parser.add_argument("--score-only", action="store_true")
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    if args.system == "first-choice":
        from summarizer.brief import extraction

        extraction.READER = args.reader
        score(first_choice_rows(args.every, args.set), "pipeline")
        return
    if args.system == "oracle":
        oracle(args.every)
        return
    systems = ["pipeline", "raw"] if args.system == "both" else [args.system]
    models = args.model.split(",") if args.model else [None]
    for model in models:
        if not args.score_only:
            folder = args.out / (model or "default")
            asyncio.run(run(systems, model, folder, args.limit, args.every, args.base_url))
    for model in models:
        out = args.out / (model or "default")
        for system in systems:
            rows = load_rows(out, system, args.limit, args.every)
            if rows:
                print(f"\n#### model {model or 'default'}")
                score(rows, system)
            else:
                print(f"{system}: nothing recorded in {out / system}", file=sys.stderr)


if __name__ == "__main__":
    main()
