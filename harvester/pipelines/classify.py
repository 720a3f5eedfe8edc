"""Classify: drop what is not a material, counting why."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from harvester.classify import decide, is_about_page
from harvester.items import ProjectAbout
from harvester.pipelines import materials_only


class ClassifyPipeline:
    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.stats)
        pipeline.crawler = crawler
        return pipeline

    @materials_only
    def process_item(self, item, spider=None):
        curated = getattr(spider or self.crawler.spider, "curation", None)
        note = curated.excludes([item["url"], item.get("fetched_url") or item["url"]]) if curated else None
        if note is not None:
            raise DropItem(f"not a material (curated{': ' + note if note else ''}): {item['url']}")
        is_material, reason = decide(item)
        if not is_material and is_about_page(item) and item.get("project_id"):
            return ProjectAbout(
                project_id=item["project_id"],
                url=item["url"],
                title=item.get("title"),
                text=(item.get("text") or "")[:4000],
                language=item.get("declared_language"),
            )
        if not is_material:
            if self.stats is not None:
                self.stats.inc_value("aineistopankki/not_material")
            raise DropItem(f"not a material: {reason}: {item['url']}")
        item["is_material"] = True
        item["material_reason"] = reason
        return item
