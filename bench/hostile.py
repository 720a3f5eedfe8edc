"""Memory under hostile input: the peak RSS of a harvest of sites serving 20 MB pages (and an Office
zip bomb, a PDF past pypdf's limits, control characters) beside a harvest of a plain site of the same
page count, measured in the same run. Issue 15: 10 such pages took 884 MB, 40 took 2.1 GB; the
target is under 500 MB whatever the count.
Usage: python bench/hostile.py [PAGES [SITES]]    (default 40 pages on 2 sites)
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from faultweb import HostileWeb, MaterialsWeb  # noqa: E402

MEASURED = """
import resource, sys
from harvester.cli import main
code = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"PEAK_RSS_MB {peak} {worker}", file=sys.stderr)
sys.exit(code)
"""


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


if __name__ == "__main__":
    main()
