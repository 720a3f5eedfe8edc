"""The generic site spider: one sources entry in, every candidate material out.

It follows pages inside the source's scope, fetches document files that in-scope pages
link from their content (even when the file sits outside the scope prefix on the same
host), records the platform materials pages link or embed (videos, Issuu publications, Drive files
…) without fetching the platform, and records every failed request by URL. Only a source with
`platform_metadata: true` asks a platform for one documented oEmbed URL per material. Whether a
page is a material is decided later in the pipelines.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from harvester.curation import Curation
from harvester.extract.html import clean
from harvester.extract.office import OfficeError
from harvester.extract.pdf import PdfError
from harvester.pipelines.worker_text import MAX_WORKER_PAGE_CHARS, hand_over, hand_over_page
from harvester.registry import Source
from harvester.spiders.documents import (
    FILE_TEXT_FORMATS,
    Context,
    decode_html,
    file_material,
    looks_like_html,
    page_materials,
)
from harvester.spiders.oembed import OembedMixin, oembed_endpoints
from harvester.tagging.worker import worker_processes
from harvester.urls import canonicalize, file_format, in_scope, is_skippable
from harvester.wayback import DEFAULT_WAYBACK, original_url, snapshot_request_url


class SiteSpider(OembedMixin, scrapy.Spider):
    name = "site"

    def __init__(
        self,
        source: Source,
        previous_tags: dict | None = None,
        curation: Curation | None = None,
        *args,
        **kwargs,
    ):
        super().__init__(*args, name=f"site:{source.id}", **kwargs)
        self.source = source
        # id -> tags of the last harvest, reused when nothing they depend on changed
        self.previous_tags = previous_tags or {}
        self.curation = curation or Curation()  # the curator's corrections (curation.yml)
        self.wayback = DEFAULT_WAYBACK
        self.allowed_hosts = source.hosts
        self.oembed_hosts: frozenset[str] = frozenset()  # with platform_metadata: the oEmbed endpoints' hosts
        self.roots = {canonicalize(u) for u in (*source.start_urls, *source.scope)}
        self.link_texts: dict[str, list[str]] = {}
        self.query_variants: dict[str, set[str]] = {}
        self.errors: list[dict] = []
        self.listed: set[str] = set()  # canonical URLs linked from the source's materials list (hint)
        self.material_patterns = [re.compile(p) for p in source.material_patterns]
        self.exclude_patterns = [re.compile(p) for p in source.exclude_patterns]
        self.oembed_setup()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.wayback = crawler.settings.get("AINEISTOPANKKI_WAYBACK_URL") or DEFAULT_WAYBACK
        if spider.source.wayback:
            spider.allowed_hosts = spider.allowed_hosts | {urlsplit(spider.wayback).netloc.lower()}
        if spider.source.platform_metadata:
            # The oEmbed endpoints and nothing else of the platforms: their material URLs stay unrequested.
            spider.oembed_endpoint = (
                crawler.settings.get("AINEISTOPANKKI_OEMBED_URL")
                or os.environ.get("AINEISTOPANKKI_OEMBED_URL")
            ) or None
            endpoints = oembed_endpoints(spider.oembed_endpoint)
            # allowed for the oEmbed requests only (HostAllowListMiddleware): a page of the source that
            # redirects to a platform is still refused
            spider.oembed_hosts = frozenset(urlsplit(e).netloc.lower() for e in endpoints)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        return spider

    def on_request_dropped(self, request, spider=None):
        """A redirect back to a URL of its own chain is a loop: the duplicate filter ends it silently."""
        chain = [canonicalize(u) for u in request.meta.get("redirect_urls", [])]
        if canonicalize(request.url) in chain:
            self.record_error(chain[0], f"redirect loop: {' -> '.join(chain)} -> {request.url}")

    async def start(self):
        for url in self.source.start_urls:
            yield self.request(url, self.parse)
        for request in self.discovery_requests():
            yield request

    # -- structured discovery: WordPress REST API, XML sitemaps ----------------------------
    def discovery_requests(self):
        """A WordPress site scoped to its whole origin lists its uploads and pages in /wp-json/ and
        /wp-sitemap.xml (uploads that no page links are found only there); sitemaps named in the
        sources file are read for every source."""
        for url in self.source.sitemaps:
            yield self.request(url, self.parse_sitemap, discovery=True)
        if self.source.platform != "wordpress" or self.source.wayback:
            return
        for prefix in self.source.scope:
            parts = urlsplit(prefix)
            if parts.path.strip("/"):
                continue  # a project under part of a site: the site's API lists other people's files
            origin = f"{parts.scheme}://{parts.netloc}"
            yield self.request(
                f"{origin}/wp-json/wp/v2/media?per_page=100&page=1", self.parse_wp_media, discovery=True
            )
            yield self.request(
                f"{origin}/wp-json/wp/v2/pages?per_page=100&page=1", self.parse_wp_pages, discovery=True
            )
            yield self.request(f"{origin}/wp-sitemap.xml", self.parse_sitemap, discovery=True)

    def _json(self, response) -> list:
        try:
            data = json.loads(
                response.text if isinstance(response, scrapy.http.TextResponse) else response.body
            )
        except ValueError as exc:
            self.record_error(response.url, f"not JSON: {exc}")
            return []
        return data if isinstance(data, list) else []

    def _next_wp_page(self, response, callback):
        page = int(re.search(r"[?&]page=(\d+)", response.url).group(1)) if "page=" in response.url else 1
        total = int(response.headers.get("X-WP-TotalPages", b"1") or 1)
        if page < min(total, 50):
            yield self.request(
                re.sub(r"page=\d+", f"page={page + 1}", response.url), callback, discovery=True
            )

    def parse_wp_media(self, response):
        for media in self._json(response):
            url = (media.get("source_url") or "").strip()
            title = clean(re.sub(r"<[^>]+>", "", (media.get("title") or {}).get("rendered") or ""))
            if url and file_format(url) and urlsplit(url).netloc.lower() in self.allowed_hosts:
                self._remember_link_text(url, title)
                yield self.request(url, self.parse_file, referrer=response.url, link_text=title)
        yield from self._next_wp_page(response, self.parse_wp_media)

    def parse_wp_pages(self, response):
        for page in self._json(response):
            url = (page.get("link") or "").strip()
            if url and in_scope(url, self.source.scope) and self._query_allowed(url):
                yield self.request(url, self.parse, referrer=response.url)
        yield from self._next_wp_page(response, self.parse_wp_pages)

    def parse_sitemap(self, response):
        try:
            root = etree.fromstring(response.body, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            self.record_error(response.url, f"unreadable sitemap: {exc}")
            return
        for loc in root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()"):
            if urlsplit(loc.strip()).netloc.lower() in self.allowed_hosts:
                yield self.request(loc.strip(), self.parse_sitemap, discovery=True)
        for loc in root.xpath("//*[local-name()='url']/*[local-name()='loc']/text()"):
            url = loc.strip()
            if is_skippable(url) or not in_scope(url, self.source.scope):
                continue
            if file_format(url):
                yield self.request(url, self.parse_file, referrer=response.url)
            elif self._query_allowed(url):
                yield self.request(url, self.parse, referrer=response.url)

    # -- pages ---------------------------------------------------------------------------
    def parse(self, response):
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if response.body[:5] == b"%PDF-" or "application/pdf" in content_type:
            yield from self.parse_file(response)
            return
        if "html" not in content_type and not looks_like_html(response.body):
            # Neither declared nor sniffed as HTML (an image, an archive …): nothing to read.
            self.crawler.stats.inc_value("aineistopankki/skipped_content_type")
            return
        url, _ = self.page_url(response)
        if not in_scope(url, self.source.scope):
            # A redirect led outside the scope: not this source's page.
            self.crawler.stats.inc_value("aineistopankki/redirected_out_of_scope")
            return
        text = decode_html(response.body, content_type)
        if self.source.materials_selector and isinstance(response, scrapy.http.TextResponse):
            for href in response.css(self.source.materials_selector).css("a::attr(href)").getall():
                self.listed.add(canonicalize(response.urljoin(href.strip())))
        context = self.context(response, url)
        in_worker = len(text) <= MAX_WORKER_PAGE_CHARS and bool(worker_processes(self.settings))
        try:
            items, page = page_materials(text, url, len(response.body), content_type, context, not in_worker)
        except (ValueError, etree.ParserError) as exc:
            self.record_error(url, f"unreadable HTML: {exc}", response.meta.get("referrer"))
            return
        if in_worker and len(items) == 1:  # its text is read in the worker (pipelines/worker_text.py)
            hand_over_page(items[0], (text, len(response.body), content_type, context))
        for item in items:
            if item["kind"] == "embed":
                item["page_signals"]["hint"] = self.hint(item["url"])
                if self.source.platform_metadata:
                    yield from self.with_metadata(item)
                    continue
            yield item
        yield from self.follow(url, page.links, page.license)

    def follow(self, page_url, links, licence: str | None = None):
        """Requests for the pages and files a page links to; files inherit the page's licence statement
        (a publication list saying "CC BY 4.0" covers the publications it lists)."""
        page_host = urlsplit(page_url).netloc.lower()
        for link in links:
            url = link.url.split("#", 1)[0]
            if is_skippable(url):
                continue
            if file_format(url):
                if not link.in_content:
                    continue
                if urlsplit(url).netloc.lower() != page_host and not in_scope(url, self.source.scope):
                    continue
                self._remember_link_text(url, link.text)
                yield self.request(
                    url, self.parse_file, referrer=page_url, link_text=link.text, license=licence
                )
            elif in_scope(url, self.source.scope) and self._query_allowed(url):
                self._remember_link_text(url, link.text)
                yield self.request(url, self.parse, referrer=page_url)

    def request(self, url: str, callback, **meta) -> scrapy.Request:
        """A request for `url`; a source harvested from the Wayback Machine asks for its latest snapshot."""
        fetch = snapshot_request_url(url, self.wayback) if self.source.wayback else url
        return scrapy.Request(
            fetch, callback=callback, errback=self.on_error, meta={"original_url": url, **meta}
        )

    def page_url(self, response) -> tuple[str, str | None]:
        """(the URL the page has on its own site, the snapshot URL when it came from the Wayback Machine)."""
        if not self.source.wayback:
            return response.url, None
        original, _ = original_url(response.url)
        return original, response.url

    def hint(self, url: str) -> str | None:
        """What the source's own hints say of a URL: 'excluded', 'material' or nothing."""
        if any(p.search(url) for p in self.exclude_patterns):
            return "excluded"
        if any(p.search(url) for p in self.material_patterns) or canonicalize(url) in self.listed:
            return "material"
        return None

    def _query_allowed(self, url: str) -> bool:
        """Follow at most a few query-string variants of one path: paging and calendar traps are endless."""
        parts = urlsplit(canonicalize(url))
        if not parts.query:
            return True
        variants = self.query_variants.setdefault(f"{parts.netloc}{parts.path}", set())
        if parts.query in variants:
            return True
        if len(variants) >= self.settings.getint("AINEISTOPANKKI_MAX_QUERY_VARIANTS", 3):
            self.crawler.stats.inc_value("aineistopankki/query_variants_skipped")
            return False
        variants.add(parts.query)
        return True

    def _remember_link_text(self, url: str, text: str) -> None:
        text = clean(text)
        if text:
            texts = self.link_texts.setdefault(canonicalize(url), [])
            if text not in texts:
                texts.append(text)

    def _link_texts(self, canonical: str, response) -> list[str]:
        texts = list(self.link_texts.get(canonical, []))
        for url in response.meta.get("redirect_urls", []):
            texts.extend(t for t in self.link_texts.get(canonicalize(url), []) if t not in texts)
        return texts

    # -- files ---------------------------------------------------------------------------
    def parse_file(self, response):
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        url, snapshot = self.page_url(response)
        if "html" in content_type and response.body[:5] != b"%PDF-":
            # A "file" link that serves a page (a landing page in front of the document).
            if in_scope(url, self.source.scope):
                yield from self.parse(response)
            return
        fmt = file_format(url) or ("pdf" if response.body[:5] == b"%PDF-" else "file")
        context = self.context(response, url)
        extract = self.settings.getbool("AINEISTOPANKKI_EXTRACT_FILES", True)
        if extract and fmt in FILE_TEXT_FORMATS and worker_processes(self.settings):
            item = file_material(response.body, url, fmt, content_type, context, extract=False)
            hand_over(item, response.body)  # its text is read in the worker (pipelines/worker_text.py)
            yield item
            return
        try:
            item = file_material(response.body, url, fmt, content_type, context, extract)
        except (PdfError, OfficeError) as exc:
            self.record_error(url, str(exc), response.meta.get("referrer"))
            item = file_material(response.body, url, fmt, content_type, context, extract=False)
        yield item

    def context(self, response, url: str) -> Context:
        """What the harvest knows of a response beyond its body."""
        return Context(
            source_id=self.source.id,
            project_id=self.source.project,
            link_texts=self._link_texts(canonicalize(url), response),
            referrer=response.meta.get("referrer"),
            snapshot=self.page_url(response)[1],
            hint=self.hint(url),
            roots=self.roots,
            license=response.meta.get("license"),
        )

    # -- failures ------------------------------------------------------------------------
    def on_error(self, failure):
        request = failure.request
        if request.meta.get("discovery") and failure.check(HttpError):
            # No REST API or sitemap on this site: an ordinary answer, not a fault.
            self.crawler.stats.inc_value("aineistopankki/discovery_unavailable")
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            message = f"HTTP {status}"
        elif failure.check(DNSLookupError):
            message = "DNS lookup failed"
        elif failure.check(TimeoutError, TCPTimedOutError) or "Timeout" in failure.type.__name__:
            message = f"timed out after {self.settings.getfloat('DOWNLOAD_TIMEOUT')} s"
        elif "DataLoss" in failure.type.__name__:
            message = "incomplete response: the connection closed before the whole body arrived"
        elif failure.check(IgnoreRequest):
            message = str(failure.value) or "request ignored"
        else:
            message = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.record_error(
            request.meta.get("original_url", request.url), message, request.meta.get("referrer")
        )

    def record_error(self, url: str, message: str, referrer: str | None = None) -> None:
        self.errors.append({"url": url, "error": message, "referrer": referrer})
        self.crawler.stats.inc_value("aineistopankki/errors")
        self.logger.warning("%s: %s%s", url, message, f" (linked from {referrer})" if referrer else "")
