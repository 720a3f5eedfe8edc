"""HTML and PDF extraction on saved files."""

from __future__ import annotations

import io

import pytest
from helpers import FIXTURES

from harvester.extract.html import extract_html, primary_language
from harvester.extract.pdf import PdfError, extract_pdf, is_useless_title

URL = "https://hanke.example.fi/opas-tyonhakuun/"


@pytest.fixture(scope="module")
def wp_page():
    return extract_html((FIXTURES / "wp_page.html").read_bytes(), URL)


def test_title_description_language_and_alternates(wp_page):
    assert wp_page.title == "Opas työnhakuun Suomessa"
    assert wp_page.html_title.startswith("Opas työnhakuun Suomessa –")
    assert wp_page.description.startswith("Käytännön opas työnhakuun")
    assert wp_page.declared_language == "fi"
    assert wp_page.canonical == "https://hanke.example.fi/opas-tyonhakuun/"
    assert wp_page.hreflang == {
        "fi": "https://hanke.example.fi/opas-tyonhakuun/",
        "en": "https://hanke.example.fi/en/job-seeking-guide/",
    }


def test_main_text_leaves_out_site_chrome(wp_page):
    assert "CV ja työhakemus" in wp_page.text
    assert "Hyvä CV on lyhyt ja selkeä." in wp_page.text
    assert "Tietosuojaseloste" not in wp_page.text
    assert "Hankkeesta" not in wp_page.text
    assert wp_page.headings == ["Opas työnhakuun Suomessa", "CV ja työhakemus"]
    assert 60 < wp_page.word_count < 150


def test_links_are_absolute_and_marked_content_or_chrome(wp_page):
    links = {link.url: link for link in wp_page.links}
    pdf = links["https://hanke.example.fi/wp-content/uploads/2019/03/opas-tyonhakuun.pdf"]
    assert pdf.in_content and pdf.text == "Opas työnhakuun (PDF, 1,2 Mt)"
    assert not links["https://hanke.example.fi/wp-content/uploads/2018/05/tietosuojaseloste.pdf"].in_content
    assert not links["https://hanke.example.fi/hankkeesta/"].in_content
    assert not any(url.startswith("mailto:") for url in links)


def test_video_embeds_are_found(wp_page):
    assert wp_page.embeds == ["https://www.youtube-nocookie.com/embed/Xk3vQ9pLm2A"]


def test_liferay_attachments_block_is_outside_the_article_but_its_links_are_content():
    page = extract_html(
        (FIXTURES / "liferay_page.html").read_bytes(), "https://hub.example.fi/kotona-suomessa"
    )
    assert page.declared_language == "fi"
    assert "Hankkeen pilotit kehittivät" in page.text
    assert "Arviointiraportti 2019" not in page.text  # a plain text extractor misses the block …
    documents = [link for link in page.links if "/documents/" in link.url]
    assert len(documents) == 2 and all(link.in_content for link in documents)  # … the link harvest does not


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("fi-FI", "fi"), ("sv_SE", "sv"), ("ckb", "ckb"), ("", None), ("x!", None), (None, None)],
)
def test_primary_language(tag, expected):
    assert primary_language(tag) == expected


