"""Scrapy settings for harvests: polite by default, bounded on every download.

The CLI overrides the delay for the loopback demo web; production runs keep these.
"""

import os

BOT_NAME = "aineistopankki"
SPIDER_MODULES = ["harvester.spiders"]
NEWSPIDER_MODULE = "harvester.spiders"

# Names the project and where a site owner can reach its operator: set AINEISTOPANKKI_CONTACT to the
# operator's contact page or address before harvesting real sites.
CONTACT = os.environ.get(
    "AINEISTOPANKKI_CONTACT", "https://github.com/aineistopankki/aineistopankki#harvester"
)
USER_AGENT = f"Aineistopankki/0.1 (open materials bank for immigrant integration work; +{CONTACT})"
ROBOTSTXT_OBEY = True

# Politeness: one request at a time per host, a delay between requests, AutoThrottle on top.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0  # the delay is a floor, never shortened at random
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Limits on every download and on the crawl itself.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 10
CLOSESPIDER_PAGECOUNT = 5000  # a source stopped here is a run that did not finish: it retires nothing
# IPv6 literals and AAAA records: Scrapy's default resolver knows IPv4 only.
TWISTED_DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts, for every crawler (a source here), an HTTP server on localhost that runs any
# Python code sent with the token it writes to ~/.local/state/scrapy/job_files/ (files that a killed
# harvest leaves behind). A scheduled harvester has no use for it: off, like the telnet console.
REMOTE_CONTROL_ENABLED = False
# Profiled (bench/throughput.py): Scrapy re-reads and parses the source of the callback on every
# response to warn about `return value` in generators (its cache misses for bound methods), ~1 ms a
# response; ruff and the tests guard the callbacks instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
# A page yields a handful of items and requests; Scrapy starts this many tasks per response to
# process them, and the pipelines are synchronous, so 100 (the default) only costs task churn.
CONCURRENT_ITEMS = 8
# Dead links and server errors reach the spider's errback, which records them by URL.
HTTPERROR_ALLOWED_CODES: list[int] = []

DOWNLOADER_MIDDLEWARES = {
    "harvester.middlewares.HostAllowListMiddleware": 50,
    # Scrapy's own at its place (100), fixed so that requests queued before robots.txt arrived obey it
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "harvester.middlewares.SharedRobotsTxtMiddleware": 100,
    # above the HTTP cache (900): a page is cut before it is cached, and the cut is reported again
    # when the cached page is read
    "harvester.middlewares.PageSizeMiddleware": 960,
    # below the HTTP cache (900), so it sees only what really crossed the network
    "harvester.middlewares.NetworkStatsMiddleware": 950,
    # closest to the download: the delay between two requests to one host counts from the last response
    "harvester.middlewares.DelayFromResponseMiddleware": 990,
}

# Any exception while a spider reads a response becomes an error line for its URL.
SPIDER_MIDDLEWARES = {"harvester.middlewares.ResponseFailureMiddleware": 990}

# The line: bound (control characters out, texts cut) → normalise → classify → tag → dedupe →
# validate and store.
ITEM_PIPELINES = {
    "harvester.pipelines.worker_text.WorkerTextPipeline": 40,  # page, PDF and Office text, in the worker
    "harvester.pipelines.bound.BoundPipeline": 50,
    "harvester.pipelines.normalise.NormalisePipeline": 100,
    "harvester.pipelines.classify.ClassifyPipeline": 200,
    "harvester.pipelines.tag.TagPipeline": 300,
    "harvester.pipelines.dedupe.DedupePipeline": 400,
    "harvester.pipelines.store.StorePipeline": 500,
}

# Re-harvests ask "has it changed?" (If-None-Match / If-Modified-Since) instead of fetching again.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "harvester.middlewares.GuardedCacheStorage"  # Scrapy's file storage, failures reported
HTTPCACHE_DIR = "httpcache"  # the CLI puts it beside the catalogue: <catalog>.httpcache/
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 404, 410, 429]
# RFC 2616 semantics: a cached page is reused while it is fresh (its own Cache-Control/Expires, or
# heuristically a tenth of its age since Last-Modified: a page untouched for years is not asked for
# again this week) and revalidated with a conditional request after that. `harvest --revalidate`
# asks the server about every page.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
    "Accept-Language": "fi,sv;q=0.9,en;q=0.8",
}

LOG_LEVEL = "INFO"
LOG_FORMATTER = "harvester.middlewares.QuietDropFormatter"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Project settings (set by the CLI for each run).
AINEISTOPANKKI_RUN_ID = None
AINEISTOPANKKI_PROJECTS = {}  # project id -> project record (for tagging priors)
AINEISTOPANKKI_TAG_PROCESSES = 1  # tagging in a process of its own (0: in the crawler process)
AINEISTOPANKKI_EXTRACT_FILES = True  # read PDF and office text (off: link texts only, a quick survey)
AINEISTOPANKKI_MAX_QUERY_VARIANTS = 3  # distinct query strings followed per path (paging traps)

# Bounds on hostile input; each hit is an error line for its URL in the run's report.
# A page (HTML) is read up to here, the rest dropped: the largest of 181 real article pages weighs
# 1.5 MB (p95 0.5 MB); at 4 MB, two sites of 20 MB pages took the crawler to 458 MB, at 2 MB to 283 MB.
AINEISTOPANKKI_MAX_PAGE_BYTES = 2 * 1024 * 1024
AINEISTOPANKKI_MAX_TEXT_CHARS = 200_000  # a material's text (pages, PDF and Office alike)
# Time budgets: a source, and the whole run, stopped here did not finish (nothing retired).
AINEISTOPANKKI_SOURCE_TIME_BUDGET = 4 * 3600  # seconds (0 = none); Scrapy's CLOSESPIDER_TIMEOUT
AINEISTOPANKKI_RUN_TIME_BUDGET = 8 * 3600  # seconds (0 = none)
