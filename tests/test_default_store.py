"""The review commands work with no flag: the store is in the user data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_review_serve_and_list_with_no_option(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")  # platformdirs' user data folder on Linux
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    listed = subprocess.run(
        [sys.executable, "-m", "summarizer", "review", "list"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    store = tmp_path / "data" / "summarizer" / "review.db"
    assert store.is_file()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "review", "serve", "--port", str(port)],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/login")
                break
            except httpx.ConnectError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the review page never answered"
                time.sleep(0.1)
        assert page.status_code == 200 and 'name="token"' in page.text
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert str(store) in err  # it says which store it serves
    assert "sign in as 'editor' with the token" in err
