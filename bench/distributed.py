"""Distributed harvest on the synthetic web (many hosts, PDFs): pages/s with 1, 2 and 4 workers over one
Redis frontier (a real redis-server on a free loopback port), beside a single-process harvest of the same
web; politeness measured at the servers over all workers (requests in flight per host, gaps below the
delay); the catalogue compared with the single-process one; and a run in which one worker is killed with
SIGKILL midway.

Pages/s = responses counted at the servers / wall time of the harvest command (process starts, imports,
the publish included). Rounds are interleaved; the medians are reported.
Usage: python bench/distributed.py [ROUNDS]    (default 2)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from synthweb import SyntheticWeb  # noqa: E402

HOSTS = 16
PAGES = 400  # per host: long enough that process starts and the publish weigh little
PDFS = 6  # per host
DELAY = 0.02  # seconds between two requests to one host (the production default is 1 s)
SLOTS = 8  # units of hosts a worker crawls at once
TAG_COLUMNS = "content_hash, title, type, languages, plain_language, phases, audiences, status"


class CountingWeb(SyntheticWeb):
    """The synthetic web, also counting requests in flight per host (two at once = two workers on one
    host), and answering conditional requests (ETag) so that re-harvests can be checked."""

    def __init__(self, pages_per_host: list[int], pdfs_per_host: int = 0):
        super().__init__(pages_per_host, pdfs_per_host)
        self.in_flight: dict[int, int] = {}
        self.most_in_flight: dict[int, int] = {}
        self.not_modified = 0

    def __enter__(self) -> CountingWeb:
        for host in range(len(self.sizes)):
            self.in_flight[host] = self.most_in_flight[host] = 0
        return super().__enter__()

    def reset(self) -> None:
        with self._lock:
            for host in self.arrivals:
                self.arrivals[host] = []
                self.most_in_flight[host] = 0
            self.bytes_sent = self.not_modified = 0

    def requests(self) -> int:
        return sum(len(times) for times in self.arrivals.values())

    def span(self) -> float:
        """Seconds from the first request any server saw to the last."""
        times = [t for arrivals in self.arrivals.values() for t in arrivals]
        return max(times) - min(times)

    def crowded(self) -> int:
        """Hosts that had two requests in flight at once (two workers, or two slots, on one host)."""
        return sum(n > 1 for n in self.most_in_flight.values())

    def gaps(self) -> list[float]:
        return [b - a for t in self.arrivals.values() for a, b in zip(sorted(t), sorted(t)[1:], strict=False)]

    def short_gaps(self, delay: float) -> int:
        """Requests that came sooner than the delay after the previous one to their host, allowing
        for timer resolution 2 % of the delay (as bench/politeness.py) but at least 1 ms (the event
        loop's timers fire at millisecond granularity, 5 % of this benchmark's short delay)."""
        return sum(gap < delay - max(0.02 * delay, 0.001) for gap in self.gaps())

    def violations(self, delay: float) -> int:
        return self.crowded() + self.short_gaps(delay)

    def _body(self, host: int, size: int, path: str) -> tuple[int, str, bytes]:
        if path == "/":
            return 200, "text/html; charset=utf-8", self._page(host, 0, size)
        if path.startswith("/sivu/"):
            number = int(path.strip("/").split("/")[1])
            if number < size:
                return 200, "text/html; charset=utf-8", self._page(host, number, size)
        if path.startswith("/tiedostot/") and self.pdf_bodies:
            number = int(path.rsplit("-", 1)[1].split(".")[0])
            return 200, "application/pdf", self.pdf_bodies[(host + number) % len(self.pdf_bodies)]
        return 404, "text/html", b"<h1>404</h1>"

    def _handler(self, host: int, size: int):
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle(self):
                with contextlib.suppress(ConnectionError):  # a kept-alive connection of a killed worker
                    super().handle()

            def do_GET(self):
                with web._lock:
                    web.arrivals[host].append(time.monotonic())
                    web.in_flight[host] += 1
                    web.most_in_flight[host] = max(web.most_in_flight[host], web.in_flight[host])
                try:
                    status, ctype, body = web._body(host, size, self.path.split("?")[0])
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    if status == 200 and self.headers.get("If-None-Match") == etag:
                        with web._lock:
                            web.not_modified += 1
                        status, body = 304, b""
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    if status in (200, 304):
                        self.send_header("ETag", etag)
                        self.send_header("Last-Modified", "Mon, 02 Mar 2020 10:00:00 GMT")
                    self.end_headers()
                    self.wfile.write(body)
                    with web._lock:
                        web.bytes_sent += len(body)
                except ConnectionError:  # a worker killed while its request was answered
                    self.close_connection = True
                finally:
                    with web._lock:
                        web.in_flight[host] -= 1

        return Handler


def harvest_command(sources: Path, db: Path, delay: float, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(sources), "--db", str(db),
        "--delay", str(delay), "--curation", str(REPO / "harvester" / "registry" / "curation.yml"), *extra,
    ]  # fmt: skip


def harvest(sources: Path, db: Path, delay: float, *extra: str, during=None) -> tuple[float, str]:
    """Runs one harvest command to its end (a failure raises with its output); its wall time and
    standard error. `during(process)` runs in a thread beside it."""
    started = time.perf_counter()
    process = subprocess.Popen(
        harvest_command(sources, db, delay, *extra),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    helper = threading.Thread(target=during, args=(process,), daemon=True) if during else None
    if helper:
        helper.start()
    out, err = process.communicate(timeout=900)
    wall = time.perf_counter() - started
    if helper:
        helper.join(timeout=60)
    if process.returncode != 0:
        raise RuntimeError(f"harvest exited {process.returncode}:\n{out[-2000:]}\n{err[-4000:]}")
    return wall, err


def catalogue(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The materials (by content) with their tags, and every address each was found at.

    The synthetic web serves the same few PDFs on many hosts: which copy's URL becomes a material's
    own (the others its locations) depends on which host's crawl ends first, in a single process as
    with workers, so materials are compared by content and their addresses as a set."""
    with sqlite3.connect(db) as connection:
        materials = connection.execute(f"select {TAG_COLUMNS} from materials order by 1, 2").fetchall()
        locations = connection.execute(
            "select m.content_hash, l.url, l.source_id from material_locations l"
            " join materials m on m.id = l.material_id order by 1, 2"
        ).fetchall()
    return materials, locations


