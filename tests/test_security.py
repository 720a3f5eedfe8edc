"""Security: hosts, private addresses, escaping in Datasette, the Content-Security-Policy header."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import REPO, run_cli
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred

from harvester import middlewares
from harvester.middlewares import HostAllowListMiddleware, non_public_address
from harvester.registry import Source
from harvester.spiders.site import SiteSpider


def middleware_for(*start_urls):
    source = Source(id="s", name="S", start_urls=start_urls, scope=start_urls)
    crawler = get_crawler(SiteSpider)
    crawler.spider = SiteSpider.from_crawler(crawler, source=source)
    return HostAllowListMiddleware(crawler)


def test_requests_stay_on_the_sources_hosts():
    mw = middleware_for("http://127.0.0.1:8701/")
    assert mw.process_request(Request("http://127.0.0.1:8701/opas/")) is None
    for url in ("http://127.0.0.1:8702/", "http://169.254.169.254/latest/meta-data/", "https://example.org/"):
        with pytest.raises(IgnoreRequest, match="not in the source's hosts"):
            mw.process_request(Request(url))


def test_oembed_hosts_are_open_to_oembed_requests_only(monkeypatch):
    """With platform_metadata the oEmbed endpoint's host takes the oEmbed requests (their redirects keep
    the meta) and its robots.txt; a page of the source redirecting there is refused."""
    monkeypatch.setenv("AINEISTOPANKKI_OEMBED_URL", "http://127.0.0.1:8799/oembed")
    source = Source(
        id="s",
        name="S",
        start_urls=("http://127.0.0.1:8701/",),
        scope=("http://127.0.0.1:8701/",),
        platform_metadata=True,
    )
    crawler = get_crawler(SiteSpider)
    crawler.spider = SiteSpider.from_crawler(crawler, source=source)
    mw = HostAllowListMiddleware(crawler)
    oembed = "http://127.0.0.1:8799/oembed?url=https%3A%2F%2Fissuu.com%2Fh%2Fdocs%2Fopas"
    assert mw.process_request(Request(oembed, meta={"platform_url": "https://issuu.com/h/docs/opas"})) is None
    assert mw.process_request(Request("http://127.0.0.1:8799/robots.txt")) is None
    assert mw.process_request(Request("http://127.0.0.1:8701/opas/")) is None
    for url in ("http://127.0.0.1:8799/oembed?url=x", "http://127.0.0.1:8799/h/docs/opas"):
        with pytest.raises(IgnoreRequest, match="not in the source's hosts"):
            mw.process_request(Request(url, meta={"redirect_urls": ["http://127.0.0.1:8701/vanha/"]}))


def test_a_host_name_resolving_to_a_private_address_is_refused():
    assert non_public_address("localhost") in ("127.0.0.1", "::1")
    mw = middleware_for("http://localhost:8701/")
    mw.resolved["localhost"] = non_public_address("localhost")  # as the lookup thread leaves it
    with pytest.raises(IgnoreRequest, match="non-public address"):
        mw.process_request(Request("http://localhost:8701/opas/"))


def test_the_dns_lookup_does_not_block_the_reactor(monkeypatch):
    """The middleware runs on the reactor thread: it hands the lookup to a thread and returns a
    Deferred instead of resolving in place."""
    calls, handed = [], []
    monkeypatch.setattr(middlewares, "non_public_address", lambda host: calls.append(host))
    monkeypatch.setattr(middlewares, "deferToThread", lambda f, *a: handed.append(a) or Deferred())
    mw = middleware_for("http://intranet.example:8701/")
    result = mw.process_request(Request("http://intranet.example:8701/opas/"))
    assert isinstance(result, Deferred) and handed == [("intranet.example",)] and calls == []


def test_the_harvest_reports_a_private_host_and_fetches_nothing(tmp_path):
    sources = tmp_path / "sources.yml"
    sources.write_text("sources:\n  - {id: rebind, name: R, start_urls: ['http://localhost:9/']}\n")
    result = run_cli(
        "harvest", "--sources", str(sources), "--db", str(tmp_path / "catalog.db"), "--delay", "0"
    )
    assert result.returncode == 1
    conn = sqlite3.connect(tmp_path / "catalog.db")
    details = conn.execute("select error_details from harvest_run_sources").fetchone()[0]
    conn.close()
    assert "non-public address" in details


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    db = tmp_path_factory.mktemp("xss") / "catalog.db"
    from harvester.catalog import open_catalog, publish_run, sync_registry
    from harvester.registry import load_projects

    catalog = open_catalog(db)
    sync_registry(
        catalog,
        load_projects(),
        [Source(id="s", name="S", start_urls=("https://a.fi/",), scope=("https://a.fi/",))],
    )
    item = {
        "id": "0123456789abcdef",
        "url": "https://a.fi/opas/",
        "title": "<script>alert('x')</script> Opas",
        "description": "<img src=x onerror=alert(1)>",
        "type": "guide",
        "languages": ["fi"],
        "phases": ["initial"],
        "audiences": ["immigrants"],
        "format": "html",
        "source_id": "s",
        "locations": ["https://a.fi/opas/"],
    }
    publish_run(catalog, None, [{"source_id": "s", "items": [item], "report": {}}])
    catalog.close()
    from harvester.web import build

    return build(db)


def get(ds, path):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


@pytest.mark.parametrize("path", ["/catalog/materials", "/catalog/materials/0123456789abcdef"])
def test_markup_in_harvested_titles_is_shown_escaped(datasette, path):
    page = get(datasette, path)
    assert page.status_code == 200
    assert "<script>alert('x')</script>" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert "<img src=x onerror" not in page.text


def test_content_security_policy_header(datasette):
    policy = get(datasette, "/catalog/materials").headers["content-security-policy"]
    assert (
        "default-src 'self'" in policy
        and "object-src 'none'" in policy
        and "frame-ancestors 'none'" in policy
    )


def test_datasette_is_read_only(datasette):
    response = get(datasette, "/catalog.json?sql=delete+from+materials")
    assert response.status_code in (400, 403)  # a write, and arbitrary SQL is off for the public anyway
    assert get(datasette, "/catalog/materials.json?_size=0").json()["filtered_table_rows_count"] == 1


def test_a_harvest_opens_no_code_execution_server(tmp_path):
    """Scrapy's remote control (an HTTP server running Python sent to it, announced by a job file) is
    off: a harvest writes no job file and listens on no port."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html lang='fi'><h1>Opas</h1></html>", encoding="utf-8")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        lambda *a: SimpleHTTPRequestHandler(*a, directory=str(tmp_path / "site")),
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sources = tmp_path / "sources.yml"
    sources.write_text(
        f"sources:\n  - {{id: s, name: S, start_urls: ['http://127.0.0.1:{server.server_port}/']}}\n"
    )
    state = tmp_path / "state"
    try:
        command = ["harvest", "--sources", str(sources), "--db", str(tmp_path / "catalog.db"), "--delay", "0"]
        result = subprocess.run(
            [sys.executable, "-m", "harvester.cli", *command],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO,
            env={**os.environ, "XDG_STATE_HOME": str(state)},
        )
    finally:
        server.shutdown()
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "[1/1] s: 0 materials found, 2 responses" in result.stderr  # the crawl ran
    assert not (state / "scrapy" / "job_files").exists()
