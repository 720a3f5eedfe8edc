"""The catalogue: schema, registry sync, idempotent upserts, harvest runs, full-text search.

Knows SQLite (through sqlite-utils) and plain dicts, nothing of Scrapy. Every write of a
source's harvest happens in one transaction, and a harvest never deletes a material.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import sqlite_utils

from harvester.clock import utcnow
from harvester.tagging import vocabulary
from harvester.urls import canonicalize
from harvester.works import assign_works

SCHEMA_VERSION = 1
GONE_AFTER = 3  # a material missing from this many consecutive trustworthy harvests becomes 'gone'
SHRINK_THRESHOLD = 0.5  # a source yielding less than this share of its active materials is suspect
MIN_ACTIVE_FOR_SHRINK = 5
JSON_LIST_COLUMNS = ("languages", "phases", "audiences", "link_texts", "alternates")
FTS_COLUMNS = ["title", "description", "link_texts", "text"]
# Datasette's facets count these columns over a filtered set of materials; reading them from the
# wide rows (extracted text, evidence) costs ~100 ms a facet at 100,000 materials, so a narrow copy
# keyed by the materials' rowid is kept in sync by triggers (datasette/plugins/facets.py).
FACET_TABLE = "material_facets"
# One row per (tag list, value, material), kept by triggers: a filter by a tag is an index lookup
# instead of json_each over every material's list (datasette/plugins/facets.py, `_tag_phases=`).
TAG_TABLE = "material_tags"
TAG_COLUMNS = ("languages", "phases", "audiences")
FACET_COLUMNS = ["type", "project_id", "round", "year", "format", "status", "plain_language",
                 "languages", "phases", "audiences"]  # fmt: skip

MATERIAL_COLUMNS = {
    "id": str,
    "url": str,
    "title": str,
    "description": str,
    "type": str,
    "languages": str,
    "plain_language": int,
    "phases": str,
    "audiences": str,
    "format": str,
    "source_id": str,
    "project_id": str,
    "status": str,
    "first_seen": str,
    "last_seen": str,
    "kind": str,
    "canonical_url": str,
    "declared_language": str,
    "link_texts": str,
    "referrer": str,
    "published": str,
    "content_hash": str,
    "size_bytes": int,
    "content_type": str,
    "material_reason": str,
    "tag_evidence": str,
    "text": str,
    "last_run_id": int,
    "missed_harvests": int,
    "tag_key": str,
    "work_id": str,  # the work (all language versions of one material) this version belongs to
    "in_aoe": str,  # the AOE identifier when aoe.fi already holds the material (an OAI-PMH source)
    "updated_at": str,  # last change of content, tags or status (OAI-PMH datestamp)
    "round": int,  # the pilot's call round (from projects), for faceting
    "year": int,  # year published, where the material says
    "license": str,  # a licence code (CC BY 4.0 …) when the material states one
    "alternates": str,  # JSON list: canonical URLs of its declared language versions (hreflang)
    "archived_url": str,  # a Wayback Machine snapshot (harvested from it, or found for a dead link)
    "link_status": int,  # last link check: HTTP status, 0 when unreachable
    "link_error": str,
    "link_checked_at": str,
}

# Filled from the EURA2014 register (spider: eura) for the projects with an EURA code.
PROJECT_REGISTER_COLUMNS = {
    column: str
    for column in (
        "eura_start", "eura_end", "applicant", "applicant_business_id", "eura_partners", "website",
        "eura_url", "eura_status", "eura_summary", "about_url", "about_text",
    )
}  # fmt: skip
RUN_COLUMNS = {
    "id": int,
    "started_at": str,
    "finished_at": str,
    "status": str,
    "sources_file": str,
    "sources": int,
    "pages_fetched": int,
    "materials": int,
    "new_materials": int,
    "gone_materials": int,
    "not_modified": int,
    "bytes": int,
    "errors": int,
    "message": str,
}
RUN_SOURCE_COLUMNS = {
    "run_id": int,
    "source_id": str,
    "status": str,
    "started_at": str,
    "finished_at": str,
    "pages_fetched": int,
    "materials": int,
    "new_materials": int,
    "changed_materials": int,
    "unchanged_materials": int,
    "gone_materials": int,
    "not_modified": int,
    "bytes": int,
    "errors": int,
    "error_details": str,
    "finish_reason": str,
    "message": str,
}


def open_catalog(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a catalogue in WAL mode, so Datasette can read while a harvest writes."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=10000")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    with db.atomic():
        _create_tables(db)
        for name, table in (("phases", "phases"), ("audiences", "audiences"), ("types", "types")):
            db[table].upsert_all(vocabulary.labels(name), pk="id")
        db["languages"].upsert_all(vocabulary.labels("languages"), pk="id")
        db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")


def _create_tables(db: sqlite_utils.Database) -> None:
    for name in ("phases", "audiences", "types", "languages"):
        db[name].create(
            {"id": str, "label_fi": str, "label_sv": str, "label_en": str}, pk="id", if_not_exists=True
        )
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["projects"].create(
        {
            "id": str,
            "name_fi": str,
            "name_sv": str,
            "name_en": str,
            "round": int,
            "start_year": int,
            "end_year": int,
            "implementer": str,
            "partners": str,
            "places": str,
            "eura_code": str,
            "phases": str,
            "objectives_fi": str,
            "objectives_en": str,
            "results_fi": str,
            "results_en": str,
            **PROJECT_REGISTER_COLUMNS,
        },
        pk="id",
        if_not_exists=True,
    )
    db["sources"].create(
        {
            "id": str,
            "name": str,
            "project_id": str,
            "start_urls": str,
            "scope": str,
            "platform": str,
            "note": str,
        },
        pk="id",
        foreign_keys=[("project_id", "projects", "id")],
        if_not_exists=True,
    )
    db["materials"].create(
        MATERIAL_COLUMNS,
        pk="id",
        not_null={"url", "title", "type", "source_id", "status", "first_seen", "last_seen"},
        defaults={"status": "active", "plain_language": 0, "missed_harvests": 0},
        foreign_keys=[
            ("type", "types", "id"),
            ("source_id", "sources", "id"),
            ("project_id", "projects", "id"),
        ],
        if_not_exists=True,
    )
    db["material_locations"].create(
        {"material_id": str, "url": str, "source_id": str, "first_seen": str, "last_seen": str},
        pk=("material_id", "url"),
        foreign_keys=[("material_id", "materials", "id"), ("source_id", "sources", "id")],
        if_not_exists=True,
    )
    db["harvest_runs"].create(
        RUN_COLUMNS,
        pk="id",
        if_not_exists=True,
    )
    db["harvest_run_sources"].create(
        RUN_SOURCE_COLUMNS,
        pk=("run_id", "source_id"),
        foreign_keys=[("run_id", "harvest_runs", "id"), ("source_id", "sources", "id")],
        if_not_exists=True,
    )
    # Catalogues made by an earlier version get the columns added since (never removed or changed).
    for table, spec in (
        ("projects", PROJECT_REGISTER_COLUMNS),
        ("materials", MATERIAL_COLUMNS),
        ("harvest_runs", RUN_COLUMNS),
        ("harvest_run_sources", RUN_SOURCE_COLUMNS),
    ):
        existing = db[table].columns_dict
        for column, kind in spec.items():
            if column not in existing:
                db[table].add_column(column, kind)
    for table, columns in (
        ("materials", ["source_id"]),
        ("materials", ["project_id"]),
        ("materials", ["type"]),
        ("materials", ["status"]),
        ("materials", ["updated_at"]),
        # Covering indexes for Datasette's facets: an array facet reads the JSON lists from the index
        # instead of the wide rows (120 ms → 35 ms at 100,000 materials, bench/catalogue_scale.py).
        ("materials", ["languages"]),
        ("materials", ["phases"]),
        ("materials", ["audiences"]),
        ("materials", ["round"]),
        ("materials", ["year"]),
        ("materials", ["format"]),
        ("materials", ["title"]),  # the default sort
        # The filters users pick most, each with the default sort: the first page reads 50 rows
        # from the index instead of sorting every match (type=guide: 41 → 2 ms at 100,000).
        ("materials", ["type", "title"]),
        ("materials", ["project_id", "title"]),
        ("materials", ["first_seen"]),  # the newest materials: front page, Atom feed
        ("materials", ["work_id"]),
        ("materials", ["content_hash"]),
        ("material_locations", ["url"]),
    ):
        db[table].create_index(columns, if_not_exists=True)
    if "materials_fts" not in db.table_names():
        db["materials"].enable_fts(
            FTS_COLUMNS, create_triggers=True, tokenize="unicode61 remove_diacritics 0"
        )
    if "materials_trigram" not in db.table_names():
        _create_trigram_index(db)
    if FACET_TABLE not in db.table_names():
        _create_facet_table(db)
    if TAG_TABLE not in db.table_names():
        _create_tag_table(db)


def _create_facet_table(db: sqlite_utils.Database) -> None:
    """The narrow copy of the facet columns (see FACET_COLUMNS), filled and then kept by triggers."""
    columns = ", ".join(FACET_COLUMNS)
    typed = ", ".join(f"{c} {'INTEGER' if MATERIAL_COLUMNS[c] is int else 'TEXT'}" for c in FACET_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FACET_COLUMNS)
    upsert = f"INSERT OR REPLACE INTO {FACET_TABLE} (material_rowid, {columns}) VALUES (new.rowid, {new});"
    # the same column types as materials, so that a filter compares as it does there ('1' = 1)
    db.execute(f"CREATE TABLE {FACET_TABLE} (material_rowid INTEGER PRIMARY KEY, {typed})")
    db.execute(
        f"INSERT INTO {FACET_TABLE} (material_rowid, {columns}) SELECT rowid, {columns} FROM materials"
    )
    delete = f"DELETE FROM {FACET_TABLE} WHERE material_rowid = old.rowid;"
    _keep_in_step(db, FACET_TABLE, upsert, delete, columns)


def _create_tag_table(db: sqlite_utils.Database) -> None:
    """The materials' tags one per row (see TAG_TABLE), filled and then kept by triggers."""

    def rows_of(source: str, row: str) -> list[str]:
        # a list that is not valid JSON yields no tags rather than failing the harvest's transaction
        lists = {c: f"CASE WHEN json_valid({row}.{c}) THEN {row}.{c} ELSE '[]' END" for c in TAG_COLUMNS}
        return [
            f"INSERT OR IGNORE INTO {TAG_TABLE} (vocabulary, value, material_rowid)"
            f" SELECT '{column}', j.value, {row}.rowid FROM {source}json_each({lists[column]}) j;"
            for column in TAG_COLUMNS
        ]

    delete = f"DELETE FROM {TAG_TABLE} WHERE material_rowid = old.rowid;"
    inserted = " ".join(rows_of("", "new"))
    statements = [
        f"CREATE TABLE {TAG_TABLE} (vocabulary TEXT NOT NULL, value TEXT NOT NULL,"
        " material_rowid INTEGER NOT NULL, PRIMARY KEY (vocabulary, value, material_rowid)) WITHOUT ROWID",
        f"CREATE INDEX idx_{TAG_TABLE}_material ON {TAG_TABLE} (material_rowid)",
        *rows_of("materials, ", "materials"),  # what the catalogue holds already
    ]
    for statement in statements:  # one by one, inside the caller's transaction
        db.execute(statement)
    _keep_in_step(db, TAG_TABLE, inserted, delete, ", ".join(TAG_COLUMNS))