def run_report(db: Path) -> dict[str, tuple]:
    """Per source of the last run: responses, 304s, bytes, errors."""
    with sqlite3.connect(db) as connection:
        run = connection.execute("select max(run_id) from harvest_run_sources").fetchone()[0]
        rows = connection.execute(
            "select source_id, pages_fetched, not_modified, bytes, errors from harvest_run_sources"
            " where run_id = ? order by source_id",
            [run],
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def worker_pids(url: str) -> list[int]:
    """The pids of the run's workers, from their heartbeats in Redis."""
    import redis

    client = redis.Redis.from_url(url, decode_responses=True)
    current = client.get("aineistopankki:run")
    if not current:
        return []
    token = json.loads(current)["token"]
    if client.exists(f"aineistopankki:{token}:stop"):  # a finished run: its workers are gone
        return []
    workers = client.hgetall(f"aineistopankki:{token}:workers")
    return sorted(json.loads(text)["pid"] for text in workers.values())


def kill_one_worker(url: str, web: CountingWeb, after_requests: int, killed: list[int]):
    """A `during` helper: once the servers have seen after_requests requests, SIGKILL one worker."""

    def during(process):
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            pids = worker_pids(url)
            if web.requests() >= after_requests and len(pids) >= 2 and process.poll() is None:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
                return
            time.sleep(0.05)

    return during


def main() -> None:
    from redisserver import available, redis_server

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    if not available():
        print("distributed: skipped (no redis-server: apt-get install redis-server)")
        return
    load = os.getloadavg()
    sizes = [PAGES] * HOSTS
    walls: dict[str, list[float]] = {"single": [], "1": [], "2": [], "4": []}
    spans: dict[str, list[float]] = {setup: [] for setup in walls}
    pages: dict[str, int] = {}
    violations, same, killed_same, smallest = 0, True, True, 1e9
    with CountingWeb(sizes, PDFS) as web, tempfile.TemporaryDirectory() as tmp, redis_server() as url:
        sources = Path(tmp) / "sources.yml"
        sources.write_text(web.sources_yaml(), encoding="utf-8")
        reference = None
        for number in range(rounds):
            for setup in ("single", "1", "2", "4"):
                db = Path(tmp) / f"{setup}-{number}.db"
                extra = ["--no-cache"]
                if setup != "single":
                    extra += ["--redis", url, "--workers", setup, "--slots", str(SLOTS)]
                web.reset()
                wall, _ = harvest(sources, db, DELAY, *extra)
                walls[setup].append(wall)
                spans[setup].append(web.span())
                pages[setup] = web.requests()
                violations += web.violations(DELAY)
                smallest = min(smallest, *web.gaps())
                found = catalogue(db)
                reference = reference or found
                same = same and found == reference
                rate = web.requests() / wall
                print(f"  round {number + 1} {setup:>6}: {wall:6.2f} s, {rate:6.1f} pages/s,",
                      f"{len(found[0])} materials at {len(found[1])} addresses,",
                      f"{'same' if found == reference else 'DIFFERENT'} catalogue,",
                      f"violations {web.violations(DELAY)} ({web.crowded()} hosts crowded,"
                      f" {web.short_gaps(DELAY)} short gaps)", flush=True)  # fmt: skip
        web.reset()
        killed: list[int] = []
        db = Path(tmp) / "killed.db"
        during = kill_one_worker(url, web, pages["2"] // 3, killed)
        wall, _ = harvest(sources, db, DELAY, "--no-cache", "--redis", url, "--workers", "2", "--lease", "3",
                          "--slots", str(SLOTS), during=during)  # fmt: skip
        violations += web.violations(DELAY)
        smallest = min(smallest, *web.gaps())
        killed_same = bool(killed) and catalogue(db) == reference
        print(f"  killed worker {killed}: {wall:.2f} s, {len(catalogue(db)[0])} materials,"
              f" {web.requests()} requests (the killed worker's hosts crawled again),"
              f" violations {web.violations(DELAY)}", flush=True)  # fmt: skip
    rate = {setup: pages[setup] / statistics.median(times) for setup, times in walls.items()}
    print(f"{HOSTS} hosts x {PAGES} pages + {PDFS} PDFs, delay {DELAY} s, {SLOTS} slots a worker,"
          f" {rounds} rounds;"
          f" load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip
    for setup in ("single", "1", "2", "4"):
        label = "single process" if setup == "single" else f"{setup} worker(s)"
        print(
            f"  {label:16} {rate[setup]:7.1f} pages/s (median wall {statistics.median(walls[setup]):.2f} s)"
        )
    print(f"  4 workers / 1 worker: {rate['4'] / rate['1']:.2f}x; 1 worker / single process: "
          f"{rate['1'] / rate['single']:.2f}x")  # fmt: skip
    print(f"  smallest gap between two requests to one host, over every run: {smallest * 1000:.1f} ms"
          f" (delay {DELAY * 1000:.0f} ms)")  # fmt: skip
    span = {setup: statistics.median(times) for setup, times in spans.items()}
    print(f"  crawl span at the servers (first to last request, no process start or publish): single "
          f"{span['single']:.1f} s, 1 worker {span['1']:.1f} s, 2 workers {span['2']:.1f} s "
          f"({span['1'] / span['2']:.2f}x), 4 workers {span['4']:.1f} s "
          f"({span['1'] / span['4']:.2f}x)")  # fmt: skip
    print(
        f"distributed: workers=2 speedup={rate['2'] / rate['1']:.2f} violations={violations} "
        f"same_catalogue={'yes' if same else 'no'} killed_worker_same={'yes' if killed_same else 'no'}"
    )


if __name__ == "__main__":
    main()
