"""The sitemap names every page of the catalogue however large it is: one file within the 50,000-URL limit
of sitemaps.org, an index of parts past it; robots.txt names it."""

from __future__ import annotations

import importlib

import pytest
from test_hostile_serving import catalogue, get, parse

from datasette.plugins import pm
from harvester.web import build

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PROJECT_PAGES = 25  # the registry's projects, one page each
OWN_PAGES = 3  # front page, search, dashboard


def sitemap_module():
    """The plugin as Datasette loaded it from datasette/plugins (a module of its plugin manager)."""
    return next(m for m in pm.get_plugins() if hasattr(m, "PART_URLS") and hasattr(m, "sitemap_part"))


@pytest.fixture
def small_parts(tmp_path, monkeypatch):
    """A catalogue of 40 materials served with parts of 20 URLs: 68 URLs in 4 parts."""
    catalogue(tmp_path / "catalog.db", 40)
    ds = build(tmp_path / "catalog.db")
    get(ds, "/robots.txt")  # loads the plugins
    monkeypatch.setattr(sitemap_module(), "PART_URLS", 20)
    return ds


def locations(element) -> list[str]:
    return [loc.text for loc in element.iter(f"{SITEMAP}loc")]


def test_a_catalogue_within_the_limit_has_one_sitemap(tmp_path):
    catalogue(tmp_path / "catalog.db", 12)
    ds = build(tmp_path / "catalog.db")
    root = parse(get(ds, "/sitemap.xml"))
    assert root.tag == f"{SITEMAP}urlset"
    urls = locations(root)
    assert len(urls) == OWN_PAGES + PROJECT_PAGES + 12 == len(set(urls))
    assert urls[:3] == ["http://localhost/", "http://localhost/haku", "http://localhost/kojelauta"]
    assert get(ds, "/sitemap-1.xml").status_code == 404  # no parts when one file holds it all


def test_a_large_catalogue_has_an_index_of_parts_that_name_every_page_once(small_parts):
    ds = small_parts
    index = parse(get(ds, "/sitemap.xml"))
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = locations(index)
    assert parts == [f"http://localhost/sitemap-{n}.xml" for n in (1, 2, 3, 4)]
    urls = []
    for n in (1, 2, 3, 4):
        part = parse(get(ds, f"/sitemap-{n}.xml"))
        assert part.tag == f"{SITEMAP}urlset"
        assert len(locations(part)) == (20 if n < 4 else 8)
        urls += locations(part)
    assert len(urls) == OWN_PAGES + PROJECT_PAGES + 40 == len(set(urls))
    assert sum("/aineisto/" in url for url in urls) == 40
    for missing in ("/sitemap-5.xml", "/sitemap-0.xml", "/sitemap-01.xml"):
        assert get(ds, missing).status_code == 404, missing


def test_robots_txt_names_the_sitemap(small_parts):
    response = get(small_parts, "/robots.txt")
    assert response.status_code == 200
    assert response.text.strip() == "Sitemap: http://localhost/sitemap.xml"


def test_the_plugin_is_ours_alone():
    """datasette-sitemap answered the same paths and stopped at 50,000 URLs: it must not come back."""
    with pytest.raises(ImportError):
        importlib.import_module("datasette_sitemap")
