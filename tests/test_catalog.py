"""The catalogue: schema, idempotent upserts, never losing data, full-text search."""

from __future__ import annotations

import json

import pytest

from harvester.catalog import finish_run, open_catalog, start_run, store_source_harvest, sync_registry
from harvester.registry import Source, load_projects

SOURCE = Source(
    id="s1", name="S1", project="hyva-alku-hameessa", start_urls=("https://a.fi/",), scope=("https://a.fi/",)
)


def material(n: int, **extra) -> dict:
    item = {
        "id": f"{n:016x}",
        "url": f"https://a.fi/opas-{n}/",
        "canonical_url": f"https://a.fi/opas-{n}/",
        "title": f"Opas {n} alkukartoituksesta",
        "description": None,
        "type": "guide",
        "languages": ["fi"],
        "plain_language": 0,
        "phases": ["initial"],
        "audiences": ["immigrants"],
        "format": "html",
        "kind": "page",
        "source_id": "s1",
        "project_id": "hyva-alku-hameessa",
        "text": "Alkukartoituksessa selvitetään osaaminen ja kielitaito.",
        "content_hash": f"hash{n}",
        "link_texts": ["Opas"],
        "locations": [f"https://a.fi/opas-{n}/", f"https://a.fi/?p={n}"],
        "tag_evidence": {"type:guide": {"method": "rule"}},
    }
    item.update(extra)
    return item


@pytest.fixture()
def db(tmp_path):
    db = open_catalog(tmp_path / "catalog.db")
    sync_registry(db, load_projects(), [SOURCE])
    yield db
    db.close()


def test_schema_and_vocabulary_tables(db):
    tables = set(db.table_names())
    assert {
        "projects",
        "sources",
        "materials",
        "material_locations",
        "harvest_runs",
        "harvest_run_sources",
    } <= tables
    assert {"phases", "audiences", "types", "languages", "materials_fts"} <= tables
    assert db["phases"].get("initial")["label_sv"] == "Inledande skede"
    assert db["projects"].count == 25
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upsert_is_idempotent_and_keeps_first_seen(db):
    run1 = start_run(db, "x.yml", 1)
    counts = store_source_harvest(db, run1, "s1", [material(1), material(2)], {"pages_fetched": 3})
    assert counts == {"new": 2, "changed": 0, "unchanged": 0}
    first = db["materials"].get(f"{1:016x}")
    run2 = start_run(db, "x.yml", 1)
    counts = store_source_harvest(
        db, run2, "s1", [material(1), material(2, content_hash="new")], {"pages_fetched": 3}
    )
    assert counts == {"new": 0, "changed": 1, "unchanged": 1}
    again = db["materials"].get(f"{1:016x}")
    assert again["first_seen"] == first["first_seen"] and again["last_run_id"] == run2
    assert db["materials"].count == 2 and db["material_locations"].count == 4
    assert json.loads(again["languages"]) == ["fi"]


def test_a_failed_harvest_deletes_nothing(db):
    run1 = start_run(db, "x.yml", 1)
    store_source_harvest(db, run1, "s1", [material(1), material(2)], {"pages_fetched": 3})
    run2 = start_run(db, "x.yml", 1)
    store_source_harvest(
        db, run2, "s1", [], {"status": "failed", "pages_fetched": 0, "errors": [{"url": "u"}]}
    )
    assert db["materials"].count == 2
    assert {r["status"] for r in db["materials"].rows} == {"active"}
    run = finish_run(db, run2, "failed", "s1: nothing could be fetched")
    assert run["status"] == "failed" and run["errors"] == 1 and run["finished_at"]


def test_full_text_search_follows_upserts(db):
    store_source_harvest(db, None, "s1", [material(1)], {})
    hits = db.execute(
        "select rowid from materials_fts where materials_fts match 'alkukartoituksesta'"
    ).fetchall()
    assert len(hits) == 1
    store_source_harvest(db, None, "s1", [material(1, title="Työnhaun opas")], {})
    assert not db.execute(
        "select rowid from materials_fts where materials_fts match 'alkukartoituksesta'"
    ).fetchall()
    assert db.execute("select rowid from materials_fts where materials_fts match 'työnhaun'").fetchall()


def test_reopening_an_existing_catalogue_keeps_its_data(tmp_path, db):
    store_source_harvest(db, None, "s1", [material(1)], {})
    db.close()
    reopened = open_catalog(tmp_path / "catalog.db")
    assert reopened["materials"].count == 1
    reopened.close()
