"""The tagging worker: the same tags as in the crawler process, and nothing lost when it dies."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
import yaml
from helpers import REPO

from harvester.tagging.tagger import TAG_FIELDS, tag
from harvester.tagging.worker import TaggingWorker, tags_of


def eval_materials(count: int) -> list[dict]:
    data = yaml.safe_load((REPO / "tests" / "eval" / "materials-a.yml").read_text(encoding="utf-8"))
    return [
        {
            "kind": m["kind"],
            "url": m["url"],
            "title": m["title"],
            "link_texts": [m["link_text"]] if m.get("link_text") else [],
            "description": m.get("description") or "",
            "headings": m.get("headings") or [],
            "text": m.get("text") or "",
            "declared_language": m.get("declared"),
        }
        for m in data["materials"][:count]
    ]


@pytest.fixture
def worker():
    worker = TaggingWorker(1)
    yield worker
    worker.shutdown()


def test_the_worker_gives_the_tags_of_the_crawler_process(worker):
    materials = eval_materials(12)
    project = {"phases": ["transition"]}

    async def in_worker():
        return await asyncio.gather(*(worker.tags(m, project) for m in materials))

    from_worker = asyncio.run(in_worker())
    assert worker.pool is not None  # it really ran in the worker, not in the fallback
    for material, tags in zip(materials, from_worker, strict=True):
        here = tag(dict(material), project)
        assert tags == {name: here[name] for name in TAG_FIELDS}
        assert tags["languages"] and tags["type"]


def test_a_dead_worker_leaves_tagging_to_the_crawler_process(worker):
    material = eval_materials(1)[0]
    for process in worker.processes:
        os.kill(process.pid, signal.SIGKILL)
    tags = asyncio.run(worker.tags(material, None))
    assert worker.pool is None  # noticed, and no longer used
    assert tags == tags_of(material, None)


def test_shutting_down_stops_the_worker_processes():
    worker = TaggingWorker(1)
    processes = list(worker.processes)
    assert processes and all(p.is_alive() for p in processes)
    worker.shutdown()  # the warm-up may still be loading models: stopped, not waited for
    assert all(gone(p.pid) for p in processes)
    assert worker.pool is None


def gone(pid: int) -> bool:
    """No such process (reaped, by whichever thread): is_alive() cannot tell once another thread
    has reaped it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_harvest_killed_outright_leaves_no_worker_behind():
    """SIGKILL gives the harvest no chance to stop its worker: the worker notices by itself."""
    import subprocess
    import sys
    import time

    code = (
        "import time\n"
        "from harvester.tagging.worker import TaggingWorker\n"
        "worker = TaggingWorker(1)\n"
        "print(' '.join(str(p.pid) for p in worker.processes), flush=True)\n"
        "time.sleep(60)\n"
    )
    harvest = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(pid) for pid in harvest.stdout.readline().split()]
        assert pids and not any(gone(pid) for pid in pids)
    finally:
        harvest.kill()
        harvest.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(gone(pid) for pid in pids):
        time.sleep(0.2)
    assert all(gone(pid) for pid in pids)
