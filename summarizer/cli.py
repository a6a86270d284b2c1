"""The ``summarizer`` command: parse arguments, call the library, report.

No business logic lives here. Exit codes: 0 every article briefed; 1 at least one
article failed (its output file says why); 2 usage or configuration error; 3 runtime
error that stopped the run (e.g. the local model would not start).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .backends import available_backends
from .briefs import BriefResult, RunSummary
from .cache import BriefCache
from .config import Settings, load_settings
from .errors import SummarizerError, UsageError
from .output import dumps_result, write_results
from .pipeline import brief_paths
from .schema import schema_documents

EXIT_OK, EXIT_FAILED_ARTICLES, EXIT_USAGE, EXIT_RUNTIME = 0, 1, 2, 3


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise UsageError(f"bad setting: {exc}") from exc


def _summary_lines(s: RunSummary, cache_dir: Path | None) -> list[str]:
    cost = "unknown (no price for this model)" if s.cost_usd is None else f"${s.cost_usd:.4f}"
    lines = [
        f"articles {s.articles} | briefs {s.briefs} | failures {s.failures} | "
        f"cache hits {s.cache_hits} | model calls {s.model_calls} | re-asks {s.reasks} | "
        f"transport retries {s.transport_retries}",
        f"tokens in {s.tokens_in:,} | tokens out {s.tokens_out:,} | estimated cost {cost} | "
        f"{s.seconds:.1f}s",
    ]
    if s.model_calls == 0 and s.cache_hits:
        lines.append(
            f"no model call made: {s.cache_hits} brief(s) came from the cache"
            + (f" ({cache_dir})" if cache_dir else "")
        )
    return lines


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
            raise _UsageFailure(str(exc)) from exc
        except SummarizerError as exc:
            raise _RuntimeFailure(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarizer")
def cli() -> None:
    """Structured, verifiable event briefs of news articles."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", help="Model name (env SUMMARIZER_MODEL).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "md"]), default="json", show_default=True
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write DIR/<input stem>.<format> per article (default: JSON Lines or Markdown on stdout).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Cache directory (env SUMMARIZER_CACHE_DIR; default: user cache dir).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--concurrency", type=click.IntRange(1, 64), help="Articles in flight at once.")
@click.option("--backend", type=click.Choice(["auto", "openai", "local"]), help="Which backend.")
@click.option("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL).")
@click.option("--mode", type=click.Choice(["tools", "json", "md_json"]), help="instructor mode.")
@click.option("--prompt", help="Prompt version in prompts/ or a TOML file path.")
@click.option("--max-attempts", type=click.IntRange(1, 10), help="Model calls per article.")
@click.option("--max-tokens", type=click.IntRange(64, 32768), help="Output token cap per call.")
@click.option(
    "--prices",
    "prices_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON price table {model: [usd_in, usd_out] per 1M tokens}.",
)
def brief(
    paths: tuple[Path, ...],
    fmt: str,
    out_dir: Path | None,
    no_cache: bool,
    **options: Any,
) -> None:
    """Brief every article in PATHS (files or folders)."""
    settings = _settings(use_cache=False if no_cache else None, **options)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    progress: Progress | None = None
    task = None
    done = [0]

    def on_start(total: int) -> None:
        nonlocal progress, task
        if err.is_terminal:
            progress = Progress(
                TextColumn("[bold]briefing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=err,
            )
            progress.start()
            task = progress.add_task("", total=total)
        else:
            err.print(f"briefing {total} article(s)")
        done.append(total)

    def on_result(r: BriefResult) -> None:
        done[0] += 1
        status = (
            "cached"
            if r.cached
            else ("ok" if r.ok else f"FAILED ({r.failure.kind})" if r.failure else "FAILED")
        )
        line = f"[{done[0]}/{done[-1]}] {r.source}: {status} ({r.seconds:.1f}s)"
        if progress is not None and task is not None:
            progress.update(task, advance=1, description=Path(r.source).name)
            progress.console.print(line)
        else:
            err.print(line)
        if r.failure is not None:
            err.print(f"  {r.failure.message}")
            for d in r.failure.details[:5]:
                err.print(f"  - {d['loc']}: {d['msg'][:200]}")

    try:
        results, summary = brief_paths(paths, settings, on_start=on_start, on_result=on_result)
    finally:
        if progress is not None:
            progress.stop()

    if out_dir is not None:
        written = write_results(results, out_dir, fmt)  # type: ignore[arg-type]
        err.print(f"wrote {len(written)} file(s) to {out_dir}")
    else:
        # To stdout: JSON Lines (one brief per line) for machines, Markdown for people.
        for r in results:
            if fmt == "json":
                sys.stdout.write(json.dumps(r.to_json_dict(), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(dumps_result(r, "md") + "\n")
    for line in _summary_lines(summary, settings.cache_dir if settings.use_cache else None):
        err.print(line)
    sys.exit(EXIT_FAILED_ARTICLES if summary.failures else EXIT_OK)


@cli.group()
def cache() -> None:
    """Inspect or clear the brief cache."""


@cache.command("stats")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False))
def cache_stats(cache_dir: Path | None) -> None:
    """Entries and size of the cache."""
    with BriefCache(_settings(cache_dir=cache_dir).cache_dir) as store:
        s = store.stats()
    click.echo(f"directory {s.directory}\nentries {s.entries}\nsize {s.size_bytes:,} bytes")


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False))
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached brief."""
    with BriefCache(_settings(cache_dir=cache_dir).cache_dir) as store:
        n = store.clear()
    click.echo(f"removed {n} cached brief(s) from {store.directory}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models(as_json: bool) -> None:
    """List available backends and models, and which is the default."""
    rows = available_backends(_settings())
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        mark = "*" if row["default"] else " "
        state = "available" if row["available"] else "unavailable"
        click.echo(f"{mark} {row['backend']:<18} {row['model']:<34} {state:<12} {row['note']}")
    if not any(row["default"] for row in rows):
        click.echo("no default: configure an endpoint or install the [local] extra")


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schemas"),
    show_default=True,
)
@click.option("--check", is_flag=True, help="Exit 1 if the files differ from the models.")
def schemas(out_dir: Path, check: bool) -> None:
    """Export the JSON Schemas generated from the Pydantic models."""
    stale = []
    for name, text in schema_documents().items():
        path = out_dir / name
        if check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path))
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        click.echo(f"wrote {path}")
    if stale:
        click.echo("out of date: " + ", ".join(stale) + " (run: summarizer schemas)", err=True)
        sys.exit(1)


def main() -> None:
    # instructor logs every failed attempt at ERROR; the CLI reports them itself, once,
    # with the file name, so its log lines would only repeat them.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    # SIGTERM ends the process through SystemExit, so atexit stops the local server.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    cli(prog_name="summarizer")
