"""The dashboard at /kojelauta: materials by language, phase, audience, type and project as bar
charts (inline SVG drawn by the template: no script, works offline and under a strict CSP), and the
harvest history."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette import hookimpl
from harvester.catalog import queries
from harvester.tagging.vocabulary import label_map
from harvester.web import read

CHART_WIDTH = 420
BAR_HEIGHT = 22
LABEL_WIDTH = 180
CHARTS = (  # title, key in queries.dashboard(), the vocabulary of its ids (None: shown as they are)
    ("Kielet · Språk · Languages", "languages", "languages"),
    ("Vaiheet · Skeden · Phases", "phases", "phases"),
    ("Kohderyhmät · Målgrupper · Audiences", "audiences", "audiences"),
    ("Tyypit · Typer · Types", "types", "types"),
    ("Hankkeet · Projekt · Projects", "projects", None),
)


def bar_chart(rows: list[dict], vocabulary: str | None) -> dict:
    """The geometry of a horizontal bar chart: one bar per (id, n), the longest for the largest n,
    room left after each bar for its value."""
    names = label_map(vocabulary) if vocabulary else {}
    top = max((r["n"] for r in rows), default=0) or 1
    bars = [
        {
            "name": names.get(row["id"], str(row["id"])),
            "n": row["n"],
            "y": BAR_HEIGHT * i + 2,
            "length": max(2, int((CHART_WIDTH - LABEL_WIDTH - 40) * row["n"] / top)),
        }
        for i, row in enumerate(rows)
    ]
    return {"bars": bars, "width": CHART_WIDTH, "height": BAR_HEIGHT * len(rows) + 4, "x": LABEL_WIDTH}


async def dashboard(datasette, request):
    counts = await read(datasette, queries.dashboard)
    charts = [(title, bar_chart(counts[key], vocabulary)) for title, key, vocabulary in CHARTS]
    context = {"charts": charts, "runs": counts["runs"]}
    return Response.html(await datasette.render_template("dashboard.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/kojelauta$", dashboard)]
