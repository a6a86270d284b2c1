from __future__ import annotations

import inspect

import summarizer
from summarizer import errors


def test_all_is_complete_and_importable() -> None:
    for name in summarizer.__all__:
        assert hasattr(summarizer, name), name
    public = {
        name
        for name, obj in vars(summarizer).items()
        if not name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
    }
    assert public <= set(summarizer.__all__)


def test_every_error_is_a_summarizer_error() -> None:
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.SummarizerError)
