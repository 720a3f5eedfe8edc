"""Finnish compounds in full-text search: which index finds "koulutus" in "kotoutumiskoulutus"?

On the demo catalogue (harvested here from the demo web on loopback), for base words that Finnish
mostly writes inside compounds, recall against the materials whose text contains the word anywhere:
the word index (unicode61) with exact terms (baseline), with prefix terms, and the trigram index.
Usage: python bench/search.py        Prints a final line with the recall of each.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cli_run import run_cli, sources_file  # noqa: E402

from demo.server import DemoWeb  # noqa: E402

WORDS = ["koulutus", "opas", "neuvonta", "palvelu", "kieli", "malli", "kartoitus", "ohjaus", "raportti",
         "asunto", "terveys", "työ", "hanke", "esite", "sanasto"]  # fmt: skip
QUERIES = {
    "word, exact (baseline)": ("materials_fts", '"{w}"'),
    "word, prefix": ("materials_fts", '"{w}"*'),
    "trigram": ("materials_trigram", '"{w}"'),
}


def main() -> None:
    with DemoWeb(base_port=0) as web, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "catalog.db"
        run_cli("harvest", "--sources", sources_file(web, tmp), "--db", db, "--delay", "0")
        conn = sqlite3.connect(db)
        texts = {
            row[0]: " ".join(str(v or "") for v in row[1:]).lower()
            for row in conn.execute("select rowid, title, description, link_texts, text from materials")
        }
        results = {}
        for name, (table, pattern) in QUERIES.items():
            found_total = relevant_total = 0
            timings = []
            for word in WORDS:
                relevant = {rowid for rowid, text in texts.items() if word in text}
                started = time.perf_counter()
                found = {
                    r[0]
                    for r in conn.execute(
                        f"select rowid from {table} where {table} match ?", [pattern.format(w=word)]
                    )
                }
                timings.append(time.perf_counter() - started)
                found_total += len(found & relevant)
                relevant_total += len(relevant)
            timings.sort()
            results[name] = (found_total / relevant_total, timings[len(timings) // 2] * 1000)
        conn.close()
    print(f"{len(WORDS)} base words over {len(texts)} materials; relevant: the word occurs anywhere in it")
    for name, (recall, ms) in results.items():
        print(f"  {name:24} recall {recall:.3f}   median {ms:.2f} ms")
    exact, prefix, trigram = (results[name][0] for name in QUERIES)
    print(f"search recall exact={exact:.3f} (baseline) prefix={prefix:.3f} trigram={trigram:.3f}")


if __name__ == "__main__":
    main()
