"""robots.txt binds every request, also the ones queued while it was being fetched: a real Scrapy crawl
over loopback starts six requests at once on a host whose robots.txt forbids five of them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from http.server import BaseHTTPRequestHandler

from tests.helpers import LoopbackServer

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
FORBIDDEN = [f"/yksityinen/sivu-{n}.html" for n in range(5)]


class RobotsSite(LoopbackServer):
    def __init__(self):
        self.hits: list[str] = []

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.hits.append(self.path)
                if self.path == "/robots.txt":
                    body = b"User-agent: *\nDisallow: /yksityinen/\n"
                    kind = "text/plain"
                else:
                    body = b"<html lang='fi'><title>Sivu</title><p>Tervetuloa.</p></html>"
                    kind = "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


CRAWL = textwrap.dedent(
    """
    import sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from harvester import settings as ours

    origin, paths = sys.argv[1], sys.argv[2:]

    class Probe(scrapy.Spider):
        name = "probe"
        start_urls = [origin + p for p in paths]

        def parse(self, response):
            yield {"url": response.url}

    settings = Settings()
    settings.setmodule(ours)
    settings.setdict({
        "ITEM_PIPELINES": {}, "SPIDER_MIDDLEWARES": {}, "HTTPCACHE_ENABLED": False,
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR",
        "DOWNLOADER_MIDDLEWARES": {
            k: v for k, v in ours.DOWNLOADER_MIDDLEWARES.items()
            if not k.startswith("harvester.middlewares.HostAllowList")
        },
    })
    process = CrawlerProcess(settings)
    process.crawl(Probe)
    process.start()
    """
)


def test_requests_waiting_for_robots_txt_obey_it():
    site = RobotsSite().start()
    try:
        result = subprocess.run(
            [sys.executable, "-c", CRAWL, site.origin, "/", *FORBIDDEN],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    assert "/" in site.hits  # the allowed page was fetched: the crawl ran
    assert site.hits.count("/robots.txt") == 1
    assert [hit for hit in site.hits if hit.startswith("/yksityinen/")] == []
