"""Bound: the first step for every record a spider yields (materials, register records, about
pages, repository records): control characters stripped and every text cut at its limit
(harvester/items.py), each cut reported by URL in the run's errors."""

from __future__ import annotations

from harvester.items import MAX_TEXT_CHARS, bound_material


class BoundPipeline:
    def __init__(self, max_text: int = MAX_TEXT_CHARS):
        self.max_text = max_text

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.getint("AINEISTOPANKKI_MAX_TEXT_CHARS", MAX_TEXT_CHARS))
        pipeline.crawler = crawler
        return pipeline

    def process_item(self, item, spider=None):
        cut = bound_material(item, self.max_text)
        if cut:
            spider = spider or self.crawler.spider
            url = item.get("url") or item.get("register_url") or "?"
            self.crawler.stats.inc_value("aineistopankki/text_cut")
            spider.record_error(url, f"text cut to its limit ({', '.join(cut)})", item.get("referrer"))
        return item
