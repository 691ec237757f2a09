"""Which IP addresses a user-given URL may make us connect to.

Only globally routable unicast addresses are allowed. This keeps a calendar URL from
reaching our own machine, the private network, or cloud metadata services (SSRF).

>>> check_address("93.184.215.14")
>>> check_address("169.254.169.254")
Traceback (most recent call last):
...
calendars.errors.ForbiddenAddress: 169.254.169.254 is a link-local address (cloud metadata)
>>> check_address("::ffff:10.0.0.1")
Traceback (most recent call last):
...
calendars.errors.ForbiddenAddress: ::ffff:10.0.0.1 is an IPv4-mapped IPv6 address
>>> check_address("127.0.0.1", allow_loopback=True)
"""

from __future__ import annotations

import ipaddress

from calendars.errors import ForbiddenAddress

__all__ = ["check_address", "forbidden_reason"]

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def forbidden_reason(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why we refuse to connect to ``address``, or ``None`` when it is allowed.

    Parameters:
        address: The address.
        allow_loopback: Allow 127.0.0.0/8 and ::1. For tests against a local server
            only; never set it in production.

    >>> forbidden_reason(ipaddress.ip_address("100.64.1.1"))
    'a carrier-grade NAT (CGNAT) address'
    >>> forbidden_reason(ipaddress.ip_address("fd00::1"))
    'a private address'
    """
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "an IPv4-mapped IPv6 address"
        if address in _SIX_TO_FOUR or address in _TEREDO:
            return "an IPv6 address embedding an IPv4 address (6to4, Teredo)"
        if address in _NAT64 or address in _NAT64_LOCAL:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
            inner = forbidden_reason(embedded)
            return f"a NAT64 address of {inner}" if inner else None
        if address.is_site_local:
            return "a site-local address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_link_local:
        if str(address) in {"169.254.169.254", "fd00:ec2::254"}:
            return "a link-local address (cloud metadata)"
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "a carrier-grade NAT (CGNAT) address"
    if address.is_private:
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "not a globally routable address"
    return None


def check_address(text: str, *, allow_loopback: bool = False) -> None:
    """Raise :class:`~calendars.errors.ForbiddenAddress` unless ``text`` is an allowed
    IP address.

    Parameters:
        text: An IPv4 or IPv6 address as text (a scope such as ``%eth0`` is ignored).
        allow_loopback: See :func:`forbidden_reason`.

    Raises:
        calendars.errors.ForbiddenAddress: For a forbidden or unreadable address.
    """
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        raise ForbiddenAddress(f"{text!r} is not an IP address") from None
    reason = forbidden_reason(address, allow_loopback=allow_loopback)
    if reason is not None:
        raise ForbiddenAddress(f"{text} is {reason}")
