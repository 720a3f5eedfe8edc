"""A faster array facet for the catalogue's tag lists (languages, phases, audiences).

Datasette's own array facet de-duplicates by joining every whole row (`inner.*`), which at 100,000
materials with their extracted text takes seconds. The catalogue's lists never repeat a value (the
Material schema says so), so counting the pairs (row, value) is enough, and SQLite then reads the
lists from their covering indexes (bench/catalogue_scale.py). Configured in metadata.yml as
`- tags: languages`; filters stay `languages__arraycontains=so`.
"""

from __future__ import annotations

from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from datasette import hookimpl


class TagsFacet(ArrayFacet):
    type = "tags"

    async def suggest(self):
        return []  # the tag columns are configured, never suggested

    async def facet_results(self):
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
    return [TagsFacet]
