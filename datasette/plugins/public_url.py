"""Absolute URLs from configuration, never from the request: OAI-PMH's baseURL, the Atom feed's ids
and links, the sitemap and robots.txt all come from Datasette's absolute_url(), which reads the
request's Host header. A client (or a cache poisoner) can send any Host, so every request's Host and
scheme are replaced here by the catalogue's public address before Datasette sees them.

The address: `AINEISTOPANKKI_BASE_URL`, else `plugins: aineistopankki: base_url` in metadata.yml, else
the address the server listens on (right for `make demo`, wrong behind a reverse proxy: set it there).
A base URL that is not a plain http(s) origin stops the server at startup.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from datasette import hookimpl

HOST = re.compile(r"^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$")


class BaseUrlError(ValueError):
    pass


def configured_base_url(datasette) -> str | None:
    """The configured public origin (scheme://host[:port], no trailing slash), checked; None if unset."""
    value = os.environ.get("AINEISTOPANKKI_BASE_URL") or (
        (datasette.plugin_config("aineistopankki") or {}).get("base_url")
    )
    if not value:
        return None
    parts = urlsplit(str(value).strip())
    if (
        parts.scheme not in ("http", "https")
        or not HOST.match(parts.netloc.lower())
        or parts.path not in ("", "/")
    ):
        raise BaseUrlError(
            f"base_url {value!r} is not an http(s) origin such as https://aineistopankki.example.fi "
            "(AINEISTOPANKKI_BASE_URL or plugins: aineistopankki: base_url in datasette/metadata.yml)"
        )
    if parts.query or parts.fragment or parts.username:
        raise BaseUrlError(f"base_url {value!r} must be a bare origin")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _listening_origin(scope) -> tuple[str, str]:
    host, port = (scope.get("server") or ("localhost", None))[:2]
    host = f"[{host}]" if ":" in str(host) else str(host)
    return "http", host if port in (None, 80) else f"{host}:{port}"


@hookimpl
def startup(datasette):
    configured_base_url(datasette)  # a bad value stops the server here, with its message


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_public_host(scope, receive, send):
            if scope.get("type") in ("http", "websocket"):
                base = configured_base_url(datasette)
                if base:
                    parts = urlsplit(base)
                    scheme, netloc = parts.scheme, parts.netloc
                else:
                    scheme, netloc = _listening_origin(scope)
                headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"host"]
                scope = {**scope, "scheme": scheme, "headers": [*headers, (b"host", netloc.encode("ascii"))]}
            await app(scope, receive, send)

        return with_public_host

    return wrap
