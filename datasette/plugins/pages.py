"""The catalogue's own pages on top of Datasette, in Finnish first (Swedish and English beside):
a front page with search and entry points, search with highlighted snippets, a page per pilot
project and per material, a dashboard, an Atom feed of new materials and a sitemap. Tables keep
their ids in URLs and JSON; people see labels ("Alkuvaihe", "somali", "Opas").
"""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup
from markupsafe import escape as html_escape

from datasette import hookimpl
from harvester.catalog import FACET_TABLE, TAG_TABLE
from harvester.clock import utcnow
from harvester.tagging.vocabulary import load

DATABASE = "catalog"
VOCABULARY_COLUMNS = {"type": "types", "languages": "languages", "phases": "phases", "audiences": "audiences"}
FACET_NAMES = {
    "languages": "Kieli · Språk · Language",
    "phases": "Kotoutumisen vaihe · Skede · Phase",
    "audiences": "Kohderyhmä · Målgrupp · Audience",
    "type": "Aineistotyyppi · Typ · Type",
    "project_id": "Pilottihanke · Projekt · Project",
    "format": "Muoto · Format",
    "status": "Tila · Status",
    "round": "Hakukierros · Ansökningsomgång · Call round",
    "year": "Vuosi · År · Year",
}
SNIPPET_START, SNIPPET_END = "\x02", "\x03"
MAX_RESULTS = 50


def vocabulary_labels(vocabulary: str, lang: str = "fi") -> dict[str, str]:
    return {term.id: term.label[lang] for term in load(vocabulary)}


def label(value, vocabulary: str, lang: str = "fi") -> str:
    return vocabulary_labels(vocabulary, lang).get(value, value or "")


def labels(value, vocabulary: str, lang: str = "fi") -> list[str]:
    values = json.loads(value) if isinstance(value, str) else (value or [])
    return [label(v, vocabulary, lang) for v in values]


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["label"] = label
    env.filters["labels"] = labels
    env.filters["facet_name"] = lambda name: FACET_NAMES.get(name, name)
    env.filters["facet_value"] = lambda value, column, fallback: (
        label(value, VOCABULARY_COLUMNS[column]) if column in VOCABULARY_COLUMNS else fallback
    )
    env.filters["fromjson"] = lambda value: (
        json.loads(value) if isinstance(value, str) and value else (value or [])
    )


@hookimpl
def render_cell(value, column, table, database):
    """Labels instead of ids in the materials table (URLs and the JSON API keep the ids)."""
    if database != DATABASE or table != "materials" or value is None:
        return None
    if column in ("languages", "phases", "audiences"):
        try:
            shown = labels(value, VOCABULARY_COLUMNS[column])
        except (ValueError, TypeError):
            return None
        return Markup(", ".join(str(html_escape(s)) for s in shown))
    if column == "plain_language":
        return Markup("selkokieli ✓") if value else Markup("")
    return None


@hookimpl
def extra_css_urls():
    return ["/static/aineistopankki.css"]


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/"), "label": "Etusivu · Start"},
        {"href": datasette.urls.path("/haku"), "label": "Haku · Sök · Search"},
        {"href": datasette.urls.path(f"/{DATABASE}/materials"), "label": "Kaikki aineistot · All materials"},
        {"href": datasette.urls.path(f"/{DATABASE}/projects"), "label": "Pilottihankkeet · Projects"},
        {"href": datasette.urls.path("/kojelauta"), "label": "Kojelauta · Dashboard"},
        {"href": datasette.urls.path(f"/{DATABASE}/-/aoe-readiness"), "label": "AOE-valmius · AOE readiness"},
    ]


async def _rows(datasette, sql: str, params=None) -> list[dict]:
    result = await datasette.get_database(DATABASE).execute(sql, params or [])
    return [dict(row) for row in result.rows]


async def _narrow(datasette) -> bool:
    """Whether the catalogue has its narrow facet copy and tag table (harvester/catalog.py): counting
    over them instead of the wide rows keeps the front page and the dashboard fast at any size."""
    database = datasette.get_database(DATABASE)
    return await database.table_exists(FACET_TABLE) and await database.table_exists(TAG_TABLE)


