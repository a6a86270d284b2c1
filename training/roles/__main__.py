"""Retrain the learned role scorer in one command (each step also runs alone):

    python -m training.roles [--mirrors DIR] [--data DIR]

1. ``corpora``: read the five corpora from their git mirrors (fetched beforehand with
   the tool library's ``fetch``: see the README beside), sha256-checked, into DATA;
2. the committed ``splits.json`` is used as it is (``python -m training.roles.splits``
   makes it again; it never moves with the code);
3. ``train featurize``: parse, candidates, labels;
4. ``train fit``: train, tune, measure, write ``summarizer/text/data/roles-model.json``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import corpora, train

ROOT = Path(__file__).resolve().parent.parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "roles")
    args = parser.parse_args()
    for name, n in corpora.convert(args.mirrors, args.data).items():
        print(f"{name}: {n} documents")
    train.featurize(args.data)
    train.fit(args.data)


if __name__ == "__main__":
    main()
