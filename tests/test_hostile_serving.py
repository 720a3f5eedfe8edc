"""Hostile input on the serving side (issue 15): whatever an old catalogue row holds, OAI-PMH, the Atom
feed and the sitemap stay well-formed XML; absolute URLs come from configuration, never from the
request's Host header; an empty catalogue has a valid empty feed; a malformed resumption token is an
OAI-PMH error, not a 500; arbitrary SQL is refused."""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from helpers import REPO, run_cli, served_datasette
from lxml import etree

from harvester.catalog import open_catalog, publish_run, sync_registry
from harvester.registry import Source, load_projects
from harvester.web import build

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ATOM = "{http://www.w3.org/2005/Atom}"
# Every C0 control but tab, LF and CR (which XML carries), DEL and every C1 control, and the two
# noncharacters U+FFFE and U+FFFF.
HOSTILE = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + [chr(c) for c in range(0x7F, 0xA0)]
HOSTILE += ["\ufffe", "\uffff"]
CHUNK = 8
HOSTILE_HOST = 'evil.example"><x y="'


def catalogue(path, items: int) -> None:
    db = open_catalog(path)
    source = Source(
        id="s",
        name="S",
        project="hyva-alku-hameessa",
        start_urls=("https://a.fi/",),
        scope=("https://a.fi/",),
    )
    sync_registry(db, load_projects(), [source])
    rows = [
        {
            "id": f"{n:016x}",
            "url": f"https://a.fi/oppaat/opas-{n}.pdf",
            "title": f"Opas {n} kotoutumiseen",
            "description": "Selkokielinen opas asumisesta ja terveyspalveluista.",
            "type": "guide",
            "languages": ["fi"],
            "phases": ["initial"],
            "audiences": ["immigrants"],
            "format": "pdf",
            "source_id": "s",
            "project_id": "hyva-alku-hameessa",
            "locations": [f"https://a.fi/oppaat/opas-{n}.pdf"],
        }
        for n in range(items)
    ]
    if rows:
        publish_run(db, None, [{"source_id": "s", "items": rows, "report": {}}])
    db.close()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """A catalogue whose rows hold every control character in titles, descriptions and link texts, as a
    catalogue written before text was cleaned on the way in may hold them (written behind the store)."""
    path = tmp_path_factory.mktemp("hostile") / "catalog.db"
    chunks = [HOSTILE[i : i + CHUNK] for i in range(0, len(HOSTILE), CHUNK)]
    catalogue(path, len(chunks))
    conn = sqlite3.connect(path)
    for n, chunk in enumerate(chunks):
        dirty = "".join(chunk)
        conn.execute(
            "update materials set title = ?, description = ?, link_texts = ? where id = ?",
            [
                f"Opas{dirty} {n} kotoutumiseen",
                f"Ohje{dirty} asumisesta",
                json.dumps([f"Lataa{dirty}"]),
                f"{n:016x}",
            ],
        )
    conn.commit()
    conn.close()
    return path, len(chunks)


def get(ds, path: str, host: str = "localhost"):
    async def fetch():
        await ds.invoke_startup()
        return await ds.client.get(path, headers={"host": host})

    return asyncio.run(fetch())


def parse(response) -> etree._Element:
    assert response.status_code == 200, response.text[:500]
    return etree.fromstring(response.content)  # raises on anything not well-formed


def test_every_xml_response_is_well_formed_whatever_the_rows_hold(hostile_db):
    path, count = hostile_db
    ds = build(path)
    for prefix in ("oai_dc", "lrmi_fi"):
        doc = parse(get(ds, f"/oai?verb=ListRecords&metadataPrefix={prefix}"))
        titles = doc.findall(f".//{OAI}record//{{http://purl.org/dc/elements/1.1/}}title")
        assert len(doc.findall(f".//{OAI}record")) == count
        # (the AOE record folds runs of whitespace; U+001C-U+001F and U+0085 are whitespace to Python)
        assert {" ".join(t.text.split()) for t in titles} == {f"Opas {n} kotoutumiseen" for n in range(count)}
        for n in range(count):
            record = parse(
                get(ds, f"/oai?verb=GetRecord&metadataPrefix={prefix}&identifier=oai:aineistopankki:{n:016x}")
            )
            assert record.find(f".//{OAI}record") is not None
    parse(get(ds, "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc"))
    feed = parse(get(ds, "/catalog/uudet.atom"))
    assert {e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")} == {
        f"Opas {n} kotoutumiseen" for n in range(count)
    }
    assert all("Ohje asumisesta" in e.findtext(f"{ATOM}content") for e in feed.findall(f"{ATOM}entry"))
    sitemap = parse(get(ds, "/sitemap.xml"))
    assert len(sitemap) == 3 + 25 + count  # front, search, dashboard, the projects, the materials


