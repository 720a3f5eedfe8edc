"""The embedded demo web: each fixture site under demo/sites/ served as its own origin on loopback.

Usage: python -m demo.server [--base-port 8701]   (Ctrl-C stops)

Static files map URL paths to files ("/a/b/" → a/b/index.html, "/a/b" → a/b or a/b/index.html);
a site's optional _routes.yml adds what files cannot express: 301 redirects, query-string
aliases (WordPress ?p=, register pages ?projektikoodi=) and endless paging traps.
"{{site:NAME}}" in a served text file becomes the origin of another demo site.
"""

from __future__ import annotations

import argparse
import email.utils
import errno
import hashlib
import mimetypes
import re
import threading
import time
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import yaml

DEMO_DIR = Path(__file__).parent


class LoopbackServer(ThreadingHTTPServer):
    """A threaded local web server with a real server's listen backlog: the standard library's
    default of 5 overflows under a harvester's parallel connections, and every dropped SYN costs
    the client a one-second retransmit (a stall that measured the server, not the harvester)."""

    request_queue_size = 128
    daemon_threads = True


SITES_DIR = DEMO_DIR / "sites"
SOURCES_FILE = DEMO_DIR / "demo-sources.yml"
CURATION_FILE = DEMO_DIR / "demo-curation.yml"
DEFAULT_BASE_PORT = 8701
# Fixed order → fixed ports: base + index. Append new sites at the end.
SITES = ("lansirannikko", "kunta", "hub", "osterbotten", "infopiste", "eura", "decayed")
DEFAULT_LAST_MODIFIED = date(2019, 11, 29)
SITE_PLACEHOLDER = re.compile(r"\{\{site:([a-z0-9-]+)\}\}")
TEXT_TYPES = ("text/", "application/xml", "application/json", "application/xhtml")


class Served(NamedTuple):
    site: str
    method: str
    path: str
    status: int
    bytes: int
    at: float  # time.monotonic() when the request arrived


def _load_routes(site_dir: Path) -> dict:
    path = site_dir / "_routes.yml"
    routes = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    routes = routes or {}
    return {
        "redirects": routes.get("redirects") or {},
        "aliases": routes.get("aliases") or {},
        "paging_traps": routes.get("paging_traps") or [],
        # The sites were last edited while their projects ran; a fixed date keeps HTTP caching realistic
        # (file modification times would only tell when the repository was checked out).
        "last_modified": email.utils.format_datetime(
            datetime.combine(routes.get("last_modified") or DEFAULT_LAST_MODIFIED, datetime.min.time(), UTC),
            usegmt=True,
        ),
    }


class PortBusy(OSError):
    """A port the demo web (or the catalogue) needs is taken or not allowed: said with the port."""

    def __init__(self, host: str, port: int, what: str, cause: OSError):
        self.host, self.port, self.what = host, port, what
        reason = (
            "is already in use" if cause.errno == errno.EADDRINUSE else f"cannot be used ({cause.strerror})"
        )
        super().__init__(f"port {port} on {host} ({what}) {reason}")


