"""Scrapy plumbing: a downloader middleware that keeps every request on the hosts its source names.

Redirects and links pass through here too, so a crawl can never wander off to a host
that the sources file did not name (nor, in tests, off the loopback demo web).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.logformatter import LogFormatter


class HostAllowListMiddleware:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request, spider):
        allowed = getattr(spider, "allowed_hosts", None)
        if allowed is None:
            return None
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() not in allowed:
            self.stats.inc_value("aineistopankki/offsite_blocked", spider=spider)
            raise IgnoreRequest(f"host {parts.netloc!r} is not in the source's hosts")
        return None


class QuietDropFormatter(LogFormatter):
    """Dropping non-materials and duplicates is routine: log it at DEBUG without the whole item."""

    def dropped(self, item, exception, response, spider):
        return {"level": logging.DEBUG, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
