"""A fake OpenAI-compatible server: real HTTP on loopback, answers built from the request.

``FakeOpenAI`` runs a Starlette app under uvicorn in a background thread on
``127.0.0.1`` (never another interface) and serves ``POST /v1/chat/completions``:

- **valid answers** built from the request's own article (``brief_answer``): the
  headline and summary are the article's opening words, casualty figures are copied with
  their sentence, so a valid answer passes every grounding check;
- **latency** (``latency`` seconds before each answer) for load benchmarks;
- **faults**, chosen per request with probability ``Faults.rate`` among ``Faults.kinds``
  (see ``FAULTS``), deterministically from the request body and how many times that
  same body was seen (a rerun of one batch meets the same faults; a retried request can
  meet a different one).

Every request is recorded (``requests``, ``outcomes``), so a test can assert how many
calls were paid for.

It also speaks the **Batch API**: ``POST /v1/files`` (multipart upload),
``GET /v1/files/{id}`` and ``/content``, ``POST /v1/batches``, ``GET /v1/batches/{id}``,
``GET /v1/batches`` and ``POST /v1/batches/{id}/cancel``. A batch moves
``validating`` → ``in_progress`` → ``completed`` as it is polled (``batch_polls``
retrievals per step), or ends ``failed`` / ``expired`` (``batch_outcome``). Each input
line is answered as a live request would be, answer faults included (``schema``,
``invented_quote``, ``length`` come back in the output file; the transport faults,
``429``, ``500``, ``503``, ``timeout``, ``drop``, ``not_json``, as that request's line in
the error file: a partial failure). Every batch-API call is recorded in ``api_log``
(method and path), so a test can assert that nothing was submitted twice.

It answers in tool-calling form when the request carries ``tools``
and in plain JSON content otherwise, as instructor's TOOLS and JSON modes expect.

Use it in a test::

    with FakeOpenAI(faults=Faults(rate=0.3)) as fake:
        settings = Settings(base_url=fake.url, model="fake", api_key="x")
        ...

or as a process, for benchmarks or to point another program at it::

    python -m summarizer.testing.fake_openai --port 8765 --latency 0.25 --fault-rate 0.3
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FAULTS", "FakeOpenAI", "Faults", "brief_answer"]

FAULTS = (
    "429",  # rate limited, with Retry-After
    "500",
    "503",
    "timeout",  # no answer until the client gives up (it waits ``Faults.hang``)
    "drop",  # the connection closes in the middle of the response
    "not_json",  # 200 with an HTML body
    "schema",  # 200, JSON that violates the response schema
    "invented_quote",  # 200, a valid-looking brief quoting words the article lacks
    "length",  # 200, output cut off: finish_reason "length" after 5 tokens
)
TRUNCATED_TOKENS = 5


@dataclass(frozen=True)
class Faults:
    """Which faults to inject and how often (``rate`` of all requests)."""

    rate: float = 0.0
    kinds: Sequence[str] = FAULTS
    seed: int = 0
    retry_after: float = 0.05  # seconds, sent as Retry-After and retry-after-ms
    hang: float = 30.0  # how long a "timeout" keeps the client waiting

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; choose from {FAULTS}")


# --- answers -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_KILLED = re.compile(
    r"\b(\d{1,6})\s+(?:\w+\s+){0,3}?(?:were\s+|was\s+|have\s+been\s+)?killed\b"
    r"|\bkill(?:ed|ing)\s+(?:at\s+least\s+)?(\d{1,6})\b",
    re.I,
)


def _article_of(messages: Sequence[dict[str, Any]]) -> str:
    """The article in a chat request: what follows "ARTICLE:" (the brief prompts'
    marker) in a user message, else the first user message (a re-ask adds later ones)."""
    users = [str(m.get("content", "")) for m in messages if m.get("role") == "user"]
    for text in users:
        _, marker, after = text.partition("ARTICLE:\n")
        if marker:
            return after
    return users[0] if users else ""


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.split("\n"):
        out.extend(s.strip() for s in _SENTENCE_END.split(paragraph.strip()) if s.strip())
    return out


def _clipped(sentence: str, words: int) -> str:
    parts = sentence.split()
    if len(parts) <= words:
        return sentence if sentence[-1] in '.!?"”' else sentence + "."
    return " ".join(parts[:words]).rstrip(",;:") + "."


def brief_answer(article: str) -> dict[str, Any]:
    """A brief (the ``BriefContent`` shape) that uses only the article's own words: its
    first words as headline, its first two sentences (clipped) as summary, the first
    "N ... killed" sentence as a casualty claim. Nothing is invented, so it validates."""
    sentences = _sentences(article) or ["The article is empty."]
    # Prose, not a heading or a byline: four words or more.
    prose = [s for s in sentences if len(s.split()) >= 4] or sentences
    headline = " ".join(prose[0].split()[:10]).rstrip('.,;:!?"”')
    summary = [_clipped(s, 30) for s in prose[:2]]
    if len(summary) < 2:
        summary.append("No more is reported.")
    casualties = []
    for sentence in sentences:
        if (m := _KILLED.search(sentence)) is not None and len(sentence) <= 400:
            casualties.append(
                {
                    "evidence": sentence,
                    "kind": "killed",
                    "value": int(m.group(1) or m.group(2)),
                    "low": None,
                    "high": None,
                    "attributed_to": "the article",
                }
            )
            break
    return {
        "headline": headline if len(headline) >= 3 else "News report",
        "summary": " ".join(summary),
        "event_type": "Other news",
        "sub_event_type": "Other",
        "date": {"evidence": None, "value": None, "precision": "unknown", "time_of_day": None},
        "location": {"place": None, "region": None, "country": None, "precision": "unknown"},
        "actors": [],
        "casualties": casualties,
        "claims": [],
        "quotes": [],
        "earlier_events": [],
        "open_questions": [],
    }


def _invented_quote(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        **answer,
        "quotes": [
            {
                "quote": "We will rebuild every bridge by the end of the month",
                "speaker": "an official",
            }
        ],
    }


# --- the server ------------------------------------------------------------------------------


# The follow-up's fields (``brief.free_text.Fixes``): the date and the lists of items.
FIX_FIELDS = frozenset(
    "date weapons casualties claims quotes earlier_events open_questions".split()
)


def _schema_name(body: dict[str, Any]) -> str | None:
    """The name of the answer's schema the request asks for: its tool's, its
    ``response_format``'s, or the title in a JSON-mode schema written into the prompt."""
    tools = body.get("tools") or []
    if tools:
        return str(tools[0]["function"]["name"])
    schema = (body.get("response_format") or {}).get("json_schema") or {}
    if schema.get("name"):
        return str(schema["name"])
    text = json.dumps(body.get("messages", []))
    return "Fixes" if '\\"title\\": \\"Fixes\\"' in text else None


