"""Texts read in the worker process (harvester/tagging/worker.py) instead of on the crawler's reactor:
a page's main content (trafilatura) and the text of PDF and Office files. The spider reads what the
crawl needs at once (a page's links; a file's size and hash), hands the rest over (hand_over,
hand_over_page) and this first step of the line fills the item in, exactly as the spider would have.
A file that cannot be read is an error line for its URL and is still catalogued by its link texts."""

from __future__ import annotations

import logging

from harvester.classify import text_decides
from harvester.extract.office import OfficeError
from harvester.extract.pdf import PdfError
from harvester.pipelines import materials_only
from harvester.tagging.worker import (
    FILE_TEXT_FIELDS,
    TaggingWorker,
    file_text_of,
    shared_worker,
    worker_processes,
)

logger = logging.getLogger(__name__)
# A larger page is read in the crawler at once, as before: pages waiting for the worker are held in the
# crawler's memory, and a few hostile multi-megabyte pages queued there took it past 800 MB
# (tests/test_hostile_harvest.py). Real pages stay under it (p95 512 kB of the article benchmark's 181).
MAX_WORKER_PAGE_CHARS = 600_000


def hand_over(item, body: bytes) -> None:
    """Called by the spider: the file's text is to be read in the worker."""
    item._file_body = body


def hand_over_page(item, page: tuple) -> None:
    """Called by the spider: the page (its text, size, content type and Context) is to be read whole
    in the worker; the spider read it without its content extractor."""
    item._page = page


# What classify.decided_by_address reads of a page, and what normalising them reads.
ADDRESS_FIELDS = (
    "kind",
    "url",
    "canonical_url",
    "title",
    "link_texts",
    "page_signals",
    "project_id",
    "hreflang",
)


def as_classified(item):
    """The fields of the item that decide it by its address, as ClassifyPipeline will see them
    (bounded and normalised); its text is left out."""
    from harvester.items import Material, bound_material
    from harvester.pipelines.normalise import NormalisePipeline

    probe = Material({name: item[name] for name in ADDRESS_FIELDS if name in item})
    bound_material(probe)
    return NormalisePipeline().process_item(probe)


class WorkerTextPipeline:
    def __init__(self, worker: TaggingWorker | None):
        self.worker = worker

    @classmethod
    def from_crawler(cls, crawler):
        processes = worker_processes(crawler.settings)
        pipeline = cls(shared_worker(processes) if processes else None)
        pipeline.crawler = crawler
        return pipeline

    @materials_only
    async def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        page = getattr(item, "_page", None)
        if page is not None:
            del item._page
            if text_decides(as_classified(item)):
                await self._read_page(item, page)
            else:  # site furniture by its address or title: dropped by the line whatever it says
                self.crawler.stats.inc_value("aineistopankki/pages_not_read")
        body = getattr(item, "_file_body", None)
        if body is not None:
            del item._file_body
            await self._read_file(item, body, spider)
        return item

    async def _read_page(self, item, page: tuple) -> None:
        try:
            if self.worker is not None:
                fields = await self.worker.page_fields(item["url"], *page)
            else:  # not under the asyncio reactor: the spider should not have handed it over
                from harvester.tagging.worker import page_fields_of

                fields = page_fields_of(item["url"], *page)
        except Exception as exc:  # noqa: BLE001 - the page read by its content wrapper is kept
            logger.warning("%s: the page's text could not be read in the worker (%s)", item["url"], exc)
            return
        item.update(fields)

    async def _read_file(self, item, body: bytes, spider) -> None:
        try:
            if self.worker is not None:
                found = await self.worker.file_text(body, item["format"])
            else:
                found = file_text_of(body, item["format"])
        except (PdfError, OfficeError) as exc:
            spider.record_error(item["url"], str(exc), item.get("referrer"))
            return
        item.update({name: found[name] for name in FILE_TEXT_FIELDS})
        if found.get("text_source") == "OCR":
            spider.crawler.stats.inc_value("aineistopankki/ocr_files")
            spider.crawler.stats.inc_value("aineistopankki/ocr_pages", found.get("ocr_pages") or 0)
            item["page_signals"] = {**(item.get("page_signals") or {}), "text_source": "ocr"}
        for note in found.get("notes") or []:
            logger.warning("%s: %s", item["url"], note)
