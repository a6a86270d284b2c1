"""The review page's defences that are not about one page: where a sign-in may send the
editor next, and how large a request body may be before anything reads it.

Nothing here knows the store or the templates.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEFAULT_MAX_BODY_BYTES", "BodyLimit", "local_path"]

# A brief's edit form is a few kilobytes; a whole article pasted into a field is < 1 MiB.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


def local_path(target: str, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default``: no scheme, no host,
    no ``//host`` or ``/\\host`` (browsers read a backslash as a slash), no control
    characters (OWASP's unvalidated-redirects rule)."""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with a 413 before the app parses it:
    at once when Content-Length says so, else as soon as the bytes received pass it
    (a chunked body is never held whole)."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        body = f"Request body larger than {self.max_bytes:,} bytes.\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        received = 0
        started = refused = False

        async def limited() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # answer now, unless the app already has; the app sees the client gone
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the 413 was the answer: whatever the app says after is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except Exception:
            if not refused:
                raise
            # the app failed reading a body cut off here: the 413 already went out