def _create_trigram_index(db: sqlite_utils.Database) -> None:
    """A second full-text index of trigrams, so that a search finds words inside Finnish compounds
    ("koulutus" in "kotoutumiskoulutus"), kept in sync by triggers like the word index."""
    columns = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    insert = f"INSERT INTO materials_trigram (rowid, {columns}) VALUES (new.rowid, {new});"
    delete = f"INSERT INTO materials_trigram (materials_trigram, rowid, {columns})"
    delete += f" VALUES ('delete', old.rowid, {old});"
    statements = [
        f"CREATE VIRTUAL TABLE materials_trigram USING fts5({columns}, content=materials, tokenize=trigram)",
        f"INSERT INTO materials_trigram (rowid, {columns}) SELECT rowid, {columns} FROM materials",
    ]
    for statement in statements:  # one by one: executescript would commit the surrounding transaction
        db.execute(statement)
    _keep_in_step(db, "materials_trigram", insert, delete)


def _keep_in_step(db: sqlite_utils.Database, name: str, insert: str, delete: str, columns: str = "") -> None:
    """Triggers that keep a table derived from materials in step with it: `insert` (SQL on new.*)
    after an insert, `delete` (on old.*) after a delete, both after an update (of `columns` only)."""
    of = f" OF {columns}" if columns else ""
    for statement in (
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON materials BEGIN {insert} END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON materials BEGIN {delete} END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE{of} ON materials BEGIN {delete} {insert} END",
    ):
        db.execute(statement)


