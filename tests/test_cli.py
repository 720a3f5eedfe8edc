"""The command line as operators use it: clear errors, sensible exit codes."""

from __future__ import annotations

import re
import sqlite3

import pytest
from helpers import REPO, run_cli


def test_bad_sources_file_stops_before_any_crawl(tmp_path):
    sources = tmp_path / "sources.yml"
    sources.write_text("sources:\n  - {id: a, name: A, start_urls: [https://a.fi/], colour: red}\n")
    db = tmp_path / "catalog.db"
    result = run_cli("harvest", "--sources", str(sources), "--db", str(db))
    assert result.returncode == 2
    assert "cannot run" in result.stderr and "unknown key(s) colour" in result.stderr
    assert not db.exists()


def test_unreachable_sources_fail_the_run_but_keep_the_record(tmp_path):
    sources = tmp_path / "sources.yml"
    # Port 9 on loopback (discard) has no listener here: connection refused, nothing leaves the machine.
    sources.write_text("sources:\n  - {id: dead, name: Dead, start_urls: ['http://127.0.0.1:9/']}\n")
    db = tmp_path / "catalog.db"
    result = run_cli("harvest", "--sources", str(sources), "--db", str(db), "--delay", "0")
    assert result.returncode == 1
    assert "dead: nothing could be fetched" in result.stderr
    conn = sqlite3.connect(db)
    status, errors = conn.execute("select status, errors from harvest_runs").fetchone()
    details = conn.execute("select error_details from harvest_run_sources").fetchone()[0]
    conn.close()
    assert status == "failed" and errors >= 1 and "127.0.0.1:9" in details


@pytest.mark.parametrize("command", [["serve"], ["validate"], ["check-links"], ["export", "aoe-json"]])
def test_commands_refuse_a_missing_catalogue(tmp_path, command):
    missing = tmp_path / "nope.db"
    result = run_cli(*command, "--db", str(missing))
    assert result.returncode == 2
    assert f"{command[0]}: no catalogue at {missing}" in result.stderr
    assert not missing.exists()  # nothing created in its place


def test_serve_uses_the_configuration_directory_whatever_the_file_is_called(harvested, tmp_path):
    """`serve --db any-name.db` serves the catalogue under the configured name with settings.json."""
    import json
    import shutil

    db = tmp_path / "luettelo-2026.db"
    shutil.copy(harvested[0], db)
    result = run_cli("serve", "--db", str(db), "--get", "/-/settings.json")
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["suggest_facets"] is False and settings["default_page_size"] == 50
    result = run_cli("serve", "--db", str(db), "--get", "/catalog/materials.json?_size=1&_shape=objects")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["facet_results"]["languages"]["type"] == "tags"  # metadata applies
    assert run_cli("serve", "--db", str(db), "--get", "/luettelo-2026/materials").returncode == 1


def test_validate_passes_on_the_demo_catalogue(harvested):
    result = run_cli("validate", "--db", str(harvested[0]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo-infopiste" in result.stdout and "languages" in result.stdout


def test_validate_fails_on_a_broken_source(tmp_path):
    from harvester.catalog import open_catalog, publish_run, sync_registry
    from harvester.registry import Source, load_projects

    db = open_catalog(tmp_path / "catalog.db")
    source = Source(id="broken", name="B", start_urls=("https://b.fi/",), scope=("https://b.fi/",))
    sync_registry(db, load_projects(), [source])
    # A redesign broke the extraction: titles and tags are empty for most materials.
    items = [
        {
            "id": f"{n:016x}",
            "url": f"https://b.fi/{n}/",
            "title": "x" if n < 2 else "",
            "type": "guide",
            "languages": ["fi"] if n < 2 else [],
            "phases": [],
            "audiences": ["immigrants"],
            "format": "html",
            "source_id": "broken",
        }
        for n in range(10)
    ]
    publish_run(db, None, [{"source_id": "broken", "items": items, "report": {}}])
    db.close()
    result = run_cli("validate", "--db", str(tmp_path / "catalog.db"))
    assert result.returncode == 1
    assert "PROBLEM broken: title filled in 20% of materials" in result.stdout
    assert "languages filled in 20%" in result.stdout and "phases filled in 0%" in result.stdout
    loose = run_cli(
        "validate",
        "--db",
        str(tmp_path / "catalog.db"),
        "--min-title",
        "0",
        "--min-languages",
        "0",
        "--min-phases",
        "0",
    )
    assert loose.returncode == 0, loose.stdout


def free_port_block(size: int = 7) -> int:
    """A base port with `size` free ports after it (the demo web serves each site on its own port)."""
    import random
    import socket

    for _ in range(50):
        base = random.randint(20000, 60000)
        sockets = []
        try:
            for offset in range(size):
                s = socket.socket()
                s.bind(("127.0.0.1", base + offset))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port block")


def test_demo_command_harvests_the_demo_web_with_its_curation(tmp_path):
    db = tmp_path / "catalog.db"
    result = run_cli("demo", "--db", str(db), "--no-serve", "--demo-port", str(free_port_block()))
    assert result.returncode == 0, result.stdout + result.stderr
    conn = sqlite3.connect(db)
    count = conn.execute("select count(*) from materials where status = 'active'").fetchone()[0]
    works = conn.execute("select count(distinct work_id) from materials where status = 'active'").fetchone()
    works = works[0]
    manual = conn.execute(
        "select tag_evidence from materials where tag_evidence like '%\"manual\"%'"
    ).fetchall()
    conn.close()
    readme = (REPO / "README.md").read_text()
    stated = re.search(r"\*\*The demo web yields (\d+) materials\*\*", readme)
    assert stated and count == int(stated.group(1))  # the number the README states
    stated_works = re.search(r"(\d+) works once language versions are grouped", readme)
    assert stated_works and works == int(stated_works.group(1))  # hreflang, parallel paths, file suffixes
    assert len(manual) == 2
