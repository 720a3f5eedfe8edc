"""The catalogue: schema, idempotent upserts, never losing data, full-text search."""

from __future__ import annotations

import json

import pytest
from helpers import CATALOGUE_SOURCE as SOURCE  # the source the `db` fixture (conftest.py) registers

from harvester.catalog import (
    FACET_COLUMNS,
    FACET_TABLE,
    TAG_COLUMNS,
    TAG_TABLE,
    finish_run,
    open_catalog,
    publish_run,
    start_run,
    sync_registry,
)
from harvester.registry import Source, load_projects


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


def harvest(db, run_id, items, **report):
    report.setdefault("pages_fetched", 3)
    return publish_run(db, run_id, [{"source_id": "s1", "items": items, "report": report}])["s1"]


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
    counts = harvest(db, run1, [material(1), material(2)])
    assert counts == {"new": 2, "changed": 0, "unchanged": 0, "gone": 0, "elsewhere": 0, "status": "ok"}
    first = db["materials"].get(f"{1:016x}")
    run2 = start_run(db, "x.yml", 1)
    counts = harvest(db, run2, [material(1), material(2, content_hash="new")])
    assert counts == {"new": 0, "changed": 1, "unchanged": 1, "gone": 0, "elsewhere": 0, "status": "ok"}
    again = db["materials"].get(f"{1:016x}")
    assert again["first_seen"] == first["first_seen"] and again["last_run_id"] == run2
    assert db["materials"].count == 2 and db["material_locations"].count == 4
    assert json.loads(again["languages"]) == ["fi"]


def test_a_failed_harvest_changes_nothing(db):
    run1 = start_run(db, "x.yml", 1)
    harvest(db, run1, [material(n) for n in range(6)])
    before = list(db["materials"].rows)
    run2 = start_run(db, "x.yml", 1)
    counts = harvest(
        db, run2, [], status="failed", pages_fetched=0, errors=[{"url": "https://a.fi/", "error": "DNS"}]
    )
    assert counts["status"] == "failed"
    assert list(db["materials"].rows) == before
    run = finish_run(db, run2, "failed", "s1: nothing could be fetched")
    assert run["status"] == "failed" and run["errors"] == 1 and run["finished_at"]


def test_missing_materials_become_gone_after_n_trustworthy_harvests_and_come_back(db):
    everything = [material(n) for n in range(10)]
    harvest(db, start_run(db, "x", 1), everything)
    for n in (1, 2):
        counts = harvest(db, start_run(db, "x", 1), everything[:9])
        assert counts["gone"] == 0
        assert db["materials"].get(f"{9:016x}")["missed_harvests"] == n
    harvest(db, start_run(db, "x", 1), everything[:9], status="failed", pages_fetched=0)  # does not count
    assert db["materials"].get(f"{9:016x}")["status"] == "active"
    counts = harvest(db, start_run(db, "x", 1), everything[:9])
    gone = db["materials"].get(f"{9:016x}")
    assert counts["gone"] == 1 and gone["status"] == "gone" and gone["missed_harvests"] == 3
    assert db["materials"].count == 10  # never deleted
    harvest(db, start_run(db, "x", 1), everything)
    back = db["materials"].get(f"{9:016x}")
    assert (
        back["status"] == "active"
        and back["missed_harvests"] == 0
        and back["first_seen"] == gone["first_seen"]
    )


def test_a_source_that_suddenly_shrinks_is_suspect_and_loses_nothing(db):
    everything = [material(n) for n in range(20)]
    harvest(db, start_run(db, "x", 1), everything)
    run = start_run(db, "x", 1)
    for _ in range(5):
        counts = harvest(db, run, everything[:3])
        assert counts["status"] == "suspect"
    assert {r["status"] for r in db["materials"].rows} == {"active"}
    row = db["harvest_run_sources"].get((run, "s1"))
    assert row["status"] == "suspect" and "yielded 3 materials where 20 were active" in row["message"]


