"""A harvest of a web full of faults finishes, keeps what is sound and reports every fault by URL."""

from __future__ import annotations

import json
import sqlite3

import pytest
from faultweb import FaultWeb
from helpers import run_cli


@pytest.fixture(scope="module")
def fault_harvest(tmp_path_factory):
    web = FaultWeb(slow_seconds=4).start()
    folder = tmp_path_factory.mktemp("faults")
    sources = folder / "sources.yml"
    sources.write_text(
        f"sources:\n  - id: faults\n    name: Vikasivusto\n    project: hyva-alku-hameessa\n"
        f"    start_urls: ['{web.origin}/']\n",
        encoding="utf-8",
    )
    db = folder / "catalog.db"
    result = run_cli("harvest", "--sources", str(sources), "--db", str(db), "--delay", "0", "--timeout", "2")
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    materials = {r["url"].removeprefix(web.origin): dict(r) for r in conn.execute("select * from materials")}
    run = dict(conn.execute("select * from harvest_run_sources").fetchone())
    conn.close()
    web.stop()
    errors = {e["url"].removeprefix(web.origin): e["error"] for e in json.loads(run["error_details"])}
    return result, materials, run, errors, web.paths


def test_the_harvest_finishes_and_exits_0(fault_harvest):
    result, _, run, _, _ = fault_harvest
    assert result.returncode == 0, result.stderr
    assert run["status"] == "partial"


def test_sound_materials_are_catalogued(fault_harvest):
    _, materials, _, _, _ = fault_harvest
    assert materials["/opas/"]["type"] == "guide"
    assert materials["/vaara-tyyppi.pdf"]["title"] == "Opas alkuvaiheeseen"  # a PDF served as text/html
    assert materials["/oktetti/"]["type"] == "workbook"  # HTML served as application/octet-stream
    assert materials["/rikki/"]["title"] == "Sanasto"  # malformed HTML


@pytest.mark.parametrize(
    ("path", "title"),
    [("/cp1252/", "Työnhaun opas äideille"), ("/latin1/", "Käsikirja päiväkodin henkilöstölle")],
)
def test_pages_without_a_charset_are_decoded(fault_harvest, path, title):
    _, materials, _, _, _ = fault_harvest
    assert materials[path]["title"] == title
    assert "Kotoutumiskoulutus alkaa" in materials[path]["text"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/virhe500/", "HTTP 500"),
        ("/hidas/", "timed out"),
        ("/silmukka/", "redirect"),
        ("/katkennut.pdf", "incomplete response"),
        ("/korruptoitunut.pdf", "unreadable PDF"),
        ("/salattu.pdf", "encrypted PDF"),
        ("/valtava.pdf", "Cancelled"),
        ("/yksityinen/opas/", "robots.txt"),
    ],
)
def test_each_fault_is_reported_by_url(fault_harvest, path, expected):
    _, _, _, errors, _ = fault_harvest
    found = [message for url, message in errors.items() if url.startswith(path)]
    assert found, errors
    assert expected.lower() in found[0].lower(), found


def test_unreadable_documents_are_kept_with_their_link_text(fault_harvest):
    _, materials, _, _, _ = fault_harvest
    assert materials["/salattu.pdf"]["title"] == "Salattu PDF"
    assert materials["/korruptoitunut.pdf"]["title"] == "Korruptoitunut PDF"


def test_robots_txt_is_obeyed_and_the_calendar_trap_cut(fault_harvest):
    _, materials, _, _, paths = fault_harvest
    assert not [p for p in paths if p.startswith("/yksityinen/")]
    assert len([p for p in paths if p.startswith("/kalenteri/")]) <= 3
    assert not [url for url in materials if url.startswith("/kalenteri/")]


def test_titles_with_markup_are_stored_as_text(fault_harvest):
    _, materials, _, _, _ = fault_harvest
    assert materials["/skripti/"]["title"] == "<script>alert('x')</script> Opas <b>lihavoitu</b>"
