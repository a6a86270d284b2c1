"""What the terminal is given: text with no control characters or escape sequences.

File names, outlet names, URLs and failure reasons come from outside (a feed, an
article, a file system): an escape sequence among them could rewrite the terminal's
screen, title or clipboard. Every human-readable line the CLI prints goes through
``echo``; JSON output escapes control characters itself.
"""

from __future__ import annotations

import re

import click

__all__ = ["echo", "printable"]

# CSI sequences, OSC sequences (ended by BEL or ST), other two-byte ESC sequences, then
# any single C0 control but tab and newline, DEL, and the C1 controls
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def printable(text: str) -> str:
    """``text`` without escape sequences and control characters (tabs, newlines kept)."""
    return _CONTROL.sub("", text)


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    click.echo(printable(text), err=err, nl=nl)
