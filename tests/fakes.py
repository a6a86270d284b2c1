"""Test helpers: a real loopback HTTP server that plays a script of responses.

HAND-WRITTEN MODEL RESPONSES live here and in the unit tests that use them; they are
labelled as such and never stand in for recorded exchanges. The server is real (a
socket, HTTP/1.1, real status codes, real dropped connections), so the transport and
retry code under test runs exactly as against a remote endpoint.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from summarizer.config import Settings
from summarizer.llm.openai_backend import OpenAICompatibleBackend
from summarizer.llm.transport import RetryPolicy
from summarizer.testing import FakeOpenAI


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Drop:
    """Close the connection without answering (a dropped connection)."""


class ScriptedServer:
    def __init__(self, script: list[Reply | Drop]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                with outer._lock:
                    outer.requests.append({"path": self.path, "json": json.loads(raw or b"{}")})
                    action = (
                        outer.script.pop(0)
                        if outer.script
                        else Reply(500, {"error": "script ended"})
                    )
                if isinstance(action, Drop):
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                data = json.dumps(action.body).encode()
                self.send_response(action.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in action.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def scripted_backend(server: ScriptedServer, *, attempts: int = 3) -> OpenAICompatibleBackend:
    """The OpenAI-compatible backend pointed at a ``ScriptedServer``, retrying fast."""
    return OpenAICompatibleBackend(
        model="handwritten",
        api_key="test-key",
        base_url=server.base_url,
        mode="tools",
        policy=RetryPolicy(attempts=attempts, base_wait=0.01, max_wait=0.05),
        name="openai-compatible",
    )


def stored_provenance(**values: Any) -> dict[str, Any]:
    """Provenance of a stored brief as written to JSON, with placeholder values."""
    return {
        "article_id": "x",
        "source_file": "x.txt",
        "outlet": None,
        "published": None,
        "model": "m",
        "backend": "b",
        "prompt_version": "p",
        "prompt_hash": "h",
        "created_at": "2024-02-08T00:00:00Z",
        "tokens_in": 0,
        "tokens_out": 0,
        "attempts": 1,
        **values,
    }


def tool_call_reply(
    arguments: dict[str, Any],
    *,
    prompt_tokens: int = 1000,
    completion_tokens: int = 200,
    name: str = "BriefContent",
) -> Reply:
    """A hand-written chat completion calling the ``BriefContent`` tool (TOOLS mode)."""
    return Reply(
        200,
        {
            "id": "chatcmpl-handwritten",
            "object": "chat.completion",
            "created": 0,
            "model": "handwritten",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": name, "arguments": json.dumps(arguments)},
                            }
                        ],
                    },
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
    )


# HAND-WRITTEN brief of seeds/001 for unit tests: every evidence string is copied from the
# article, every number appears in it, the date follows from "Wednesday" and 2024-02-08.
VALID_001: dict[str, Any] = {
    "headline": "US drone strike in Baghdad kills Kataib Hezbollah commander",
    "summary": (
        "A US strike in Baghdad on Wednesday killed a Kataib Hezbollah commander, according "
        "to US Central Command. Iraq's Joint Operations Command said the strike killed two people."
    ),
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "date": {
        "evidence": "A US military strike on Wednesday in Baghdad",
        "value": "2024-02-07",
        "precision": "exact",
        "time_of_day": "around 9:30 p.m. local hour",
    },
    "location": {
        "place": "Baghdad",
        "region": "Al-Mashtal",
        "country": "Iraq",
        "precision": "exact",
    },
    "actors": [
        {
            "name": "US Central Command",
            "kind": "state_forces",
            "role": "perpetrator",
            "affiliation": "United States",
        },
        {
            "name": "Wisam Mohammed Saber al-Saedi",
            "kind": "armed_group",
            "role": "target",
            "affiliation": "Kataib Hezbollah",
        },
    ],
    "casualties": [
        {
            "evidence": "a vehicle was targeted in eastern Baghdad and killed two people",
            "kind": "killed",
            "value": 2,
            "low": None,
            "high": None,
            "attributed_to": "Iraq's Joint Operations Command",
        }
    ],
    "claims": [
        {
            "evidence": "Iraq was not informed before Wednesday's attack for operational security reasons",
            "statement": "Iraq was not told before the strike.",
            "attributed_to": "A U.S. official",
            "status": "attributed",
        }
    ],
    "quotes": [],
    "earlier_events": [
        {
            "evidence": "the United States struck more than 80 targets in seven locations in Iraq and Syria last week",
            "description": "US strikes on more than 80 targets in Iraq and Syria",
            "when": "last week",
        }
    ],
    "open_questions": [],
}


# --- pointing the code under test at summarizer.testing.FakeOpenAI -----------------------


def fake_backend(fake: FakeOpenAI) -> OpenAICompatibleBackend:
    """The OpenAI-compatible backend pointed at a ``FakeOpenAI``, in JSON mode."""
    return OpenAICompatibleBackend(
        model="fake", api_key="not-needed", base_url=fake.url, mode="json"
    )


def fake_settings(fake: FakeOpenAI, cache: Path, **overrides: Any) -> Settings:
    """Settings for a run against a ``FakeOpenAI`` with its cache in ``cache``."""
    values: dict[str, Any] = {
        "backend": "openai",
        "base_url": fake.url,
        "model": "fake",
        "api_key": "not-needed",
        "cache_dir": cache,
        **overrides,
    }
    return Settings(**values)


def fake_env(fake: FakeOpenAI, cache: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``summarizer`` process run against a ``FakeOpenAI``."""
    return {
        **os.environ,
        "SUMMARIZER_BACKEND": "openai",
        "SUMMARIZER_BASE_URL": fake.url,
        "SUMMARIZER_MODEL": "fake",
        "SUMMARIZER_API_KEY": "not-needed",
        "SUMMARIZER_CACHE_DIR": str(cache),
        **extra,
    }
