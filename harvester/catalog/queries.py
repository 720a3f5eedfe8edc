"""Every read of the catalogue that the CLI, the Datasette plugins, OAI-PMH, the AOE export and
validate need, in one place. Each function takes a `sqlite3.Connection` (what Datasette's
`execute_fn` hands out) or a `sqlite_utils.Database`, so it works on any catalogue file name.

Reads name only the columns they use: the extracted full text is never read where a page of
results is wanted (the AOE description fallback takes its first 600 characters in SQL).
"""

from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from harvester.catalog import evidence
from harvester.catalog.columns import FACET_TABLE, TAG_TABLE, VERDICT_TABLE, WORK_TABLE
from harvester.catalog.schema import DATESTAMP

# What an AOE record (harvester/export/aoe.py) and an OAI-PMH record read from a material.
EXPORT_COLUMNS = (
    "id, url, title, description, substr(text, 1, 600) as text, type, languages, phases, audiences,"
    " plain_language, license, in_aoe, project_id, work_id, alternates, status, first_seen, updated_at,"
    " published, format, content_type"
)
Connection = sqlite3.Connection | sqlite_utils.Database


def _conn(db: Connection) -> sqlite3.Connection:
    return db.conn if isinstance(db, sqlite_utils.Database) else db


def rows(db: Connection, sql: str, params=()) -> list[dict]:
    """The rows of a query as plain dicts, whatever row factory the connection has."""
    cursor = _conn(db).execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def value(db: Connection, sql: str, params=()):
    row = _conn(db).execute(sql, params).fetchone()
    return row[0] if row else None


# --- harvest ----------------------------------------------------------------------------------


def previous_tags(db: Connection, source_id: str) -> dict[str, dict]:
    """The tags a source's materials got last time, keyed by id, so unchanged materials keep them."""
    found = rows(
        db,
        "select id, tag_key, type, languages, plain_language, phases, audiences, tag_evidence"
        " from materials where source_id = ? and tag_key is not null",
        [source_id],
    )
    for row in found:
        for column in ("languages", "phases", "audiences", "tag_evidence"):
            row[column] = json.loads(row[column])
    return {row.pop("id"): row for row in found}


def run_sources(db: Connection, run_id: int) -> list[dict]:
    """One run's per-source rows, as the harvest command reports them."""
    return rows(db, "select * from harvest_run_sources where run_id = ? order by source_id", [run_id])


def link_targets(db: Connection, sources: list[str] | None = None) -> list[dict]:
    """{id, url} of the active materials whose links the link checker visits."""
    where, params = "status = 'active' and url like 'http%'", []
    if sources:
        where += " and source_id in (select value from json_each(?))"
        params = [json.dumps(list(sources))]
    return rows(db, f"select id, url from materials where {where} order by id", params)


# --- AOE export and readiness ----------------------------------------------------------------


def export_rows(
    db: Connection,
    project: str | None = None,
    phase: str | None = None,
    ids: list[str] | None = None,
) -> list[dict]:
    """Active materials with the columns an AOE record needs, optionally of one project, one phase
    or given ids. Ids travel as one JSON parameter, never one variable each (SQLite allows 32,766)."""
    where, params = ["status = 'active'"], []
    if project:
        where.append("project_id = ?")
        params.append(project)
    if phase:
        where.append(
            f"rowid in (select material_rowid from {TAG_TABLE} where vocabulary = 'phases' and value = ?)"
        )
        params.append(phase)
    if ids is not None:
        where.append("id in (select value from json_each(?))")
        params.append(json.dumps(list(ids)))
    return rows(db, f"select {EXPORT_COLUMNS} from materials where {' and '.join(where)} order by id", params)


def active_materials(db: Connection, project=None, phase=None, ids=None) -> list[dict]:
    """The name the CLI and plugins used before export_rows (kept until the plugins switch)."""
    return export_rows(db, project=project, phase=phase, ids=ids)


def projects_by_id(db: Connection) -> dict[str, dict]:
    return {row["id"]: row for row in rows(db, "select * from projects")}


# --- OAI-PMH ---------------------------------------------------------------------------------


