"""AOE exports inside Datasette: `.aoejson` and `.aoecsv` renderers for the current filter of the
materials table, and an AOE readiness page listing what blocks each material from AOE."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette import hookimpl
from harvester.catalog.queries import export_rows, projects_by_id
from harvester.catalog.queries import readiness as read_readiness
from harvester.export.aoe import export_records, to_csv, to_json
from harvester.web import catalogue, catalogue_name

MATERIAL_COLUMNS_NEEDED = {"id"}
JSON_PAGE = 1000  # works a page of the readiness JSON


def _can_render(columns, table):
    return table == "materials" and set(columns or []) >= MATERIAL_COLUMNS_NEEDED


async def _records(datasette, database, rows, ready_only=False):
    ids = [row["id"] for row in rows]
    if not ids:
        return []

    def build(conn):
        return export_records(export_rows(conn, ids=ids), projects_by_id(conn), ready_only=ready_only)

    return await datasette.get_database(database).execute_fn(build)


async def render_aoe_json(datasette, database, rows, request):
    records = await _records(datasette, database, rows, request.args.get("_ready") == "1")
    return Response(to_json(records), content_type="application/json; charset=utf-8")


async def render_aoe_csv(datasette, database, rows, request):
    records = await _records(datasette, database, rows, request.args.get("_ready") == "1")
    return Response(
        to_csv(records),
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="aineistopankki-aoe.csv"'},
    )


@hookimpl
def register_output_renderer(datasette):
    return [
        {"extension": "aoejson", "render": render_aoe_json, "can_render": _can_render},
        {"extension": "aoecsv", "render": render_aoe_csv, "can_render": _can_render},
    ]


async def readiness(datasette, request):
    """From the verdicts the catalogue keeps (harvester/catalog/readiness.py): counts and one page
    of works in SQL, not one AOE record built per material on each request. The JSON lists every
    work a page at a time (`_offset`, `next`)."""
    as_json = request.url_vars.get("format") == "json"
    offset = int(request.args.get("_offset") or 0) if as_json else 0
    found = await catalogue(datasette).execute_fn(
        lambda conn: read_readiness(
            conn, limit=JSON_PAGE if as_json else 2000, offset=offset, blocked_only=False
        )
    )
    if as_json:
        following = found["next"]
        return Response.json(
            {
                "works": found["works"],
                "ready": found["ready"],
                "in_aoe": found["in_aoe"],
                "records": [
                    {
                        "ids": r["aineistopankki"]["ids"],
                        "name": _title(r),
                        "aoeReady": r["aoeReady"],
                        "inAoe": r["aineistopankki"].get("inAoe"),
                        "problems": r["aoeProblems"],
                    }
                    for r in found["records"]
                ],
                "next": None if following is None else f"{request.path}?_offset={following}",
            }
        )
    return Response.html(
        await datasette.render_template(
            "aoe_readiness.html",
            {
                "database": catalogue_name(),
                "works": found["works"],
                "materials": found["materials"],
                "blocked": [r for r in found["records"] if not r["aoeReady"]],
                "ready_works": [r for r in found["records"] if r["aoeReady"]],
                "in_aoe": found["in_aoe"],
                "ready": found["ready"],
            },
            request=request,
        )
    )


def _title(record) -> str:
    return next((v for v in record["name"].values() if v), "")


@hookimpl
def register_routes():
    return [(rf"^/{catalogue_name()}/-/aoe-readiness(\.(?P<format>json))?$", readiness)]
