"""End to end: harvest the demo web over real HTTP on loopback and compare with the gold file."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from helpers import run_cli

from harvester.urls import canonicalize

pytestmark = pytest.mark.e2e


def materials(db) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {r["url"]: dict(r) for r in conn.execute("select * from materials")}
    conn.close()
    return rows


def test_every_gold_material_is_catalogued_with_type_and_languages(harvested, gold):
    db, _ = harvested
    rows = materials(db)
    assert len(gold) >= 40, "the demo web should hold a realistic number of materials"
    problems = []
    for material in gold:
        row = rows.get(canonicalize(material["abs_url"]))
        if row is None:
            problems.append(f"missing: {material['site']} {material['path']}")
            continue
        languages = json.loads(row["languages"])
        if row["type"] != material["type"]:
            problems.append(
                f"type {row['type']} != {material['type']}: {material['site']} {material['path']}"
            )
        # Main language first; the order of further languages carries no meaning.
        if languages[:1] != material["languages"][:1] or set(languages) != set(material["languages"]):
            problems.append(
                f"languages {languages} != {material['languages']}: {material['site']} {material['path']}"
            )
        if row["project_id"] != material["project"]:
            problems.append(f"project {row['project_id']} != {material['project']}: {material['path']}")
    assert not problems, "\n".join(problems)


def test_nothing_but_gold_materials_is_catalogued(harvested, gold):
    db, _ = harvested
    expected = {canonicalize(m["abs_url"]) for m in gold}
    extra = {url: row["material_reason"] for url, row in materials(db).items() if url not in expected}
    assert not extra, "catalogued but not in the gold file:\n" + "\n".join(
        f"{u} ({r})" for u, r in extra.items()
    )


def test_no_non_material_or_out_of_scope_page_is_catalogued(harvested, gold_non_materials):
    db, _ = harvested
    urls = set(materials(db))
    assert gold_non_materials, "the gold file lists the demo web's non-material pages"
    wrong = [f"{kind}: {url} ({why})" for kind, url, why in gold_non_materials if canonicalize(url) in urls]
    assert not wrong, "\n".join(wrong)


def test_out_of_scope_pages_are_never_fetched(harvested, demo_web, gold_non_materials):
    fetched = {(demo_web.origin(site) + path) for site, method, path in demo_web.requests if method == "GET"}
    out_of_scope = [
        url for kind, url, _ in gold_non_materials if kind == "out_of_scope" and not url.endswith(".pdf")
    ]
    assert out_of_scope
    assert not [url for url in out_of_scope if url in fetched]


def test_harvest_run_is_recorded_per_source(harvested, demo_sources):
    db, result = harvested
    conn = sqlite3.connect(db)
    run = conn.execute(
        "select status, materials, errors, finished_at from harvest_runs order by id desc"
    ).fetchone()
    per_source = dict(conn.execute("select source_id, status from harvest_run_sources"))
    details = conn.execute(
        "select error_details from harvest_run_sources where source_id = 'demo-decayed'"
    ).fetchone()[0]
    conn.close()
    assert run[0] == "partial"  # the decayed site has dead links
    assert run[1] > 0 and run[3]
    assert set(per_source) == {
        "demo-lansirannikko", "demo-kunta", "demo-hub", "demo-osterbotten",
        "demo-infopiste", "demo-eura", "demo-decayed",
    }  # fmt: skip
    assert "HTTP 404" in details
    assert "harvest run" in result.stdout and "demo-decayed" in result.stdout


def test_moved_page_is_catalogued_at_its_new_address(harvested, demo_web):
    rows = materials(harvested[0])
    origin = demo_web.origin("decayed")
    assert canonicalize(origin + "/arkisto/vertaismentorin-opas/") in rows
    assert canonicalize(origin + "/materiaalit/vertaismentorin-opas/") not in rows


def test_wordpress_duplicates_fold_into_one_material_with_all_locations(harvested, demo_web):
    conn = sqlite3.connect(harvested[0])
    origin = demo_web.origin("lansirannikko")
    locations = [
        r[0]
        for r in conn.execute(
            "select l.url from material_locations l join materials m on m.id = l.material_id where m.url = ?",
            [canonicalize(origin + "/nain-haet-asuntoa/")],
        )
    ]
    conn.close()
    assert len(locations) >= 2, locations  # /?p=NNN and/or the -2 slug were folded in


def test_harvesting_twice_yields_the_same_catalogue(harvested, demo_sources, copy_db):
    db = copy_db(harvested[0])
    before = snapshot(db)
    result = run_cli("harvest", "--sources", str(demo_sources), "--db", str(db), "--delay", "0")
    assert result.returncode == 0, result.stderr
    after = snapshot(db)
    assert after == before
    conn = sqlite3.connect(db)
    runs = conn.execute("select count(*) from harvest_runs").fetchone()[0]
    new = conn.execute("select new_materials from harvest_runs order by id desc").fetchone()[0]
    conn.close()
    assert runs == 2 and new == 0


def snapshot(db) -> list[tuple]:
    """Everything a user sees of the catalogue except when it was last seen."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "select id, url, title, description, type, languages, plain_language, phases, audiences, format,"
        " source_id, project_id, status, first_seen, tag_evidence from materials order by id"
    ).fetchall()
    locations = conn.execute(
        "select material_id, url, first_seen from material_locations order by 1, 2"
    ).fetchall()
    conn.close()
    return rows + locations


