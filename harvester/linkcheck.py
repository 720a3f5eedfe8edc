"""Link health: is every catalogued material still where the catalogue says, and if not, where
the Wayback Machine keeps a copy.

As polite and as careful as the harvester: robots.txt is obeyed (a disallowed URL is not
requested), one request at a time per host with the harvester's delay between them, and never a
host name that resolves to a private address. HEAD first (cheap), GET for servers that refuse HEAD,
with a time limit and a read limit. Knows the catalogue only through plain rows.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from harvester.netguard import is_ip_literal, non_public_address
from harvester.settings import DOWNLOAD_DELAY
from harvester.wayback import DEFAULT_WAYBACK, USER_AGENT, latest_snapshot

DEFAULT_CDX = "https://web.archive.org/cdx/search/cdx"
HEAD_REFUSED = {403, 405, 501}
MAX_READ = 64 * 1024


@dataclass
class LinkResult:
    id: str
    url: str
    status: int | None  # HTTP status, 0 when the server could not be reached, None when not asked
    error: str | None
    archived_url: str | None = None

    @property
    def dead(self) -> bool:
        return self.status is not None and (self.status == 0 or self.status >= 400)


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


class HostRules:
    """What may be asked of one host: its robots.txt for our User-Agent and the address guard,
    each looked up once; and the delay since the host's previous response."""

    def __init__(self, origin: str, host: str, timeout: float, delay: float):
        self.delay, self.last = delay, None
        self.refused = None if is_ip_literal(host) else non_public_address(host)
        self.robots = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        if self.refused:
            return
        try:
            request = urllib.request.Request(self.robots.url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) origin
                self.robots.parse(response.read(MAX_READ).decode("utf-8", "replace").splitlines())
        except (urllib.error.URLError, TimeoutError, OSError):
            self.robots.parse([])  # no robots.txt (or none reachable): no rules, as Scrapy reads it

    def wait(self) -> None:
        if self.last is not None:
            time.sleep(max(0.0, self.delay - (time.monotonic() - self.last)))

    def done(self) -> None:
        self.last = time.monotonic()


def check_links(
    rows: list[dict],
    timeout: float = 10.0,
    cdx: str = DEFAULT_CDX,
    wayback: str = DEFAULT_WAYBACK,
    workers: int = 8,
    delay: float = DOWNLOAD_DELAY,
) -> list[LinkResult]:
    """Check every row's URL (rows: {id, url}); dead ones get their latest snapshot, if any."""
    by_host: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_host[urlsplit(row["url"]).netloc].append(row)

    def check_host(host_rows: list[dict]) -> list[LinkResult]:
        parts = urlsplit(host_rows[0]["url"])
        rules = HostRules(f"{parts.scheme}://{parts.netloc}", (parts.hostname or "").lower(), timeout, delay)
        results = []
        for row in host_rows:
            if rules.refused:
                results.append(
                    LinkResult(row["id"], row["url"], None, f"not checked: resolves to {rules.refused}")
                )
                continue
            if not rules.robots.can_fetch(USER_AGENT, row["url"]):
                results.append(
                    LinkResult(row["id"], row["url"], None, "not checked: disallowed by robots.txt")
                )
                continue
            rules.wait()
            status, error = check_url(row["url"], timeout)
            rules.done()
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