async def _counts(datasette, column: str) -> list[dict]:
    """(id, n): active materials by a tag list's values."""
    if await _narrow(datasette):
        return await _rows(
            datasette,
            f"select t.value as id, count(*) as n from {TAG_TABLE} t join {FACET_TABLE} f"
            " on f.material_rowid = t.material_rowid where t.vocabulary = ? and f.status = 'active'"
            " group by t.value order by n desc",
            [column],
        )
    return await _rows(
        datasette,
        f"select j.value as id, count(*) as n from materials, json_each(materials.{column}) j"
        " where status = 'active' group by j.value order by n desc",
    )


async def _column_counts_sql(datasette, column: str) -> str:
    """SQL of (id, n): active materials by a column of the facet copy (type, project_id)."""
    table = FACET_TABLE if await _narrow(datasette) else "materials"
    return f"select {column} as id, count(*) as n from {table} where status = 'active' group by {column}"


async def front(datasette, request):
    total = (await _rows(datasette, "select count(*) as n from materials where status = 'active'"))[0]["n"]
    context = {
        "total": total,
        "phases": await _counts(datasette, "phases"),
        "audiences": await _counts(datasette, "audiences"),
        "languages": await _counts(datasette, "languages"),
        "types": await _rows(datasette, await _column_counts_sql(datasette, "type") + " order by n desc"),
        "projects": await _rows(
            datasette,
            "select p.id, p.name_fi, p.round, coalesce(c.n, 0) as n from projects p left join"
            f" ({await _column_counts_sql(datasette, 'project_id')}) c on c.id = p.id"
            " order by p.round, p.name_fi",
        ),
        "newest": await _rows(
            datasette,
            "select id, title, type, languages from materials where status = 'active'"
            " order by first_seen desc, title limit 8",
        ),
    }
    return Response.html(await datasette.render_template("front.html", context, request=request))


def _fts_terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower()) if t][:8]


def _highlight(snippet: str | None) -> Markup:
    """Escape a snippet, then turn FTS's match markers into <mark>: the query never reaches the page raw."""
    text = str(html_escape(snippet or ""))
    return Markup(text.replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>"))


SNIPPET_WORDS = 14
SNIPPET_COLUMNS = ("text", "description", "title", "link_texts")  # every indexed column


def _snippet(row: dict, pattern: re.Pattern) -> str:
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


async def search_materials(datasette, query: str, filters: dict[str, str]) -> list[dict]:
    """Word search with prefixes first (ranked by bm25), then trigram matches inside compounds.

    Ranking reads only the full-text index and the narrow facet copy (status, tags, type); the
    wide rows are read for the MAX_RESULTS shown."""
    terms = _fts_terms(query)
    if not terms:
        return []
    database = datasette.get_database(DATABASE)
    if await database.table_exists("material_facets"):
        narrow, key = "material_facets", "material_rowid"
    else:  # a catalogue made before the narrow copy existed
        narrow, key = "materials", "rowid"
    where, params = ["f.status = 'active'"], []
    for column in ("phases", "audiences", "languages"):
        if filters.get(column):
            where.append(f"exists (select 1 from json_each(f.{column}) where value = ?)")
            params.append(filters[column])
    if filters.get("type"):
        where.append("f.type = ?")
        params.append(filters["type"])
    extra = " and ".join(where)

    async def matches(index: str, match: str, matched: str, pattern: re.Pattern) -> list[dict]:
        ranked = await _rows(
            datasette,
            f"select {index}.rowid as rid from {index} join {narrow} f on f.{key} = {index}.rowid"
            f" where {index} match ? and {extra} order by bm25({index}) limit {MAX_RESULTS}",
            [match, *params],
        )
        order = [row["rid"] for row in ranked]
        if not order:
            return []
        shown = await _rows(
            datasette,
            "select rowid as rid, id, title, type, languages, phases, url, plain_language, description, text,"
            " link_texts"
            f" from materials where rowid in ({', '.join('?' * len(order))})",
            order,
        )
        by_rowid = {row.pop("rid"): row for row in shown}
        results = []
        for rid in order:
            row = by_rowid.get(rid)
            if row is None:
                continue  # removed since it was ranked
            row["link_texts"] = " | ".join(json.loads(row["link_texts"] or "[]"))
            row["snippet"] = _snippet(row, pattern)
            row["matched"] = matched
            del row["description"], row["text"], row["link_texts"]
            results.append(row)
        return results

    word_starts = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.I)
    found = await matches("materials_fts", " ".join(f'"{t}"*' for t in terms), "word", word_starts)
    long_terms = [t for t in terms if len(t) >= 3]
    has_trigrams = await database.table_exists("materials_trigram")
    if long_terms and has_trigrams and len(found) < MAX_RESULTS:
        seen = {row["id"] for row in found}
        trigram = " AND ".join(f'"{t}"' for t in long_terms)
        inside = re.compile("|".join(re.escape(t) for t in long_terms), re.I)
        more = await matches("materials_trigram", trigram, "part of a word", inside)
        found += [row for row in more if row["id"] not in seen][: MAX_RESULTS - len(found)]
    for row in found:
        row["snippet"] = _highlight(row["snippet"])
    return found