class OaiStore:
    """The rows the OAI-PMH provider (harvester/export/oaipmh.py) asks for, paged in SQL in datestamp
    order (the index of migration 0002) so that one request reads one page, at any catalogue size."""

    def __init__(self, db: Connection):
        self.conn = _conn(db)

    def _where(self, set_spec: str | None, start: str | None, end: str | None) -> tuple[list[str], list]:
        where, params = ["status in ('active', 'gone')"], []
        if set_spec and set_spec.startswith("project:"):
            where.append("project_id = ?")
            params.append(set_spec.split(":", 1)[1])
        elif set_spec and set_spec.startswith("phase:"):
            where.append(
                f"rowid in (select material_rowid from {TAG_TABLE} where vocabulary = 'phases' and value = ?)"
            )
            params.append(set_spec.split(":", 1)[1])
        if start:
            where.append(f"{DATESTAMP} >= ?")
            params.append(start)
        if end:
            where.append(f"{DATESTAMP} <= ?")
            params.append(end)
        return where, params

    def count(self, set_spec: str | None, start: str | None, end: str | None) -> int:
        where, params = self._where(set_spec, start, end)
        return value(self.conn, f"select count(*) from materials where {' and '.join(where)}", params)

    def page(self, set_spec, start, end, after: tuple[str, str] | None, limit: int) -> list[dict]:
        """Up to `limit` rows after the (datestamp, id) `after`, in datestamp order."""
        where, params = self._where(set_spec, start, end)
        if after:
            where.append(f"({DATESTAMP}, id) > (?, ?)")
            params += list(after)
        sql = (
            f"select {EXPORT_COLUMNS}, {DATESTAMP} as datestamp from materials"
            f" where {' and '.join(where)} order by {DATESTAMP}, id limit ?"
        )
        return rows(self.conn, sql, [*params, limit])

    def material(self, material_id: str) -> dict | None:
        found = rows(self.conn, f"select {EXPORT_COLUMNS} from materials where id = ?", [material_id])
        return found[0] if found else None

    def projects(self) -> dict[str, dict]:
        return projects_by_id(self.conn)

    def phases(self) -> list[dict]:
        return rows(self.conn, "select * from phases order by rowid")

    def earliest(self) -> str | None:
        return value(self.conn, f"select min({DATESTAMP}) from materials")


# --- validate ----------------------------------------------------------------------------------


def source_coverage(db: Connection, filled: dict[str, str]) -> list[dict]:
    """Per source: active and gone materials, how many have each field filled (`filled`: name -> SQL
    that is true when filled) and the source's latest harvest status, in one pass over materials."""
    sums = "".join(f", sum(case when status = 'active' and ({expr}) then 1 else 0 end) as {name}"
                   for name, expr in filled.items())  # fmt: skip
    return rows(
        db,
        "select s.id as source_id, coalesce(m.active, 0) as active, coalesce(m.gone, 0) as gone"
        + "".join(f", m.{name}" for name in filled)
        + ", r.status as last_status, r.message as last_message"
        " from sources s left join harvest_run_sources r on r.source_id = s.id and r.run_id ="
        " (select max(run_id) from harvest_run_sources where source_id = s.id)"
        " left join (select source_id, sum(status = 'active') as active,"
        f" sum(status = 'gone') as gone{sums} from materials group by source_id) m on m.source_id = s.id"
        " order by s.id",
    )


# --- the catalogue's own web pages (datasette/plugins) ------------------------------------------
# Counts read the narrow tables (material_facets, material_tags), never the wide rows with their
# extracted text: the front page and the dashboard stay fast at any size (bench/catalogue_scale.py).


def tag_counts(db: Connection, vocabulary: str) -> list[dict]:
    """(id, n): active materials by the values of a tag list (languages, phases, audiences)."""
    return rows(
        db,
        f"select t.value as id, count(*) as n from {TAG_TABLE} t join {FACET_TABLE} f"
        " on f.material_rowid = t.material_rowid where t.vocabulary = ? and f.status = 'active'"
        " group by t.value order by n desc",
        [vocabulary],
    )


def _column_counts_sql(column: str) -> str:
    return (
        f"select {column} as id, count(*) as n from {FACET_TABLE} where status = 'active' group by {column}"
    )


def column_counts(db: Connection, column: str) -> list[dict]:
    """(id, n): active materials by a column of the narrow copy (type, project_id)."""
    return rows(db, _column_counts_sql(column) + " order by n desc")


def vocabulary_counts(db: Connection) -> dict[str, list[dict]]:
    """Active materials by phase, audience, language and type: the front page's entry points and the
    dashboard's charts."""
    return {
        "phases": tag_counts(db, "phases"),
        "audiences": tag_counts(db, "audiences"),
        "languages": tag_counts(db, "languages"),
        "types": column_counts(db, "type"),
    }


def front_page(db: Connection) -> dict:
    """Everything the front page shows: totals, entry points with counts, projects, the newest."""
    return {
        "total": value(db, "select count(*) from materials where status = 'active'"),
        "plain": value(
            db, f"select count(*) from {FACET_TABLE} where status = 'active' and plain_language = 1"
        ),
        **vocabulary_counts(db),
        "projects": rows(
            db,
            "select p.id, p.name_fi, p.name_sv, p.name_en, p.round, coalesce(c.n, 0) as n"
            " from projects p left join"
            f" ({_column_counts_sql('project_id')}) c on c.id = p.id order by p.round, p.name_fi",
        ),
        "newest": rows(
            db,
            "select id, title, type, languages from materials where status = 'active'"
            " order by first_seen desc, title limit 8",
        ),
    }


def project_page(db: Connection, project_id: str) -> dict | None:
    """A pilot project with its active materials and its sources; None when there is no such project."""
    found = rows(db, "select * from projects where id = ?", [project_id])
    if not found:
        return None
    project = found[0]
    for key in ("partners", "places", "phases"):
        project[key] = json.loads(project.get(key) or "[]")
    materials = rows(
        db,
        "select id, title, type, languages, phases, audiences, format, plain_language, url from materials"
        " where project_id = ? and status = 'active' order by type, title",
        [project_id],
    )
    sources = rows(db, "select id, name, start_urls from sources where project_id = ?", [project_id])
    return {"project": project, "materials": materials, "sources": sources}


