"""A brief as an editable form, and back; its evidence located in the article.

Every leaf of the brief is one form field named by its path (``casualties.0.value``);
what kind of input it is (text, long text, number, date, a choice) comes from the
``BriefContent`` JSON Schema, so a new schema field needs no template change. An empty
input means null. A list item can be removed (``remove`` checkbox per item). The edited
brief then goes through the same validators as a model's (``ReviewStore.save``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..prepared import PreparedArticle
from ..schema import BriefContent
from .diff import flatten, unflatten

__all__ = ["FIELD_PREFIX", "REMOVE_PREFIX", "FormField", "Span", "content_from_form",
           "form_fields", "locate_evidence"]  # fmt: skip

FIELD_PREFIX = "f:"
REMOVE_PREFIX = "remove:"
_LONG = {"summary", "statement", "evidence", "quote", "question", "description"}


@dataclass(frozen=True)
class FormField:
    path: str
    label: str
    value: str
    kind: str  # text | textarea | number | date | select
    options: tuple[str, ...] = ()
    nullable: bool = True
    item: str | None = None  # "quotes.1" for a field of a list item (removable)


@cache
def _schema() -> dict[str, Any]:
    return BriefContent.model_json_schema()


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    defs = _schema().get("$defs", {})
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    return node


def _leaf_schema(path: str) -> tuple[dict[str, Any], bool]:
    """The schema of the leaf at ``path`` and whether it admits null."""
    node = _schema()
    nullable = False
    for part in path.split("."):
        node = _resolve(node)
        node = node["items"] if part.isdigit() else node.get("properties", {}).get(part, {})
        node = _resolve(node)
        if "anyOf" in node:
            options = [_resolve(o) for o in node["anyOf"]]
            nullable = any(o.get("type") == "null" for o in options)
            node = next((o for o in options if o.get("type") != "null"), {})
        else:
            nullable = False
    return node, nullable


def form_fields(content: Mapping[str, Any]) -> list[FormField]:
    """One field per leaf of ``content``, in the brief's order."""
    out = []
    for path, value in flatten(content).items():
        if isinstance(value, list | dict):  # an empty list: nothing to edit
            continue
        schema, nullable = _leaf_schema(path)
        options: tuple[str, ...] = tuple(str(v) for v in schema.get("enum", ()))
        if "const" in schema:
            options = (str(schema["const"]),)
        last = path.rsplit(".", 1)[-1]
        if options:
            kind = "select"
        elif schema.get("type") == "integer":
            kind = "number"
        elif schema.get("format") == "date":
            kind = "date"
        elif last in _LONG:
            kind = "textarea"
        else:
            kind = "text"
        item = re.match(r"^([a-z_]+\.\d+)\.", path)
        out.append(
            FormField(
                path=path,
                label=path.replace("_", " "),
                value="" if value is None else str(value),
                kind=kind,
                options=options,
                nullable=nullable,
                item=item.group(1) if item else None,
            )
        )
    return out


def content_from_form(form: Mapping[str, str], draft: Mapping[str, Any]) -> dict[str, Any]:
    """The brief an editor submitted: every ``f:`` field by path, "" as null, items
    whose ``remove:`` box is ticked left out; lists the draft had empty stay empty."""
    removed = {k.removeprefix(REMOVE_PREFIX) for k in form if k.startswith(REMOVE_PREFIX)}
    flat: dict[str, Any] = {
        path: value for path, value in flatten(draft).items() if isinstance(value, list | dict)
    }
    for key, raw in form.items():
        if not key.startswith(FIELD_PREFIX):
            continue
        path = key.removeprefix(FIELD_PREFIX)
        if any(path.startswith(r + ".") for r in removed):
            continue
        value = raw.strip()
        flat[path] = None if value == "" else value
    for r in removed:  # a list emptied by removing every item stays a (now empty) list
        parent = r.rsplit(".", 1)[0]
        if not any(p.startswith(parent + ".") for p in flat):
            flat[parent] = []
    return unflatten(flat)


@dataclass(frozen=True)
class Span:
    """An evidence string of the brief and where the article says it (None: nowhere)."""

    path: str
    text: str
    start: int | None
    end: int | None


def locate_evidence(content: Mapping[str, Any], prepared: PreparedArticle) -> list[Span]:
    """Every evidence string and quote of the brief, located in the article's text."""
    spans = []
    for path, value in flatten(content).items():
        last = path.rsplit(".", 1)[-1]
        if not isinstance(value, str) or last not in {"evidence", "quote"}:
            continue
        match = prepared.grounding.locate(value)
        spans.append(
            Span(path, value, match.start if match else None, match.end if match else None)
        )
    return spans
