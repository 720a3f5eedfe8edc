"""Tagging in a process of its own, so that the crawl and the tagger use a core each.

Profiled on the synthetic web (bench/throughput.py): the crawler process is CPU-bound, and the
tagger's share of it is loading the short-text language models (1–3 s, holding the GIL) and
scoring texts (langdetect, ~4 ms a page). One worker process, started with the harvest, loads the
models while the first pages are fetched and then tags while the crawler goes on. The tags are
the same as in the crawler process (the same code and seeded detectors; tests/test_tag_worker.py).
If the worker dies, tagging goes on in the crawler process: a harvest never loses a material to it.

The text of PDF and Office files is read here too (file_text_of), off the crawler's reactor: PDFium
and Tesseract are native code, so a hostile file that crashes or hangs them takes down a worker, which
is replaced, and costs that file's text, never the harvest (FILE_SECONDS, MAX_RESTARTS).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from harvester.catalog.search_index import PRECOMPUTED, words

logger = logging.getLogger(__name__)
PARENT_CHECK_SECONDS = 1.0
FILE_SECONDS = 180.0  # one file's text (PDF pages, OCR of the first pages) in the worker
MAX_RESTARTS = 5  # workers replaced after a crash or a hung file; then the crawler reads files itself
FILE_TEXT_FIELDS = ("title", "text", "headings", "declared_language")

# What tag() reads of a material; only these cross to the worker.
TAG_INPUTS = (
    "kind",
    "url",
    "title",
    "link_texts",
    "headings",
    "description",
    "text",
    "declared_language",
    "images",
    "format",
    "page_signals",
)


def tags_of(fields: dict, project: dict | None) -> dict:
    """The tags (TAG_FIELDS) of one material; runs in the worker or, as a fallback, in the crawler."""
    from harvester.tagging.tagger import TAG_FIELDS, tag

    tagged = tag(dict(fields), project)
    return {name: tagged[name] for name in TAG_FIELDS if name in tagged}


def worker_processes(settings) -> int:
    """Worker processes of a harvest: its results arrive as asyncio futures, so only under the
    asyncio reactor; 0 means tagging and file text in the crawler process."""
    from scrapy.utils.reactor import is_asyncio_reactor_installed

    processes = settings.getint("AINEISTOPANKKI_TAG_PROCESSES")
    return processes if processes > 0 and is_asyncio_reactor_installed() else 0


def file_text_of(body: bytes, fmt: str) -> dict:
    """The text fields of a PDF or Office file, and how its text was read (text_source, ocr_pages,
    notes); runs in the worker. Raises PdfError or OfficeError on a file that cannot be read."""
    from harvester.extract.office import extract_office
    from harvester.extract.pdf import extract_pdf

    if fmt != "pdf":
        doc = extract_office(body, fmt)
        return {name: getattr(doc, name) for name in FILE_TEXT_FIELDS} | {"text_source": "text layer"}
    doc = extract_pdf(body)
    fields = {name: getattr(doc, name) for name in FILE_TEXT_FIELDS}
    return fields | {"text_source": doc.text_source, "ocr_pages": doc.ocr_pages, "notes": doc.notes}


def page_fields_of(url: str, text: str, body_size: int, content_type: str, context) -> dict:
    """A page's item read whole (with its content extractor), as the spider would have made it;
    runs in the worker. Its fetch time stays the spider's."""
    from harvester.spiders.documents import page_materials

    items, _ = page_materials(text, url, body_size, content_type, context)
    return {name: value for name, value in items[0].items() if name != "fetched_at"}


def warm_up() -> None:
    """Load the language models and the lemma dictionaries before the first material arrives."""
    from harvester.catalog.search_index import lemma_forms
    from harvester.tagging.language import identify

    identify("Kotoutumiskoulutus alkaa alkukartoituksen jälkeen, ja siinä opiskellaan suomea.", None, "Opas")
    lemma_forms("kotoutuminen", low_memory=True)


_sent: set[str] = set()  # words whose search forms this worker process has already sent


def search_forms(texts: list[str]) -> dict[str, tuple[str, ...]]:
    """The search index's forms (catalog/search_index.py) of the words of these texts that this
    worker has not sent yet: publishing then finds them ready instead of lemmatising every new word
    in the crawler process after the crawl (~1,000 words a second with the frugal dictionaries)."""
    from harvester.catalog.search_index import lemma_forms, words

    found = {}
    for text in texts:
        for word in words(text):
            if word not in _sent:
                _sent.add(word)
                found[word] = lemma_forms(word, low_memory=True)
    return found


def searched_texts(fields: dict) -> list[str]:
    """The texts of a material that the search index reads (search_index.fill_terms)."""
    return [fields.get(name) or "" for name in ("title", "description", "text")] + list(
        fields.get("link_texts") or []
    )


