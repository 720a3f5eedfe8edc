"""Text helpers shared by the HTML renderers: whitespace and tables."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

from harvester import yamlload

LANGUAGES_FILE = Path(__file__).resolve().parent.parent / "tagging" / "vocab" / "languages.yml"


def clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@cache
def _language_names() -> frozenset[str]:
    """Names of the catalogue's languages in Finnish, Swedish, English and their own: a table
    headed by them is a glossary or a parallel text."""
    names = set()
    for entry in yamlload.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8")):
        names.update(str(v).lower() for v in (entry.get("label") or {}).values())
        names.add(str(entry.get("name", "")).lower())
    return frozenset(n for n in names if n)


def _script(text: str) -> str:
    """The script of most of a text's letters (the first word of the letters' Unicode names)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else ""


def is_parallel(rows: list[list[str]]) -> bool:
    """A table whose columns are languages: headed by language names, or written in different scripts."""
    if not rows or max(len(r) for r in rows) < 2:
        return False
    for row in rows[:2]:  # a caption may come first as a row of its own
        header = [c.lower() for c in row if c]
        if len(header) >= 2 and all(c in _language_names() for c in header):
            return True
    width = max(len(r) for r in rows)
    scripts = {_script(" ".join(r[i] for r in rows if i < len(r))) for i in range(width)} - {""}
    return len(scripts) >= 2


def table_text(rows: list[list[str]]) -> str:
    """A table as text: row by row, as it is read; a glossary column by column, so that each
    language stays together for language identification."""
    if is_parallel(rows):
        width = max(len(r) for r in rows)
        lines = ["\n".join(r[i] for r in rows if i < len(r) and r[i]) for i in range(width)]
    else:
        lines = [" ".join(c for c in r if c) for r in rows]
    return "\n".join(line for line in lines if line)


def lines_of(element, blocks: set[str], table_rows: Callable) -> str:
    """An element's text a line per block element; a table (its rows as lists of cell texts, given by
    table_rows) as table_text reads it. Serves both HTML and trafilatura's XML."""
    parts: list[str] = []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table":
            parts.append("\n" + table_text(table_rows(el)) + "\n")
            if el.tail:
                parts.append(el.tail)
            return
        if tag in blocks:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in blocks:
            parts.append("\n")

    walk(element)
    lines = (clean(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
