"""Link health and the Wayback Machine, against a fake CDX API and snapshot server on loopback."""

from __future__ import annotations

import sqlite3

import pytest
from fakewayback import TIMESTAMP, FakeWayback
from faultweb import WORDS, page, pdf_bytes
from helpers import run_cli

from harvester.catalog import open_catalog, publish_run, sync_registry
from harvester.registry import Source, load_projects

DEAD_SITE = "http://127.0.0.1:9/hanke"  # nothing listens on port 9 here: the site is gone


@pytest.fixture(scope="module")
def wayback():
    home = page(
        "Hanke päättyi",
        "<p>Hanke on päättynyt.</p><a href='/hanke/opas/'>Opas</a> "
        "<a href='/hanke/esite.pdf'>Hanke-esite (PDF)</a>",
    )
    fake = FakeWayback(
        {
            f"{DEAD_SITE}/": ("text/html; charset=utf-8", home.encode()),
            f"{DEAD_SITE}/opas/": (
                "text/html; charset=utf-8",
                page("Opas työnhakuun", f"<p>{WORDS}</p>").encode(),
            ),
            f"{DEAD_SITE}/esite.pdf": ("application/pdf", pdf_bytes()),
        }
    ).start()
    yield fake
    fake.stop()


def test_check_links_records_status_and_finds_snapshots_for_dead_links(tmp_path, demo_web, wayback):
    alive = demo_web.origin("lansirannikko") + "/nain-haet-asuntoa/"
    missing = demo_web.origin("lansirannikko") + "/poistettu-opas/"
    db_path = tmp_path / "catalog.db"
    db = open_catalog(db_path)
    source = Source(id="s", name="S", start_urls=(alive,), scope=(alive,))
    sync_registry(db, load_projects(), [source])
    urls = {"alive": alive, "missing": missing, "gone": f"{DEAD_SITE}/opas/"}
    items = [
        {"id": f"{n:016x}", "url": url, "title": name, "type": "guide", "languages": ["fi"], "phases": [],
         "audiences": [], "format": "html", "source_id": "s"}
        for n, (name, url) in enumerate(urls.items())
    ]  # fmt: skip
    publish_run(db, None, [{"source_id": "s", "items": items, "report": {}}])
    db.close()
    result = run_cli(
        "check-links", "--db", str(db_path), "--timeout", "3",
        "--cdx", f"{wayback.origin}/cdx/search/cdx", "--wayback-url", wayback.origin,
        "--allow-host", "127.0.0.1:9",  # the dead site is on loopback too: the test opts in
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "checked 3 links: 1 alive, 2 dead, 1 archived" in result.stdout
    conn = sqlite3.connect(db_path)
    rows = {
        r[0]: r[1:]
        for r in conn.execute("select title, link_status, link_error, archived_url from materials")
    }
    conn.close()
    assert rows["alive"][0] == 200 and rows["alive"][2] is None
    assert rows["missing"][0] == 404 and rows["missing"][2] is None  # the fake has no copy of it
    assert rows["gone"][0] == 0 and "unreachable" in rows["gone"][1]
    assert rows["gone"][2] == f"{wayback.origin}/web/{TIMESTAMP}/{DEAD_SITE}/opas/"


def test_a_wayback_source_is_harvested_from_its_snapshots(tmp_path, wayback):
    wayback.paths.clear()
    sources = tmp_path / "sources.yml"
    sources.write_text(
        "sources:\n  - id: vanha\n    name: Vanha hanke\n    project: vertaista-vailla\n"
        f"    start_urls: ['{DEAD_SITE}/']\n    scope: ['{DEAD_SITE}/']\n    wayback: true\n",
        encoding="utf-8",
    )
    db = tmp_path / "catalog.db"
    result = run_cli(
        "harvest", "--sources", str(sources), "--db", str(db), "--delay", "0", "--wayback-url", wayback.origin
    )
    assert result.returncode == 0, result.stdout + result.stderr
    conn = sqlite3.connect(db)
    rows = {r[0]: r[1:] for r in conn.execute("select url, archived_url, type, title from materials")}
    errors = conn.execute("select errors from harvest_run_sources").fetchone()[0]
    conn.close()
    assert set(rows) == {f"{DEAD_SITE}/opas/", f"{DEAD_SITE}/esite.pdf"}  # original URLs kept
    assert rows[f"{DEAD_SITE}/opas/"][0] == f"{wayback.origin}/web/{TIMESTAMP}id_/{DEAD_SITE}/opas/"
    assert rows[f"{DEAD_SITE}/esite.pdf"][1] == "brochure"
    assert errors == 0
    assert all(path.startswith(("/web/", "/robots.txt")) for path in wayback.paths)
