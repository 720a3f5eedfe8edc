"""The command line as operators use it: clear errors, sensible exit codes."""

from __future__ import annotations

import sqlite3

from helpers import run_cli


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


def test_serve_refuses_a_missing_catalogue(tmp_path):
    result = run_cli("serve", "--db", str(tmp_path / "nope.db"))
    assert result.returncode == 2 and "no catalogue" in result.stderr


def test_datasette_command_uses_the_metadata():
    from harvester.cli import datasette_command

    command = datasette_command("catalog.db", "127.0.0.1", 8001)
    assert command[1:3] == ["serve", "catalog.db"]
    assert command[command.index("--metadata") + 1].endswith("metadata.yml")
