"""An optional model-written paragraph per story, from the reconciled facts only.

``story_facts`` writes a story's reconciled facts as plain lines (what sources agree
on, where they disagree and who says which, the casualty figures with their sources,
the names with their spellings); the model is shown only those lines and asked for one
neutral paragraph. ``StoryParagraph``'s validator rejects any number or name that is
not among them (the same number reading as the briefs' checks), so the model is asked
again with the validator's message and a paragraph that still invents is left out.
The call goes through the same model-call layer as the briefs (``llm.call``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Self

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from ..grounding import GroundingSource, context_value, fold
from ..llm.call import CallParams, ModelCaller
from ..llm.prompts import PromptTemplate, load_prompt
from ..schema import unsupported_numbers
from ..text.names import names_in
from ..text.sentences import sentences
from .model import Digest, Evidence, Story

__all__ = ["StoryParagraph", "story_facts", "write_paragraphs"]

log = logging.getLogger(__name__)
PROMPT = "digest-paragraph-v1"
FACTS_KEY = "story_facts"


def _who(sources: list[Evidence]) -> str:
    names = [s.attributed_to or s.outlet or "an article" for s in sources]
    return ", ".join(dict.fromkeys(names))


def story_facts(story: Story) -> list[str]:
    """The story's reconciled facts as lines: all the paragraph may use."""
    lines = [f"Headline: {story.headline}"]
    if story.event_date:
        lines.append(f"Date: {story.event_date:%d %B %Y}")
    where = ", ".join(x for x in (story.place, story.country) if x)
    if where:
        lines.append(f"Place: {where}")
    lines.append(f"Sources: {len(story.sources)} article(s)")
    for tally in story.casualties:
        if tally.low is None:
            continue
        if tally.conflict and tally.high is not None and tally.high != tally.low:
            lines.append(
                f"People {tally.kind}: sources disagree: {tally.low} according to "
                f"{_who(tally.low_sources)}; {tally.high} according to {_who(tally.high_sources)}"
            )
        else:
            lines.append(f"People {tally.kind}: {tally.low} according to {_who(tally.low_sources)}")
    for entity in story.entities:
        spellings = [s.text for s in entity.spellings]
        also = f" (also written {', '.join(spellings[1:])})" if len(spellings) > 1 else ""
        lines.append(f"{entity.role.capitalize()}: {spellings[0]}{also}")
    for fact in story.agreed:
        lines.append(f"Agreed by several sources, {fact.field}: {fact.value}")
    for conflict in story.conflicts:
        if conflict.field in {"killed", "injured"}:
            continue  # given with the casualty lines
        values = "; ".join(f"{v.value} ({_who(v.sources)})" for v in conflict.values)
        lines.append(f"Sources disagree on {conflict.field}: {values}")
    for fact in story.single_source:
        lines.append(f"Only one source, {fact.field}: {fact.value} ({_who(fact.sources)})")
    return lines


class StoryParagraph(BaseModel):
    """One neutral paragraph about a story, using only the facts given."""

    paragraph: str = Field(
        description="Three to five sentences, neutral, attributing disputed figures.",
        min_length=20,
        max_length=900,
    )

    @model_validator(mode="after")
    def _only_the_facts(self, info: ValidationInfo) -> Self:
        facts = context_value(info.context, FACTS_KEY, str)
        if facts is None:
            return self
        source = GroundingSource(facts)
        problems = []
        if missing := unsupported_numbers(self.paragraph, source):
            problems.append(f"states {', '.join(missing)}, which the facts do not")
        known = set(re.findall(r"[a-z0-9]+", fold(facts)))
        invented = [
            name
            for sentence in (s.text for s in sentences(self.paragraph))
            for name in names_in(sentence)
            if not set(re.findall(r"[a-z0-9]+", fold(name))) <= known
            # One capitalised word opening a sentence is capitalised for its place.
            and not (" " not in name and sentence.lstrip('"“ ').startswith(name))
        ]
        if invented:
            problems.append(f"names {', '.join(dict.fromkeys(invented))}, not in the facts")
        if problems:
            raise ValueError(
                "the paragraph " + "; ".join(problems) + ". Use only the facts given, "
                "with their numbers and names as written there."
            )
        return self


async def _one(
    story: Story, caller: ModelCaller, prompt: PromptTemplate, params: CallParams
) -> str | None:
    facts = "\n".join(story_facts(story))
    result = await caller.call(
        item_id=story.id,
        messages=prompt.render(facts=facts),
        response_model=StoryParagraph,
        context={FACTS_KEY: facts},
        params=params,
    )
    if result.content is None:
        log.warning("story %s: no paragraph (%s)", story.id, result.error)
        return None
    return result.content.paragraph


async def write_paragraphs(
    digest: Digest,
    caller: ModelCaller,
    *,
    prompt: PromptTemplate | None = None,
    params: CallParams | None = None,
    concurrency: int = 1,
) -> Digest:
    """``digest`` with a paragraph for each story (None where the model kept inventing)."""
    prompt = prompt or load_prompt(PROMPT)
    params = params or CallParams(max_tokens=400)
    semaphore = asyncio.Semaphore(max(concurrency, 1))

    async def one(story: Story) -> Story:
        async with semaphore:
            text = await _one(story, caller, prompt, params)
        return story.model_copy(update={"paragraph": text})

    stories = await asyncio.gather(*(one(s) for s in digest.stories))
    return digest.model_copy(update={"stories": list(stories)})
