"""Politeness floor: a harvest of 20 hosts of different sizes with the production politeness settings
(one request at a time per host, a fixed delay between requests, AutoThrottle), the delay scaled down.

The shortest possible harvest is max over hosts of (requests to the host × delay); the script prints
the wall time as a ratio of that floor, and the smallest gap between two requests any host saw
(measured at the server; it must never be below the delay).
Usage: python bench/politeness.py [DELAY]    (default 0.2 s)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from cli_run import run_cli, sources_file  # noqa: E402
from synthweb import SyntheticWeb  # noqa: E402

SIZES = [5, 8, 12, 15, 18, 22, 25, 28, 32, 35, 38, 42, 45, 50, 55, 60, 65, 70, 80, 90]  # pages per host


def main() -> None:
    delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0.2
    with SyntheticWeb(SIZES) as web, tempfile.TemporaryDirectory() as tmp:
        wall = run_cli("harvest", "--sources", sources_file(web, tmp), "--db", Path(tmp) / "catalog.db",
                       "--delay", str(delay), "--no-cache")  # fmt: skip
        arrivals = {host: sorted(times) for host, times in web.arrivals.items()}
    requests = {host: len(times) for host, times in arrivals.items()}
    floor = max(n - 1 for n in requests.values()) * delay  # n requests need n - 1 gaps
    first = min(t[0] for t in arrivals.values())
    last = max(t[-1] for t in arrivals.values())
    gaps = [b - a for times in arrivals.values() for a, b in zip(times, times[1:], strict=False)]
    violations = sum(gap < delay * 0.98 for gap in gaps)  # 2 % for timer resolution
    print(f"{len(SIZES)} hosts, {sum(requests.values())} requests, delay {delay} s; floor {floor:.2f} s")
    print(f"  crawl span at the servers {last - first:.2f} s ({(last - first) / floor:.3f} x floor)")
    print(f"  wall time of the command  {wall:.2f} s ({wall / floor:.3f} x floor, process start included)")
    print(f"  smallest gap between two requests to one host: {min(gaps):.3f} s; violations: {violations}")
    print(
        f"politeness span_ratio={(last - first) / floor:.3f} wall_ratio={wall / floor:.3f} "
        f"min_gap={min(gaps):.3f} violations={violations} (targets: ratio <= 1.15, 0 violations)"
    )


if __name__ == "__main__":
    main()
