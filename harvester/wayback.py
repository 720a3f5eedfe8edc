"""The Internet Archive's Wayback Machine: snapshot URLs and the CDX lookup.

Dead project sites often survive only there. `id_` snapshots return the page as it was
archived (links not rewritten), so the site spider can crawl a snapshot with the original URLs.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

DEFAULT_WAYBACK = "https://web.archive.org"
SNAPSHOT = re.compile(r"/web/(\d{1,14})(?:id_)?/(https?://.+)$")


def snapshot_request_url(url: str, wayback: str = DEFAULT_WAYBACK) -> str:
    """The latest raw snapshot of `url` (the Wayback Machine redirects '2…' to the newest one)."""
    return f"{wayback.rstrip('/')}/web/2id_/{url}"


def original_url(snapshot_url: str) -> tuple[str, str | None]:
    """(original URL, timestamp) of a snapshot URL; a URL that is no snapshot comes back as it is."""
    match = SNAPSHOT.search(snapshot_url)
    if not match:
        return snapshot_url, None
    return match.group(2), match.group(1)


def latest_snapshot(url: str, cdx: str, wayback: str = DEFAULT_WAYBACK, timeout: float = 20.0) -> str | None:
    """The newest successful snapshot of `url` from the CDX API, as a viewable Wayback URL."""
    query = urllib.parse.urlencode(
        {"url": url, "output": "json", "filter": "statuscode:200", "fl": "timestamp,original", "limit": "-1"}
    )
    request = urllib.request.Request(f"{cdx}?{query}", headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) endpoint from config
        rows = json.loads(response.read(2_000_000) or b"[]")
    if len(rows) < 2:  # the first row is the field names
        return None
    timestamp, original = rows[-1][0], rows[-1][1]
    return f"{wayback.rstrip('/')}/web/{timestamp}/{original}"


USER_AGENT = "Aineistopankki/0.1 (open materials bank for immigrant integration work; link checker)"
