"""The model path end to end, replaying HTTP exchanges recorded from a real server.

The cassette under fixtures/cassettes/test_recorded/ was recorded from the embedded
llama.cpp server running Qwen2.5-Coder-0.5B-Instruct (Q4) on the five seed articles with
the default local strategy (focused questions). Replay matches on method, path and body,
so a changed prompt or schema fails here until re-recorded with (needs the [local]
extra, about 3 minutes on two cores):

    python -m pytest tests/test_recorded.py --record-mode=rewrite
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from summarizer.brief.pipeline import brief_paths
from summarizer.config import Settings
from summarizer.llm.backend import Backend
from summarizer.llm.local.backend import LOCAL_CAPABILITIES, LocalBackend
from summarizer.llm.local.server import DEFAULT_CONTEXT
from summarizer.llm.local.weights import DEFAULT_LOCAL
from summarizer.llm.openai_backend import OpenAICompatibleBackend
from summarizer.render.output import write_results

from .conftest import ROOT, local_model_available


def _backend(record_mode: str, tmp_path: Path) -> Backend:
    if record_mode == "none":
        # Replay: the same requests as LocalBackend makes; vcr answers them, nothing listens.
        return OpenAICompatibleBackend(
            model=DEFAULT_LOCAL.alias,
            api_key="local",
            base_url="http://127.0.0.1:9/v1",
            mode="tools",
            context_window=DEFAULT_CONTEXT,
            name="local",
            capabilities=LOCAL_CAPABILITIES,
        )
    if not local_model_available():
        pytest.skip("recording needs the [local] extra")
    return LocalBackend.from_settings(Settings())


def _evidence_strings(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("evidence", "quote") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_evidence_strings(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_evidence_strings(item))
    return found


@pytest.mark.vcr
def test_seed_briefs_from_recorded_local_model(
    record_mode: str, seeds_dir: Path, tmp_path: Path
) -> None:
    settings = Settings(cache_dir=tmp_path / "cache")
    backend = _backend(record_mode, tmp_path)
    results, summary = brief_paths([seeds_dir], settings, backend=backend)
    assert summary.articles == 5
    assert summary.failures == 0, [r.failure for r in results if r.failure]
    assert summary.model_calls >= 5 and summary.tokens_in > 0 and summary.tokens_out > 0

    written = write_results(results, tmp_path / "out", "json")
    assert sorted(p.name for p in written) == sorted(p.stem + ".json" for p in seeds_dir.iterdir())
    schema = json.loads((ROOT / "schemas" / "event_brief.schema.json").read_text())
    for path in written:
        brief = json.loads(path.read_text())
        jsonschema.validate(brief, schema, cls=jsonschema.Draft202012Validator)
        article = (seeds_dir / (path.stem + ".txt")).read_text(encoding="utf-8")
        for text in _evidence_strings(brief):
            assert text in article, f"{path.name}: {text!r} is not in the article"
        if path.stem.startswith("003"):  # no date line: no exact date may be invented
            assert brief["date"]["precision"] != "exact" and brief["date"]["value"] is None

    # Second run: everything from the cache, no request (a request would fail replay).
    again, summary2 = brief_paths([seeds_dir], settings, backend=backend)
    assert summary2.model_calls == 0 and summary2.cache_hits == 5
    assert [r.brief for r in again] == [r.brief for r in results]
