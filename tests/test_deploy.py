"""The scheduled harvest script: harvest, validate, soundness check, publish only when data changed."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
import urllib.request

import pytest
from helpers import REPO, served_datasette

from harvester.catalog import open_catalog, sync_registry
from harvester.registry import load_projects

pytestmark = pytest.mark.e2e
SCRIPT = REPO / "deploy" / "harvest-and-publish.sh"


def run(published, sources):
    env = {
        **os.environ,
        "SOURCES": str(sources),
        "AINEISTOPANKKI_WORK": str(published.parent / "work"),
        "HARVEST_ARGS": "--delay 0",  # the loopback demo web; production keeps the polite defaults
    }
    return subprocess.run(
        ["bash", str(SCRIPT), str(published)], capture_output=True, text=True, env=env, timeout=600
    )


def test_publishes_once_and_then_only_when_the_data_changed(demo_sources, tmp_path):
    published = tmp_path / "srv" / "catalog.db"
    published.parent.mkdir()
    first = run(published, demo_sources)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "published" in first.stdout and published.exists()
    count = sqlite3.connect(published).execute("select count(*) from materials").fetchone()[0]
    assert count >= 50  # the whole demo web (README states the exact number; test_cli checks it)
    stamp = published.stat().st_mtime_ns
    second = run(published, demo_sources)
    assert second.returncode == 0, second.stderr
    assert "nothing to publish" in second.stdout
    assert published.stat().st_mtime_ns == stamp


def test_a_failed_harvest_keeps_the_published_catalogue(tmp_path):
    published = tmp_path / "srv" / "catalog.db"
    published.parent.mkdir()
    bad = tmp_path / "sources.yml"
    bad.write_text("sources:\n  - {id: x, name: X, start_urls: ['http://127.0.0.1:9/']}\n", encoding="utf-8")
    result = run(published, bad)
    assert result.returncode != 0
    assert "published catalogue is kept" in result.stderr
    assert not published.exists()


def served_count(base: str) -> int:
    with urllib.request.urlopen(base + "/catalog/materials.json?_size=0", timeout=10) as response:
        return json.load(response)["filtered_table_rows_count"]


def test_the_running_server_serves_the_catalogue_just_published(demo_sources, tmp_path):
    """Datasette serving the published path while a publish replaces it: the new catalogue is what
    users get within seconds, without a restart."""
    published = tmp_path / "srv" / "catalog.db"
    published.parent.mkdir()
    old = open_catalog(published)  # what was published before: a catalogue without materials
    sync_registry(old, load_projects(), [])
    old.close()
    with served_datasette(published) as base:
        assert served_count(base) == 0
        feed = urllib.request.urlopen(base + "/catalog/uudet.atom", timeout=10).read()
        assert b"<entry>" not in feed  # an empty feed, now cached until the catalogue changes
        result = run(published, demo_sources)
        assert result.returncode == 0 and "published" in result.stdout, result.stdout + result.stderr
        expected = sqlite3.connect(published).execute("select count(*) from materials").fetchone()[0]
        assert expected >= 50
        deadline = time.monotonic() + 15
        while served_count(base) != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        assert served_count(base) == expected
        feed = urllib.request.urlopen(base + "/catalog/uudet.atom", timeout=10).read()
        assert feed.count(b"<entry>") == min(expected, 50)
    assert published.is_symlink() and published.resolve().parent == published.parent
