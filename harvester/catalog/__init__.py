"""The catalogue: schema and migrations (schema.py), the registry written in (registry.py), harvest
runs (runs.py), publishing a harvest (publish.py) and every read (queries.py).

Knows SQLite (through sqlite-utils) and plain dicts, nothing of Scrapy. The names below are the
package's public surface; import from the modules for anything else.
"""

from harvester.catalog.columns import FACET_COLUMNS, FACET_TABLE, TAG_COLUMNS, TAG_TABLE
from harvester.catalog.links import record_link_checks
from harvester.catalog.publish import GONE_AFTER, SHRINK_THRESHOLD, material_row, publish_run
from harvester.catalog.queries import active_materials, export_rows, previous_tags, projects_by_id
from harvester.catalog.registry import sync_registry
from harvester.catalog.runs import finish_run, settle_run, start_run
from harvester.catalog.schema import migrate, open_catalog

__all__ = [
    "FACET_COLUMNS",
    "FACET_TABLE",
    "GONE_AFTER",
    "SHRINK_THRESHOLD",
    "TAG_COLUMNS",
    "TAG_TABLE",
    "active_materials",
    "export_rows",
    "finish_run",
    "material_row",
    "migrate",
    "open_catalog",
    "previous_tags",
    "projects_by_id",
    "publish_run",
    "record_link_checks",
    "settle_run",
    "start_run",
    "sync_registry",
]
