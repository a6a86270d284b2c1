"""Shared fixtures. The network is blocked for every test (see pyproject addopts):
only loopback is reachable, for the scripted fault server and the embedded model.
Recorded model exchanges are replayed from fixtures/cassettes/<module>/<test>.yaml;
re-record with:  python -m pytest tests/test_recorded.py --record-mode=rewrite
(needs the [local] extra).
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from summarizer.ingest import Article, load_articles
from summarizer.prepared import PreparedArticle

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"

# Request and response headers that could identify an account or carry a secret.
SCRUB_HEADERS = [
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
    "x-request-id",
    "openai-processing-ms",
]


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response = copy.deepcopy(response)
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SCRUB_HEADERS:
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(h, None) for h in SCRUB_HEADERS],
        "before_record_response": _scrub_response,
        # Host and port differ between the recording server and replay; the body does
        # not, so a changed prompt or schema fails replay until it is re-recorded.
        "match_on": ["method", "path", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(FIXTURES / "cassettes" / request.module.__name__.split(".")[-1])


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def seed_article(prefix: str) -> Article:
    """The seed article whose file name starts with ``prefix`` (e.g. "001")."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    (article,) = load_articles([path])
    assert isinstance(article, Article)
    return article


def prepared_seed(prefix: str) -> PreparedArticle:
    return PreparedArticle(seed_article(prefix))


@pytest.fixture
def a001() -> Article:
    return seed_article("001")


def local_model_available() -> bool:
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    from summarizer.llm.local.weights import DEFAULT_LOCAL, bundled_installed

    return bundled_installed(DEFAULT_LOCAL)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's keys, endpoints or cache."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    import os

    for name in list(os.environ):
        if name.startswith("SUMMARIZER_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    # The fetcher refuses internal addresses unless listed; the tests' feed servers are
    # on loopback, so they list it, as a newsroom lists its intranet hosts
    # (test_hostile_feeds clears it to test the default).
    monkeypatch.setenv("SUMMARIZER_FETCH_ALLOW", "127.0.0.1,::1")


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's headless Chromium through Playwright; skipped, saying so, without it."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
