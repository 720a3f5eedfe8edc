"""/sitemap.xml and /robots.txt: the catalogue's own pages for search engines and harvesters.

A sitemap file holds at most 50,000 URLs (sitemaps.org); datasette-sitemap stops there, so a catalogue
of 100,000 materials lost half of them. Here a catalogue within the limit has one sitemap, and a larger
one a sitemap index at /sitemap.xml naming /sitemap-1.xml, /sitemap-2.xml … of PART_URLS URLs each, in
the order of the configured SQL (`plugins: aineistopankki-sitemap: sql`, a column `path`). Every URL is
absolute through Datasette's absolute_url(), which public_url.py bases on the configured public address.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from datasette.utils.asgi import NotFound, Response

from datasette import hookimpl
from harvester.export.xmltext import xml_text

PART_URLS = 50_000  # the sitemaps.org limit of one file
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML = "application/xml; charset=utf-8"


def _sql(datasette) -> str:
    sql = (datasette.plugin_config("aineistopankki-sitemap") or {}).get("sql")
    if not sql:
        raise NotFound("no sitemap is configured")
    return sql


def _url(datasette, request, path: str) -> str:
    return escape(xml_text(datasette.absolute_url(request, path)))


async def _count(datasette, sql: str) -> int:
    result = await datasette.get_database().execute(f"select count(*) from ({sql})")
    return result.first()[0]


async def _urlset(datasette, request, sql: str, offset: int) -> Response:
    result = await datasette.get_database().execute(
        f"select path from ({sql}) limit {PART_URLS} offset {offset}"
    )
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    lines += [f"<url><loc>{_url(datasette, request, row['path'])}</loc></url>" for row in result.rows]
    lines.append("</urlset>")
    return Response("\n".join(lines), content_type=XML)


async def sitemap(datasette, request) -> Response:
    sql = _sql(datasette)
    count = await _count(datasette, sql)
    if count <= PART_URLS:
        return await _urlset(datasette, request, sql, 0)
    parts = -(-count // PART_URLS)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    lines += [
        f"<sitemap><loc>{_url(datasette, request, f'/sitemap-{n}.xml')}</loc></sitemap>"
        for n in range(1, parts + 1)
    ]
    lines.append("</sitemapindex>")
    return Response("\n".join(lines), content_type=XML)


async def sitemap_part(datasette, request) -> Response:
    sql = _sql(datasette)
    number = int(request.url_vars["number"])
    count = await _count(datasette, sql)
    if count <= PART_URLS or not 1 <= number <= -(-count // PART_URLS):
        raise NotFound(f"no sitemap part {number}")
    return await _urlset(datasette, request, sql, (number - 1) * PART_URLS)


async def robots_txt(datasette, request) -> Response:
    return Response.text(f"Sitemap: {datasette.absolute_url(request, '/sitemap.xml')}\n")


@hookimpl
def register_routes():
    return [
        (r"^/sitemap\.xml$", sitemap),
        (r"^/sitemap-(?P<number>[1-9][0-9]{0,5})\.xml$", sitemap_part),
        (r"^/robots\.txt$", robots_txt),
    ]
