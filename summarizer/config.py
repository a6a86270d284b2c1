"""Typed settings: explicit argument, then environment, then defaults.

``Settings(**overrides)`` gives explicit arguments (e.g. CLI flags) priority over
environment variables (``SUMMARIZER_*``, plus ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``),
which take priority over the defaults below. Nothing here opens a connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import AliasChoices, BeforeValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_data_dir", "load_settings"]


def _default_cache_dir() -> Path:
    return platformdirs.user_cache_path("summarizer", appauthor=False)


def default_data_dir() -> Path:
    """The user data folder (``platformdirs``): the review store and the feed store."""
    return platformdirs.user_data_path("summarizer", appauthor=False)


def _as_text(value: Any) -> Any:
    """A path given as a ``Path`` (a file) is kept as text, like a server URL."""
    return str(value) if isinstance(value, Path) else value


class Settings(BaseSettings):
    """Every knob of summarizer, with the environment variable that sets it."""

    model_config = SettingsConfigDict(env_prefix="SUMMARIZER_", extra="forbid")

    backend: Literal["auto", "openai", "local"] = Field(
        "auto", description="auto: an endpoint if configured, else the local model"
    )
    model: str | None = Field(None, description="model name sent to the endpoint")
    base_url: str | None = Field(
        None, validation_alias=AliasChoices("SUMMARIZER_BASE_URL", "OPENAI_BASE_URL", "base_url")
    )
    api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SUMMARIZER_API_KEY", "OPENAI_API_KEY", "api_key")
    )
    mode: Literal["tools", "json", "md_json"] | None = Field(
        None, description="instructor mode; default per backend (tools, or json for others)"
    )
    prompt: str | None = Field(None, description="prompt version; default: the strategy's own")
    strategy: Literal["auto", "free-text", "questions", "sentence-choice"] = Field(
        "auto", description="auto: questions for grammar backends (local), else free-text"
    )
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    use_cache: bool = True
    concurrency: int | None = Field(None, ge=1, le=64)
    max_attempts: int = Field(3, ge=1, le=10, description="model calls per article incl. re-asks")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    seed: int | None = 0
    max_tokens: int = Field(1500, ge=64)
    timeout: float = Field(600.0, gt=0, description="seconds per HTTP request")
    article_budget: float | None = Field(
        1800.0, gt=0, description="seconds per article, every request, retry and wait included"
    )
    transport_retries: int = Field(4, ge=0, le=20)
    retry_max_wait: float = Field(60.0, gt=0)
    fuzzy_threshold: float = Field(92.0, ge=50.0, le=100.0)
    max_article_bytes: int = Field(512 * 1024, ge=1024)
    context_window: int | None = Field(
        None, description="tokens; default 8192 for the local model, unchecked otherwise"
    )
    local_model: Path | None = Field(None, description="path to any GGUF to run locally")
    local_threads: int | None = Field(None, ge=1)
    prices_file: Path | None = Field(None, description="JSON {model: [usd_in, usd_out] per 1M}")
    batch_poll: float = Field(
        30.0, gt=0, description="seconds before the first poll of a batch (doubling after)"
    )
    batch_poll_max: float = Field(600.0, gt=0, description="the longest wait between polls")
    review_db: Annotated[str | None, BeforeValidator(_as_text)] = Field(
        None,
        description="review store: a SQLite file path or a postgresql:// URL; when set, brief "
        "and digest file briefs there as drafts; the review commands use the default one in "
        "the data folder when unset",
    )
    feed_store: Path = Field(
        default_factory=lambda: default_data_dir() / "feeds.db",
        description="SQLite store of fetched feeds and pages (summarizer fetch / daily)",
    )
    user_agent: str | None = Field(
        None, description="User-Agent for fetching feeds and pages; default names summarizer"
    )
    review_secret: SecretStr | None = Field(
        None,
        description="the key signing the review page's session and CSRF cookies; give every "
        "server of one review page the same (default: a new one per process)",
    )
    review_editors: dict[str, str] = Field(
        default_factory=dict,
        description='editor name -> sign-in token for the review page, JSON {"name": "token"}',
    )

    @property
    def review_store_path(self) -> str:
        """The review store the review commands use: ``review_db``, else the default."""
        return self.review_db or str(default_data_dir() / "review.db")


def load_settings(**overrides: Any) -> Settings:
    """Settings with ``overrides`` (None values ignored) above the environment."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
