"""AOE exports inside Datasette: `.aoejson` and `.aoecsv` renderers for the current filter of the
materials table, and an AOE readiness page listing what blocks each material from AOE."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette import hookimpl
from harvester.export.aoe import export_records, to_csv, to_json

MATERIAL_COLUMNS_NEEDED = {"id"}


def _can_render(columns, table):
    return table == "materials" and set(columns or []) >= MATERIAL_COLUMNS_NEEDED


async def _records(datasette, database, rows, ready_only=False):
    db = datasette.get_database(database)
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    materials = [dict(r) for r in (await db.execute(
        f"select * from materials where status = 'active' and id in ({marks}) order by id", ids
    )).rows]  # fmt: skip
    projects = {r["id"]: dict(r) for r in (await db.execute("select * from projects")).rows}
    return export_records(materials, projects, ready_only=ready_only)


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
    database = request.url_vars.get("database") or "catalog"
    db = datasette.get_database(database)
    rows = [dict(r) for r in (await db.execute("select id from materials where status = 'active'")).rows]
    records = await _records(datasette, database, rows)
    in_aoe = [r for r in records if r["aineistopankki"].get("inAoe")]
    blocked = sorted(
        (r for r in records if not r["aoeReady"] and not r["aineistopankki"].get("inAoe")),
        key=lambda r: (r["aoeProblems"], _title(r)),
    )
    if request.url_vars.get("format") == "json":
        return Response.json(
            [
                {
                    "ids": r["aineistopankki"]["ids"],
                    "name": _title(r),
                    "aoeReady": r["aoeReady"],
                    "inAoe": r["aineistopankki"].get("inAoe"),
                    "problems": r["aoeProblems"],
                }
                for r in records
            ]
        )
    return Response.html(
        await datasette.render_template(
            "aoe_readiness.html",
            {
                "database": database,
                "records": records,
                "blocked": blocked,
                "in_aoe": in_aoe,
                "ready": sum(1 for r in records if r["aoeReady"]),
            },
            request=request,
        )
    )


def _title(record) -> str:
    return next((v for v in record["name"].values() if v), "")


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/aoe-readiness(\.(?P<format>json))?$", readiness)]
