"""Search as people type it (harvester/catalog/search.py) and the results page /haku over a catalogue
harvested from the demo web: base forms, plurals, synonyms, typos, filters alone, empty results, the
time limit."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from harvester.catalog import search
from harvester.web import build

pytestmark = pytest.mark.e2e


def get(ds, path: str):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


@pytest.fixture(scope="module")
def site(harvested):
    return build(harvested[0], {"sql_time_limit_ms": 20000})


def ids_where(db, sql: str, params=()) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {
            row[0]
            for row in conn.execute(f"select id from materials where status = 'active' and {sql}", params)
        }


def found(site, query: str) -> dict:
    return get(site, f"/haku.json?{query}&size=100").json()


def test_words_name_types_and_plain_language_from_the_vocabularies():
    terms = search.parse("oppaat työkirjat esitteet guides broschyrer")
    assert [sorted(t.types) for t in terms] == [
        ["guide"],
        ["workbook"],
        ["brochure"],
        ["guide"],
        ["brochure"],
    ]
    for query in ("selkokieli", "selkosuomi", "selko", "lättläst", "easy-to-read", "plain language"):
        assert [t.plain for t in search.parse(query)] == [True], query
    assert not any(t.types or t.plain for t in search.parse("kotoutuminen asunto"))


def test_base_forms_inflections_and_plurals_find_each_other(site, harvested):
    db = harvested[0]
    guides = ids_where(db, "type = 'guide'")
    for query in ("opas", "oppaat", "guides"):
        assert guides <= {r["id"] for r in found(site, f"q={query}")["results"]}, query
    workbooks = ids_where(db, "type = 'workbook'")
    assert workbooks and workbooks <= {r["id"] for r in found(site, "q=työkirjat")["results"]}
    plain = ids_where(db, "plain_language = 1")
    assert plain == {r["id"] for r in found(site, "q=selkokieli&plain=1")["results"]}
    assert plain <= {r["id"] for r in found(site, "q=selkokieli")["results"]}
    base, inflected = found(site, "q=kotoutuminen"), found(site, "q=kotoutumisen")
    assert base["total"] >= inflected["total"] > 1  # the base form finds what its inflection finds
    assert {r["id"] for r in inflected["results"]} <= {r["id"] for r in base["results"]}
    assert found(site, "q=alkukartoitsu")["total"] > 0  # a one-letter typo


def test_filters_alone_list_the_matching_materials(site, harvested):
    expected = ids_where(
        harvested[0],
        "exists (select 1 from json_each(languages) where value = 'so')"
        " and exists (select 1 from json_each(phases) where value = 'initial')",
    )
    data = found(site, "languages=so&phases=initial")
    assert expected and {r["id"] for r in data["results"]} == expected and data["total"] == len(expected)
    assert all(r["url"] and r["title"] and r["page"].startswith("/aineisto/") for r in data["results"])
    assert data["facets"]["languages"]["so"] == len(expected)
    page = get(site, "/haku?languages=so&phases=initial")
    assert page.status_code == 200 and page.text.count('class="card"') == len(expected)
    assert 'lang="so" dir="auto"' in page.text and "ei ilmoitettu" in page.text
    assert "/catalog/materials?_tag_phases=initial&amp;_tag_languages=so" in page.text  # the same selection


def test_facet_links_add_and_remove_filters(site):
    page = get(site, "/haku?plain=1").text
    assert 'href="/haku?languages=fi&amp;plain=1"' in page  # adds a language to the plain-language ones
    assert 'href="/haku"' in page  # removes the plain-language filter
    data = found(site, "plain=1")
    assert data["total"] == data["facets"]["plain"]["1"] > 0


def test_an_empty_result_says_so_and_suggests_what_to_remove(site):
    assert found(site, "q=oppaat&languages=so")["total"] == 0
    page = get(site, "/haku?q=oppaat&languages=so")
    assert "Hakuehdoilla ei löytynyt aineistoja" in page.text
    assert 'href="/haku?q=oppaat">ilman rajausta somali' in page.text  # the language removed
    assert 'href="/haku?languages=so">ilman sanaa' in page.text  # the word removed
    nothing_single = get(site, "/haku?q=oppaat&languages=so&type=workbook").text
    assert 'href="/haku?q=oppaat">ilman rajauksia' in nothing_single


def test_a_search_past_the_time_limit_answers_a_message_not_an_error(harvested):
    slow = build(harvested[0], {"sql_time_limit_ms": 1})
    page = get(slow, "/haku?q=koulutus")
    assert page.status_code == 200 and "Haku kesti liian kauan" in page.text
    assert get(slow, "/haku.json?q=koulutus").status_code == 503


def test_publish_fills_the_normalised_index(harvested):
    with sqlite3.connect(harvested[0]) as conn:
        missing = conn.execute(
            "select count(*) from materials m join material_terms t on t.material_rowid = m.rowid"
            " where t.words_key is null or t.title = ''"
        ).fetchone()[0]
        total = conn.execute("select count(*) from material_terms").fetchone()[0]
        materials = conn.execute("select count(*) from materials").fetchone()[0]
    assert missing == 0 and total == materials


def test_json_has_the_documented_shape(site):
    data = found(site, "q=opas")
    assert set(data) >= {"total", "results", "facets"} and data["total"] >= len(data["results"]) > 0
    assert {"id", "title", "url"} <= set(data["results"][0])
    assert len(get(site, "/haku.json?q=opas&size=2").json()["results"]) == 2
    assert json.dumps(data)  # plain JSON, no markup objects


def test_browsing_every_material_counts_the_facets_of_all(site, harvested):
    with sqlite3.connect(harvested[0]) as conn:
        active = conn.execute("select count(*) from materials where status = 'active'").fetchone()[0]
        languages = dict(
            conn.execute(
                "select j.value, count(*) from materials m, json_each(m.languages) j"
                " where m.status = 'active' group by j.value"
            ).fetchall()
        )
        plain = conn.execute("select count(*) from materials where status = 'active' and plain_language = 1")
        plain = plain.fetchone()[0]
    data = found(site, "page=1")
    assert data["total"] == active and data["facets"]["languages"] == languages
    assert data["facets"]["plain"]["1"] == plain
    titles = [r["title"] for r in found(site, "page=1")["results"]]
    assert titles == sorted(titles)  # filters alone (here none): by title
    front = get(site, "/").text
    assert f'href="/haku?plain=1">Selkokieliset aineistot</a> <span class="count">{plain}</span>' in front


def test_an_older_catalogue_gets_the_normalised_index_when_opened(tmp_path):
    """Migration 0004 fills the forms of the materials catalogued before it; triggers keep the tags."""
    import gzip
    import shutil
    from pathlib import Path

    from harvester.catalog import open_catalog

    path = tmp_path / "vanha.db"
    with gzip.open(Path(__file__).parent / "fixtures" / "catalog-v1.db.gz") as source, path.open("wb") as out:
        shutil.copyfileobj(source, out)
    db = open_catalog(path)
    materials = db.execute("select count(*) from materials").fetchone()[0]
    filled = db.execute("select count(*) from material_terms where words_key is not null").fetchone()[0]
    assert materials and filled == materials
    guides = {r[0] for r in db.execute("select id from materials where type = 'guide' and status = 'active'")}
    result = search.search(db.conn, search.Selection(q="oppaat", size=100))
    assert guides and guides <= {card["id"] for card in result["results"]}
    with db.conn:  # a type changed outside a harvest moves its tag token with it
        db.execute("update materials set type = 'report' where type = 'guide'")
    result = search.search(db.conn, search.Selection(q="oppaat", size=100))
    assert not guides & {card["id"] for card in result["results"] if card["type"] == "guide"}
    assert {
        c["id"] for c in search.search(db.conn, search.Selection(q="raportit", size=100))["results"]
    } >= guides


def test_the_snippet_shows_the_materials_own_words_before_a_link_text_repeating_the_title():
    import importlib.util

    from harvester import web

    spec = importlib.util.spec_from_file_location("search_plugin", web.CONFIG_DIR / "plugins" / "search.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    card = {
        "title": "Tervetuloa Länsirannikolle – selkokielinen opas",
        "description": None,
        "text": "Tämä opas kertoo, miten asunto haetaan ja mistä saa apua.",
        "link_texts": ["Tervetuloa  Länsirannikolle – selkokielinen opas", "Lataa selkokielinen opas (PDF)"],
        "excerpt": None,
    }
    shown = str(plugin.snippet(card, search.parse("opas")))
    assert shown.startswith("Tämä <mark>opas</mark> kertoo"), shown
    card["text"] = "Asunnon hakeminen alkaa ilmoittautumisesta."  # no match in the text: a link text
    shown = str(plugin.snippet(card, search.parse("opas")))
    assert shown == "Lataa selkokielinen <mark>opas</mark> (PDF)", shown


def test_the_time_limit_says_when_it_stopped_a_query_even_in_a_vtable_constructor(tmp_path):
    """SQLite reports a query stopped while it builds a virtual table as "vtable constructor failed",
    not "interrupted": the search plugin asks its time limit instead of reading the message."""
    import importlib.util

    from harvester import web

    spec = importlib.util.spec_from_file_location("search_plugin", web.CONFIG_DIR / "plugins" / "search.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    db = tmp_path / "fts.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create virtual table t using fts5(body, tokenize='trigram')")
        conn.execute("insert into t values ('kotoutumiskoulutus')")
    conn = sqlite3.connect(db)  # a new connection: the vtable is built by the next query
    stopped = []
    with pytest.raises(sqlite3.OperationalError), plugin.time_limit(conn, 0, stopped):
        conn.execute("select * from t where t match 'koulutus'").fetchall()
    assert stopped
    stopped.clear()
    with plugin.time_limit(conn, 10_000, stopped):
        assert conn.execute("select count(*) from t where t match 'koulutus'").fetchone() == (1,)
    assert not stopped
