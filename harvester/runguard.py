"""What keeps a harvest run whole when its surroundings fail: one harvest at a time per catalogue
(a lock file beside it), and a finished crawl that cannot be published (the catalogue locked by
another writer, a full disk) saved beside the catalogue, to be published later with
`aineistopankki harvest --publish-saved FILE`, instead of thrown away with a traceback."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path


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
