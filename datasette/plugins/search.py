"""Search at /haku: words are found inside Finnish compounds too ("koulutus" in
"kotoutumiskoulutus"). Word-index prefix matches come first (bm25), trigram matches inside words
after them; each result shows a snippet with the matches marked."""

from __future__ import annotations

import json
import re

from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from datasette import hookimpl
from harvester.catalog import queries
from harvester.tagging.vocabulary import load
from harvester.web import read

MAX_RESULTS = 50
MAX_TERMS = 8
SNIPPET_START, SNIPPET_END = "\x02", "\x03"
SNIPPET_WORDS = 14
SNIPPET_COLUMNS = ("text", "description", "title", "link_texts")  # every indexed column
FILTERS = ("phases", "audiences", "languages", "type")


def terms_of(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def highlight(snippet: str | None) -> Markup:
    """Escape a snippet, then turn the match markers into <mark>: the query never reaches the page raw."""
    text = str(escape(snippet or ""))
    return Markup(text.replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>"))


def snippet(row: dict, pattern: re.Pattern) -> str:
    """About SNIPPET_WORDS words around the first match, the matches wrapped in SNIPPET_START/END.
    Cut here rather than by FTS5's snippet(), which SQLite would compute for every match before
    ranking (a third of the search time on a common word at 100,000 materials)."""
    for column in SNIPPET_COLUMNS:
        value = row.get(column) or ""
        first = pattern.search(value)
        if not first:
            continue
        words = list(re.finditer(r"\S+", value))
        at = next((i for i, w in enumerate(words) if w.end() > first.start()), 0)
        begin = max(0, at - SNIPPET_WORDS // 3)
        end = min(len(words), begin + SNIPPET_WORDS)
        piece = value[words[begin].start() : words[end - 1].end()]
        piece = pattern.sub(lambda m: f"{SNIPPET_START}{m.group(0)}{SNIPPET_END}", piece)
        return ("…" if begin else "") + piece + ("…" if end < len(words) else "")
    return ""


async def _matches(datasette, index, match, filters, matched, pattern) -> list[dict]:
    """The MAX_RESULTS best matches in one index, with their snippets."""
    rowids = await read(datasette, queries.search_ranked, index, match, filters, MAX_RESULTS)
    results = []
    for row in await read(datasette, queries.search_rows, rowids):
        row["link_texts"] = " | ".join(json.loads(row["link_texts"] or "[]"))
        row["snippet"] = snippet(row, pattern)
        row["matched"] = matched
        del row["description"], row["text"], row["link_texts"]
        results.append(row)
    return results


async def search_materials(datasette, query: str, filters: dict[str, str]) -> list[dict]:
    """Word search with prefixes first, then trigram matches inside compounds."""
    terms = terms_of(query)
    if not terms:
        return []
    word_starts = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.I)
    prefixes = " ".join(f'"{t}"*' for t in terms)
    found = await _matches(datasette, "materials_fts", prefixes, filters, "word", word_starts)
    long_terms = [t for t in terms if len(t) >= 3]  # a trigram index needs three letters
    if long_terms and len(found) < MAX_RESULTS:
        seen = {row["id"] for row in found}
        inside = re.compile("|".join(re.escape(t) for t in long_terms), re.I)
        trigrams = " AND ".join(f'"{t}"' for t in long_terms)
        more = await _matches(datasette, "materials_trigram", trigrams, filters, "part of a word", inside)
        found += [row for row in more if row["id"] not in seen][: MAX_RESULTS - len(found)]
    for row in found:
        row["snippet"] = highlight(row["snippet"])
    return found


async def search(datasette, request):
    query = (request.args.get("q") or "").strip()[:200]
    filters = {key: request.args.get(key) for key in FILTERS if request.args.get(key)}
    results = await search_materials(datasette, query, filters) if query else []
    if request.url_vars.get("format") == "json":
        return Response.json([{k: str(v) if k == "snippet" else v for k, v in r.items()} for r in results])
    context = {
        "q": query,
        "filters": filters,
        "results": results,
        "phases": [(t.id, t.label["fi"]) for t in load("phases")],
        "audiences": [(t.id, t.label["fi"]) for t in load("audiences")],
        "types": [(t.id, t.label["fi"]) for t in load("types")],
        "languages": await read(datasette, queries.tag_counts, "languages"),
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/haku(\.(?P<format>json))?$", search)]
