"""Test helpers: run the CLI as an operator would; build Scrapy responses from saved files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scrapy.http import HtmlResponse, Request, Response

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def run_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "harvester.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


def file_response(name: str, url: str, meta: dict | None = None, content_type: str | None = None) -> Response:
    """A response for `url` whose body is the saved file tests/fixtures/<name> (or an absolute path)."""
    path = Path(name) if Path(name).is_absolute() else FIXTURES / name
    body = path.read_bytes()
    request = Request(url, meta=meta or {})
    if body[:5] == b"%PDF-":
        return Response(
            url, body=body, request=request, headers={"Content-Type": content_type or "application/pdf"}
        )
    return HtmlResponse(
        url,
        body=body,
        request=request,
        encoding="utf-8",
        headers={"Content-Type": content_type or "text/html; charset=utf-8"},
    )


class LoopbackServer:
    """A test web server on 127.0.0.1 (a free port), run in a thread; subclasses give `_handler()`."""

    def _handler(self):
        raise NotImplementedError

    def start(self):
        import threading
        from http.server import ThreadingHTTPServer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"
