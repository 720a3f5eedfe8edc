"""Opt-in platform metadata: one documented oEmbed URL per platform material, for its title.

Only for a source with `platform_metadata: true`. The requests go through the same downloader
middlewares as every other (host allowlist and its private-address check, robots.txt, delay, size and
time limits), one at a time: Scrapy 2.19's robots.txt middleware lets through every request but the
first of those that wait for a host's robots.txt together, so a request is sent only once the previous
one has been answered and the endpoint's robots.txt is known.
"""

from __future__ import annotations

import json
import os
from collections import deque

import scrapy

from harvester.extract.html import clean
from harvester.extract.platforms import match as platform_match
from harvester.extract.platforms import oembed_url


def oembed_endpoints(override: str | None = None) -> list[str]:
    """The oEmbed endpoints a platform_metadata source may ask: every platform's, or the one
    override (AINEISTOPANKKI_OEMBED_URL, a local test server)."""
    from harvester.extract.platforms import registry

    override = override or os.environ.get("AINEISTOPANKKI_OEMBED_URL") or None
    return [override] if override else [p.oembed for p in registry().platforms if p.oembed]


class OembedMixin:
    """The oEmbed part of the site spider; `with_metadata(item)` yields the item once it is complete."""

    def oembed_setup(self) -> None:
        self.oembed_endpoint: str | None = None  # replaces every platform's endpoint (a local test server)
        self.oembed_pending: dict[str, list] = {}  # platform URL -> its items waiting for the answer
        self.oembed_known: dict[str, dict] = {}  # platform URL -> what its oEmbed answer said
        self.oembed_queue: deque[scrapy.Request] = deque()  # requests not sent yet
        self.oembed_busy = False  # a request is out

    def with_metadata(self, item):
        """The item once its platform's oEmbed answer is in: one request per material, however many
        pages link it; items of a material already asked for wait for the same answer."""
        found = platform_match(item["url"])
        request_url = oembed_url(found, self.oembed_endpoint) if found else None
        if request_url is None:
            yield item
        elif item["url"] in self.oembed_known:
            yield self._with_oembed(item, self.oembed_known[item["url"]])
        elif item["url"] in self.oembed_pending:
            self.oembed_pending[item["url"]].append(item)
        else:
            self.oembed_pending[item["url"]] = [item]
            self.oembed_queue.append(
                scrapy.Request(
                    request_url,
                    callback=self.parse_oembed,
                    errback=self.oembed_failed,
                    dont_filter=True,  # a filtered request would stall the queue
                    meta={"platform_url": item["url"], "original_url": request_url},
                )
            )
            yield from self._next_oembed()

    def _next_oembed(self, answered: bool = False):
        if answered:
            self.oembed_busy = False
        if not self.oembed_busy and self.oembed_queue:
            self.oembed_busy = True
            yield self.oembed_queue.popleft()

    def parse_oembed(self, response):
        try:
            data = json.loads(response.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.crawler.stats.inc_value("aineistopankki/oembed_unreadable")
            data = {}
        known = {"title": clean(str(data.get("title") or "")), "oembed": response.url}
        self.oembed_known[response.meta["platform_url"]] = known
        for item in self.oembed_pending.pop(response.meta["platform_url"], []):
            yield self._with_oembed(item, known)
        yield from self._next_oembed(answered=True)

    def oembed_failed(self, failure):
        """No metadata (refused, missing, too slow): the materials keep what their pages said."""
        self.crawler.stats.inc_value("aineistopankki/oembed_failed")
        platform_url = failure.request.meta["platform_url"]
        self.oembed_known[platform_url] = {}
        yield from self.oembed_pending.pop(platform_url, [])
        yield from self._next_oembed(answered=True)

    @staticmethod
    def _with_oembed(item, known: dict):
        if known.get("title"):
            item["title"] = known["title"]
            item["page_signals"]["title_evidence"] = "oEmbed"
            item["page_signals"]["oembed"] = known["oembed"]
        return item
