"""``summarizer models``: which backends and models there are, and the default."""

from __future__ import annotations

import json

import click

from ._app import cli, settings_from
from ._safe import echo


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models(as_json: bool) -> None:
    """List available backends and models, and which is the default."""
    from ..llm.registry import available_backends

    rows = available_backends(settings_from())
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        mark = "*" if row["default"] else " "
        state = "available" if row["available"] else "unavailable"
        echo(f"{mark} {row['backend']:<18} {row['model']:<34} {state:<12} {row['note']}")
    if not any(row["default"] for row in rows):
        echo("no default: configure an endpoint or install the [local] extra")
