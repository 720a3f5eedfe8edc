"""The link checker is as polite and careful as the harvester: robots.txt, the private-address guard
and a delay between requests to one host."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

from helpers import LoopbackServer

from harvester.linkcheck import check_links, iter_check_links


class Site(LoopbackServer):
    def __init__(self):
        self.requests: list[tuple[str, str, float]] = []

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, body: bytes):
                site.requests.append((self.command, self.path, time.monotonic()))
                status = 404 if self.path.startswith("/poistettu") else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(body)

            def do_GET(self):
                self.answer(b"User-agent: *\nDisallow: /sisainen/\n" if self.path == "/robots.txt" else b"ok")

            def do_HEAD(self):
                self.answer(b"ok")

        return Handler


def test_robots_txt_the_delay_and_the_address_guard():
    site = Site().start()
    try:
        rows = [
            {"id": "a", "url": site.origin + "/opas/"},
            {"id": "b", "url": site.origin + "/poistettu-opas/"},
            {"id": "c", "url": site.origin + "/sisainen/muistio/"},
            {"id": "d", "url": site.origin.replace("127.0.0.1", "localhost") + "/opas/"},
        ]
        allowed = frozenset({f"127.0.0.1:{site.server.server_address[1]}"})  # the test's own server
        results = {r.id: r for r in check_links(rows, timeout=3, cdx="", delay=0.4, allowed=allowed)}
    finally:
        site.stop()
    assert results["a"].status == 200 and not results["a"].dead
    assert results["b"].status == 404 and results["b"].dead
    assert results["c"].status is None and "robots.txt" in results["c"].error and not results["c"].dead
    assert results["d"].status is None and "resolves to" in results["d"].error
    paths = [path for _, path, _ in site.requests]
    assert paths[0] == "/robots.txt" and "/sisainen/muistio/" not in paths
    checks = [at for _, path, at in site.requests if path != "/robots.txt"]
    assert len(checks) == 2 and checks[1] - checks[0] >= 0.39  # one host: the delay between them


# --- hostile servers (issue 15): redirects to private addresses, tarpits -------------------------


class Trap:
    """A listening socket on loopback that only counts the connections made to it: a private
    address the checker must never reach."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def stop(self):
        self.running = False
        self.sock.close()


