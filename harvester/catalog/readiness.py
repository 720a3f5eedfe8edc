"""AOE verdicts kept in the catalogue: when a source is published, the works whose materials
changed (or whose verdict was reached under other AOE rules) get their AOE record built once and
its verdict stored, one narrow row a work (aoe_works) and the work of each member (aoe_verdicts),
so that the readiness page counts and lists in SQL (harvester/catalog/queries.py: readiness)."""

from __future__ import annotations

import json
import re

import sqlite_utils

from harvester.catalog.columns import VERDICT_TABLE, WORK_TABLE
from harvester.catalog.queries import EXPORT_COLUMNS, projects_by_id, rows
from harvester.export.aoe import UnknownType, group_works, record, rules_version


def refresh_verdicts(db: sqlite_utils.Database, source_ids: list[str] | None, since: str) -> int:
    """Judge anew the works of `source_ids` (None: every source) with a material touched at or
    after `since` or judged under other rules; returns how many works were judged."""
    rules = rules_version()
    if source_ids is None:
        source_ids = [row["id"] for row in rows(db, "select id from sources")]
    touched = json.dumps([row["id"] for row in rows(
        db,
        f"select m.id from materials m left join {VERDICT_TABLE} v on v.material_id = m.id"
        f" left join {WORK_TABLE} w on w.work = v.work where m.source_id in (select value from json_each(?))"
        " and (m.updated_at >= ? or w.rules is not ?)",
        [json.dumps(source_ids), since, rules],
    )])  # fmt: skip
    # the works those materials belonged to and belong to now, with every member of either
    old_works = (
        f"select work from {VERDICT_TABLE} where material_id in (select value from json_each(:touched))"
    )
    members = (
        f"select material_id from {VERDICT_TABLE} where work in ({old_works})"
        " union select value from json_each(:touched)"
    )
    stale = rows(
        db,
        f"select {EXPORT_COLUMNS} from materials where status = 'active' and work_id in"
        f" (select work_id from materials where id in ({members}))",
        {"touched": touched},
    )
    db.execute(f"delete from {WORK_TABLE} where work in ({old_works})", {"touched": touched})
    db.execute(f"delete from {VERDICT_TABLE} where material_id in ({members})", {"touched": touched})
    projects = projects_by_id(db)
    works, verdicts = [], []
    for work in group_works(stale):
        try:
            problems = record(work, projects.get(work[0].get("project_id")))["aoeProblems"]
        except UnknownType as exc:  # judged, not fatal: the readiness page names the cause
            problems = [str(exc)]
        key = work[0]["id"]
        works.append({
            "work": key, "name": work[0]["title"], "ready": int(not problems), "rules": rules,
            "problems": json.dumps(problems, ensure_ascii=False),
            "in_aoe": next((row["in_aoe"] for row in work if row.get("in_aoe")), None),
            "ids": json.dumps(sorted(row["id"] for row in work)),
            "languages": json.dumps([main_language(row) for row in work]),
        })  # fmt: skip
        verdicts += [{"material_id": row["id"], "work": key} for row in work]
    db[WORK_TABLE].upsert_all(works, pk="work")
    db[VERDICT_TABLE].upsert_all(verdicts, pk="material_id")
    return len(works)


def main_language(row: dict) -> str:
    languages = json.loads(row.get("languages") or "[]")
    return languages[0] if languages else ""


def refresh_marks(db: sqlite_utils.Database) -> None:
    """Carry the materials' AOE marks (in_aoe, set from AOE's OAI-PMH listing) to their works."""
    db.execute(
        f"update {WORK_TABLE} set in_aoe = (select max(m.in_aoe) from {VERDICT_TABLE} v"
        f" join materials m on m.id = v.material_id where v.work = {WORK_TABLE}.work)"
    )


# AOE's problems are kept as AOE's rules word them (English, aoe_schema.py); pages show them in the
# interface language through these message keys (datasette/i18n/messages.yml), the values filled in.
PROBLEM_PATTERNS = (
    (re.compile(r"no open licence stated"), "aoe.problem.no_licence"),
    (re.compile(r"licence (?P<licence>\S+) is not one AOE accepts"), "aoe.problem.bad_licence"),
    (re.compile(r"no name in Finnish, Swedish or English"), "aoe.problem.no_name"),
    (re.compile(r"no link or file"), "aoe.problem.no_link"),
    (re.compile(r"link (?P<n>\d+) has no http\(s\) address"), "aoe.problem.link_address"),
    (re.compile(r"link (?P<n>\d+) has no language"), "aoe.problem.link_language"),
    (re.compile(r"link (?P<n>\d+) has no display name"), "aoe.problem.link_name"),
    (re.compile(r"no author"), "aoe.problem.no_author"),
    (re.compile(r"no keyword"), "aoe.problem.no_keyword"),
    (re.compile(r"no learning resource type"), "aoe.problem.no_type"),
    (re.compile(r"no educational level"), "aoe.problem.no_level"),
    (
        re.compile(r"(?P<field>\w+)\.(?P<lang>fi|sv|en) is longer than (?P<limit>\d+) characters"),
        "aoe.problem.too_long",
    ),
    (re.compile(r"educational level (?P<level>.+) is disabled in AOE"), "aoe.problem.level_disabled"),
)


def problem_message(problem: str) -> tuple[str, dict]:
    """(message key, values) for one of AOE's problems; an unknown one keeps its own words."""
    for pattern, key in PROBLEM_PATTERNS:
        found = pattern.match(problem)
        if found:
            return key, found.groupdict()
    return "aoe.problem.other", {"problem": problem}


def licence_problem(problems: list[str]) -> bool:
    """Whether a licence is what blocks (the librarian asks the project about it)."""
    return any(
        problem_message(p)[0] in ("aoe.problem.no_licence", "aoe.problem.bad_licence") for p in problems
    )
