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


def test_lazy_exports_match_all_and_import_nothing_heavy() -> None:
    """``__all__`` and the lazy table agree, and ``import summarizer`` alone loads neither
    openai nor instructor (the CLI's fast start depends on it)."""
    import subprocess
    import sys

    assert set(summarizer.__all__) == {*summarizer._EXPORTS, "__version__"}
    heavy = "{'openai', 'instructor', 'pydantic'}"
    code = f"import sys, summarizer; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