def sync_registry(db: sqlite_utils.Database, projects: list[dict], sources: list) -> None:
    """Write the registry (projects.yml and the sources file) into the catalogue."""
    rows = []
    for p in projects:
        name = p.get("name") or {}
        years = p.get("years") or {}
        objectives = p.get("objectives") or {}
        results = p.get("results") or {}
        rows.append(
            {
                "id": p["id"],
                "name_fi": name.get("fi"),
                "name_sv": name.get("sv"),
                "name_en": name.get("en"),
                "round": p.get("round"),
                "start_year": years.get("start"),
                "end_year": years.get("end"),
                "implementer": p.get("implementer"),
                "partners": json.dumps(p.get("partners") or [], ensure_ascii=False),
                "places": json.dumps(p.get("places") or [], ensure_ascii=False),
                "eura_code": p.get("eura_code"),
                "phases": json.dumps(p.get("phases") or [], ensure_ascii=False),
                "objectives_fi": objectives.get("fi"),
                "objectives_en": objectives.get("en"),
                "results_fi": results.get("fi"),
                "results_en": results.get("en"),
            }
        )
    with db.atomic():
        if rows:
            db["projects"].upsert_all(rows, pk="id")
        db["sources"].upsert_all(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "project_id": s.project,
                    "start_urls": json.dumps(list(s.start_urls)),
                    "scope": json.dumps(list(s.scope)),
                    "platform": s.platform,
                    "note": s.note,
                }
                for s in sources
            ],
            pk="id",
        )


