"""A worker of a distributed harvest: one Scrapy process that takes work units from the run's Redis
frontier, crawls their sources with the same spiders and pipelines as a single-process harvest, and
hands each unit's results (materials and per-source reports) back through Redis. It never writes
the catalogue: the coordinator publishes the whole run in one transaction.

A worker holds a lease on each unit it crawls and renews it while the reactor runs; SIGTERM hands
its units back at once (another worker starts them anew), SIGKILL lets their leases expire.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path

from harvester.distributed.descriptor import Mismatch, check
from harvester.distributed.frontier import COORDINATOR, CURRENT, Frontier, connect

EXIT_CANNOT_RUN = 2  # files or code not the run's: retrying will not help
EXIT_NO_REDIS = 75  # EX_TEMPFAIL: Redis unreachable, worth trying again later (systemd restarts)


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def wait_for_run(client, token: str | None, wait: float | None) -> dict | None:
    """The descriptor of the run to join (that token, else the current unfinished run); None when
    none came within wait seconds (None: wait for ever)."""
    import json

    deadline = None if wait is None else time.monotonic() + wait
    while True:
        text = client.get(CURRENT)
        if text:
            descriptor = json.loads(text)
            # only a run whose coordinator is alive (a killed one's descriptor stays behind)
            alive = client.get(COORDINATOR) == descriptor["token"]
            if alive and (token is None or descriptor["token"] == token):
                frontier = Frontier(client, descriptor["token"])
                if not frontier.complete() and not frontier.stop_requested():
                    return descriptor
        if deadline is not None and time.monotonic() > deadline:
            return None
        time.sleep(0.5)


def run_worker(args) -> int:
    """`aineistopankki worker`: exit 0 after taking part in one run (or finding none within
    --wait), 2 when its files or code are not the run's, 75 when Redis cannot be reached."""
    import redis

    from harvester.curation import load_curation
    from harvester.registry import RegistryError, load_projects, load_sources

    name = args.name or default_name()
    try:
        client = connect(args.redis)
        descriptor = wait_for_run(client, args.run, args.wait)
    except redis.RedisError as exc:
        print(f"aineistopankki worker: cannot reach Redis at {args.redis}: {exc}", file=sys.stderr)
        return EXIT_NO_REDIS
    if descriptor is None:
        print(f"aineistopankki worker: no harvest to join on {args.redis}", file=sys.stderr)
        return 0
    try:
        check(descriptor, args.sources, args.curation)
        projects = load_projects()
        sources = {s.id: s for s in load_sources(Path(args.sources), {p["id"] for p in projects})}
        corrections = load_curation(Path(args.curation))
    except (Mismatch, RegistryError, OSError) as exc:
        print(
            f"aineistopankki worker: refused to join run {descriptor['run_id']}: {exc}",
            file=sys.stderr,
        )
        return EXIT_CANNOT_RUN
    print(
        f"worker {name} joins run {descriptor['run_id']} on {args.redis}"
        f" ({descriptor['units']} units of hosts)",
        file=sys.stderr,
        flush=True,
    )
    frontier = Frontier(client, descriptor["token"])
    settings = worker_settings(descriptor, projects, args.cache_dir, args.tag_processes)
    UnitCrawls(frontier, name, descriptor, sources, corrections, settings, args.slots).run()
    return 0


def worker_settings(descriptor: dict, projects: list[dict], cache_dir: str | None, tag_processes: int = 0):
    """The coordinator's Scrapy settings, rebuilt from the run's options; the HTTP cache where this
    machine keeps it (--cache-dir), else where the coordinator keeps its own."""
    from harvester.crawl import scrapy_settings

    options = argparse.Namespace(**descriptor["options"], log_level=descriptor["log_level"], log_file=None)
    settings = scrapy_settings(options, "distributed.db", descriptor["run_id"], projects)
    settings.set(
        "HTTPCACHE_DIR", str(Path(cache_dir or descriptor["cache_dir"]).resolve()), priority="cmdline"
    )
    settings.set("AINEISTOPANKKI_RUN_TIME_BUDGET", 0, priority="cmdline")  # the coordinator's to keep
    # A worker is one process, one core: run as many as there are cores. Tagging in a process of
    # its own (the single-process harvest's second core) would only make K workers contend for K cores.
    settings.set("AINEISTOPANKKI_TAG_PROCESSES", tag_processes, priority="cmdline")
    return settings


