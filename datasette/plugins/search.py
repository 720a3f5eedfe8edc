"""The results page at /haku and its JSON twin /haku.json: search (harvester/catalog/search.py) with
facets, cards, paging and links to the same selection as a table, JSON, CSV and AOE export.

URL: q, phases, audiences, languages (repeat: all of them), type, project, round (repeat: any of
them), plain=1, page (1-based), size (JSON only), lang (the interface). A search that outruns
Datasette's time limit answers a message, not an error."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from datasette.utils.asgi import Response
from jinja2 import pass_context
from markupsafe import Markup, escape

from datasette import hookimpl
from harvester.catalog import queries
from harvester.catalog import search as catalogue_search
from harvester.catalog.search_index import WORD, forms
from harvester.tagging.vocabulary import entries, ids, label_map
from harvester.web import catalogue, catalogue_name

PAGE_SIZE = 20
MAX_SIZE = 100
MAX_PAGE = 500
SNIPPET_WORDS = 28
LEAD_CHARACTERS = 240
FACETS = ("phases", "audiences", "languages", "type", "plain", "project", "round")


class Interrupted(Exception):
    """The search took longer than Datasette's time limit."""


def selection_of(request, size: int = PAGE_SIZE) -> catalogue_search.Selection:
    args = request.args
    filters = {}
    for name in (*catalogue_search.TAG_FILTERS, *catalogue_search.COLUMN_FILTERS):
        values = [v.strip()[:100] for v in args.getlist(name) if v and v.strip()]
        if values:
            filters[name] = list(dict.fromkeys(values))[:10]
    page = args.get("page") or "1"
    return catalogue_search.Selection(
        q=(args.get("q") or "").strip()[:200],
        filters=filters,
        plain=args.get("plain") in ("1", "on", "true"),
        page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
        size=size,
    )


def query_string(selection: catalogue_search.Selection, page: int = 1, **extra) -> str:
    params = [("q", selection.q)] if selection.q else []
    for name in FACETS:
        params += [(name, v) for v in selection.filters.get(name) or []]
    if selection.plain:
        params.append(("plain", "1"))
    if page > 1:
        params.append(("page", str(page)))
    params += [(k, v) for k, v in extra.items()]
    return urlencode(params)


def url(selection: catalogue_search.Selection, page: int = 1) -> str:
    found = query_string(selection, page)
    return "/haku" + (f"?{found}" if found else "")


def toggled(selection: catalogue_search.Selection, name: str, value: str) -> catalogue_search.Selection:
    """The selection with a facet value added, or removed when it is selected already."""
    if name == "plain":
        return catalogue_search.Selection(
            selection.q, selection.filters, not selection.plain, 1, selection.size
        )
    values = selection.filters.get(name) or []
    changed = [v for v in values if v != value] if value in values else [*values, value]
    return catalogue_search.Selection(selection.q, {**selection.filters, name: changed}, selection.plain, 1)


def table_query(selection: catalogue_search.Selection) -> str:
    """The same selection in the materials table's own filters (words as Datasette searches them)."""
    params = []
    for name in catalogue_search.TAG_FILTERS:
        params += [(f"_tag_{name}", v) for v in selection.filters.get(name) or []]
    for name, column in catalogue_search.COLUMN_FILTERS.items():
        values = selection.filters.get(name) or []
        if len(values) == 1:
            params.append((column, values[0]))
        elif values:
            params.append((f"{column}__in", ",".join(values)))
    if selection.plain:
        params.append(("plain_language", "1"))
    if selection.q:
        params.append(("_search", selection.q))
    params.append(("status", "active"))
    return urlencode(params)


def exports(selection: catalogue_search.Selection) -> dict[str, str]:
    table = f"/{catalogue_name()}/materials"
    same = table_query(selection)
    return {
        "table": f"{table}?{same}",
        "json": "/haku.json" + (f"?{query_string(selection)}" if query_string(selection) else ""),
        "csv": f"{table}.csv?{same}&_size=max",
        "aoejson": f"{table}.aoejson?{same}&_size=max",
        "aoecsv": f"{table}.aoecsv?{same}&_size=max",
    }


def _matcher(terms: list[catalogue_search.Term]):
    wanted = {f for t in terms for f in t.forms}
    starts = [t.raw for t in terms if len(t.raw) >= catalogue_search.MIN_PREFIX and t.forms]
    inside = catalogue_search.needles_of(terms)

    def matches(word: str) -> bool:
        lower = word.lower()
        return (
            bool(set(forms(lower)) & wanted)
            or any(lower.startswith(s) for s in starts)
            or (any(f in lower for f in inside))
        )

    return matches


