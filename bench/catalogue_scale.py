"""A national-scale catalogue: 100,000 synthetic materials built with the project's own store code,
then Datasette's latency over loopback for the pages users hit.

Usage: python bench/catalogue_scale.py [N]     (N materials, default 100000)
Prints build time, database size and median / p95 latency of: the materials table page with its
facets (three array facets among them), a full-text search, the AOE readiness page, OAI-PMH pages,
a filtered JSON API call, and an AOE export of 10,000 records (command line).
Baseline: the same requests on a catalogue of N/10.

Then a load test on the N catalogue (issue 15): LOAD_CLIENTS clients at once ask for heavy pages
(readiness, dashboard, facet pages, AOE CSV exports, OAI-PMH, search, an arbitrary-SQL attempt)
while the front page and a light JSON call are timed; baseline: the same two idle, in the same run.
The load is run twice, with the cache and admission of heavy pages (datasette/plugins/heavy_pages.py)
and without them (AINEISTOPANKKI_HEAVY_PAGE_LIMITS=0), the state before issue 15.
"""

from __future__ import annotations

import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cli_run import run_cli  # noqa: E402

from harvester.catalog import open_catalog, publish_run, sync_registry  # noqa: E402
from harvester.registry import Source, load_projects  # noqa: E402
from harvester.tagging.vocabulary import ids as vocabulary_ids  # noqa: E402
from harvester.urls import material_id  # noqa: E402

SENTENCES = [
    "Kotoutumiskoulutus alkaa alkukartoituksen jälkeen, ja siinä opiskellaan suomen kieltä.",
    "TE-toimisto ohjaa työnhakijan palveluihin, ja Kela maksaa kotoutumistukea koulutuksen ajalta.",
    "Selkokielinen opas kertoo asumisesta, terveyspalveluista ja lasten päivähoidosta.",
    "Nivelvaiheen ohjaus auttaa hakeutumaan ammatilliseen koulutukseen ja tunnistamaan aiemman osaamisen.",
    "Työnantaja voi tukea maahanmuuttajan työkielen oppimista työpaikalla mentoroinnin avulla.",
    "Integrationsutbildningen ger kunskaper i svenska och om samhället i Finland.",
    "The guide explains registration, the personal identity code, Kela benefits and the initial assessment.",
    "Vertaisohjaajat ja järjestöt tarjoavat omakielistä neuvontaa alkuvaiheessa.",
    "Osaamisen tunnistaminen ja kielitaidon arviointi ovat työllistymisen tärkeitä vaiheita.",
    "Hankkeen toimintamalli juurrutettiin kunnan palveluihin ja sitä suositellaan muillekin kunnille.",
]
TYPES = {
    "guide": 20, "info-page": 18, "report": 12, "brochure": 10, "course-material": 10, "model": 8,
    "workbook": 6, "video": 5, "glossary": 3, "assessment": 3, "online-course": 2, "service-map": 1,
    "game-or-app": 1, "audio": 1,
}  # fmt: skip
LANGUAGES = {
    "fi": 50,
    "sv": 10,
    "en": 10,
    "ar": 6,
    "so": 5,
    "ru": 5,
    "fa": 4,
    "ti": 3,
    "ckb": 3,
    "uk": 2,
    "et": 2,
}
PHASES = vocabulary_ids("phases")
AUDIENCES = vocabulary_ids("audiences")
WORDS = ["kotoutumiskoulutus", "alkukartoitus", "selkokieli", "työnhaku", "ammatillinen", "Kela", "asuminen",
         "integrationsutbildning", "guide", "mentorointi"]  # fmt: skip


def pick(weights: dict, rng) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def synthetic(n: int, projects: list[dict], rng) -> dict[str, list[dict]]:
    """Materials by project id; project sizes follow a long tail (one pilot made thousands)."""
    weights = [1 / (i + 1) for i in range(len(projects))]
    by_project: dict[str, list[dict]] = {}
    for i in range(n):
        project = rng.choices(projects, weights=weights)[0]["id"]
        url = f"https://{project}.example.fi/materiaalit/{i}/aineisto-{i}.pdf"
        main = pick(LANGUAGES, rng)
        languages = [main] + ([rng.choice(["en", "fi", "sv"])] if rng.random() < 0.1 else [])
        text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(8, 20)))
        by_project.setdefault(project, []).append(
            {
                "id": material_id(url), "url": url, "canonical_url": url, "kind": "file", "format": "pdf",
                "title": f"{rng.choice(WORDS).capitalize()} – aineisto {i}", "description": text[:200],
                "type": pick(TYPES, rng), "languages": list(dict.fromkeys(languages)),
                "plain_language": int(rng.random() < 0.08),
                "phases": rng.sample(PHASES, rng.choice([1, 1, 2])),
                "audiences": rng.sample(AUDIENCES, rng.choice([1, 1, 2])),
                "text": text, "source_id": f"s-{project}",
                "project_id": project, "content_hash": f"h{i}", "link_texts": [], "locations": [url],
                "tag_evidence": {}, "published": f"{rng.randint(2016, 2020)}-0{rng.randint(1, 9)}-15",
            }
        )  # fmt: skip
    return by_project


