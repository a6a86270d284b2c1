"""The model-call layer's speed-ups keep instructor's behaviour (a real loopback server)."""

from __future__ import annotations

import asyncio

import pytest
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel

from summarizer.llm.call import CallParams, ModelCaller
from summarizer.testing import FakeOpenAI

from .fakes import fake_backend


class _WithAsyncValidator(BaseModel):
    name: str

    @async_field_validator("name")
    async def _check(self, value: str) -> None:  # pragma: no cover - never run
        return None


class _Plain(BaseModel):
    name: str


def _call(fake: FakeOpenAI, model: type[BaseModel]) -> object:
    backend = fake_backend(fake)
    result = asyncio.run(
        ModelCaller(backend).call(
            item_id="x",
            messages=[{"role": "user", "content": "Name someone."}],
            response_model=model,
            context={},
            params=CallParams(max_attempts=1),
        )
    )
    return result


def test_a_model_with_async_validators_is_refused_every_time_after_the_memo() -> None:
    with FakeOpenAI(answer=lambda body: {"name": "Ana"}) as fake:
        for _ in range(2):  # the memo must not remember a failure as a pass
            with pytest.raises(ValueError, match="async validators are not supported"):
                _call(fake, _WithAsyncValidator)
        for _ in range(2):
            result = _call(fake, _Plain)
            assert result.content.name == "Ana"  # type: ignore[attr-defined]


@pytest.mark.parametrize("braces", ["{{ 7 * 7 }}", "{% raw %}", "{# note #}"])
def test_message_text_reaches_the_endpoint_as_written(braces: str) -> None:
    """instructor templates messages when given a truthy context; ours is falsy."""
    with FakeOpenAI(answer=lambda body: {"name": "Ana"}) as fake:
        backend = fake_backend(fake)
        asyncio.run(
            ModelCaller(backend).call(
                item_id="x",
                messages=[{"role": "user", "content": f"Text {braces} here."}],
                response_model=_Plain,
                context={"article": "something"},
                params=CallParams(max_attempts=1),
            )
        )
        sent = fake.requests[0]["messages"]
    assert any(f"Text {braces} here." == m["content"] for m in sent)
