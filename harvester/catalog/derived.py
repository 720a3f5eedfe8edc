"""Tables derived from materials and kept in step by triggers: the word and trigram full-text
indexes, the narrow facet copy and the one-row-per-tag table (see columns.py for why each exists)."""

from __future__ import annotations

import sqlite_utils

from harvester.catalog.columns import (
    FACET_COLUMNS,
    FACET_TABLE,
    FTS_COLUMNS,
    MATERIAL_COLUMNS,
    TAG_COLUMNS,
    TAG_TABLE,
)


def create_derived_tables(db: sqlite_utils.Database) -> None:
    """Create (and fill from what materials holds) every derived table that is missing."""
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
