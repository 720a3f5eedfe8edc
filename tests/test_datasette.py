"""The catalogue as users meet it: Datasette with metadata.yml over a harvested demo catalogue."""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections import Counter

import pytest

pytestmark = pytest.mark.e2e


def catalogue_app(db, settings: dict | None = None):
    """Datasette over a catalogue as the product serves it: the configuration directory datasette/."""
    from harvester.web import build

    return build(db, settings)


@pytest.fixture(scope="module")
def datasette(harvested):
    return catalogue_app(harvested[0], {"sql_time_limit_ms": 5000})


def conn_count(db, sql: str) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchone()[0]


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
    assert facets["languages"]["type"] == "tags"  # faster facets: datasette/plugins/facets.py
    assert facets["type"]["type"] == "counted"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "round=1",
        "languages__arraycontains=so",
        "_tag_languages=so",
        "_search=opas",
        "type=guide&_tag_phases=initial",
        "kind=file",  # a column the narrow copy does not have: filtered on materials
        "kind=file&_tag_languages=fi",
    ],
)
def test_facets_count_what_the_filtered_rows_hold(datasette, query):
    """The facets read a narrow copy of the facet columns: their counts must be the rows' own."""
    data = get(datasette, f"/catalog/materials.json?{query}&_shape=objects&_size=max&_facet_size=max").json()
    rows = data["rows"]
    assert data["filtered_table_rows_count"] == len(rows) and rows
    facets = data["facet_results"]
    for column in ("type", "project_id", "round", "format", "status"):
        expected = Counter(row[column] for row in rows if row[column] is not None)
        assert {r["value"]: r["count"] for r in facets[column]["results"]} == expected, column
    for column in ("languages", "phases", "audiences"):
        expected = Counter(value for row in rows for value in json.loads(row[column] or "[]"))
        assert {r["value"]: r["count"] for r in facets[column]["results"]} == expected, column


@pytest.mark.parametrize(
    ("fast", "datasettes_own"),
    [
        ("_tag_languages=so", "languages__arraycontains=so"),
        ("_tag_phases=initial", "phases__arraycontains=initial"),
        (
            "_tag_audiences=employers&_tag_phases=employment",
            "audiences__arraycontains=employers&phases__arraycontains=employment",
        ),
        ("_tag_languages=fi&type=guide&_search=opas", "languages__arraycontains=fi&type=guide&_search=opas"),
        ("_tag_languages=fi&_tag_languages=en", "languages__arraycontains=fi&languages__arraycontains=en"),
    ],
)
def test_the_tag_filter_finds_what_arraycontains_finds(datasette, fast, datasettes_own):
    def ids(query):
        return [
            r["id"]
            for r in get(datasette, f"/catalog/materials.json?{query}&_shape=objects&_size=max").json()[
                "rows"
            ]
        ]

    expected = ids(datasettes_own)
    assert expected and ids(fast) == expected
    unfiltered = len(ids(""))
    assert len(expected) < unfiltered  # the filter really filtered


def test_tag_facet_links_use_the_tag_filter_and_undo_either_filter(datasette):
    facets = get(datasette, "/catalog/materials.json?_size=0").json()["facet_results"]
    somali = next(r for r in facets["languages"]["results"] if r["value"] == "so")
    assert "_tag_languages=so" in somali["toggle_url"] and not somali["selected"]
    for query in ("_tag_languages=so", "languages__arraycontains=so"):
        facets = get(datasette, f"/catalog/materials.json?_size=0&{query}").json()["facet_results"]
        somali = next(r for r in facets["languages"]["results"] if r["value"] == "so")
        assert somali["selected"] and "languages" not in somali["toggle_url"].split("?", 1)[-1]
    page = get(datasette, "/catalog/materials?_tag_phases=transition")
    assert page.status_code == 200 and 'phases contains "transition"' in html.unescape(page.text)


