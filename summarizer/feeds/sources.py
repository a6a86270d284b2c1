"""Which feeds to read: feed URLs, OPML files (read by ``listparser``) and text files of
URLs (one per line; a line starting with ``#`` is a comment), in any mix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import UsageError
from .http import normalize_url

__all__ = ["feed_urls"]


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def feed_urls(sources: Sequence[str | Path]) -> list[str]:
    """Every feed URL named by ``sources``, once each, in order; a file that names none,
    or cannot be read, is a ``UsageError`` naming it."""
    out: list[str] = []
    for source in sources:
        text = str(source)
        found = [text] if _is_url(text) else _from_file(Path(text))
        for url in found:
            url = normalize_url(url)
            if url not in out:
                out.append(url)
    return out


def _from_file(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the list of feeds ({exc})") from exc
    if "<opml" in text[:2000].lower():
        import listparser

        parsed = listparser.parse(text)
        urls = [f.url for f in parsed.feeds if f.url]
        kind = "OPML file"
    else:
        lines = (line.strip() for line in text.splitlines())
        urls = [line.split()[0] for line in lines if line and not line.startswith("#")]
        bad = [u for u in urls if not _is_url(u)]
        if bad:
            raise UsageError(f"{path}: not a feed URL: {bad[0]!r} (one http(s) URL per line)")
        kind = "list of feeds"
    if not urls:
        raise UsageError(f"{path}: the {kind} names no feed URL")
    return urls
