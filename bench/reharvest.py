"""Re-harvest cost: the second harvest of the unchanged demo web, as ratios of the first.

Both harvests run against this process's demo web on loopback with the production pipeline and the
production politeness (one request at a time per host, AutoThrottle) with the delay scaled down to
DELAY seconds, since real harvests are bounded by politeness; bytes are counted at the server, time
is the wall time of the CLI (process start included).
Usage: python bench/reharvest.py [DELAY]   Prints a final line: reharvest bytes_ratio=… time_ratio=…
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cli_run import run_cli, sources_file  # noqa: E402

from demo.server import DemoWeb  # noqa: E402


def main() -> None:
    delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0.25
    with DemoWeb(base_port=0) as web, tempfile.TemporaryDirectory() as tmp:
        sources = sources_file(web, tmp)
        db = Path(tmp) / "catalog.db"
        figures = []
        for _ in range(2):
            mark = len(web.responses)
            seconds = run_cli("harvest", "--sources", sources, "--db", db, "--delay", str(delay))
            served = web.responses[mark:]
            figures.append(
                (seconds, sum(r.bytes for r in served), len(served), sum(r.status == 304 for r in served))
            )
    (t1, b1, n1, _), (t2, b2, n2, nm2) = figures
    print(f"first harvest:  {t1:6.2f} s  {b1:9d} bytes  {n1} responses")
    print(f"second harvest: {t2:6.2f} s  {b2:9d} bytes  {n2} responses ({nm2} not modified)")
    print(f"politeness delay {delay} s per host")
    print(
        f"reharvest bytes_ratio={b2 / b1:.3f} time_ratio={t2 / t1:.3f} (targets: bytes <= 0.10, time <= 0.30)"
    )


if __name__ == "__main__":
    main()
