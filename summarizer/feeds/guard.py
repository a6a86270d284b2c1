"""Where the fetcher may go: no internal address is fetched unless a newsroom lists it.

Feeds are written by others, and a feed's link (or a page's redirect) can point anywhere:
at the server's own loopback port, at the cloud's metadata address, at a printer on the
office network. Fetching it and publishing what came back is server-side request forgery
(OWASP's SSRF cheat sheet). So every request the fetcher makes, the first and every
redirect hop, goes through ``GuardedTransport``, which resolves the host itself, refuses
the request unless *every* address the name resolves to is a public unicast address
(``ipaddress``'s ``is_global``, and not multicast; an IPv4 address inside IPv6, mapped,
6to4 or Teredo, is judged as the IPv4 address it carries), and then connects to the
address it checked, not to the name: a second DNS answer cannot swap in another address
(DNS rebinding). TLS still verifies the certificate for the name (SNI), and the Host
header still names it.

``AllowList`` opens named exceptions for a newsroom's own intranet feeds: host names,
addresses, or networks in CIDR form (``SUMMARIZER_FETCH_ALLOW``, comma-separated).

This module never follows a redirect and never reads a body; it only decides and pins.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

__all__ = ["ALLOW_ENV", "AllowList", "Blocked", "GuardedTransport", "is_public"]

ALLOW_ENV = "SUMMARIZER_FETCH_ALLOW"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Blocked(httpx.TransportError):
    """The request would reach an address the fetcher must not reach (or a scheme it
    does not speak). A transport error, so httpx hands it up as it is."""


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64 (RFC 6052)
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """A public unicast address: not loopback, private, link-local (cloud metadata),
    shared, reserved, unspecified or multicast, nor an IPv4 one of those inside IPv6."""
    inner = _embedded_ipv4(ip)
    if inner is not None:  # judged as the IPv4 address it reaches, on every Python
        return is_public(inner)
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class AllowList:
    """Hosts, addresses and networks a newsroom lets the fetcher reach though internal."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, items: Iterable[str]) -> AllowList:
        """From entries like ``intranet.example``, ``10.1.2.3``, ``10.0.0.0/8``, ``::1``;
        ``ValueError`` naming an entry that is none of these."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in items:
            item = raw.strip().strip("[]")
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
                continue
            except ValueError:
                pass
            if "/" in item or any(c.isspace() for c in item):
                raise ValueError(f"{ALLOW_ENV}: {raw!r} is not a host name, address or network")
            hosts.add(item.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    @classmethod
    def from_environment(cls) -> AllowList:
        return cls.parse(os.environ.get(ALLOW_ENV, "").split(","))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, ip: IPAddress) -> bool:
        """Listed, itself or as the IPv4 address it carries (::ffff:10.0.0.1 is 10.0.0.1)."""
        inner = _embedded_ipv4(ip)
        return any(
            candidate.version == net.version and candidate in net
            for candidate in (ip, inner)
            if candidate is not None
            for net in self.networks
        )

    def __bool__(self) -> bool:
        return bool(self.hosts or self.networks)


async def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
    # a scoped IPv6 address ("fe80::1%eth0") is link-local whatever its scope
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks each request's destination after resolving it, then pins the connection
    to the checked address. Wraps a real transport (``httpx.AsyncHTTPTransport``)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, allow: AllowList) -> None:
        self._inner = inner
        self._allow = allow

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise Blocked(f"{url.scheme}: is not http or https", request=request)
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        addresses = await _resolve(host, port)
        if not addresses:
            raise httpx.ConnectError(f"{host} resolves to no address", request=request)
        if not self._allow.allows_host(host):
            refused = [
                ip for ip in addresses if not is_public(ip) and not self._allow.allows_address(ip)
            ]
            if refused:
                what = (
                    f"{host} is" if str(refused[0]) == host else f"{host} resolves to {refused[0]},"
                )
                raise Blocked(
                    f"{what} an internal address (allow it with {ALLOW_ENV})", request=request
                )
        # connect to an address checked above, each in turn if one refuses ("localhost"
        # is ::1 and 127.0.0.1); the Host header (set when the request was built) and
        # TLS's server name still say the name
        failure: httpx.ConnectError | None = None
        for ip in dict.fromkeys(addresses):
            if str(ip) != host:
                request.extensions = {**request.extensions, "sni_hostname": host}
                request.url = url.copy_with(host=str(ip))
            try:
                return await self._inner.handle_async_request(request)
            except httpx.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        await self._inner.aclose()