class Redirector(LoopbackServer):
    """Every path /<n> redirects to the n-th target; /ok answers 200."""

    def __init__(self, targets: list[str]):
        self.targets = targets

    def _handler(self):
        targets = self.targets

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                if self.path.strip("/").isdigit():
                    self.send_response(302)
                    self.send_header("Location", targets[int(self.path.strip("/"))])
                else:
                    self.send_response(200 if self.path in ("/ok", "/robots.txt") else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD

        return Handler


class Tarpit:
    """A server that answers every connection one header byte a second, forever."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn):
        try:
            conn.recv(4096)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                if not self.running:
                    break
                conn.sendall(bytes([byte]))
                time.sleep(1)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self):
        self.running = False
        self.sock.close()


def test_redirects_to_private_addresses_and_other_schemes_are_never_followed():
    trap = Trap()
    targets = [
        f"http://127.0.0.1:{trap.port}/admin",
        f"http://localhost:{trap.port}/",
        f"http://[::1]:{trap.port}/",
        f"http://0.0.0.0:{trap.port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        f"ftp://127.0.0.1:{trap.port}/",
        "file:///etc/passwd",
        "http://[fe80::1]/",
        "http://2130706433/",  # 127.0.0.1 as one number
    ]
    site = Redirector(targets).start()
    allowed = frozenset({f"127.0.0.1:{site.server.server_address[1]}"})  # the test opts in to its own server
    try:
        rows = [{"id": str(n), "url": f"{site.origin}/{n}"} for n in range(len(targets))]
        rows.append({"id": "ok", "url": site.origin + "/ok"})
        results = {r.id: r for r in check_links(rows, timeout=3, cdx="", delay=0, allowed=allowed)}
    finally:
        site.stop()
        trap.stop()
    assert results["ok"].status == 200
    for n, target in enumerate(targets):
        result = results[str(n)]
        assert result.status is None and result.error.startswith("not checked"), (target, result)
        assert not result.dead
    assert trap.connections == 0


def test_without_an_opt_in_loopback_itself_is_refused():
    site = Redirector([]).start()
    try:
        (result,) = check_links([{"id": "a", "url": site.origin + "/ok"}], timeout=3, cdx="", delay=0)
    finally:
        site.stop()
    assert result.status is None and "127.0.0.1" in result.error


def test_a_server_sending_a_byte_a_second_is_cut_off_at_the_deadline():
    tarpit = Tarpit()
    allowed = frozenset({f"127.0.0.1:{tarpit.port}"})
    started = time.monotonic()
    try:
        (result,) = check_links(
            [{"id": "slow", "url": f"http://127.0.0.1:{tarpit.port}/opas.pdf"}],
            timeout=2,
            cdx="",
            delay=0,
            allowed=allowed,
        )
    finally:
        tarpit.stop()
    elapsed = time.monotonic() - started
    # robots.txt and the HEAD each get 2 s at most (the GET is not tried after an unreachable HEAD)
    assert elapsed < 6, elapsed
    assert result.status == 0 and "within 2 s" in result.error


def test_results_come_as_they_are_known():
    tarpit, site = Tarpit(), Redirector([]).start()
    allowed = frozenset({f"127.0.0.1:{tarpit.port}", f"127.0.0.1:{site.server.server_address[1]}"})
    rows = [
        {"id": "slow", "url": f"http://127.0.0.1:{tarpit.port}/opas.pdf"},
        {"id": "fast", "url": site.origin + "/ok"},
    ]
    started = time.monotonic()
    try:
        results = iter_check_links(rows, timeout=1.5, cdx="", delay=0, allowed=allowed)
        first = next(results)
        first_at = time.monotonic() - started
        rest = list(results)
    finally:
        tarpit.stop()
        site.stop()
    assert first.id == "fast" and first_at < 2, first_at
    assert [r.id for r in rest] == ["slow"]


def test_check_links_saves_each_result_as_it_comes(tmp_path):
    """The command stopped half-way (here killed while a tarpit holds one request) keeps what it found;
    the sources' literal loopback addresses are what allows the check to ask them, as the harvest did."""
    import sqlite3
    import subprocess
    import sys

    from helpers import REPO

    from harvester.catalog import open_catalog, publish_run, sync_registry
    from harvester.registry import Source, load_projects

    tarpit, site = Tarpit(), Redirector([]).start()
    origins = (site.origin + "/", f"http://127.0.0.1:{tarpit.port}/")
    db_path = tmp_path / "catalog.db"
    db = open_catalog(db_path)
    sync_registry(db, load_projects(), [Source(id="s", name="S", start_urls=origins, scope=origins)])
    items = [
        {"id": f"{n:016x}", "url": url, "title": f"Opas {n}", "type": "guide", "languages": ["fi"],
         "phases": ["initial"], "audiences": ["immigrants"], "format": "pdf", "source_id": "s",
         "locations": [url]}
        for n, url in enumerate([site.origin + "/ok", f"http://127.0.0.1:{tarpit.port}/opas.pdf"])
    ]  # fmt: skip
    publish_run(db, None, [{"source_id": "s", "items": items, "report": {}}])
    db.close()
    command = [sys.executable, "-m", "harvester.cli", "check-links", "--db", str(db_path), "--timeout", "60"]
    process = subprocess.Popen([*command, "--cdx", "", "--delay", "0"], cwd=REPO, stderr=subprocess.PIPE)
    try:
        saved = None
        for _ in range(100):
            with sqlite3.connect(db_path) as conn:
                saved = conn.execute("select link_status from materials where url like '%/ok'").fetchone()[0]
            if saved is not None:
                break
            time.sleep(0.1)
        assert process.poll() is None  # still waiting on the tarpit
    finally:
        process.kill()
        process.wait()
        tarpit.stop()
        site.stop()
    assert saved == 200
