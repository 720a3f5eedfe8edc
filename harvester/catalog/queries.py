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

from harvester.catalog.columns import TAG_TABLE
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
