"""The optional model paragraph per story: only the reconciled facts, checked.

The digest is built from real recorded briefs (``fixtures/briefs/``); the model's
paragraphs here are **hand-written** answers served by the fake OpenAI-compatible
server on loopback (labelled as such), to test what the validator lets through."""

from __future__ import annotations

import asyncio
from typing import Any

from summarizer.digest import build_digest
from summarizer.digest.paragraph import story_facts, write_paragraphs
from summarizer.llm.call import CallParams, ModelCaller
from summarizer.render.digest import render_digest_markdown
from summarizer.testing import FakeOpenAI

from .fakes import fake_backend
from .test_digest import recorded_inputs, story_of


def _facts_of(body: dict[str, Any]) -> str:
    return " ".join(str(m["content"]) for m in body["messages"] if m["role"] == "user")


def test_a_paragraph_with_an_invented_number_or_name_is_refused_and_asked_again() -> None:
    digest = build_digest(recorded_inputs("qwen2.5-coder-0.5b"))
    story = story_of(digest, "001_")
    facts = "\n".join(story_facts(story))
    assert "2 according to" in facts and "3 according to" in facts

    # Hand-written answers: first an invented toll, then an invented name, then one
    # that keeps to the facts.
    answers = [
        "A strike killed 7 people, officials said. The toll is disputed by others.",
        "A strike killed a commander, according to Colonel Marcus Webb. Sources differ.",
        "A strike killed a commander. Sources disagree on the toll: 2 according to "
        "Iraq's Joint Operations Command, 3 according to others.",
    ]
    seen: list[str] = []

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        if "Facts:" in _facts_of(body) and "Joint Operations Command" in _facts_of(body):
            seen.append("story")
            return {"paragraph": answers[min(len(seen) - 1, 2)]}
        return {"paragraph": "A report was published. No more is known."}

    with FakeOpenAI(answer=answer) as fake:
        backend = fake_backend(fake)
        out = asyncio.run(
            write_paragraphs(digest, ModelCaller(backend), params=CallParams(max_attempts=3))
        )
        reasks = [m["content"] for b in fake.requests for m in b["messages"] if m["role"] == "user"]
    paragraph = story_of(out, "001_").paragraph
    assert paragraph == answers[2]
    assert any("states 7, which the facts do not" in m for m in reasks)
    assert any("Marcus Webb" in m and "not in the facts" in m for m in reasks)
    assert "Model-written from the facts below" in render_digest_markdown(out)


def test_a_paragraph_that_keeps_inventing_is_left_out() -> None:
    digest = build_digest(recorded_inputs("qwen2.5-coder-0.5b"))
    with FakeOpenAI(
        answer=lambda body: {"paragraph": "Some 900 people died, it was said."}
    ) as fake:
        backend = fake_backend(fake)
        out = asyncio.run(
            write_paragraphs(digest, ModelCaller(backend), params=CallParams(max_attempts=2))
        )
    assert all(s.paragraph is None for s in out.stories)
    assert [s.id for s in out.stories] == [s.id for s in digest.stories]
