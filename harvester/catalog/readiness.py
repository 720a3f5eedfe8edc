"""AOE verdicts kept in the catalogue: when a source is published, the works whose materials
changed (or whose verdict was reached under other AOE rules) get their AOE record built once and
its verdict stored on each member (aoe_work, aoe_problems), so that the readiness page reads
them in SQL (harvester/catalog/queries.py: readiness)."""

from __future__ import annotations

import json

import sqlite_utils

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
        " (select work_id from materials where source_id in (select value from json_each(?))"
        " and (updated_at >= ? or aoe_rules is not ? or aoe_problems is null))",
        [json.dumps(source_ids), since, rules],
    )
    if not stale:
        return 0
    projects = projects_by_id(db)
    works = group_works(stale)
    for work in works:
        ids = [row["id"] for row in work]
        try:
            problems = record(work, projects.get(work[0].get("project_id")))["aoeProblems"]
        except UnknownType as exc:  # judged, not fatal: the readiness page names the cause
            problems = [str(exc)]
        db.execute(
            "update materials set aoe_work = ?, aoe_problems = ?, aoe_rules = ?"
            " where id in (select value from json_each(?))",
            [ids[0], json.dumps(problems, ensure_ascii=False), rules, json.dumps(ids)],
        )
    return len(works)