@pytest.mark.parametrize("char", HOSTILE)
def test_a_requested_value_with_a_control_character_is_answered_in_xml(hostile_db, char):
    ds = build(hostile_db[0])
    for query in (
        f"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:aineistopankki:x{quote(char)}",
        f"verb=ListRecords&metadataPrefix={quote(char)}",
        f"verb=ListRecords&resumptionToken={quote(char)}",
        f"verb={quote(char)}",
    ):
        doc = parse(get(ds, "/oai?" + query))
        assert doc.find(f"{OAI}error") is not None


def token(state) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


GOOD = {
    "prefix": "oai_dc",
    "set": None,
    "from": None,
    "until": None,
    "cursor": 20,
    "after": ["2026-01-01", "x"],
}


@pytest.mark.parametrize(
    "bad",
    [
        "!!!",
        "e30",  # {}
        token([1, 2]),
        token("text"),
        token({**GOOD, "cursor": "20"}),
        token({**GOOD, "cursor": -1}),
        token({**GOOD, "cursor": True}),
        token({**GOOD, "prefix": ["oai_dc"]}),
        token({**GOOD, "prefix": None}),
        token({**GOOD, "set": 7}),
        token({**GOOD, "from": 20260101}),
        token({**GOOD, "until": {"a": 1}}),
        token({**GOOD, "after": ["2026-01-01"]}),
        token({**GOOD, "after": [1, 2]}),
        token({**GOOD, "total": "many"}),
        token({**GOOD, "extra": 1}),
        token({k: v for k, v in GOOD.items() if k != "set"} | {"after": None}),
        base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(),
        "A" * 60_000,
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_wrongly_shaped_resumption_token_is_bad_resumption_token(hostile_db, bad):
    ds = build(hostile_db[0])
    doc = parse(get(ds, "/oai?verb=ListRecords&resumptionToken=" + quote(bad)))
    assert doc.find(f"{OAI}error").get("code") == "badResumptionToken"


def test_a_token_missing_optional_keys_still_pages(hostile_db):
    """Tokens are only ours; the check must not refuse one we issue (set/from/until may be absent)."""
    ds = build(hostile_db[0])
    state = {k: v for k, v in GOOD.items() if k not in ("set", "from", "until")} | {"cursor": 0}
    doc = parse(get(ds, "/oai?verb=ListIdentifiers&resumptionToken=" + token(state)))
    assert doc.find(f"{OAI}error") is None


def test_an_empty_catalogue_has_a_valid_empty_feed_and_sitemap(tmp_path):
    catalogue(tmp_path / "catalog.db", 0)
    ds = build(tmp_path / "catalog.db")
    feed = parse(get(ds, "/catalog/uudet.atom"))
    assert feed.tag == f"{ATOM}feed" and feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") and feed.findtext(f"{ATOM}id")
    assert len(parse(get(ds, "/sitemap.xml"))) == 3 + 25
    assert parse(get(ds, "/oai?verb=ListRecords&metadataPrefix=oai_dc")).find(f"{OAI}error").get("code") == (
        "noRecordsMatch"
    )


def raw_get(base: str, path: str, host: str) -> tuple[int, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


URL_PAGES = ["/oai?verb=Identify", "/catalog/uudet.atom", "/sitemap.xml", "/robots.txt"]


def test_absolute_urls_never_come_from_the_host_header(hostile_db, monkeypatch):
    """A served catalogue (uvicorn) asked with a hostile Host: the pages name the listening address,
    and with a base URL configured, exactly that."""
    with served_datasette(hostile_db[0]) as base:
        for path in URL_PAGES:
            status, body = raw_get(base, path, HOSTILE_HOST)
            assert status == 200 and b"evil" not in body, path
            assert base.encode() in body, path
            if path != "/robots.txt":
                etree.fromstring(body)
    monkeypatch.setenv("AINEISTOPANKKI_BASE_URL", "https://aineistopankki.example.fi/")
    with served_datasette(hostile_db[0]) as base:
        for path in URL_PAGES:
            status, body = raw_get(base, path, HOSTILE_HOST)
            assert status == 200 and b"evil" not in body and base.encode() not in body, path
            assert b"https://aineistopankki.example.fi/" in body, path
        identify = etree.fromstring(raw_get(base, "/oai?verb=Identify", HOSTILE_HOST)[1])
        assert identify.findtext(f".//{OAI}baseURL") == "https://aineistopankki.example.fi/oai"


def test_a_base_url_that_is_not_an_origin_stops_the_server(hostile_db, monkeypatch):
    monkeypatch.setenv("AINEISTOPANKKI_BASE_URL", "javascript:alert(1)")
    ds = build(hostile_db[0])
    with pytest.raises(ValueError, match="not an http"):
        asyncio.run(ds.invoke_startup())


@pytest.mark.parametrize(
    "path",
    [
        "/catalog?sql=select+printf('%.*c',300000000,'x')",
        "/catalog.json?sql=select+printf('%.*c',300000000,'x')",
        "/catalog.json?sql=select+1",
        "/catalog/materials.json?_where=1%3D1",
    ],
)
def test_arbitrary_sql_is_refused_to_the_public(hostile_db, path):
    ds = build(hostile_db[0])
    response = get(ds, path)
    assert response.status_code in (400, 403), response.status_code
    assert "x" * 1000 not in response.text


def test_canned_queries_and_the_json_api_stay(hostile_db):
    ds = build(hostile_db[0])
    assert get(ds, "/catalog/uudet.json").status_code == 200
    data = get(ds, "/catalog/materials.json?_size=2&type=guide").json()
    assert data["filtered_table_rows_count"] == hostile_db[1] and len(data["rows"]) == 2


# --- the commands on a stopped server, bad catalogue files -----------------------------------------


def test_sigterm_stops_serve_even_while_a_client_holds_a_download(tmp_path):
    """A client that requests a large streamed CSV and stops reading held the server up forever."""
    db = tmp_path / "catalog.db"
    catalogue(db, 10)
    conn = sqlite3.connect(db)
    conn.execute("update materials set text = hex(randomblob(500000))")  # ~10 MB of CSV
    conn.commit()
    conn.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "harvester.cli", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        client = socket.create_connection(("127.0.0.1", port))
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(b"GET /catalog/materials.csv?_stream=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert client.recv(12).startswith(b"HTTP/1.1 200")
        time.sleep(0.5)  # the server is now blocked writing to a client that does not read
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        assert time.monotonic() - started < 10
        client.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * 2 :] = bytes(
        (n * 37) % 251 for n in range(len(data) - 4096 * 2)
    )  # header kept, pages garbage
    path.write_bytes(bytes(data))


def bad_catalogue(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / "catalog.db"
    if kind == "missing":
        return path
    if kind == "directory":
        path.mkdir()
    elif kind == "text file":
        path.write_text("sources:\n  - id: x\n", encoding="utf-8")
    elif kind == "other SQLite database":
        with sqlite3.connect(path) as conn:
            conn.execute("create table notes (body text)")
    elif kind == "corrupt":
        catalogue(path, 30)
        with sqlite3.connect(path) as conn:
            conn.execute("pragma wal_checkpoint(truncate)")
        corrupt(path)
    return path


READERS = [
    ["validate"],
    ["export", "aoe-json", "--out", "-"],
    ["export", "aoe-csv", "--out", "-"],
    ["check-links"],
]


@pytest.mark.parametrize("kind", ["missing", "directory", "text file", "other SQLite database", "corrupt"])
@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0] + (c[1] if len(c) > 1 else ""))
def test_a_command_on_a_bad_catalogue_says_what_is_wrong_in_one_line(tmp_path, kind, command):
    path = bad_catalogue(kind, tmp_path)
    before = path.read_bytes() if path.is_file() else None
    result = run_cli(*command, "--db", str(path), timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"aineistopankki {command[0]}: ") and str(path) in lines[0]
    if before is not None:
        assert path.read_bytes() == before  # nothing written, nothing "repaired" or turned into a catalogue


def test_validate_and_export_never_write_to_the_catalogue(tmp_path):
    path = tmp_path / "catalog.db"
    catalogue(path, 5)
    with sqlite3.connect(path) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        conn.execute("update phases set label_en = 'changed by hand'")  # open_catalog would refresh it
    checkpoint = sqlite3.connect(path)
    checkpoint.execute("pragma wal_checkpoint(truncate)")
    checkpoint.close()
    before = path.read_bytes()
    for command in (["validate"], ["export", "aoe-json", "--out", str(tmp_path / "out.json")]):
        result = run_cli(*command, "--db", str(path), timeout=120)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    assert path.read_bytes() == before
    assert not (tmp_path / "catalog.db-wal").exists() or (tmp_path / "catalog.db-wal").stat().st_size == 0
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))


