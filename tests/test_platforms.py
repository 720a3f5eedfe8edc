"""Platform materials (issue 17): the registry, references on saved and handwritten pages, the
harvest that never asks a platform anything, and the opt-in oEmbed metadata against a local fake."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from helpers import REPO, LoopbackServer, run_cli

from harvester.extract.html import extract_html
from harvester.extract.platforms import PLATFORMS_FILE, load_registry, match, never_material, registry
from harvester.registry.validation import RegistryError
from harvester.spiders.documents import Context, page_materials
from harvester.tagging.tagger import tag
from harvester.urls import canonicalize
from harvester.works import assign_works

PAGE = "https://hanke.example.fi/materiaalit/"


def page(body: str, lang: str = "fi", title: str = "Materiaalit"):
    html = f"""<html lang="{lang}"><head><title>{title} | Hanke</title></head><body>
    <header><a href="https://www.facebook.com/hanke">Facebook</a></header>
    <main><h1>{title}</h1>{body}</main>
    <footer><a href="https://issuu.com/hanke/docs/footer-esite">Esite</a></footer></body></html>"""
    return extract_html(html, PAGE)


def refs_of(body: str, **kwargs):
    return page(body, **kwargs).platforms


# -- the registry ---------------------------------------------------------------------------------


def registry_examples():
    data = yaml.safe_load(PLATFORMS_FILE.read_text(encoding="utf-8"))
    return [
        pytest.param(p["id"], url, example["canonical"], id=f"{p['id']}:{url[:60]}")
        for p in data["platforms"]
        for example in p["examples"]
        for url in example["urls"]
    ]


@pytest.mark.parametrize(("platform", "url", "canonical"), registry_examples())
def test_every_documented_form_gives_its_platform_and_canonical_url(platform, url, canonical):
    found = match(url)
    assert found is not None, f"{url} is not recognised"
    assert (found.platform.id, found.canonical) == (platform, canonical)
    # the canonical URL is a form of its own: matching it again changes nothing, so the id is stable
    assert match(found.canonical).canonical == found.canonical


def test_every_platform_has_an_example_and_a_vocabulary_type():
    from harvester.tagging.vocabulary import ids

    data = yaml.safe_load(PLATFORMS_FILE.read_text(encoding="utf-8"))
    assert {p["id"] for p in data["platforms"]} == {p.id for p in registry().platforms}
    assert all(p.type in ids("types") for p in registry().platforms)
    assert {"issuu", "google-slides", "google-drive", "slideshare", "thinglink", "padlet", "soundcloud",
            "spotify", "google-play", "app-store", "moodle", "h5p", "youtube", "vimeo"} <= {
        p.id for p in registry().platforms
    }  # fmt: skip


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://www.facebook.com/hyvaalku", "social profile"),
        ("https://www.instagram.com/hyvaalku/", "social profile"),
        ("https://x.com/hyvaalku", "social profile"),
        ("https://fi.linkedin.com/company/hyvaalku", "social profile"),
        ("https://www.youtube.com/@hyvaalku", "social profile"),
        ("https://www.youtube.com/channel/UC1234567890", "social profile"),
        ("https://issuu.com/hyvaalku", "social profile"),
        ("https://soundcloud.com/hyvaalku", "social profile"),
        ("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fa.fi%2F", "social profile"),
        ("https://twitter.com/intent/tweet?url=https%3A%2F%2Fa.fi%2F", "social profile"),
        ("https://api.whatsapp.com/send?text=x", "share intent"),
        ("https://www.addtoany.com/share#url=x", "share intent"),
        ("https://www.google.com/maps/place/Asemakatu+5", "map"),
        ("https://maps.app.goo.gl/AbCdEf", "map"),
        ("https://www.openstreetmap.org/#map=15/65.0/25.4", "map"),
        ("https://zoom.us/j/6412207731", "meeting link"),
        ("https://teams.microsoft.com/l/meetup-join/19%3ameeting", "meeting link"),
        ("https://meet.google.com/abc-defg-hij", "meeting link"),
        ("https://docs.google.com/forms/d/e/1FAIpQL/viewform", "form or survey"),
        ("https://www.rakennerahastot.fi", "home page"),
        ("https://www.merikoski.fi/sv/", "home page"),
    ],
)
def test_never_materials_are_named_and_never_matched(url, why):
    assert never_material(url) == why
    assert match(url) is None


def test_a_bad_registry_stops_with_the_line_and_the_entry(tmp_path):
    good = yaml.safe_load(PLATFORMS_FILE.read_text(encoding="utf-8"))
    cases = {
        "unknown type": ({**good["platforms"][0], "type": "leaflet"}, "unknown type leaflet"),
        "bad regex": (
            {**good["platforms"][0], "forms": [{"host": "(issuu", "path": "/x"}]},
            "is not a regular expression",
        ),
        "missing group": (
            {**good["platforms"][0], "canonical": "https://a.fi/{nothing}"},
            "gives no nothing",
        ),
    }
    for name, (broken, expected) in cases.items():
        path = tmp_path / f"{name.replace(' ', '-')}.yml"
        path.write_text(yaml.safe_dump({"platforms": [broken], "never": good["never"]}), encoding="utf-8")
        with pytest.raises(RegistryError) as error:
            load_registry(path)
        assert (
            expected in str(error.value)
            and str(path) in str(error.value)
            and "platform #1" in str(error.value)
        )


# -- references on a page -------------------------------------------------------------------------

LINK_AND_EMBED = [
    ("issuu", "https://issuu.com/kunta/docs/esite_2019", "https://e.issuu.com/embed.html?d=esite_2019&u=kunta"),
    ("youtube", "https://youtu.be/aB3dE5fG7h0", "https://www.youtube-nocookie.com/embed/aB3dE5fG7h0?rel=0"),
    ("vimeo", "https://vimeo.com/412345678", "https://player.vimeo.com/video/412345678?h=ab12"),
    (
        "google-slides",
        "https://docs.google.com/presentation/d/1xQvTqE3nA0mZ8kPp7LrS2wYb4cDf6gH/edit?usp=sharing",
        "https://docs.google.com/presentation/d/1xQvTqE3nA0mZ8kPp7LrS2wYb4cDf6gH/embed?start=false",
    ),
    (
        "google-drive",
        "https://drive.google.com/open?id=1ZyXwVuTsRqPoNmLkJiHgFeDcBa98",
        "https://drive.google.com/file/d/1ZyXwVuTsRqPoNmLkJiHgFeDcBa98/preview",
    ),
    (
        "slideshare",
        "https://www.slideshare.net/slideshow/alkuvaiheen-ohjaus/78123456",
        "https://www.slideshare.net/slideshow/embed_code/78123456",
    ),
    ("thinglink", "https://www.thinglink.com/scene/1187365042918374402", "https://www.thinglink.com/view/scene/1187365042918374402"),
    ("padlet", "https://padlet.com/ope/arjen-sanat-k4j7m2n9p5q8r1s3", "https://padlet.com/embed/k4j7m2n9p5q8r1s3"),
    (
        "soundcloud",
        "https://soundcloud.com/hanke-podcast/jakso-1",
        "https://w.soundcloud.com/player/?url=https%3A//soundcloud.com/hanke-podcast/jakso-1&color=%23ff5500",
    ),
    ("spotify", "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk", "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk"),
    ("h5p", "https://opisto.h5p.com/content/1291234567890123456", "https://opisto.h5p.com/content/1291234567890123456/embed"),
    ("prezi", "https://prezi.com/p/ab1cd2ef3gh4/kotoutumisen-polku/", "https://prezi.com/p/embed/ab1cd2ef3gh4/"),
    ("calameo", "https://www.calameo.com/read/0061234567890abcdef1", "https://v.calameo.com/?bkcode=0061234567890abcdef1"),
]  # fmt: skip


@pytest.mark.parametrize(("platform", "link", "embed"), LINK_AND_EMBED, ids=[c[0] for c in LINK_AND_EMBED])
def test_the_link_and_the_embed_of_one_material_give_one_id(platform, link, embed):
    refs = refs_of(
        f'<h2>Aineisto</h2><p><a href="{link}">Tervetuloa-opas uudelle asukkaalle</a></p>'
        f'<iframe src="{embed.replace("&", "&amp;")}" title="Tervetuloa-opas uudelle asukkaalle"></iframe>'
    )
    assert [(r.match.platform.id, r.form) for r in refs] == [(platform, "link"), (platform, "embed")]
    assert refs[0].match.id == refs[1].match.id


def test_off_host_non_materials_and_chrome_are_ignored():
    refs = refs_of(
        """<p>Seuraa meitä: <a href="https://www.facebook.com/hanke">Facebook</a>,
        <a href="https://www.instagram.com/hanke/">Instagram</a>, <a href="https://www.youtube.com/@hanke">YouTube</a>,
        <a href="https://issuu.com/hanke">Issuu</a>. Jaa: <a href="https://twitter.com/intent/tweet?url=x">X</a>
        <a href="https://www.linkedin.com/sharing/share-offsite/?url=x">LinkedIn</a>
        <a href="mailto:info@hanke.example.fi">Sähköposti</a></p>
        <p><a href="https://www.google.com/maps/place/Asemakatu+5">Kartta</a>
        <a href="https://zoom.us/j/6412207731">Zoom</a> <a href="https://www.rakennerahastot.fi/">Rahoittaja</a>
        <a href="https://www.ely-keskus.fi/web/ely/uutiset">ELY</a></p>
        <iframe src="https://www.google.com/maps/embed?pb=!1m18" title="Kartta"></iframe>"""
    )
    assert refs == []  # and the Issuu link in the footer is site chrome


def test_title_evidence_order_embed_title_then_link_text_then_heading_or_caption():
    refs = refs_of(
        """<h2>Videot</h2>
        <iframe src="https://www.youtube.com/embed/aB3dE5fG7h0" title="Näin haet asuntoa"></iframe>
        <iframe src="https://www.youtube.com/embed/bB3dE5fG7h1" title="YouTube video player"></iframe>
        <figure><iframe src="https://player.vimeo.com/video/412345678"></iframe>
          <figcaption>Kelan palvelut selkosuomeksi</figcaption></figure>
        <h3>Esitteet</h3>
        <ul><li><a href="https://issuu.com/kunta/docs/esite">Tervetuloa Merikoskelle -esite</a></li>
        <li><a href="https://drive.google.com/file/d/1ZyXwVuTsRqPoNmLkJiHgFeDcBa98/view">sanasto_2019.pdf</a></li>
        <li><a href="https://issuu.com/kunta/docs/esite-2">Lue esite Issuussa</a></li>
        <li><a href="https://docs.google.com/document/d/1Abc2Def3Ghi4Jkl5Mno6Pqr7Stu8Vwx9Yz0/edit">https://docs.google.com/document/d/1Abc2Def3Ghi4</a></li>
        </ul>"""
    )
    assert [(r.title, r.title_evidence) for r in refs] == [
        ("Näin haet asuntoa", "embed title"),
        ("Videot", "heading"),  # a generic iframe title is no title
        ("Kelan palvelut selkosuomeksi", "figure caption"),
        ("Tervetuloa Merikoskelle -esite", "link text"),
        ("Esitteet", "heading"),  # a file name is never a title
        ("Esitteet", "heading"),  # an invitation to read is none either
        ("Esitteet", "heading"),  # nor a bare URL
    ]


def test_a_list_item_names_its_language_links_and_a_label_gives_the_language():
    refs = refs_of(
        """<h2>Esitteet</h2><ul>
        <li>Vuokra-asunto – esite: <a href="https://issuu.com/k/docs/vuokra-fi">suomeksi</a> |
            <a href="https://issuu.com/k/docs/vuokra-so">somaliksi</a> |
            <a href="https://issuu.com/k/docs/vuokra-ar" hreflang="ar">العربية</a></li>
        <li><a href="https://issuu.com/k/docs/opas-ti">Opas uudelle asukkaalle</a> (tigrinja)</li>
        <li lang="sv"><a href="https://issuu.com/k/docs/guide-sv">Guide för nya invånare</a></li>
        <li><a href="https://issuu.com/k/docs/opas-fi">Opas uudelle asukkaalle</a></li></ul>"""
    )
    assert [(r.title, r.language, r.language_evidence) for r in refs] == [
        ("Vuokra-asunto – esite", "fi", "link text"),
        ("Vuokra-asunto – esite", "so", "link text"),
        ("Vuokra-asunto – esite", "ar", "hreflang"),
        ("Opas uudelle asukkaalle", "ti", "label beside the link"),
        ("Guide för nya invånare", "sv", "section lang"),
        ("Opas uudelle asukkaalle", "fi", "page"),
    ]
    assert len({r.group for r in refs[:3]}) == 1 and refs[3].group != refs[0].group


def test_malformed_links_never_break_a_page_and_the_rest_is_kept():
    html = """<html lang="fi"><body><main><h1>Materiaalit</h1>
      <p>Hankkeen oppaat ja esitteet uusille asukkaille. <a href="http://[ccpa-preferences]/x">Evästeet</a>
      <a href="http://exa mple.com/opas">Opas</a> <a href="https://:80/">Tyhjä</a> <a href="http://a.fi:99999/">Portti</a>
      <a href="/opas.pdf">Opas (PDF)</a> <a href="https://issuu.com/k/docs/esite">Esite</a></p>
      <iframe src="http://[::1"></iframe><link rel="canonical" href="http://[bad/"></main></body></html>"""
    items, extracted = page_materials(html, PAGE, len(html), "text/html", Context(source_id="s"))
    assert [link.url for link in extracted.links] == [
        "https://hanke.example.fi/opas.pdf",
        "https://issuu.com/k/docs/esite",
    ]
    assert [i["url"] for i in items] == [PAGE, "https://issuu.com/k/docs/esite"]


def test_a_platform_material_is_catalogued_from_the_page_with_its_evidence():
    html = """<html lang="fi"><body><main><h1>Materiaalit</h1>
      <h2>Esitteet uusille asukkaille</h2>
      <ul><li>Tervetuloa Merikoskelle: <a href="https://issuu.com/k/docs/tervetuloa-fi">suomeksi</a>,
      <a href="https://issuu.com/k/docs/tervetuloa-so">somaliksi</a></li></ul>
      <h2>Pelit</h2><p><a href="https://play.google.com/store/apps/details?id=fi.k.peli&amp;hl=fi">Arjen
      sanat -peli Google Playssa</a></p></main></body></html>"""
    items, _ = page_materials(html, PAGE, len(html), "text/html", Context(source_id="s", project_id=None))
    fi, so, game = items[1:]
    assert (fi["url"], fi["kind"], fi["format"], fi["referrer"]) == (
        "https://issuu.com/k/docs/tervetuloa-fi", "embed", "publication", PAGE,
    )  # fmt: skip
    for item in items[1:]:
        item["id"] = canonicalize(item["url"])
        tag(item)
    assert (fi["type"], fi["languages"], so["languages"]) == ("brochure", ["fi"], ["so"])
    assert game["type"] == "game-or-app" and game["title"] == "Arjen sanat -peli Google Playssa"
    note = fi["tag_evidence"]["catalogued"]["note"]
    assert f"catalogued from the page {PAGE}, not fetched" in note
    assert f"Luetteloitu sivulta {PAGE}, ei haettu" in note and "inte hämtad" in note
    # side by side in one list item, in two languages: one work; the game is a work of its own
    works = assign_works([fi, so, game])
    assert works[fi["id"]] == works[so["id"]] != works[game["id"]]


def test_two_materials_of_one_language_side_by_side_stay_two_works():
    items = [
        {"id": "a", "url": "https://issuu.com/k/docs/a", "kind": "embed", "languages": ["fi"],
         "page_signals": {"platform_group": "p#/ul"}},
        {"id": "b", "url": "https://issuu.com/k/docs/b", "kind": "embed", "languages": ["fi"],
         "page_signals": {"platform_group": "p#/ul"}},
    ]  # fmt: skip
    assert assign_works(items) == {"a": "a", "b": "b"}


# -- the demo web: catalogued as the gold says, never fetched --------------------------------------


def _gold_platform_entries(demo_web):
    entries = []
    for path in sorted((REPO / "demo" / "gold").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries += [(data, m) for m in data.get("materials") or [] if match(m["path"])]
    return entries


@pytest.mark.e2e
def test_demo_platform_materials_have_the_gold_title_type_and_languages(harvested, demo_web):
    db, _ = harvested
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {r["url"]: dict(r) for r in conn.execute("select * from materials where kind = 'embed'")}
    gold = _gold_platform_entries(demo_web)
    assert len(gold) >= 12 and len({match(m["path"]).platform.id for _, m in gold}) >= 9
    problems = []
    for _, m in gold:
        row = rows.get(canonicalize(m["path"]))
        if row is None:
            problems.append(f"missing {m['path']}")
        elif (row["title"], row["type"], json.loads(row["languages"])) != (
            m["title"],
            m["type"],
            m["languages"],
        ):
            problems.append(f"{m['path']}: {row['title']!r} {row['type']} {row['languages']}")
    assert not problems, "\n".join(problems)
    # one Issuu publication linked from a project site and embedded on the hub: one material, both pages
    issuu = "https://issuu.com/hyvaalku-lansirannikko/docs/vuokra-asunto-porissa-esite-fi"
    locations = {
        r[0]
        for r in conn.execute("select url from material_locations where material_id = ?", [rows[issuu]["id"]])
    }
    assert {
        demo_web.origin("lansirannikko") + "/materiaalit/",
        demo_web.origin("hub") + "/kotona-suomessa",
    } <= locations
    assert rows[issuu]["project_id"] == "hyva-alku-lansirannikolla"
    somali = rows[issuu.replace("-fi", "-so")]
    assert somali["work_id"] == rows[issuu]["work_id"]


@pytest.mark.e2e
def test_no_off_host_non_material_of_the_demo_web_is_catalogued(harvested):
    db, _ = harvested
    conn = sqlite3.connect(db)
    catalogued = {r[0] for r in conn.execute("select url from materials")}
    off_host = [
        canonicalize(e["url"])
        for path in sorted((REPO / "demo" / "gold").glob("*.yml"))
        for e in yaml.safe_load(path.read_text(encoding="utf-8")).get("off_host_non_materials") or []
    ]
    assert len(off_host) >= 10
    assert not set(off_host) & catalogued


PROBE = "https://issuu.com/k/docs/x"
NETWORK_HOOK = textwrap.dedent(
    '''
    """Test hook: every name lookup and connection of this process is logged; only loopback passes."""
    import os
    import socket

    LOG = os.environ["AINEISTOPANKKI_NETWORK_LOG"]
    LOOPBACK = {"127.0.0.1", "::1", "localhost"}


    def _log(kind, host):
        with open(LOG, "a", encoding="utf-8") as out:
            out.write(f"{kind} {host}\\n")


    def _guard(kind, host):
        host = host.decode() if isinstance(host, bytes) else str(host)
        _log(kind, host)
        if host not in LOOPBACK:
            raise OSError(f"the test allows loopback only, not {host}")


    def _wrap(function, kind):
        def wrapped(host, *args, **kwargs):
            _guard(kind, host)
            return function(host, *args, **kwargs)
        return wrapped


    socket.getaddrinfo = _wrap(socket.getaddrinfo, "resolve")
    socket.gethostbyname = _wrap(socket.gethostbyname, "resolve")
    socket.gethostbyname_ex = _wrap(socket.gethostbyname_ex, "resolve")
    for name in ("connect", "connect_ex"):
        original = getattr(socket.socket, name)

        def method(self, address, _original=original):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                _guard("connect", address[0])
            return _original(self, address)

        setattr(socket.socket, name, method)
    '''
)


@pytest.mark.e2e
def test_a_demo_web_harvest_never_sends_a_request_to_a_platform_host(demo_sources, tmp_path):
    """Observed at the network level: every name lookup and connection of the harvest process (and
    its tagging workers) is logged by a hook loaded at interpreter start; only loopback may pass."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(NETWORK_HOOK, encoding="utf-8")
    log = tmp_path / "network.log"
    env = {**os.environ, "PYTHONPATH": str(hook), "AINEISTOPANKKI_NETWORK_LOG": str(log)}

    # the hook sees what a process tries: a request to a platform is caught and refused
    probe = subprocess.run(
        [sys.executable, "-c", f"import urllib.request; urllib.request.urlopen({PROBE!r}, timeout=3)"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert probe.returncode != 0 and "resolve issuu.com" in log.read_text(encoding="utf-8")
    log.unlink()

    db = tmp_path / "catalog.db"
    result = subprocess.run(
        [sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(demo_sources), "--db", str(db),
         "--delay", "0", "--no-cache"],
        env=env, capture_output=True, text=True, timeout=900, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    seen = [line.split(" ", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    assert ["connect", "127.0.0.1"] in seen  # the demo web was reached through the hook
    assert {host for _, host in seen} <= {"127.0.0.1", "::1", "localhost"}
    platforms = (
        sqlite3.connect(db).execute("select count(*) from materials where kind = 'embed'").fetchone()[0]
    )
    assert platforms >= 12  # and the platform materials are in the catalogue all the same


# -- opt-in oEmbed metadata against a local fake endpoint -----------------------------------------

SITE_PAGES = {
    "/": """<html lang="fi"><body><main><h1>Hankkeen materiaalit</h1><h2>Esitteet</h2><ul>
        <li><a href="https://issuu.com/hanke/docs/tervetuloa-fi">Esite suomeksi</a></li>
        <li><a href="https://www.slideshare.net/slideshow/embed_code/78123456">Koulutuksen diat</a></li>
        <li><a href="/toinen/">Toinen sivu</a></li></ul></main></body></html>""",
    "/toinen/": """<html lang="fi"><body><main><h1>Toinen sivu</h1><h2>Video</h2>
        <iframe title="Tervetuloa-esite"
          src="https://e.issuu.com/embed.html?u=hanke&amp;d=tervetuloa-fi"></iframe>
        <iframe src="https://www.youtube.com/embed/aB3dE5fG7h0" title="Näin haet asuntoa"></iframe>
        </main></body></html>""",
}
OEMBED_TITLES = {
    "https://issuu.com/hanke/docs/tervetuloa-fi": "Tervetuloa Merikoskelle – esite uudelle asukkaalle",
    "https://www.youtube.com/watch?v=aB3dE5fG7h0": "Näin haet vuokra-asuntoa Merikoskella",
}


class FakeSite(LoopbackServer):
    def _handler(self):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = SITE_PAGES.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "").encode("utf-8"))

            def log_message(self, *args):
                pass

        return Handler


class FakeOembed(LoopbackServer):
    """oEmbed as Issuu and YouTube document it: GET ?url=<material>&format=json → {"title": …}."""

    def __init__(self, robots: str = "User-agent: *\nAllow: /\n"):
        import threading

        self.robots = robots
        self.requests: list[str] = []
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                with server.lock:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                time.sleep(0.2)  # long enough for a second request to overlap, were it sent
                with server.lock:
                    server.in_flight -= 1
                if self.path == "/robots.txt":
                    body, kind, status = server.robots, "text/plain", 200
                else:
                    url = parse_qs(urlsplit(self.path).query).get("url", [""])[0]
                    title = OEMBED_TITLES.get(url)
                    body = json.dumps({"version": "1.0", "type": "rich", "title": title}) if title else ""
                    kind, status = "application/json", 200 if title else 404
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.end_headers()
                self.wfile.write(body.encode("utf-8"))

            def log_message(self, *args):
                pass

        return Handler


def _harvest_with_metadata(tmp_path, monkeypatch, metadata: bool, robots: str = "User-agent: *\nAllow: /\n"):
    site, oembed = FakeSite().start(), FakeOembed(robots).start()
    try:
        sources = tmp_path / "sources.yml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {
                            "id": "hanke",
                            "name": "Hanke",
                            "start_urls": [site.origin + "/"],
                            **({"platform_metadata": True} if metadata else {}),
                        }
                    ]
                }  # fmt: skip
            ),
            encoding="utf-8",
        )
        monkeypatch.setenv("AINEISTOPANKKI_OEMBED_URL", oembed.origin + "/oembed")
        db = tmp_path / "catalog.db"
        result = run_cli("harvest", "--sources", str(sources), "--db", str(db), "--delay", "0", "--no-cache")
        assert result.returncode == 0, result.stdout + result.stderr
        conn = sqlite3.connect(db)
        titles = dict(conn.execute("select url, title from materials where kind = 'embed'"))
        return titles, oembed.requests, oembed.most_in_flight
    finally:
        site.stop()
        oembed.stop()


