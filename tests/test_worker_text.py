"""A page read in two steps (its links by the spider without the content extractor, then the whole
page in the worker) gives the same links and the same item as a page read at once; a page that the
line drops by its address or title is not read whole, and is decided as if it had been."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from harvester.classify import decide, text_decides
from harvester.items import bound_material
from harvester.pipelines.normalise import NormalisePipeline
from harvester.pipelines.worker_text import WorkerTextPipeline, as_classified, hand_over_page
from harvester.spiders.documents import Context, decode_html, page_materials
from harvester.tagging.worker import TaggingWorker, page_fields_of

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


# Site furniture by address (a segment, a query) and an ordinary material address: the same pages
# under each, so that the page's own title and text meet every kind of decision.
ADDRESSES = (
    "http://127.0.0.1/uutiset/{}/",
    "http://127.0.0.1/oppaat/{}/?sivu=2",
    "http://127.0.0.1/oppaat/{}/",
)


def classified(item):
    """The item as ClassifyPipeline sees it: bounded and normalised, its text included."""
    item = item.copy()
    bound_material(item)
    return NormalisePipeline().process_item(item)


def test_a_page_left_unread_is_decided_as_if_it_had_been_read():
    skipped = read = 0
    for path in PAGES[::2]:
        text = decode_html(path.read_bytes(), "text/html")
        for address in ADDRESSES:
            url = address.format(path.stem)
            context = Context("s", "p", roots={"http://127.0.0.1/"})
            quick, _ = page_materials(text, url, len(text), "text/html", context, read_content=False)
            whole, _ = page_materials(text, url, len(text), "text/html", context)
            if text_decides(as_classified(quick[0])):
                read += 1
                continue
            skipped += 1
            decision = decide(classified(whole[0]))  # what the line decides of the page read whole
            assert decision == decide(as_classified(quick[0]))
            assert not decision[0]
    assert skipped and read  # else this test would show nothing


def test_the_project_page_and_hinted_materials_are_read():
    about = {"kind": "page", "url": "http://127.0.0.1/hankkeesta/", "title": "Hankkeesta", "project_id": "p"}
    assert text_decides(about)
    assert not text_decides({**about, "project_id": None})
    hinted = {"kind": "page", "url": "http://127.0.0.1/uutiset/opas/", "page_signals": {"hint": "material"}}
    assert text_decides(hinted)
    assert not text_decides({**hinted, "page_signals": {}})


def test_the_worker_is_not_asked_for_pages_the_line_drops_by_their_address():
    path = REPO / "tests" / "eval" / "pages" / "arkipolku" / "ar-peli.html"
    text = decode_html(path.read_bytes(), "text/html")
    crawler = get_crawler(settings_dict={"AINEISTOPANKKI_TAG_PROCESSES": 1})
    worker = TaggingWorker(1)
    pipeline = WorkerTextPipeline(worker)
    pipeline.crawler = crawler
    try:
        items = {}
        for url in ("http://127.0.0.1/uutiset/peli/", "http://127.0.0.1/oppaat/peli/"):
            quick, _ = page_materials(text, url, len(text), "text/html", Context(), read_content=False)
            hand_over_page(quick[0], (text, len(text), "text/html", Context()))
            items[url] = asyncio.run(pipeline.process_item(quick[0]))
    finally:
        worker.shutdown()
    whole, _ = page_materials(text, "http://127.0.0.1/oppaat/peli/", len(text), "text/html", Context())
    assert items["http://127.0.0.1/oppaat/peli/"]["text"] == whole[0]["text"]
    assert items["http://127.0.0.1/uutiset/peli/"]["text"] != whole[0]["text"]
    assert crawler.stats.get_value("aineistopankki/pages_not_read") == 1
