"""On-disk cache (diskcache) of the model's answers and of the briefs built from them.

Two things are kept apart, as the model's answer and what the code builds from it are
two things. **Answers**: each question's validated answer as JSON, keyed by everything
the request carries (backend, model, mode, generation parameters, the messages and the
sha256 of the response schema). **Briefs**: the finished brief, keyed as below plus the
rules version (``text.RULES_VERSION`` and the modules that assemble a brief). A changed
rule misses the brief and rebuilds it from cached answers without a model call; a
changed prompt or schema changes the request and asks the model again.

The key is the sha256 of everything that shapes the output: the article's content hash,
the strategy and its version, the prompt file's hash, the sha256 of the JSON Schema
actually sent to the model (so any change to a strategy's schema, even one built per
article, misses), the brief schema version, the backend and model, the request mode,
and every generation parameter (temperature, seed, max tokens, attempts, fuzzy
threshold). ``Summarizer.cache_key`` builds it; nothing else should. Only successful
briefs are cached; a failure is tried again next run.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import diskcache
from pydantic import ValidationError

from ..errors import CacheCorrupt
from ..schema import SCHEMA_VERSION, STORED, EventBrief

__all__ = ["BriefCache", "CacheKey", "CacheStats"]


@dataclass(frozen=True)
class CacheKey:
    article_id: str
    strategy: str
    prompt_hash: str
    response_schema_sha256: str
    backend: str
    model: str
    mode: str
    temperature: float
    seed: int | None
    max_tokens: int
    max_attempts: int
    fuzzy_threshold: float
    rules: str = ""
    schema_version: str = SCHEMA_VERSION

    def digest(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return "brief:" + hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class CacheStats:
    directory: str
    entries: int  # briefs
    size_bytes: int
    answers: int = 0  # model answers kept apart from the briefs


class BriefCache:
    """The cache in ``directory``. A cache database that is not one (a crash of the disk,
    a file overwritten) raises ``CacheCorrupt`` naming it; ``repair=True`` moves the bad
    files aside (``briefs.corrupt-<time>/``) and starts an empty cache instead, which is
    what ``summarizer cache clear`` does."""

    def __init__(self, directory: Path, *, repair: bool = False) -> None:
        self.directory = Path(directory) / "briefs"
        self.repaired: Path | None = None
        try:
            self._cache = diskcache.Cache(str(self.directory))
        except sqlite3.DatabaseError as exc:
            if not repair:
                raise CacheCorrupt(
                    f"the cache in {self.directory} is corrupt ({exc}); "
                    "`summarizer cache clear` rebuilds it"
                ) from exc
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            self.repaired = self.directory.with_name(f"briefs.corrupt-{stamp}")
            self.directory.rename(self.repaired)
            self._cache = diskcache.Cache(str(self.directory))

    def get(self, key: CacheKey) -> EventBrief | None:
        raw: Any = self._cache.get(key.digest())
        if raw is None:
            return None
        try:
            return EventBrief.model_validate_json(raw, context=STORED)
        except ValidationError:
            # Written by an incompatible version despite the key: treat as a miss.
            return None

    def set(self, key: CacheKey, brief: EventBrief) -> None:
        self._cache.set(key.digest(), brief.model_dump_json())

    def get_answer(self, key: str) -> str | None:
        """A model's cached answer (JSON) to the request hashed as ``key``."""
        raw: Any = self._cache.get("answer:" + key)
        return raw if isinstance(raw, str) else None

    def set_answer(self, key: str, answer_json: str) -> None:
        self._cache.set("answer:" + key, answer_json)

    def stats(self) -> CacheStats:
        answers = sum(1 for k in self._cache if str(k).startswith("answer:"))
        return CacheStats(
            str(self.directory), len(self._cache) - answers, int(self._cache.volume()), answers
        )

    def clear(self) -> tuple[int, int]:
        """Empty the cache; how many briefs and model answers were removed."""
        answers = sum(1 for k in self._cache if str(k).startswith("answer:"))
        total = int(self._cache.clear())
        return total - answers, answers

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> BriefCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
