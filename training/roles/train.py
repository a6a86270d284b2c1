"""Train, tune and measure the learned role scorer; write its artifact.

    python -m training.roles.train featurize [--data DIR]   # parse, candidates, labels
    python -m training.roles.train fit [--data DIR]         # train, tune, measure, write

``featurize`` parses every document of the converted corpora (``corpora``) with the
project's own pinned spaCy pipeline and writes each candidate (``summarizer.text.
candidates``: the very features the scorer reads at run time) with its label: the role
of the annotated argument one of whose mentions holds the candidate's head, else
"none". ``fit`` trains a multinomial logistic regression (scikit-learn) on the ``train``
split of every corpus together, chooses its regularisation and a threshold per role on
``tune`` (the threshold that maximises F0.5 there: precision first, a wrong perpetrator
is worse than none), reports precision, recall and F1 per role and corpus on
``measure`` (never seen by either step), and writes the artifact: the weights as JSON
(no pickle), its sha256 beside it, and the card (data, splits, figures, seed).

Every number here comes from ``config.json`` beside this file: the seed, the C values
tried, the classes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CONFIG = json.loads((HERE / "config.json").read_text())
ARTIFACT = ROOT / "summarizer" / "text" / "data" / "roles-model.json"
CORPORA = ("wikievents-train", "wikievents-dev", "muc4", "gvdb", "rams")


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _label(head: int, roles: dict[str, list[list[list[int]]]]) -> str:
    for role in CONFIG["classes"][1:]:
        for argument in roles.get(role, []):
            if any(start <= head < end for start, end in argument):
                return str(role)
    return "none"


def featurize(data: Path) -> None:
    from summarizer.text.candidates import candidates
    from summarizer.text.nlp import pipeline

    nlp = pipeline()
    for corpus in CORPORA:
        docs = [json.loads(line) for line in _lines(data / f"{corpus}.jsonl")]
        started = time.perf_counter()
        labels: Counter[str] = Counter()
        rows = []
        for doc, parsed in zip(docs, nlp.pipe(d["text"] for d in docs), strict=True):
            roles: dict[str, list[list[list[int]]]] = defaultdict(list)
            for event in doc["events"]:
                for role, args in event["roles"].items():
                    roles[role].extend(args)
            for c in candidates(parsed):
                label = _label(c.head, roles)
                labels[label] += 1
                row = {"doc": doc["id"], "text": c.text, "start": c.start, "end": c.end,
                       "sentence": c.sentence, "label": label, "features": c.features}  # fmt: skip
                rows.append(json.dumps(row, ensure_ascii=False))
        (data / f"candidates-{corpus}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
        took = time.perf_counter() - started
        print(f"{corpus}: {len(docs)} documents, {sum(labels.values())} candidates "
              f"{dict(labels)} in {took:.0f} s", flush=True)  # fmt: skip


def _known(corpus: str, row: dict[str, Any]) -> bool:
    """Whether the corpus annotates what would make this candidate's label: MUC-4 marks
    no place, so a place-like phrase it leaves unlabelled is not known to be none; GVDB
    names only people (victims and shooters by name), so a common noun it leaves
    unlabelled ("a 25-year-old man") is not known to be none either."""
    if row["label"] != "none":
        return True
    f = row["features"]
    if corpus == "muc4":
        return not (f.get("ent") in ("GPE", "LOC", "FAC") or f.get("place_noun"))
    if corpus == "gvdb":
        return bool(f.get("proper")) or f.get("ent") in ("GPE", "LOC", "FAC")
    return True


def _relabel(row: dict[str, Any], roles: dict[str, list[list[list[int]]]]) -> str:
    """The role of an argument a mention of which lies inside the candidate, or inside
    which the candidate lies ("the Islamic State group" holds "Islamic State")."""
    start, end = row["start"], row["end"]
    for role in CONFIG["classes"][1:]:
        for argument in roles.get(role, []):
            for a, b in argument:
                if (start <= a and b <= end) or (a <= start and end <= b):
                    return str(role)
    return "none"


def _rows(data: Path, splits: dict[str, dict[str, list[str]]], part: str) -> list[dict[str, Any]]:
    """The candidates of the documents of ``part``, labelled, those whose label the
    corpus knows."""
    rows = []
    for corpus in CORPORA:
        wanted = set(splits[corpus][part])
        roles_of: dict[str, dict[str, list[list[list[int]]]]] = {}
        for line in _lines(data / f"{corpus}.jsonl"):
            doc = json.loads(line)
            if doc["id"] in wanted:
                merged: dict[str, list[list[list[int]]]] = defaultdict(list)
                for event in doc["events"]:
                    for role, args in event["roles"].items():
                        merged[role].extend(args)
                roles_of[doc["id"]] = merged
        for line in _lines(data / f"candidates-{corpus}.jsonl"):
            row = json.loads(line)
            if row["doc"] not in wanted:
                continue
            row["label"] = _relabel(row, roles_of[row["doc"]])
            if _known(corpus, row):
                row["corpus"] = corpus
                rows.append(row)
    return rows


def _prf(gold: list[str], predicted: list[str], role: str) -> tuple[float, float, float]:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == role)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == role and g != role)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == role and p != role)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _decide(probabilities: Any, classes: list[str], thresholds: dict[str, float]) -> list[str]:
    """The most probable role whose probability passes its threshold, else "none"."""
    out = []
    for row in probabilities:
        ranked = sorted(range(len(classes)), key=lambda i: -row[i])
        choice = "none"
        for i in ranked:
            if classes[i] == "none":
                break
            if row[i] >= thresholds.get(classes[i], 1.0):
                choice = classes[i]
                break
        out.append(choice)
    return out


def fit(data: Path, artifact: Path | None = None) -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    splits = json.loads((HERE / "splits.json").read_text())
    train, tune, measure = (_rows(data, splits, p) for p in ("train", "tune", "measure"))
    print(f"candidates: train {len(train)}, tune {len(tune)}, measure {len(measure)}")
    vectorizer = DictVectorizer()
    x_train = vectorizer.fit_transform([r["features"] for r in train])
    x_tune = vectorizer.transform([r["features"] for r in tune])
    y_train = [r["label"] for r in train]
    y_tune = [r["label"] for r in tune]
    roles = CONFIG["classes"][1:]
    best: tuple[float, Any, dict[str, float]] | None = None
    for c in CONFIG["C"]:
        model = LogisticRegression(
            C=c,
            max_iter=CONFIG["max_iter"],
            random_state=CONFIG["seed"],
            class_weight=CONFIG.get("class_weight"),
        )
        model.fit(x_train, y_train)
        classes = list(model.classes_)
        probabilities = model.predict_proba(x_tune)
        thresholds = {}
        for role in roles:
            k = classes.index(role)
            best_t, best_f = 1.0, -1.0
            for t in CONFIG["thresholds"]:
                predicted = [role if p[k] >= t else "none" for p in probabilities]
                precision, recall, _ = _prf(y_tune, predicted, role)
                b2 = 0.25  # F0.5: precision counts four times recall
                f = (1 + b2) * precision * recall / (b2 * precision + recall) if precision else 0
                if f > best_f:
                    best_t, best_f = t, f
            thresholds[role] = best_t
        decided = _decide(probabilities, classes, thresholds)
        score = sum(_prf(y_tune, decided, r)[2] for r in roles) / len(roles)
        print(f"C={c}: tune macro F1 {score:.3f}, thresholds {thresholds}", flush=True)
        if best is None or score > best[0]:
            best = (score, model, thresholds)
    assert best is not None
    _, model, thresholds = best
    classes = list(model.classes_)
    figures: dict[str, dict[str, list[float]]] = {}
    print(f"\nmeasure split (never trained or tuned on), C={model.C}:")
    for corpus in (*CORPORA, "all"):
        rows = [r for r in measure if corpus == "all" or r["corpus"] == corpus]
        if not rows:
            continue
        decided = _decide(
            model.predict_proba(vectorizer.transform([r["features"] for r in rows])),
            classes,
            thresholds,
        )
        gold = [r["label"] for r in rows]
        figures[corpus] = {}
        cells = []
        for role in roles:
            p, r, f = _prf(gold, decided, role)
            figures[corpus][role] = [round(p, 3), round(r, 3), round(f, 3)]
            cells.append(f"{role} P {p:.2f} R {r:.2f} F1 {f:.2f}")
        print(f"  {corpus:<17} " + " | ".join(cells))
    write_artifact(vectorizer, model, thresholds, figures, splits, artifact or ARTIFACT)


def write_artifact(
    vectorizer: Any,
    model: Any,
    thresholds: dict[str, float],
    figures: dict[str, Any],
    splits: dict[str, dict[str, list[str]]],
    path: Path,
) -> None:
    names = vectorizer.get_feature_names_out()
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        column = [round(float(model.coef_[i][j]), 5) for i in range(len(model.classes_))]
        if any(abs(w) >= 1e-4 for w in column):
            weights[str(name)] = column
    artifact = {
        "format": "summarizer-roles-logreg-1",
        "classes": [str(c) for c in model.classes_],
        "intercept": [round(float(b), 5) for b in model.intercept_],
        "weights": weights,
        "thresholds": thresholds,
        "card": {
            "trained_on": {c: len(p["train"]) for c, p in splits.items()},
            "tuned_on": {c: len(p["tune"]) for c, p in splits.items()},
            "measured_on": {c: len(p["measure"]) for c, p in splits.items()},
            "C": model.C,
            "class_weight": CONFIG.get("class_weight"),
            "seed": CONFIG["seed"],
            "figures_measure": figures,
            "python": sys.version.split()[0],
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(artifact, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_suffix(".sha256").write_text(digest + "\n")
    print(f"wrote {path} ({path.stat().st_size:,} bytes, sha256 {digest[:12]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["featurize", "fit"])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "roles")
    parser.add_argument("--config", type=Path, help="another config.json (an experiment)")
    parser.add_argument("--artifact", type=Path, help=f"write here, not {ARTIFACT}")
    args = parser.parse_args()
    if args.config is not None:
        CONFIG.update(json.loads(args.config.read_text()))
    featurize(args.data) if args.step == "featurize" else fit(args.data, args.artifact)


if __name__ == "__main__":
    main()