async def search(datasette, request):
    query = (request.args.get("q") or "").strip()[:200]
    filters = {
        k: request.args.get(k) for k in ("phases", "audiences", "languages", "type") if request.args.get(k)
    }
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
        "languages": await _counts(datasette, "languages"),
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))


async def project_page(datasette, request):
    project_id = request.url_vars["project_id"]
    found = await _rows(datasette, "select * from projects where id = ?", [project_id])
    if not found:
        raise NotFound("Hanketta ei löydy / No such project")
    materials = await _rows(
        datasette,
        "select id, title, type, languages, phases, audiences, format, plain_language, url from materials"
        " where project_id = ? and status = 'active' order by type, title",
        [project_id],
    )
    sources = await _rows(
        datasette, "select id, name, start_urls from sources where project_id = ?", [project_id]
    )
    project = found[0]
    for key in ("partners", "places", "phases"):
        project[key] = json.loads(project.get(key) or "[]")
    context = {"project": project, "materials": materials, "sources": sources}
    return Response.html(await datasette.render_template("project.html", context, request=request))


async def material_page(datasette, request):
    found = await _rows(datasette, "select * from materials where id = ?", [request.url_vars["material_id"]])
    if not found:
        raise NotFound("Aineistoa ei löydy / No such material")
    material = found[0]
    evidence = json.loads(material.get("tag_evidence") or "{}")
    alternates = json.loads(material.get("alternates") or "[]")
    marks = ",".join("?" * len(alternates)) or "null"
    versions = await _rows(  # the same work in other languages
        datasette,
        f"select id, title, languages from materials where id != ? and status = 'active'"
        f" and ((work_id is not null and work_id = ?) or url in ({marks})) order by title",
        [material["id"], material.get("work_id"), *alternates],
    )
    project = None
    if material.get("project_id"):
        project = (
            await _rows(datasette, "select id, name_fi from projects where id = ?", [material["project_id"]])
        )[0]
    locations = await _rows(
        datasette,
        "select url, first_seen, last_seen from material_locations where material_id = ?",
        [material["id"]],
    )
    context = {
        "m": material,
        "evidence": sorted(evidence.items()),
        "versions": versions,
        "project": project,
        "locations": locations,
    }
    return Response.html(await datasette.render_template("material.html", context, request=request))