def snippet(card: dict, terms: list[catalogue_search.Term]) -> Markup | None:
    """About SNIPPET_WORDS words around the first word that matched, the matches marked; escaped
    here, the query never reaches the page raw."""
    matches = _matcher(terms)
    # the material's own words before what the pages linking it say; a link text that only repeats
    # the title says nothing the card's heading does not
    title = " ".join((card["title"] or "").lower().split())
    link_texts = [t for t in card["link_texts"] if " ".join(t.lower().split()) not in (title, "")]
    texts = (
        card["description"],
        card["text"],
        " | ".join(link_texts),
        card["excerpt"],
        card["title"],
    )
    for text in texts:
        words = list(re.finditer(r"\S+", text or ""))
        hits = [i for i, w in enumerate(words) if any(matches(p) for p in WORD.findall(w.group(0)))]
        if not hits:
            continue
        begin = max(0, hits[0] - SNIPPET_WORDS // 3)
        end = min(len(words), begin + SNIPPET_WORDS)
        shown = []
        for i in range(begin, end):
            word = words[i].group(0)
            marked = i in hits
            shown.append(f"<mark>{escape(word)}</mark>" if marked else str(escape(word)))
        return Markup(("… " if begin else "") + " ".join(shown) + (" …" if end < len(words) else ""))
    return None


def lead(card: dict) -> str:
    """The first lines of the description, else of the text."""
    text = " ".join((card["description"] or card["text"] or "").split())
    return text if len(text) <= LEAD_CHARACTERS else text[:LEAD_CHARACTERS].rsplit(" ", 1)[0] + " …"


async def run_search(datasette, selection):
    """The search in Datasette's read thread under its time limit."""
    limit = datasette.setting("sql_time_limit_ms")
    # Lemmatising (and trying a typo's variants) runs outside the time limit: the first search of a
    # process opens the dictionaries (~0.5 s with the cached index, catalog/lemmas.py; seconds without).
    terms = await asyncio.to_thread(catalogue_search.parse, selection.q)
    await catalogue(datasette).execute_fn(lambda conn: catalogue_search.repair_typos(conn, terms))

    stopped = []

    def limited(conn):
        with time_limit(conn, limit, stopped):
            return catalogue_search.search(conn, selection, terms)

    try:
        return await catalogue(datasette).execute_fn(limited)
    except sqlite3.OperationalError as error:
        # stopped inside a virtual table's constructor, SQLite says "vtable constructor failed"
        if stopped or "interrupt" in str(error).lower():
            raise Interrupted() from error
        raise


@contextmanager
def time_limit(conn, ms: int, stopped: list):
    """Datasette's time limit for one search, noting in `stopped` when it stopped the query: SQLite
    does not always say "interrupted" then."""
    deadline = time.perf_counter() + ms / 1000

    def handler():
        if time.perf_counter() >= deadline:
            stopped.append(True)
            return 1  # stops the query
        return 0

    conn.set_progress_handler(handler, 1 if ms <= 20 else 1000)  # ~0.08 ms a 1,000 instructions
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)


def facet_view(selection, facets: dict[str, dict]) -> list[dict]:
    """Each facet's values with counts and the link that adds or removes each."""
    shown = []
    for name in FACETS:
        counts = facets.get(name) or {}
        chosen = [True] if name == "plain" and selection.plain else (selection.filters.get(name) or [])
        values = []
        for value, n in counts.items():
            if name == "plain" and value != "1":
                continue
            selected = selection.plain if name == "plain" else value in chosen
            values.append(
                {"value": value, "n": n, "selected": selected, "url": url(toggled(selection, name, value))}
            )
        for value in [] if name == "plain" else chosen:  # a chosen value that matched nothing stays removable
            if value not in counts:
                values.append(
                    {"value": value, "n": 0, "selected": True, "url": url(toggled(selection, name, value))}
                )
        if values:
            shown.append({"name": name, "entries": values})
    return shown


def chosen_view(selection) -> list[dict]:
    chosen = (
        [{"name": "plain", "value": "1", "url": url(toggled(selection, "plain", "1"))}]
        if selection.plain
        else []
    )
    for name in FACETS:
        for value in selection.filters.get(name) or []:
            chosen.append({"name": name, "value": value, "url": url(toggled(selection, name, value))})
    return chosen