def material_page(db: Connection, material_id: str) -> dict | None:
    """A material with its tag evidence in words, a description (its own, else the text's first
    sentences), its AOE verdict, its versions in other languages, its project and the URLs it was
    found at; None when there is no such material."""
    found = rows(db, "select * from materials where id = ?", [material_id])
    if not found:
        return None
    material = found[0]
    alternates = json.loads(material.get("alternates") or "[]")
    versions = rows(  # the same work in other languages
        db,
        "select id, title, languages from materials where id != ? and status = 'active'"
        " and ((work_id is not null and work_id = ?) or url in (select value from json_each(?)))"
        " order by title",
        [material["id"], material.get("work_id"), json.dumps(alternates)],
    )
    project = rows(db, "select id, name_fi, name_sv from projects where id = ?", [material.get("project_id")])
    locations = rows(
        db,
        "select url, first_seen, last_seen from material_locations where material_id = ?",
        [material["id"]],
    )
    verdict = rows(
        db,
        f"select w.ready, w.problems, w.in_aoe from {VERDICT_TABLE} v join {WORK_TABLE} w on w.work = v.work"
        " where v.material_id = ?",
        [material["id"]],
    )
    aoe = None
    if verdict:
        aoe = {**verdict[0], "problems": json.loads(verdict[0]["problems"] or "[]")}
    own = (material.get("description") or "").strip()
    return {
        "m": material,
        "description": own or evidence.first_sentences(material.get("text")),
        "description_is_own": bool(own),
        "evidence": evidence.describe(material.get("tag_evidence")),
        "versions": versions,
        "project": project[0] if project else None,
        "locations": locations,
        "aoe": aoe,
    }


def dashboard(db: Connection) -> dict:
    """The dashboard's counts by tag, type and project, and the latest harvest runs."""
    return {
        **vocabulary_counts(db),
        "projects": rows(
            db,
            f"select coalesce(p.name_fi, '(ohjelma)') as id, c.n from ({_column_counts_sql('project_id')}) c"
            " left join projects p on p.id = c.id order by c.n desc",
        ),
        "runs": rows(
            db,
            "select id, started_at, status, materials, new_materials, gone_materials, errors"
            " from harvest_runs order by id desc limit 12",
        ),
    }


# --- AOE readiness ---------------------------------------------------------------------------------


def readiness(db: Connection, limit: int | None = 500, offset: int = 0, blocked_only: bool = True) -> dict:
    """AOE readiness from the verdicts the catalogue keeps (readiness.py), shaped as AOE records are
    where the page reads them: how many works (a work is one AOE record: its language versions are
    materials of their own in the catalogue), how many active materials they hold, how many ready,
    how many already in AOE, and a page of works (`limit` from `offset`; blocked ones not yet in
    AOE, or all), problems first, then title, each with its versions (id, title, languages) and
    project. Narrow tables and the page's own rows only: fast at any size (bench/catalogue_scale.py)."""
    works, ready, in_aoe, materials = (
        _conn(db)
        .execute(
            f"select count(*), coalesce(sum(ready), 0), count(in_aoe),"
            f" (select count(*) from {VERDICT_TABLE}) from {WORK_TABLE}"
        )
        .fetchone()
    )
    where = "where ready = 0 and in_aoe is null" if blocked_only else ""
    page = rows(
        db,
        f"select * from {WORK_TABLE} {where} order by ready, problems, name limit ? offset ?",
        [-1 if limit is None else limit, offset],
    )
    ids = [i for w in page for i in json.loads(w["ids"])]
    members = {
        row["id"]: row
        for row in rows(
            db,
            "select id, title, languages, project_id from materials"
            " where id in (select value from json_each(?))",
            [json.dumps(ids)],
        )
    }
    records = []
    for w in page:
        versions = [members[i] for i in json.loads(w["ids"]) if i in members]
        versions.sort(key=lambda v: v["title"] != w["name"])  # the version the work is named by first
        for version in versions:
            version["languages"] = json.loads(version["languages"] or "[]")
        records.append(
            {
                "name": {"fi": w["name"], "sv": "", "en": ""},
                "aoeReady": bool(w["ready"]),
                "aoeProblems": json.loads(w["problems"]),
                "links": [{"language": lang} for lang in json.loads(w["languages"])],
                "aineistopankki": {"ids": json.loads(w["ids"]), "inAoe": w["in_aoe"]},
                "versions": versions,
                "project_id": next((v["project_id"] for v in versions if v["project_id"]), None),
            }
        )
    following = offset + len(page) if limit is not None and len(page) == limit else None
    return {
        "works": works,
        "materials": materials,
        "ready": ready,
        "in_aoe": in_aoe,
        "records": records,
        "next": following,
    }
