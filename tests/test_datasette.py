"""The catalogue as users meet it: Datasette with metadata.yml over a harvested demo catalogue."""

from __future__ import annotations

import asyncio
import json

import pytest
import yaml
from datasette.app import Datasette
from helpers import REPO

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def datasette(harvested):
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))
    return Datasette([str(harvested[0])], metadata=metadata, settings={"sql_time_limit_ms": 5000})


def get(ds, path: str):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


def test_materials_table_has_the_array_facets(datasette):
    response = get(datasette, "/catalog/materials.json?_size=0")
    assert response.status_code == 200
    facets = response.json()["facet_results"]
    for column in ("languages", "phases", "audiences", "type", "project_id", "format"):
        assert column in facets, column
    languages = {row["value"] for row in facets["languages"]["results"]}
    assert {"fi", "sv", "en", "ar", "so", "ru", "fa", "ti", "ckb"} <= languages
    assert facets["languages"]["type"] == "array"


def test_array_facet_filters_materials(datasette):
    rows = get(datasette, "/catalog/materials.json?languages__arraycontains=so&_shape=array&_size=max").json()
    assert rows and all("so" in json.loads(r["languages"]) for r in rows)


def test_full_text_search_finds_materials(datasette):
    rows = get(datasette, "/catalog/materials.json?_search=alkukartoitu*&_searchmode=raw&_shape=array").json()
    assert rows
    assert any("lkukartoitu" in (r["title"] + (r["text"] or "")) for r in rows)
    page = get(datasette, "/catalog/materials?_search=opas")
    assert page.status_code == 200 and "opas" in page.text.lower()


def test_a_projects_materials(datasette):
    rows = get(
        datasette, "/catalog/materials.json?project_id=hyva-alku-lansirannikolla&_shape=array&_size=max"
    ).json()
    assert len(rows) >= 5
    assert {r["project_id"] for r in rows} == {"hyva-alku-lansirannikolla"}
    project = get(datasette, "/catalog/projects/hyva-alku-lansirannikolla.json?_shape=array").json()
    assert project[0]["round"] == 1


def test_json_api_and_html_pages(datasette):
    response = get(datasette, "/catalog/materials.json?_shape=objects&_size=5&type=report")
    data = response.json()
    assert response.status_code == 200 and data["rows"]
    assert all(r["type"] == "report" for r in data["rows"])
    home = get(datasette, "/")
    assert "Aineistopankki" in home.text and "CC BY 4.0" in home.text
    table = get(datasette, "/catalog/materials")
    assert table.status_code == 200 and "Aineistot / Materials" in table.text
    assert get(datasette, "/catalog/projects.json?_size=0").json()["filtered_table_rows_count"] == 25


@pytest.fixture(scope="module")
def datasette_with_plugins(harvested):
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))
    return Datasette(
        [str(harvested[0])],
        metadata=metadata,
        plugins_dir=str(REPO / "datasette" / "plugins"),
        template_dir=str(REPO / "datasette" / "templates"),
    )


def test_aoe_exports_follow_the_current_filter(datasette_with_plugins):
    ds = datasette_with_plugins
    table = get(ds, "/catalog/materials?phases__arraycontains=initial")
    assert ".aoejson" in table.text and ".aoecsv" in table.text  # linked from the table
    records = get(ds, "/catalog/materials.aoejson?phases__arraycontains=initial&_size=max").json()
    assert records and all("initial" in r["aineistopankki"]["phases"] for r in records)
    ready = get(ds, "/catalog/materials.aoejson?_size=max&_ready=1").json()
    assert ready and all(r["aoeReady"] for r in ready)
    csv_response = get(ds, "/catalog/materials.aoecsv?_size=max")
    assert csv_response.status_code == 200 and csv_response.text.startswith("\ufeffname_fi,")


def test_aoe_readiness_page(datasette_with_plugins):
    page = get(datasette_with_plugins, "/catalog/-/aoe-readiness")
    assert page.status_code == 200
    assert "AOE-valmius" in page.text and "no open licence stated" in page.text
    data = get(datasette_with_plugins, "/catalog/-/aoe-readiness.json").json()
    assert any(r["aoeReady"] for r in data) and any(r["problems"] for r in data)
