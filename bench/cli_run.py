"""How the benchmarks run the operator's commands: `python -m harvester.cli` in its own process, so that
the figures include what an operator waits for (process start, imports, the whole pipeline)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def sources_file(web, folder: str | Path) -> Path:
    """The sources.yml of a served test web (DemoWeb or SyntheticWeb) written into folder."""
    path = Path(folder) / "sources.yml"
    path.write_text(web.sources_yaml(), encoding="utf-8")
    return path


def run_cli(*arguments: str | Path) -> float:
    """Runs one CLI command to its end (a failure raises with its output) and returns its wall time."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "harvester.cli", *map(str, arguments)],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    return time.perf_counter() - started