def pages_view(selection, total: int) -> dict:
    last = max(1, -(-total // selection.size))
    current = min(selection.page, last)
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    return {
        "current": current,
        "last": last,
        "previous": url(selection, current - 1) if current > 1 else None,
        "next": url(selection, current + 1) if current < last else None,
        "numbers": [{"n": n, "url": url(selection, n)} for n in numbers],
    }


def json_card(card: dict) -> dict:
    keys = ("id", "title", "url", "type", "languages", "phases", "audiences", "plain_language", "project_id",
            "round", "license", "format", "size_bytes")  # fmt: skip
    return {
        **{k: card[k] for k in keys},
        "page": f"/aineisto/{card['id']}",
        "inside_word": card["inside_word"],
    }


async def search(datasette, request):
    as_json = request.url_vars.get("format") == "json"
    size = request.args.get("size") or ""
    selection = selection_of(
        request, min(int(size), MAX_SIZE) if as_json and size.isdigit() and int(size) else PAGE_SIZE
    )
    interrupted, found = False, None
    if selection.active() or "page" in request.args:  # /haku?page=1: browse every material
        try:
            found = await run_search(datasette, selection)
        except Interrupted:
            interrupted = True
    if as_json:
        if interrupted:
            return Response.json(
                {"error": "interrupted", "message": "The search took too long: add a filter or a word."},
                status=503,
            )
        found = found or {"total": 0, "results": [], "facets": {}}
        return Response.json(
            {
                "total": found["total"],
                "page": selection.page,
                "size": selection.size,
                "results": [{**json_card(c), "url": c["url"]} for c in found["results"]],
                "facets": found["facets"],
            }
        )
    terms = found["terms"] if found else []
    for card in found["results"] if found else []:
        card["snippet"] = snippet(card, terms) if terms else None
        card["lead"] = lead(card)
    context = {
        "q": selection.q,
        "selection": selection,
        "searched": bool(found),
        "interrupted": interrupted,
        "total": found["total"] if found else 0,
        "results": found["results"] if found else [],
        "facets": facet_view(selection, found["facets"]) if found else [],
        "chosen": chosen_view(selection),
        "pages": pages_view(selection, found["total"]) if found else None,
        "exports": exports(selection),
        "suggestions": [{**s, "url": url(s["selection"])} for s in (found["suggestions"] if found else [])],
        "repaired": [t for t in terms if t.repaired],
        "project_names": await catalogue(datasette).execute_fn(
            lambda conn: {
                p["id"]: p for p in queries.rows(conn, "select id, name_fi, name_sv, name_en from projects")
            }
        ),
        "options": {
            "phases": ids("phases"),
            "audiences": ids("audiences"),
            "type": ids("types"),
            "languages": [
                row["id"]
                for row in await catalogue(datasette).execute_fn(
                    lambda conn: queries.tag_counts(conn, "languages")
                )
            ],
        },
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))


VOCABULARY_OF = {"phases": "phases", "audiences": "audiences", "languages": "languages", "type": "types"}


@pass_context
def facet_label(context, name: str, value: str, lang: str = "fi") -> str:
    """What a facet value is called in the page's language."""
    lang = lang if lang in ("fi", "sv", "en") else "fi"
    if name in VOCABULARY_OF:
        return label_map(VOCABULARY_OF[name], lang).get(value, value)
    if name == "plain":
        return context["t"]("facet.plain")
    if name == "round":
        return context["t"]("facet.round_value", n=value)
    if name == "project":
        project = (context.get("project_names") or {}).get(value) or {}
        return project.get(f"name_{lang}") or project.get("name_fi") or value
    return value


def autonym(code: str) -> str:
    """A language's own name (vocab/languages.yml)."""
    return {e["id"]: str(e.get("name") or "") for e in entries("languages")}.get(code, "")


def filesize(size) -> str:
    size = float(size or 0)
    for unit in ("t", "kt", "Mt"):
        if size < 1024 or unit == "Mt":
            return f"{size:.0f} {unit}" if unit == "t" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return ""


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["facet_label"] = facet_label
    env.filters["autonym"] = autonym
    env.filters["filesize"] = filesize


@hookimpl
def register_routes():
    return [(r"^/haku(\.(?P<format>json))?$", search)]