def make_read_only(path: Path) -> bool:
    """The file made unwritable, even for root (who ignores permissions): chattr +i. False if impossible."""
    path.chmod(0o444)
    if os.geteuid() != 0:
        return True
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_a_read_only_catalogue(tmp_path):
    path = tmp_path / "catalog.db"
    catalogue(path, 5)
    with sqlite3.connect(path) as conn:
        conn.execute("pragma journal_mode=delete")
    if not make_read_only(path):
        pytest.skip("cannot make a file read-only here (root without chattr)")
    try:
        before = path.read_bytes()
        for command in (["validate"], ["export", "aoe-json", "--out", "-"]):
            result = run_cli(*command, "--db", str(path))
            assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
        result = run_cli("check-links", "--db", str(path))
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip() == f"aineistopankki check-links: catalogue {path} is read-only; " + (
            "this command writes its results there"
        )
        assert path.read_bytes() == before
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        path.chmod(0o644)


def test_a_catalogue_opened_read_only_refuses_writes(tmp_path):
    from harvester.cli_catalogue import open_read_only

    path = tmp_path / "catalog.db"
    catalogue(path, 2)
    db = open_read_only(path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("delete from materials")
    db.close()


# --- CSV for spreadsheets (finding 9) -----------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("https://evil.example/","Avaa")',
    "+358 40 123",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd",
]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_text(start):
    from harvester.export.aoe import spreadsheet_cell

    assert spreadsheet_cell(start + "1+1") == "'" + start + "1+1"
    assert spreadsheet_cell("Opas " + start) == "Opas " + start
    assert spreadsheet_cell(3) == 3


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("formulas") / "catalog.db"
    catalogue(path, len(FORMULAS))
    with sqlite3.connect(path) as conn:
        for n, formula in enumerate(FORMULAS):
            conn.execute(
                "update materials set title = ?, description = ?, link_texts = ? where id = ?",
                [formula, formula, json.dumps([formula]), f"{n:016x}"],
            )
    return path


