"""llama.cpp's OpenAI-compatible server as a managed subprocess.

Started on first use on a free loopback port, health-checked, logging to the cache
directory, and stopped at exit, on SIGTERM and on Ctrl-C; on Linux it also dies with
its parent, so it is never left running.
"""

from __future__ import annotations

import atexit
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

from ...errors import LocalServerError

__all__ = ["DEFAULT_CONTEXT", "LocalServer"]

# Tokens of context: a long article (about 3,000 words) plus the answer. Longer articles
# are refused before sending with a clear error; SUMMARIZER_CONTEXT_WINDOW raises it.
DEFAULT_CONTEXT = 8192


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGKILL it when its parent dies, so a
    summarizer killed by any signal leaves no server behind (atexit covers the normal
    exits). SIGKILL, not SIGTERM: the server holds nothing that needs a clean stop, and a
    busy one was seen to go on using both cores for over a minute after a SIGTERM."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


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
            # chatml: the model's own turn format (Qwen2.5 is ChatML) without the tool
            # schema written into the prompt; a named tool still builds the grammar.
            "--chat_format", "chatml",
            # Logits of every prompt token are never used here, and computing them cut
            # prompt processing from 63 to 40 tokens/s on two cores.
            "--logits_all", "False",
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
