"""The tag pipeline: stored tags reused when nothing they depend on changed, else the material is
tagged (harvester/tagging/tagger.py) in the tagging worker; then the curator's correction."""

from __future__ import annotations

import hashlib
import json

from scrapy.utils.reactor import is_asyncio_reactor_installed

from harvester import curation
from harvester.extract.text import clean
from harvester.items import FIELD_LIMITS, strip_controls
from harvester.pipelines import materials_only
from harvester.tagging import TAGGER_VERSION
from harvester.tagging.tagger import TAG_FIELDS, tag
from harvester.tagging.worker import TaggingWorker, searched_texts, shared_worker
from harvester.urls import canonicalize


def tag_key(item: dict, project: dict | None, correction: dict | None = None) -> str:
    """Everything the tags of a material depend on, hashed: every field the tagger reads (content,
    URL, title, description, headings, image texts, link texts, declared language, kind, format,
    page signals), the project's prior and the tagger itself (code and vocabularies). A field left
    out here lets stale tags be reused when only that field changed."""
    parts = [
        TAGGER_VERSION,
        item.get("content_hash") or "",
        item.get("url") or "",
        item.get("title") or "",
        item.get("description") or "",
        "|".join(item.get("headings") or []),
        "|".join(item.get("images") or []),
        item.get("declared_language") or "",
        item.get("kind") or "",
        item.get("format") or "",
        json.dumps(item.get("page_signals") or {}, sort_keys=True, default=str),
        "|".join(item.get("link_texts") or []),
        "|".join((project or {}).get("phases") or []),
        curation.fingerprint(correction),
    ]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def reuse_stored_tags(item: dict, project: dict | None, previous: dict, corrections=None):
    """(tag key, the curator's correction, whether the stored tags were taken): stored tags are
    taken when nothing they depend on changed."""
    correction = (
        corrections.correction_for([item["url"], *(item.get("locations") or [])]) if corrections else None
    )
    key = tag_key(item, project, correction)
    known = previous.get(item.get("id"))
    if known and known["tag_key"] == key:
        item.update({field: known[field] for field in TAG_FIELDS})
        return key, correction, True
    return key, correction, False


def finish_tags(item: dict, key: str, correction: dict | None) -> dict:
    """Apply the curator's correction, if any (idempotent, so reused tags stay as curated)."""
    if correction:
        curation.apply(item, correction)
    item["tag_key"] = key
    return item


def tag_or_reuse(item: dict, project: dict | None, previous: dict, corrections=None) -> dict:
    """Tag an item, or take its stored tags; then apply the curator's correction."""
    key, correction, reused = reuse_stored_tags(item, project, previous, corrections)
    if not reused:
        tag(item, project)
    return finish_tags(item, key, correction)


class TagPipeline:
    """Tags each material as it arrives (in the tagging worker), and once more at the end for
    materials whose URL or link texts changed later in the crawl (another page linking the same
    file, a better duplicate URL), so that tags do not depend on the order of the responses."""

    def __init__(self, projects: dict, worker: TaggingWorker | None = None):
        self.projects = projects
        self.worker = worker
        self.tagged: list[tuple[dict, tuple]] = []

    @classmethod
    def from_crawler(cls, crawler):
        processes = crawler.settings.getint("AINEISTOPANKKI_TAG_PROCESSES")
        # the worker's results arrive as asyncio futures: only under the asyncio reactor
        worker = shared_worker(processes) if processes > 0 and is_asyncio_reactor_installed() else None
        pipeline = cls(crawler.settings.getdict("AINEISTOPANKKI_PROJECTS"), worker)
        pipeline.crawler = crawler
        return pipeline

    @materials_only
    async def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        project = self.projects.get(item.get("project_id"))
        previous, corrections = getattr(spider, "previous_tags", {}), getattr(spider, "curation", None)
        key, correction, reused = reuse_stored_tags(item, project, previous, corrections)
        if not reused:
            if self.worker is not None:
                item.update(await self.worker.tags(item, project))
            else:
                tag(item, project)
        finish_tags(item, key, correction)
        self.tagged.append((item, self._signature(item)))
        return item

    @staticmethod
    def _signature(item) -> tuple:
        return item["url"], tuple(item.get("link_texts") or [])

    async def close_spider(self, spider=None):
        spider = spider or self.crawler.spider
        known = getattr(spider, "link_texts", {})
        for item, signature in self.tagged:
            texts = set(item.get("link_texts") or [])
            for url in {item["url"], *(item.get("locations") or [])}:
                # link texts met later in the crawl enter here, bounded like every other text
                limit = FIELD_LIMITS["link_texts"]
                texts.update(clean(strip_controls(t))[:limit] for t in known.get(canonicalize(url), []))
            item["link_texts"] = sorted(texts)
            if self._signature(item) != signature:
                project = self.projects.get(item.get("project_id"))
                tag_or_reuse(
                    item, project, getattr(spider, "previous_tags", {}), getattr(spider, "curation", None)
                )
        if self.worker is not None:  # the search forms asked for, and words not seen yet (later link texts)
            await self.worker.search_forms([t for item, _ in self.tagged for t in searched_texts(item)])
        self.tagged.clear()
