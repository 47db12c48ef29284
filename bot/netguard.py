"""The internal-address guard (server-side request forgery).

A feed URL may only reach public addresses, unless the address is inside one of the networks in
ALLOWED_PRIVATE_NETWORKS. The check runs where the connection is made: `GuardedResolver` vets
every address DNS returns (so a redirect hop or a DNS answer that changes between checks is
caught too), and `AddressGuard.check_url` vets hosts written as IP literals, which aiohttp does
not resolve.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

from bot.errors import BlockedAddressError
from bot.urls import host_ip_literal

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
            raise BlockedAddressError(
                url,
                f"refused: {url} resolves to the internal address {address} "
                "(add it to ALLOWED_PRIVATE_NETWORKS to allow it)",
            )

    def check_url(self, url: str) -> None:
        """Vet a URL whose host is an IP literal (host names are vetted by the resolver)."""
        address = host_ip_literal(url)
        if address is not None:
            self.check(address, url)


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
