"""summarizer: structured, verifiable event briefs of news articles.

The public API. Everything not listed in ``__all__`` is private and may change.

Names are imported on first use (PEP 562), so ``import summarizer`` and the CLI's
``--help`` do not pay for openai, instructor or pydantic until something needs them.

Layers (arrows point down only; checked by import-linter in CI):

    cli/                         the command line; nothing imports it
    render/                      Markdown and output files
    brief/                       strategies, cache, results, the batch pipeline
    llm/                         backends, client, transport, the one model call, prompts
    errors config ingest schema grounding prepared resources      the core: no model
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "SCHEMA_VERSION": "schema",
    "Article": "ingest",
    "Backend": "llm.backend",
    "BackendError": "errors",
    "BriefCache": "brief.cache",
    "BriefContent": "schema",
    "BriefResult": "brief.results",
    "CacheKey": "brief.cache",
    "CallParams": "llm.call",
    "CallResult": "llm.call",
    "Capabilities": "llm.backend",
    "ConfigurationError": "errors",
    "ContextWindowError": "errors",
    "EventBrief": "schema",
    "FailedBrief": "schema",
    "Failure": "schema",
    "FreeTextStrategy": "brief.strategies",
    "GenerationParams": "brief.summarizer",
    "GroundingSource": "grounding",
    "IncompleteOutputError": "errors",
    "IngestError": "errors",
    "IngestFailure": "ingest",
    "LocalServerError": "errors",
    "ModelCallError": "errors",
    "ModelCaller": "llm.call",
    "ModelIntegrityError": "errors",
    "OpenAICompatibleBackend": "llm.openai_backend",
    "OutputValidationError": "errors",
    "PreparedArticle": "prepared",
    "PromptTemplate": "llm.prompts",
    "RunSummary": "brief.results",
    "SentenceChoiceStrategy": "brief.strategies",
    "Settings": "config",
    "Strategy": "brief.strategies",
    "Summarizer": "brief.summarizer",
    "SummarizerError": "errors",
    "TransportError": "errors",
    "UsageError": "errors",
    "available_backends": "llm.registry",
    "brief_paths": "brief.pipeline",
    "build_summarizer": "brief.pipeline",
    "load_articles": "ingest",
    "load_prompt": "llm.prompts",
    "load_settings": "config",
    "render_markdown": "render.markdown",
    "resolve_backend": "llm.registry",
}

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Backend",
    "BackendError",
    "BriefCache",
    "BriefContent",
    "BriefResult",
    "CacheKey",
    "CallParams",
    "CallResult",
    "Capabilities",
    "ConfigurationError",
    "ContextWindowError",
    "EventBrief",
    "FailedBrief",
    "Failure",
    "FreeTextStrategy",
    "GenerationParams",
    "GroundingSource",
    "IncompleteOutputError",
    "IngestError",
    "IngestFailure",
    "LocalServerError",
    "ModelCallError",
    "ModelCaller",
    "ModelIntegrityError",
    "OpenAICompatibleBackend",
    "OutputValidationError",
    "PreparedArticle",
    "PromptTemplate",
    "RunSummary",
    "SentenceChoiceStrategy",
    "Settings",
    "Strategy",
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


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from .brief.cache import BriefCache, CacheKey
    from .brief.pipeline import brief_paths, build_summarizer
    from .brief.results import BriefResult, RunSummary
    from .brief.strategies import FreeTextStrategy, SentenceChoiceStrategy, Strategy
    from .brief.summarizer import GenerationParams, Summarizer
    from .config import Settings, load_settings
    from .errors import (
        BackendError,
        ConfigurationError,
        ContextWindowError,
        IncompleteOutputError,
        IngestError,
        LocalServerError,
        ModelCallError,
        ModelIntegrityError,
        OutputValidationError,
        SummarizerError,
        TransportError,
        UsageError,
    )
    from .grounding import GroundingSource
    from .ingest import Article, IngestFailure, load_articles
    from .llm.backend import Backend, Capabilities
    from .llm.call import CallParams, CallResult, ModelCaller
    from .llm.openai_backend import OpenAICompatibleBackend
    from .llm.prompts import PromptTemplate, load_prompt
    from .llm.registry import available_backends, resolve_backend
    from .prepared import PreparedArticle
    from .render.markdown import render_markdown
    from .schema import SCHEMA_VERSION, BriefContent, EventBrief, FailedBrief, Failure
