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
