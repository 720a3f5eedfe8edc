"""Harvest throughput and memory: the full pipeline side by side with a bare Scrapy spider (the floor)
on a synthetic web of 10 hosts × 100 pages with 200 PDFs, served on loopback.

Prints pages per second of the bare spider and of the full pipeline with PDF extraction on and off,
their ratios, the peak RSS of each run and the CPU seconds it used (the harvest's worker process
included: on two cores the total, not the crawler's share, sets the pace); each mode runs ROUNDS
times, interleaved, and the medians are compared. On this web every page but the home page is site
furniture by its address (under /sivu/, a paging segment), so the harvest leaves its text unread; the
mode "pages read" harvests the same web with its pages under /aiheet/, where each page's text decides.
Usage: python bench/throughput.py [HOSTS] [PAGES] [PDFS] [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from cli_run import sources_file  # noqa: E402
from synthweb import SyntheticWeb  # noqa: E402


def run(command: list[str]) -> tuple[float, float, float]:
    """(seconds, peak RSS in MB, CPU seconds with its worker processes) of a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{command} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


MODES = ("bare Scrapy", "full, PDF text", "full, no PDF text", "full, PDF, pages read")


def harvest_once(
    name: str, hosts: int, pages: int, pdfs: int, folder: str
) -> tuple[int, float, float, float]:
    """(responses, seconds, peak RSS in MB, CPU seconds) of one run of one mode on a fresh synthetic web."""
    section = "aiheet" if "pages read" in name else "sivu"
    with SyntheticWeb([pages] * hosts, pdfs_per_host=pdfs, section=section) as web:
        sources = sources_file(web, folder)
        if name == "bare Scrapy":
            command = [sys.executable, str(REPO / "bench" / "bare_spider.py"), str(sources)]
        else:
            db = Path(folder) / f"{time.monotonic_ns()}.db"
            command = [sys.executable, "-m", "harvester.cli", "harvest", "--sources", str(sources),
                       "--db", str(db), "--delay", "0", "--no-cache"]  # fmt: skip
            if "no PDF" in name:
                command.append("--no-file-text")
        seconds, rss, cpu = run(command)
        return sum(len(times) for times in web.arrivals.values()), seconds, rss, cpu


def main() -> None:
    hosts, pages, pdfs, rounds = (
        int(a) for a in (sys.argv[1:] + ["10", "100", "20", "5"][len(sys.argv[1:]) :])[:4]
    )
    rates: dict[str, list[float]] = {name: [] for name in MODES}
    peak: dict[str, float] = dict.fromkeys(MODES, 0.0)
    cpu: dict[str, list[float]] = {name: [] for name in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):  # interleaved, so that a slow moment of the machine hits every mode
            for name in MODES:
                responses, seconds, rss, used = harvest_once(name, hosts, pages, pdfs, tmp)
                rates[name].append(responses / seconds)
                cpu[name].append(used)
                peak[name] = max(peak[name], rss)
    median = {name: statistics.median(values) for name, values in rates.items()}
    base = median["bare Scrapy"]
    print(f"synthetic web: {hosts} hosts x {pages} pages, {hosts * pdfs} PDFs; {rounds} rounds, medians")
    for name in MODES:
        per_round = [rate / bare for rate, bare in zip(rates[name], rates["bare Scrapy"], strict=True)]
        spread = f"rounds {min(per_round):.2f}–{max(per_round):.2f}"
        print(f"  {name:21} {median[name]:6.1f} pages/s  ({median[name] / base:.2f} of bare; {spread})"
              f"  peak RSS {peak[name]:.0f} MB  CPU {statistics.median(cpu[name]):.1f} s")  # fmt: skip
    print(
        f"throughput ratio_with_pdf={median['full, PDF text'] / base:.2f} "
        f"ratio_without_pdf={median['full, no PDF text'] / base:.2f} "
        f"ratio_pages_read={median['full, PDF, pages read'] / base:.2f} "
        f"peak_rss_mb={max(peak[name] for name in MODES[1:]):.0f} "
        "(targets: >= 0.8 (issue 16), >= 0.8, -, <= 500 MB)"
    )


if __name__ == "__main__":
    main()
