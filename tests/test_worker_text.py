"""A page read in two steps (its links by the spider without the content extractor, then the whole
page in the worker) gives the same links and the same item as a page read at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.spiders.documents import Context, decode_html, page_materials
from harvester.tagging.worker import page_fields_of

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted((REPO / "tests" / "eval" / "pages").rglob("*.html")) + sorted(
    (REPO / "demo" / "sites").rglob("*.html")
)


@pytest.mark.parametrize("path", PAGES[::4], ids=lambda p: str(p.relative_to(REPO)))
def test_two_step_reading_gives_the_same_page(path):
    text = decode_html(path.read_bytes(), "text/html")
    url = "http://127.0.0.1/" + path.stem + "/"
    context = Context("s", "p", link_texts=["Opas"], roots={"http://127.0.0.1/"})
    whole, page = page_materials(text, url, len(text), "text/html", context)
    quick, quick_page = page_materials(text, url, len(text), "text/html", context, read_content=False)
    assert [(link.url, link.text, link.in_content) for link in quick_page.links] == [
        (link.url, link.text, link.in_content) for link in page.links
    ]
    assert len(quick) == len(whole)
    if len(quick) > 1:  # embeds take the page's text: such a page is read whole at once
        assert dict(quick[0], fetched_at=None) == dict(whole[0], fetched_at=None)
        return
    fields = page_fields_of(url, text, len(text), "text/html", context)
    assert fields == {name: value for name, value in whole[0].items() if name != "fetched_at"}


def test_the_content_extractor_is_what_the_worker_adds():
    path = REPO / "tests" / "eval" / "pages" / "arkipolku" / "ar-peli.html"
    text = decode_html(path.read_bytes(), "text/html")
    quick, _ = page_materials(
        text, "http://127.0.0.1/a/", len(text), "text/html", Context(), read_content=False
    )
    whole, _ = page_materials(text, "http://127.0.0.1/a/", len(text), "text/html", Context())
    assert quick[0]["text"] != whole[0]["text"]  # else this test would show nothing
