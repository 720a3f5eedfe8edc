"""Link health: is every catalogued material still where the catalogue says, and if not, where
the Wayback Machine keeps a copy.

HEAD first (cheap), GET for servers that refuse HEAD, with a time limit and a read limit; one
host at a time so that a check is as polite as a harvest. Knows the catalogue only through
plain rows; the CLI reads and writes them.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from harvester.wayback import DEFAULT_WAYBACK, USER_AGENT, latest_snapshot

DEFAULT_CDX = "https://web.archive.org/cdx/search/cdx"
HEAD_REFUSED = {403, 405, 501}
MAX_READ = 64 * 1024


@dataclass
class LinkResult:
    id: str
    url: str
    status: int  # HTTP status, 0 when the server could not be reached
    error: str | None
    archived_url: str | None = None

    @property
    def dead(self) -> bool:
        return self.status == 0 or self.status >= 400


def check_url(url: str, timeout: float) -> tuple[int, str | None]:
    """(status, error) of one URL."""
    if urlsplit(url).scheme not in ("http", "https"):
        return 0, "not an http(s) URL"
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
                if method == "GET":
                    response.read(MAX_READ)
                return response.status, None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in HEAD_REFUSED:
                continue
            return exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return 0, f"unreachable: {reason}"
    return 0, "no answer"


def check_links(
    rows: list[dict],
    timeout: float = 10.0,
    cdx: str = DEFAULT_CDX,
    wayback: str = DEFAULT_WAYBACK,
    workers: int = 8,
) -> list[LinkResult]:
    """Check every row's URL (rows: {id, url}); dead ones get their latest snapshot, if any."""
    by_host: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_host[urlsplit(row["url"]).netloc].append(row)

    def check_host(host_rows: list[dict]) -> list[LinkResult]:
        results = []
        for row in host_rows:
            status, error = check_url(row["url"], timeout)
            result = LinkResult(row["id"], row["url"], status, error)
            if result.dead and cdx:
                try:
                    result.archived_url = latest_snapshot(row["url"], cdx, wayback, timeout)
                except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
                    result.error = f"{error}; Wayback lookup failed: {exc}"
            results.append(result)
        return results

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return [r for batch in pool.map(check_host, by_host.values()) for r in batch]
