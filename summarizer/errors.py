"""The one error tree of summarizer.

    SummarizerError                 base: the CLI turns any of these into a message + exit code
    ├── UsageError                  the caller's mistake (bad flag, missing key, bad config)
    │   └── ConfigurationError      no backend can be built; says exactly how to fix it
    ├── IngestError                 one input file cannot become an article (names the file)
    ├── FetchError                  one feed or page could not be fetched (names the URL)
    ├── ModelIntegrityError         local weights missing, wrong version or wrong sha256
    ├── CacheCorrupt                the brief cache's database is unreadable (names it)
    ├── ReviewError                 the review store refused a change (names the brief)
    │   ├── EditConflict            another editor saved first; carries both differences
    │   ├── StoreBusy               another writer held the store's lock past the wait
    │   └── InvalidEdit             an edit fails the brief's checks; carries each field's message
    └── ModelCallError              one model call for one item failed; ``kind`` names how
        ├── ContextWindowError      the prompt would not fit the model's context window
        ├── OutputValidationError   the output failed its checks on every attempt
        ├── IncompleteOutputError   the answer was cut off (finish_reason "length")
        └── BackendError            the endpoint failed at run time (status code, body)
            ├── TransportError      429/5xx/timeout/dropped connection after all retries
            └── LocalServerError    the embedded llama.cpp server would not start or died

Third-party exceptions (openai, instructor, httpx, pydantic) are translated once, at the
boundary in ``llm.call``, with ``raise ... from exc`` semantics. A ``ModelCallError``
for one article is not an exception of the batch: it is recorded on that article's
result as a ``schema.Failure`` whose ``kind`` comes from the class, and the batch goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

__all__ = [
    "BackendError",
    "CacheCorrupt",
    "ConfigurationError",
    "ContextWindowError",
    "EditConflict",
    "FetchError",
    "IncompleteOutputError",
    "IngestError",
    "InvalidEdit",
    "LocalServerError",
    "ModelCallError",
    "ModelIntegrityError",
    "OutputValidationError",
    "ReviewError",
    "StoreBusy",
    "SummarizerError",
    "TransportError",
    "UsageError",
]

FailureKind = Literal[
    "ingest", "validation", "incomplete_output", "context_window", "transport", "backend"
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


class FetchError(SummarizerError):
    """A feed or a page could not be fetched or read. Always names the URL.

    ``permanent`` failures (404, a page that is not HTML, robots.txt forbids it, too
    large) are not asked again until the feed's entry changes; others (429, 5xx, timeouts,
    dropped connections) are asked again on the next run."""

    def __init__(self, url: str, reason: str, *, permanent: bool = False) -> None:
        self.url = url
        self.reason = reason
        self.permanent = permanent
        super().__init__(f"{url}: {reason}")


class ModelIntegrityError(SummarizerError):
    """Local model weights are missing, of the wrong version, or fail the sha256 check."""


class CacheCorrupt(SummarizerError):
    """The brief cache's database cannot be read as one; ``summarizer cache clear``
    moves it aside and starts an empty cache."""


class ReviewError(SummarizerError):
    """The review store refused a change: unknown brief, wrong status, stale version."""


class StoreBusy(ReviewError):
    """Another writer held the review store's write lock longer than this caller waits
    (``ReviewStore(lock_wait=...)``). Nothing was changed; asking again may pass."""


class EditConflict(ReviewError):
    """Another editor saved the brief after ``base`` was read. Nothing is lost: the later
    edit is kept as a conflicted version, and ``theirs`` / ``yours`` list each side's
    field changes against the common base as (field, base value, new value)."""

    def __init__(
        self,
        item_id: str,
        *,
        base: int,
        current: int,
        kept_as: int,
        theirs: list[tuple[str, object, object]],
        yours: list[tuple[str, object, object]],
    ) -> None:
        self.item_id = item_id
        self.base, self.current, self.kept_as = base, current, kept_as
        self.theirs, self.yours = theirs, yours
        super().__init__(
            f"{item_id}: version {current} was saved by someone else after you opened version "
            f"{base}; your edit is kept as version {kept_as}, not current"
        )


class InvalidEdit(ReviewError):
    """An editor's version fails the checks a model's brief must pass. ``errors`` maps a
    field path (``quotes.0.quote``) to its message."""

    def __init__(self, item_id: str, errors: dict[str, str]) -> None:
        self.item_id = item_id
        self.errors = errors
        shown = "; ".join(f"{k}: {v}" for k, v in errors.items())
        super().__init__(f"{item_id}: the edit was not saved: {shown}")


class ModelCallError(SummarizerError):
    """One model call failed for good. ``kind`` is what a recorded failure says."""

    kind: ClassVar[FailureKind] = "backend"

    def __init__(self, message: str, *, details: list[dict[str, str]] | None = None) -> None:
        self.message = message
        self.details = details or []
        super().__init__(message)


class ContextWindowError(ModelCallError):
    """The prompt for an article would not fit the model's context window."""

    kind: ClassVar[FailureKind] = "context_window"

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


class OutputValidationError(ModelCallError):
    """The model's output failed validation on every attempt; ``details`` says where."""

    kind: ClassVar[FailureKind] = "validation"


class IncompleteOutputError(ModelCallError):
    """The endpoint stopped before the answer was complete."""

    kind: ClassVar[FailureKind] = "incomplete_output"


class BackendError(ModelCallError):
    """A model endpoint failed at run time."""

    kind: ClassVar[FailureKind] = "backend"

    def __init__(self, message: str, *, status_code: int | None = None, body: str | None = None):
        self.status_code = status_code
        self.body = body
        super().__init__(message)


class TransportError(BackendError):
    """The endpoint kept failing (429, 5xx, timeout, dropped connection) after all retries."""

    kind: ClassVar[FailureKind] = "transport"


class LocalServerError(BackendError):
    """The embedded llama.cpp server could not be started or stopped unexpectedly."""
