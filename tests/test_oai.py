"""The OAI-PMH provider, harvested by a real OAI-PMH client from a running Datasette, with every
response validated against the OAI-PMH 2.0 and oai_dc schemas."""

from __future__ import annotations

import shutil
import sqlite3
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import served_datasette
from lxml import etree
from sickle import Sickle

pytestmark = pytest.mark.e2e
XSD = Path(__file__).parent / "xsd" / "oai-dc-response.xsd"
NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
      "lrmi_fi": "http://dublincore.org/dcx/lrmi-terms/1.1/"}  # fmt: skip


MIXED_GRANULARITY = {
    "verb": "ListRecords",
    "metadataPrefix": "oai_dc",
    "from": "2026-01-01",
    "until": "2026-01-02T00:00:00Z",
}


@pytest.fixture(scope="module")
def server(harvested, tmp_path_factory):
    db = tmp_path_factory.mktemp("oai") / "catalog.db"
    shutil.copy(harvested[0], db)
    conn = sqlite3.connect(db)
    gone_id = conn.execute("select id from materials order by id limit 1").fetchone()[0]
    conn.execute(
        "update materials set status = 'gone', updated_at = '2030-01-01T00:00:00Z' where id = ?", [gone_id]
    )
    conn.commit()
    counts = conn.execute("select count(*) from materials").fetchone()[0]
    conn.close()
    with served_datasette(db) as base:
        yield {"base": base + "/oai", "gone": gone_id, "count": counts}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


def fetch(server, **params) -> etree._Element:
    with urllib.request.urlopen(
        server["base"] + "?" + urllib.parse.urlencode(params), timeout=10
    ) as response:
        assert response.headers["Content-Type"].startswith("text/xml")
        return etree.fromstring(response.read())


def error_code(doc) -> str | None:
    error = doc.find("oai:error", NS)
    return error.get("code") if error is not None else None


def test_a_client_harvests_every_record_with_paging_and_sees_deletions(server):
    client = Sickle(server["base"])
    assert client.Identify().repositoryName.startswith("Aineistopankki")
    records = list(client.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    assert len(records) == server["count"] > 20  # more than one page: resumption tokens were followed
    deleted = [r for r in records if r.deleted]
    assert [r.header.identifier for r in deleted] == [f"oai:aineistopankki:{server['gone']}"]
    live = [r for r in records if not r.deleted]
    assert all(r.metadata["title"] and r.metadata["identifier"][0].startswith("http") for r in live)
    assert len({r.header.identifier for r in records}) == len(records)


def test_sets_identifiers_and_single_records(server):
    client = Sickle(server["base"])
    specs = {s.setSpec for s in client.ListSets()}
    assert "project:hyva-alku-lansirannikolla" in specs and "phase:initial" in specs
    headers = list(client.ListIdentifiers(metadataPrefix="oai_dc", set="project:hyva-alku-lansirannikolla"))
    assert headers and all("project:hyva-alku-lansirannikolla" in h.setSpecs for h in headers)
    record = client.GetRecord(identifier=headers[0].identifier, metadataPrefix="oai_dc")
    assert record.header.identifier == headers[0].identifier
    formats = {f.metadataPrefix for f in client.ListMetadataFormats()}
    assert formats == {"oai_dc", "lrmi_fi"}


def test_lrmi_fi_records_carry_aoe_elements(server, harvested):
    conn = sqlite3.connect(harvested[0])
    material_id = conn.execute("select id from materials where license = 'CCBY4.0' limit 1").fetchone()[0]
    conn.close()
    doc = fetch(
        server, verb="GetRecord", metadataPrefix="lrmi_fi", identifier=f"oai:aineistopankki:{material_id}"
    )
    dc = doc.find(".//{http://www.openarchives.org/OAI/2.0/oai_dc/}dc")
    assert dc.find("dc:rights", NS).text == "CCBY4.0"
    material = dc.find("lrmi_fi:material", NS)
    assert material.find("lrmi_fi:url", NS).text.startswith("http")
    assert material.find("lrmi_fi:inLanguage", NS).text
    assert (
        dc.find("lrmi_fi:learningResource/lrmi_fi:educationalLevel", NS).text
        == "omaehtoinen osaamisen kehittäminen"
    )
    assert dc.find("lrmi_fi:author/lrmi_fi:organization/lrmi_fi:legalName", NS).text


@pytest.mark.parametrize(
    "params",
    [
        {"verb": "Identify"},
        {"verb": "ListMetadataFormats"},
        {"verb": "ListSets"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "phase:transition"},
        {"verb": "NoSuchVerb"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:aineistopankki:nope"},
    ],
)
def test_responses_validate_against_the_schemas(server, schema, params):
    doc = fetch(server, **params)
    assert schema.validate(doc), schema.error_log.last_error


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Fetch"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "colour": "red"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "28.11.2026"}, "badArgument"),
        (MIXED_GRANULARITY, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marcxml"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x:0"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2099-01-01"}, "noRecordsMatch"),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
    ],
)  # fmt: skip
def test_protocol_errors(server, schema, params, code):
    doc = fetch(server, **params)
    assert error_code(doc) == code
    assert schema.validate(doc), schema.error_log.last_error


def test_repeated_argument_is_bad(server):
    url = server["base"] + "?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc"
    doc = etree.fromstring(urllib.request.urlopen(url, timeout=10).read())
    assert error_code(doc) == "badArgument"


def test_from_and_until_select_by_datestamp(server):
    deleted_only = fetch(server, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2030-01-01"})
    headers = deleted_only.findall(".//oai:header", NS)
    assert len(headers) == 1 and headers[0].get("status") == "deleted"
    before = fetch(server, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2029-12-31")
    total = int(before.find(".//oai:resumptionToken", NS).get("completeListSize"))
    assert total == server["count"] - 1
