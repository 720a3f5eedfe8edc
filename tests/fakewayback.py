"""A stand-in for the Wayback Machine on loopback: a CDX API and raw (id_) snapshots."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from helpers import LoopbackServer

TIMESTAMP = "20190315103000"


class FakeWayback(LoopbackServer):
    def __init__(self, snapshots: dict[str, tuple[str, bytes]]):
        self.snapshots = snapshots  # original URL -> (content type, body)
        self.paths: list[str] = []

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, ctype, body=b"", location=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if location:
                    self.send_header("Location", location)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                fake.paths.append(self.path)
                parts = urlsplit(self.path)
                if parts.path == "/cdx/search/cdx":
                    url = parse_qs(parts.query)["url"][0]
                    rows = [["timestamp", "original"]]
                    if url in fake.snapshots:
                        rows += [["20170101000000", url], [TIMESTAMP, url]]
                    return self.reply(200, "application/json", json.dumps(rows).encode())
                if parts.path.startswith("/web/"):
                    stamp, _, original = self.path[len("/web/") :].partition("/")
                    if original not in fake.snapshots:
                        return self.reply(
                            404, "text/html", b"<h1>Wayback Machine has not archived that URL.</h1>"
                        )
                    if stamp.startswith("2id_") or stamp == "2":
                        return self.reply(302, "text/html", location=f"/web/{TIMESTAMP}id_/{original}")
                    ctype, body = fake.snapshots[original]
                    return self.reply(200, ctype, body)
                return self.reply(404, "text/html", b"not found")

        return Handler
