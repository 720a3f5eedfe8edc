"""Test helpers: run the CLI as an operator would; build Scrapy responses from saved files."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def served_datasette(db: Path) -> Iterator[str]:
    """The catalogue at db served by `aineistopankki serve` on a free loopback port;
    yields the base URL once the server answers, and stops the server afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "harvester.cli", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"Datasette did not answer on {base} within 10 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


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

        from demo.server import LoopbackServer

        self.server = LoopbackServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def catalogue_source():
    """The one source the `db` fixture (conftest.py) registers, for catalogue tests."""
    from harvester.registry import Source

    return Source(
        id="s1",
        name="S1",
        project="hyva-alku-hameessa",
        start_urls=("https://a.fi/",),
        scope=("https://a.fi/",),
    )


CATALOGUE_SOURCE = catalogue_source()
