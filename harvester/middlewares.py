"""Scrapy plumbing: keep every request on its source's hosts, count real network traffic,
and log routine item drops quietly."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.logformatter import LogFormatter


class HostAllowListMiddleware:
    """Every request, redirects included, stays on the hosts its source names, so a crawl never
    wanders off to a host the sources file did not name (nor, in tests, off the loopback demo web)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        allowed = getattr(self.crawler.spider, "allowed_hosts", None)
        if allowed is None:
            return None
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() not in allowed:
            self.crawler.stats.inc_value("aineistopankki/offsite_blocked")
            raise IgnoreRequest(f"host {parts.netloc!r} is not in the source's hosts")
        return None


class NetworkStatsMiddleware:
    """Counts what really crossed the network, below the HTTP cache: a re-harvest's 304s and bytes.
    (Scrapy's own downloader stats also count responses served from the cache.)"""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        self.stats.inc_value("aineistopankki/network_responses")
        self.stats.inc_value("aineistopankki/network_bytes", len(response.body))
        if response.status == 304:
            self.stats.inc_value("aineistopankki/not_modified")
        return response


class QuietDropFormatter(LogFormatter):
    """Dropping non-materials and duplicates is routine: log it at DEBUG without the whole item."""

    def dropped(self, item, exception, response, spider):
        return {"level": logging.DEBUG, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
