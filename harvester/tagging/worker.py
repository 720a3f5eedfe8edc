"""Tagging in a process of its own, so that the crawl and the tagger use a core each.

Profiled on the synthetic web (bench/throughput.py): the crawler process is CPU-bound, and the
tagger's share of it is loading the short-text language models (1–3 s, holding the GIL) and
scoring texts (langdetect, ~4 ms a page). One worker process, started with the harvest, loads the
models while the first pages are fetched and then tags while the crawler goes on. The tags are
the same as in the crawler process (the same code and seeded detectors; tests/test_tag_worker.py).
If the worker dies, tagging goes on in the crawler process: a harvest never loses a material to it.
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

logger = logging.getLogger(__name__)
PARENT_CHECK_SECONDS = 1.0

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


def warm_up() -> None:
    """Load the language models and profiles before the first material arrives."""
    from harvester.tagging.language import identify

    identify("Kotoutumiskoulutus alkaa alkukartoituksen jälkeen, ja siinä opiskellaan suomea.", None, "Opas")


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
        if processes > 0:
            # spawn: the crawler process runs threads (DNS, the reactor's pool); forking them is unsafe
            context = multiprocessing.get_context("spawn")
            others = set(multiprocessing.active_children())
            self.pool = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=context,
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
            self.pool.submit(warm_up)  # starts the pool's processes
            self.processes = [p for p in multiprocessing.active_children() if p not in others]

    async def tags(self, fields: dict, project: dict | None) -> dict:
        fields = {name: fields.get(name) for name in TAG_INPUTS}
        if self.pool is not None:
            try:
                return await asyncio.wrap_future(self.pool.submit(tags_of, fields, project))
            except BrokenProcessPool as exc:
                logger.warning("the tagging worker stopped (%s); tagging goes on in the crawler process", exc)
                self.pool = None
        return tags_of(fields, project)

    def shutdown(self) -> None:
        """Called when every crawl has ended, so every material's tags have been awaited; what may
        still run is the warm-up of a very short harvest: stopped, not waited for (seconds)."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        pool.shutdown(wait=False, cancel_futures=True)
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join(timeout=10)


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
