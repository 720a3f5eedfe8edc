"""The dashboard at /kojelauta: materials by language, phase, audience, type and project as bar
charts (inline SVG drawn by the template: no script, works offline and under a strict CSP), each with
its numbers as a table beside it (the charts' text alternative), and the harvest history. The SVG
scales to its box (viewBox, width 100 %), so a phone shows it whole."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette import hookimpl
from harvester.catalog import queries
from harvester.web import read

CHART_WIDTH = 420
BAR_HEIGHT = 22
LABEL_WIDTH = 180
CHARTS = (  # title's message key, key in queries.dashboard(), the vocabulary of its ids (None: as they are)
    ("dashboard.languages", "languages", "languages"),
    ("dashboard.phases", "phases", "phases"),
    ("dashboard.audiences", "audiences", "audiences"),
    ("dashboard.types", "types", "types"),
    ("dashboard.projects", "projects", None),
)


def bar_chart(rows: list[dict], vocabulary: str | None) -> dict:
    """The geometry of a horizontal bar chart: one bar per (id, n), the longest for the largest n,
    room left after each bar for its value. Bars keep their ids: the template labels them in the
    page's language (the `label` filter)."""
    top = max((r["n"] for r in rows), default=0) or 1
    bars = [
        {
            "id": str(row["id"]),
            "n": row["n"],
            "y": BAR_HEIGHT * i + 2,
            "length": max(2, int((CHART_WIDTH - LABEL_WIDTH - 40) * row["n"] / top)),
        }
        for i, row in enumerate(rows)
    ]
    return {
        "bars": bars,
        "vocabulary": vocabulary,
        "width": CHART_WIDTH,
        "height": BAR_HEIGHT * len(rows) + 4,
        "x": LABEL_WIDTH,
    }


async def dashboard(datasette, request):
    counts = await read(datasette, queries.dashboard)
    charts = [(title, key, bar_chart(counts[key], vocabulary)) for title, key, vocabulary in CHARTS]
    context = {"charts": charts, "runs": counts["runs"]}
    return Response.html(await datasette.render_template("dashboard.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/kojelauta$", dashboard)]