@pytest.mark.e2e
def test_oembed_is_off_by_default(tmp_path, monkeypatch):
    titles, requests, _ = _harvest_with_metadata(tmp_path, monkeypatch, metadata=False)
    assert requests == []
    assert titles["https://issuu.com/hanke/docs/tervetuloa-fi"] in ("Esite suomeksi", "Tervetuloa-esite")


@pytest.mark.e2e
def test_platform_metadata_fetches_one_oembed_url_per_material_politely(tmp_path, monkeypatch):
    titles, requests, most_in_flight = _harvest_with_metadata(tmp_path, monkeypatch, metadata=True)
    assert requests[0] == "/robots.txt"
    # one at a time: requests that wait for a host's robots.txt together are not all checked against it
    # by Scrapy 2.19, and a platform's endpoint is asked politely anyway
    assert most_in_flight == 1
    asked = [parse_qs(urlsplit(r).query)["url"][0] for r in requests[1:]]
    # the Issuu publication is linked on one page and embedded on another: asked for once
    assert sorted(asked) == sorted(
        [*OEMBED_TITLES, "https://www.slideshare.net/slideshow/embed_code/78123456"]
    )
    for url, title in OEMBED_TITLES.items():
        assert titles[url] == title
    # no answer for the SlideShare deck (404): it keeps what its page said
    assert titles["https://www.slideshare.net/slideshow/embed_code/78123456"] == "Koulutuksen diat"


