"""Distributed harvest over a real redis-server (started per module on a free loopback port, no
persistence) and real worker processes crawling a synthetic web of several loopback hosts over HTTP.

Each harvest is compared with a single-process harvest of the same web: the same materials, tags and
addresses, the same per-source report; politeness is measured at the servers (requests in flight per
host, over all workers together)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.distributed import CountingWeb, catalogue, harvest, harvest_command, run_report, worker_pids
from harvester.distributed.descriptor import units_of
from harvester.registry import Source
from tests.redisserver import available, redis_server

REPO = Path(__file__).resolve().parent.parent
CURATION = REPO / "harvester" / "registry" / "curation.yml"
DELAY = 0.1
SIZES = [14, 10, 18, 8, 12, 16]  # pages per host

pytestmark = pytest.mark.skipif(
    not available(), reason="redis-server is not installed (the Makefile installs Debian's redis-server)"
)


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def web():
    with CountingWeb(SIZES, pdfs_per_host=3) as served:
        yield served


@pytest.fixture(scope="module")
def sources(web, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sources") / "sources.yml"
    path.write_text(web.sources_yaml(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(web, sources, tmp_path_factory):
    """A single-process harvest of the web: what every distributed run must equal."""
    db = tmp_path_factory.mktemp("single") / "catalog.db"
    web.reset()
    harvest(sources, db, DELAY, "--no-cache")
    return {"catalogue": catalogue(db), "report": run_report(db), "requests": web.requests()}


def owners(url: str) -> dict[str, str]:
    import redis

    client = redis.Redis.from_url(url, decode_responses=True)
    token = json.loads(client.get("aineistopankki:run"))["token"]
    return client.hgetall(f"aineistopankki:{token}:owners")


def test_sources_sharing_a_host_are_one_unit():
    def source(sid, *urls, scope=()):
        return Source(id=sid, name=sid, start_urls=urls, scope=scope)

    units = units_of(
        [
            source("a", "http://example.org:8001/"),
            source("b", "http://EXAMPLE.org:8002/hanke/"),  # same host name, another port
            source("c", "https://c.example/", scope=("https://shared.example/",)),
            source("d", "https://d.example/", scope=("https://shared.example/files/",)),
            source("e", "https://e.example/"),
        ]
    )
    assert sorted(sorted(u["sources"]) for u in units) == [["a", "b"], ["c", "d"], ["e"]]


def test_sources_asking_one_oembed_endpoint_are_one_unit(monkeypatch):
    """platform_metadata sources all ask the platforms' oEmbed hosts: two workers must not both do it."""
    monkeypatch.setenv("AINEISTOPANKKI_OEMBED_URL", "http://oembed.example:8799/oembed")

    def source(sid, url, metadata):
        return Source(id=sid, name=sid, start_urls=(url,), scope=(url,), platform_metadata=metadata)

    units = units_of(
        [
            source("a", "https://a.example/", True),
            source("b", "https://b.example/", True),
            source("c", "https://c.example/", False),
        ]
    )
    assert sorted(sorted(u["sources"]) for u in units) == [["a", "b"], ["c"]]
    monkeypatch.delenv("AINEISTOPANKKI_OEMBED_URL")  # the registry's endpoints: the same grouping
    assert sorted(sorted(u["sources"]) for u in units_of([source("a", "https://a.example/", True),
        source("b", "https://b.example/", True)])) == [["a", "b"]]  # fmt: skip


def test_two_workers_harvest_what_one_process_does(web, sources, redis_url, reference, tmp_path):
    db = tmp_path / "catalog.db"
    web.reset()
    harvest(sources, db, DELAY, "--no-cache", "--redis", redis_url, "--workers", "2", "--slots", "2")
    assert catalogue(db) == reference["catalogue"]
    assert len(reference["catalogue"][0]) > 5
    # the report adds up over workers: per source the same responses, bytes and errors
    assert run_report(db) == reference["report"]
    assert web.requests() == reference["requests"]
    assert web.crowded() == 0, web.most_in_flight  # no host ever saw two requests (two workers) at once
    assert len(set(owners(redis_url).values())) == 2  # both workers crawled


def test_a_worker_killed_with_sigkill_loses_nothing(web, sources, redis_url, reference, tmp_path):
    db = tmp_path / "catalog.db"
    web.reset()
    killed: list[int] = []

    def kill_one(process):
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            pids = worker_pids(redis_url)
            if web.requests() >= reference["requests"] // 4 and len(pids) == 2:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
                return
            time.sleep(0.02)

    extra = ("--no-cache", "--redis", redis_url, "--workers", "2", "--slots", "2", "--lease", "2")
    _, err = harvest(sources, db, DELAY, *extra, during=kill_one)
    assert killed, "the harvest ended before a worker could be killed"
    assert catalogue(db) == reference["catalogue"], err
    report = run_report(db)
    assert {s: r[3] for s, r in report.items()} == {s: r[3] for s, r in reference["report"].items()}  # errors
    assert web.requests() > reference["requests"]  # the killed worker's hosts were crawled again
    assert web.crowded() == 0, web.most_in_flight


