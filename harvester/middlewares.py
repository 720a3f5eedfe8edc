"""Scrapy plumbing: keep every request on its source's hosts, count real network traffic,
and log routine item drops quietly."""

from __future__ import annotations

import logging
from time import monotonic
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.logformatter import LogFormatter
from twisted.internet.threads import deferToThread

from harvester.netguard import is_ip_literal, non_public_address


class HostAllowListMiddleware:
    """Every request, redirects included, stays on the hosts its source names, so a crawl never
    wanders off to a host the sources file did not name (nor, in tests, off the loopback demo web).

    A host NAME that resolves to a private, loopback or link-local address is refused too (DNS
    rebinding, a decayed domain taken over): only an address written literally in the sources file,
    as the demo web's 127.0.0.1, is an operator's explicit choice."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.resolved: dict[str, str | None] = {}

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
        host = (parts.hostname or "").lower()
        if is_ip_literal(host):
            return None
        if host in self.resolved:
            return self._verdict(host)
        # Resolved in a thread: a slow DNS answer must not stall the reactor (every other download).
        return deferToThread(non_public_address, host).addCallback(self._remember, host)

    def _remember(self, address: str | None, host: str) -> None:
        self.resolved[host] = address
        return self._verdict(host)

    def _verdict(self, host: str) -> None:
        if self.resolved[host]:
            self.crawler.stats.inc_value("aineistopankki/private_address_blocked")
            raise IgnoreRequest(f"host {host!r} resolves to a non-public address {self.resolved[host]}")
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


class DelayFromResponseMiddleware:
    """Counts a host's delay from the end of its previous response, not from when it was sent.

    Scrapy spaces requests by their dispatch times, so a slow previous response (a new connection,
    a large page) lets the next request reach the server sooner than the delay after it; the sites
    harvested here are small servers nobody maintains any more, and the delay is their guarantee."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _touch(self, request) -> None:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.lastseen = monotonic()

    def process_response(self, request, response):
        self._touch(request)
        return response

    def process_exception(self, request, exception):
        self._touch(request)
        return None
