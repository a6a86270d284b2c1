"""``summarizer schemas``: export or check the JSON Schemas in ``schemas/``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._app import cli
from ._safe import echo


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
    from ..digest.model import digest_schema_documents
    from ..schema import schema_documents

    stale = []
    for name, text in (schema_documents() | digest_schema_documents()).items():
        path = out_dir / name
        if check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path))
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        echo(f"wrote {path}")
    if stale:
        echo("out of date: " + ", ".join(stale) + " (run: summarizer schemas)", err=True)
        sys.exit(1)
