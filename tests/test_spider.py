"""The site spider on saved responses: what it follows, what it yields, what it records."""

from __future__ import annotations

import scrapy
from helpers import REPO, file_response
from scrapy.utils.test import get_crawler

from harvester.registry import Source
from harvester.spiders.site import SiteSpider
from harvester.urls import canonicalize

SOURCE = Source(
    id="esimerkki",
    name="Esimerkkihanke",
    project="hyva-alku-hameessa",
    start_urls=("https://hanke.example.fi/",),
    scope=("https://hanke.example.fi/",),
)
HUB = Source(
    id="hub",
    name="Hub",
    start_urls=("https://hub.example.fi/kotona-suomessa",),
    scope=(
        "https://hub.example.fi/kotona-suomessa",
        "https://hub.example.fi/documents/",
        "https://hub.example.fi/-/",
    ),
)


def make_spider(source: Source) -> SiteSpider:
    crawler = get_crawler(SiteSpider, settings_dict={"AINEISTOPANKKI_MAX_QUERY_VARIANTS": 3})
    return SiteSpider.from_crawler(crawler, source=source)


def run(spider, response):
    output = list(spider.parse(response))
    requests = [o for o in output if isinstance(o, scrapy.Request)]
    items = [o for o in output if not isinstance(o, scrapy.Request)]
    return requests, items


def test_page_item_and_followed_links():
    spider = make_spider(SOURCE)
    requests, items = run(spider, file_response("wp_page.html", "https://hanke.example.fi/opas-tyonhakuun/"))
    page, video = items
    assert page["kind"] == "page" and page["title"] == "Opas työnhakuun Suomessa"
    assert page["declared_language"] == "fi" and page["project_id"] == "hyva-alku-hameessa"
    assert page["canonical_url"] == "https://hanke.example.fi/opas-tyonhakuun/"
    assert page["page_signals"]["word_count"] > 60 and not page["page_signals"]["is_scope_root"]
    # a platform material: the embed's canonical platform URL, titled by the iframe's title attribute
    assert video["kind"] == "embed" and video["url"] == "https://www.youtube.com/watch?v=Xk3vQ9pLm2A"
    assert video["title"] == "Työnhaku Suomessa" and video["page_signals"]["title_evidence"] == "embed title"

    urls = {r.url: r for r in requests}
    # Document files linked from the content are fetched with their link text …
    pdf = urls["https://hanke.example.fi/wp-content/uploads/2019/03/opas-tyonhakuun.pdf"]
    assert pdf.callback == spider.parse_file and pdf.meta["link_text"] == "Opas työnhakuun (PDF, 1,2 Mt)"
    assert "https://hanke.example.fi/wp-content/uploads/2019/03/cv-pohja.docx" in urls
    # … but not files in the site chrome, files on other hosts, images, or pages outside the scope.
    assert "https://hanke.example.fi/wp-content/uploads/2018/05/tietosuojaseloste.pdf" not in urls
    assert "https://hanke.example.fi/wp-content/uploads/2018/01/hankesuunnitelma.pdf" not in urls
    assert "https://toinen.example.org/materiaalit/opas.pdf" not in urls
    assert "https://www.kaupunki.example.fi/asuminen/" not in urls
    assert not [u for u in urls if u.endswith(".jpg")]
    # In-scope pages are followed, site chrome included (that is how the crawl finds the site).
    assert {"https://hanke.example.fi/hankkeesta/", "https://hanke.example.fi/?p=412"} <= set(urls)


def test_liferay_attachments_are_fetched_and_the_paging_trap_is_cut():
    spider = make_spider(HUB)
    requests, items = run(
        spider, file_response("liferay_page.html", "https://hub.example.fi/kotona-suomessa")
    )
    urls = [r.url for r in requests]
    documents = [u for u in urls if "/documents/" in u]
    assert len(documents) == 2 and all(
        spider.parse_file == r.callback for r in requests if "/documents/" in r.url
    )
    paging = [u for u in urls if "cur=" in u]
    assert len(paging) == 3  # at most AINEISTOPANKKI_MAX_QUERY_VARIANTS variants of one path
    assert spider.crawler.stats.get_value("aineistopankki/query_variants_skipped") == 2
    assert items[0]["page_signals"]["is_scope_root"]