def test_full_text_search_follows_upserts(db):
    harvest(db, None, [material(1)])
    hits = db.execute(
        "select rowid from materials_fts where materials_fts match 'alkukartoituksesta'"
    ).fetchall()
    assert len(hits) == 1
    harvest(db, None, [material(1, title="Työnhaun opas")])
    assert not db.execute(
        "select rowid from materials_fts where materials_fts match 'alkukartoituksesta'"
    ).fetchall()
    assert db.execute("select rowid from materials_fts where materials_fts match 'työnhaun'").fetchall()


def facet_copy_matches(db) -> bool:
    columns = ", ".join(FACET_COLUMNS)
    wide = db.execute(f"select rowid, {columns} from materials order by rowid").fetchall()
    narrow = db.execute(f"select material_rowid, {columns} from {FACET_TABLE} order by 1").fetchall()
    return wide == narrow


def test_the_narrow_facet_copy_follows_inserts_updates_and_deletes(db):
    harvest(db, None, [material(1), material(2)])
    assert db[FACET_TABLE].count == 2 and facet_copy_matches(db)
    harvest(db, None, [material(1, type="workbook", phases=["employment"]), material(2)])
    assert facet_copy_matches(db)
    assert db.execute(f"select type from {FACET_TABLE} where type = 'workbook'").fetchall()
    db.execute("update materials set status = 'gone' where rowid = 2")
    db.execute("delete from materials where rowid = 1")
    assert db[FACET_TABLE].count == 1 and facet_copy_matches(db)


def tag_rows_match(db) -> bool:
    expected = set()
    for rowid, *lists in db.execute(f"select rowid, {', '.join(TAG_COLUMNS)} from materials"):
        for column, values in zip(TAG_COLUMNS, lists, strict=True):
            expected |= {(column, value, rowid) for value in json.loads(values or "[]")}
    return (
        set(db.execute(f"select vocabulary, value, material_rowid from {TAG_TABLE}").fetchall()) == expected
    )


def test_the_tag_table_follows_inserts_updates_and_deletes(db):
    harvest(db, None, [material(1), material(2, languages=["so", "fi"], audiences=["immigrants"])])
    assert db[TAG_TABLE].count and tag_rows_match(db)
    harvest(db, None, [material(1, phases=["employment", "transition"]), material(2)])
    assert tag_rows_match(db)
    db.execute("update materials set languages = 'not json' where rowid = 1")  # loses no harvest
    assert tag_rows_match_after_broken(db)
    db.execute("delete from materials where rowid = 2")
    assert not db.execute(f"select 1 from {TAG_TABLE} where material_rowid = 2").fetchall()


def tag_rows_match_after_broken(db) -> bool:
    rows = db.execute(f"select vocabulary from {TAG_TABLE} where material_rowid = 1").fetchall()
    return rows and {r[0] for r in rows} == {"phases", "audiences"}  # the broken list yields no tags


def test_an_older_catalogue_gets_the_facet_copy_filled(tmp_path, db):
    """A catalogue from before the facet copy and before migrations (no _sqlite_migrations) is
    brought to the current schema by the migrations when it is opened."""
    harvest(db, None, [material(1), material(2)])
    for table in (FACET_TABLE, TAG_TABLE):
        db.execute(f"drop table {table}")
        for name in ("ai", "ad", "au"):
            db.execute(f"drop trigger {table}_{name}")
    db.execute("drop table _sqlite_migrations")
    db.conn.commit()
    db.close()
    reopened = open_catalog(tmp_path / "catalog.db")
    assert reopened[FACET_TABLE].count == 2 and facet_copy_matches(reopened)
    assert reopened[TAG_TABLE].count and tag_rows_match(reopened)
    reopened.close()


def test_one_transaction_for_the_whole_run(db):
    harvest(db, start_run(db, "x", 1), [material(1)])
    bad = material(2)
    bad["title"] = None  # violates NOT NULL: the whole run must roll back
    with pytest.raises(Exception, match="NOT NULL"):
        publish_run(
            db,
            start_run(db, "x", 1),
            [
                {"source_id": "s1", "items": [material(3)], "report": {}},
                {"source_id": "s1", "items": [bad], "report": {}},
            ],
        )
    assert db["materials"].count == 1


