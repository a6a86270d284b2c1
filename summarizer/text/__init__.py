"""The language layer: what the briefs and the digest read off an article's text.

Sentences, datelines, bylines and boilerplate (``sentences``); named people,
organisations and places (``names``); who did what to whom, where and with what
(``roles``); who says it (``attribution``); numbers in every written form
(``numbers``). Built on spaCy's English pipeline, loaded once from its pinned package
(``nlp``); English word lists live in ``lang.en``, each declared once.

This layer imports nothing of the model, brief, review, digest, render, web or CLI
layers. ``RULES_VERSION`` is a hash of its code and data: a brief built by other rules
is rebuilt (it is part of the built brief's cache key and provenance).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .nlp import MODEL_SHA256

__all__ = ["RULES_VERSION", "rules_version"]


def rules_version(*extra: Path) -> str:
    """sha256 (12 hex digits) of this layer's source files, ``extra`` files and the
    language model's digest."""
    here = Path(__file__).parent
    # the code and the learned artifacts (data/*.json): a retrained scorer is a new rule
    files = sorted(here.rglob("*.py")) + sorted(here.rglob("data/*.json")) + list(extra)
    h = hashlib.sha256(MODEL_SHA256.encode())
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


RULES_VERSION = rules_version()