def make_pdf(blocks, title=None, lang=None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if title:
        pdf.set_title(title)
    if lang:
        pdf.set_lang(lang)
    for size, text in blocks:
        pdf.set_font("Helvetica", "B" if size > 12 else "", size)
        pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT", align="L")
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def test_pdf_useless_metadata_title_falls_back_to_the_first_heading():
    data = make_pdf(
        [(18, "Opas ohjaajalle"), (11, "Tama opas kertoo, miten alkukartoitus jarjestetaan kunnassa. " * 5)],
        title="Microsoft Word - Dokumentti1",
        lang="fi-FI",
    )
    doc = extract_pdf(data)
    assert doc.title == "Opas ohjaajalle"
    assert doc.meta_title == "Microsoft Word - Dokumentti1"
    assert doc.declared_language == "fi"
    assert "alkukartoitus jarjestetaan" in doc.text
    assert doc.pages == 1


def test_pdf_real_metadata_title_is_kept():
    doc = extract_pdf(make_pdf([(11, "Body text only " * 20)], title="Loppuraportti 2019"))
    assert doc.title == "Loppuraportti 2019"


@pytest.mark.parametrize(
    "title",
    [
        "Microsoft Word - Dokumentti1",
        "Asiakirja1",
        "Dokument2",
        "Untitled",
        "esite_kotona_suomessa_A5_painoon",
        "Esitys1",
        "raportti.docx",
        "",
    ],
)
def test_useless_titles(title):
    assert is_useless_title(title)


def test_corrupt_pdf_raises_a_clear_error():
    with pytest.raises(PdfError, match="unreadable PDF"):
        extract_pdf(b"%PDF-1.4\n this is not really a pdf \n%%EOF")


def test_schema_org_json_ld_and_licence_statements():
    html = """<html><head><title>Opas</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Hanke"},
      {"@type": "LearningResource", "name": "Opas työnhakuun", "description": "Käytännön opas.",
       "datePublished": "2019-03-14T10:00:00+02:00", "inLanguage": "fi-FI",
       "license": "https://creativecommons.org/licenses/by-sa/4.0/"}]}</script></head>
    <body><main><h1>Opas työnhakuun</h1><p>Teksti.</p></main></body></html>"""
    page = extract_html(html, "https://x.fi/opas/")
    assert page.description == "Käytännön opas."
    assert page.published == "2019-03-14"
    assert page.declared_language == "fi"
    assert page.license == "CCBYSA4.0"
    badge = (
        '<html lang="sv"><body><main><h1>Guide</h1><a rel="license" '
        'href="http://creativecommons.org/licenses/by/4.0/"><img alt="CC BY"></a></main></body></html>'
    )
    assert extract_html(badge, "https://x.fi/").license == "CCBY4.0"


def test_glossary_tables_are_read_column_by_column_and_other_tables_row_by_row():
    from harvester.extract.text import table_text

    glossary = [
        ["Asumisen sanasto", "", ""],
        ["Suomi", "English", "Soomaali"],
        ["vuokrasopimus", "tenancy agreement", "heshiiska kirada"],
        ["vakuus", "deposit", "dammaanad"],
    ]
    assert table_text(glossary).split("\n")[:4] == ["Asumisen sanasto", "Suomi", "vuokrasopimus", "vakuus"]
    scripts = [["kela", "كيلا"], ["vuokra", "إيجار"]]
    assert table_text(scripts) == "kela\nvuokra\nكيلا\nإيجار"
    timetable = [["Päivä", "Aika"], ["Maanantai", "9–12"], ["Torstai", "13–16"]]
    assert table_text(timetable) == "Päivä Aika\nMaanantai 9–12\nTorstai 13–16"


def test_embedded_maps_games_and_store_links_are_told_apart_and_chrome_is_not_counted():
    def page(content: str, footer: str = ""):
        html = (
            f'<html lang="fi"><body><main><h1>Palvelut</h1><p>Kartalla näet palvelut.</p>{content}</main>'
            f"<footer>{footer}</footer></body></html>"
        )
        return extract_html(html, "https://hanke.example.fi/palvelut/")

    assert page('<iframe src="https://www.google.com/maps/d/embed?mid=abc"></iframe>').interactive == "map"
    assert page('<iframe src="/peli/muistipeli/"></iframe>').interactive == "game-or-app"
    assert page("<canvas id='peli'></canvas>").interactive == "game-or-app"
    assert page('<iframe src="https://www.youtube.com/embed/abc"></iframe>').interactive is None
    assert (
        page("", '<iframe src="https://www.openstreetmap.org/export/embed.html"></iframe>').interactive
        is None
    )
    store = page('<a href="https://play.google.com/store/apps/details?id=fi.example.arki">Google Play</a>')
    assert store.app_links and not page('<a href="https://www.google.com/">Google</a>').app_links


def test_a_page_too_long_or_unreadable_for_the_content_extractor_is_read_by_its_wrapper(monkeypatch):
    from harvester.extract import main_content

    html = (
        '<html lang="fi"><body><nav>Valikko</nav>'
        "<main><h1>Opas</h1><p>Kela auttaa asumisessa.</p></main></body></html>"
    )
    monkeypatch.setattr(main_content, "MAX_HTML_CHARS", 50)
    page = extract_html(html, "https://hanke.example.fi/opas/")
    assert page.text == "Opas\nKela auttaa asumisessa." and "Valikko" not in page.text
    monkeypatch.setattr(main_content, "MAX_HTML_CHARS", 10**7)

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    assert extract_html(html, "https://hanke.example.fi/opas/").text == "Opas\nKela auttaa asumisessa."