def test_pdf_response_becomes_a_file_item_with_extracted_text():
    spider = make_spider(SOURCE)
    pdf = next(
        (REPO / "demo" / "sites" / "lansirannikko" / "wp-content" / "uploads").rglob("*selkosuomi.pdf")
    )
    url = "https://hanke.example.fi/wp-content/uploads/2017/06/tervetuloa-selkosuomi.pdf"
    spider._remember_link_text(url, "Opas selkosuomeksi (PDF)")
    (item,) = spider.parse_file(file_response(str(pdf), url, meta={"referrer": "https://hanke.example.fi/"}))
    assert item["kind"] == "file" and item["format"] == "pdf"
    assert item["title"] == "Tervetuloa Länsirannikolle – selkokielinen opas"
    assert item["link_texts"] == ["Opas selkosuomeksi (PDF)"]
    assert item["referrer"] == "https://hanke.example.fi/"
    assert len(item["text"]) > 1000 and len(item["content_hash"]) == 64


def test_corrupt_pdf_is_kept_as_a_file_and_the_error_recorded(tmp_path):
    spider = make_spider(SOURCE)
    broken = tmp_path / "rikki.pdf"
    broken.write_bytes(b"%PDF-1.5\n1 0 obj garbage")
    (item,) = spider.parse_file(file_response(str(broken), "https://hanke.example.fi/rikki.pdf"))
    assert item["kind"] == "file" and item["text"] == ""
    assert spider.errors and spider.errors[0]["url"] == "https://hanke.example.fi/rikki.pdf"
    assert "unreadable PDF" in spider.errors[0]["error"]


def test_response_redirected_out_of_scope_yields_nothing():
    spider = make_spider(HUB)
    requests, items = run(spider, file_response("liferay_page.html", "https://hub.example.fi/etusivu"))
    assert requests == [] and items == []


def test_source_hints_override_the_heuristics():
    from harvester.classify import decide
    from harvester.pipelines.normalise import NormalisePipeline

    source = Source(
        id="vihjeet",
        name="Hints",
        start_urls=("https://hanke.example.fi/",),
        scope=("https://hanke.example.fi/",),
        material_patterns=(r"/hankkeesta/",),
        exclude_patterns=(r"cv-pohja\.docx$",),
        materials_selector="div.entry-content p",
    )
    spider = make_spider(source)
    requests, items = run(spider, file_response("wp_page.html", "https://hanke.example.fi/opas-tyonhakuun/"))
    assert "https://hanke.example.fi/wp-content/uploads/2019/03/opas-tyonhakuun.pdf" in spider.listed
    assert (
        spider.hint("https://hanke.example.fi/hankkeesta/") == "material"
    )  # an about page, but the source says so
    assert spider.hint("https://hanke.example.fi/wp-content/uploads/2019/03/cv-pohja.docx") == "excluded"
    about = {
        "kind": "page", "url": "https://hanke.example.fi/hankkeesta/", "title": "Hankkeesta",
        "page_signals": {"word_count": 10, "hint": spider.hint("https://hanke.example.fi/hankkeesta/")},
    }  # fmt: skip
    assert decide(NormalisePipeline().process_item(about)) == (True, "a material by the source's hints")
    excluded = {
        "kind": "file",
        "url": "https://hanke.example.fi/x.docx",
        "page_signals": {"hint": "excluded"},
    }
    assert decide(excluded) == (False, "excluded by the source's hints")


def test_hints_are_validated(tmp_path):
    import pytest

    from harvester.registry import RegistryError, load_sources

    path = tmp_path / "sources.yml"
    path.write_text(
        "sources:\n  - {id: a, name: A, start_urls: ['https://a.fi/'], material_patterns: ['(']}\n"
    )
    with pytest.raises(RegistryError, match="not a regular expression"):
        load_sources(path)
    path.write_text(
        "sources:\n  - {id: a, name: A, start_urls: ['https://a.fi/'], materials_selector: 'div[['}\n"
    )
    with pytest.raises(RegistryError, match="not a CSS selector"):
        load_sources(path)


