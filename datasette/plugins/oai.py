"""OAI-PMH 2.0 endpoint at /oai, so that AOE and other catalogues can harvest the catalogue.

The protocol lives in harvester.export.oaipmh, the paged reads in harvester.catalog.queries.OaiStore.
Repository name and admin e-mail come from metadata.yml (plugins: aineistopankki-oai).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from datasette.utils.asgi import Response

from datasette import hookimpl
from harvester.catalog.queries import OaiStore
from harvester.export.oaipmh import LRMI_XSD, LRMI_XSD_PATH, Repository, respond, utcnow
from harvester.web import catalogue


async def oai(datasette, request):
    config = datasette.plugin_config("aineistopankki-oai") or {}
    repository = Repository(
        name=config.get("repository_name", "Aineistopankki"),
        admin_email=config.get("admin_email", "aineistopankki@example.invalid"),
    )
    if request.method == "POST":
        body = (await request.post_body()).decode("utf-8", "replace")
        args = parse_qs(body, keep_blank_values=True)
    else:
        args = parse_qs(request.query_string, keep_blank_values=True)
    base_url = datasette.absolute_url(request, "/oai")
    xml = await catalogue(datasette).execute_fn(
        lambda conn: respond(args, OaiStore(conn), base_url, repository, utcnow())
    )
    return Response(xml, content_type="text/xml; charset=utf-8")


async def lrmi_schema(request):
    """The schema the lrmi_fi format declares (ListMetadataFormats, xsi:schemaLocation)."""
    return Response(LRMI_XSD.read_text(encoding="utf-8"), content_type="application/xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/oai$", oai), (rf"^/oai{LRMI_XSD_PATH}$", lrmi_schema)]


@hookimpl
def skip_csrf(scope):
    return scope["path"] == "/oai"  # OAI-PMH allows POST from harvesters
