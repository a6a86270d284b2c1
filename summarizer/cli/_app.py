"""The ``summarizer`` command group and its error handling.

Exit codes: 0 every article briefed; 1 at least one article failed (its output file says
why); 2 usage or configuration error; 3 runtime error that stopped the run (e.g. the
local model would not start). Heavy libraries are imported inside the commands, so
``summarizer --help`` starts in well under half a second.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from ..errors import SummarizerError, UsageError
from ._safe import printable

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["EXIT_FAILED_ARTICLES", "EXIT_OK", "EXIT_RUNTIME", "EXIT_USAGE", "cli", "settings_from"]

EXIT_OK, EXIT_FAILED_ARTICLES, EXIT_USAGE, EXIT_RUNTIME = 0, 1, 2, 3


def settings_from(**overrides: Any) -> Settings:
    """Settings from flags over the environment; a bad value is a usage error."""
    from ..config import load_settings

    try:
        return load_settings(**overrides)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise UsageError(f"bad setting: {exc}") from exc


class _UsageFailure(click.ClickException):
    exit_code = EXIT_USAGE


class _RuntimeFailure(click.ClickException):
    exit_code = EXIT_RUNTIME


class _Group(click.Group):
    """Turns the project's base error into a clean message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _UsageFailure(printable(str(exc))) from exc
        except SummarizerError as exc:
            raise _RuntimeFailure(printable(str(exc))) from exc
        except OSError as exc:  # the environment's: an unwritable folder, a full disk
            where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
            raise _RuntimeFailure(printable(f"{exc.strerror or exc}{where}")) from exc
        except sqlite3.OperationalError as exc:  # a read-only or unopenable database file
            raise _RuntimeFailure(f"database: {exc}") from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarizer")
def cli() -> None:
    """Structured, verifiable event briefs of news articles."""


review_db_option = click.option(
    "--review-db",
    help="The review store: a SQLite file or a postgresql:// URL (env SUMMARIZER_REVIEW_DB; "
    "the review commands default to review.db in the user data folder).",
)


def model_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose and tune the model, shared by every command that briefs."""
    for option in reversed(_MODEL_OPTIONS):
        f = option(f)
    return f


_MODEL_OPTIONS = [
    click.option("--model", help="Model name (env SUMMARIZER_MODEL)."),
    click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Cache directory (env SUMMARIZER_CACHE_DIR; default: user cache dir).",
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
    click.option("--concurrency", type=click.IntRange(1, 64), help="Articles in flight at once."),
    click.option(
        "--backend", type=click.Choice(["auto", "openai", "local"]), help="Which backend."
    ),
    click.option("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)."),
    click.option(
        "--mode", type=click.Choice(["tools", "json", "md_json"]), help="instructor mode."
    ),
    click.option("--prompt", help="Prompt version in prompts/ or a TOML file path."),
    click.option(
        "--strategy",
        type=click.Choice(["auto", "free-text", "questions", "sentence-choice"]),
        help="How the model is asked (default auto: questions for the local model).",
    ),
    click.option("--max-attempts", type=click.IntRange(1, 10), help="Model calls per article."),
    click.option("--max-tokens", type=click.IntRange(64, 32768), help="Output token cap per call."),
    click.option(
        "--prices",
        "prices_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="JSON price table {model: [usd_in, usd_out] per 1M tokens}.",
    ),
]
