"""Prompt templates as versioned data.

A prompt is a TOML file in ``prompts/`` (``name``, ``version``, ``description``,
``system``, ``user``), loaded into a Pydantic model with ``extra="forbid"`` and rendered
by a sandboxed Jinja2 environment with ``StrictUndefined``: a typo in a variable name is
an error, not an empty string. The sha256 of the file is the prompt's hash; it goes into
every cache key and every brief's provenance.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import UsageError
from ..resources import data_dir

__all__ = ["PromptTemplate", "available_prompts", "load_prompt"]

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment


@cache
def _env() -> SandboxedEnvironment:
    """The sandboxed Jinja2 environment, built when a prompt is first rendered (a cached
    run renders none)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A template compiled once (compiling cost ~5 ms a message, measured per article)."""
    return _env().from_string(source)


class PromptTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    description: str
    system: str
    user: str
    # Named follow-up questions (templates), for strategies that ask several.
    questions: dict[str, str] = {}
    sha256: str = ""

    def render(self, question: str | None = None, **variables: Any) -> list[dict[str, str]]:
        """Chat messages for ``variables``; with ``question``, that named question is
        rendered first and given to the user template as ``question``. A missing
        variable or question raises ``UsageError``."""
        from jinja2 import TemplateError

        try:
            if question is not None:
                if question not in self.questions:
                    raise UsageError(f"prompt {self.version} has no question {question!r}")
                variables["question"] = _compiled(self.questions[question]).render(**variables)
            return [
                {"role": "system", "content": _compiled(self.system).render(**variables)},
                {"role": "user", "content": _compiled(self.user).render(**variables)},
            ]
        except TemplateError as exc:
            raise UsageError(f"prompt {self.version}: {exc}") from exc

    def follow_up(self, question: str, **variables: Any) -> dict[str, str]:
        """The named question alone, as the user's next message in a conversation that
        began with ``render`` (a follow-up about the model's own answer)."""
        from jinja2 import TemplateError

        if question not in self.questions:
            raise UsageError(f"prompt {self.version} has no question {question!r}")
        try:
            return {
                "role": "user",
                "content": _compiled(self.questions[question]).render(**variables),
            }
        except TemplateError as exc:
            raise UsageError(f"prompt {self.version}: {exc}") from exc


def prompts_dir() -> Path:
    return data_dir("prompts")


def available_prompts() -> list[str]:
    return sorted(p.stem for p in prompts_dir().glob("*.toml"))


def load_prompt(version: str) -> PromptTemplate:
    """Load ``prompts/<version>.toml``, or a path to a TOML file of the same shape."""
    path = Path(version)
    if not path.is_file():
        path = prompts_dir() / f"{version}.toml"
    if not path.is_file():
        raise UsageError(
            f"no prompt {version!r}; available: {', '.join(available_prompts()) or 'none'}"
        )
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        return PromptTemplate(**data, sha256=hashlib.sha256(raw).hexdigest())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValidationError, TypeError) as exc:
        raise UsageError(f"{path}: not a valid prompt file: {exc}") from exc
