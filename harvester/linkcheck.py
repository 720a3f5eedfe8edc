"""Link health: is every catalogued material still where the catalogue says, and if not, where
the Wayback Machine keeps a copy.

As careful as the harvester, because the URLs come from sites nobody maintains any more:
- only http(s), and never a private, loopback, link-local or unspecified address — whether the URL
  names it, its host name resolves to it, or a redirect points there: every hop is vetted
  (harvester/netguard.py) before it is connected to, and the connection goes to the vetted address;
  an address is allowed only when the operator named it literally (`allowed`, "host:port");
- robots.txt is obeyed (fetched through the same guard), one request at a time per host with the
  harvester's delay between them;
- a total deadline per request, whatever the server does (a server that sends one header byte a
  second is cut off at the deadline, not after each byte), and a read limit;
- results are handed over as they come (`iter_check_links`), so an interrupted check keeps what it did.
Knows the catalogue only through plain rows.
"""

from __future__ import annotations

import contextlib
import http.client
import queue
import socket
import ssl
import threading
import time
import urllib.error
import urllib.robotparser
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from harvester.netguard import RefusedAddress, vetted_address
from harvester.settings import DOWNLOAD_DELAY
from harvester.wayback import DEFAULT_WAYBACK, USER_AGENT, latest_snapshot

DEFAULT_CDX = "https://web.archive.org/cdx/search/cdx"
HEAD_REFUSED = {403, 405, 501}
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
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


class NotChecked(Exception):
    """The URL (or a redirect on the way) may not be asked: the reason, for the operator."""


class _Deadline:
    """Shuts the socket down when the request's time is up, which ends any read blocked on it."""

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds
        self.sock: socket.socket | None = None
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline")
        return left

    def _expire(self) -> None:
        self.expired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to the vetted address, with the URL's host name for Host, SNI and the
    certificate check."""

    def __init__(self, scheme: str, host: str, port: int, address: str, deadline: _Deadline):
        super().__init__(host, port, timeout=deadline.left())
        self.scheme, self.address, self.deadline = scheme, address, deadline
        self.default_port = 443 if scheme == "https" else 80  # Host: without :443 for https

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), timeout=self.deadline.left())
        self.deadline.sock = sock
        if self.deadline.expired:
            sock.close()
            raise TimeoutError("deadline")
        if self.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def fetch(
    url: str, method: str, timeout: float, allowed: frozenset[str] = frozenset(), read: int = 0
) -> tuple[int, bytes, str]:
    """(status, first `read` bytes of the body, final URL) of one request, redirects followed
    (each one vetted) within one total deadline. Raises NotChecked for a refused hop, TimeoutError at
    the deadline, OSError (and http.client errors) for a server that cannot be reached or read."""
    deadline = _Deadline(timeout)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                scheme, host, port, address = vetted_address(url, allowed)
            except RefusedAddress as exc:
                raise NotChecked(str(exc)) from None
            parts = urlsplit(url)
            conn = _PinnedConnection(scheme, host, port, address, deadline)
            try:
                conn.request(method, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                             headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})  # fmt: skip
                response = conn.getresponse()
                body = response.read(read) if read and method == "GET" else b""
            except (OSError, http.client.HTTPException) as exc:
                if deadline.expired:
                    raise TimeoutError("deadline") from None
                raise OSError(str(exc) or type(exc).__name__) from None
            finally:
                conn.close()
            location = response.getheader("Location")
            if response.status in REDIRECTS and location:
                url = urljoin(url, location.strip())
                continue
            return response.status, body, url
        raise OSError(f"more than {MAX_REDIRECTS} redirects")
    finally:
        deadline.cancel()


def check_url(
    url: str, timeout: float, allowed: frozenset[str] = frozenset()
) -> tuple[int | None, str | None]:
    """(status, error) of one URL: HEAD first (cheap), GET for servers that refuse HEAD.
    Status None = not checked (refused by the guard), 0 = unreachable."""
    for method in ("HEAD", "GET"):
        try:
            status, _, _ = fetch(url, method, timeout, allowed, read=MAX_READ)
        except NotChecked as exc:
            return None, f"not checked: {exc}"
        except TimeoutError:
            return 0, f"unreachable: no complete answer within {timeout:g} s"
        except OSError as exc:
            return 0, f"unreachable: {exc}"
        if method == "HEAD" and status in HEAD_REFUSED:
            continue
        return status, (f"HTTP {status}" if status >= 400 else None)
    return 0, "no answer"


class HostRules:
    """What may be asked of one host: its robots.txt for our User-Agent, looked up once (through the
    guard), and the delay since the host's previous response."""

    def __init__(self, origin: str, timeout: float, delay: float, allowed: frozenset[str]):
        self.delay, self.last = delay, None
        self.robots = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        self.refused = None
        try:
            status, body, _ = fetch(self.robots.url, "GET", timeout, allowed, read=MAX_READ)
        except NotChecked as exc:
            self.refused = str(exc)
            return
        except OSError:  # TimeoutError included: no robots.txt reachable, no rules (as Scrapy reads it)
            status, body = 404, b""
        # rules only from a robots.txt that is there; any other answer means no rules, as Scrapy reads it
        self.robots.parse(body.decode("utf-8", "replace").splitlines() if 200 <= status < 300 else [])

    def wait(self) -> None:
        if self.last is not None:
            time.sleep(max(0.0, self.delay - (time.monotonic() - self.last)))

    def done(self) -> None:
        self.last = time.monotonic()


