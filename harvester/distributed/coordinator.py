"""The coordinator of a distributed harvest (`aineistopankki harvest --redis URL --workers K`): it cuts
the sources into units, puts them and the run descriptor in Redis, starts K local workers (more may
join from other machines with `aineistopankki worker`), waits until every unit is acknowledged and no
worker holds one, and returns the results for the usual single publishing transaction.

The coordinator alone writes the catalogue. Killed, it leaves the catalogue as it was: its workers see
its heartbeat key expire and stop.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from harvester.distributed.descriptor import describe, units_of
from harvester.distributed.frontier import COORDINATOR, CURRENT, Frontier, connect

LEASE = 30.0  # seconds a unit stays a worker's without a renewal (renewed every LEASE / 4)
BEAT = 15  # seconds the coordinator's heartbeat key lives without a renewal
KEEP_KEYS = 24 * 3600  # a finished run's keys stay this long, to read what happened
STOP_GRACE = 120.0  # seconds a stopped run waits for its workers to hand over what they saw


class CannotCoordinate(RuntimeError):
    """Redis unreachable, or another coordinator's run still going there."""


class Coordinator:
    def __init__(self, url: str, lease: float = LEASE):
        import redis

        try:
            self.client = connect(url)
        except redis.RedisError as exc:
            raise CannotCoordinate(f"cannot reach Redis at {url}: {exc}") from None
        self.url = url
        self.lease = lease
        self.token = uuid.uuid4().hex
        if not self.client.set(COORDINATOR, self.token, nx=True, ex=BEAT):
            raise CannotCoordinate(
                f"another harvest coordinates a run on {url} (its heartbeat key {COORDINATOR} is alive)"
            )
        self.frontier = Frontier(self.client, self.token)
        self.workers: list[subprocess.Popen] = []
        self.stopped: list[str] = []

    def start(self, args, db, run_id: int, sources: list, cache_dir: str) -> int:
        """Put the run in Redis and start the local workers; the number of units."""
        from harvester.catalog import previous_tags

        units = units_of(sources, getattr(args, "wayback_url", None))
        for unit in units:
            unit["previous_tags"] = {sid: previous_tags(db, sid) for sid in unit["sources"]}
        self.frontier.create(units)
        self.descriptor = describe(self.token, run_id, args, cache_dir, units, self.lease)
        self.client.set(CURRENT, json.dumps(self.descriptor))
        for number in range(args.workers):
            command = [sys.executable, "-m", "harvester.cli", "worker", "--redis", self.url]
            command += ["--run", self.token, "--sources", str(args.sources), "--curation", str(args.curation)]
            command += ["--name", f"{socket.gethostname()}-local{number + 1}", "--slots", str(args.slots)]
            command += ["--wait", "60"]
            # a session of its own: Ctrl-C reaches the coordinator, which stops the run cleanly
            self.workers.append(subprocess.Popen(command, start_new_session=True))
        return len(units)

    def wait(self, run_budget: float) -> None:
        """Until every unit is acknowledged, or the run is stopped (a signal, its time budget, no
        worker left) and the workers have handed over what they saw."""
        started = time.monotonic()
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def stop(signum, frame):
            self.stop(f"stopped by {signal.Signals(signum).name}")

        for sig in previous:
            signal.signal(sig, stop)
        total, shown, idle_since, stop_at = self.frontier.unit_count(), -1, None, None
        try:
            while True:
                self.client.set(COORDINATOR, self.token, ex=BEAT)
                self.frontier.reap()
                done = self.frontier.done_count()
                if done != shown:
                    print(f"  units done: {done}/{total}", file=sys.stderr, flush=True)
                    shown = done
                if done >= total:
                    return
                if run_budget > 0 and time.monotonic() - started > run_budget:
                    print(
                        f"  run time budget of {run_budget:g} s reached: stopping every worker",
                        file=sys.stderr,
                    )
                    self.stop(f"stopped at its time budget of {run_budget:g} s")
                working = any(w.poll() is None for w in self.workers) or self.frontier.live_workers(
                    2 * self.lease
                )
                if not working and not self.stopped:
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > 2 * self.lease:
                        self.stop("stopped: no worker left to crawl the rest")
                else:
                    idle_since = None
                if self.stopped:
                    stop_at = stop_at or time.monotonic()
                    outstanding = self.frontier.outstanding()["processing"]
                    if not outstanding or not working or time.monotonic() - stop_at > STOP_GRACE:
                        return
                time.sleep(0.3)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def stop(self, why: str) -> None:
        if not self.stopped:
            self.stopped.append(why)
            self.frontier.request_stop(why)

    def results(self, sources: list) -> list[dict]:
        """One result per source, as crawl() gives them; a source no worker reported is marked
        interrupted (the run stopped) or failed."""
        results = [r for unit in self.frontier.all_results().values() for r in unit]
        for source_id in sorted({s.id for s in sources} - {r["source_id"] for r in results}):
            error = {"url": "", "error": "no worker finished its crawl", "referrer": None}
            status = "interrupted" if self.stopped else "failed"
            results.append(
                {"source_id": source_id, "items": [], "report": {"status": status, "errors": [error]}}
            )
        return results

    def close(self) -> None:
        """Tell the workers the run is over, wait for the local ones, let Redis drop the keys later."""
        self.frontier.request_stop(self.stopped[0] if self.stopped else "finished")
        deadline = time.monotonic() + 30
        for worker in self.workers:
            try:
                worker.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.frontier.expire(KEEP_KEYS)
        if self.client.get(CURRENT) and json.loads(self.client.get(CURRENT))["token"] == self.token:
            self.client.expire(CURRENT, KEEP_KEYS)
        if self.client.get(COORDINATOR) == self.token:
            self.client.delete(COORDINATOR)


def crawl_distributed(coordinator, args, db, run_id: int, sources: list) -> tuple[list[dict], str | None]:
    """The distributed counterpart of harvester.crawl.crawl: results per source, and why the run
    stopped early (None when it ran to its end)."""
    from harvester.settings import AINEISTOPANKKI_RUN_TIME_BUDGET

    cache_dir = str(Path(args.db).resolve().with_suffix(".httpcache"))
    try:
        units = coordinator.start(args, db, run_id, sources, cache_dir)
        print(
            f"  {units} units of hosts on {args.redis}, {args.workers} local worker(s);"
            f" more join with `aineistopankki worker --redis {args.redis}`",
            file=sys.stderr,
            flush=True,
        )
        budget = args.run_time_budget if args.run_time_budget is not None else AINEISTOPANKKI_RUN_TIME_BUDGET
        coordinator.wait(budget)
        results = coordinator.results(sources)
    finally:
        coordinator.close()
    return results, (coordinator.stopped[0] if coordinator.stopped else None)
