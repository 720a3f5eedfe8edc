"""Image-only PDFs read by Tesseract: the same language and title as the text-layer version, only the
first pages, bounded in time, and no OCR at all for PDFs that have a text layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanned_pdfs import DOCUMENTS, scanned_pdf, text_layer_pdf

from harvester.extract import ocr
from harvester.extract.pdf import extract_pdf
from harvester.tagging.language import identify

MISSING = set(ocr.NEEDED_PACKS) - ocr.available_languages()
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"Tesseract or its language packs {sorted(MISSING)} are not installed (`make ocr` installs them)",
)
DEMO = Path(__file__).resolve().parent.parent / "demo" / "sites"


def main_language(doc) -> str:
    return identify(doc.text, doc.declared_language, doc.title or "").languages[0]


@pytest.mark.parametrize("language", sorted(DOCUMENTS))
def test_scanned_pdf_reads_like_its_text_layer_version(language):
    with_text = extract_pdf(text_layer_pdf(language))
    scanned = extract_pdf(scanned_pdf(language))
    assert with_text.text_source == "text layer" and scanned.text_source == "OCR"
    assert scanned.ocr_pages == 1
    assert scanned.title == with_text.title == DOCUMENTS[language]["title"]
    assert main_language(scanned) == main_language(with_text) == language
    assert len(scanned.text) > 0.8 * len(with_text.text)


def test_without_ocr_a_scanned_pdf_has_no_text():
    doc = extract_pdf(scanned_pdf("fi"), ocr=False)
    assert doc.text == "" and doc.text_source == "none" and doc.title is None


def test_only_the_first_pages_are_read_by_ocr():
    before = ocr.PAGES_READ[0]
    doc = extract_pdf(scanned_pdf("sv", dpi=100, pages=ocr.OCR_PAGES + 2))
    assert doc.pages == ocr.OCR_PAGES + 2 and doc.ocr_pages == ocr.OCR_PAGES
    assert ocr.PAGES_READ[0] - before == ocr.OCR_PAGES


def test_pdfs_with_text_get_no_ocr():
    before = ocr.PAGES_READ[0]
    pdfs = [p for p in DEMO.rglob("*") if p.is_file() and p.read_bytes()[:5] == b"%PDF-"]
    assert len(pdfs) > 20
    for path in pdfs:
        assert extract_pdf(path.read_bytes()).text_source == "text layer", path
    for language in DOCUMENTS:
        assert extract_pdf(text_layer_pdf(language)).text_source == "text layer"
    assert ocr.PAGES_READ[0] == before


def test_a_page_over_the_time_limit_is_a_note_not_a_failure(monkeypatch):
    monkeypatch.setattr(ocr, "PAGE_SECONDS", 0.05)
    doc = extract_pdf(scanned_pdf("fi"))
    assert doc.text == "" and doc.text_source == "none"
    assert any("Tesseract took over 0.05 s" in note for note in doc.notes), doc.notes