class DemoWeb:
    """All demo sites, each on its own loopback port, served from background threads."""

    def __init__(self, base_port: int = DEFAULT_BASE_PORT, host: str = "127.0.0.1", sites=SITES):
        self.host = host
        self.base_port = base_port
        self.sites = [s for s in sites if (SITES_DIR / s).is_dir()]
        self.servers: dict[str, LoopbackServer] = {}
        self.requests: list[tuple[str, str, str]] = []  # (site, method, path) as received
        self.responses: list[Served] = []  # what was answered, with body bytes, for tests and benchmarks
        self._lock = threading.Lock()

    def origin(self, site: str) -> str:
        return f"http://{self.host}:{self.port(site)}"

    def port(self, site: str) -> int:
        if site in self.servers:
            return self.servers[site].server_address[1]
        return self.base_port + SITES.index(site)

    def start(self) -> DemoWeb:
        """Serve every site; a port that cannot be had stops the ones started and raises PortBusy."""
        for site in self.sites:
            port = self.base_port + SITES.index(site) if self.base_port else 0
            try:
                server = LoopbackServer((self.host, port), self._handler(site))
            except OSError as exc:
                self.stop()
                raise PortBusy(self.host, port, f"demo site {site}", exc) from exc
            self.servers[site] = server
            threading.Thread(target=server.serve_forever, name=f"demo-{site}", daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        self.servers.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def sources_yaml(self) -> str:
        """demo-sources.yml with its default ports replaced by the ports actually served."""
        return self.localise(SOURCES_FILE)

    def localise(self, path: Path) -> str:
        """A demo file (sources, curation) with the default ports replaced by the ports actually served."""
        text = Path(path).read_text(encoding="utf-8")
        for site in SITES:
            default = f"http://127.0.0.1:{DEFAULT_BASE_PORT + SITES.index(site)}"
            text = text.replace(default, self.origin(site) if site in self.servers else default)
        return text

    def _handler(self, site: str):
        web = self
        root = SITES_DIR / site
        routes = _load_routes(root)

        class Handler(BaseHTTPRequestHandler):
            server_version = "AineistopankkiDemo/1.0"

            def log_message(self, fmt, *args):  # keep test and demo output readable
                pass

            def do_HEAD(self):
                self._serve(head=True)

            def do_GET(self):
                self._serve(head=False)

            def _serve(self, head: bool):
                self.arrived = time.monotonic()
                with web._lock:
                    web.requests.append((site, self.command, self.path))
                target = self.path
                if target in routes["redirects"]:
                    return self._redirect(routes["redirects"][target])
                parts = urlsplit(target)
                if parts.path in routes["redirects"] and not parts.query:
                    return self._redirect(routes["redirects"][parts.path])
                if target in routes["aliases"]:
                    return self._file(routes["aliases"][target], head)
                for trap in routes["paging_traps"]:
                    match = re.search(rf"(?:^|&){re.escape(trap['param'])}=(\d+)", parts.query)
                    if parts.path.rstrip("/") == trap["path"].rstrip("/") and match:
                        cur = int(match.group(1))
                        body = (root / trap["template"]).read_text(encoding="utf-8")
                        body = body.replace("{cur}", str(cur)).replace("{next}", str(cur + 1))
                        return self._send(
                            200, "text/html; charset=utf-8", self._substitute(body).encode(), head
                        )
                return self._file(parts.path, head)

            def _redirect(self, location: str):
                with web._lock:
                    web.responses.append(Served(site, self.command, self.path, 301, 0, self.arrived))
                self.send_response(301)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _resolve(self, url_path: str) -> Path | None:
                rel = unquote(urlsplit(url_path).path).lstrip("/")
                if any(part.startswith(("_", ".")) for part in rel.split("/") if part) or ".." in rel:
                    return None
                candidate = root / rel
                if candidate.is_file():
                    return candidate
                if candidate.is_dir() and (candidate / "index.html").is_file():
                    return candidate / "index.html"
                return None

            def _file(self, url_path: str, head: bool):
                path = self._resolve(url_path)
                if path is None:
                    body = (
                        b"<!doctype html><html lang='fi'><title>404</title><h1>Sivua ei loytynyt</h1></html>"
                    )
                    return self._send(404, "text/html; charset=utf-8", body, head)
                data = path.read_bytes()
                if data[:5] == b"%PDF-":
                    ctype = "application/pdf"
                elif data.lstrip()[:1] in (b"[", b"{"):
                    ctype = "application/json"  # a REST API response (WordPress /wp-json/)
                elif path.suffix in ("", ".html", ".htm") or path.name == "index.html":
                    ctype = "text/html; charset=utf-8"
                else:
                    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if ctype.startswith(TEXT_TYPES):
                    data = self._substitute(data.decode("utf-8")).encode("utf-8")
                    if "charset" not in ctype:
                        ctype += "; charset=utf-8"
                etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
                extra = {
                    "Last-Modified": email.utils.formatdate(path.stat().st_mtime, usegmt=True),
                    "ETag": etag,
                }
                if etag in (self.headers.get("If-None-Match") or ""):
                    return self._send(304, ctype, b"", True, extra)  # conditional request: unchanged
                return self._send(200, ctype, data, head, extra)

            def _substitute(self, text: str) -> str:
                return SITE_PLACEHOLDER.sub(lambda m: web.origin(m.group(1)), text)

            def _send(self, status: int, ctype: str, body: bytes, head: bool, extra: dict | None = None):
                with web._lock:
                    web.responses.append(
                        Served(site, self.command, self.path, status, 0 if head else len(body), self.arrived)
                    )
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if not head:
                    self.wfile.write(body)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
    args = parser.parse_args()
    web = DemoWeb(args.base_port).start()
    for site in web.sites:
        print(f"{site:14} {web.origin(site)}/")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        web.stop()


if __name__ == "__main__":
    main()