def test_wordpress_api_and_sitemap_find_what_no_page_links(harvested, demo_web):
    origin = demo_web.origin("lansirannikko")
    rows = materials(harvested[0])
    arabic = rows[canonicalize(origin + "/wp-content/uploads/2017/08/tervetuloa-lansirannikolle-opas_ar.pdf")]
    assert arabic["title"] == "دليل الوافدين الجدد إلى الساحل الغربي"  # in reading order, from the API
    assert "/wp-json/wp/v2/media" in arabic["referrer"]
    asked = {path for site, method, path in demo_web.requests if site == "lansirannikko"}
    assert {"/wp-sitemap.xml", "/wp-sitemap-posts-page-1.xml"} <= asked
    assert any(path.startswith("/wp-json/wp/v2/pages") for path in asked)
    assert not any(
        "wp-json" in path for site, _, path in demo_web.requests if site == "osterbotten"
    )  # path-scoped


def test_eura_register_pages_complete_the_projects(harvested, demo_web):
    conn = sqlite3.connect(harvested[0])
    conn.row_factory = sqlite3.Row
    project = dict(conn.execute("select * from projects where id = 'hyva-alku-lansirannikolla'").fetchone())
    jyvaskyla = dict(conn.execute("select * from projects where eura_code = 'S20536'").fetchone())
    conn.close()
    assert project["eura_start"] == "2016-03-01" and project["eura_end"] == "2018-10-31"
    assert (
        project["applicant"] == "Länsirannikon Koulutus Oy"
        and project["applicant_business_id"] == "2358253-3"
    )
    partners = json.loads(project["eura_partners"])
    assert {"name": "Porin kaupunki", "business_id": "1632707-5"} in partners
    assert project["website"] == demo_web.origin("lansirannikko") + "/"
    assert project["eura_url"].endswith("projektikoodi=S20524")
    assert jyvaskyla["website"] == "ww.jyvaskyla.fi"  # kept as the applicant typed it


def test_the_gold_file_lists_every_page_the_harvest_fetched(harvested, demo_web, gold, gold_non_materials):
    listed = {canonicalize(m["abs_url"]) for m in gold} | {
        canonicalize(url) for _, url, _ in gold_non_materials
    }
    unlisted = set()
    for served in demo_web.responses:
        path = served.path
        if served.method != "GET" or served.status != 200 or path == "/robots.txt":
            continue
        if "/wp-json/" in path or path.endswith(".xml"):  # APIs and sitemaps are not pages
            continue
        url = canonicalize(demo_web.origin(served.site) + path)
        if url not in listed and not re.search(r"[?&](cur|p_p_id)=", url):  # the paging trap's pages
            unlisted.add(url)
    assert not unlisted, "pages missing from the gold files:\n" + "\n".join(sorted(unlisted))


def test_the_projects_about_page_describes_the_project(harvested, demo_web):
    conn = sqlite3.connect(harvested[0])
    about_url, about_text = conn.execute(
        "select about_url, about_text from projects where id = 'hyva-alku-lansirannikolla'"
    ).fetchone()
    conn.close()
    assert about_url == canonicalize(demo_web.origin("lansirannikko") + "/hankkeesta/")
    assert len(about_text) > 200


def test_no_host_sees_two_requests_closer_than_the_delay(demo_sources, demo_web, tmp_path):
    mark = len(demo_web.responses)
    result = run_cli(
        "harvest", "--sources", str(demo_sources), "--db", str(tmp_path / "catalog.db"),
        "--source", "demo-eura", "--source", "demo-decayed", "--delay", "0.3", "--no-cache",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for site in ("eura", "decayed"):
        times = sorted(r.at for r in demo_web.responses[mark:] if r.site == site)
        assert len(times) >= 5
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 0.3 * 0.98, (site, min(gaps))  # measured at the server
