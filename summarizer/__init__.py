"""summarizer: structured, verifiable event briefs of news articles.

The public API. Everything not listed in ``__all__`` is private and may change.
"""

from .backends import Backend, OpenAICompatibleBackend, available_backends, resolve_backend
from .briefs import BriefFailure, BriefResult, GenerationParams, RunSummary, Summarizer
from .cache import BriefCache, CacheKey
from .config import Settings, load_settings
from .errors import (
    BackendError,
    ConfigurationError,
    ContextWindowError,
    IngestError,
    LocalServerError,
    ModelIntegrityError,
    SummarizerError,
    TransportError,
    UsageError,
)
from .grounding import GroundingSource
from .ingest import Article, load_articles
from .pipeline import brief_paths, build_summarizer
from .prompts import PromptTemplate, load_prompt
from .render import render_markdown
from .schema import SCHEMA_VERSION, BriefContent, EventBrief, FailedBrief

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Backend",
    "BackendError",
    "BriefCache",
    "BriefContent",
    "BriefFailure",
    "BriefResult",
    "CacheKey",
    "ConfigurationError",
    "ContextWindowError",
    "EventBrief",
    "FailedBrief",
    "GenerationParams",
    "GroundingSource",
    "IngestError",
    "LocalServerError",
    "ModelIntegrityError",
    "OpenAICompatibleBackend",
    "PromptTemplate",
    "RunSummary",
    "Settings",
    "Summarizer",
    "SummarizerError",
    "TransportError",
    "UsageError",
    "__version__",
    "available_backends",
    "brief_paths",
    "build_summarizer",
    "load_articles",
    "load_prompt",
    "load_settings",
    "render_markdown",
    "resolve_backend",
]