def test_facets_read_the_narrow_table(harvested, tmp_path):
    """Proof that the narrow copy is what is counted: change only the copy and the facet follows."""
    import shutil
    import sqlite3

    db = tmp_path / "catalog.db"
    shutil.copy(harvested[0], db)
    with sqlite3.connect(db) as connection:
        connection.execute("update material_facets set type = 'glossary', phases = '[\"employment\"]'")
    ds = catalogue_app(db)
    for query in ("round=1", "kind=file"):  # filtered on the copy, and on materials
        facets = get(ds, f"/catalog/materials.json?_size=0&{query}").json()["facet_results"]
        assert [r["value"] for r in facets["type"]["results"]] == ["glossary"]
        assert [r["value"] for r in facets["phases"]["results"]] == ["employment"]


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
    return catalogue_app(harvested[0])


def test_aoe_exports_follow_the_current_filter(datasette_with_plugins):
    ds = datasette_with_plugins
    table = get(ds, "/catalog/materials?phases__arraycontains=initial")
    assert ".aoejson" in table.text and ".aoecsv" in table.text  # linked from the table
    records = get(ds, "/catalog/materials.aoejson?phases__arraycontains=initial&_size=max").json()
    assert records and all("initial" in r["aineistopankki"]["phases"] for r in records)
    assert get(ds, "/catalog/materials.aoejson?_tag_phases=initial&_size=max").json() == records
    everything = get(ds, "/catalog/materials.aoejson?_size=max").json()
    assert len(records) < len(everything)
    ready = get(ds, "/catalog/materials.aoejson?_size=max&_ready=1").json()
    assert ready and all(r["aoeReady"] for r in ready)
    csv_response = get(ds, "/catalog/materials.aoecsv?_size=max")
    assert csv_response.status_code == 200 and csv_response.text.startswith("\ufeffname_fi,")


def test_aoe_readiness_page(datasette_with_plugins):
    page = get(datasette_with_plugins, "/catalog/-/aoe-readiness")
    assert page.status_code == 200
    assert "AOE-valmius" in page.text and "avointa lisenssiä ei ole ilmoitettu" in page.text
    data = get(datasette_with_plugins, "/catalog/-/aoe-readiness.json").json()
    records = data["records"]
    assert len(records) == data["works"] and data["next"] is None
    assert any(r["aoeReady"] for r in records) and any(r["problems"] for r in records)


def test_front_page_has_search_and_entry_points_with_labels(datasette_with_plugins):
    page = get(datasette_with_plugins, "/")
    assert page.status_code == 200
    assert 'action="/haku"' in page.text
    for label in ("Alkuvaihe", "Maahanmuuttaneet", "somali", "Opas", "Hyvä alku Länsirannikolla"):
        assert label in page.text, label
    assert 'href="/haku?phases=initial"' in page.text and 'href="/haku?plain=1"' in page.text  # results page


def test_labels_in_the_table_ids_in_the_api(datasette_with_plugins):
    html = get(datasette_with_plugins, "/catalog/materials?languages__arraycontains=so").text
    assert "somali" in html and "<strong>Kieli" in html  # cells and facet headings
    rows = get(
        datasette_with_plugins, "/catalog/materials.json?languages__arraycontains=so&_shape=array"
    ).json()
    assert all("so" in json.loads(r["languages"]) for r in rows)


