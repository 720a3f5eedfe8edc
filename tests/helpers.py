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
