"""The ``summarizer`` command: parse arguments, call the library, report.

No business logic lives here; one module per command group. See ``_app`` for the
exit codes.
"""

from __future__ import annotations

import logging
import signal
import sys

from . import brief, cache, digest, feeds, models, review, schemas  # noqa: F401  (registers the commands)
from ._app import cli

__all__ = ["cli", "main"]


def main() -> None:
    # instructor logs every failed attempt at ERROR; the CLI reports them itself, once,
    # with the file name, so its log lines would only repeat them.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    # SIGTERM ends the process through SystemExit, so atexit stops the local server.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    cli(prog_name="summarizer")
