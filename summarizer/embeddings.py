"""Static word embeddings that run offline: ``wordllama``, weights inside its wheel.

Loaded from the package directory with downloads off, so nothing reaches a model hub.
Used to name an event's type (``taxonomy``) and to compare articles (``digest``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from wordllama import WordLlama

__all__ = ["embed", "word_model"]


@cache
def word_model() -> WordLlama:
    # Importing wordllama calls logging.basicConfig(level=INFO), which would turn on
    # every library's INFO logging (each HTTP request of a brief run on stderr); the
    # root logger is put back as it was.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import wordllama
    from wordllama import WordLlama

    root.setLevel(level)
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """One unit-length row per text (cosine similarity is then a dot product)."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(word_model().embed(list(texts), norm=True), dtype=np.float32)
    return vectors
