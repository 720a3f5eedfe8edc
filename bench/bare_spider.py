"""The floor for harvest throughput: a bare Scrapy spider that follows the same links and fetches the
same files as the harvester, and does nothing with the responses. Run by bench/throughput.py."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import scrapy
import yaml
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start_urls, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = start_urls
        self.hosts = {urlsplit(u).netloc for u in start_urls}
        self.links = LinkExtractor(deny_extensions=[])

    def parse(self, response):
        if not isinstance(response, scrapy.http.TextResponse):
            return
        for link in self.links.extract_links(response):
            if urlsplit(link.url).netloc in self.hosts:
                yield scrapy.Request(link.url, callback=self.parse)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        sources = yaml.safe_load(handle)["sources"]
    process = CrawlerProcess(
        {
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
            "DOWNLOAD_DELAY": 0,
            "LOG_LEVEL": "ERROR",
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(BareSpider, start_urls=[u for s in sources for u in s["start_urls"]])
    process.start()


if __name__ == "__main__":
    main()
