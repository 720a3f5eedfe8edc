"""The catalogue's menu and stylesheet on every page, Datasette's own pages included."""

from __future__ import annotations

from datasette import hookimpl
from harvester.web import catalogue_name


@hookimpl
def extra_css_urls():
    return ["/static/aineistopankki.css"]


@hookimpl
def menu_links(datasette):
    catalogue = catalogue_name()
    return [
        {"href": datasette.urls.path("/"), "label": "Etusivu · Start"},
        {"href": datasette.urls.path("/haku"), "label": "Haku · Sök · Search"},
        {"href": datasette.urls.table(catalogue, "materials"), "label": "Kaikki aineistot · All materials"},
        {"href": datasette.urls.table(catalogue, "projects"), "label": "Pilottihankkeet · Projects"},
        {"href": datasette.urls.path("/kojelauta"), "label": "Kojelauta · Dashboard"},
        {
            "href": datasette.urls.path(f"/{catalogue}/-/aoe-readiness"),
            "label": "AOE-valmius · AOE readiness",
        },
    ]