def start_run(db: sqlite_utils.Database, sources_file: str, source_count: int) -> int:
    """Record a new run; a run still 'running' from before was killed, and says so from now on."""
    with db.atomic():
        db.execute(
            "update harvest_runs set status = 'interrupted', message = ? where status = 'running'",
            ["stopped before it finished: nothing of it was written"],
        )
        table = db["harvest_runs"].insert(
            {
                "started_at": utcnow(),
                "status": "running",
                "sources_file": sources_file,
                "sources": source_count,
            }
        )
    return table.last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, message: str = "") -> dict:
    summed = (
        "pages_fetched",
        "materials",
        "new_materials",
        "gone_materials",
        "not_modified",
        "bytes",
        "errors",
    )
    totals = db.execute(
        "select "
        + ", ".join(f"coalesce(sum({c}), 0)" for c in summed)
        + " from harvest_run_sources where run_id = ?",
        [run_id],
    ).fetchone()
    row = {
        "finished_at": utcnow(),
        "status": status,
        "message": message,
        **dict(zip(summed, totals, strict=True)),
    }
    with db.atomic():
        db["harvest_runs"].update(run_id, row)
    return db["harvest_runs"].get(run_id)


def material_row(item: dict) -> dict:
    row = {key: item.get(key) for key in MATERIAL_COLUMNS if key in item}
    for key in JSON_LIST_COLUMNS:
        row[key] = json.dumps(list(item.get(key) or []), ensure_ascii=False)
    row["tag_evidence"] = json.dumps(item.get("tag_evidence") or {}, ensure_ascii=False, sort_keys=True)
    row["plain_language"] = int(item.get("plain_language") or 0)
    return row


def previous_tags(db: sqlite_utils.Database, source_id: str) -> dict[str, dict]:
    """The tags a source's materials got last time, keyed by id, so unchanged materials keep them."""
    rows = db.execute(
        "select id, tag_key, type, languages, plain_language, phases, audiences, tag_evidence"
        " from materials where source_id = ? and tag_key is not null",
        [source_id],
    ).fetchall()
    return {
        r[0]: {
            "tag_key": r[1],
            "type": r[2],
            "languages": json.loads(r[3]),
            "plain_language": r[4],
            "phases": json.loads(r[5]),
            "audiences": json.loads(r[6]),
            "tag_evidence": json.loads(r[7]),
        }
        for r in rows
    }


def active_materials(
    db: sqlite_utils.Database,
    project: str | None = None,
    phase: str | None = None,
    ids: list[str] | None = None,
) -> list[dict]:
    """Active materials as plain rows, optionally of one project, one phase, or given ids."""
    where, params = ["status = 'active'"], []
    if project:
        where.append("project_id = ?")
        params.append(project)
    if phase:
        where.append("exists (select 1 from json_each(materials.phases) where value = ?)")
        params.append(phase)
    if ids is not None:
        where.append(f"id in ({','.join('?' * len(ids))})" if ids else "0")
        params.extend(ids)
    return list(db.query(f"select * from materials where {' and '.join(where)} order by id", params))


