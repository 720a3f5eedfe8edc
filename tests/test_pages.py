"""The catalogue's pages for people (issue 14, items 4-6): the interface language on every page,
Finnish breadcrumbs and a 404 page, the material page, the AOE readiness page by work, project pages
and the materials table as "Taulukko / API"."""

from __future__ import annotations

import asyncio
import html
import json
import re
import sqlite3

import pytest

from harvester import web
from harvester.catalog import evidence
from harvester.catalog.readiness import PROBLEM_PATTERNS, problem_message

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ds(harvested):
    return web.build(harvested[0], {"sql_time_limit_ms": 5000})


@pytest.fixture(scope="module")
def conn(harvested):
    connection = sqlite3.connect(harvested[0])
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def get(ds, path: str, cookies: dict | None = None):
    async def fetch():
        return await ds.client.get(path, cookies=cookies or {})

    return asyncio.run(fetch())


def text_of(page) -> str:
    """The page's visible words, tags dropped and entities decoded, blanks folded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page.text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def one(conn, sql: str, params=()):
    return conn.execute(sql, params).fetchone()


def every_page(conn) -> list[str]:
    material = one(conn, "select id from materials where status = 'active' order by id")[0]
    return [
        "/",
        "/haku?q=opas",
        f"/aineisto/{material}",
        "/hanke/hyva-alku-lansirannikolla",
        "/kojelauta",
        "/catalog/-/aoe-readiness",
        "/catalog/materials",
        "/catalog/projects",
        f"/catalog/materials/{material}",
        "/catalog",
        "/aineisto/0000000000000000",
    ]


def test_every_page_names_its_language_and_offers_the_others(ds, conn):
    for path in every_page(conn):
        joiner = "&" if "?" in path else "?"
        for lang, menu_word in (("fi", "Kojelauta"), ("sv", "Översikt"), ("en", "Dashboard")):
            page = get(ds, f"{path}{joiner}lang={lang}")
            assert page.status_code in (200, 404), path
            assert f'<html lang="{lang}">' in page.text, (path, lang)
            assert f">{menu_word}</a>" in page.text, (path, lang)  # the menu follows the language
            switch = re.search(r'<ul class="lang-switch".*?</ul>', page.text, re.S).group(0)
            assert [m for m in re.findall(r'lang=(fi|sv|en)"', switch)] == ["fi", "sv", "en"], path
            assert f'hreflang="{lang}" aria-current="true"' in switch
        assert page.text.count("<main") == 1 and 'class="skip-link" href="#main"' in page.text, path


def test_the_chosen_language_is_remembered(ds):
    remembered = get(ds, "/kojelauta", cookies={"ui_lang": "en"})
    assert '<html lang="en">' in remembered.text and ">Harvest runs<" in remembered.text
    assert '<html lang="fi">' in get(ds, "/kojelauta").text  # Finnish without a choice
    switched = get(ds, "/kojelauta?lang=sv", cookies={"ui_lang": "en"})
    assert '<html lang="sv">' in switched.text and "ui_lang=sv" in switched.headers["set-cookie"]


def test_breadcrumbs_are_finnish(ds):
    page = get(
        ds, "/catalog/materials/" + get(ds, "/catalog/materials.json?_shape=array&_size=1").json()[0]["id"]
    )
    crumbs = " ".join(re.search(r'<p class="crumbs">(.*?)</p>', page.text, re.S).group(1).split())
    assert ">Etusivu</a>" in crumbs and ">Aineistoluettelo</a>" in crumbs and ">Aineistot</a>" in crumbs
    assert "home" not in crumbs and ">catalog<" not in crumbs
    english = get(ds, "/catalog/materials?lang=en").text
    assert ">Home</a>" in english and ">Catalogue</a>" in english


@pytest.mark.parametrize(
    ("path", "finnish", "english"),
    [
        ("/aineisto/0000000000000000", "Aineistoa ei löydy", "Material not found"),
        ("/aineisto/not-an-id", "Aineistoa ei löydy", "Material not found"),
        ("/hanke/ei-ole", "Hanketta ei löydy", "Project not found"),
        ("/ei/tallaista/sivua", "Sivua ei löydy", "Page not found"),
        ("/catalog/no_such_table", "Sivua ei löydy", "Page not found"),
    ],
)
def test_a_missing_page_is_a_404_page_in_the_chosen_language(ds, path, finnish, english):
    page = get(ds, path)
    assert page.status_code == 404
    assert f"<h1>{finnish}</h1>" in page.text and "not found" not in page.text.lower().replace(
        english.lower(), ""
    )
    assert '<form class="big-search" action="/haku"' in page.text  # somewhere to go from here
    assert f"<h1>{english}</h1>" in get(ds, path + "?lang=en").text
    assert get(ds, "/catalog/no_such_table.json").json()["ok"] is False  # JSON stays JSON


def test_material_page_states_licence_aoe_status_format_and_description(ds, conn):
    unlicensed = one(
        conn, "select id from materials where status = 'active' and license is null order by id"
    )[0]
    for lang, none in (("fi", "ei ilmoitettu"), ("sv", "ej angiven"), ("en", "not stated")):
        page = get(ds, f"/aineisto/{unlicensed}?lang={lang}")
        assert f'<dd class="licence">{none}</dd>' in page.text, lang
    blocked = get(ds, f"/aineisto/{unlicensed}").text
    assert "ei vielä vietävissä AOE:hen" in blocked and "avointa lisenssiä ei ole ilmoitettu" in blocked
    assert "Kysy lisenssiä hankkeelta" in blocked
    ready = one(
        conn, "select material_id from aoe_verdicts v join aoe_works w on w.work = v.work where w.ready = 1"
    )
    assert "valmis vietäväksi AOE:hen" in get(ds, f"/aineisto/{ready[0]}").text
    pdf = one(conn, "select id, size_bytes from materials where format = 'pdf' and size_bytes > 1000 limit 1")
    assert re.search(r"<dd>pdf, [\d,]+ (kt|Mt)</dd>", get(ds, f"/aineisto/{pdf['id']}").text)
    for row in conn.execute("select id, description from materials where status = 'active'"):
        page = get(ds, f"/aineisto/{row['id']}").text
        shown = re.search(r'<p class="description"[^>]*>(.*?)</p>', page, re.S)
        assert shown and shown.group(1).strip(), row["id"]  # every material has a description
        if not row["description"]:
            assert "aineiston tekstin alku" in page, row["id"]  # and says where it came from


def test_evidence_is_in_words(ds, conn):
    somali = one(
        conn, "select id from materials where languages = '[\"so\"]' and tag_evidence like '%lingua%'"
    )
    page = get(ds, f"/aineisto/{somali[0]}")
    assert "Kieli: somali</strong> — tunnistettu tekstistä (100 %)" in " ".join(page.text.split())
    assert "{&#39;so&#39;" not in page.text and "{'so'" not in page.text and "shares" not in page.text
    assert "Language: Somali</strong> — detected in the text (100 %)" in " ".join(
        get(ds, f"/aineisto/{somali[0]}?lang=en").text.split()
    )
    for row in conn.execute("select id from materials where status = 'active'"):
        words = text_of(get(ds, f"/aineisto/{row['id']}"))
        assert "evidence.method" not in words and "prior:" not in words and "title:" not in words, row["id"]


def test_titles_carry_their_language_and_direction(ds, conn):
    rtl = one(
        conn,
        "select id, title from materials m where languages like '[\"ar\"%' and exists"
        " (select 1 from materials o where o.work_id = m.work_id and o.id != m.id) limit 1",
    )
    page = get(ds, f"/aineisto/{rtl['id']}").text
    assert (
        f'<h1 class="material-title" dir="auto" lang="ar">{html.escape(rtl["title"], quote=False)}</h1>'
        in page
    )
    versions = re.search(r'<ul class="versions">(.*?)</ul>', page, re.S)
    links = re.findall(r"<a [^>]+>", versions.group(1)) if versions else []
    assert links and all('dir="auto" lang="' in a for a in links)
    readiness = get(ds, "/catalog/-/aoe-readiness").text
    for link in re.findall(r'<td><a href="/aineisto/\w+" dir="auto" lang="(\w+)">([^<]+)</a>', readiness):
        language, title = link
        # the work's name in its own language (versions may share a title: a list item naming both)
        row = one(
            conn,
            "select 1 from materials where title = ? and json_extract(languages, '$[0]') = ?",
            [html.unescape(title), language],
        )
        assert row, (title, language)


def test_readiness_lists_each_work_once_with_its_versions(ds, conn):
    data = get(ds, "/catalog/-/aoe-readiness.json").json()
    page = get(ds, "/catalog/-/aoe-readiness").text
    rows = re.findall(r"<tr>\s*<td><a href=\"/aineisto/", page)
    assert len(rows) == data["works"]  # one row a work, not one a language version
    multi = [r for r in data["records"] if len(r["ids"]) > 1]
    assert multi, "the demo has works in several languages"
    for record in multi:
        name = re.escape(html.escape(record["name"], quote=False))
        row = re.search(rf'<a href="/aineisto/\w+"[^>]*>{name}</a>.*?</tr>', page, re.S)
        assert row and all(f'/aineisto/{i}"' in row.group(0) for i in record["ids"]), record["name"]
    ready = [r for r in data["records"] if r["aoeReady"]]
    ready_section = page.split('id="ready"', 1)[1].split('id="blocked"', 1)[0]
    assert ready and all(html.escape(r["name"], quote=False) in ready_section for r in ready)
    assert "materials.aoejson?_ready=1&amp;_size=max" in ready_section and "Vie nämä AOE:hen" in ready_section
    materials = one(conn, "select count(*) from materials where status = 'active'")[0]
    assert f"Miksi {data['works']} teosta eikä {materials} aineistoa?" in page
    assert "avointa lisenssiä ei ole ilmoitettu" in page and "no open licence" not in page
    assert 'href="/hanke/' in page.split('id="blocked"', 1)[1]  # ask the project about the licence
    assert "ingen öppen licens angiven" in get(ds, "/catalog/-/aoe-readiness?lang=sv").text
    assert "no open licence stated" in get(ds, "/catalog/-/aoe-readiness?lang=en").text


def test_project_pages_and_the_projects_table_link_each_other(ds, conn):
    project = "hyva-alku-lansirannikolla"
    page = get(ds, f"/hanke/{project}").text
    ids = [
        row[0]
        for row in conn.execute(
            "select id from materials where project_id = ? and status = 'active'", [project]
        )
    ]
    assert ids and all(f'href="/aineisto/{i}"' in page for i in ids)
    assert (
        'href="/catalog/projects">Pilottihankkeet</a>' in page and f'href="/haku?project={project}"' in page
    )
    table = get(ds, "/catalog/projects").text
    assert table.count('href="/hanke/') >= 25


def test_materials_table_hides_internal_columns_and_links_titles(ds):
    page = get(ds, "/catalog/materials").text
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', page)
    assert {"title", "languages", "type"} <= set(headers)
    assert not {"content_hash", "missed_harvests", "text", "tag_key", "tag_evidence"} & set(headers)
    assert re.search(r'<td class="col-title[^"]*"><a href="/aineisto/[0-9a-f]{16}" dir="auto">', page)
    assert re.search(r'<td class="col-project_id[^"]*"><a href="/hanke/[\w-]+">[^<{]+</a>', page)
    assert "{&#39;value&#39;" not in page and "{'value'" not in page
    asked = get(ds, "/catalog/materials?_col=title&_col=content_hash").text
    assert "content_hash" in re.findall(r'<th [^>]*data-column="([^"]+)"', asked)
    row = get(ds, "/catalog/materials.json?_shape=array&_size=1").json()[0]
    assert {"content_hash", "text", "tag_key"} <= set(row)  # the API keeps every column


def test_facets_keep_their_order_and_leave_out_empty_ones(ds):
    def facet_names(query):
        page = get(ds, f"/catalog/materials?{query}").text
        return re.findall(r'<div class="facet-info [^"]*" id="facet-([\w-]+)"', page)

    everything = facet_names("")
    assert everything[:4] == ["languages", "phases", "audiences", "type"]
    for query in ("_tag_languages=so", "type=report", "_tag_phases=employment", "round=3"):
        names = facet_names(query)
        assert names == [n for n in everything if n in names], query  # the same order in every view
    data = get(ds, "/catalog/materials.json?_size=0").json()["facet_results"]
    empty = [name for name, facet in data.items() if not facet["results"]]
    assert empty, "the demo has a facet with no values (no material has a year)"
    assert not set(empty) & set(everything)


def test_dashboard_charts_have_their_numbers_beside_them(ds):
    page = get(ds, "/kojelauta").text
    boxes = re.findall(r'<section class="chart-box".*?</section>', page, re.S)
    assert len(boxes) == 5
    for box in boxes:
        svg = re.search(r"<svg[^>]*>", box).group(0)
        assert (
            'role="img"' in svg
            and "aria-labelledby=" in svg
            and "width=" not in svg.replace("stroke-width", "")
        )
        bars = re.findall(r'class="bar-value">(\d+)<', box)
        table = re.findall(r'<td class="num">(\d+)</td>', box)
        assert bars and bars == table


def test_every_aoe_problem_and_evidence_method_has_words_in_three_languages():
    from harvester.export.aoe_schema import licence_codes

    messages = {
        key for key in __import__("yaml").safe_load((web.CONFIG_DIR / "i18n" / "messages.yml").read_text())
    }
    assert {key for _, key in PROBLEM_PATTERNS} | {"aoe.problem.other"} <= messages
    assert {evidence.method_key(m) for m in evidence.KNOWN_METHODS} <= messages
    examples = {
        "no open licence stated": ("aoe.problem.no_licence", {}),
        f"licence X is not one AOE accepts ({', '.join(sorted(licence_codes()))})": (
            "aoe.problem.bad_licence",
            {"licence": "X"},
        ),
        "link 2 has no language": ("aoe.problem.link_language", {"n": "2"}),
        "something new": ("aoe.problem.other", {"problem": "something new"}),
    }
    for problem, expected in examples.items():
        assert problem_message(problem) == expected


def test_described_evidence_and_first_sentences():
    described = evidence.describe(
        json.dumps(
            {
                "language:so": {"method": "fasttext+lingua", "shares": {"so": 1.0}},
                "type:guide": {"matched": ["title:opas", "text:opas", "prior:project"], "method": "rule"},
                "phase:initial": {"method": "something-new"},
            }
        )
    )
    assert [(d["kind"], d["value"]) for d in described] == [
        ("language", "so"),
        ("type", "guide"),
        ("phase", "initial"),
    ]
    assert described[0]["share"] == 100 and described[0]["method_key"] == "evidence.method.fasttext+lingua"
    assert described[1]["words"] == ["opas"] and described[2]["method_key"] == "evidence.method.other"
    text = "Tervetuloa Suomeen. Tämä opas kertoo ensimmäisistä viikoista! " + "Pitkä lause " * 60
    assert (
        evidence.first_sentences(text, limit=80)
        == "Tervetuloa Suomeen. Tämä opas kertoo ensimmäisistä viikoista!"
    )
    assert len(evidence.first_sentences("sana " * 200, limit=100)) <= 102
    assert evidence.first_sentences(None) == ""


def test_language_paths_open_the_front_page_in_that_language(ds):
    for lang in ("sv", "en", "fi"):
        response = get(ds, f"/{lang}")
        assert response.status_code == 302 and response.headers["location"] == f"/?lang={lang}"


def test_the_language_switch_keeps_the_rest_of_the_address(ds):
    page = get(ds, "/catalog/materials?_tag_languages=so&_sort=title&lang=en").text
    switch = re.search(r'<ul class="lang-switch".*?</ul>', page, re.S).group(0)
    assert 'href="/catalog/materials?_tag_languages=so&amp;_sort=title&amp;lang=sv"' in switch


def test_a_table_filter_applied_with_an_empty_search_box_lists_rows(ds):
    """The table form sends `_search=` when its search box is empty; SQLite's full-text search refuses
    an empty query, which was an "Invalid SQL" page."""
    expected = get(ds, "/catalog/materials.json?_tag_languages=so&_shape=array&_size=max").json()
    assert expected
    for query in (
        "_tag_languages=so&_search=",
        "_search=%20&_tag_languages=so",
        "_search_title=&_tag_languages=so",
    ):
        page = get(ds, f"/catalog/materials?{query}")
        assert page.status_code == 200 and "Invalid SQL" not in page.text, query
        rows = get(ds, f"/catalog/materials.json?{query}&_shape=array&_size=max").json()
        assert rows == expected, query
    assert get(ds, "/catalog/materials.json?_search=opas&_shape=array").json()  # a real search still searches
