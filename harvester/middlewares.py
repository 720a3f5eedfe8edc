"""Scrapy plumbing: keep every request on its source's hosts, count real network traffic, bound
what a page may weigh, report every failure while reading a response, keep going when the HTTP
cache cannot be written, give every request waiting for robots.txt its rules, and log routine item
drops quietly."""

from __future__ import annotations

import logging
import pickle
from time import monotonic
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.logformatter import LogFormatter
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
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
        if parts.scheme not in ("http", "https") or not (
            parts.netloc.lower() in allowed or self._oembed_request(request, parts)
        ):
            self.crawler.stats.inc_value("aineistopankki/offsite_blocked")
            raise IgnoreRequest(f"host {parts.netloc!r} is not in the source's hosts")
        host = (parts.hostname or "").lower()
        if is_ip_literal(host):
            return None
        if host in self.resolved:
            return self._verdict(host)
        # Resolved in a thread: a slow DNS answer must not stall the reactor (every other download).
        return deferToThread(non_public_address, host).addCallback(self._remember, host)

    def _oembed_request(self, request, parts) -> bool:
        """An oEmbed request of a platform_metadata source (or its redirect, or the endpoint's
        robots.txt) to an endpoint's host: those hosts are open to nothing else."""
        if parts.netloc.lower() not in getattr(self.crawler.spider, "oembed_hosts", ()):
            return False
        return "platform_url" in request.meta or parts.path == "/robots.txt"

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
        middleware = cls(crawler)
        # Scrapy frees the slot and may send the next request as soon as a response is in, before
        # process_response runs; response_downloaded comes first, so the delay really counts from it.
        crawler.signals.connect(middleware._downloaded, signal=signals.response_downloaded)
        return middleware

    def _downloaded(self, response, request, spider=None) -> None:
        self._touch(request)

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


def record_error(crawler, url: str, message: str, referrer: str | None = None) -> None:
    """An error line for `url` in the source's run report (every spider of ours keeps one)."""
    spider = crawler.spider
    if hasattr(spider, "record_error"):
        spider.record_error(url, message, referrer)
    else:  # pragma: no cover - a spider of another kind: the log still says it
        logging.getLogger(__name__).warning("%s: %s", url, message)


class PageSizeMiddleware:
    """A page (HTML) stops downloading at AINEISTOPANKKI_MAX_PAGE_BYTES: what arrived so far is
    read, the rest never reaches memory, and the cut is reported by URL. A hostile site of 20 MB
    pages made every harvest hold gigabytes. Documents keep DOWNLOAD_MAXSIZE (a PDF cut in half is
    unreadable). The cut is written into the response's headers, so a page served later from the
    HTTP cache is reported again."""

    HEADER = b"X-Aineistopankki-Cut-At"

    def __init__(self, crawler):
        self.crawler = crawler
        self.limit = crawler.settings.getint("AINEISTOPANKKI_MAX_PAGE_BYTES")
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def headers_received(self, headers, body_length, request, spider=None):
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        request.meta["aineistopankki_page_bytes"] = 0 if "html" in content_type else None

    def bytes_received(self, data, request, spider=None):
        received = request.meta.get("aineistopankki_page_bytes")
        if received is None or not self.limit:
            return
        received += len(data)
        request.meta["aineistopankki_page_bytes"] = received
        if received > self.limit:
            raise StopDownload(fail=False)

    def process_response(self, request, response):
        if "download_stopped" in response.flags and request.meta.get("aineistopankki_page_bytes"):
            cut = len(response.body)
            if self.limit and cut > self.limit:
                response = response.replace(body=response.body[: self.limit])
            response.headers[self.HEADER] = str(len(response.body))
        cut_at = response.headers.get(self.HEADER)
        if cut_at:
            self.crawler.stats.inc_value("aineistopankki/page_cut")
            record_error(
                self.crawler,
                request.meta.get("original_url", request.url),
                f"page larger than {self.limit} bytes: read its first {int(cut_at)} bytes only",
                request.meta.get("referrer"),
            )
        return response


class ResponseFailureMiddleware:
    """Any exception while a spider reads a response (a PDF past pypdf's limits, an unknown zip
    compression, MemoryError, a malformed header) becomes an error line for that URL, and what the
    callback yielded before it is kept. Unreported, such a URL's material later counted as
    missing and was retired."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response, exception):
        if isinstance(exception, HttpError):
            return None  # the spider's errback reports these
        self.crawler.stats.inc_value("aineistopankki/callback_failures")
        request = response.request
        meta = request.meta if request is not None else {}
        detail = str(exception) or "no message"
        record_error(
            self.crawler,
            meta.get("original_url", response.url),
            f"could not read the response: {type(exception).__name__}: {detail[:300]}",
            meta.get("referrer"),
        )
        return []


class GuardedCacheStorage(FilesystemCacheStorage):
    """Scrapy's file cache, but a cache that cannot be written (read-only, full disk) or read
    (a corrupt entry) never fails a page: the page is fetched and read as without a cache, and the
    source's run is marked as not finished (stats), so that it retires nothing."""

    def retrieve_response(self, spider, request):
        try:
            return super().retrieve_response(spider, request)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError) as exc:
            self._failed(spider, f"the HTTP cache could not be read: {exc}")
            return None

    def store_response(self, spider, request, response):
        try:
            super().store_response(spider, request, response)
        except OSError as exc:
            self._failed(spider, f"the HTTP cache could not be written: {exc.strerror or exc}")

    def _failed(self, spider, message: str) -> None:
        stats = spider.crawler.stats
        if not stats.get_value("aineistopankki/cache_failed"):
            stats.set_value("aineistopankki/cache_failed_message", f"{message} ({self.cachedir})")
            if hasattr(spider, "record_error"):
                spider.record_error(self.cachedir, message)
        stats.inc_value("aineistopankki/cache_failed")


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request that waits for a host's robots.txt given
    the parser. Scrapy 2.13+ awaits the one shared Deferred through asFuture(), which hands the
    parser to the first waiter and None (= no rules) to the others, so requests queued before
    robots.txt arrived went out unchecked. Each waiter here gets a Deferred of its own."""

    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        waiter = Deferred()

        def relay(result):
            waiter.callback(result)
            return result  # the next waiter's relay gets it too

        pending.addBoth(relay)
        return await maybe_deferred_to_future(waiter)
