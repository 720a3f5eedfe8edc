"""Validate and collect: check each material against the schema and hand the source's harvest over.

Nothing is written here. When a source's crawl ends (the spider_closed signal, after every
pipeline has finished its own end-of-crawl work), its materials and report go to the run's
collection; the CLI publishes all sources in one transaction when the whole harvest is done,
so a harvest killed at any moment leaves the catalogue exactly as it was.
"""

from __future__ import annotations

from collections import defaultdict

import jsonschema
from scrapy import signals

from harvester.clock import utcnow
from harvester.items import ProjectAbout, ProjectRecord, RepositoryRecord, validate_material

# run id -> one result per source: {"source_id", "items", "report"}
COLLECTED: dict[object, list[dict]] = defaultdict(list)


def collected(run_id) -> list[dict]:
    """Take (and forget) what the crawl of a run collected."""
    return COLLECTED.pop(run_id, [])


class StorePipeline:
    def __init__(self, run_id, stats):
        self.run_id = run_id
        self.stats = stats
        self.items: list = []
        self.projects: list[dict] = []
        self.repository: list[dict] = []
        self.about: list[dict] = []
        self.started_at = utcnow()

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("AINEISTOPANKKI_RUN_ID"), crawler.stats)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.hand_over, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_failed, signal=signals.item_error)
        return pipeline

    def item_failed(self, item, response, failure, spider=None):
        """A pipeline step that raised (not a DropItem): the material is lost for this run, so its
        URL gets an error line (and is not counted missing) instead of a log line only."""
        spider = spider or self.crawler.spider
        url = item.get("url") or (response.url if response is not None else "?")
        detail = failure.getErrorMessage()[:300]
        spider.record_error(url, f"could not process the material: {failure.type.__name__}: {detail}")

    def process_item(self, item, spider=None):
        if isinstance(item, ProjectRecord):
            self.projects.append(dict(item))
            return item
        if isinstance(item, ProjectAbout):
            self.about.append(dict(item))
            return item
        if isinstance(item, RepositoryRecord):
            self.repository.append(dict(item))
            return item
        try:
            validate_material(item)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "item"
            (spider or self.crawler.spider).record_error(
                item.get("url", "?"), f"invalid material ({where}): {exc.message}"
            )
            return item
        self.items.append(item)
        self.stats.inc_value("aineistopankki/materials")  # the progress line's count (crawl.py)
        return item

    def hand_over(self, spider, reason):
        pages = self.stats.get_value("downloader/response_count", 0)
        errors = list(getattr(spider, "errors", []))
        unfinished = self.unfinished(spider.crawler.settings, reason)
        if unfinished:
            # A crawl that did not finish saw only part of the source: what it found is published
            # as seen, nothing is counted missing (harvester/catalog/publish.py).
            status = "interrupted"
            where = spider.source.start_urls[0] if spider.source.start_urls else ""
            errors.append({"url": where, "error": f"did not finish: {unfinished}", "referrer": None})
        elif pages == 0:
            status = "failed" if not self.items else "partial"
        elif errors:
            status = "partial"
        else:
            status = "ok"
        COLLECTED[self.run_id].append(
            {
                "source_id": spider.source.id,
                "items": [dict(i) for i in self.items],
                "projects": self.projects,
                "repository": self.repository,
                "about": self.about,
                "report": {
                    "status": status,
                    "started_at": self.started_at,
                    "pages_fetched": pages,
                    "not_modified": self.stats.get_value("aineistopankki/not_modified", 0),
                    "bytes": self.stats.get_value("aineistopankki/network_bytes", 0),
                    "errors": errors,
                    "finish_reason": reason,
                    **({"message": f"did not finish: {unfinished}"} if unfinished else {}),
                },
            }
        )
        spider.logger.info(
            "%s: %d materials, %d responses, %d errors", spider.source.id, len(self.items), pages, len(errors)
        )

    def unfinished(self, settings, reason: str) -> str | None:
        """Why a source's crawl did not finish, in words for the operator; None when it did."""
        cache = self.stats.get_value("aineistopankki/cache_failed_message")
        if cache:
            return cache
        if reason == "finished":
            return None
        if reason == "closespider_pagecount":
            cap = settings.getint("CLOSESPIDER_PAGECOUNT")
            return f"page cap of {cap} responses reached (harvest --max-pages N raises it)"
        if reason == "closespider_timeout":
            budget = settings.getint("CLOSESPIDER_TIMEOUT")
            return f"source time budget of {budget} s reached (harvest --source-time-budget S)"
        if reason == "run_time_budget":
            budget = settings.getint("AINEISTOPANKKI_RUN_TIME_BUDGET")
            return f"run time budget of {budget} s reached (harvest --run-time-budget S)"
        if reason == "shutdown":
            return "stopped by a signal (SIGTERM or SIGINT)"
        return f"stopped: {reason}"
