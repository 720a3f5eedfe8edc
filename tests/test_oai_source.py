"""AOE over OAI-PMH as a source: catalogue materials that AOE already holds are marked in_aoe."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from fakeaoe import FakeAoe, record
from helpers import run_cli

pytestmark = pytest.mark.e2e


def test_materials_that_aoe_holds_are_marked(harvested, tmp_path):
    db = tmp_path / "catalog.db"
    shutil.copy(harvested[0], db)
    conn = sqlite3.connect(db)
    hub_pdfs = [
        r[0]
        for r in conn.execute(
            "select url from materials where source_id = 'demo-hub' and format = 'pdf' order by url"
        )
    ]
    conn.close()
    # AOE's links carry Liferay's cache buster; the catalogue's URLs are canonical.
    records = [record(n, [f"https://example.org/aoe/{n}.pdf"]) for n in range(1, 23)]
    records.insert(3, record(901, [hub_pdfs[0] + "?t=1561024800000"]))
    records.insert(24, record(902, [hub_pdfs[1]]))
    records.append(record(903, [hub_pdfs[2]], deleted=True))
    fake = FakeAoe(records).start()
    try:
        sources = tmp_path / "sources.yml"
        sources.write_text(
            f"sources:\n  - id: aoe\n    name: AOE\n    spider: oaipmh\n    start_urls: ['{fake.base}']\n",
            encoding="utf-8",
        )
        result = run_cli("harvest", "--sources", str(sources), "--db", str(db), "--delay", "0")
    finally:
        fake.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    listing = [path for path in fake.requests if "verb=ListRecords" in path]
    assert len(listing) == 2 and "resumptionToken=20" in listing[1]  # paging followed
    conn = sqlite3.connect(db)
    marked = dict(conn.execute("select url, in_aoe from materials where in_aoe is not null"))
    count = conn.execute("select count(*) from materials where source_id = 'aoe'").fetchone()[0]
    conn.close()
    assert marked == {hub_pdfs[0]: "oai:aoe.fi:901", hub_pdfs[1]: "oai:aoe.fi:902"}  # not the deleted one
    assert count == 0  # AOE's own records are not copied into the catalogue
