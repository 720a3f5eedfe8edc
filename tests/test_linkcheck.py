"""The link checker is as polite and careful as the harvester: robots.txt, the private-address guard
and a delay between requests to one host."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

from helpers import LoopbackServer

from harvester.linkcheck import check_links


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
        results = {r.id: r for r in check_links(rows, timeout=3, cdx="", delay=0.4)}
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
