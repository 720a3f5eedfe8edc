"""The text of PDF and Office files, read in the worker process (harvester/tagging/worker.py) instead of
on the crawler's reactor: the spider hands the body over (Material._file_body) and this first step of
the line fills in title, text, headings and declared language. A file that cannot be read is an error
line for its URL and is still catalogued by its link texts, as when the spider reads it itself."""

from __future__ import annotations

import logging

from harvester.extract.office import OfficeError
from harvester.extract.pdf import PdfError
from harvester.pipelines import materials_only
from harvester.tagging.worker import TaggingWorker, shared_worker, worker_processes

logger = logging.getLogger(__name__)


def hand_over(item, body: bytes) -> None:
    """Called by the spider: the file's text is to be read in the worker."""
    item._file_body = body


class FileTextPipeline:
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
        body = getattr(item, "_file_body", None)
        if body is None:
            return item
        del item._file_body
        spider = spider or self.crawler.spider
        try:
            if self.worker is not None:
                found = await self.worker.file_text(body, item["format"])
            else:  # not under the asyncio reactor: the spider should not have handed it over
                from harvester.tagging.worker import file_text_of

                found = file_text_of(body, item["format"])
        except (PdfError, OfficeError) as exc:
            spider.record_error(item["url"], str(exc), item.get("referrer"))
            return item
        item.update({name: found[name] for name in ("title", "text", "headings", "declared_language")})
        if found.get("text_source") == "OCR":
            spider.crawler.stats.inc_value("aineistopankki/ocr_files")
            spider.crawler.stats.inc_value("aineistopankki/ocr_pages", found.get("ocr_pages") or 0)
            item["page_signals"] = {**(item.get("page_signals") or {}), "text_source": "ocr"}
        for note in found.get("notes") or []:
            logger.warning("%s: %s", item["url"], note)
        return item