def test_wordpress_media_api_and_sitemaps_on_saved_responses():
    from scrapy.http import TextResponse

    site = REPO / "demo" / "sites" / "lansirannikko"
    source = Source(id="wp", name="WP", start_urls=("https://wp.example.fi/",), scope=("https://wp.example.fi/",),
                    platform="wordpress")  # fmt: skip
    spider = make_spider(source)
    starts = [r.url for r in spider.discovery_requests()]
    assert starts == [
        "https://wp.example.fi/wp-json/wp/v2/media?per_page=100&page=1",
        "https://wp.example.fi/wp-json/wp/v2/pages?per_page=100&page=1",
        "https://wp.example.fi/wp-sitemap.xml",
    ]

    def saved(name, url, ctype, headers=None):
        body = (
            (site / name)
            .read_text(encoding="utf-8")
            .replace("{{site:lansirannikko}}", "https://wp.example.fi")
        )
        return TextResponse(
            url, body=body.encode(), encoding="utf-8", headers={"Content-Type": ctype, **(headers or {})}
        )

    media = list(
        spider.parse_wp_media(
            saved("wp-json/wp/v2/media", starts[0], "application/json", {"X-WP-TotalPages": "2"})
        )
    )
    files = [r for r in media if r.callback == spider.parse_file]
    assert len(files) == 3  # the JPEG is skipped
    assert [r for r in media if "page=2" in r.url]  # the next page of the API
    assert spider.link_texts[canonicalize(files[2].url)] == ["دليل الوافدين الجدد إلى الساحل الغربي"]
    index = list(spider.parse_sitemap(saved("wp-sitemap.xml", starts[2], "application/xml")))
    assert [r.url for r in index] == ["https://wp.example.fi/wp-sitemap-posts-page-1.xml"]
    pages = list(spider.parse_sitemap(saved("wp-sitemap-posts-page-1.xml", index[0].url, "application/xml")))
    assert "https://wp.example.fi/nain-haet-asuntoa/" in [r.url for r in pages]
    scoped = make_spider(Source(id="p", name="P", start_urls=("https://org.fi/hanke/",), scope=("https://org.fi/hanke/",),
                                platform="wordpress"))  # fmt: skip
    assert list(scoped.discovery_requests()) == []  # only a whole-site source asks the site's API


def test_eura_register_page_on_a_saved_response():
    from harvester.spiders.eura import EuraSpider

    source = Source(id="eura", name="EURA", start_urls=("https://eura.example.fi/rrtiepa/projektihaku.php",),
                    scope=("https://eura.example.fi/rrtiepa/",), spider="eura")  # fmt: skip
    crawler = get_crawler(EuraSpider)
    spider = EuraSpider.from_crawler(crawler, source=source)
    page = REPO / "demo" / "sites" / "eura" / "rrtiepa" / "projekti" / "S20856" / "index.html"
    url = "https://eura.example.fi/rrtiepa/projekti.php?projektikoodi=S20856"
    (record, *follow) = list(spider.parse(file_response(str(page), url)))
    assert record["eura_code"] == "S20856" and record["name"] == "Vertaista vailla"
    assert record["start"] and record["end"] and record["start"] < record["end"]
    assert (
        record["contact_email"] and "@" in record["contact_email"] and "(at)" not in record["contact_email"]
    )
    assert all(isinstance(r, scrapy.Request) for r in follow)
    (search_page,) = [
        p for p in (REPO / "demo" / "sites" / "eura" / "rrtiepa").rglob("projektihaku.php/index.html")
    ]
    items = [
        o
        for o in spider.parse(file_response(str(search_page), source.start_urls[0]))
        if not isinstance(o, scrapy.Request)
    ]
    assert items == []  # the search page is no project record
