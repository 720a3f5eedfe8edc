"""Hostile input, harvest side (issue 15): every limit holds against a hostile server on loopback,
every failure is an error line for its URL, and a run that did not finish retires nothing."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faultweb import CONTROL, MEASURED, HostileWeb, MaterialsWeb
from helpers import REPO, run_cli

pytestmark = pytest.mark.e2e

CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def sources_file(folder: Path, origin: str, source_id: str = "hanke", extra: str = "") -> Path:
    path = folder / f"{source_id}.yml"
    path.write_text(
        f"sources:\n  - id: {source_id}\n    name: Hanke\n    start_urls: ['{origin}/']\n{extra}",
        encoding="utf-8",
    )
    return path


def harvest(sources: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("harvest", "--sources", str(sources), "--db", str(db), "--delay", "0", *extra)


def rows(db: Path, sql: str, *args) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = [dict(r) for r in conn.execute(sql, args)]
    conn.close()
    return found


def running(db: Path) -> bool:
    """True once a harvest has recorded its run as running (the catalogue may not exist yet)."""
    try:
        return bool(db.exists() and rows(db, "select id from harvest_runs where status = 'running'"))
    except sqlite3.Error:
        return False


def statuses(db: Path) -> dict[str, str]:
    return {r["url"]: r["status"] for r in rows(db, "select url, status from materials")}


def last_run(db: Path) -> dict:
    return rows(db, "select * from harvest_runs order by id desc limit 1")[0]


def errors_of_last_run(db: Path) -> dict[str, str]:
    row = rows(db, "select error_details from harvest_run_sources order by run_id desc limit 1")[0]
    found: dict[str, str] = {}
    for error in json.loads(row["error_details"]):
        found[error["url"]] = " | ".join(filter(None, [found.get(error["url"]), error["error"]]))
    return found


# -- finding 1, 2, 3, 7: a hostile site ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    web = HostileWeb(huge_pages=10, page_mb=20).start()
    folder = tmp_path_factory.mktemp("hostile")
    sources = sources_file(folder, web.origin, "vihamielinen", "    platform: wordpress\n")
    db = folder / "catalog.db"
    command = [sys.executable, "-c", MEASURED, "harvest", "--sources", str(sources), "--db", str(db)]
    started = time.monotonic()
    result = subprocess.run([*command, "--delay", "0"], capture_output=True, text=True, cwd=REPO, timeout=600)
    seconds = time.monotonic() - started
    web.stop()
    peak, worker = map(int, re.search(r"PEAK_RSS_MB (\d+) (\d+)", result.stderr).groups())
    return result, db, web, peak, worker, seconds


def test_a_harvest_of_20_mb_pages_stays_under_500_mb(hostile):
    result, db, web, peak, worker, _ = hostile
    assert result.returncode == 0, result.stderr[-3000:]
    assert peak < 500, f"the crawler peaked at {peak} MB"
    assert worker < 500, f"the tagging worker peaked at {worker} MB"
    errors = errors_of_last_run(db)
    for n in range(1, 11):
        assert "page larger than" in errors[f"{web.origin}/suuri/{n}/"]
    texts = rows(db, "select length(text) as n from materials where url like '%/suuri/%'")
    assert len(texts) == 10 and max(t["n"] for t in texts) <= 200_000


def test_no_control_character_reaches_the_catalogue(hostile):
    _, db, web, _, _, _ = hostile
    found = rows(db, "select url, title, description, text, link_texts from materials")
    page = next(r for r in found if r["url"].endswith("/ohjaus/"))
    pdf = next(r for r in found if r["url"].endswith("/ohjaus.pdf"))
    assert page["title"].startswith("Opas") and page["title"].endswith("asunnonhakuun")
    assert pdf["title"].startswith("Opas") and pdf["title"].endswith("kotoutujalle")  # PDF /Title
    assert page["description"] == "Kuvaus"
    for row in found:
        for column, value in row.items():
            assert not CONTROL_RE.search(value or ""), f"{row['url']} {column}: {value[:80]!r}"
    assert CONTROL  # the hostile web did send them


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/pommi.pptx", "refused: part ppt/slides/slide1.xml unpacks to"),  # an Office zip bomb
        ("/tuntematon.docx", "compression method is not supported"),  # zip NotImplementedError
        ("/raja.pdf", "refused PDF: Declared size"),  # pypdf LimitReachedError
        ("/wp-json/wp/v2/media?per_page=100&page=1", "ValueError"),  # X-WP-TotalPages: kaksi
    ],
)
def test_every_failure_while_reading_is_an_error_line(hostile, path, expected):
    _, db, web, _, _, _ = hostile
    errors = errors_of_last_run(db)
    assert expected in errors.get(web.origin + path, ""), errors
    if not path.startswith("/wp-json"):  # the file is still catalogued, by its link text
        assert statuses(db)[web.origin + path] == "active"


def test_hostile_files_cost_seconds_not_minutes(hostile):
    result, *_, seconds = hostile
    assert seconds < 120, f"{seconds:.0f} s"
    assert "0 errors" not in result.stdout


# -- findings 4-6: a run that did not finish retires nothing ---------------------------------------


@pytest.fixture
def site(tmp_path):
    web = MaterialsWeb(count=22).start()
    sources = sources_file(tmp_path, web.origin)
    db = tmp_path / "catalog.db"
    first = harvest(sources, db)
    assert first.returncode == 0, first.stderr
    assert len(statuses(db)) == 22
    yield web, sources, db
    web.stop()


def assert_nothing_retired(db: Path, result, reason: str) -> None:
    assert result.returncode == 3, result.stdout + result.stderr
    assert "did not finish" in result.stderr
    assert set(statuses(db).values()) == {"active"}, statuses(db)
    run = last_run(db)
    assert run["status"] == "interrupted" and reason in run["message"], run
    assert run["gone_materials"] == 0


def test_a_page_cap_retires_nothing(site):
    web, sources, db = site
    for _ in range(3):
        result = harvest(sources, db, "--max-pages", "5", "--gone-after", "1")
        assert_nothing_retired(db, result, "page cap of 5 responses")
    checked = run_cli("validate", "--db", str(db))
    assert checked.returncode == 1 and "last harvest interrupted: did not finish: page cap" in checked.stdout


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_cleanly_and_retires_nothing(site, signum):
    web, sources, db = site
    web.delay = 0.25
    command = [sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(sources), "--db", str(db)]
    process = subprocess.Popen(
        [*command, "--delay", "0", "--no-cache", "--gone-after", "1"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(200):  # until the crawl has fetched a few guides
        if sum(p.startswith("/opas/") for p in web.paths) >= 25:
            break
        time.sleep(0.05)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert_nothing_retired(db, result, f"stopped by {signal.Signals(signum).name}")


def test_an_unwritable_http_cache_retires_nothing(site, tmp_path):
    web, sources, db = site
    cache = tmp_path / "catalog.httpcache"
    if cache.exists():
        import shutil

        shutil.rmtree(cache)
    cache.write_text("not a folder", encoding="utf-8")  # every cache write fails
    result = harvest(sources, db, "--gone-after", "1")
    assert_nothing_retired(db, result, "the HTTP cache could not be written")
    assert (
        rows(db, "select materials from harvest_run_sources order by run_id desc limit 1")[0]["materials"]
        == 22
    )


def test_time_budgets_stop_a_run_and_retire_nothing(site):
    web, sources, db = site
    web.delay = 1.0  # 24 requests, 4 at a time (--delay 0): 6 s, past the budgets of 2 s
    result = harvest(sources, db, "--no-cache", "--gone-after", "1", "--run-time-budget", "2")
    assert_nothing_retired(db, result, "time budget of 2 s")
    result = harvest(sources, db, "--no-cache", "--gone-after", "1", "--source-time-budget", "2")
    assert_nothing_retired(db, result, "source time budget of 2 s")


def test_a_small_source_whose_pages_all_fail_keeps_its_materials(tmp_path):
    web = MaterialsWeb(count=3).start()
    try:
        sources = sources_file(tmp_path, web.origin)
        db = tmp_path / "catalog.db"
        assert harvest(sources, db).returncode == 0
        web.failing = True
        for _ in range(3):
            harvest(sources, db, "--gone-after", "1", "--timeout", "2", "--no-cache")
    finally:
        web.stop()
    assert list(statuses(db).values()) == ["active"] * 3


# -- finding 12: concurrent harvests, locks, typos, hostile YAML ----------------------------------


def test_a_second_concurrent_harvest_is_refused(site):
    web, sources, db = site
    runs_before = len(rows(db, "select id from harvest_runs"))
    with open(db.with_suffix(".harvest-lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = harvest(sources, db)
    assert result.returncode == 2
    assert "another harvest is running" in result.stderr
    assert len(rows(db, "select id from harvest_runs")) == runs_before
    assert "running" not in {r["status"] for r in rows(db, "select status from harvest_runs")}


def test_a_crawl_that_cannot_be_published_is_kept_and_published_later(site):
    web, sources, db = site
    web.delay = 0.1
    command = [sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(sources), "--db", str(db)]
    process = subprocess.Popen(
        [*command, "--delay", "0", "--no-cache"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(200):  # the run has started: another writer takes the catalogue
        if running(db):
            break
        time.sleep(0.05)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    stdout, stderr = process.communicate(timeout=180)
    blocker.execute("ROLLBACK")
    blocker.close()
    assert process.returncode == 4, stdout + stderr
    assert "could not be published" in stderr and "database is locked" in stderr
    saved = Path(re.search(r"--publish-saved (\S+)`", stderr).group(1))
    assert saved.exists()
    result = run_cli("harvest", "--sources", str(sources), "--db", str(db), "--publish-saved", str(saved))
    assert result.returncode == 0, result.stderr
    assert not saved.exists()
    assert last_run(db)["status"] == "ok" and last_run(db)["materials"] == 22


def test_a_curation_file_that_is_not_there_stops_the_run(site, tmp_path):
    web, sources, db = site
    result = harvest(sources, db, "--curation", str(tmp_path / "curaton.yml"))
    assert result.returncode == 2
    assert "curaton.yml: no curation file there" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - id: a\n    name: A\n    start_urls: ['https://a.fi/']\n    name: B\n",
            "line 5: not valid YAML: duplicate key 'name' (first on line 3)",
        ),
        (
            "sources:\n  - id: a\n    name: A\n    start_urls: ['https://a.fi:99999/']\n",
            "start_urls: 'https://a.fi:99999/': malformed URL (Port out of range",
        ),
        (
            "sources:\n  - id: a\n    name: A\n    start_urls: ['http://[fe80::zz]/']\n",
            "start_urls: 'http://[fe80::zz]/': malformed URL",
        ),
        (
            "sources:\n  - id: a\n    name: A\n    start_urls: ['http://[::1/']\n",
            "malformed URL (Invalid IPv6 URL)",
        ),
    ],
)
def test_a_bad_sources_file_is_refused_with_its_line(tmp_path, text, expected):
    sources = tmp_path / "sources.yml"
    sources.write_text(text, encoding="utf-8")
    result = harvest(sources, tmp_path / "catalog.db")
    assert result.returncode == 2
    assert expected in result.stderr, result.stderr


def test_an_alias_bomb_is_refused_fast(tmp_path):
    lines = ["a: &a [" + ", ".join(["tervetuloa"] * 10) + "]"]
    for level in range(1, 10):
        lines.append(
            f"b{level}: &b{level} [" + ", ".join([f"*{'a' if level == 1 else f'b{level - 1}'}"] * 10) + "]"
        )
    sources = tmp_path / "sources.yml"
    sources.write_text("\n".join(lines) + "\nsources: []\n", encoding="utf-8")
    started = time.monotonic()
    result = harvest(sources, tmp_path / "catalog.db")
    assert result.returncode == 2
    assert "expands to more than" in result.stderr, result.stderr
    assert time.monotonic() - started < 20  # the interpreter's start included; the check takes ms


# -- finding 7: IPv6 literals ---------------------------------------------------------------------


def test_an_ipv6_literal_source_harvests_fully(tmp_path):
    try:
        web = MaterialsWeb(count=11, host="::1").start()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        sources = sources_file(tmp_path, web.origin)
        db = tmp_path / "catalog.db"
        result = harvest(sources, db)
    finally:
        web.stop()
    assert result.returncode == 0, result.stderr
    found = statuses(db)
    assert {f"{web.origin}{path}" for path in web.guide_paths()} <= set(found), found
    assert all(url.startswith("http://[::1]:") for url in found)


# -- finding 12: a failed OAI-PMH page keeps AOE's marks ------------------------------------------


def test_a_failed_oai_pmh_page_keeps_the_in_aoe_marks(site, tmp_path):
    from fakeaoe import FakeAoe, record

    web, sources, db = site
    urls = sorted(statuses(db))
    fake = FakeAoe([record(n, [url]) for n, url in enumerate(urls, 1)]).start()  # 22 records, 2 pages
    try:
        aoe = tmp_path / "aoe.yml"
        aoe.write_text(
            f"sources:\n  - id: aoe\n    name: AOE\n    spider: oaipmh\n    start_urls: ['{fake.base}']\n",
            encoding="utf-8",
        )
        assert run_cli("harvest", "--sources", str(aoe), "--db", str(db), "--delay", "0").returncode == 0
        marked = rows(db, "select count(*) as n from materials where in_aoe is not null")[0]["n"]
        assert marked == 22
        fake.broken_offsets = {20}
        run_cli("harvest", "--sources", str(aoe), "--db", str(db), "--delay", "0", "--no-cache")
    finally:
        fake.stop()
    assert "HTTP 500" in json.dumps(errors_of_last_run(db))
    assert rows(db, "select count(*) as n from materials where in_aoe is not null")[0]["n"] == 22


def test_the_lock_file_lives_beside_the_catalogue(site):
    _, _, db = site
    assert db.with_suffix(".harvest-lock").exists()
    assert os.path.dirname(db.with_suffix(".harvest-lock")) == os.path.dirname(db)


def test_a_full_disk_keeps_the_catalogue_and_the_crawl(tmp_path):
    """The catalogue on a small tmpfs that fills up while the crawl runs."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(disk)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a small file system here (not root?)")
    web = MaterialsWeb(count=22, delay=0.05).start()
    try:
        sources = sources_file(tmp_path, web.origin)
        db = disk / "catalog.db"
        command = [
            sys.executable,
            "-m",
            "harvester.cli",
            "harvest",
            "--sources",
            str(sources),
            "--db",
            str(db),
        ]
        process = subprocess.Popen(
            [*command, "--delay", "0", "--no-cache"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(400):
            if running(db):
                break
            time.sleep(0.05)
        filler = disk / "filler"
        with open(filler, "wb") as out, pytest.raises(OSError):  # the disk fills up while the crawl runs
            while True:
                out.write(b"\0" * (1024 * 1024))
                out.flush()
        stdout, stderr = process.communicate(timeout=180)
        assert process.returncode == 4, stdout + stderr
        assert "could not be published" in stderr and "disk is full" in stderr, stderr
        assert "Traceback" not in stderr
        saved = Path(re.search(r"--publish-saved (\S+)`", stderr).group(1))
        filler.unlink()
        assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
        assert rows(db, "select count(*) as n from materials")[0]["n"] == 0  # as it was: empty
        result = run_cli("harvest", "--sources", str(sources), "--db", str(db), "--publish-saved", str(saved))
        assert result.returncode == 0, result.stderr
        assert len(statuses(db)) == 22 and last_run(db)["status"] == "ok"
    finally:
        web.stop()
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_sigterm_while_publishing_writes_nothing(site):
    web, sources, db = site
    before = rows(db, "select id, last_run_id, last_seen from materials order by id")
    command = [sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(sources), "--db", str(db)]
    process = subprocess.Popen(
        [*command, "--delay", "0", "--gone-after", "1"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AINEISTOPANKKI_FAULT_PUBLISH_PAUSE": "8"},  # inside the transaction
    )
    lines = []
    for line in process.stderr:  # the source's progress line: its crawl is over, publishing starts
        lines.append(line)
        if "[1/1] hanke" in line:
            break
    time.sleep(2)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 3, "".join(lines) + stdout + stderr
    assert "stopped by SIGTERM while publishing: nothing of it was written" in stderr
    assert rows(db, "select id, last_run_id, last_seen from materials order by id") == before
    assert last_run(db)["status"] == "interrupted"
