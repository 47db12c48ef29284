"""The internal-address guard (server-side request forgery).

A feed URL may only reach public addresses, unless the address is inside one of the networks in
ALLOWED_PRIVATE_NETWORKS. The check that cannot be walked around runs on the socket itself:
`guarded_socket_factory` vets the address of every connection aiohttp opens, whatever the URL
looked like (a host name, an IP literal in any spelling, a redirect hop, a DNS answer that
changed). Two earlier checks only give a clearer message: `GuardedResolver` names the host
whose DNS answer was internal, and `AddressGuard.check_url` refuses IP literals before any
connection, reading the host as the HTTP client will send it (`client_host`: IDNA/UTS-46
mapping, so "127。0。0。2" is 127.0.0.2).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

from bot.errors import BlockedAddressError, InvalidFeedURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressGuard:
    """Decides whether an address may be contacted."""

    def __init__(self, allowed: Iterable[IPNetwork] = ()) -> None:
        self.allowed = tuple(allowed)

    def is_allowed(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address.version == net.version and address in net for net in self.allowed):
            return True
        return address.is_global and not address.is_multicast

    def check(self, address: IPAddress, url: str) -> None:
        """Raise BlockedAddressError unless `address` may be contacted."""
        if not self.is_allowed(address):
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
                address = address.ipv4_mapped  # say 127.0.0.2, not ::ffff:7f00:2
            raise BlockedAddressError(
                url,
                f"refused: {url} resolves to the internal address {address} "
                "(add it to ALLOWED_PRIVATE_NETWORKS to allow it)",
            )

    def check_url(self, url: str) -> None:
        """Vet a URL whose host is an IP literal, read as the HTTP client will send it (host
        names are vetted by the resolver, and every connection by the socket factory).
        Raises BlockedAddressError, or InvalidFeedURLError when the client cannot use the URL."""
        self.check_host(client_host(url), url)

    def check_host(self, host: str, url: str) -> None:
        """`check_url` for a host already read as the HTTP client sends it."""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return
        self.check(address, url)


def client_host(url: str) -> str:
    """The host of `url` exactly as httpx will connect to it: IDNA/UTS-46 mapped (full-width
    and ideographic dots become "."), lowercased, IPv6 brackets removed. Raises
    InvalidFeedURLError when httpx cannot use the URL at all."""
    import httpx

    try:
        return httpx.URL(url).host
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise InvalidFeedURLError(f"the URL cannot be used: {exc}") from None


class _Blocked(BlockedAddressError):
    """Raised inside the resolver; not an OSError, so aiohttp passes it through untouched."""


def guarded_resolver(guard: AddressGuard) -> Any:
    """An aiohttp resolver that refuses host names resolving to addresses the guard rejects."""
    from aiohttp.resolver import ThreadedResolver

    class GuardedResolver(ThreadedResolver):
        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> Any:
            results = await super().resolve(host, port, family)
            for result in results:
                guard_address = ipaddress.ip_address(result["host"].split("%", 1)[0])
                if not guard.is_allowed(guard_address):
                    raise _Blocked(
                        host,
                        f"refused: {host} resolves to the internal address {guard_address} "
                        "(add it to ALLOWED_PRIVATE_NETWORKS to allow it)",
                    )
            return results

    return GuardedResolver()


def guarded_socket_factory(guard: AddressGuard) -> Any:
    """An aiohttp `socket_factory` that refuses to create the socket for an address the guard
    rejects: the last word on every connection, IP literals and every redirect hop included.
    It raises `_Blocked` (not an OSError), so the connection attempt stops there instead of
    trying the next address."""

    def factory(addr_info: tuple[Any, ...]) -> socket.socket:
        family, type_, proto, _canonname, sockaddr = addr_info
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not guard.is_allowed(address):
            raise _Blocked(
                str(address),
                f"refused: the connection would reach the internal address {address} "
                "(add it to ALLOWED_PRIVATE_NETWORKS to allow it)",
            )
        return socket.socket(family=family, type=type_, proto=proto)

    return factory
