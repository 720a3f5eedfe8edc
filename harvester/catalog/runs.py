"""Harvest-run bookkeeping: a run is recorded when it starts, settled (its status from its
sources' results) and summed when it ends. A run left 'running' was killed and says so; a run
that did not finish (a signal, a page or time cap, an unwritable cache) is 'interrupted' with
its reason, and retired nothing."""

from __future__ import annotations

import sqlite_utils

from harvester.catalog.queries import run_sources
from harvester.clock import utcnow


def start_run(db: sqlite_utils.Database, sources_file: str, source_count: int) -> int:
    """Record a new run; a run still 'running' from before was killed, and says so from now on."""
    with db.atomic():
        db.execute(
            "update harvest_runs set status = 'interrupted', message = ? where status = 'running'",
            ["stopped before it finished: nothing of it was written"],
        )
        table = db["harvest_runs"].insert(
            {
                "started_at": utcnow(),
                "status": "running",
                "sources_file": sources_file,
                "sources": source_count,
            }
        )
    return table.last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, message: str = "") -> dict:
    summed = (
        "pages_fetched",
        "materials",
        "new_materials",
        "gone_materials",
        "not_modified",
        "bytes",
        "errors",
    )
    totals = db.execute(
        "select "
        + ", ".join(f"coalesce(sum({c}), 0)" for c in summed)
        + " from harvest_run_sources where run_id = ?",
        [run_id],
    ).fetchone()
    row = {
        "finished_at": utcnow(),
        "status": status,
        "message": message,
        **dict(zip(summed, totals, strict=True)),
    }
    with db.atomic():
        db["harvest_runs"].update(run_id, row)
    return db["harvest_runs"].get(run_id)


def settle_run(
    db: sqlite_utils.Database, run_id: int, source_count: int, stopped: str | None = None
) -> tuple[dict, list[dict]]:
    """Finish a published run: 'interrupted' when the run or any source did not finish (`stopped`
    says why the whole run stopped: a signal, its time budget), failed when no source could be
    fetched, partial when some failed, were partial or suspect, else ok. Returns the run row and
    its per-source rows."""
    sources = run_sources(db, run_id)
    failed = [r for r in sources if r["status"] == "failed"]
    unfinished = [r for r in sources if r["status"] == "interrupted"]
    if stopped or unfinished:
        status = "interrupted"
    elif len(failed) == source_count:
        status = "failed"
    elif failed or any(r["status"] in ("partial", "suspect") for r in sources):
        status = "partial"
    else:
        status = "ok"
    message = "; ".join(
        ([f"run {stopped}: published as seen only, nothing retired"] if stopped else [])
        + [f"{r['source_id']}: {r['message'] or 'did not finish'}" for r in unfinished]
        + [f"{r['source_id']}: nothing could be fetched" for r in failed]
        + [f"{r['source_id']}: {r['message']}" for r in sources if r["status"] == "suspect"]
    )
    return finish_run(db, run_id, status, message), sources
