"""The Batch API at the model layer: requests written as the live path sends them,
answers checked as the live path checks them, and the files and batches endpoints.

The live path (``call.ModelCaller``) lets ``instructor`` turn messages and a response
model into a chat request (tools and tool_choice in TOOLS mode, the schema in the
system message in JSON modes), parse and validate the answer with the validators'
context, and format a re-ask from the validation error. Here the same three steps of
instructor (``handle_response_model``, ``process_response``, ``handle_reask_kwargs``)
are called one at a time, so a request in a batch file is the request the live path
would have sent, an answer in a batch output passes exactly the checks a live answer
passes, and a re-ask carries the same validator messages.

``BatchEndpoint`` is the files and batches endpoints of the backend's ``openai`` client:
upload a JSONL file, create a batch, retrieve it, find one by its input file (after a
crash between creating a batch and recording its id), download a file.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from ..errors import BackendError
from .backend import Backend
from .call import CallParams, Message, _instructor_mode, _ValidationContext, _wrapped, map_error

__all__ = [
    "BATCH_ENDPOINT",
    "BatchEndpoint",
    "BatchInfo",
    "check_answer",
    "reask_body",
    "request_body",
]

T = TypeVar("T", bound=BaseModel)
BATCH_ENDPOINT = "/v1/chat/completions"
FINISHED = frozenset({"completed", "failed", "expired", "cancelled"})


def request_body(
    backend: Backend, messages: Sequence[Message], response_model: type[BaseModel],
    params: CallParams,
) -> dict[str, Any]:  # fmt: skip
    """The chat request the live path sends for these messages and this model."""
    from instructor.v2.core.response import handle_response_model

    kwargs: dict[str, Any] = {
        "model": backend.model,
        "messages": [dict(m) for m in messages],
        "temperature": params.temperature,
        "max_tokens": params.max_tokens,
    }
    if params.seed is not None:
        kwargs["seed"] = params.seed
    _, body = handle_response_model(
        _wrapped(response_model), mode=_instructor_mode(backend.mode), **kwargs
    )
    out: dict[str, Any] = json.loads(json.dumps(body, default=str))
    return out


def _completion(data: dict[str, Any]) -> Any:
    from openai.types.chat import ChatCompletion

    return ChatCompletion.model_validate(data)


def check_answer(
    backend: Backend, completion: dict[str, Any], response_model: type[T],
    context: dict[str, Any], *, max_tokens: int,
) -> T:  # fmt: skip
    """The validated content of one batch answer (a chat completion as JSON); raises the
    ``ModelCallError`` the live path would have ended with, else the raw
    ``ValidationError`` for a re-ask (see ``reask_body``)."""
    from instructor.v2.core.response import process_response

    try:
        content = process_response(
            _completion(completion),
            response_model=_wrapped(response_model),
            stream=False,
            validation_context=_ValidationContext(context),
            mode=_instructor_mode(backend.mode),
        )
    except ValueError:  # a ValidationError or bad JSON: the validator's turn, a re-ask
        raise
    except Exception as exc:  # instructor's own (cut-off output ...): mapped once, here
        raise map_error(exc, max_tokens=max_tokens) from exc
    if not isinstance(content, response_model):
        raise TypeError(f"expected {response_model.__name__}, got {type(content).__name__}")
    return content


def reask_body(
    backend: Backend, body: dict[str, Any], completion: dict[str, Any], error: Exception
) -> dict[str, Any]:
    """The follow-up request instructor would send after ``error``: the same request with
    the answer and the validator's messages appended."""
    from instructor.v2.core.response import handle_reask_kwargs

    new = handle_reask_kwargs(
        copy.deepcopy(body), _instructor_mode(backend.mode), _completion(completion), error
    )
    out: dict[str, Any] = json.loads(json.dumps(new, default=str))
    return out


@dataclass(frozen=True)
class BatchInfo:
    id: str
    status: str
    input_file_id: str
    output_file_id: str | None
    error_file_id: str | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def _info(batch: Any) -> BatchInfo:
    return BatchInfo(
        id=batch.id,
        status=batch.status,
        input_file_id=batch.input_file_id,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
    )


@contextmanager
def _endpoint_call(backend: Backend, what: str) -> Iterator[None]:
    """An ``openai`` failure of a files or batches call as a ``BackendError`` naming the
    call and the endpoint."""
    import openai

    where = getattr(backend, "base_url", None) or "the endpoint"
    try:
        yield
    except openai.APIStatusError as exc:
        body = exc.response.text[:300] if exc.response is not None else ""
        raise BackendError(
            f"{where} refused {what} (HTTP {exc.status_code}): {body}; does it offer "
            "the Batch API (/v1/files, /v1/batches)?",
            status_code=exc.status_code,
            body=body,
        ) from exc
    except openai.OpenAIError as exc:
        raise BackendError(
            f"{what} at {where} failed: {exc} (does it offer the Batch API?)"
        ) from exc


class BatchEndpoint:
    """The backend's files and batches endpoints (through its ``openai`` client); a
    failure is a ``BackendError`` naming the call."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def upload(self, lines: Sequence[dict[str, Any]], name: str) -> str:
        client = await self.backend.client()
        data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        with _endpoint_call(self.backend, f"the upload of {name}"):
            uploaded = await client.files.create(file=(name, data.encode("utf-8")), purpose="batch")
        return str(uploaded.id)

    async def create(self, file_id: str, metadata: dict[str, str]) -> BatchInfo:
        client = await self.backend.client()
        with _endpoint_call(self.backend, f"creating a batch of {file_id}"):
            batch = await client.batches.create(
                input_file_id=file_id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
                metadata=metadata,
            )
        return _info(batch)

    async def retrieve(self, batch_id: str) -> BatchInfo:
        client = await self.backend.client()
        with _endpoint_call(self.backend, f"polling batch {batch_id}"):
            return _info(await client.batches.retrieve(batch_id))

    async def find(self, file_id: str) -> BatchInfo | None:
        """The batch made from ``file_id``, if one was (newest first, one page)."""
        client = await self.backend.client()
        with _endpoint_call(self.backend, "listing batches"):
            page = await client.batches.list(limit=100)
        for batch in page.data:
            if batch.input_file_id == file_id:
                return _info(batch)
        return None

    async def lines(self, file_id: str) -> list[dict[str, Any]]:
        client = await self.backend.client()
        with _endpoint_call(self.backend, f"downloading {file_id}"):
            content = await client.files.content(file_id)
        return [json.loads(line) for line in content.text.splitlines() if line.strip()]