def exit_with_parent(parent: int) -> None:
    """Runs in the worker as it starts: a harvest killed outright (SIGKILL, out of memory) must not
    leave its worker behind, and the worker holds its own end of the task queue, so it would never
    see the parent go."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class TaggingWorker:
    """One pool shared by every source's crawler in the harvest process."""

    def __init__(self, processes: int):
        self.pool: ProcessPoolExecutor | None = None
        self.processes: list = []
        self.size = processes
        self.restarts = 0
        # The search index's word forms are found in the same processes, between tags: their
        # dictionaries open in ~0.2 s (catalog/lemmas.py), so a process of their own would cost more
        # (its start and imports) than it saves.
        self.forms_pending: list = []
        self.forms_lost = False  # a crashed worker took forms with it: publishing finds them itself
        if processes > 0:
            self._start()

    @staticmethod
    def _pool(size: int, warm) -> tuple[ProcessPoolExecutor, list]:
        # spawn: the crawler process runs threads (DNS, the reactor's pool); forking them is unsafe
        context = multiprocessing.get_context("spawn")
        others = set(multiprocessing.active_children())
        pool = ProcessPoolExecutor(
            max_workers=size, mp_context=context, initializer=exit_with_parent, initargs=(os.getpid(),)
        )
        pool.submit(warm)  # starts the pool's processes
        return pool, [p for p in multiprocessing.active_children() if p not in others]

    def _start(self) -> None:
        self.pool, self.processes = self._pool(self.size, warm_up)

    def _replace(self, broken: ProcessPoolExecutor, why: str) -> None:
        """A new pool for a crashed or hung one (once per pool, however many tasks saw it break)."""
        if self.pool is not broken:
            return
        self._stop(broken, self.processes)
        self.pool = None
        if self.restarts >= MAX_RESTARTS:
            logger.warning("the worker %s %d times; the crawler process goes on alone", why, self.restarts)
            return
        self.restarts += 1
        logger.warning("the worker %s; a new one is started", why)
        self._start()

    async def file_text(self, body: bytes, fmt: str) -> dict:
        """file_text_of in the worker, bounded in time. A file that crashes the worker twice or
        outlasts FILE_SECONDS is an error (PdfError) and the worker is replaced."""
        return await self._bounded(file_text_of, (body, fmt), fmt.upper())

    async def page_fields(self, url: str, text: str, body_size: int, content_type: str, context) -> dict:
        """page_fields_of in the worker, bounded like a file."""
        return await self._bounded(page_fields_of, (url, text, body_size, content_type, context), "page")

    async def _bounded(self, function, arguments: tuple, what: str):
        from harvester.extract.pdf import PdfError

        for attempt in (1, 2):  # a crash fails every task in the pool: each is tried once more
            pool = self.pool
            if pool is None:
                return function(*arguments)
            try:
                future = asyncio.wrap_future(pool.submit(function, *arguments))
                return await asyncio.wait_for(future, FILE_SECONDS)
            except BrokenProcessPool:
                self._replace(pool, f"stopped while reading a {what}")
                if attempt == 2:
                    raise PdfError(f"the {what} reader crashed on this file") from None
            except TimeoutError:
                self._replace(pool, f"spent over {FILE_SECONDS:.0f} s on one {what}")
                raise PdfError(f"refused {what}: reading it took over {FILE_SECONDS:.0f} s") from None
        raise AssertionError("unreachable")

    async def tags(self, fields: dict, project: dict | None) -> dict:
        source = (fields.get("page_signals") or {}).get("text_source")
        fields = {name: fields.get(name) for name in TAG_INPUTS}
        if source:  # a file's text read by OCR: the language evidence says so
            fields["page_signals"] = {"text_source": source}
        if self.pool is not None:
            try:
                tags = await asyncio.wrap_future(self.pool.submit(tags_of, fields, project))
                self._forms(searched_texts(fields))
                return tags
            except BrokenProcessPool as exc:
                logger.warning("the tagging worker stopped (%s); tagging goes on in the crawler process", exc)
                self.pool = None
        return tags_of(fields, project)

    def _forms(self, texts: list[str]) -> None:
        """Ask the worker for the forms of these texts' words, without waiting."""
        if self.pool is None or self.forms_lost:
            return
        try:
            future = self.pool.submit(search_forms, texts)
        except (BrokenProcessPool, RuntimeError):
            self.forms_lost = True
            return
        future.add_done_callback(_keep_forms)
        self.forms_pending.append(future)

    async def search_forms(self, texts: list[str]) -> None:
        """Wait for the forms asked for so far, then find those of the words of `texts` still
        missing (link texts met later in the crawl)."""
        pending, self.forms_pending = self.forms_pending, []
        for future in pending:
            try:
                await asyncio.wrap_future(future)
            except Exception:  # noqa: BLE001 - a broken worker: publishing finds them itself
                self.forms_lost = True
        missing = {w for t in texts for w in words(t)} - PRECOMPUTED.keys()
        if missing and self.pool is not None and not self.forms_lost:
            self._forms(sorted(missing))
            await self.search_forms([])

    def shutdown(self) -> None:
        """Called when every crawl has ended, so every material's tags have been awaited; what may
        still run is the warm-up of a very short harvest: stopped, not waited for (seconds)."""
        if self.pool is not None:
            self._stop(self.pool, self.processes)
        self.pool, self.processes = None, []

    @staticmethod
    def _stop(pool: ProcessPoolExecutor, processes: list) -> None:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)


def _keep_forms(future) -> None:
    if not future.cancelled() and future.exception() is None:
        PRECOMPUTED.update(future.result())


_shared: TaggingWorker | None = None


def shared_worker(processes: int) -> TaggingWorker:
    global _shared
    if _shared is None:
        _shared = TaggingWorker(processes)
    return _shared


def shutdown_shared_worker() -> None:
    global _shared
    if _shared is not None:
        _shared.shutdown()
        _shared = None
