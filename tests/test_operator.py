"""Operator paper cuts (issue 14, item 8): a busy port is named in one line, `demo` stops cleanly on
SIGTERM and Ctrl-C, the progress lines count what the summary counts, and a harvest whose only
errors are dead links on the sites says so in plain words."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from helpers import REPO, run_cli

from harvester import harvest_report


@contextmanager
def held_port():
    """A loopback port some other program is listening on."""
    with socket.socket() as held:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_busy_catalogue_port_is_named_in_one_line(tmp_path, harvested):
    with held_port() as port:
        for command in (
            ["serve", "--db", str(harvested[0]), "--port", str(port)],
            ["demo", "--db", str(tmp_path / "c.db"), "--port", str(port), "--demo-port", "0"],
        ):
            result = run_cli(*command, timeout=60)
            assert result.returncode == 2, result.stderr
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
            assert f"port {port} on 127.0.0.1" in result.stderr and "already in use" in result.stderr
            assert "--port" in result.stderr
    assert not (tmp_path / "c.db").exists()  # nothing harvested for a demo that cannot be served


def test_a_busy_demo_web_port_is_named_in_one_line(tmp_path):
    with held_port() as port:
        first = port - 2  # the third demo site (hub) would take the held port
        result = run_cli("demo", "--db", str(tmp_path / "c.db"), "--demo-port", str(first), "--no-serve")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"aineistopankki demo: port {port} on 127.0.0.1 (demo site hub) is already in use: stop what uses it"
        " or choose another first port with --demo-port (make demo DEMO_PORT=...); the demo web takes it"
        " and the six after it"
    )
    with socket.socket() as again:  # the sites started before it were stopped
        again.bind(("127.0.0.1", first))


@pytest.mark.e2e
@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_demo_stops_cleanly(tmp_path, how):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", "demo", "--db", str(tmp_path / "c.db"), "--port", str(port),
         "--demo-port", "0", "--no-file-text"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1).read()
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                time.sleep(0.3)
        else:
            pytest.fail("the demo did not serve the catalogue within 300 s")
        if how == "SIGTERM":
            process.send_signal(signal.SIGTERM)
        else:  # the terminal sends SIGINT to the whole foreground group
            os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "aineistopankki demo: stopped" in stderr
    with socket.socket() as again:  # the catalogue's server is gone with it
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


@pytest.mark.e2e
def test_progress_counts_are_the_summarys_and_dead_links_are_said_plainly(harvested):
    result = harvested[1]
    progress = dict(re.findall(r"\[\d+/\d+\] ([\w-]+): (\d+) materials found", result.stderr))
    summary = dict(re.findall(r"^  ([\w-]+) +\w+ +(\d+) found,", result.stdout, re.M))
    assert progress and progress == summary
    catalogued = re.findall(r"^  [\w-]+ +\w+ +\d+ found, +(\d+) materials catalogued", result.stdout, re.M)
    total = re.search(r"^harvest run \d+: \w+ - (\d+) materials", result.stdout, re.M)
    assert sum(map(int, catalogued)) == int(total.group(1))
    # the demo's only errors are its deliberate dead links: the run is fine and says so
    assert re.search(r"^harvest run \d+: ok - .* 3 dead links on the sites", result.stdout, re.M)
    assert "partial" not in result.stdout and result.stdout.count("  dead link: http") == 3
    assert re.search(r"^  demo-decayed +ok .* 2 dead links$", result.stdout, re.M)


def test_other_errors_are_still_errors():
    run = {"id": 4, "status": "partial", "materials": 2, "new_materials": 0, "pages_fetched": 9,
           "not_modified": 0, "bytes": 10, "gone_materials": 0, "errors": 2}  # fmt: skip
    rows = [{"source_id": "s", "status": "partial", "materials": 2, "pages_fetched": 9}]
    errors = [
        {"url": "http://a/x.pdf", "error": "HTTP 404", "referrer": "http://a/"},
        {"url": "http://a/y", "error": "timed out after 30.0 s", "referrer": None},
    ]
    results = [{"source_id": "s", "items": [{}, {}, {}], "report": {"errors": errors}}]
    lines = harvest_report.summary(run, rows, results, {"s": {"elsewhere": 1}})
    assert lines[0].startswith("harvest run 4: partial - ") and lines[0].endswith("2 errors")
    assert "3 found,    2 materials catalogued (1 already catalogued from another source)" in lines[1]
    assert lines[1].endswith("2 errors (1 of them dead links)")
    assert lines[2] == "  dead link: http://a/x.pdf (linked from http://a/)"
    only_dead = [{"source_id": "s", "items": [{}, {}], "report": {"errors": errors[:1]}}]
    run_dead = {**run, "errors": 1}
    lines = harvest_report.summary(run_dead, rows, only_dead, {})
    assert lines[0].startswith("harvest run 4: ok - ") and "1 dead link on the sites" in lines[0]


@pytest.mark.e2e
def test_demo_stopped_during_the_harvest_does_not_go_on_to_serve(tmp_path):
    import threading

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", "demo", "--db", str(tmp_path / "c.db"), "--port", str(port),
         "--demo-port", "0"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any(line.startswith("harvesting") for line in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any(line.startswith("harvesting") for line in lines), lines
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=180)
        reader.join(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "aineistopankki demo: stopped during the harvest\n" in lines
    assert "Traceback" not in "".join(lines)
    with socket.socket() as again:  # the catalogue was never served
        again.bind(("127.0.0.1", port))