def test_reopening_an_existing_catalogue_keeps_its_data(tmp_path, db):
    harvest(db, None, [material(1)])
    db.close()
    reopened = open_catalog(tmp_path / "catalog.db")
    assert reopened["materials"].count == 1
    reopened.close()


def test_readers_keep_reading_while_a_harvest_writes(tmp_path, db):
    """WAL: Datasette's connections see the previous data while a run's transaction is open."""
    import sqlite3

    harvest(db, None, [material(1)])
    db.execute("BEGIN")
    db["materials"].insert(material_row_for(2), alter=False)
    reader = sqlite3.connect(tmp_path / "catalog.db", timeout=0.5)
    assert reader.execute("select count(*) from materials").fetchone()[0] == 1
    db.execute("COMMIT")
    assert reader.execute("select count(*) from materials").fetchone()[0] == 2
    reader.close()


def material_row_for(n: int) -> dict:
    from harvester.catalog import material_row

    row = material_row(material(n))
    row.update(first_seen="2026-01-01T00:00:00Z", last_seen="2026-01-01T00:00:00Z", status="active")
    return row


def test_the_same_file_on_two_sites_is_one_material_with_two_locations(db):
    other = Source(id="s2", name="S2", project=None, start_urls=("https://b.fi/",), scope=("https://b.fi/",))
    sync_registry(db, load_projects(), [SOURCE, other])
    pdf = material(1, kind="file", format="pdf", url="https://a.fi/opas.pdf", content_hash="samebytes")
    copy = material(2, kind="file", format="pdf", url="https://b.fi/files/opas.pdf", content_hash="samebytes",
                    source_id="s2", locations=["https://b.fi/files/opas.pdf"])  # fmt: skip
    publish_run(db, None, [{"source_id": "s1", "items": [pdf], "report": {}}])
    counts = publish_run(db, None, [{"source_id": "s2", "items": [copy], "report": {}}])["s2"]
    assert counts["elsewhere"] == 1 and db["materials"].count == 1
    urls = {r["url"] for r in db["material_locations"].rows_where("material_id = ?", [pdf["id"]])}
    assert "https://b.fi/files/opas.pdf" in urls


def test_language_versions_share_a_work_id(db):
    from harvester.works import assign_works

    items = [
        {"id": "a1", "url": "https://a.fi/files/esite_fi.pdf", "kind": "file"},
        {"id": "a2", "url": "https://a.fi/files/esite_arabia.pdf", "kind": "file"},
        {"id": "a3", "url": "https://a.fi/files/esite-somali.pdf", "kind": "file"},
        {"id": "b1", "url": "https://a.fi/fi/opas/asuminen/", "kind": "page"},
        {"id": "b2", "url": "https://a.fi/sv/opas/asuminen/", "kind": "page"},
        {"id": "c1", "url": "https://a.fi/en/page/", "kind": "page", "alternates": ["https://a.fi/tiedote/"]},
        {"id": "c2", "url": "https://a.fi/tiedote/", "kind": "page"},
        {"id": "d1", "url": "https://a.fi/files/raportti.pdf", "kind": "file"},
    ]
    works = assign_works(items)
    assert works["a1"] == works["a2"] == works["a3"] == "a1"
    assert works["b1"] == works["b2"] == "b1"
    assert works["c1"] == works["c2"] == "c1"
    assert works["d1"] == "d1"


def test_a_run_left_running_is_marked_interrupted(db):
    killed = start_run(db, "x", 1)  # its process died: never finished
    start_run(db, "x", 1)
    row = db["harvest_runs"].get(killed)
    assert row["status"] == "interrupted" and "stopped before it finished" in row["message"]


def test_opening_a_current_catalogue_writes_nothing(tmp_path, db):
    """serve migrates before Datasette reads: on a catalogue already current that must be no write at
    all, so a published (even read-only) catalogue is served as it is."""
    import sqlite_utils

    from harvester.catalog import migrate

    db.close()
    again = sqlite_utils.Database(tmp_path / "catalog.db")
    assert migrate(again) == [] and again.conn.total_changes == 0
    again.close()
