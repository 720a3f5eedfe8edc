"""HTML main-content extraction: our extractor side by side with trafilatura on the demo web.

No hand-made reference texts: on each site, a line that appears on half or more of the site's pages
is site chrome (navigation, footer), and a line that appears on one page only is that page's own
content. For every HTML material in the gold files:
- content recall: the share of the page's own lines that the extractor keeps;
- chrome share: the share of the extracted lines that are site chrome (lower is better).
Usage: python bench/extraction.py     (needs trafilatura: pip install -e .[bench])
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import trafilatura  # noqa: E402

from harvester.extract.html import block_text, clean, extract_html, parse  # noqa: E402

SITES = REPO / "demo" / "sites"


def page_lines(html: str) -> list[str]:
    body = parse(html).find("body")  # decoded text: bytes would be re-guessed by libxml2
    return (
        [clean(line) for line in block_text(body).split("\n") if len(clean(line)) > 20]
        if body is not None
        else []
    )


def main() -> None:
    totals = {"ours": [0.0, 0.0], "trafilatura": [0.0, 0.0]}
    count = 0
    for gold_file in sorted((REPO / "demo" / "gold").glob("*.yml")):
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        site = SITES / gold["site"]
        pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("index.html")}
        frequency = Counter(line for html in pages.values() for line in set(page_lines(html)))
        chrome = {line for line, n in frequency.items() if n >= max(2, len(pages) / 2)}
        for material in gold.get("materials") or []:
            if material.get("format") != "html":
                continue
            path = site / material["path"].lstrip("/") / "index.html"
            if not path.exists():
                continue
            html = pages[path]
            own = [line for line in set(page_lines(html)) if frequency[line] == 1]
            extracted = {
                "ours": extract_html(html, "http://demo" + material["path"]).text,
                "trafilatura": trafilatura.extract(html, include_tables=True, favor_recall=True) or "",
            }
            for name, text in extracted.items():
                lines = [clean(line) for line in text.split("\n") if len(clean(line)) > 20]
                flat = clean(text)
                recall = sum(line in flat for line in own) / len(own) if own else 1.0
                chrome_share = sum(line in chrome for line in lines) / len(lines) if lines else 0.0
                totals[name][0] += recall
                totals[name][1] += chrome_share
            count += 1
    print(f"{count} HTML materials of the demo web")
    for name, (recall, chrome_share) in totals.items():
        print(f"  {name:12} content recall {recall / count:.3f}   chrome share {chrome_share / count:.3f}")
    ours, theirs = totals["ours"], totals["trafilatura"]
    print(
        f"extraction ours_recall={ours[0] / count:.3f} ours_chrome={ours[1] / count:.3f} "
        f"trafilatura_recall={theirs[0] / count:.3f} trafilatura_chrome={theirs[1] / count:.3f}"
    )


if __name__ == "__main__":
    main()
