"""OAI-PMH 2.0 endpoint at /oai, so that AOE and other catalogues can harvest the catalogue.

The protocol lives in harvester.export.oaipmh; this module only reads rows from the catalogue.
Repository name and admin e-mail come from metadata.yml (plugins: aineistopankki-oai).
"""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs

from datasette.utils.asgi import Response

from datasette import hookimpl
from harvester.export.oaipmh import Repository, respond, utcnow

DATESTAMP = "coalesce(updated_at, first_seen)"


class SqliteStore:
    def __init__(self, conn: sqlite3.Connection):
        conn.row_factory = sqlite3.Row
        self.conn = conn

    def materials(self, set_spec, start, end):
        where, params = ["status in ('active', 'gone')"], []
        if set_spec and set_spec.startswith("project:"):
            where.append("project_id = ?")
            params.append(set_spec.split(":", 1)[1])
        elif set_spec and set_spec.startswith("phase:"):
            where.append("exists (select 1 from json_each(materials.phases) where value = ?)")
            params.append(set_spec.split(":", 1)[1])
        if start:
            where.append(f"{DATESTAMP} >= ?")
            params.append(start)
        if end:
            where.append(f"{DATESTAMP} <= ?")
            params.append(end)
        sql = f"select * from materials where {' and '.join(where)} order by {DATESTAMP}, id"
        return [dict(r) for r in self.conn.execute(sql, params)]

    def material(self, material_id):
        row = self.conn.execute("select * from materials where id = ?", [material_id]).fetchone()
        return dict(row) if row else None

    def projects(self):
        return {r["id"]: dict(r) for r in self.conn.execute("select * from projects")}

    def phases(self):
        return [dict(r) for r in self.conn.execute("select * from phases")]

    def earliest(self):
        return self.conn.execute(f"select min({DATESTAMP}) from materials").fetchone()[0]


async def oai(datasette, request):
    config = datasette.plugin_config("aineistopankki-oai") or {}
    repository = Repository(
        name=config.get("repository_name", "Aineistopankki"),
        admin_email=config.get("admin_email", "aineistopankki@example.invalid"),
    )
    database = config.get("database") or next(iter(datasette.databases.keys() - {"_internal"}))
    if request.method == "POST":
        body = (await request.post_body()).decode("utf-8", "replace")
        args = parse_qs(body, keep_blank_values=True)
    else:
        args = parse_qs(request.query_string, keep_blank_values=True)
    base_url = datasette.absolute_url(request, "/oai")
    xml = await datasette.get_database(database).execute_fn(
        lambda conn: respond(args, SqliteStore(conn), base_url, repository, utcnow())
    )
    return Response(xml, content_type="text/xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/oai$", oai)]


@hookimpl
def skip_csrf(scope):
    return scope["path"] == "/oai"  # OAI-PMH allows POST from harvesters