def iter_check_links(
    rows: list[dict],
    timeout: float = 10.0,
    cdx: str = DEFAULT_CDX,
    wayback: str = DEFAULT_WAYBACK,
    workers: int = 8,
    delay: float = DOWNLOAD_DELAY,
    allowed: frozenset[str] = frozenset(),
) -> Iterator[LinkResult]:
    """Check every row's URL (rows: {id, url}), yielding each result as soon as it is known; dead
    ones get their latest snapshot, if any. Hosts are checked in parallel, one request at a time each."""
    by_host: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_host[urlsplit(row["url"]).netloc.lower()].append(row)
    done: queue.Queue = queue.Queue()
    finished = object()

    def check_host(host_rows: list[dict]) -> None:
        try:
            parts = urlsplit(host_rows[0]["url"])
            rules = HostRules(f"{parts.scheme}://{parts.netloc}", timeout, delay, allowed)
            for row in host_rows:
                done.put(_check_row(row, rules, timeout, cdx, wayback, allowed))
        except Exception as exc:  # noqa: BLE001 - one host's failure is that host's result, not the run's
            for row in host_rows:
                done.put(LinkResult(row["id"], row["url"], 0, f"unreachable: {exc}"))
        finally:
            done.put(finished)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for host_rows in by_host.values():
            pool.submit(check_host, host_rows)
        remaining = len(by_host)
        while remaining:
            item = done.get()
            if item is finished:
                remaining -= 1
            else:
                yield item


def _check_row(row, rules: HostRules, timeout, cdx, wayback, allowed) -> LinkResult:
    if rules.refused:
        return LinkResult(row["id"], row["url"], None, f"not checked: {rules.refused}")
    if not rules.robots.can_fetch(USER_AGENT, row["url"]):
        return LinkResult(row["id"], row["url"], None, "not checked: disallowed by robots.txt")
    rules.wait()
    status, error = check_url(row["url"], timeout, allowed)
    rules.done()
    result = LinkResult(row["id"], row["url"], status, error)
    if result.dead and cdx:
        try:
            result.archived_url = latest_snapshot(row["url"], cdx, wayback, timeout)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            result.error = f"{error}; Wayback lookup failed: {exc}"
    return result


def check_links(rows: list[dict], **options) -> list[LinkResult]:
    """Every result at once (iter_check_links' options)."""
    return list(iter_check_links(rows, **options))
