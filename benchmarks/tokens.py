"""Benchmark: characters per token of real news, by the bundled models' own tokenizers.

    python benchmarks/tokens.py [--model ALIAS]

The context check counts a prompt with the model's own tokenizer where one is at hand
(the embedded llama.cpp server's); an endpoint's model has none here, so the prompt is
bounded by characters over ``llm.call.CHARS_PER_TOKEN``. This prints, for every
article of the development sets and the other-news fixtures, the characters per token
of its text, and the smallest, the 1st percentile and the median, which that bound must
stay under (fewer characters per token means more tokens: a bound under the smallest
never counts a prompt short). Loads the GGUF's vocabulary only (no weights).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def texts() -> list[tuple[str, str]]:
    out = []
    for name in ("news-dev", "digest-dev"):
        for line in open(ROOT / "fixtures" / "devsets" / name / "articles.jsonl"):
            record = json.loads(line)
            out.append((f"{name}/{record['id']}", record["text"]))
    for path in sorted((ROOT / "fixtures" / "other-news").glob("*.txt")):
        out.append((f"other-news/{path.name}", path.read_text(encoding="utf-8")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-0.5b-instruct-q4")
    args = parser.parse_args()
    from llama_cpp import Llama

    from summarizer.config import Settings
    from summarizer.llm.call import CHARS_PER_TOKEN
    from summarizer.llm.local.backend import LocalBackend

    backend = LocalBackend.from_settings(Settings(backend="local", model=args.model))
    llm = Llama(str(backend.resolve_model_path()), vocab_only=True, verbose=False)
    ratios = []
    for name, text in texts():
        tokens = len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))
        ratios.append((len(text) / max(tokens, 1), name, len(text), tokens))
    ratios.sort()
    values = [r[0] for r in ratios]
    print(f"{len(values)} texts, tokenizer of {args.model}")
    print(f"chars per token: smallest {values[0]:.2f} ({ratios[0][1]}), "
          f"1st percentile {values[len(values) // 100]:.2f}, "
          f"median {statistics.median(values):.2f}, largest {values[-1]:.2f}")  # fmt: skip
    print(f"the bound in use: {CHARS_PER_TOKEN} chars per token "
          f"({'under' if values[0] > CHARS_PER_TOKEN else 'NOT under'} the smallest)")  # fmt: skip


if __name__ == "__main__":
    main()