def build(db_path: Path, n: int) -> tuple[float, str]:
    rng = random.Random(42)
    projects = load_projects()
    by_project = synthetic(n, projects, rng)
    started = time.perf_counter()
    db = open_catalog(db_path)
    sources = [Source(id=f"s-{p['id']}", name=p["id"], project=p["id"], start_urls=(f"https://{p['id']}.example.fi/",),
                      scope=(f"https://{p['id']}.example.fi/",)) for p in projects]  # fmt: skip
    sync_registry(db, projects, sources)
    for project_id, items in by_project.items():
        for start in range(0, len(items), 5000):
            publish_run(
                db,
                None,
                [{"source_id": f"s-{project_id}", "items": items[start : start + 5000], "report": {}}],
            )
    db.execute("ANALYZE")
    db.close()
    biggest = max(by_project, key=lambda p: len(by_project[p]))
    return time.perf_counter() - started, biggest


def latency(base: str, paths: list[str], rounds: int) -> tuple[float, float]:
    timings = []
    for i in range(rounds):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=60) as response:
            response.read()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def oai_pages(base: str) -> list[str]:
    """First pages of ListRecords (both formats, a set) and ListIdentifiers, and a page reached by
    the resumption token of the first one."""
    first = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
    with urllib.request.urlopen(base + first, timeout=60) as response:
        token = re.search(r"<resumptionToken[^>]*>([^<]+)<", response.read().decode("utf-8")).group(1)
    return [
        first,
        "/oai?verb=ListRecords&metadataPrefix=lrmi_fi&set=phase:transition",
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&from=2020-01-01",
        f"/oai?verb=ListRecords&resumptionToken={token}",
    ]


LOAD_CLIENTS = 8
HEAVY = [
    "/catalog/-/aoe-readiness",
    "/catalog/-/aoe-readiness.json",
    "/kojelauta",
    "/catalog/materials",
    "/catalog/materials?_tag_phases=transition",
    "/catalog/materials.aoecsv?_size=max",
    "/oai?verb=ListRecords&metadataPrefix=lrmi_fi&set=phase:transition",
    "/haku?q=opas",
    "/catalog.json?sql=select+printf('%.*c',300000000,'x')",
]
LIGHT = ["/catalog/materials.json?type=guide&_size=10&_nofacet=1"]


