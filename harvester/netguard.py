"""Which hosts a crawler or checker of ours may contact: never a host NAME that resolves to a
private, loopback, link-local or reserved address (DNS rebinding, a decayed domain taken over).
An address written literally (the demo web's 127.0.0.1) is the operator's explicit choice."""

from __future__ import annotations

import ipaddress
import socket


def non_public_address(host: str) -> str | None:
    """The first private, loopback, link-local or reserved address a host name resolves to, if any."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None  # unresolvable: the download itself reports the DNS error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return str(address)
    return None


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class RefusedAddress(ValueError):
    """A URL our checker must not contact: not http(s), malformed, or a non-public address."""


def vetted_address(url: str, allowed: frozenset[str] = frozenset()) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) of an http(s) URL whose host resolves only to public
    addresses, or is one of `allowed` ("host:port" the operator named literally, as the demo web's
    127.0.0.1:8701). The caller connects to the returned address itself, so a second DNS answer
    (rebinding) cannot send it elsewhere. Raises RefusedAddress with the reason."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress(f"not an http(s) URL: {parts.scheme or 'no scheme'}")
    try:
        host, port = (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise RefusedAddress(f"malformed URL: {exc}") from None
    if not host:
        raise RefusedAddress("malformed URL: no host")
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedAddress(f"unreachable: cannot resolve {host}: {exc}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    named = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if named not in allowed:
        for address in addresses:
            if not address.is_global:
                raise RefusedAddress(f"resolves to {address}, a non-public address")
    return parts.scheme, host, port, str(addresses[0])
