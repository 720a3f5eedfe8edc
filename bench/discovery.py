"""Discovery: does the harvester find every material of a site and nothing else?

Harvests the demo web on loopback with the production pipeline and compares the catalogue with the
gold files (demo/gold/*.yml: every material, every non-material and out-of-scope page, and the
off-host links that are no materials). Baseline: a harvester that catalogues every in-scope page and
file it fetches (what a plain crawl gives).
Usage: python bench/discovery.py      Prints precision and recall per site and overall, the platform
materials (Issuu, YouTube, Drive …) found, and the off-host non-materials catalogued, separately.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cli_run import run_cli, sources_file  # noqa: E402

from demo.server import DemoWeb  # noqa: E402
from harvester.extract.platforms import match as platform_match  # noqa: E402
from harvester.urls import canonicalize  # noqa: E402


def absolute(origin: str, path: str) -> str:
    return canonicalize(path if path.startswith("http") else origin + path)


def main() -> None:
    with DemoWeb(base_port=0) as web, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "catalog.db"
        run_cli("harvest", "--sources", sources_file(web, tmp), "--db", db, "--delay", "0")
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        rows = {row["url"]: dict(row) for row in conn.execute("select * from materials")}
        catalogued = {url: row["source_id"] for url, row in rows.items()}
        conn.close()
        fetched = {(site, path) for site, method, path in web.requests if method == "GET"}
        gold = {}
        labelled: dict[str, dict] = {}
        off_host: set[str] = set()
        for path in sorted((REPO / "demo" / "gold").glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            origin = web.origin(data["site"])
            for m in data.get("materials") or []:
                labelled[absolute(origin, m["path"])] = m
            off_host |= {canonicalize(e["url"]) for e in data.get("off_host_non_materials") or []}
            gold[data["site"]] = {
                "materials": {absolute(origin, m["path"]) for m in data.get("materials") or []},
                "others": {absolute(origin, e["path"]) for e in data.get("non_materials") or []},
                "origin": origin,
            }
    print(f"{'site':15} {'gold':>5} {'found':>6} {'precision':>10} {'recall':>7}   baseline precision")
    totals = [0, 0, 0, 0]
    for site, g in gold.items():
        found = {url for url in catalogued if url.startswith(g["origin"] + "/") or url in g["materials"]}
        hits = len(found & g["materials"])
        # Baseline: every fetched in-scope page and file of the site would be catalogued.
        baseline = len(
            {canonicalize(g["origin"] + p) for s, p in fetched if s == site}
            - {canonicalize(g["origin"] + "/robots.txt")}
        )
        precision = hits / len(found) if found else 1.0
        recall = hits / len(g["materials"]) if g["materials"] else 1.0
        base_precision = len(g["materials"]) / baseline if baseline else 1.0
        print(
            f"{site:15} {len(g['materials']):5d} {len(found):6d} {precision:10.3f} {recall:7.3f}"
            f"   {base_precision:.3f}"
        )
        totals = [
            totals[0] + hits,
            totals[1] + len(found),
            totals[2] + len(g["materials"]),
            totals[3] + baseline,
        ]
    precision, recall = totals[0] / totals[1], totals[0] / totals[2]
    platform_gold = {url for url in labelled if platform_match(url)}
    platform_found = {url for url in catalogued if platform_match(url)}
    platform_hits = len(platform_gold & platform_found)
    print(
        f"platform materials: {len(platform_gold)} in the gold, {len(platform_found)} catalogued, "
        f"{platform_hits} of them in the gold (precision "
        f"{platform_hits / len(platform_found) if platform_found else 1.0:.3f}, recall "
        f"{platform_hits / len(platform_gold) if platform_gold else 1.0:.3f})"
    )
    print(
        f"off-host non-materials: {len(off_host)} in the gold, {len(off_host & set(catalogued))} catalogued"
    )
    tags = tag_figures(rows, labelled)
    old = tag_figures(rows, {url: m for url, m in labelled.items() if url not in platform_gold})
    print(
        f"tags of the gold materials found: phases micro-F1 {tags['phases']:.3f} (precision "
        f"{tags['phases_p']:.3f}), audiences micro-F1 {tags['audiences']:.3f}, type {tags['type']:.3f}"
    )
    print(
        f"  the same without the platform materials: phases micro-F1 {old['phases']:.3f}, audiences "
        f"micro-F1 {old['audiences']:.3f}, type {old['type']:.3f}"
    )
    print(
        f"discovery precision={precision:.3f} recall={recall:.3f}"
        f" baseline_precision={totals[2] / totals[3]:.3f} phases_f1={tags['phases']:.3f}"
        f" audiences_f1={tags['audiences']:.3f} type={tags['type']:.3f}"
    )


def tag_figures(rows: dict[str, dict], labelled: dict[str, dict]) -> dict:
    """Phases and audiences (micro-F1) and type (accuracy) of the gold materials the harvest found,
    with the project priors of the real registry, as a harvest tags them."""
    counts = {"phases": [0, 0, 0], "audiences": [0, 0, 0]}
    types = []
    for url, gold in labelled.items():
        row = rows.get(url)
        if row is None:
            continue
        types.append(row["type"] == gold["type"])
        for field, count in counts.items():
            got, want = set(json.loads(row[field] or "[]")), set(gold[field])
            count[0] += len(got & want)
            count[1] += len(got - want)
            count[2] += len(want - got)
    figures = {"type": sum(types) / len(types)}
    for field, (tp, fp, fn) in counts.items():
        figures[field] = 2 * tp / (2 * tp + fp + fn)
        figures[f"{field}_p"] = tp / (tp + fp)
    return figures


if __name__ == "__main__":
    main()
