"""`aineistopankki inspect`: the harvest's own decision and tags for a saved file, a URL or a text."""

from __future__ import annotations

import io
import json
import sqlite3

from helpers import run_cli

from harvester import inspect
from harvester.registry import load_projects, load_sources

GUIDE = """<!doctype html><html lang="fi"><head><title>Asunnon vuokraaminen – Hyvä alku Esimerkkilä</title>
<meta name="description" content="Opas vuokra-asunnon hakemiseen Esimerkkilän seudulla."></head>
<body><header><nav><a href="/">Etusivu</a> <a href="/uutiset/">Uutiset</a>
<a href="/yhteystiedot/">Yhteystiedot</a></nav></header>
<main><article><h1>Opas: näin vuokraat asunnon</h1>
<p>Tämä opas on tarkoitettu vasta Suomeen muuttaneille, jotka etsivät ensimmäistä vuokra-asuntoaan.
Oppaassa kerrotaan, mistä vapaita asuntoja löytää, miten asuntohakemus täytetään ja mitä vuokrasopimukseen
kannattaa kirjoittaa ennen kuin sen allekirjoittaa.</p>
<h2>Asuntohakemus</h2>
<p>Kaupungin vuokrataloyhtiön hakemus täytetään verkossa. Hakemukseen tarvitaan oleskelulupa, tiedot
tuloista ja kaikkien samassa asunnossa asuvien henkilötiedot. Hakemus on voimassa kolme kuukautta, ja se
kannattaa uusia, jos asuntoa ei ole vielä löytynyt.</p>
<h2>Vuokravakuus ja kotivakuutus</h2>
<p>Vuokranantaja pyytää yleensä vakuuden, joka on yhden tai kahden kuukauden vuokra. Kela voi auttaa
vakuuden maksamisessa. Kotivakuutus kannattaa ottaa heti muuton jälkeen, ja monessa talossa se on
pakollinen. Sähkösopimus tehdään itse ennen muuttopäivää.</p>
</article></main>
<footer><p>Hyvä alku Esimerkkilä · Euroopan sosiaalirahasto</p>
<p>Tietosuojaseloste · Saavutettavuusseloste</p></footer>
</body></html>"""


def test_a_saved_page_is_judged_and_tagged_without_chrome(tmp_path):
    path = tmp_path / "opas.html"
    path.write_text(GUIDE, encoding="utf-8")
    [record] = inspect.inspect_path(path, "https://hyvaalku.example.fi/asuminen/opas/")
    assert record["is_material"], record["reason"]
    assert record["kind"] == "page" and record["type"] == "guide"
    assert record["languages"][0] == "fi"
    assert "initial" in record["phases"] and "immigrants" in record["audiences"]
    assert "Vuokranantaja pyytää" in record["text"]
    assert "Saavutettavuusseloste" not in record["text"] and "Etusivu" not in record["text"]
    assert record["tag_evidence"]["type:guide"]["method"] == "rule"


def test_jsonl_keeps_order_and_names_the_lines_it_cannot_read(tmp_path):
    (tmp_path / "opas.html").write_text(GUIDE, encoding="utf-8")
    lines = [
        json.dumps({"url": "https://hyvaalku.example.fi/opas/", "path": "opas.html"}),
        json.dumps(
            {"url": "t1", "text": "Kotoutumiskoulutus alkaa syyskuussa. Kurssilla opiskellaan suomea."}
        ),
        "{not json",
        json.dumps({"url": "missing", "path": "nowhere.html"}),
        json.dumps({"url": "t2", "text": "Waxbarashada luqadda Finnishka waxay bilaabataa bisha sagaalaad."}),
    ]
    out = io.StringIO()
    failed = inspect.inspect_jsonl(io.StringIO("\n".join(lines) + "\n"), out, tmp_path)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert failed == 2 and len(records) == 5
    assert records[0]["type"] == "guide" and records[1]["url"] == "t1"
    assert records[1]["languages"][0] == "fi" and records[4]["languages"][0] == "so"
    assert records[2] == {"line": 3, "error": records[2]["error"]} and "not JSON" in records[2]["error"]
    assert records[3]["line"] == 4 and "cannot read" in records[3]["error"]


def test_cli_inspects_files_and_reports_what_it_cannot_read(tmp_path):
    path = tmp_path / "opas.html"
    path.write_text(GUIDE, encoding="utf-8")
    result = run_cli("inspect", str(path), str(tmp_path / "gone.pdf"), "--json")
    assert result.returncode == 1
    record = json.loads(result.stdout.splitlines()[0])
    assert record["type"] == "guide" and record["is_material"]
    assert "gone.pdf" in result.stderr and "cannot read" in result.stderr
    human = run_cli("inspect", str(path), "--url", "https://hyvaalku.example.fi/opas/")
    assert human.returncode == 0
    assert "material:   yes" in human.stdout and "type:       guide  (rule" in human.stdout
    assert run_cli("inspect").returncode == 2  # neither inputs nor --jsonl


def test_inspect_over_http_agrees_with_the_harvested_catalogue(
    demo_web, demo_sources, harvested, gold, gold_non_materials
):
    """The same code path: what inspect says of a demo page is what the harvest stored for it."""
    db, _ = harvested
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    projects = {p["id"]: p for p in load_projects()}
    sources = load_sources(demo_sources, set(projects))

    def setting(url: str) -> inspect.Setting:
        source = next(s for s in sources if any(url.startswith(prefix) for prefix in s.scope))
        return inspect.Setting(source, projects.get(source.project))

    pages = [g for g in gold if g["format"] == "html"][:12]
    for material in pages:
        records = inspect.inspect_argument(material["abs_url"], setting=setting(material["abs_url"]))
        page = next(r for r in records if r["kind"] == "page")
        row = connection.execute("select * from materials where url = ?", [page["url"]]).fetchone()
        assert row is not None, page["url"]
        assert page["is_material"], (page["url"], page["reason"])
        assert page["type"] == row["type"]
        assert page["languages"] == json.loads(row["languages"])
        assert page["phases"] == json.loads(row["phases"])
        assert page["audiences"] == json.loads(row["audiences"])
        assert bool(page["plain_language"]) == bool(row["plain_language"])
    html_non_materials = [
        url
        for kind, url, why in gold_non_materials
        if kind == "non_materials" and "." not in url.rsplit("/", 1)[-1] and "redirect" not in why
    ]
    for url in html_non_materials[:8]:
        try:
            records = inspect.inspect_argument(url, setting=setting(url))
        except inspect.InspectError:
            continue  # a dead link or a redirect loop of the decayed site
        assert not records[0]["is_material"], (url, records[0]["reason"])


def test_private_host_names_are_refused(monkeypatch):
    monkeypatch.setattr(inspect, "non_public_address", lambda host: "10.0.0.5")
    try:
        inspect.fetch("http://intranet.example.fi/opas/")
    except inspect.InspectError as exc:
        assert "non-public address 10.0.0.5" in str(exc)
    else:
        raise AssertionError("a host name resolving to a private address was fetched")