def test_search_finds_words_inside_compounds_and_escapes_the_query(datasette_with_plugins, harvested):
    import sqlite3

    conn = sqlite3.connect(harvested[0])
    compound_only = [
        r[0]
        for r in conn.execute("select id, title || ' ' || coalesce(text, '') from materials")
        if re.search(r"\wkoulutus", r[1].lower()) and not re.search(r"(?<!\w)koulutus", r[1].lower())
    ]
    conn.close()
    assert compound_only, "the demo web has materials that mention koulutus only inside compounds"
    data = get(datasette_with_plugins, "/haku.json?q=koulutus&size=100").json()
    results, shown = data["results"], min(20, data["total"])
    found = {r["id"] for r in results}
    assert set(compound_only) <= found
    assert any(r["inside_word"] for r in results)
    page = get(datasette_with_plugins, "/haku?q=koulutus").text  # every card shows the match, marked
    assert page.count('class="card"') == shown and page.count('class="snippet"') == shown
    assert len(re.findall(r"<mark>[^<]*koulutu[^<]*</mark>", page, re.I)) >= shown
    words = get(datasette_with_plugins, "/haku.json?q=alkukartoitus").json()["results"]
    assert words and not words[0]["inside_word"]
    page = get(datasette_with_plugins, "/haku?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert page.status_code == 200 and "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text


def test_project_material_feed_and_sitemap_pages(datasette_with_plugins, harvested):
    import sqlite3
    from xml.etree import ElementTree

    project = get(datasette_with_plugins, "/hanke/hyva-alku-lansirannikolla")
    assert project.status_code == 200 and "Länsirannikon" in project.text
    assert get(datasette_with_plugins, "/hanke/ei-ole").status_code == 404
    conn = sqlite3.connect(harvested[0])
    material_id = conn.execute("select id from materials where alternates != '[]' limit 1").fetchone()[0]
    conn.close()
    material = get(datasette_with_plugins, f"/aineisto/{material_id}")
    assert (
        material.status_code == 200
        and "Miksi nämä tunnisteet?" in material.text
        and "Muilla kielillä" in material.text
    )
    feed = ElementTree.fromstring(get(datasette_with_plugins, "/catalog/uudet.atom").content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 50 and all(
        e.find("{http://www.w3.org/2005/Atom}link") is not None for e in entries
    )
    sitemap = ElementTree.fromstring(get(datasette_with_plugins, "/sitemap.xml").content)
    locations = [url[0].text for url in sitemap]
    assert len(locations) == 3 + 25 + conn_count(
        harvested[0], "select count(*) from materials where status = 'active'"
    )
    assert f"http://localhost/aineisto/{material_id}" in locations
    dashboard = get(datasette_with_plugins, "/kojelauta")
    assert dashboard.status_code == 200 and dashboard.text.count("<svg") >= 5


def test_front_page_counts_are_the_catalogues_own(harvested, tmp_path):
    """The entry points count the active materials (over the narrow tables)."""
    import shutil
    import sqlite3
    from collections import Counter

    db = tmp_path / "catalog.db"
    shutil.copy(harvested[0], db)
    with sqlite3.connect(db) as connection:
        connection.execute("update materials set status = 'gone' where rowid % 5 = 0")  # not counted
        active = connection.execute(
            "select type, languages, phases, audiences from materials where status = 'active'"
        ).fetchall()
    expected = {"type": Counter(row[0] for row in active)}
    for number, column in enumerate(("languages", "phases", "audiences"), start=1):
        expected[column] = Counter(v for row in active for v in json.loads(row[number]))
    page = get(catalogue_app(db), "/").text
    for column in ("languages", "phases", "audiences", "type"):
        shown = re.findall(
            rf'/haku\?{column}=([\w-]+)">[^<]*</a>(?: <span[^>]*>[^<]*</span>)?'
            r' <span class="count">(\d+)</span>',
            page,
        )
        assert {value: int(n) for value, n in shown} == expected[column], column


def test_a_catalogue_file_of_any_name_serves_every_page(harvested, tmp_path):
    """The database name comes from the configuration, not from the file: pages, table links, the AOE
    renderers and readiness page, OAI-PMH, the feed and the sitemap all work on luettelo.db."""
    import shutil

    db = tmp_path / "luettelo.db"
    shutil.copy(harvested[0], db)
    ds = catalogue_app(db)
    material = get(ds, "/catalog/materials.json?_size=1&_shape=array").json()[0]["id"]
    pages = {
        "/": "/haku?phases=",
        "/haku?q=opas": "/aineisto/",
        "/hanke/hyva-alku-lansirannikolla": "/catalog/materials.aoejson?project_id=",
        f"/aineisto/{material}": f"/catalog/materials/{material}.json",
        "/kojelauta": "/catalog/harvest_runs/",
        "/catalog/materials?_tag_languages=so": "somali",
        "/catalog/-/aoe-readiness": "AOE-valmius",
        "/catalog/materials.aoejson?_size=5": "aoeReady",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc": "<record>",
        "/catalog/uudet.atom": "<entry>",
        "/sitemap.xml": f"/aineisto/{material}</loc>",
    }
    for path, expected in pages.items():
        response = get(ds, path)
        assert response.status_code == 200 and expected in response.text, path
    assert 'href="/catalog/projects"' in get(ds, "/haku").text  # the menu
    assert get(ds, "/luettelo/materials").status_code == 404