def under_load(base: str, rounds: int) -> dict:
    """Front page and a light JSON call, idle and while LOAD_CLIENTS clients ask for heavy pages."""
    import threading

    idle = {"front": latency(base, ["/"], rounds), "light": latency(base, LIGHT, rounds)}
    stop, statuses = threading.Event(), []

    def client(offset: int) -> None:
        i = offset
        while not stop.is_set():
            try:
                with urllib.request.urlopen(base + HEAVY[i % len(HEAVY)], timeout=120) as response:
                    response.read()
                    statuses.append(response.status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
            except OSError:
                statuses.append(0)
            i += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(LOAD_CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # every client has a request in flight
    loaded = {"front": latency(base, ["/"], rounds), "light": latency(base, LIGHT, rounds)}
    stop.set()
    for thread in threads:
        thread.join()
    return {"idle": idle, "loaded": loaded, "heavy_requests": len(statuses),
            "heavy_statuses": {code: statuses.count(code) for code in sorted(set(statuses))}}  # fmt: skip


def serve(db: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    import os

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "harvester.cli", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def measure(n: int, folder: Path, rounds: int, load: bool = False) -> dict:
    db = folder / "catalog.db"
    seconds, biggest = build(db, n)
    size_mb = db.stat().st_size / 1e6
    server, base = serve(db)
    try:
        figures = {
            "table page, 3 tag facets": latency(
                base,
                ["/catalog/materials", "/catalog/materials?type=guide", "/catalog/materials?round=2"],
                rounds,
            ),
            "… filtered by a tag": latency(
                base,
                ["/catalog/materials?_tag_phases=transition", "/catalog/materials?_tag_languages=so"],
                rounds,
            ),
            "… same, arraycontains": latency(
                base, ["/catalog/materials?phases__arraycontains=transition"], rounds // 4
            ),
            "search page /haku": latency(base, [f"/haku.json?q={quote(w)}" for w in WORDS], rounds),
            "results page, filters alone": latency(
                base, ["/haku?page=1", "/haku?plain=1", "/haku?languages=so&phases=initial"], rounds // 2
            ),
            "front page and dashboard": latency(base, ["/", "/kojelauta"], rounds // 2),
            "AOE readiness page (HTML, JSON)": latency(
                base, ["/catalog/-/aoe-readiness", "/catalog/-/aoe-readiness.json"], rounds // 2
            ),
            "OAI-PMH page (records, ids)": latency(base, oai_pages(base), rounds),
            "filtered JSON API": latency(
                base,
                [
                    "/catalog/materials.json?type=guide&round=2&_size=50&_nofacet=1",
                    "/catalog/materials.json?project_id=monet-polut&_search=kela&_size=50&_nofacet=1",
                ],
                rounds,
            ),
        }
        load_figures = under_load(base, rounds) if load else None
    finally:
        server.terminate()
        server.wait()
    if load:  # the same load without the page cache: what the cache is worth
        server, base = serve(db, {"AINEISTOPANKKI_HEAVY_PAGE_LIMITS": "0"})
        try:
            uncached = under_load(base, rounds)
        finally:
            server.terminate()
            server.wait()
    out = folder / "aoe.json"
    export_seconds = run_cli("export", "aoe-json", "--db", db, "--project", biggest, "--out", out)
    exported = len(json.loads(out.read_text(encoding="utf-8")))
    figures["AOE export"] = export_seconds * 1000, None
    result = {"n": n, "build_s": seconds, "size_mb": size_mb, "figures": figures, "exported": exported}
    if load:
        result["load"], result["load_uncached"] = load_figures, uncached
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        small_dir, big_dir = Path(tmp) / "small", Path(tmp) / "big"
        small_dir.mkdir()
        big_dir.mkdir()
        small = measure(n // 10, small_dir, 20)
        big = measure(n, big_dir, 40, load=True)
    for result in (small, big):
        print(f"{result['n']:7d} materials: built in {result['build_s']:.1f} s, {result['size_mb']:.0f} MB")
        for name, (median, p95) in result["figures"].items():
            extra = f" ({result['exported']} records)" if name == "AOE export" else ""
            p95_text = f"p95 {p95:7.1f} ms" if p95 is not None else ""
            print(f"    {name:26} median {median:8.1f} ms  {p95_text}{extra}")
    for name in ("load", "load_uncached"):
        found = big[name]
        print(f"{n:7d} materials, {LOAD_CLIENTS} clients on heavy pages ({name}): {found['heavy_requests']} "
              f"heavy requests answered {found['heavy_statuses']}")  # fmt: skip
        for page in ("front", "light"):
            (idle_median, idle_p95), (median, p95) = found["idle"][page], found["loaded"][page]
            print(f"    {page:6} idle median {idle_median:7.1f} p95 {idle_p95:7.1f} ms; "
                  f"under load median {median:7.1f} p95 {p95:7.1f} ms (x{p95 / idle_p95:.1f})")  # fmt: skip
    facet, search = big["figures"]["table page, 3 tag facets"][1], big["figures"]["search page /haku"][1]
    ready, oai = (
        big["figures"]["AOE readiness page (HTML, JSON)"][1],
        big["figures"]["OAI-PMH page (records, ids)"][1],
    )
    print(
        f"scale n={n} build_s={big['build_s']:.1f} size_mb={big['size_mb']:.0f} facet_p95_ms={facet:.0f} "
        f"(x{facet / small['figures']['table page, 3 tag facets'][1]:.1f} of n/10; target 300) "
        f"search_p95_ms={search:.0f} "
        f"(target 100) readiness_p95_ms={ready:.0f} (target 1000) oai_p95_ms={oai:.0f} (target 1000) "
        f"aoe_export_ms={big['figures']['AOE export'][0]:.0f} ({big['exported']} records) "
        f"front_p95_under_load_ms={big['load']['loaded']['front'][1]:.0f} "
        f"(x{big['load']['loaded']['front'][1] / big['load']['idle']['front'][1]:.1f} of idle; "
        f"without cache and admission {big['load_uncached']['loaded']['front'][1]:.0f}) "
        f"light_json_p95_under_load_ms={big['load']['loaded']['light'][1]:.0f} "
        f"(x{big['load']['loaded']['light'][1] / big['load']['idle']['light'][1]:.1f} of idle)"
    )


if __name__ == "__main__":
    main()
