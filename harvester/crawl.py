"""Running one harvest's crawl: Scrapy's settings for the run, one crawler per source (the spider
its source names), a progress line per source, and the results the store pipeline collected. A
crawl that never closed is reported as a failed source, so publishing changes nothing of it.

A run stops early on SIGTERM/SIGINT (Scrapy's graceful stop: every source closes as 'shutdown')
or at its time budget; crawl() says so, and the run is then recorded as interrupted.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path


def scrapy_settings(args, db_path: str, run_id: int, projects: list[dict]):
    """Project settings plus what this run needs: its id, the projects (tagging priors), the
    HTTP cache beside the catalogue (conditional requests on re-harvests), the operator's limits."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("harvester.settings", priority="project")
    settings.set("HTTPCACHE_DIR", str(Path(db_path).resolve().with_suffix(".httpcache")), priority="cmdline")
    settings.set("AINEISTOPANKKI_RUN_ID", run_id, priority="cmdline")
    settings.set("AINEISTOPANKKI_PROJECTS", {p["id"]: p for p in projects}, priority="cmdline")
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    if args.log_file:
        settings.set("LOG_FILE", args.log_file, priority="cmdline")
    if getattr(args, "wayback_url", None):
        settings.set("AINEISTOPANKKI_WAYBACK_URL", args.wayback_url, priority="cmdline")
    if getattr(args, "no_file_text", False):
        settings.set("AINEISTOPANKKI_EXTRACT_FILES", False, priority="cmdline")
    if args.timeout:
        settings.set("DOWNLOAD_TIMEOUT", args.timeout, priority="cmdline")
    if args.no_cache:
        settings.set("HTTPCACHE_ENABLED", False, priority="cmdline")
    if args.revalidate:
        headers = {**settings.getdict("DEFAULT_REQUEST_HEADERS"), "Cache-Control": "max-age=0"}
        settings.set("DEFAULT_REQUEST_HEADERS", headers, priority="cmdline")
    if args.max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", args.max_pages, priority="cmdline")
    for option, name in (
        ("source_time_budget", "AINEISTOPANKKI_SOURCE_TIME_BUDGET"),
        ("run_time_budget", "AINEISTOPANKKI_RUN_TIME_BUDGET"),
    ):
        if getattr(args, option, None) is not None:
            settings.set(name, getattr(args, option), priority="cmdline")
    source_budget = settings.getfloat("AINEISTOPANKKI_SOURCE_TIME_BUDGET")
    settings.set("CLOSESPIDER_TIMEOUT", source_budget, priority="cmdline")
    if args.delay is not None:
        settings.set("DOWNLOAD_DELAY", args.delay, priority="cmdline")
        settings.set("AUTOTHROTTLE_START_DELAY", args.delay, priority="cmdline")
        if args.delay == 0:
            # Only sensible for a local web (the demo): no throttling, a few parallel requests per host.
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 4, priority="cmdline")
    return settings


class Progress:
    """A line per source as its crawl ends, so an operator watching a long harvest sees it move."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0

    def source_done(self, crawler):
        def report(spider, reason):
            self.done += 1
            stats = crawler.stats
            print(
                f"  [{self.done}/{self.total}] {spider.source.id}:"
                f" {stats.get_value('aineistopankki/materials', 0)} materials found,"
                f" {stats.get_value('downloader/response_count', 0)} responses,"
                f" {len(getattr(spider, 'errors', []))} errors ({reason})",
                file=sys.stderr,
                flush=True,
            )

        return report


class Stopped(BaseException):
    """SIGTERM or SIGINT after the crawl, while its results are published: the publishing
    transaction rolls back and the run is recorded as interrupted."""


def _raise_stopped(signum, frame):
    raise Stopped(signal.Signals(signum).name)


def stop_on_signals() -> None:
    """From the end of the crawl on, SIGTERM/SIGINT stop publishing cleanly (Scrapy's handlers,
    still installed, would only note them: a signal until then marks the run interrupted)."""
    signal.signal(signal.SIGTERM, _raise_stopped)
    signal.signal(signal.SIGINT, _raise_stopped)


def crawl(settings, db, run_id: int, sources: list, corrections) -> tuple[list[dict], str | None]:
    """Crawl every source (each with the tags its materials had, so unchanged ones keep them) and
    return one result per source for publish_run, and why the whole run stopped early (a signal,
    its time budget), None when it ran to its end."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.defer import deferred_from_coro

    from harvester.catalog import previous_tags
    from harvester.pipelines.store import collected
    from harvester.spiders.eura import EuraSpider
    from harvester.spiders.oaipmh import OaiPmhSpider
    from harvester.spiders.site import SiteSpider
    from harvester.tagging.worker import shutdown_shared_worker

    stopped: list[str] = []

    class HarvestProcess(CrawlerProcess):
        def _signal_shutdown(self, signum, frame):
            stopped.append(f"stopped by {signal.Signals(signum).name}")
            super()._signal_shutdown(signum, frame)

    process = HarvestProcess(settings)
    progress = Progress(len(sources))
    for source in sources:
        spider_class = {"eura": EuraSpider, "oaipmh": OaiPmhSpider}.get(source.spider, SiteSpider)
        crawler = process.create_crawler(spider_class)
        crawler.signals.connect(progress.source_done(crawler), signal=signals.spider_closed, weak=False)
        process.crawl(
            crawler, source=source, previous_tags=previous_tags(db, source.id), curation=corrections
        )

    from twisted.internet import reactor  # only now: the process has installed its reactor

    budget = settings.getfloat("AINEISTOPANKKI_RUN_TIME_BUDGET")

    def out_of_time():
        stopped.append(f"stopped at its time budget of {budget:g} s")
        print(f"  run time budget of {budget:g} s reached: stopping every source", file=sys.stderr)
        for crawler in process.crawlers:
            if crawler.crawling and crawler.engine is not None:
                deferred_from_coro(crawler.engine.close_spider_async(reason="run_time_budget"))

    timer = reactor.callLater(budget, out_of_time) if budget > 0 else None
    try:
        process.start()
    finally:
        if timer is not None and timer.active():
            timer.cancel()
        shutdown_shared_worker()
    results = collected(run_id)
    missing = sorted({s.id for s in sources} - {r["source_id"] for r in results})
    for source_id in missing:  # a crawl that never closed (it crashed, or a second signal)
        error = {"url": "", "error": "the crawl did not finish", "referrer": None}
        results.append(
            {
                "source_id": source_id,
                "items": [],
                "report": {"status": "interrupted" if stopped else "failed", "errors": [error]},
            }
        )
    return results, (stopped[0] if stopped else None)
