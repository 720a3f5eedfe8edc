"""The catalogue's header on every page, Datasette's own pages included: the menu and the breadcrumbs
in the interface language, the fi/sv/en switch (links to the same page with `?lang=`), the
stylesheet, and a 404 page in that language instead of Datasette's "Database not found"."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette.utils.asgi import Base400, Response

from datasette import hookimpl
from harvester.web import catalogue_name

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
MENU = (  # message key, path (None: a table of the catalogue)
    ("nav.home", "/"),
    ("nav.search", "/haku"),
    ("nav.projects", None),
    ("nav.dashboard", "/kojelauta"),
    ("nav.aoe", "aoe"),
    ("nav.table", "materials"),
)


@cache
def i18n():
    """The i18n plugin module: Datasette loads plugins from files, not as an importable package."""
    spec = importlib.util.spec_from_file_location("aineistopankki_i18n", Path(__file__).with_name("i18n.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def language_links(request, current: str) -> list[dict]:
    """The same page in each interface language: the path with `lang=` replaced, other args kept."""
    path = request.path if request else "/"
    args = [
        (k, v)
        for k, v in parse_qsl(request.query_string if request else "", keep_blank_values=True)
        if k != "lang"
    ]
    return [
        {
            "code": code,
            "name": name,
            "href": path + "?" + urlencode([*args, ("lang", code)]),
            "current": code == current,
        }
        for code, name in LANGUAGE_NAMES.items()
    ]


@hookimpl
def extra_css_urls():
    return ["/static/aineistopankki.css"]


@hookimpl
def prepare_jinja2_environment(env):
    # Pages Datasette renders without plugin variables still speak Finnish, never a bare key.
    env.globals.setdefault("ui_lang", "fi")
    env.globals.setdefault("t", lambda key, **values: i18n().translate(key, "fi", **values))


@hookimpl
def extra_template_vars(request):
    lang = i18n().ui_language(request)
    return {"language_links": language_links(request, lang), "table_title": table_title(lang)}


def table_title(lang: str):
    """A table's name for people (breadcrumbs): "Aineistot" for materials, else the table's own name."""
    return lambda table: (
        i18n().translate(f"table.{table}", lang) if f"table.{table}" in i18n().messages() else table
    )


@hookimpl
def menu_links(datasette, request):
    lang = i18n().ui_language(request)
    catalogue = catalogue_name()
    targets = {
        None: datasette.urls.table(catalogue, "projects"),
        "aoe": datasette.urls.path(f"/{catalogue}/-/aoe-readiness"),
        "materials": datasette.urls.table(catalogue, "materials"),
    }
    return [
        {
            "href": targets[path] if path in targets else datasette.urls.path(path),
            "label": i18n().translate(key, lang),
        }
        for key, path in MENU
    ]


@hookimpl
def handle_exception(datasette, request, exception):
    """Not found as a page of the catalogue in the chosen language; JSON stays JSON, and other
    errors are Datasette's own (its error page, on this base template)."""
    if not isinstance(exception, Base400) or exception.status != 404 or request.path.endswith(".json"):
        return None

    detail = str(exception.args[0]) if exception.args else ""
    kind = detail if detail in ("material", "project") else "page"  # pages.py raises NotFound(kind)

    async def page():
        return await not_found(datasette, request, kind, exception.status)

    return page


async def not_found(datasette, request, kind: str = "page", status: int = 404) -> Response:
    """The catalogue's 404 page: what was not found (`kind`: page, material, project) and where to go."""
    context = {"kind": kind, "status": status, "missing_path": request.path}
    html = await datasette.render_template("404.html", context, request=request)
    return Response.html(html, status=status)
