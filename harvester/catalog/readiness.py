"""AOE verdicts kept in the catalogue: when a source is published, the works whose materials
changed (or whose verdict was reached under other AOE rules) get their AOE record built once and
its verdict stored for each member (table aoe_verdicts), so that the readiness page reads
them in SQL (harvester/catalog/queries.py: readiness)."""

from __future__ import annotations

import json

import sqlite_utils

from harvester.catalog.columns import VERDICT_TABLE
from harvester.catalog.queries import EXPORT_COLUMNS, projects_by_id, rows
from harvester.export.aoe import UnknownType, group_works, record, rules_version


def refresh_verdicts(db: sqlite_utils.Database, source_ids: list[str] | None, since: str) -> int:
    """Recompute the verdicts of the works of `source_ids` (None: every source) touched at or after
    `since`, or never judged under the current rules; returns how many works were judged."""
    rules = rules_version()
    if source_ids is None:
        source_ids = [row["id"] for row in rows(db, "select id from sources")]
    stale = rows(
        db,
        f"select {EXPORT_COLUMNS} from materials where status = 'active' and work_id in"
        " (select m.work_id from materials m left join aoe_verdicts v on v.material_id = m.id"
        " where m.source_id in (select value from json_each(?))"
        " and (m.updated_at >= ? or v.rules is not ?))",
        [json.dumps(source_ids), since, rules],
    )
    if not stale:
        return 0
    projects = projects_by_id(db)
    works = group_works(stale)
    verdicts = []
    for work in works:
        try:
            problems = record(work, projects.get(work[0].get("project_id")))["aoeProblems"]
        except UnknownType as exc:  # judged, not fatal: the readiness page names the cause
            problems = [str(exc)]
        judged = json.dumps(problems, ensure_ascii=False)
        verdicts += [
            {"material_id": row["id"], "work": work[0]["id"], "problems": judged, "rules": rules}
            for row in work
        ]
    db[VERDICT_TABLE].upsert_all(verdicts, pk="material_id")
    return len(works)
