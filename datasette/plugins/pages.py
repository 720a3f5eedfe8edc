"""The catalogue's own pages on top of Datasette, in the interface language (datasette/plugins/i18n.py):
the front page with search and entry points, a page per pilot project and per material. A missing
project or material raises NotFound naming its kind, which navigation.py shows as the 404 page."""

from __future__ import annotations

from datasette.utils.asgi import NotFound, Response

from datasette import hookimpl
from harvester.catalog import queries
from harvester.web import read


async def front(datasette, request):
    context = await read(datasette, queries.front_page)
    return Response.html(await datasette.render_template("front.html", context, request=request))


async def project_page(datasette, request):
    context = await read(datasette, queries.project_page, request.url_vars["project_id"])
    if context is None:
        raise NotFound("project")
    return Response.html(await datasette.render_template("project.html", context, request=request))


async def material_page(datasette, request):
    context = await read(datasette, queries.material_page, request.url_vars["material_id"])
    if context is None:
        raise NotFound("material")
    return Response.html(await datasette.render_template("material.html", context, request=request))


async def language_home(datasette, request):
    """/sv, /en (and /fi): the front page in that language, remembered as ?lang= is."""
    return Response.redirect(f"/?lang={request.url_vars['lang']}")


@hookimpl
def register_routes():
    return [
        (r"^/$", front),
        (r"^/(?P<lang>fi|sv|en)/?$", language_home),
        (r"^/hanke/(?P<project_id>[^/]+)$", project_page),
        (r"^/aineisto/(?P<material_id>[^/]+)$", material_page),
    ]
