"""Field-by-field differences between two versions of a brief.

A brief is nested JSON; an editor changes leaves (``quotes.1.speaker``) or removes list
items. ``flatten`` turns a version into ``{path: leaf}``; ``changes`` lists what differs
between two versions as (path, before, after), with ``None`` for a path one side lacks.
The same differences serve the review page ("changed from the draft"), an edit conflict
(each side against their common base) and the statistics (which fields editors change).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Change", "changed_fields", "changes", "flatten", "unflatten"]

Change = tuple[str, Any, Any]


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1, 2]}}`` -> ``{"a.b.0": 1, "a.b.1": 2}``; an empty list or object
    is kept as a leaf so that emptying a list is a visible change."""
    if isinstance(value, Mapping) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{i}" if prefix else str(i)))
        return out
    return {prefix: value}


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of ``flatten`` for paths whose numeric parts index lists; list items
    come out in index order with gaps closed (a removed item leaves no hole)."""
    root: dict[str, Any] = {}
    for path, value in flat.items():
        parts = path.split(".")
        node: dict[str, Any] = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node: Any) -> Any:
        if not isinstance(node, dict) or not node:
            return node
        if all(k.isdigit() for k in node):
            return [listify(node[k]) for k in sorted(node, key=int)]
        return {k: listify(v) for k, v in node.items()}

    result = listify(root)
    return result if isinstance(result, dict) else {}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every leaf that differs, in the order of ``after`` then paths only ``before`` has."""
    a, b = flatten(before), flatten(after)
    out: list[Change] = [(p, a.get(p), v) for p, v in b.items() if a.get(p, _MISSING) != v]
    out += [(p, v, None) for p, v in a.items() if p not in b]
    return out


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    """The top-level fields (``quotes``, ``headline``) in which the versions differ."""
    return {path.split(".")[0] for path, _, _ in changes(before, after)}


_MISSING = object()
