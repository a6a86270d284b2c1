"""Briefing through a provider's Batch API: half the price, answers within 24 hours.

The strategies do not change. Briefing goes in rounds:

1. every article is briefed as usual, but the model caller is a recorder: a question
   whose answer is in the answer cache is answered from it (as on a rerun of the live
   path), any other is recorded as pending and the article stops there;
2. the pending requests are written as Batch API input (``llm.batch.request_body``: the
   request the live path would send; ``custom_id`` the article's cache key), uploaded
   and submitted (at most ``MAX_REQUESTS`` a file), and polled with backoff;
3. every answer is checked with the live path's validators and the article's own
   context (``llm.batch.check_answer``): one that passes goes into the answer cache; one
   that fails goes into the next round as a re-ask carrying the validator's messages
   (``llm.batch.reask_body``), up to ``max_attempts`` calls in all, like the live path;
   a request the batch answered with an error is sent again, up to the same limit.

Rounds repeat until no article has a question pending (a strategy that asks several
questions asks one more a round). A last ordinary pass then builds every brief from the
cached answers, with no model call: results land in the brief cache and the output
folder exactly as the live path's, and an article whose answers failed every attempt
is recorded as failed with the validator's messages.

Every step is recorded in a SQLite file (``batch.db`` in the cache folder) before the
next: the requests and their attempts, each batch's input file and batch id. A run
killed at any point and started again (``--resume``) polls the batches it had
submitted; a batch created but not yet recorded is found by its input file; answers
already checked are not checked again; nothing is submitted, or paid for, twice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..config import Settings
from ..errors import ModelCallError, OutputValidationError, TransportError, UsageError
from ..ingest import Article, IngestFailure, scan
from ..llm.batch import BatchEndpoint, BatchInfo, check_answer, reask_body, request_body
from ..llm.call import CallParams, CallResult, CallUsage, Message
from ..llm.pricing import estimate_cost
from ..prepared import PreparedArticle
from ..sqlite import connect, immediate
from .cache import BriefCache, CacheKey
from .pipeline import build_summarizer
from .results import BriefResult, RunSummary
from .summarizer import Summarizer

__all__ = ["BATCH_PRICE", "MAX_REQUESTS", "BatchReport", "brief_batch"]

MAX_REQUESTS = 50_000  # OpenAI's limit per input file
BATCH_PRICE = 0.5  # of the live price: OpenAI's and Anthropic's batch discount

SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    row INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT,
    batch_id TEXT,
    status TEXT NOT NULL DEFAULT 'submitting',
    ingested INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    custom_id TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'answered', 'failed')),
    batch_row INTEGER REFERENCES batches(row),
    error TEXT,
    details TEXT,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass
class BatchReport:
    """What the batch job did: batches submitted and polled, answers, tokens, cost."""

    batches_submitted: list[str] = field(default_factory=list)
    batches_resumed: list[str] = field(default_factory=list)
    requests_sent: int = 0
    answers_ok: int = 0
    reasks: int = 0
    resent_after_error: int = 0
    failed: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = None


class _State:
    """The job's record (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = connect(path)
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._db)

    def has_job(self) -> bool:
        return self._db.execute("SELECT 1 FROM requests LIMIT 1").fetchone() is not None

    def request(self, key: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(
            "SELECT * FROM requests WHERE key = ?", (key,)
        ).fetchone()
        return row

    def open_batches(self) -> list[sqlite3.Row]:
        return self._db.execute("SELECT * FROM batches WHERE ingested = 0 ORDER BY row").fetchall()

    def keys_of(self, batch_row: int) -> dict[str, str]:
        """custom_id -> key of the requests sent in ``batch_row``."""
        rows = self._db.execute(
            "SELECT custom_id, key FROM requests WHERE batch_row = ?", (batch_row,)
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def bodies_of(self, batch_row: int) -> list[tuple[str, str]]:
        return self._db.execute(
            "SELECT custom_id, body FROM requests WHERE batch_row = ? ORDER BY custom_id",
            (batch_row,),
        ).fetchall()

    def submitting(self, lines: Sequence[tuple[str, str, dict[str, Any]]]) -> int:
        """A new batch row holding ``lines`` (key, custom_id, body), as one transaction."""
        with self.tx() as db:
            cursor = db.execute("INSERT INTO batches (created_at) VALUES (?)", (time.time(),))
            row = int(cursor.lastrowid or 0)
            for key, custom_id, body in lines:
                db.execute(
                    "INSERT INTO requests (key, custom_id, body, status, batch_row)"
                    " VALUES (?, ?, ?, 'submitted', ?) ON CONFLICT (key) DO UPDATE SET"
                    " custom_id = excluded.custom_id, body = excluded.body,"
                    " status = 'submitted', batch_row = excluded.batch_row",
                    (key, custom_id, json.dumps(body, ensure_ascii=False), row),
                )
        return row

    def set_batch(self, row: int, **values: Any) -> None:
        columns = ", ".join(f"{k} = ?" for k in values)
        self._db.execute(f"UPDATE batches SET {columns} WHERE row = ?", (*values.values(), row))

    def settle(self, key: str, status: str, **values: Any) -> None:
        values["status"] = status
        columns = ", ".join(f"{k} = ?" for k in values)
        self._db.execute(f"UPDATE requests SET {columns} WHERE key = ?", (*values.values(), key))

    def totals(self) -> tuple[int, int]:
        row = self._db.execute("SELECT SUM(tokens_in), SUM(tokens_out) FROM requests").fetchone()
        return int(row[0] or 0), int(row[1] or 0)


class _Waiting(ModelCallError):
    """The question is pending in a batch (never a final result)."""


@dataclass
class _Pending:
    item_id: str
    messages: list[Message]
    response_model: type[BaseModel]
    context: dict[str, Any]
    params: CallParams


class _Recorder:
    """A model caller that answers nothing: it records each question (see the module
    docstring) and, for one whose batch answers failed every attempt, returns the
    failure the live path would have ended with."""

    def __init__(self, summarizer: Summarizer, state: _State) -> None:
        self.summarizer = summarizer
        self.state = state
        self.pending: dict[str, _Pending] = {}

    async def call(
        self,
        *,
        item_id: str,
        messages: Sequence[Message],
        response_model: type[BaseModel],
        context: dict[str, Any],
        params: CallParams,
    ) -> CallResult[BaseModel]:
        key = self.summarizer.answer_key(messages, response_model, params)
        row = self.state.request(key)
        usage = CallUsage()
        if row is not None:
            usage = CallUsage(row["tokens_in"], row["tokens_out"], row["attempts"])
            if row["status"] == "failed":
                error: ModelCallError = (
                    OutputValidationError(row["error"], details=json.loads(row["details"] or "[]"))
                    if row["details"]
                    else TransportError(row["error"])
                )
                return CallResult(None, usage, error)
        self.pending[key] = _Pending(item_id, list(messages), response_model, context, params)
        return CallResult(None, usage, _Waiting("the answer is pending in a batch"))


class _AnswersOnly:
    """The brief cache as the rounds see it: answers read and written, briefs read only
    (a brief is built and cached in the last pass, never from a half-answered article)."""

    def __init__(self, cache: BriefCache) -> None:
        self._cache = cache

    def get(self, key: CacheKey) -> Any:
        return self._cache.get(key)

    def set(self, key: CacheKey, brief: Any) -> None:
        pass

    def get_answer(self, key: str) -> str | None:
        return self._cache.get_answer(key)

    def set_answer(self, key: str, answer_json: str) -> None:
        self._cache.set_answer(key, answer_json)


class _Job:
    def __init__(
        self,
        summarizer: Summarizer,
        state: _State,
        settings: Settings,
        on_event: Callable[[str], None],
    ) -> None:
        self.summarizer = summarizer
        self.state = state
        self.settings = settings
        self.say = on_event
        self.endpoint = BatchEndpoint(summarizer.backend)
        self.report = BatchReport()
        self.recorder = _Recorder(summarizer, state)
        self.prepared: dict[str, PreparedArticle] = {}
        self.custom: dict[str, str] = {}

    def _round_summarizer(self) -> Summarizer:
        s = self.summarizer
        assert s.cache is not None
        rounds = Summarizer(
            s.backend,
            s.strategy,
            cache=_AnswersOnly(s.cache),  # type: ignore[arg-type]
            params=s.params,
            prices=s.prices,
            budget=s.budget,
        )
        rounds.caller = self.recorder  # type: ignore[assignment]
        prepared = self.prepared
        original = rounds.prepare

        def prepare(article: Article) -> PreparedArticle:  # once per article, not per round
            if article.id not in prepared:
                prepared[article.id] = original(article)
            return prepared[article.id]

        rounds.prepare = prepare  # type: ignore[method-assign]
        # a waiting article is not failed: no fallback headline and lead to build
        rounds._skeleton = lambda prepared: None  # type: ignore[method-assign]
        return rounds

    async def run(self, articles: Sequence[Article]) -> None:
        rounds = self._round_summarizer()
        for a in articles:
            self.custom[a.id] = self.summarizer.cache_key(rounds.prepare(a)).digest()
        remaining = list(articles)
        while remaining:
            self.recorder.pending.clear()
            await rounds.brief_all(remaining, concurrency=4)
            # an article with no question pending is done: briefed, or failed for good
            waiting = {p.item_id for p in self.recorder.pending.values()}
            remaining = [a for a in remaining if a.id in waiting]
            open_batches = self.state.open_batches()
            if open_batches:
                for batch in open_batches:
                    info = await self._ensure_submitted(batch)
                    info = await self._poll(info)
                    await self._ingest(batch["row"], info)
                continue
            new = {
                k: p
                for k, p in self.recorder.pending.items()
                if (row := self.state.request(k)) is None or row["status"] == "pending"
            }
            if not new:
                return
            await self._submit(new)

    async def _submit(self, pending: dict[str, _Pending]) -> None:
        keys = sorted(pending)
        for start in range(0, len(keys), MAX_REQUESTS):
            lines = []
            for key in keys[start : start + MAX_REQUESTS]:
                p = pending[key]
                row = self.state.request(key)
                body = (
                    json.loads(row["body"])
                    if row is not None
                    else request_body(
                        self.summarizer.backend, p.messages, p.response_model, p.params
                    )
                )
                lines.append((key, self.custom[p.item_id], body))
            batch_row = self.state.submitting(lines)
            self.report.requests_sent += len(lines)
            info = await self._ensure_submitted(
                {"row": batch_row, "file_id": None, "batch_id": None}
            )
            self.say(f"submitted batch {info.id}: {len(lines)} request(s)")

    async def _ensure_submitted(self, batch: Any) -> BatchInfo:
        """The batch of this row: uploaded and created now if the row never got that far,
        found by its input file if it was created but not recorded."""
        row = batch["row"]
        if batch["batch_id"]:
            if batch["batch_id"] not in self.report.batches_submitted:
                self.report.batches_resumed.append(batch["batch_id"])
            return await self.endpoint.retrieve(batch["batch_id"])
        file_id = batch["file_id"]
        if file_id:
            found = await self.endpoint.find(file_id)
            if found is not None:
                self.state.set_batch(row, batch_id=found.id, status=found.status)
                self.report.batches_resumed.append(found.id)
                return found
        else:
            lines = [
                {
                    "custom_id": custom_id,
                    "method": "POST",
                    "url": "/v1/chat/completions",
                    "body": json.loads(body),
                }
                for custom_id, body in self.state.bodies_of(row)
            ]
            file_id = await self.endpoint.upload(lines, f"summarizer-batch-{row}.jsonl")
            self.state.set_batch(row, file_id=file_id)
        info = await self.endpoint.create(file_id, {"summarizer_batch_row": str(row)})
        self.state.set_batch(row, batch_id=info.id, status=info.status)
        self.report.batches_submitted.append(info.id)
        return info

    async def _poll(self, info: BatchInfo) -> BatchInfo:
        wait = self.settings.batch_poll
        while not info.finished:
            self.say(f"batch {info.id}: {info.status}; next poll in {wait:g} s")
            await asyncio.sleep(wait)
            wait = min(wait * 2, self.settings.batch_poll_max)
            info = await self.endpoint.retrieve(info.id)
        self.say(f"batch {info.id}: {info.status}")
        return info

    async def _ingest(self, batch_row: int, info: BatchInfo) -> None:
        keys = self.state.keys_of(batch_row)
        lines = []
        for file_id in (info.output_file_id, info.error_file_id):
            if file_id:
                lines += await self.endpoint.lines(file_id)
        limit = self.summarizer.params.max_attempts
        seen: set[str] = set()
        for line in lines:
            key = keys.get(line.get("custom_id", ""))
            if key is None or (p := self.recorder.pending.get(key)) is None:
                continue  # not a question of this run's articles: left as it is
            seen.add(key)
            row = self.state.request(key)
            assert row is not None
            attempts = row["attempts"] + 1
            response = line.get("response") or {}
            completion = response.get("body") or {}
            usage = completion.get("usage") or {}
            tokens = {
                "tokens_in": row["tokens_in"] + int(usage.get("prompt_tokens") or 0),
                "tokens_out": row["tokens_out"] + int(usage.get("completion_tokens") or 0),
            }
            if response.get("status_code") != 200:
                reason = json.dumps(line.get("error") or completion.get("error") or response)[:300]
                self._again(
                    key,
                    attempts,
                    limit,
                    tokens,
                    row["body"],
                    f"the batch answered this request with an error: {reason}",
                )
                continue
            try:
                content = check_answer(
                    self.summarizer.backend,
                    completion,
                    p.response_model,
                    p.context,
                    max_tokens=p.params.max_tokens,
                )
            except ValidationError as exc:
                details = [
                    {"loc": ".".join(str(x) for x in e["loc"]) or "output", "msg": e["msg"]}
                    for e in exc.errors()
                ]
                if attempts < limit:
                    body = reask_body(
                        self.summarizer.backend, json.loads(row["body"]), completion, exc
                    )
                    self.state.settle(
                        key,
                        "pending",
                        attempts=attempts,
                        body=json.dumps(body),
                        details=json.dumps(details),
                        **tokens,
                    )
                    self.report.reasks += 1
                else:
                    self.state.settle(
                        key,
                        "failed",
                        attempts=attempts,
                        details=json.dumps(details),
                        error=f"the output failed validation on all {attempts} attempts",
                        **tokens,
                    )
                    self.report.failed += 1
                continue
            except ModelCallError as exc:  # cut off: the live path does not re-ask either
                self.state.settle(key, "failed", attempts=attempts, error=exc.message, **tokens)
                self.report.failed += 1
                continue
            assert self.summarizer.cache is not None
            self.summarizer.cache.set_answer(key, content.model_dump_json())
            self.state.settle(key, "answered", attempts=attempts, **tokens)
            self.report.answers_ok += 1
        for key in set(keys.values()) - seen:
            row = self.state.request(key)
            if row is not None and row["status"] == "submitted":
                self._again(
                    key,
                    row["attempts"] + 1,
                    limit,
                    {},
                    row["body"],
                    f"batch {info.id} ended {info.status} without answering it",
                )
        self.state.set_batch(batch_row, status=info.status, ingested=1)

    def _again(
        self, key: str, attempts: int, limit: int, tokens: dict[str, int], body: str, why: str
    ) -> None:
        if attempts < limit:
            self.state.settle(key, "pending", attempts=attempts, body=body, error=why, **tokens)
            self.report.resent_after_error += 1
        else:
            self.state.settle(key, "failed", attempts=attempts, error=why, details=None, **tokens)
            self.report.failed += 1


def brief_batch(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    resume: bool = False,
    on_event: Callable[[str], None] | None = None,
    on_start: Callable[[Sequence[Article | IngestFailure]], None] | None = None,
    on_result: Callable[[BriefResult], None] | None = None,
) -> tuple[list[BriefResult], RunSummary, BatchReport]:
    """Brief every article under ``paths`` through the Batch API (see the module
    docstring); results, summary and the batch report. ``resume`` insists on a job to
    resume; either way a job in the state file is continued, never submitted again."""
    if not settings.use_cache:
        raise UsageError("--batch keeps its answers in the cache: it cannot run with --no-cache")
    started = time.perf_counter()
    state = _State(settings.cache_dir / "batch.db")
    if resume and not state.has_job():
        state.close()
        raise UsageError(f"nothing to resume: no batch job recorded in {state.path}")
    summarizer = build_summarizer(settings)
    if not summarizer.backend.capabilities.batch_api:
        state.close()
        summarizer.backend.close()
        raise UsageError(
            "--batch needs an endpoint with the Batch API (OpenAI, or a server offering "
            f"/v1/files and /v1/batches); the {summarizer.backend.name} backend answers live "
            "only: run without --batch"
        )
    found = scan(paths, max_bytes=settings.max_article_bytes)
    articles = [i for i in found.items if isinstance(i, Article)]
    job = _Job(summarizer, state, settings, on_event or (lambda line: None))
    try:
        asyncio.run(job.run(articles))
        final = summarizer.caller
        summarizer.caller = job.recorder  # type: ignore[assignment]
        # the articles as the rounds read them: parsed once for the whole job
        own = summarizer.prepare

        def prepare(article: Article) -> PreparedArticle:
            return job.prepared.get(article.id) or own(article)

        summarizer.prepare = prepare  # type: ignore[method-assign]
        if on_start is not None:
            on_start(found.items)
        results = asyncio.run(summarizer.brief_all(found.items, concurrency=4, on_result=on_result))
        summarizer.caller = final
        job.report.tokens_in, job.report.tokens_out = state.totals()
    finally:
        state.close()
        summarizer.backend.close()
        if summarizer.cache is not None:
            summarizer.cache.close()
    live = estimate_cost(
        summarizer.prices,
        summarizer.backend.model,
        summarizer.backend.capabilities.priced,
        job.report.tokens_in,
        job.report.tokens_out,
    )
    job.report.cost_usd = None if live is None else live * BATCH_PRICE
    summary = summarizer.summarize(results, time.perf_counter() - started)
    # the briefs were built from answers the batch already paid for, so the run's own
    # counts see no model call: the run's figures are the batch's (cost at its price)
    report = job.report
    summary = dataclasses.replace(
        summary,
        skipped=[str(s) for s in found.skipped],
        model_calls=report.requests_sent,
        reasks=report.reasks,
        tokens_in=report.tokens_in,
        tokens_out=report.tokens_out,
        cost_usd=report.cost_usd,
    )
    return results, summary, report
