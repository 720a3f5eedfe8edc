"""SIGKILL a harvest at any moment: the catalogue opens and holds exactly the previous or the new data."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import yaml
from helpers import REPO

pytestmark = pytest.mark.e2e


def ids(db) -> frozenset:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    found = frozenset(r[0] for r in conn.execute("select id from materials where status = 'active'"))
    conn.close()
    return found


def harvest(sources, db, env=None) -> subprocess.Popen:
    command = [sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(sources), "--db", str(db)]
    return subprocess.Popen(
        [*command, "--delay", "0", "--no-cache"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def test_kill_at_any_moment_leaves_previous_or_new_data(demo_sources, tmp_path):
    every = yaml.safe_load(demo_sources.read_text(encoding="utf-8"))
    few = tmp_path / "few.yml"
    few.write_text(yaml.safe_dump({"sources": every["sources"][:2]}), encoding="utf-8")

    reference = tmp_path / "reference" / "catalog.db"
    reference.parent.mkdir()
    assert harvest(few, reference).wait(timeout=300) == 0
    previous = ids(reference)
    assert harvest(demo_sources, reference).wait(timeout=300) == 0
    new = ids(reference)
    assert previous < new

    db = tmp_path / "catalog.db"
    assert harvest(few, db).wait(timeout=300) == 0
    outcomes = []
    # Moments spread over the crawl, plus kills inside the publishing transaction itself.
    for delay, pause in [(0.4, 0), (1.0, 0), (1.8, 0), (2.6, 0), (3.5, 0), (0, 0.5), (0, 0.5), (0, 0.5)]:
        shutil.rmtree(tmp_path / "catalog.httpcache", ignore_errors=True)
        process = harvest(demo_sources, db, {"AINEISTOPANKKI_FAULT_PUBLISH_PAUSE": str(pause)})
        if pause:
            delay = publishing_moment(db, process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = ids(db)
        assert found in (previous, new), f"killed after {delay:.2f} s: neither the old nor the new catalogue"
        outcomes.append(found == new)
        if found == new:  # the harvest had committed: start again from the small catalogue
            db.unlink()
            for extra in db.parent.glob("catalog.db-*"):
                extra.unlink()
            assert harvest(few, db).wait(timeout=300) == 0
    assert not all(outcomes), "at least one kill must land before the commit"
    killed_before_commit = not outcomes[-1]
    assert harvest(few, db).wait(timeout=300) == 0
    conn = sqlite3.connect(db)
    statuses = [row[0] for row in conn.execute("select status from harvest_runs order by id")]
    conn.close()
    assert "running" not in statuses  # a killed run says so once the next harvest starts
    assert ("interrupted" in statuses) == killed_before_commit


def publishing_moment(db, process) -> float:
    """Wait until the harvest has started writing its run (the WAL grows), then kill a little later."""
    wal = db.with_name(db.name + "-wal")
    start = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 120
    runs = run_count(db)
    while time.monotonic() < deadline and process.poll() is None:
        if run_count(db) > runs and wal.exists() and wal.stat().st_size > start:
            break
        time.sleep(0.05)
    # The run row is committed at the start; the crawl then takes a few seconds before publishing.
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > start + 200_000:
            return 0.3  # inside the transaction (pauses of 0.5 s between sources)
        time.sleep(0.02)
    return 0


def run_count(db) -> int:
    conn = sqlite3.connect(db)
    count = conn.execute("select count(*) from harvest_runs").fetchone()[0]
    conn.close()
    return count
