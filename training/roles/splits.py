"""Fixed document splits of the role corpora: what is trained on, what tunes, what measures.

    python -m training.roles.splits [--data DIR]     # writes training/roles/splits.json

Three parts per corpus, by document (a document's sentences never straddle two parts):

* ``train``: the model learns from these;
* ``tune``: thresholds and hyper-parameters are chosen on these;
* ``measure``: the figures are reported on these, never seen before.

Every document of the project's development sets (``fixtures/devsets/news-dev``:
WikiEvents dev and RAMS dev; ``fixtures/devsets/digest-dev``: GVDB dev and WikiEvents
dev) is in ``measure``, so the benchmarks the README reports stay out of training. Of
the rest, 70% train, 15% tune, 15% measure, drawn with a fixed seed from the sorted ids.
The file written is committed: the split never moves when the code does.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SEED = 20261206
SHARES = {"train": 0.70, "tune": 0.15}  # measure: the rest
CORPORA = ("wikievents-train", "wikievents-dev", "muc4", "gvdb", "rams")


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _opening(text: str) -> str:
    """A text's first 60 letters and digits, lower case: the same page under two keys."""
    return "".join(c for c in text.lower() if c.isalnum())[:60]


def devset_openings() -> set[str]:
    """The development sets' texts by their openings (GVDB's dev.json and the dev.tsv
    the digest set was built from key the same pages differently)."""
    out = set()
    for name in ("news-dev", "digest-dev"):
        for line in _lines(ROOT / "fixtures" / "devsets" / name / "articles.jsonl"):
            out.add(_opening(json.loads(line)["text"]))
    return out


def devset_ids() -> set[str]:
    """The ids of the development sets' documents, as the role corpora name them."""
    ids: set[str] = set()
    for line in _lines(ROOT / "fixtures" / "devsets" / "news-dev" / "gold.jsonl"):
        ids.add(json.loads(line)["id"].removesuffix("-lc"))
    digest = json.loads((ROOT / "fixtures" / "devsets" / "digest-dev" / "gold.json").read_text())
    for event in digest.values():
        ids.update(str(article) for article in event["articles"])
    return ids


def _in_devsets(doc_id: str, devsets: set[str]) -> bool:
    """``wikievents:road_ied_8`` is ``wikievents-road_ied_8`` there; a RAMS window is
    known by the last 12 characters of its key; GVDB pages as ``gvdb-<key>``."""
    corpus, _, key = doc_id.partition(":")
    return f"{corpus}-{key}" in devsets or f"{corpus}-{key[-12:]}" in devsets


def make_splits(data: Path) -> dict[str, dict[str, list[str]]]:
    devsets, openings = devset_ids(), devset_openings()
    rng = random.Random(SEED)
    out: dict[str, dict[str, list[str]]] = {}
    for corpus in CORPORA:
        docs = [json.loads(line) for line in _lines(data / f"{corpus}.jsonl")]
        ids = sorted(d["id"] for d in docs)
        seen = {d["id"] for d in docs if _opening(d["text"]) in openings}
        held = [
            i for i in ids if corpus == "wikievents-dev" or _in_devsets(i, devsets) or i in seen
        ]
        rest = [i for i in ids if i not in set(held)]
        rng.shuffle(rest)
        n_train = round(len(rest) * SHARES["train"])
        n_tune = round(len(rest) * SHARES["tune"])
        out[corpus] = {
            "train": sorted(rest[:n_train]),
            "tune": sorted(rest[n_train : n_train + n_tune]),
            "measure": sorted(rest[n_train + n_tune :] + held),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "roles")
    args = parser.parse_args()
    splits = make_splits(args.data)
    (HERE / "splits.json").write_text(json.dumps(splits, indent=1) + "\n")
    for corpus, parts in splits.items():
        print(corpus, {k: len(v) for k, v in parts.items()})


if __name__ == "__main__":
    main()