def projects_by_id(db: sqlite_utils.Database) -> dict[str, dict]:
    return {row["id"]: row for row in db.query("select * from projects")}


def _same_file_elsewhere(db: sqlite_utils.Database, item: dict, source_id: str) -> str | None:
    """The id of an active material from another source with byte-identical content (files only)."""
    if item.get("kind") != "file" or not item.get("content_hash"):
        return None
    row = db.execute(
        "select id from materials where content_hash = ? and kind = 'file' and status = 'active'"
        " and source_id != ? and id != ? order by first_seen limit 1",
        [item["content_hash"], source_id, item["id"]],
    ).fetchone()
    return row[0] if row else None


def _mark_in_repository(db: sqlite_utils.Database, records: list[dict]) -> None:
    """Set in_aoe (the repository's identifier) on materials found at a record's URLs; a full listing
    replaces the previous marks, so a material AOE has dropped loses its mark."""
    db.execute("update materials set in_aoe = null where in_aoe is not null")
    for record in records:
        for url in record.get("urls") or []:
            canonical = canonicalize(url)
            db.execute(
                "update materials set in_aoe = ? where url = ? or id in"
                " (select material_id from material_locations where url in (?, ?))",
                [record["identifier"], canonical, canonical, url],
            )


def publish_run(
    db: sqlite_utils.Database,
    run_id: int | None,
    results: list[dict],
    gone_after: int = GONE_AFTER,
    shrink_threshold: float = SHRINK_THRESHOLD,
    excluded_urls: set[str] | None = None,
) -> dict[str, dict]:
    """Write every source's harvest in ONE transaction: killed at any moment, the catalogue holds
    exactly the previous data or the new data. Returns the counts per source."""
    counts = {}
    eura_columns = {
        "eura_start": "start", "eura_end": "end", "applicant": "applicant",
        "applicant_business_id": "applicant_business_id", "website": "website", "eura_url": "register_url",
        "eura_status": "status", "eura_summary": "summary",
    }  # fmt: skip
    # Fault injection for the kill test: a pause between sources inside the transaction.
    pause = float(os.environ.get("AINEISTOPANKKI_FAULT_PUBLISH_PAUSE", "0") or 0)
    with db.atomic():
        for result in results:
            counts[result["source_id"]] = _store_source(db, run_id, result, gone_after, shrink_threshold)
            if pause:
                time.sleep(pause)
        for result in results:  # EURA2014 register records complete the pilot projects they describe
            for record in result.get("projects") or []:
                update = {column: record.get(key) for column, key in eura_columns.items()}
                update["eura_partners"] = json.dumps(record.get("partners") or [], ensure_ascii=False)
                sets = ", ".join(f"{column} = ?" for column in update)
                db.execute(
                    f"update projects set {sets} where eura_code = ?", [*update.values(), record["eura_code"]]
                )
        for result in results:  # the pilots' own "about" pages (Finnish first) describe them
            about = sorted(result.get("about") or [], key=lambda a: (a.get("language") != "fi", a["url"]))
            for page in about[:1]:
                db.execute(
                    "update projects set about_url = ?, about_text = ? where id = ?",
                    [page["url"], page["text"], page["project_id"]],
                )
        for result in results:  # AOE over OAI-PMH: which materials AOE already holds
            if result.get("repository") and result.get("report", {}).get("status") in ("ok", "partial"):
                _mark_in_repository(db, result["repository"])
        for url in sorted(excluded_urls or ()):  # a curator said it is not a material: retire it now
            db.execute(
                "update materials set status = 'gone', updated_at = ? where url = ? and status = 'active'",
                [utcnow(), url],
            )
    return counts