def bar_chart(rows: list[dict], labeller=None, width: int = 420) -> Markup:
    """A horizontal bar chart as inline SVG: no script, works offline and under a strict CSP."""
    if not rows:
        return Markup("<p>–</p>")
    top = max(r["n"] for r in rows) or 1
    height = 22 * len(rows) + 4
    bars = []
    for i, row in enumerate(rows):
        name = labeller(row["id"]) if labeller else str(row["id"])
        length = max(2, int((width - 220) * row["n"] / top))  # room for the value after the bar
        y = 22 * i + 2
        bars.append(
            f'<text x="0" y="{y + 14}" class="bar-label">{escape(name[:28])}</text>'
            f'<rect x="180" y="{y + 2}" width="{length}" height="16" class="bar">'
            f"<title>{escape(name)}: {row['n']}</title></rect>"
            f'<text x="{184 + length}" y="{y + 14}" class="bar-value">{row["n"]}</text>'
        )
    return Markup(
        f'<svg role="img" class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"{''.join(bars)}</svg>"
    )


async def dashboard(datasette, request):
    runs = await _rows(
        datasette,
        "select id, started_at, status, materials, new_materials, gone_materials, errors from harvest_runs"
        " order by id desc limit 12",
    )
    by_project = await _column_counts_sql(datasette, "project_id")
    projects = await _rows(
        datasette,
        f"select coalesce(p.name_fi, '(ohjelma)') as id, c.n from ({by_project}) c"
        " left join projects p on p.id = c.id order by c.n desc",
    )
    charts = {
        "Kielet · Språk · Languages": bar_chart(
            await _counts(datasette, "languages"), lambda v: label(v, "languages")
        ),
        "Vaiheet · Skeden · Phases": bar_chart(
            await _counts(datasette, "phases"), lambda v: label(v, "phases")
        ),
        "Kohderyhmät · Målgrupper · Audiences": bar_chart(
            await _counts(datasette, "audiences"), lambda v: label(v, "audiences")
        ),
        "Tyypit · Typer · Types": bar_chart(
            await _rows(datasette, await _column_counts_sql(datasette, "type") + " order by n desc"),
            lambda v: label(v, "types"),
        ),
        "Hankkeet · Projekt · Projects": bar_chart(projects),
    }
    context = {"charts": charts, "runs": runs}
    return Response.html(await datasette.render_template("dashboard.html", context, request=request))


async def atom_feed(datasette, request):
    newest = await _rows(
        datasette,
        "select id, title, description, url, first_seen, type, languages from materials"
        " where status = 'active' order by first_seen desc, id limit 50",
    )
    base = datasette.absolute_url(request, "/")
    updated = newest[0]["first_seen"] if newest else utcnow()
    entries = "".join(
        f"<entry><id>{escape(base)}aineisto/{m['id']}</id><title>{escape(m['title'])}</title>"
        f'<updated>{m["first_seen"]}</updated><link href="{escape(m["url"])}"/>'
        f'<link rel="alternate" href="{escape(base)}aineisto/{m["id"]}"/>'
        f'<category term="{escape(m["type"])}" label="{escape(label(m["type"], "types"))}"/>'
        f"<summary>{escape(m['description'] or '')}</summary></entry>"
        for m in newest
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base)}uudet.atom</id><title>Aineistopankki – uudet aineistot</title>"
        f'<updated>{updated}</updated><link rel="self" href="{escape(base)}uudet.atom"/>'
        f"<author><name>Aineistopankki</name></author>{entries}</feed>"
    )
    return Response(xml, content_type="application/atom+xml; charset=utf-8")


async def sitemap(datasette, request):
    base = datasette.absolute_url(request, "/")
    paths = ["", "haku", "kojelauta", f"{DATABASE}/materials", f"{DATABASE}/projects"]
    paths += [f"hanke/{r['id']}" for r in await _rows(datasette, "select id from projects order by id")]
    paths += [
        f"aineisto/{r['id']}"
        for r in await _rows(datasette, "select id from materials where status = 'active' order by id")
    ]
    urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>" for p in paths)
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    return Response(xml, content_type="application/xml; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/$", front),
        (r"^/haku(\.(?P<format>json))?$", search),
        (r"^/hanke/(?P<project_id>[a-z0-9-]+)$", project_page),
        (r"^/aineisto/(?P<material_id>[0-9a-f]{16})$", material_page),
        (r"^/kojelauta$", dashboard),
        (r"^/uudet\.atom$", atom_feed),
        (r"^/sitemap\.xml$", sitemap),
    ]
