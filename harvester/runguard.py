"""What keeps a harvest run whole when its surroundings fail: one harvest at a time per catalogue
(a lock file beside it), and a finished crawl that cannot be published (the catalogue locked by
another writer, a full disk) saved beside the catalogue, to be published later with
`aineistopankki harvest --publish-saved FILE`, instead of thrown away with a traceback."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import sqlite3
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

EXIT_NOTHING_HARVESTED = 1
EXIT_INTERRUPTED = 3  # the run did not finish: published as seen only, nothing retired
EXIT_NOT_PUBLISHED = 4  # the crawl could not be published: kept in a file for --publish-saved


class HarvestBusy(RuntimeError):
    """Another harvest holds the catalogue's lock."""


def lock_path(db_path: str | Path) -> Path:
    return Path(db_path).resolve().with_suffix(".harvest-lock")


@contextmanager
def harvest_lock(db_path: str | Path):
    """Hold the catalogue's harvest lock for the whole run; the kernel drops it when the process
    dies, so a killed harvest never blocks the next one."""
    path = lock_path(db_path)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise HarvestBusy(f"another harvest is running on {db_path} ({holder}; lock {path})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield path
    finally:
        handle.close()


PUBLISH_FAILURES = (sqlite3.Error, OSError)


def save_results(db_path: str | Path, run_id: int, results: list[dict], stopped: str | None) -> Path | None:
    """Write a crawl's results beside the catalogue (else in the temporary folder); None when
    neither can be written (a full disk)."""
    name = f"{Path(db_path).stem}.unpublished-run-{run_id}.json"
    payload = {"run_id": run_id, "stopped": stopped, "results": results}
    for folder in (Path(db_path).resolve().parent, Path(tempfile.gettempdir())):
        target = folder / name
        try:
            with open(target, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, default=str)
            return target
        except OSError:
            target.unlink(missing_ok=True)
    return None


def load_results(path: str | Path) -> tuple[int, list[dict], str | None]:
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return int(payload["run_id"]), payload["results"], payload.get("stopped")


def publish_and_report(args, db, run_id, results, stopped, source_count: int, corrections) -> int:
    """Publish a crawl and print its report; the exit code of `aineistopankki harvest`."""
    from harvester import harvest_report
    from harvester.catalog import finish_run, publish_run, settle_run
    from harvester.crawl import Stopped, stop_on_signals

    try:
        stop_on_signals()
        counts = publish_run(
            db, run_id, results, gone_after=args.gone_after, excluded_urls=set(corrections.not_materials)
        )
        run, rows = settle_run(db, run_id, source_count, stopped)
    except Stopped as exc:  # the transaction rolled back: the catalogue is as it was
        message = f"stopped by {exc} while publishing: nothing of it was written"
        print(f"aineistopankki harvest: run {run_id} {message}", file=sys.stderr)
        with contextlib.suppress(*PUBLISH_FAILURES):
            finish_run(db, run_id, "interrupted", message)
        return EXIT_INTERRUPTED
    except PUBLISH_FAILURES as exc:  # a locked catalogue, a full disk: keep the crawl
        saved = save_results(args.db, run_id, results, stopped)
        kept = (
            f"the crawl is kept in {saved}: publish it with "
            f"`aineistopankki harvest --db {args.db} --publish-saved {saved}`"
            if saved
            else "the crawl could not be saved either (is the disk full?)"
        )
        print(
            f"aineistopankki harvest: run {run_id} could not be published to {args.db}: {exc}; "
            f"the catalogue is as it was; {kept}",
            file=sys.stderr,
        )
        try:
            where = f"; kept in {saved}" if saved else ""
            finish_run(db, run_id, "interrupted", f"not published: {exc}{where}")
        except PUBLISH_FAILURES:
            print(
                f"aineistopankki harvest: run {run_id} cannot be marked either: it is settled when the kept "
                "crawl is published, or recorded as interrupted when the next harvest starts",
                file=sys.stderr,
            )
        return EXIT_NOT_PUBLISHED
    finally:
        with contextlib.suppress(*PUBLISH_FAILURES):
            db.close()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # published: a signal no longer needs handling
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if getattr(args, "publish_saved", None):  # published now: never twice
        Path(args.publish_saved).unlink(missing_ok=True)
    status, message = run["status"], run["message"]
    for line in harvest_report.summary(run, rows, results, counts):
        print(line)
    if message:
        print(f"  problems: {message}", file=sys.stderr)
    if status == "interrupted":
        print(
            f"aineistopankki harvest: run {run_id} did not finish: what it found is published as seen, "
            "no material was retired",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return EXIT_NOTHING_HARVESTED if status == "failed" else 0
