"""Validate and store: check each material against the schema, write the source's harvest at the end.

Materials are buffered and written in one transaction on the spider_closed signal, after
every pipeline has finished its own end-of-crawl work, so a crawl that dies half-way
leaves the catalogue as it was.
"""

from __future__ import annotations

import jsonschema
from scrapy import signals

from harvester.catalog import open_catalog, store_source_harvest, utcnow
from harvester.items import validate_material


class StorePipeline:
    def __init__(self, db_path, run_id, stats):
        self.db_path = db_path
        self.run_id = run_id
        self.stats = stats
        self.items: list = []
        self.started_at = utcnow()

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(
            crawler.settings.get("AINEISTOPANKKI_DB"),
            crawler.settings.get("AINEISTOPANKKI_RUN_ID"),
            crawler.stats,
        )
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.write, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item, spider=None):
        try:
            validate_material(item)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "item"
            (spider or self.crawler.spider).record_error(
                item.get("url", "?"), f"invalid material ({where}): {exc.message}"
            )
            return item
        self.items.append(item)
        return item

    def write(self, spider, reason):
        if not self.db_path:
            return
        pages = self.stats.get_value("downloader/response_count", 0)
        errors = list(getattr(spider, "errors", []))
        if pages == 0:
            status = "failed"
        elif errors:
            status = "partial"
        else:
            status = "ok"
        db = open_catalog(self.db_path)
        try:
            counts = store_source_harvest(
                db,
                self.run_id,
                spider.source.id,
                [dict(i) for i in self.items],
                {
                    "status": status,
                    "started_at": self.started_at,
                    "pages_fetched": pages,
                    "errors": errors,
                    "finish_reason": reason,
                },
            )
        finally:
            db.close()
        spider.logger.info(
            "stored %d materials of %s (%d new, %d changed, %d unchanged), %d errors",
            len(self.items),
            spider.source.id,
            counts["new"],
            counts["changed"],
            counts["unchanged"],
            len(errors),
        )
