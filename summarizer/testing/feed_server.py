"""A loopback HTTP server for feeds and pages, with every fault a crawler meets.

``FeedServer`` serves whatever resources a test adds, on ``127.0.0.1`` only, from a
background thread (the standard library's ``ThreadingHTTPServer``), and records every
request (``requests``, ``hits``), so a test can assert what was fetched and how often.
A resource can carry validators (then a matching ``If-None-Match`` or
``If-Modified-Since`` gets a 304), be gzipped when the client accepts it, wait before
answering (a slow server), trickle its body a byte at a time, or be a list served in
turn (a 429 then a 200; the last one repeats). Paths not added are 404, ``/robots.txt``
included. ``FeedServer(host="::1")`` serves on IPv6 loopback.

    with FeedServer() as site:
        site.add("/feed.xml", Resource(rss, content_type="application/rss+xml", etag='"1"'))
        site.add("/a.html", Resource(page))
        ... fetch site.url("/feed.xml") ...
        assert site.hits("/a.html") == 1
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FeedServer", "Resource", "Seen", "html_page", "rss"]


@dataclass
class Resource:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    gzip: bool = False
    trickle: float = 0.0  # seconds between single bytes of the body (a slow-loris page)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Seen:
    """One request as the server received it, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    status: int


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (a timeout, a refused huge page) is not an error here


class _Server6(_Server):
    address_family = socket.AF_INET6


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._resources: dict[str, list[Resource]] = {}
        self._served: dict[str, int] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def add(self, path: str, *resources: Resource) -> None:
        """Serve ``resources`` at ``path`` in turn (the last one repeats); replaces any."""
        with self._lock:
            self._resources[path] = list(resources)
            self._served[path] = 0

    def url(self, path: str = "/") -> str:
        assert self._server is not None, "start the server first"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._server.server_address[1]}{path}"

    def hits(self, path: str) -> int:
        """How many GETs reached ``path`` (conditional ones included)."""
        return sum(1 for r in self.requests if r.path == path)

    def fetched(self, path: str) -> int:
        """How many GETs of ``path`` were answered with a body (200)."""
        return sum(1 for r in self.requests if r.path == path and r.status == 200)

    def _next(self, path: str) -> Resource | None:
        with self._lock:
            resources = self._resources.get(path)
            if not resources:
                return None
            n = self._served[path]
            self._served[path] = n + 1
            return resources[min(n, len(resources) - 1)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # answered as a GET: a site, not an API
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.do_GET()

            def do_GET(self) -> None:
                path = self.path
                resource = server._next(path) or Resource(
                    b"not found", status=404, content_type="text/plain"
                )
                status = resource.status
                if status == 200 and (
                    (resource.etag and self.headers.get("If-None-Match") == resource.etag)
                    or (
                        resource.last_modified
                        and self.headers.get("If-Modified-Since") == resource.last_modified
                    )
                ):
                    status = 304
                with server._lock:
                    server.requests.append(Seen("GET", path, dict(self.headers.items()), status))
                if resource.delay:
                    time.sleep(resource.delay)
                body = b"" if status == 304 else resource.payload()
                headers = dict(resource.headers)
                if resource.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", resource.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    if resource.etag:
                        self.send_header("ETag", resource.etag)
                    if resource.last_modified:
                        self.send_header("Last-Modified", resource.last_modified)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if resource.trickle:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(resource.trickle)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up
                    pass

        return Handler

    def start(self) -> FeedServer:
        server_class = _Server6 if ":" in self.host else _Server
        self._server = server_class((self.host, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def rss(title: str, items: Sequence[dict[str, str]], *, link: str = "http://example.org/") -> str:
    """An RSS 2.0 document: ``items`` of ``link``, ``title`` and optional ``pubDate``,
    ``guid``, ``author``."""
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        "<description>news</description>",
    ]
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "pubDate", "author"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts)


def html_page(title: str, paragraphs: Sequence[str], *, published: str | None = None) -> str:
    """A news page as sites write them: navigation and footer around the article."""
    from html import escape

    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title>{meta}</head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright the outlet. All rights reserved.</footer></body></html>"
    )
