"""Defects of issue 13, each pinned by a test that would have caught it."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest
from helpers import file_response, run_cli
from lxml import etree
from test_catalog import harvest, material
from test_spider import SOURCE as SITE
from test_spider import make_spider, run

from harvester import clock
from harvester.catalog.queries import OaiStore, export_rows, readiness
from harvester.export import oaipmh
from harvester.export.aoe import UnknownType, export_records
from harvester.items import ProjectRecord
from harvester.pipelines.classify import ClassifyPipeline
from harvester.pipelines.dedupe import DedupePipeline
from harvester.pipelines.normalise import NormalisePipeline
from harvester.pipelines.tag import tag_key
from harvester.works import Groups, assign_works

SQLITE_MAX_VARIABLES = 32_766


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "Selkokielinen esite"),
        ("images", ["selkologo.png"]),
        ("headings", ["Selkoesite"]),
        ("format", "pptx"),
        ("page_signals", {"interactive": "map"}),
    ],
)
def test_the_tag_key_covers_every_field_the_tagger_reads(field, value):
    item = {"url": "https://a.fi/x/", "title": "Opas", "content_hash": "h", "kind": "page"}
    changed = {**item, field: value}
    assert tag_key(item, None) != tag_key(changed, None)


def test_a_page_whose_description_changed_has_another_content_hash(tmp_path):
    original = file_response("wp_page.html", "https://hanke.example.fi/opas-tyonhakuun/")
    html = original.body.decode("utf-8")
    assert '<meta name="description"' in html
    edited = tmp_path / "edited.html"
    edited.write_text(
        html.replace('<meta name="description" content="', '<meta name="description" content="Selko: ')
    )
    pages = []
    for response in (original, file_response(str(edited), "https://hanke.example.fi/opas-tyonhakuun/")):
        _, items = run(make_spider(SITE), response)
        pages.append(next(i for i in items if i["kind"] == "page"))
    assert pages[0]["text"] == pages[1]["text"]
    assert pages[0]["content_hash"] != pages[1]["content_hash"]


def test_every_pipeline_passes_other_items_through():
    record = ProjectRecord(eura_code="S20123")
    for pipeline in (NormalisePipeline(), DedupePipeline(), ClassifyPipeline(stats=None)):
        assert pipeline.process_item(record) is record


def test_an_unknown_type_is_a_clear_error_not_stopiteration():
    row = {"id": "m1", "url": "https://a.fi/", "title": "T", "type": "hologram", "languages": '["fi"]'}
    with pytest.raises(UnknownType, match="hologram"):
        export_records([row], {})


def test_the_export_command_names_an_unknown_type(tmp_path, db):
    harvest(db, None, [material(1)])
    db.execute("pragma foreign_keys = off")
    db.execute("update materials set type = 'hologram'")
    db.conn.commit()
    result = run_cli("export", "aoe-json", "--db", str(tmp_path / "catalog.db"))
    assert result.returncode == 2 and "type 'hologram' is not in the types vocabulary" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_and_readiness_work_above_sqlites_variable_limit(db):
    """Ids travel as one JSON parameter: more ids than SQLite allows variables still select."""
    harvest(db, None, [material(n) for n in range(1, 4)])
    ids = [f"{n:016x}" for n in range(SQLITE_MAX_VARIABLES + 10)]
    assert len(export_rows(db, ids=ids)) == 3
    found = readiness(db)
    assert found["works"] == len(found["records"]) == 3 and found["ready"] == 0
    assert all("no open licence stated" in r["aoeProblems"] for r in found["records"])


def test_readiness_verdicts_follow_a_changed_material(db):
    harvest(db, None, [material(1)])
    assert readiness(db)["ready"] == 0
    harvest(db, None, [material(1, license="CCBY4.0", content_hash="new")])
    (record,) = readiness(db, blocked_only=False)["records"]
    assert "no open licence stated" not in record["aoeProblems"]


def test_a_work_whose_materials_are_all_gone_leaves_the_readiness_page(db):
    harvest(db, None, [material(1), material(2)])
    assert readiness(db)["works"] == 2
    for _ in range(3):  # missing from three trustworthy harvests: gone
        harvest(db, None, [material(2)])
    found = readiness(db)
    assert found["works"] == 1 and found["records"][0]["aineistopankki"]["ids"] == [f"{2:016x}"]


def test_union_find_names_a_group_by_its_smallest_member():
    groups = Groups("dcba")
    groups.join("d", "c")
    groups.join("c", "a")
    assert {groups.find(k) for k in "acd"} == {"a"} and groups.find("b") == "b"
    items = [
        {"id": "2", "url": "https://a.fi/opas_fi.pdf", "kind": "file"},
        {"id": "1", "url": "https://a.fi/opas_so.pdf", "kind": "file"},
    ]
    assert assign_works(items) == {"1": "1", "2": "1"}


def test_one_utcnow():
    stamp = clock.utcnow()
    assert isinstance(stamp, str) and datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").tzinfo is None
    assert oaipmh.utcnow is clock.utcnow


def oai(db, **args) -> etree._Element:
    xml = oaipmh.respond(
        {k: [v] for k, v in args.items()},
        OaiStore(db),
        "http://x/oai",
        oaipmh.Repository("A", "a@example.invalid"),
        "2026-12-03T12:00:00Z",
    )
    return etree.fromstring(xml.encode("utf-8"))


NS = {"o": oaipmh.OAI_NS, "dc": oaipmh.OAI_DC_NS}


def test_lrmi_fi_does_not_declare_the_oai_dc_schema_and_validates_against_its_own(db):
    harvest(db, None, [material(1, license="CCBY4.0")])
    formats = oai(db, verb="ListMetadataFormats")
    schemas = {
        f.findtext("o:metadataPrefix", namespaces=NS): f.findtext("o:schema", namespaces=NS)
        for f in formats.iterfind(".//o:metadataFormat", NS)
    }
    assert schemas["lrmi_fi"] == "http://x/oai/lrmi_fi.xsd" and "oai_dc.xsd" not in schemas["lrmi_fi"]
    record = oai(db, verb="GetRecord", metadataPrefix="lrmi_fi", identifier=f"oai:aineistopankki:{1:016x}")
    dc = record.find(".//dc:dc", NS)
    assert "lrmi_fi.xsd" in dc.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    schema = etree.XMLSchema(etree.parse(str(oaipmh.LRMI_XSD)))
    assert schema.validate(dc), schema.error_log.last_error


def test_oai_pages_in_sql_and_never_reads_the_full_text(db):
    harvest(db, None, [material(n, text="x" * 5000) for n in range(1, 46)])
    statements = []
    db.conn.set_trace_callback(statements.append)
    seen, args = [], {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        page = oai(db, **args)
        seen += [h.findtext("o:identifier", namespaces=NS) for h in page.iterfind(".//o:header", NS)]
        token = page.find(".//o:resumptionToken", NS)
        if token is None or not token.text:
            break
        args = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert len(seen) == len(set(seen)) == 45
    assert token.get("completeListSize") == "45"
    reads = [s for s in statements if "from materials" in s and "limit" in s]
    assert len(reads) == 3  # one page of 20 a request
    assert len([s for s in statements if "count(*)" in s]) == 1  # the list is counted once
    materials = [s for s in statements if "from materials" in s]
    assert not any("select *" in s or "substr(text" not in s for s in reads)
    assert not any("select *" in s for s in materials)


def test_an_oai_token_from_the_old_offset_format_is_refused(db):
    harvest(db, None, [material(1)])
    old = oaipmh.encode_token({"prefix": "oai_dc", "set": None, "from": None, "until": None, "offset": 20})
    doc = oai(db, verb="ListRecords", resumptionToken=old)
    assert doc.find("o:error", NS).get("code") == "badResumptionToken"


def test_queries_take_a_plain_sqlite3_connection(tmp_path, db):
    harvest(db, None, [material(1)])
    conn = sqlite3.connect(tmp_path / "catalog.db")
    assert [r["id"] for r in export_rows(conn)] == [f"{1:016x}"]
    assert json.loads(export_rows(conn)[0]["languages"]) == ["fi"]
    assert OaiStore(conn).count(None, None, None) == 1
    conn.close()
