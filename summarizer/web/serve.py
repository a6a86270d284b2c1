"""How the review page is served: uvicorn, told whom to trust.

uvicorn's default trusts ``X-Forwarded-For`` from 127.0.0.1: any process on the server
could then claim to be any client and slip past the per-address sign-in limit. Here no
proxy is trusted unless named (``forwarded_allow_ips``: the proxy's addresses, comma-
separated, or ``*``), and then the proxy is taken to serve HTTPS, so the app marks its
cookies ``Secure`` (``secure_cookies``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["secure_cookies", "server_config"]


def secure_cookies(*, ssl_certfile: str | None, forwarded_allow_ips: str | None) -> bool:
    """Cookies are ``Secure`` when this server speaks HTTPS or sits behind a proxy."""
    return bool(ssl_certfile or forwarded_allow_ips)


def server_config(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    forwarded_allow_ips: str | None = None,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> Any:
    """The ``uvicorn.Config`` the review page runs under (``uvicorn.Server(config)``)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or "",
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
