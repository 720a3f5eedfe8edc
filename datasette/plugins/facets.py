"""Faster facets for the materials table, configured in metadata.yml as `- tags: languages` and
`- counted: type`; filters stay Datasette's own (`languages__arraycontains=so`, `type=guide`).

Both count over the narrow table material_facets (harvester/catalog.py) instead of the wide rows
with their extracted text: the page's filter picks rowids from materials (mostly from indexes) and
the facet columns are read from the narrow copy (a filtered facet ~140 ms → ~10 ms at 100,000
materials, bench/catalogue_scale.py). Datasette's own array facet also de-duplicates by joining
every whole row (`inner.*`); the catalogue's lists never repeat a value (the Material schema says
so), so `tags` counts the pairs (row, value).
"""

from __future__ import annotations

from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from datasette import hookimpl

FACET_TABLE = "material_facets"  # kept by harvester/catalog.py; the names must agree
FACETED_TABLE = "materials"


async def narrow_sql(facet) -> str | None:
    """The facet's rows taken from the narrow table, or None where it does not apply (another
    table, a catalogue made before the narrow table existed, SQL not of Datasette's table shape,
    no filter at all)."""
    if facet.table != FACETED_TABLE:
        return None
    head, found, where = facet.sql.partition(f" from {escape_sqlite(FACETED_TABLE)}")
    if not found or not head.startswith("select ") or (where and not where[0].isspace()):
        return None
    if not await facet.ds.get_database(facet.database).table_exists(FACET_TABLE):
        return None
    if not where.strip():
        return None  # unfiltered, the wide table's covering indexes are faster still
    return (
        f"select * from {FACET_TABLE} where material_rowid in"
        f" (select rowid from {escape_sqlite(FACETED_TABLE)} {where.strip()})"
    )


class CountedFacet(ColumnFacet):
    """Datasette's column facet (labels, toggles and all), counted over the narrow table."""

    type = "counted"

    async def suggest(self):
        return []  # configured, never suggested

    async def facet_results(self):
        self.sql = await narrow_sql(self) or self.sql
        return await super().facet_results()


class TagsFacet(ArrayFacet):
    type = "tags"

    async def suggest(self):
        return []  # the tag columns are configured, never suggested

    async def facet_results(self):
        self.sql = await narrow_sql(self) or self.sql
        results, timed_out = [], []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            sql = (
                f"with inner as ({self.sql}) select j.value as value, count(*) as count"
                f" from inner join json_each(inner.{escape_sqlite(column)}) j"
                f" group by j.value order by count desc, value limit {size + 1}"
            )
            try:
                rows = await self.ds.execute(
                    self.database, sql, self.params, truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )  # fmt: skip
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:size]:
                value = str(row["value"])
                argument = {f"{column}__arraycontains": value}
                selected = (f"{column}__arraycontains", value) in pairs
                path = (path_with_removed_args if selected else path_with_added_args)(self.request, argument)
                values.append(
                    {
                        "value": value,
                        "label": value,
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {"_facet_tags": column})
                    ),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [TagsFacet, CountedFacet]
