"""Harvest throughput and memory: the full pipeline side by side with a bare Scrapy spider (the floor)
on a synthetic web of 10 hosts × 100 pages with 200 PDFs, served on loopback.

Prints pages per second of the bare spider and of the full pipeline with PDF extraction on and off,
their ratios, and the peak RSS of each run. Usage: python bench/throughput.py [HOSTS] [PAGES] [PDFS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from cli_run import sources_file  # noqa: E402
from synthweb import SyntheticWeb  # noqa: E402


def run(command: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{command} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    hosts, pages, pdfs = (int(a) for a in (sys.argv[1:] + ["10", "100", "20"])[:3])
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("bare Scrapy", "full, PDF text", "full, no PDF text"):
            with SyntheticWeb([pages] * hosts, pdfs_per_host=pdfs) as web:
                sources = sources_file(web, tmp)
                if name == "bare Scrapy":
                    command = [sys.executable, str(REPO / "bench" / "bare_spider.py"), str(sources)]
                else:
                    db = Path(tmp) / f"{len(figures)}.db"
                    command = [sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(sources),
                               "--db", str(db), "--delay", "0", "--no-cache"]  # fmt: skip
                    if "no PDF" in name:
                        command.append("--no-file-text")
                seconds, rss = run(command)
                responses = sum(len(times) for times in web.arrivals.values())
            figures[name] = (responses, seconds, responses / seconds, rss)
    base = figures["bare Scrapy"][2]
    print(f"synthetic web: {hosts} hosts x {pages} pages, {hosts * pdfs} PDFs")
    for name, (responses, seconds, rate, rss) in figures.items():
        print(f"  {name:18} {responses:5d} responses in {seconds:6.2f} s = {rate:6.1f} pages/s"
              f"  ({rate / base:.2f} of bare)  peak RSS {rss:.0f} MB")  # fmt: skip
    with_text, without = figures["full, PDF text"], figures["full, no PDF text"]
    print(
        f"throughput ratio_with_pdf={with_text[2] / base:.2f} ratio_without_pdf={without[2] / base:.2f} "
        f"peak_rss_mb={max(with_text[3], without[3]):.0f} (targets: >= 0.5, >= 0.8, <= 500 MB)"
    )


if __name__ == "__main__":
    main()