class UnitCrawls:
    """The worker's reactor loop: claim units up to `slots` at a time, crawl, acknowledge."""

    def __init__(self, frontier, name, descriptor, sources, corrections, settings, slots: int):
        self.frontier = frontier
        self.name = name
        self.descriptor = descriptor
        self.sources = sources
        self.corrections = corrections
        self.settings = settings
        self.slots = max(1, slots)
        self.lease = float(descriptor["lease"])
        self.active: dict[str, list] = {}  # unit id -> its crawlers
        self.lost: set[str] = set()  # units whose lease another worker took over
        self.releasing = False  # SIGTERM: hand the units back instead of reporting them
        self.stopping = False
        self.closing_all = False

    def run(self) -> None:
        from scrapy.crawler import CrawlerProcess
        from scrapy.utils.reactor import install_reactor

        from harvester.tagging.worker import shutdown_shared_worker

        # Crawlers are created later, as units are claimed: the reactor they ask for must be the one
        # the claiming loops run on.
        install_reactor(self.settings["TWISTED_REACTOR"], self.settings["ASYNCIO_EVENT_LOOP"])
        from twisted.internet import task

        crawls = self

        class WorkerProcess(CrawlerProcess):
            def _signal_shutdown(self, signum, frame):
                crawls.releasing = True
                crawls.stopping = True
                super()._signal_shutdown(signum, frame)

        self.process = WorkerProcess(self.settings)
        self.poller = task.LoopingCall(self.poll)
        self.heart = task.LoopingCall(self.heartbeat)
        self.poller.start(0.5)
        self.heart.start(max(0.5, self.lease / 4))
        try:
            self.process.start(stop_after_crawl=False)
        finally:
            shutdown_shared_worker()

    def poll(self) -> None:
        if self.stopping:
            return
        why = self.frontier.stop_requested()
        if not why and self.frontier.client.get(COORDINATOR) != self.descriptor["token"]:
            why = "the coordinator is gone"  # killed: nothing of this run will be published
        if why and not self.closing_all:
            self.closing_all = True
            for unit_id in list(self.active):
                self.close_unit(unit_id, "shutdown")
        if self.frontier.complete() or (why and not self.active):
            self.finish()
            return
        self.frontier.reap()
        while not why and len(self.active) < self.share():
            unit_id = self.frontier.claim(self.name, self.lease)
            if unit_id is None:
                break
            self.start_unit(unit_id)

    def share(self) -> int:
        """Units this worker may hold at once: its slots, but no more than its part of the run, so
        that workers started together split the units instead of the first one taking them all."""
        workers = max(1, self.descriptor.get("workers", 1), len(self.frontier.live_workers(2 * self.lease)))
        return min(self.slots, -(-self.descriptor["units"] // workers))

    def heartbeat(self) -> None:
        self.frontier.seen(self.name, self.lease, {"pid": os.getpid(), "units": sorted(self.active)})
        for unit_id in list(self.active):
            if unit_id not in self.lost and not self.frontier.renew(unit_id, self.name, self.lease):
                self.lost.add(unit_id)  # taken over: stop crawling its hosts at once
                print(f"  {self.name}: lost the lease on {unit_id}; stopping it", file=sys.stderr)
                self.close_unit(unit_id, "lease_lost")

    def start_unit(self, unit_id: str) -> None:
        from scrapy import signals
        from twisted.internet.defer import DeferredList

        from harvester.crawl import Progress
        from harvester.spiders.eura import EuraSpider
        from harvester.spiders.oaipmh import OaiPmhSpider
        from harvester.spiders.site import SiteSpider

        unit = self.frontier.unit(unit_id)
        crawlers, deferreds = [], []
        progress = Progress(len(unit["sources"]))
        for source_id in unit["sources"]:
            source = self.sources[source_id]
            spider_class = {"eura": EuraSpider, "oaipmh": OaiPmhSpider}.get(source.spider, SiteSpider)
            crawler = self.process.create_crawler(spider_class)
            crawler.signals.connect(progress.source_done(crawler), signal=signals.spider_closed, weak=False)
            previous = unit.get("previous_tags", {}).get(source_id, {})
            deferreds.append(
                self.process.crawl(crawler, source=source, previous_tags=previous, curation=self.corrections)
            )
            crawlers.append(crawler)
        self.active[unit_id] = crawlers
        DeferredList(deferreds, consumeErrors=True).addBoth(
            lambda outcome: self.unit_done(unit_id, unit, outcome)
        )

    def close_unit(self, unit_id: str, reason: str) -> None:
        from scrapy.utils.defer import deferred_from_coro

        for crawler in self.active.get(unit_id, []):
            if crawler.crawling and crawler.engine is not None:
                deferred_from_coro(crawler.engine.close_spider_async(reason=reason))

    def unit_done(self, unit_id: str, unit: dict, outcome) -> None:
        from harvester.pipelines.store import COLLECTED

        for ok, failure in outcome or []:
            if not ok:  # a crawl that crashed: its source is reported failed below
                print(
                    f"  {self.name}: a crawl of {unit_id} failed: {failure.getErrorMessage()}",
                    file=sys.stderr,
                )

        run_id = self.descriptor["run_id"]
        mine = set(unit["sources"])
        kept = COLLECTED.get(run_id, [])
        results = [r for r in kept if r["source_id"] in mine]
        COLLECTED[run_id] = [r for r in kept if r["source_id"] not in mine]
        self.active.pop(unit_id, None)
        if unit_id in self.lost:
            return
        if self.releasing:
            self.frontier.release(unit_id, self.name)
            print(f"  {self.name}: handed {unit_id} back to the queue", file=sys.stderr, flush=True)
            return
        for source_id in sorted(mine - {r["source_id"] for r in results}):  # a crawl that never closed
            error = {"url": "", "error": "the crawl did not finish", "referrer": None}
            report = {"status": "interrupted" if self.closing_all else "failed", "errors": [error]}
            results.append({"source_id": source_id, "items": [], "report": report})
        self.frontier.ack(unit_id, results, self.name)
        self.poll()

    def finish(self) -> None:
        from twisted.internet import reactor

        if self.stopping:
            return
        self.stopping = True
        for loop in (self.poller, self.heart):
            if loop.running:
                loop.stop()
        reactor.callLater(0, reactor.stop)
