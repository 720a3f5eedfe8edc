"""The catalogue's schema as numbered migrations (sqlite-utils `Migrations`), run by every command
that opens a catalogue (harvest, serve, export, validate, check-links), so that no reader needs a
branch for an older schema: an older catalogue is migrated when it is opened.

Rules for a change: add a new function at the end, decorated with `@MIGRATIONS(name="NNNN_what")`;
never edit or reorder one that has shipped (catalogues record the names they have applied).
0001 creates the tables from the column specs in columns.py, which grow: a column added to a spec
later is also added by its own migration, guarded (`if column not in ...columns_dict`), since a
new catalogue already has it from 0001 and an older one gets it only from the migration.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from harvester.catalog.columns import (
    MATERIAL_COLUMNS,
    PROJECT_REGISTER_COLUMNS,
    RUN_COLUMNS,
    RUN_SOURCE_COLUMNS,
    VERDICT_COLUMNS,
    VERDICT_TABLE,
    WORK_COLUMNS,
    WORK_TABLE,
)
from harvester.catalog.derived import create_derived_tables
from harvester.tagging import vocabulary

MIGRATIONS = Migrations("aineistopankki")
VOCABULARY_TABLES = ("phases", "audiences", "types", "languages")
# The expression OAI-PMH pages by (harvester/catalog/queries.py); indexed by migration 0002.
DATESTAMP = "coalesce(updated_at, first_seen)"


def open_catalog(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a catalogue in WAL mode, so Datasette can read while a harvest
    writes, and bring it to the current schema."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=10000")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the pending migrations and refresh the vocabulary labels; returns what was applied."""
    pending = [m.name for m in MIGRATIONS.pending(db)]
    if pending:
        MIGRATIONS.apply(db)
    with db.atomic():
        for name in VOCABULARY_TABLES:  # labels are data from vocab/*.yml: refreshed on every open,
            labels = vocabulary.labels(name)  # written only when they differ (a served file stays untouched)
            if list(db[name].rows_where(order_by="rowid")) != labels:
                db[name].upsert_all(labels, pk="id")
    return pending


def applied(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in MIGRATIONS.applied(db)]


@MIGRATIONS(name="0001_catalogue")
def _catalogue(db: sqlite_utils.Database) -> None:
    """The catalogue as it stood before migrations. Written so that it also completes a catalogue
    made before it (created only if missing, columns added since then added), which is how the
    catalogues written without a migrations table reach the numbered line."""
    for name in VOCABULARY_TABLES:
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
    db["harvest_runs"].create(RUN_COLUMNS, pk="id", if_not_exists=True)
    db["harvest_run_sources"].create(
        RUN_SOURCE_COLUMNS,
        pk=("run_id", "source_id"),
        foreign_keys=[("run_id", "harvest_runs", "id"), ("source_id", "sources", "id")],
        if_not_exists=True,
    )
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
    create_derived_tables(db)
    db["meta"].upsert({"key": "schema_version", "value": "1"}, pk="key")


@MIGRATIONS(name="0002_oai_datestamp_index")
def _oai_datestamp_index(db: sqlite_utils.Database) -> None:
    """OAI-PMH lists records in datestamp order a page at a time: an index on the expression lets
    SQLite read one page from it instead of sorting every material (bench/catalogue_scale.py)."""
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_materials_datestamp ON materials ({DATESTAMP}, id)")
    db["meta"].upsert({"key": "schema_version", "value": "2"}, pk="key")


@MIGRATIONS(name="0003_aoe_verdicts")
def _aoe_verdicts(db: sqlite_utils.Database) -> None:
    """Each material keeps its work's AOE verdict (harvester/catalog/readiness.py), written when it
    is published, so that the readiness page counts and lists in SQL instead of building every AOE
    record on each request (~0.4 ms a record: 40 s at 100,000 materials)."""
    db[WORK_TABLE].create(WORK_COLUMNS, pk="work", if_not_exists=True)
    db[WORK_TABLE].create_index(["ready", "problems", "name"], if_not_exists=True)  # the blocked list
    db[VERDICT_TABLE].create(
        VERDICT_COLUMNS,
        pk="material_id",
        foreign_keys=[("material_id", "materials", "id")],
        if_not_exists=True,
    )
    db[VERDICT_TABLE].create_index(["work"], if_not_exists=True)
    from harvester.catalog.readiness import refresh_verdicts  # it reads through queries, which read here

    refresh_verdicts(db, None, since="9999")  # the materials already catalogued get their verdicts
    db["meta"].upsert({"key": "schema_version", "value": "3"}, pk="key")


@MIGRATIONS(name="0004_search_terms")
def _search_terms(db: sqlite_utils.Database) -> None:
    """The normalised word index (harvester/catalog/search_index.py): base forms, inflected forms and
    plurals find each other; filled here for the materials already catalogued, by publish after."""
    from harvester.catalog.search_index import create_terms_index, fill_terms

    create_terms_index(db)
    fill_terms(db)
    db["meta"].upsert({"key": "schema_version", "value": "4"}, pk="key")
