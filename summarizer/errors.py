"""The one error tree of summarizer.

    SummarizerError                 base: the CLI turns any of these into a message + exit code
    ├── UsageError                  the caller's mistake (bad flag, missing key, bad config)
    │   └── ConfigurationError      no backend can be built; says exactly how to fix it
    ├── IngestError                 one input file cannot become an article (names the file)
    ├── ModelIntegrityError         local weights missing, wrong version or wrong sha256
    ├── ContextWindowError          an article does not fit the model's context window
    └── BackendError                runtime failure talking to a model endpoint
        ├── TransportError          429/5xx/timeout/dropped connection after all retries
        └── LocalServerError        the embedded llama.cpp server would not start or died

Validation failures after the last re-ask are not exceptions of the batch: they are
recorded on the article's result (see ``briefs.BriefFailure``) so the batch goes on.
Third-party exceptions are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BackendError",
    "ConfigurationError",
    "ContextWindowError",
    "IngestError",
    "LocalServerError",
    "ModelIntegrityError",
    "SummarizerError",
    "TransportError",
    "UsageError",
]


class SummarizerError(Exception):
    """Base of every error summarizer raises on purpose."""


class UsageError(SummarizerError):
    """The caller asked for something that cannot work as asked."""


class ConfigurationError(UsageError):
    """No usable backend configuration; the message says how to fix it."""


class IngestError(SummarizerError):
    """An input file cannot be read as an article. Always names the file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ModelIntegrityError(SummarizerError):
    """Local model weights are missing, of the wrong version, or fail the sha256 check."""


class ContextWindowError(SummarizerError):
    """The prompt for an article would not fit the model's context window."""

    def __init__(self, article_id: str, needed: int, available: int) -> None:
        self.article_id = article_id
        self.needed = needed
        self.available = available
        super().__init__(
            f"article {article_id} needs about {needed} tokens of context but the model "
            f"has {available}; summarizer does not truncate articles silently. Split the "
            "article, or use a model with a larger context window (SUMMARIZER_CONTEXT_WINDOW "
            "for the local model)."
        )


class BackendError(SummarizerError):
    """A model endpoint failed at run time."""

    def __init__(self, message: str, *, status_code: int | None = None, body: str | None = None):
        self.status_code = status_code
        self.body = body
        super().__init__(message)


class TransportError(BackendError):
    """The endpoint kept failing (429, 5xx, timeout, dropped connection) after all retries."""


class LocalServerError(BackendError):
    """The embedded llama.cpp server could not be started or stopped unexpectedly."""