def _completion(
    body: dict[str, Any], payload: str, *, finish: str = "stop", tokens: int | None = None
) -> dict[str, Any]:
    """A chat completion carrying ``payload``: as a tool call when tools were offered."""
    message: dict[str, Any] = {"role": "assistant", "content": payload}
    if body.get("tools"):
        choice = body.get("tool_choice")
        name = (
            choice["function"]["name"]
            if isinstance(choice, dict)
            else body["tools"][0]["function"]["name"]
        )
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": name, "arguments": payload},
                }
            ],
        }
    prompt_tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
    completion_tokens = tokens if tokens is not None else max(1, len(payload) // 4)
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class FakeOpenAI:
    """See the module docstring. ``answer(request_body) -> dict`` replaces the default
    answer (``brief_answer`` of the request's article) for other response models."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        faults: Faults | None = None,
        answer: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        port: int = 0,
        batch_polls: int = 1,
        batch_outcome: str = "completed",
    ) -> None:
        self.latency = latency
        self.batch_polls = batch_polls
        self.batch_outcome = batch_outcome
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.api_log: list[tuple[str, str]] = []
        self._counter = 0
        self.faults = faults or Faults()
        self.answer = answer or (lambda body: brief_answer(_article_of(body["messages"])))
        self.requests: list[dict[str, Any]] = []
        self.outcomes: Counter[str] = Counter()
        self._seen: Counter[str] = Counter()
        self._lock = threading.RLock()  # re-entered: a poll answers the batch
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without, the answer's body waits behind its
        # headers for a delayed ACK (~40 ms a request on Linux loopback, measured).
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind(("127.0.0.1", port))  # loopback only
        self.port: int = self._socket.getsockname()[1]
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give an OpenAI client."""
        return f"http://127.0.0.1:{self.port}/v1"

    # -- what to do with one request --

    def _fault(self, raw: bytes) -> str | None:
        if self.faults.rate <= 0:
            return None
        digest = hashlib.sha256(raw).hexdigest()
        with self._lock:
            self._seen[digest] += 1
            n = self._seen[digest]
        rng = random.Random(f"{self.faults.seed}:{digest}:{n}")
        if rng.random() >= self.faults.rate:
            return None
        return rng.choice(list(self.faults.kinds))

    def _answered(self, body: dict[str, Any], fault: str | None) -> dict[str, Any]:
        """The completion for ``body``, with an answer fault applied if ``fault`` is one."""
        answer = self.answer(body)
        if _schema_name(body) == "Fixes":  # the free-text strategy's follow-up: lists only
            answer = {k: v for k, v in answer.items() if k in FIX_FIELDS}
        if fault == "schema":
            answer = {"headline": 42, "summary": None}
        elif fault == "invented_quote":
            answer = _invented_quote(answer)
        payload = json.dumps(answer, ensure_ascii=False)
        if fault == "length":
            return _completion(body, payload[:20], finish="length", tokens=TRUNCATED_TOKENS)
        return _completion(body, payload)

    # -- the Batch API --

    def _file(self, content: bytes, purpose: str, filename: str) -> dict[str, Any]:
        with self._lock:
            self._counter += 1
            file_id = f"file-fake{self._counter:06d}"
        meta = {"id": file_id, "object": "file", "bytes": len(content),
                "created_at": int(time.time()), "filename": filename, "purpose": purpose,
                "status": "processed"}  # fmt: skip
        self.files[file_id] = (meta, content)
        return meta

    def _run_batch(self, batch: dict[str, Any]) -> None:
        """Answer every line of the batch's input file into its output and error files."""
        _, content = self.files[batch["input_file_id"]]
        out, errors = [], []
        for n, line in enumerate(content.decode("utf-8").splitlines()):
            if not line.strip():
                continue
            request = json.loads(line)
            body = request["body"]
            raw = json.dumps(body, sort_keys=True).encode()
            fault = self._fault(raw)
            with self._lock:
                self.requests.append(body)
                self.outcomes[fault or "ok"] += 1
            entry: dict[str, Any] = {"id": f"batch_req_{batch['id']}_{n}",
                                     "custom_id": request["custom_id"], "error": None}  # fmt: skip
            if fault in ("429", "500", "503", "timeout", "drop", "not_json"):
                status = 429 if fault == "429" else 500
                entry["response"] = {"status_code": status, "request_id": entry["id"],
                                     "body": {"error": {"message": f"fake fault {fault}",
                                                        "type": "server_error"}}}  # fmt: skip
                errors.append(entry)
            else:
                entry["response"] = {"status_code": 200, "request_id": entry["id"],
                                     "body": self._answered(body, fault)}  # fmt: skip
                out.append(entry)

        def dump(rows: list[dict[str, Any]]) -> bytes:
            return "".join(json.dumps(r) + "\n" for r in rows).encode()

        if out:
            batch["output_file_id"] = self._file(dump(out), "batch_output", "output.jsonl")["id"]
        if errors:
            batch["error_file_id"] = self._file(dump(errors), "batch_output", "errors.jsonl")["id"]
        batch["request_counts"] = {"total": len(out) + len(errors), "completed": len(out),
                                   "failed": len(errors)}  # fmt: skip

    def _advance(self, batch: dict[str, Any]) -> None:
        """One poll's worth of progress (see the module docstring)."""
        if batch["status"] in ("completed", "failed", "expired", "cancelled"):
            return
        batch["_polls"] += 1
        if batch["_polls"] < self.batch_polls:
            return
        batch["_polls"] = 0
        now = int(time.time())
        if batch["status"] == "validating":
            if self.batch_outcome == "failed":
                batch.update(
                    status="failed",
                    failed_at=now,
                    errors={
                        "object": "list",
                        "data": [
                            {
                                "code": "invalid_request",
                                "message": "fake: the batch failed validation",
                            }
                        ],
                    },
                )
                return
            batch.update(status="in_progress", in_progress_at=now)
        elif batch["status"] == "in_progress":
            if self.batch_outcome == "expired":
                batch.update(status="expired", expired_at=now)
                return
            self._run_batch(batch)
            batch.update(status="completed", completed_at=now)

    @staticmethod
    def _public(batch: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in batch.items() if not k.startswith("_")}

    def app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse, PlainTextResponse, Response
        from starlette.routing import Route

        faults = self.faults

        async def completions(request: Request) -> Response:
            raw = await request.body()
            body = json.loads(raw)
            fault = self._fault(raw)
            with self._lock:
                self.requests.append(body)
                self.outcomes[fault or "ok"] += 1
            if self.latency:
                await asyncio.sleep(self.latency)
            if fault == "429":
                return JSONResponse(
                    {"error": {"message": "rate limited", "type": "rate_limit"}},
                    status_code=429,
                    headers={
                        "retry-after": f"{faults.retry_after:g}",
                        "retry-after-ms": str(int(faults.retry_after * 1000)),
                    },
                )
            if fault in ("500", "503"):
                return JSONResponse(
                    {"error": {"message": f"fake server error {fault}"}}, status_code=int(fault)
                )
            if fault == "timeout":
                await asyncio.sleep(faults.hang)
            if fault == "drop":
                return _Dropped()  # type: ignore[return-value]  # a raw ASGI app
            if fault == "not_json":
                return PlainTextResponse("<html><body>502 Bad Gateway</body></html>")
            return JSONResponse(self._answered(body, fault))

        async def models(request: Request) -> Response:
            return JSONResponse({"object": "list", "data": [{"id": "fake", "object": "model"}]})

        async def stats(request: Request) -> Response:
            with self._lock:
                return JSONResponse(
                    {"requests": len(self.requests), "outcomes": dict(self.outcomes)}
                )

        def logged(request: Request) -> None:
            with self._lock:
                self.api_log.append((request.method, request.url.path))

        async def upload(request: Request) -> Response:
            logged(request)
            form = await request.form()
            file = form.get("file")
            if file is None or isinstance(file, str):
                return JSONResponse({"error": {"message": "no file"}}, status_code=400)
            data = await file.read()
            return JSONResponse(self._file(data, str(form.get("purpose", "")), file.filename or ""))

        async def file_meta(request: Request) -> Response:
            logged(request)
            found = self.files.get(request.path_params["file_id"])
            if found is None:
                return JSONResponse({"error": {"message": "no such file"}}, status_code=404)
            return JSONResponse(found[0])

        async def file_content(request: Request) -> Response:
            logged(request)
            found = self.files.get(request.path_params["file_id"])
            if found is None:
                return JSONResponse({"error": {"message": "no such file"}}, status_code=404)
            return Response(found[1], media_type="application/octet-stream")

        async def create_batch(request: Request) -> Response:
            logged(request)
            body = await request.json()
            if body.get("input_file_id") not in self.files:
                return JSONResponse({"error": {"message": "no such input file"}}, status_code=400)
            with self._lock:
                self._counter += 1
                batch_id = f"batch_fake{self._counter:06d}"
            now = int(time.time())
            batch = {"id": batch_id, "object": "batch", "endpoint": body.get("endpoint"),
                     "errors": None, "input_file_id": body["input_file_id"],
                     "completion_window": body.get("completion_window", "24h"),
                     "status": "validating", "output_file_id": None, "error_file_id": None,
                     "created_at": now, "expires_at": now + 86400,
                     "request_counts": {"total": 0, "completed": 0, "failed": 0},
                     "metadata": body.get("metadata"), "_polls": 0}  # fmt: skip
            self.batches[batch_id] = batch
            return JSONResponse(self._public(batch))

        async def get_batch(request: Request) -> Response:
            logged(request)
            batch = self.batches.get(request.path_params["batch_id"])
            if batch is None:
                return JSONResponse({"error": {"message": "no such batch"}}, status_code=404)
            with self._lock:
                self._advance(batch)
            return JSONResponse(self._public(batch))

        async def list_batches(request: Request) -> Response:
            logged(request)
            data = [self._public(b) for b in reversed(list(self.batches.values()))]
            return JSONResponse({"object": "list", "data": data, "has_more": False,
                                 "first_id": data[0]["id"] if data else None,
                                 "last_id": data[-1]["id"] if data else None})  # fmt: skip

        async def cancel_batch(request: Request) -> Response:
            logged(request)
            batch = self.batches.get(request.path_params["batch_id"])
            if batch is None:
                return JSONResponse({"error": {"message": "no such batch"}}, status_code=404)
            batch.update(status="cancelled", cancelled_at=int(time.time()))
            return JSONResponse(self._public(batch))

        return Starlette(
            routes=[
                Route("/v1/files", upload, methods=["POST"]),
                Route("/v1/files/{file_id}", file_meta),
                Route("/v1/files/{file_id}/content", file_content),
                Route("/v1/batches", create_batch, methods=["POST"]),
                Route("/v1/batches", list_batches, methods=["GET"]),
                Route("/v1/batches/{batch_id}", get_batch),
                Route("/v1/batches/{batch_id}/cancel", cancel_batch, methods=["POST"]),
                Route("/v1/chat/completions", completions, methods=["POST"]),
                Route("/v1/models", models),
                Route("/stats", stats),
            ]
        )

    # -- running --

    def start(self) -> FakeOpenAI:
        import uvicorn

        config = uvicorn.Config(
            self.app(), log_level="critical", access_log=False, timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Dropped:
    """An ASGI response that promises a body and closes the connection halfway."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"id": "chatcmpl-', "more_body": True})
        raise ConnectionAbortedError("fake: connection dropped on purpose")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests faulted")
    parser.add_argument("--faults", default=",".join(FAULTS), help="comma-separated kinds")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    fake = FakeOpenAI(
        latency=args.latency,
        faults=Faults(rate=args.fault_rate, kinds=args.faults.split(","), seed=args.seed),
        port=args.port,
    )
    with fake:
        print(f"fake OpenAI-compatible server at {fake.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
