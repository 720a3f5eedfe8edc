"""A catalogue written by the code before migrations (tests/fixtures/catalog-v1.db.gz: the demo web's
demo-kunta, demo-osterbotten and demo-eura sources, harvested by main at 85b3d5f) is migrated when
opened, and harvest, serve, export and OAI-PMH all work on it, whatever the file is called."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import run_cli

from harvester.catalog import open_catalog
from harvester.catalog.queries import readiness
from harvester.catalog.schema import MIGRATIONS, applied

pytestmark = pytest.mark.e2e
UNJUDGED = "select count(*) from materials where status = 'active'"
UNJUDGED += " and id not in (select material_id from aoe_verdicts)"
FIXTURE = Path(__file__).parent / "fixtures" / "catalog-v1.db.gz"


@pytest.fixture()
def old(tmp_path) -> Path:
    path = tmp_path / "vanha-luettelo.db"  # not catalog.db: the name must not matter
    with gzip.open(FIXTURE) as source, path.open("wb") as target:
        shutil.copyfileobj(source, target)
    return path


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}


def test_the_fixture_is_a_catalogue_from_before_migrations(old):
    assert "_sqlite_migrations" not in tables(old) and "materials" in tables(old)
    with sqlite3.connect(old) as conn:
        assert conn.execute("select count(*) from materials").fetchone()[0] == 13
        assert "aoe_verdicts" not in tables(old)


def test_opening_migrates_and_keeps_every_material(old):
    db = open_catalog(old)
    assert applied(db) == [m.name for m in MIGRATIONS._migrations]
    assert db["materials"].count == 13 and db["material_facets"].count == 13
    assert readiness(db)["works"] >= 10  # every active material got its work's verdict
    assert db.execute(UNJUDGED).fetchone()[0] == 0
    db.close()
    again = open_catalog(old)  # a second opening applies nothing more
    assert applied(again) == [m.name for m in MIGRATIONS._migrations]
    again.close()


def test_export_serve_and_oai_work_on_it(old, tmp_path):
    out = tmp_path / "aoe.json"
    result = run_cli("export", "aoe-json", "--db", str(old), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))) >= 10
    for path in (
        "/",
        "/catalog/materials",
        "/catalog/-/aoe-readiness.json",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai?verb=ListRecords&metadataPrefix=lrmi_fi",
    ):
        result = run_cli("serve", "--db", str(old), "--get", path)
        assert result.returncode == 0, (path, result.stdout[-500:], result.stderr[-2000:])
        if path.startswith("/oai"):
            assert "<record>" in result.stdout and "<error" not in result.stdout


def test_a_harvest_writes_into_it(old, demo_sources):
    result = run_cli("harvest", "--sources", str(demo_sources), "--db", str(old), "--delay", "0",
                     "--source", "demo-kunta", "--source", "demo-eura")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(old) as conn:
        runs = conn.execute("select id, status from harvest_runs order by id").fetchall()
        assert [r[0] for r in runs] == [1, 2] and runs[1][1] == "ok"
        kept = conn.execute("select count(*) from materials where last_run_id = 1").fetchone()[0]
        assert kept >= 7  # the other sources' materials were not touched
        assert conn.execute(UNJUDGED).fetchone()[0] == 0
