"""AOE verdicts kept in the catalogue: when a source is published, the works whose materials
changed (or whose verdict was reached under other AOE rules) get their AOE record built once and
its verdict stored on each member (aoe_work, aoe_problems), so that the readiness page reads
them in SQL (harvester/catalog/queries.py: readiness)."""

from __future__ import annotations

import json

import sqlite_utils

from harvester.catalog.queries import EXPORT_COLUMNS, projects_by_id, rows
from harvester.export.aoe import export_records, rules_version


def refresh_verdicts(db: sqlite_utils.Database, source_ids: list[str], since: str) -> int:
    """Recompute the verdicts of the works of `source_ids` touched at or after `since`, or never
    judged under the current rules; returns how many works were judged."""
    rules = rules_version()
    stale = rows(
        db,
        f"select {EXPORT_COLUMNS} from materials where status = 'active' and work_id in"
        " (select work_id from materials where source_id in (select value from json_each(?))"
        " and (updated_at >= ? or aoe_rules is not ? or aoe_problems is null))",
        [json.dumps(source_ids), since, rules],
    )
    if not stale:
        return 0
    records = export_records(stale, projects_by_id(db))
    for record in records:
        ids = record["aineistopankki"]["ids"]
        db.execute(
            "update materials set aoe_work = ?, aoe_problems = ?, aoe_rules = ?"
            " where id in (select value from json_each(?))",
            [ids[0], json.dumps(record["aoeProblems"], ensure_ascii=False), rules, json.dumps(ids)],
        )
    return len(records)
