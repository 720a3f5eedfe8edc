"""The Atom feed of new materials (/catalog/uudet.atom) and the SQL functions that keep the sitemap
well-formed.

The feed's rows come from the canned query `uudet` in metadata.yml (columns atom_id, atom_title,
atom_updated, atom_link, atom_author_name, atom_content, as datasette-atom named them); the feed is
built here with feedgen (lxml) so that it holds whatever the catalogue holds: every value passes
through xml_text (old rows may hold control characters), the feed's own id and link come from the
configured public address (datasette/plugins/public_url.py), and an empty catalogue is a valid empty
feed, not a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime

from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator

from datasette import hookimpl
from harvester.export.xmltext import url_segment, xml_text
from harvester.web import catalogue, catalogue_name

FEED_QUERY = "uudet"


def _when(value) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def atom(rows: list[dict], title: str, feed_url: str) -> bytes:
    """The Atom document of rows (newest first), every text value cleaned for XML."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(xml_text(title))
    feed.link(href=feed_url, rel="self")
    feed.author({"name": "Aineistopankki"})
    times = [t for t in (_when(row.get("atom_updated")) for row in rows) if t]
    feed.updated(max(times) if times else datetime.now(UTC))
    for row in reversed(rows):  # feedgen writes the last added entry first
        entry = feed.add_entry()
        entry.id(xml_text(row["atom_id"]))
        entry.title(xml_text(row["atom_title"]) or "–")
        entry.updated(_when(row.get("atom_updated")) or datetime.now(UTC))
        if row.get("atom_link"):
            entry.link(href=xml_text(row["atom_link"]))
        if row.get("atom_content"):
            entry.content(xml_text(row["atom_content"]), type="text")
        if row.get("atom_author_name"):
            entry.author({"name": xml_text(row["atom_author_name"])})
    return feed.atom_str(pretty=True)


async def uudet_atom(datasette, request):
    query = await datasette.get_canned_query(catalogue_name(), FEED_QUERY, request.actor)
    result = await catalogue(datasette).execute(query["sql"])
    rows = [dict(row) for row in result.rows]
    feed_url = datasette.absolute_url(request, datasette.urls.path(f"/{catalogue_name()}/{FEED_QUERY}.atom"))
    return Response(
        atom(rows, query.get("title") or "Aineistopankki", feed_url),
        content_type="application/atom+xml; charset=utf-8",
    )


@hookimpl
def register_routes():
    return [(rf"^/{catalogue_name()}/{FEED_QUERY}\.atom$", uudet_atom)]


@hookimpl
def prepare_connection(conn):
    """url_segment() for the sitemap's SQL (an id as one percent-encoded path segment) and xml_text()."""
    conn.create_function("url_segment", 1, url_segment, deterministic=True)
    conn.create_function("xml_text", 1, xml_text, deterministic=True)
