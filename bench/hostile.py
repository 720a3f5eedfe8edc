"""Memory under hostile input: the peak RSS of a harvest of sites serving 20 MB pages (and an Office
zip bomb, a PDF past pypdf's limits, control characters) beside a harvest of a plain site of the same
page count, measured in the same run. Issue 15: 10 such pages took 884 MB, 40 took 2.1 GB; the
target is under 500 MB whatever the count. Then the search of the catalogue that harvest made, served
by `aineistopankki serve`, idle and while the same hostile sites are harvested again (the finding:
/haku?q=opas took 31-58 s over 20 MB texts); the target is under 1 s.
Usage: python bench/hostile.py [PAGES [SITES]]    (default 40 pages on 2 sites)
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from faultweb import MEASURED, HostileWeb, MaterialsWeb  # noqa: E402
from helpers import served_datasette  # noqa: E402

SEARCHES = ("/haku?q=opas", "/haku?q=kotoutuminen", "/haku.json?q=tervetuloa&size=20", "/haku?q=ohje")


def search_times(base: str, rounds: int) -> list[float]:
    """Seconds of each search request (every one must answer 200)."""
    import urllib.request

    times = []
    for _ in range(rounds):
        for path in SEARCHES:
            started = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{path} answered {response.status}")
            times.append(time.perf_counter() - started)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]


def search_under_harvest(webs, folder: Path) -> tuple[list[float], list[float]]:
    """Search latency of the catalogue in folder: idle, then while its sites are harvested again."""
    with served_datasette(folder / "catalog.db") as base:
        search_times(base, 1)  # the first search loads the lemma dictionaries
        idle = search_times(base, 5)
        harvest = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harvester.cli",
                "harvest",
                "--sources",
                str(folder / "sources.yml"),
                "--db",
                str(folder / "catalog.db"),
                "--delay",
                "0",
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        busy: list[float] = []
        try:
            while harvest.poll() is None or not busy:
                busy += search_times(base, 1)
        finally:
            harvest.wait(timeout=600)
    return idle, busy


def measured_harvest(webs, folder: Path, extra: str = "") -> tuple[int, int, float]:
    """(crawler peak MB, tagging worker peak MB, seconds) of one harvest of the webs."""
    entries = "".join(
        f"  - id: site-{n}\n    name: Site {n}\n    start_urls: ['{web.origin}/']\n{extra}"
        for n, web in enumerate(webs)
    )
    sources = folder / "sources.yml"
    sources.write_text(f"sources:\n{entries}", encoding="utf-8")
    db = folder / "catalog.db"
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURED,
            "harvest",
            "--sources",
            str(sources),
            "--db",
            str(db),
            "--delay",
            "0",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    seconds = time.perf_counter() - started
    found = re.search(r"PEAK_RSS_MB (\d+) (\d+)", result.stderr)
    if result.returncode not in (0, 3) or not found:
        raise SystemExit(result.stderr[-3000:])
    return int(found.group(1)), int(found.group(2)), seconds


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    sites = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    per_site = max(1, pages // sites)
    with tempfile.TemporaryDirectory() as tmp:
        plain = [MaterialsWeb(count=per_site).start() for _ in range(sites)]
        (Path(tmp) / "plain").mkdir()
        base = measured_harvest(plain, Path(tmp) / "plain")
        for web in plain:
            web.stop()
        hostile = [HostileWeb(huge_pages=per_site, page_mb=20).start() for _ in range(sites)]
        (Path(tmp) / "hostile").mkdir()
        hit = measured_harvest(hostile, Path(tmp) / "hostile", "    platform: wordpress\n")
        idle, busy = search_under_harvest(hostile, Path(tmp) / "hostile")
        for web in hostile:
            web.stop()
    print(
        f"{sites} sites x {per_site} pages; hostile pages of 20 MB each (plus bombs and control characters)"
    )
    print(f"  plain site:   crawler {base[0]} MB, tagging worker {base[1]} MB, {base[2]:.1f} s")
    print(f"  hostile site: crawler {hit[0]} MB, tagging worker {hit[1]} MB, {hit[2]:.1f} s")
    print(
        f"peak RSS hostile/plain: crawler {hit[0] / base[0]:.2f}, worker {hit[1] / base[1]:.2f};"
        f" crawler {hit[0]} MB ({'under' if hit[0] < 500 else 'OVER'} the 500 MB target)"
    )
    print(
        f"search of that catalogue, median / p95: idle {statistics.median(idle) * 1000:.0f} / "
        f"{p95(idle) * 1000:.0f} ms ({len(idle)} requests); during a harvest of the hostile sites "
        f"{statistics.median(busy) * 1000:.0f} / {p95(busy) * 1000:.0f} ms ({len(busy)} requests)"
    )
    print(
        f"hostile: crawler_peak_mb={hit[0]} under_500mb={'yes' if hit[0] < 500 else 'no'} "
        f"search_p95_ms={p95(busy) * 1000:.0f} search_busy_over_idle={p95(busy) / p95(idle):.2f} "
        f"search_under_1s={'yes' if max(busy) < 1.0 else 'no'}"
    )


if __name__ == "__main__":
    main()
