"""Which addresses the mirror may connect to: public ones only, unless the run says otherwise.

The check sits where every connection starts, `socket.getaddrinfo`, so it holds after DNS
resolution and again after each redirect (every new host is resolved through it), whatever
HTTP library yt-dlp picks. It is installed in the mirror's own processes only.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

#: appears in every refusal, so the failure is classified as "refused" wherever it surfaces
REFUSAL_MARK = "[memoria: address refused]"

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses always; private, loopback, link-local and multicast only when allowed."""

    allow_private: bool = False
    allowed_networks: tuple[IpNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_strings(cls, allow_private: bool, networks: list[str] | tuple[str, ...] = ()) -> AddressPolicy:
        return cls(allow_private, tuple(ipaddress.ip_network(n, strict=False) for n in networks))

    def as_strings(self) -> list[str]:
        return [str(n) for n in self.allowed_networks]

    def permits(self, address: IpAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if self.allow_private:
            return True
        if any(address in network for network in self.allowed_networks):
            return True
        return address.is_global and not address.is_multicast

    def check_host(self, host: str, port: int | None = None) -> None:
        """Resolve `host` and raise OSError if any of its addresses is not permitted."""
        _checked_getaddrinfo(self, _ORIGINAL_GETADDRINFO, host, port)


_ORIGINAL_GETADDRINFO = socket.getaddrinfo


def _checked_getaddrinfo(
    policy: AddressPolicy, original: Any, host: Any, port: Any, *args: Any, **kwargs: Any
) -> Any:
    results = original(host, port, *args, **kwargs)
    for family, _type, _proto, _name, sockaddr in results:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not policy.permits(address):
            raise OSError(
                f"{REFUSAL_MARK} {host} resolves to {address}, a private, loopback, link-local or multicast "
                "address: the mirror only fetches from public addresses (use --allow-private-addresses "
                "for a server on your own network)"
            )
    return results


@contextmanager
def guarded(policy: AddressPolicy) -> Iterator[None]:
    """Every connection made in this process while the block runs goes through the policy."""
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        return _checked_getaddrinfo(policy, original, host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.getaddrinfo = original
