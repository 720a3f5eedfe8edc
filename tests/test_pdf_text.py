"""PDF text with PDFium: reading order of right-to-left text, the hard cases and the limits."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from harvester.extract.pdf import MAX_PAGES, PdfError, extract_pdf
from harvester.extract.visual_order import is_visual_order, logical_line
from harvester.tagging.language import identify

DEMO = Path(__file__).resolve().parent.parent / "demo" / "sites"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
PERSIAN = DEMO / "infopiste/tiedostot/esitteet/infopiste_esite_farsi.pdf"
ARABIC = DEMO / "infopiste/tiedostot/esitteet/infopiste_esite_arabia.pdf"


def fpdf_document(lines: list[str], pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    for number in range(pages):
        pdf.add_page()
        pdf.set_font("DejaVu", "", 11)
        for line in lines:
            pdf.multi_cell(0, 6, line.format(page=number + 1), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_persian_pdf_stored_in_visual_order_reads_in_reading_order():
    """The demo's Persian brochure (fpdf2 writes right-to-left lines from the left): its text came
    out backwards and became the material's description."""
    doc = extract_pdf(PERSIAN.read_bytes())
    assert doc.title == "مرکز مشاوره اینفوپیسته – بروشور اطلاع\u200cرسانی برای تازه\u200cواردان"
    assert "مرکز مشاوره اینفوپیسته در یوواسکولا جایی است که" in doc.text
    assert "یارب" not in doc.text and "هتسیپوفنیا" not in doc.text  # "برای", "اینفوپیسته" backwards
    assert "Asemakatu" in doc.text and "Jyväskylä" in doc.text  # Latin runs kept as they are
    assert not is_visual_order(doc.text)
    assert identify(doc.text, doc.declared_language, doc.title).languages[0] == "fa"


def test_arabic_pdf_reads_in_reading_order():
    doc = extract_pdf(ARABIC.read_bytes())
    assert doc.title.startswith("نقطة الإرشاد")
    assert re.search(r"\bفي\b", doc.text) and not re.search(r"\bيف\b", doc.text)


def test_text_already_in_reading_order_is_left_alone():
    text = "این راهنما برای تازه‌واردان است و به زبان فارسی نوشته شده است. هذا الدليل في فنلندا"
    assert not is_visual_order(text)
    assert not is_visual_order("Kotoutumiskoulutus alkaa alkukartoituksen jälkeen.")


def test_a_visual_line_with_latin_and_numbers():
    # "Kotona" and 040 555 stay readable; the Persian words around them turn
    assert logical_line("نیا (Kotona 12) 040 555") == "این (Kotona 12) 040 555"
    assert logical_line("Opas maahanmuuttajille: ناگمه یارب") == "Opas maahanmuuttajille: برای همگان"


def test_ligatures_and_hyphenation_at_a_line_end():
    doc = extract_pdf(
        fpdf_document(["Palveluiden \ufb01nanssit ja \ufb02ow", "Tämä on kotoutu-\nmiskoulutuksen opas"])
    )
    assert "finanssit ja flow" in doc.text
    assert "kotoutumiskoulutuksen opas" in doc.text


def test_only_the_first_pages_are_read():
    doc = extract_pdf(fpdf_document(["Sivu {page}: kotoutumisen opas"], pages=MAX_PAGES + 20))
    assert doc.pages == MAX_PAGES + 20
    assert f"Sivu {MAX_PAGES}:" in doc.text and f"Sivu {MAX_PAGES + 1}:" not in doc.text
    assert doc.text_source == "text layer"


def encrypted(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fpdf_document(["Salattu opas maahanmuuttajille"]))))
    writer.encrypt(user_password=user_password, owner_password="omistaja")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdfs():
    assert "Salattu opas" in extract_pdf(encrypted("")).text  # only printing restricted: read
    with pytest.raises(PdfError, match="encrypted PDF: it needs a password"):
        extract_pdf(encrypted("salainen"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.4\n this is not really a pdf \n%%EOF", "unreadable PDF"),
        (b"", "unreadable PDF"),
        (None, "refused PDF: Declared size 999999999"),
    ],
)
def test_broken_and_hostile_pdfs_are_clear_errors(data, expected):
    if data is None:  # a cross-reference table declaring a billion entries in a small file
        data = re.sub(rb"xref\n0 (\d+)", b"xref\n0 999999999", fpdf_document(["Opas"]))
    with pytest.raises(PdfError, match=expected):
        extract_pdf(data)


def test_truncated_pdf_is_an_error_or_partial_text_never_a_crash():
    data = fpdf_document(["Katkennut opas " * 30], pages=3)
    for cut in (100, len(data) // 2, len(data) - 50):
        try:
            extract_pdf(data[:cut])
        except PdfError as exc:
            assert str(exc).startswith(("unreadable PDF", "refused PDF"))