@pytest.mark.e2e
def test_platform_metadata_obeys_the_endpoints_robots_txt(tmp_path, monkeypatch):
    titles, requests, _ = _harvest_with_metadata(
        tmp_path, monkeypatch, metadata=True, robots="User-agent: *\nDisallow: /oembed\n"
    )
    assert requests == ["/robots.txt"]
    assert titles["https://www.youtube.com/watch?v=aB3dE5fG7h0"] == "Näin haet asuntoa"


def test_the_sources_schema_takes_platform_metadata(tmp_path):
    from harvester.registry import load_sources

    path = tmp_path / "sources.yml"
    path.write_text(
        "sources:\n  - {id: a, name: A, start_urls: ['https://a.fi/'], platform_metadata: true}\n"
        "  - {id: b, name: B, start_urls: ['https://b.fi/']}\n",
        encoding="utf-8",
    )
    assert [s.platform_metadata for s in load_sources(path)] == [True, False]
    path.write_text(
        "sources:\n  - {id: a, name: A, start_urls: ['https://a.fi/'], platform_metadata: kyllä}\n"
    )
    with pytest.raises(RegistryError, match="platform_metadata"):
        load_sources(path)


def test_lazy_and_consent_held_embeds_and_bare_wordpress_embed_urls_are_found():
    refs = refs_of(
        """<h2>Videot</h2>
        <iframe src="about:blank" data-src="https://www.youtube.com/embed/aB3dE5fG7h0"
          title="Kela tutuksi"></iframe>
        <iframe data-cookieblock-src="https://player.vimeo.com/video/412345678" title="TE-palvelut"></iframe>
        <figure class="wp-block-embed is-provider-issuu"><div class="wp-block-embed__wrapper">
        https://issuu.com/kunta/docs/esite_2019
        </div><figcaption>Tervetuloa-esite</figcaption></figure>
        <lite-youtube videoid="cB3dE5fG7h2">
          <a href="https://youtube.com/watch?v=cB3dE5fG7h2">Katso video</a></lite-youtube>"""
    )
    assert [(r.match.canonical, r.title) for r in refs] == [
        ("https://www.youtube.com/watch?v=aB3dE5fG7h0", "Kela tutuksi"),
        ("https://vimeo.com/412345678", "TE-palvelut"),
        ("https://issuu.com/kunta/docs/esite_2019", "Tervetuloa-esite"),
        ("https://www.youtube.com/watch?v=cB3dE5fG7h2", "Videot"),
        ("https://www.youtube.com/watch?v=cB3dE5fG7h2", "Videot"),  # its fallback link: one material
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://soundcloud.com/hanke-podcast/tracks",
        "https://soundcloud.com/hanke-podcast/sets",
        "https://www.slideshare.net/hankeesimerkki",
        "https://vimeo.com/channels/hanke",
        "https://issuu.com/hanke/docs",
        "https://open.spotify.com/user/hanke",
        "https://play.google.com/store/apps/developer?id=Kaupunki",
    ],
)
def test_profiles_and_listings_on_platform_hosts_are_no_materials(url):
    assert match(url) is None