def test_a_worker_from_elsewhere_must_have_the_runs_files(web, sources, redis_url, reference, tmp_path):
    """`harvest --workers 0` waits for workers from other machines; a worker with another sources
    file is refused with a clear message, one with the same file does the whole run."""
    db = tmp_path / "catalog.db"
    web.reset()
    coordinator = subprocess.Popen(
        harvest_command(sources, db, DELAY, "--no-cache", "--redis", redis_url, "--workers", "0"),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        other = tmp_path / "other-sources.yml"
        other.write_text(sources.read_text(encoding="utf-8") + "# edited on this machine only\n")
        worker = [sys.executable, "-m", "harvester.cli", "worker", "--redis", redis_url, "--wait", "30"]
        worker += ["--curation", str(CURATION)]
        refused = subprocess.run([*worker, "--sources", str(other)], cwd=REPO, capture_output=True, text=True)
        assert refused.returncode == 2
        assert "refused to join run" in refused.stderr and "sources file" in refused.stderr
        assert "differs from the coordinator's" in refused.stderr
        joined = subprocess.run(
            [*worker, "--sources", str(sources)], cwd=REPO, capture_output=True, text=True
        )
        assert joined.returncode == 0, joined.stderr
        out, err = coordinator.communicate(timeout=120)
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
            coordinator.communicate()
    assert coordinator.returncode == 0, err
    assert catalogue(db) == reference["catalogue"]


def test_a_reharvest_with_workers_asks_if_pages_changed(web, sources, redis_url, reference, tmp_path):
    """The HTTP cache beside the catalogue serves every local worker: the second run sends conditional
    requests, the servers answer 304, and the report counts them per source."""
    db = tmp_path / "catalog.db"
    distributed = ("--redis", redis_url, "--workers", "2", "--slots", "2")
    harvest(sources, db, DELAY, *distributed)
    # a mark only tag reuse keeps: stored tags are taken again when nothing they depend on changed
    with sqlite3.connect(db) as connection:
        marked, audiences_before = connection.execute(
            "select id, audiences from materials order by id limit 1"
        ).fetchone()
        connection.execute("update materials set audiences = '[\"mark\"]' where id = ?", [marked])
    web.reset()
    harvest(sources, db, DELAY, *distributed, "--revalidate")
    with sqlite3.connect(db) as connection:
        kept = connection.execute("select audiences from materials where id = ?", [marked]).fetchone()[0]
        connection.execute("update materials set audiences = ? where id = ?", [audiences_before, marked])
    assert kept == '["mark"]'
    report = run_report(db)
    assert web.not_modified > len(SIZES) * 5
    assert {s: r[0] for s, r in report.items()} == {s: r[0] for s, r in reference["report"].items()}
    assert sum(r[1] for r in report.values()) == web.not_modified  # 304s, added up over workers
    assert catalogue(db) == reference["catalogue"]  # unchanged materials keep their tags


def test_a_killed_coordinator_leaves_the_catalogue_as_it_was(web, sources, redis_url, reference, tmp_path):
    db = tmp_path / "catalog.db"
    harvest(sources, db, DELAY, "--no-cache", "--source", "host-0", "--source", "host-3")  # two sources
    before = catalogue(db)
    web.reset()
    coordinator = subprocess.Popen(
        harvest_command(sources, db, DELAY, "--no-cache", "--redis", redis_url, "--workers", "2"),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while web.requests() < reference["requests"] // 3 or len(worker_pids(redis_url)) < 2:
        assert time.monotonic() < deadline, "the harvest did not get going"
        time.sleep(0.02)
    pids = worker_pids(redis_url)
    coordinator.send_signal(signal.SIGKILL)
    coordinator.wait()
    assert catalogue(db) == before != reference["catalogue"]
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 60  # its heartbeat expires; the workers see it and stop
    while client.exists("aineistopankki:coordinator"):
        assert time.monotonic() < deadline, "the killed coordinator's heartbeat key lives on"
        time.sleep(0.2)
    while any(Path(f"/proc/{pid}").exists() and not zombie(pid) for pid in pids):
        assert time.monotonic() < deadline, "workers of a killed coordinator went on"
        time.sleep(0.2)
    assert catalogue(db) == before


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"
    except OSError:
        return True


def test_an_unreachable_redis_is_a_clear_error(sources, tmp_path):
    from tests.redisserver import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"
    command = harvest_command(sources, tmp_path / "catalog.db", DELAY, "--redis", url)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"cannot reach Redis at {url}" in done.stderr
    assert not (tmp_path / "catalog.db").exists() or catalogue(tmp_path / "catalog.db") == ([], [])


def test_the_worker_unit_runs_a_worker(tmp_path):
    """deploy/aineistopankki-worker@.service: its command line is the worker's, and an unreachable
    Redis exits 75 (restarted by systemd), not 2 (files or code not the run's: not restarted)."""
    from tests.redisserver import free_port

    unit = (REPO / "deploy" / "aineistopankki-worker@.service").read_text(encoding="utf-8")
    assert "RestartPreventExitStatus=2" in unit
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    url = f"redis://127.0.0.1:{free_port()}/0"
    arguments = line.removeprefix("ExecStart=").split()[1:]
    arguments = [
        a.replace("${AINEISTOPANKKI_REDIS}", url)
        .replace("%H-%i", "test-1")
        .replace("/opt/aineistopankki", str(REPO))
        for a in arguments
    ]
    arguments = [str(tmp_path / "cache") if a.startswith("/srv/") else a for a in arguments]
    assert arguments[0] == "worker"
    done = subprocess.run(
        [sys.executable, "-m", "harvester.cli", *arguments], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 75, done.stderr
    assert f"cannot reach Redis at {url}" in done.stderr


def test_a_worker_stopped_with_sigterm_hands_its_units_back_at_once(
    web, sources, redis_url, reference, tmp_path
):
    """The lease is a minute, yet the run ends soon after the stopped worker: its units went back to
    the queue when it stopped, not when its lease ran out."""
    db = tmp_path / "catalog.db"
    web.reset()
    extra = ("--no-cache", "--redis", redis_url, "--workers", "0", "--lease", "60")
    coordinator = subprocess.Popen(
        harvest_command(sources, db, DELAY, *extra), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    worker = [sys.executable, "-m", "harvester.cli", "worker", "--redis", redis_url, "--wait", "30"]
    worker += ["--sources", str(sources), "--curation", str(CURATION), "--slots", "6"]
    try:
        first = subprocess.Popen([*worker, "--name", "first"], cwd=REPO, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while web.requests() < reference["requests"] // 4:
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.02)
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=30)
        assert first.returncode == 0, err
        assert "back to the queue" in err
        started = time.monotonic()
        second = subprocess.run([*worker, "--name", "second"], cwd=REPO, capture_output=True, timeout=120)
        assert second.returncode == 0
        coordinator.communicate(timeout=60)
        assert time.monotonic() - started < 45  # well within the 60 s lease
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
            coordinator.communicate()
    assert coordinator.returncode == 0
    assert catalogue(db) == reference["catalogue"]
    assert web.crowded() == 0


def test_a_coordinator_stopped_with_sigterm_publishes_what_was_seen(
    web, sources, redis_url, reference, tmp_path
):
    """As a single-process harvest does: the run is recorded as interrupted and retires nothing."""
    db = tmp_path / "catalog.db"
    web.reset()
    coordinator = subprocess.Popen(
        harvest_command(
            sources, db, DELAY, "--no-cache", "--redis", redis_url, "--workers", "2", "--slots", "3"
        ),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while web.requests() < reference["requests"] // 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    coordinator.send_signal(signal.SIGTERM)
    out, err = coordinator.communicate(timeout=120)
    assert coordinator.returncode == 3, err
    assert "did not finish" in err
    with sqlite3.connect(db) as connection:
        status, message = connection.execute("select status, message from harvest_runs").fetchone()
        gone = connection.execute("select count(*) from materials where status != 'active'").fetchone()[0]
    assert status == "interrupted" and "SIGTERM" in message
    assert gone == 0


def test_one_run_at_a_time_on_a_redis_database(sources, redis_url, tmp_path):
    first = subprocess.Popen(
        harvest_command(sources, tmp_path / "a.db", DELAY, "--redis", redis_url, "--workers", "0"),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        import redis

        client = redis.Redis.from_url(redis_url)
        deadline = time.monotonic() + 30
        while not client.exists("aineistopankki:coordinator"):
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        command = harvest_command(sources, tmp_path / "b.db", DELAY, "--redis", redis_url)
        second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert "another harvest coordinates a run on" in second.stderr
        first.send_signal(signal.SIGTERM)  # no worker joined: nothing crawled, the run did not finish
        _, err = first.communicate(timeout=60)
        assert first.returncode == 3, err
        assert not client.exists("aineistopankki:coordinator")  # the next run may start at once
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()


def test_the_run_time_budget_stops_every_worker(web, sources, redis_url, reference, tmp_path):
    db = tmp_path / "catalog.db"
    web.reset()
    command = harvest_command(sources, db, DELAY, "--no-cache", "--redis", redis_url, "--workers", "2")
    done = subprocess.run(
        [*command, "--slots", "1", "--run-time-budget", "3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "run time budget of 3 s reached" in done.stderr
    assert web.requests() < reference["requests"]
    with sqlite3.connect(db) as connection:
        status, message = connection.execute("select status, message from harvest_runs").fetchone()
    assert status == "interrupted" and "time budget of 3 s" in message
