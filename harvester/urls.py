"""URL canonicalisation and classification by URL alone.

A material's id is derived from its canonical URL, so everything that makes two
URLs of the same thing differ (tracking parameters, cache busters, fragments,
default ports, letter case of the host) is removed here and only here.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|yclid|replytocom|share)$", re.I
)
# Liferay portlet state (p_p_*) and its document cache buster (?t=<ms>) never identify content.
PORTAL_PARAMS = re.compile(r"^(p_p_[a-z_]+|p_l_[a-z_]+|_com_liferay_[a-z0-9_]+|_101_INSTANCE_.*)$", re.I)
FILE_EXTENSIONS = {
    "pdf": "pdf",
    "doc": "doc",
    "docx": "docx",
    "odt": "odt",
    "rtf": "rtf",
    "ppt": "ppt",
    "pptx": "pptx",
    "odp": "odp",
    "xls": "xls",
    "xlsx": "xlsx",
    "ods": "ods",
    "mp3": "audio",
    "m4a": "audio",
    "ogg": "audio",
    "mp4": "video",
    "webm": "video",
}
SKIP_EXTENSIONS = {
    "jpg", "jpeg", "png", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff",
    "css", "js", "json", "xml", "rss", "atom", "zip", "gz", "tar", "exe", "dmg", "apk", "ics",
    "woff", "woff2", "ttf", "eot", "otf",
}  # fmt: skip
# Liferay serves documents as /documents/<group>/<folder>/<Name>.pdf/<uuid>
LIFERAY_DOCUMENT = re.compile(r"/documents/[^?#]*?\.([a-z0-9]{2,4})/[0-9a-f-]{8,}", re.I)


@functools.lru_cache(maxsize=16384)
def canonicalize(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL (cached: every page repeats its
    site's navigation links, ~20 calls a page)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets: without them the URL means another host
        host = f"[{host}]"
    port = parts.port  # ValueError for a port out of range: a malformed URL
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path or "/"), safe="/:@!$&'()*+,;=-._~%")
    is_document = bool(LIFERAY_DOCUMENT.search(path))
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(k)
        and not PORTAL_PARAMS.match(k)
        and not (is_document and k in ("t", "version", "download"))
    ]
    query.sort()
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def material_id(canonical_url: str) -> str:
    """Stable id of a material: a short hash of its canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


def file_format(url: str) -> str | None:
    """The document format named by a URL ('pdf', 'docx', …), or None for a page."""
    path = urlsplit(url).path.lower()
    match = LIFERAY_DOCUMENT.search(path)
    ext = match.group(1) if match else path.rsplit("/", 1)[-1].rpartition(".")[2]
    if "." not in path.rsplit("/", 1)[-1] and not match:
        return None
    return FILE_EXTENSIONS.get(ext)


def is_skippable(url: str) -> bool:
    """True for URLs that are neither pages nor documents (images, styles, feeds, archives)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return True
    last = parts.path.rsplit("/", 1)[-1].lower()
    return "." in last and last.rpartition(".")[2] in SKIP_EXTENSIONS


def in_scope(url: str, scope: tuple[str, ...] | list[str]) -> bool:
    """Prefix match on canonical forms, so ports, case and trailing parameters do not matter."""
    canonical = canonicalize(url)
    for prefix in scope:
        p = canonicalize(prefix)
        if p.endswith("/") or not urlsplit(p).path.strip("/"):
            if canonical.startswith(p):
                return True
        elif canonical == p or canonical.startswith(p + "/") or canonical.startswith(p + "?"):
            return True
    return False