def no_formula_cells(text: str) -> list[list[str]]:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    return rows


def test_the_aoe_csv_never_starts_a_cell_with_a_formula(formula_db, tmp_path):
    out = tmp_path / "aoe.csv"
    result = run_cli("export", "aoe-csv", "--db", str(formula_db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    header, *rows = no_formula_cells(out.read_text(encoding="utf-8"))
    names = {row[header.index("name_fi")] for row in rows}
    assert names == {"'" + formula for formula in FORMULAS}  # the text kept, only marked as text
    served = get(build(formula_db), "/catalog/materials.aoecsv?_size=max")
    assert served.status_code == 200
    assert no_formula_cells(served.text)[1:] == rows


# --- heavy pages (finding 10) -------------------------------------------------------------------------


def counting_templates(ds, names: tuple[str, ...]):
    """Count (and slow down a little) the renderings of the given templates; returns the tallies."""
    tally = {"calls": 0, "running": 0, "most": 0}
    render = ds.render_template

    async def counted(templates, *args, **kwargs):
        name = templates if isinstance(templates, str) else templates[0]
        if name not in names:
            return await render(templates, *args, **kwargs)
        tally["calls"] += 1
        tally["running"] += 1
        tally["most"] = max(tally["most"], tally["running"])
        await asyncio.sleep(0.2)
        try:
            return await render(templates, *args, **kwargs)
        finally:
            tally["running"] -= 1

    ds.render_template = counted
    return tally


def test_a_heavy_page_is_computed_once_for_many_requests_and_anew_after_a_change(tmp_path):
    path = tmp_path / "catalog.db"
    catalogue(path, 3)
    ds = build(path)
    tally = counting_templates(ds, ("aoe_readiness.html",))

    async def many():
        await ds.invoke_startup()
        pages = await asyncio.gather(*(ds.client.get("/catalog/-/aoe-readiness") for _ in range(8)))
        return [page.text for page in pages]

    pages = asyncio.run(many())
    assert tally["calls"] == 1 and len(set(pages)) == 1
    assert get(ds, "/catalog/-/aoe-readiness").text == pages[0] and tally["calls"] == 1
    with sqlite3.connect(path) as conn:  # the catalogue changes (a harvest writing into it)
        conn.execute("update meta set value = value where key = key")
        conn.execute("create table touched (x)")
    get(ds, "/catalog/-/aoe-readiness")
    assert tally["calls"] == 2


def test_heavy_pages_run_two_at_a_time_and_light_pages_do_not_wait(tmp_path):
    from datasette.plugins import pm

    path = tmp_path / "catalog.db"
    catalogue(path, 3)
    ds = build(path)
    tally = counting_templates(ds, ("aoe_readiness.html",))
    heavy_pages = [p for p in pm.get_plugins() if getattr(p, "__name__", "") == "heavy_pages.py"][0]
    assert heavy_pages.is_heavy({"path": "/catalog/materials", "query_string": b""})
    assert heavy_pages.is_heavy({"path": "/catalog/materials.aoecsv", "query_string": b"_size=max"})
    assert not heavy_pages.is_heavy({"path": "/catalog/materials.json", "query_string": b"_nofacet=1"})
    assert not heavy_pages.is_heavy({"path": "/catalog/materials/0000000000000001", "query_string": b""})

    async def together():
        await ds.invoke_startup()
        finished = []

        async def heavy(n):
            response = await ds.client.get(f"/catalog/-/aoe-readiness?n={n}")  # not cached: 6 pages
            finished.append(n)
            return response

        heavy_pages = [asyncio.ensure_future(heavy(n)) for n in range(6)]
        await asyncio.sleep(0.05)  # the first two are running, four are waiting
        light = await ds.client.get("/-/versions.json")
        heavy_done_before_light = len(finished)
        return await asyncio.gather(*heavy_pages), light, heavy_done_before_light

    results, light, heavy_done_before_light = asyncio.run(together())
    assert all(r.status_code == 200 for r in results) and light.status_code == 200
    assert tally["calls"] == 6 and tally["most"] == 2
    assert heavy_done_before_light == 0  # the light page did not queue behind the heavy ones


def test_an_older_catalogue_is_read_through_an_upgraded_copy_and_left_as_it_was(tmp_path):
    import gzip

    path = tmp_path / "vanha.db"
    path.write_bytes(gzip.decompress((Path(__file__).parent / "fixtures" / "catalog-v1.db.gz").read_bytes()))
    before = path.read_bytes()
    result = run_cli("export", "aoe-json", "--db", str(path), "--out", str(tmp_path / "aoe.json"))
    assert result.returncode == 0 and "upgraded copy" in result.stderr, result.stderr
    assert len(json.loads((tmp_path / "aoe.json").read_text(encoding="utf-8"))) >= 10
    assert run_cli("validate", "--db", str(path)).returncode in (0, 1)
    assert path.read_bytes() == before


def test_a_cached_page_is_shared_only_between_requests_that_would_get_the_same(tmp_path):
    path = tmp_path / "catalog.db"
    catalogue(path, 2)
    ds = build(path)
    tally = counting_templates(ds, ("aoe_readiness.html",))

    async def requests():
        await ds.invoke_startup()
        for headers in (
            {},
            {},  # the same page: from the cache
            {"cookie": "ui_lang=sv"},  # another interface language: its own page
            {"cookie": "ui_lang=sv"},
            {"cookie": "ds_actor=someone"},  # signed in: never shared
            {"authorization": "Bearer x"},
        ):
            assert (await ds.client.get("/catalog/-/aoe-readiness", headers=headers)).status_code == 200

    asyncio.run(requests())
    assert tally["calls"] == 4


def test_text_and_path_segments_for_xml():
    from harvester.export.xmltext import url_segment, xml_text

    assert xml_text("Opas\x00\x08\x0b\x1f\x7f\x85\x9f\ufffe\uffff\ud800 ok\t\n") == "Opas ok\t\n"
    assert xml_text("Ääkköset – Ελληνικά 😀") == "Ääkköset – Ελληνικά 😀" and xml_text(None) is None
    assert url_segment('a<&"b c/\x01') == "a%3C%26%22b%20c%2F"
