"""Search as people type it: recall and precision at 10 of the query set bench/search_queries.yml (base
forms, inflections, plurals, one-letter typos, Swedish and English words, type and plain-language names),
relevance judged there from the demo web's gold file, never from the index.

Measured in the same run on the same catalogue (harvested here from the demo web on loopback):
- before: the search as it was (prefix terms in the unicode61 word index, then trigram matches inside
  words; no forms, synonyms or typo repair);
- after: harvester.catalog.search (the normalised word index, synonyms, typo repair, trigrams).
Also the first results page (20): the target is that every query finds >= 0.95 of its relevant
materials there. Usage: python bench/search.py        Prints a final line with the figures.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cli_run import run_cli, sources_file  # noqa: E402

from demo.server import DemoWeb  # noqa: E402
from harvester.catalog import search  # noqa: E402
from harvester.urls import canonicalize  # noqa: E402

QUERIES = Path(__file__).with_name("search_queries.yml")
# Compounds: base words Finnish mostly writes inside longer words; relevant = the word occurs anywhere in
# the material's title, description, link texts or text (every result counts, not only the first page).
COMPOUND_WORDS = ["koulutus", "opas", "neuvonta", "palvelu", "kieli", "malli", "kartoitus", "ohjaus",
                  "raportti", "asunto", "terveys", "työ", "hanke", "esite", "sanasto"]  # fmt: skip
PAGE = 20
TARGET = 0.95


def gold_materials(web) -> list[dict]:
    found = []
    for path in sorted((REPO / "demo" / "gold").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        origin = web.origin(data["site"])
        for m in data.get("materials") or []:
            url = m["path"] if m["path"].startswith("http") else origin + m["path"]
            found.append({**m, "url": canonicalize(url)})
    return found


def relevant_ids(rule: dict, gold: list[dict], ids_by_url: dict[str, str]) -> set[str]:
    """The catalogue ids of the gold materials the judgment names."""
    chosen = [
        g
        for g in gold
        if ("type" not in rule or g["type"] == rule["type"])
        and ("plain" not in rule or bool(g.get("plain_language")) == rule["plain"])
        and ("title" not in rule or re.search(rule["title"], g["title"], re.I))
    ]
    return {ids_by_url[g["url"]] for g in chosen if g["url"] in ids_by_url}


def before(conn, query: str, limit: int = 50) -> list[str]:
    """The search as it was before the normalised index: word-index prefixes first, trigrams after."""
    terms = re.findall(r"\w+", query.lower())[:8]
    ranked = []
    prefixes = " ".join(f'"{t}"*' for t in terms)
    sql = (
        "select m.id from {i} join materials m on m.rowid = {i}.rowid where {i} match ?"
        " and m.status = 'active' order by bm25({i}) limit ?"
    )
    ranked += [r[0] for r in conn.execute(sql.format(i="materials_fts"), [prefixes, limit])]
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms and len(ranked) < limit:
        trigrams = " AND ".join(f'"{t}"' for t in long_terms)
        more = [r[0] for r in conn.execute(sql.format(i="materials_trigram"), [trigrams, limit])]
        ranked += [r for r in more if r not in ranked][: limit - len(ranked)]
    return ranked


def after(conn, query: str, size: int = 50) -> list[str]:
    result = search.search(conn, search.Selection(q=query, size=size))
    return [card["id"] for card in result["results"]]


def scores(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    top = ranked[:10]
    hits = len(set(top) & relevant)
    recall10 = hits / len(relevant)
    precision10 = hits / min(10, len(ranked)) if ranked else 0.0
    page = len(set(ranked[:PAGE]) & relevant) / len(relevant)
    return recall10, precision10, page


def main() -> None:
    queries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]
    with DemoWeb(base_port=0) as web, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "catalog.db"
        run_cli("harvest", "--sources", sources_file(web, tmp), "--db", db, "--delay", "0")
        gold = gold_materials(web)
        conn = sqlite3.connect(db)
        ids_by_url = dict(conn.execute("select url, material_id from material_locations"))
        ids_by_url.update(conn.execute("select url, id from materials"))
        search.warm_up()
        table = {name: [] for name in ("before", "after")}
        timings = {name: [] for name in ("before", "after")}
        misses = []
        for entry in queries:
            relevant = relevant_ids(entry["relevant"], gold, ids_by_url)
            if not relevant:
                raise SystemExit(f"no gold material is relevant to {entry['q']!r}: fix the query set")
            for name, run in (("before", before), ("after", after)):
                started = time.perf_counter()
                ranked = run(conn, entry["q"])
                timings[name].append(time.perf_counter() - started)
                table[name].append((entry, relevant, scores(ranked, relevant)))
                if name == "after" and scores(ranked, relevant)[2] < TARGET:
                    misses.append((entry["q"], sorted(relevant - set(ranked[:PAGE]))))
        compounds = {}
        texts = {
            row[0]: " ".join(str(v or "") for v in row[1:]).lower()
            for row in conn.execute(
                "select id, title, description, link_texts, text from materials where status = 'active'"
            )
        }
        for name, run in (
            ("before", lambda c, w: before(c, w, 10_000)),
            ("after", lambda c, w: after(c, w, 10_000)),
        ):
            found = relevant = 0
            for word in COMPOUND_WORDS:
                wanted = {mid for mid, text in texts.items() if word in text}
                found += len(wanted & set(run(conn, word)))
                relevant += len(wanted)
            compounds[name] = found / relevant
        conn.close()
    print(
        f"compounds: {len(COMPOUND_WORDS)} base words, recall of every material containing the word anywhere:"
        f" before {compounds['before']:.3f}, after {compounds['after']:.3f}"
    )
    print(f"{len(queries)} queries over {len(ids_by_url)} catalogued URLs; relevance from demo/gold")
    print(f"{'query':24} {'kind':10} {'rel':>3}  before R@10 P@10 R@{PAGE}   after R@10 P@10 R@{PAGE}")
    for (entry, relevant, old), (_, _, new) in zip(table["before"], table["after"], strict=True):
        print(
            f"{entry['q']:24} {entry['kind']:10} {len(relevant):3}  "
            f"{old[0]:11.2f} {old[1]:4.2f} {old[2]:5.2f}   {new[0]:10.2f} {new[1]:4.2f} {new[2]:5.2f}"
        )
    summary = {}
    for name, rows in table.items():
        summary[name] = [statistics.mean(row[2][i] for row in rows) for i in range(3)]
        met = sum(row[2][2] >= TARGET for row in rows)
        median_ms = statistics.median(timings[name]) * 1000
        print(f"{name:6}: mean R@10 {summary[name][0]:.3f}  P@10 {summary[name][1]:.3f}  R@{PAGE} "
              f"{summary[name][2]:.3f}  queries meeting R@{PAGE} >= {TARGET}: {met}/{len(rows)}  "
              f"median {median_ms:.1f} ms")  # fmt: skip
    for query, missed in misses:
        print(f"  below target: {query!r} missed {missed}")
    (old_r, old_p, old_page), (new_r, new_p, new_page) = summary["before"], summary["after"]
    print(
        f"search recall@10 {old_r:.3f} -> {new_r:.3f}, precision@10 {old_p:.3f} -> {new_p:.3f}, "
        f"recall@{PAGE} {old_page:.3f} -> {new_page:.3f} (before -> after, {len(queries)} queries)"
    )


if __name__ == "__main__":
    main()