def _store_source(db, run_id, result: dict, gone_after: int, shrink_threshold: float) -> dict:
    """Upsert one source's materials; count misses and retire materials only after a trustworthy harvest.

    A failed source (nothing fetched) changes nothing. A source that suddenly yields far fewer
    materials than it has active (a redesign, a broken page) is 'suspect': what it found is updated,
    nothing is counted missing. Nothing is ever deleted.
    """
    source_id = result["source_id"]
    items = result.get("items") or []
    report = dict(result.get("report") or {})
    now = utcnow()
    ids = [item["id"] for item in items]
    existing = {
        row[0]: row[1:]
        for row in db.execute(
            "select id, first_seen, content_hash, tag_key, updated_at, status"
            " from materials where source_id = ?",
            [source_id],
        )
    }
    previously_active = db.execute(
        "select count(*) from materials where source_id = ? and status = 'active'", [source_id]
    ).fetchone()[0]
    status = report.get("status", "ok")
    if (
        status != "failed"
        and previously_active >= MIN_ACTIVE_FOR_SHRINK
        and len(set(ids)) < shrink_threshold * previously_active
    ):
        status = "suspect"
        report["message"] = (
            f"yielded {len(set(ids))} materials where {previously_active} were active: "
            "kept the others active (a redesign or a broken page?)"
        )
    counts = {"new": 0, "changed": 0, "unchanged": 0, "gone": 0, "elsewhere": 0}
    rounds = dict(db.execute("select id, round from projects").fetchall())
    works = assign_works(items)
    rows, locations = [], []
    for item in items:
        elsewhere = _same_file_elsewhere(db, item, source_id)
        if elsewhere:
            # The same file is already catalogued from another site: one material, one more location.
            counts["elsewhere"] += 1
            db.execute("update materials set last_seen = ? where id = ?", [now, elsewhere])
            for url in item.get("locations") or [item["url"]]:
                locations.append(
                    {"material_id": elsewhere, "url": url, "source_id": source_id, "last_seen": now}
                )
            continue
        row = material_row(item)
        row["work_id"] = works.get(item["id"], item["id"])
        # denormalised for facets: the pilot's call round and the year published
        row["round"] = rounds.get(item.get("project_id"))
        published = item.get("published") or ""
        row["year"] = int(published[:4]) if published[:4].isdigit() else None
        previous = existing.get(item["id"])
        if previous:
            first_seen, content_hash, tag_key, updated_at, status_before = previous
            row["first_seen"] = first_seen
            counts["changed" if content_hash != row.get("content_hash") else "unchanged"] += 1
            # updated_at: when anything a catalogue or harvester of ours (OAI-PMH) sees last changed
            same = (content_hash, tag_key, status_before) == (
                row.get("content_hash"),
                row.get("tag_key"),
                "active",
            )
            row["updated_at"] = updated_at if same and updated_at else now
        else:
            row["first_seen"] = row["updated_at"] = now
            counts["new"] += 1
        row.update(last_seen=now, status="active", last_run_id=run_id, missed_harvests=0)
        rows.append(row)
        for url in item.get("locations") or [item["url"]]:
            locations.append(
                {"material_id": item["id"], "url": url, "source_id": source_id, "last_seen": now}
            )
    if rows:
        db["materials"].upsert_all(rows, pk="id", alter=False)
    if status in ("ok", "partial"):
        seen = set(ids)
        missing = [mid for mid in existing if mid not in seen]
        for chunk in (missing[i : i + 500] for i in range(0, len(missing), 500)):
            marks = ",".join("?" * len(chunk))
            db.execute(
                "update materials set missed_harvests = missed_harvests + 1"
                f" where status = 'active' and id in ({marks})",
                chunk,
            )
            counts["gone"] += db.execute(
                "update materials set status = 'gone', updated_at = ? where status = 'active'"
                f" and missed_harvests >= ? and id in ({marks})",
                [now, gone_after, *chunk],
            ).rowcount
    if locations:
        known = {
            (r[0], r[1]): r[2]
            for r in db.execute(
                "select material_id, url, first_seen from material_locations where source_id = ?", [source_id]
            ).fetchall()
        }
        for loc in locations:
            loc["first_seen"] = known.get((loc["material_id"], loc["url"]), now)
        db["material_locations"].upsert_all(locations, pk=("material_id", "url"))
    if run_id is not None:
        errors = report.get("errors") or []
        db["harvest_run_sources"].upsert(
            {
                "run_id": run_id,
                "source_id": source_id,
                "status": status,
                "started_at": report.get("started_at"),
                "finished_at": now,
                "pages_fetched": report.get("pages_fetched", 0),
                "materials": len(rows),
                "new_materials": counts["new"],
                "changed_materials": counts["changed"],
                "unchanged_materials": counts["unchanged"],
                "gone_materials": counts["gone"],
                "not_modified": report.get("not_modified", 0),
                "bytes": report.get("bytes", 0),
                "errors": len(errors),
                "error_details": json.dumps(errors, ensure_ascii=False),
                "finish_reason": report.get("finish_reason"),
                "message": report.get("message"),
            },
            pk=("run_id", "source_id"),
            alter=True,
        )
    return {**counts, "status": status}
