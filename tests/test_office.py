"""DOCX, PPTX, XLSX and ODT text extraction, on small documents made here."""

from __future__ import annotations

import io
import zipfile

import pytest

from harvester.extract.office import OfficeError, extract_office

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title><dc:language>fi-FI</dc:language>'
    "</cp:coreProperties>"
)


def package(files: dict[str, str], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def docx(title: str) -> bytes:
    body = (
        f"<w:document {W}><w:body>"
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Työnhakusuunnitelma</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>Kirjoita tähän tavoitteesi: </w:t></w:r>"
        "<w:r><w:t>millaista työtä haet?</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    return package({"word/document.xml": body, "docProps/core.xml": CORE.format(title=title)})


def test_docx_text_heading_and_useless_title():
    doc = extract_office(docx("Microsoft Word - Dokumentti1"), "docx")
    assert doc.text == "Työnhakusuunnitelma\nKirjoita tähän tavoitteesi: millaista työtä haet?"
    assert doc.title == "Työnhakusuunnitelma" and doc.declared_language == "fi"
    assert extract_office(docx("Työnhakusuunnitelman pohja"), "docx").title == "Työnhakusuunnitelman pohja"


def test_pptx_slides_in_order():
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    slide = "<p:sld xmlns:p='x' {a}><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>"
    data = package(
        {
            "ppt/slides/slide10.xml": slide.format(a=a, text="Kymmenes dia"),
            "ppt/slides/slide2.xml": slide.format(a=a, text="Toinen dia"),
            "ppt/slides/slide1.xml": slide.format(a=a, text="Koulutuksen aloitus"),
        }
    )
    assert extract_office(data, "pptx").text == "Koulutuksen aloitus\nToinen dia\nKymmenes dia"


def test_xlsx_shared_strings():
    s = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    data = package(
        {
            "xl/sharedStrings.xml": f"<sst {s}><si><t>kotoutumiskoulutus</t></si>"
            "<si><t>integration training</t></si></sst>"
        }
    )
    assert extract_office(data, "xlsx").text == "kotoutumiskoulutus\nintegration training"


def test_odt_headings_and_paragraphs():
    t = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    content = (
        f"<office:document-content {office} {t}><office:body><office:text>"
        "<text:h>Lättläst guide</text:h><text:p>Här finns hjälp.</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    doc = extract_office(package({"content.xml": content}), "odt")
    assert doc.title == "Lättläst guide" and doc.text == "Lättläst guide\nHär finns hjälp."


def test_broken_office_files_raise_a_clear_error():
    with pytest.raises(OfficeError, match="unreadable DOCX"):
        extract_office(b"PK\x03\x04 not really a zip", "docx")
    with pytest.raises(OfficeError, match="unreadable DOCX"):
        extract_office(package({"word/document.xml": "<w:document"}), "docx")


# -- zip bombs: the package's directory is checked before any part is read (issue 15) ------------


def slide(text: str) -> str:
    return (
        '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>"
    )


def test_a_highly_compressed_part_is_refused_before_it_is_read():
    import time
    import tracemalloc

    bomb = package({"ppt/slides/slide1.xml": slide("Tervetuloa " * 1_500_000)}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 200_000
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(OfficeError, match="compressed .*:1 .*zip bomb"):
        extract_office(bomb, "pptx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.monotonic() - started < 1 and peak < 5_000_000


def test_too_many_parts_or_too_much_in_total_is_refused():
    import os

    from harvester.extract import office

    many = package({f"ppt/media/kuva{n}.xml": "<a/>" for n in range(office.MAX_PARTS + 1)})
    with pytest.raises(OfficeError, match="parts in the package"):
        extract_office(many, "pptx")
    # incompressible parts under the part limit, over the total limit
    part = os.urandom(office.MAX_MEMBER_BYTES // 2).hex()[: office.MAX_MEMBER_BYTES - 1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for n in range(office.MAX_TOTAL_BYTES // len(part) + 1):
            z.writestr(f"ppt/slides/slide{n + 1}.xml", part)
    with pytest.raises(OfficeError, match="the parts unpack to"):
        extract_office(out.getvalue(), "pptx")


def test_a_part_larger_than_its_directory_says_is_cut_off():
    """A lying directory: the part declares 200 bytes and inflates to megabytes."""
    import struct

    data = bytearray(
        package({"word/document.xml": f"<w:document {W}>" + "<w:p/>" * 400_000 + "</w:document>"})
    )
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 200)  # uncompressed size in the central directory
    with pytest.raises(OfficeError):
        extract_office(bytes(data), "docx")


def test_unknown_compression_is_a_clear_error():
    from faultweb import docx_unknown_compression

    with pytest.raises(OfficeError, match="compression method is not supported"):
        extract_office(docx_unknown_compression(), "docx")
