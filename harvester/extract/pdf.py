"""PDF extraction with PDFium (pypdfium2): text, metadata, declared language and a usable title.

PDFium reads our PDFs about four times as fast as pypdf did (bench/pdf.py), and only what tagging
needs is read: the first MAX_PAGES pages, up to MAX_CHARS characters, within MAX_SECONDS. A PDF with
no text layer (a scan, a design exported as outlines) is read by OCR (ocr.py). Real pilot PDFs often
carry useless /Title metadata ("Microsoft Word - Dokumentti1"), so the title falls back to the
largest type on the first page, or its first heading-like line.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import time
from dataclasses import dataclass, field

from .html import clean, primary_language
from .visual_order import is_visual_order, logical_order

MAX_PAGES = 60
MAX_CHARS = 200_001  # one past the text cap, so that the pipeline that cuts reports the cut
MAX_SECONDS = 20.0  # reading stops at the page where this runs out
XREF_ENTRY_BYTES = 20  # a classic cross-reference entry is 20 bytes: a table cannot declare more
RUN_CHARS = 1200  # characters of the first page read with their type sizes (a title comes early)
MIN_TEXT_LETTERS = 20  # fewer letters on the pages read: no text layer, read by OCR
USELESS_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel)\s*-|untitled|nimetön|namnlös|"
    r"dokumentti\s*\d*$|asiakirja\s*\d*$|dokument\s*\d*$|document\s*\d*$|"
    r"esitys\d*$|presentation\d*$|slide \d+$|\S+\.(docx?|pptx?|odt|pdf|indd)$|\S*_\S*$)",
    re.I,
)
LETTER = re.compile(r"[^\W\d_]")
XREF_SECTION = re.compile(rb"(?:^|[\r\n])xref\s+\d+\s+(\d+)")


class PdfError(ValueError):
    """A PDF that cannot be read (corrupt, truncated or encrypted)."""


@dataclass
class PdfDocument:
    text: str
    title: str | None
    meta_title: str | None
    author: str | None
    declared_language: str | None
    pages: int
    headings: list[str]
    text_source: str = "text layer"  # or "OCR" (pages read by Tesseract) or "none"
    ocr_pages: int = 0
    notes: list[str] = field(default_factory=list)  # what was cut or could not be read, for the log


def is_useless_title(title: str | None) -> bool:
    return not title or len(title) < 4 or bool(USELESS_TITLE.search(title.strip()))


def _page_text(page, runs: list[tuple[str, float]] | None) -> str:
    """A page's text; with `runs`, also its first RUN_CHARS characters grouped by type size (for the
    title, which comes early in the page's text)."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if runs is not None and count:
            font_size, raw = pdfium_c.FPDFText_GetFontSize, textpage.raw
            aligned = len(text) == count  # one UTF-16 unit per character: no lookup of each character
            current: list[str] = []
            size = None
            for index in range(min(count, RUN_CHARS)):
                ch = text[index] if aligned else chr(pdfium_c.FPDFText_GetUnicode(raw, index) or 32)
                if ch.isspace():
                    current.append(ch)
                    continue
                this = round(font_size(raw, index), 1)
                if this != size:
                    if current:
                        runs.append(("".join(current), size or 0.0))
                    current, size = [], this
                current.append(ch)
            if current:
                runs.append(("".join(current), size or 0.0))
        # PDFium joins a word hyphenated at a line end and marks the join with U+FFFE
        return text.replace("\ufffe", "").replace("\r\n", "\n").replace("\r", "\n")
    finally:
        textpage.close()


def check_declared_sizes(data: bytes) -> None:
    """Refuse a cross-reference table that declares more entries than the file could hold: such a
    table makes readers allocate for it (a billion entries in a 2 kB file)."""
    limit = len(data) // XREF_ENTRY_BYTES
    for match in XREF_SECTION.finditer(data):
        declared = int(match.group(1))
        if declared > limit:
            raise PdfError(
                f"refused PDF: Declared size {declared} of a cross-reference table over the limit {limit}"
            )


def _catalog_language(document) -> str | None:
    import pypdfium2.raw as pdfium_c

    size = pdfium_c.FPDFCatalog_GetLanguage(document.raw, None, 0)
    if size <= 2:
        return None
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFCatalog_GetLanguage(document.raw, buffer, size)
    return bytes(buffer)[: size - 2].decode("utf-16-le", errors="replace") or None


def _largest_text(runs: list[tuple[str, float]]) -> str | None:
    """The first run of the largest type on a page: the real title of most documents."""
    sizes = [size for text, size in runs if text.strip()]
    if not sizes:
        return None
    largest = max(sizes)
    body = sorted(sizes)[len(sizes) // 2]
    if largest < body * 1.15:
        return None
    parts: list[str] = []
    for text, size in runs:
        if size == largest:
            parts.append(text)
        elif parts and "".join(parts).strip() and text.strip():
            break
    heading = clean(" ".join(parts))
    return heading if 4 <= len(heading) <= 250 else None


def _first_heading(text: str) -> str | None:
    for line in text.split("\n")[:15]:
        line = clean(line)
        if 8 <= len(line) <= 180 and not re.fullmatch(r"[\d\s./–-]+", line):
            return line
    return None


def _open(data: bytes):
    import pypdfium2 as pdfium

    check_declared_sizes(data)
    try:
        return pdfium.PdfDocument(data)  # opens with the empty password: many PDFs only restrict printing
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PdfError("encrypted PDF: it needs a password to open") from exc
        raise PdfError(f"unreadable PDF: {exc}") from exc
    except MemoryError as exc:
        raise PdfError("refused PDF: it needs more memory than there is") from exc


def extract_pdf(data: bytes, ocr: bool = True) -> PdfDocument:
    """The text and title of a PDF; by OCR when it has no text layer (and `ocr` allows it).
    Raises PdfError on a PDF that cannot be read."""
    document = _open(data)
    try:
        notes: list[str] = []
        try:
            meta = document.get_metadata_dict(skip_empty=True)
            lang = _catalog_language(document)
            page_count = len(document)
            texts: list[str] = []
            runs: list[tuple[str, float]] = []
            total, started = 0, time.monotonic()
            for number in range(min(page_count, MAX_PAGES)):
                if time.monotonic() - started > MAX_SECONDS:
                    notes.append(f"PDF read for {MAX_SECONDS:.0f} s: text of the first {number} pages only")
                    break
                page = document[number]
                try:
                    chunk = _page_text(page, runs if number == 0 else None)
                finally:
                    page.close()
                texts.append(chunk)
                total += len(chunk)
                if total >= MAX_CHARS:
                    break
        except PdfError:
            raise
        except MemoryError as exc:
            raise PdfError("refused PDF: it needs more memory than there is") from exc
        except Exception as exc:  # PDFium reports a damaged page or object as several error types
            raise PdfError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
        raw = "\n".join(texts)
        source, ocr_pages = "text layer", 0
        letters = sum(1 for _ in itertools.islice(LETTER.finditer(raw), MIN_TEXT_LETTERS))
        if letters < MIN_TEXT_LETTERS and page_count:
            source = "none"
            if ocr:
                from .ocr import OcrError, ocr_document

                try:
                    found = ocr_document(document)
                except OcrError as exc:
                    notes.append(f"no text layer, and OCR failed: {exc}")
                else:
                    raw, runs, source, ocr_pages = found.text, found.runs, "OCR", found.pages
                    notes.extend(found.notes)
    finally:
        document.close()
    visual = is_visual_order(raw)
    text = "\n".join(clean(line) for line in logical_order(raw, visual).splitlines() if line.strip())
    text = text[:MAX_CHARS]
    meta_title = clean(meta.get("Title") or "") or None
    heading = _largest_text([(logical_order(t, visual), size) for t, size in runs]) or _first_heading(text)
    title = heading if is_useless_title(meta_title) else meta_title
    return PdfDocument(
        text=text,
        title=title,
        meta_title=meta_title,
        author=clean(meta.get("Author") or "") or None,
        declared_language=primary_language(str(lang)) if lang else None,
        pages=page_count,
        headings=[heading] if heading else [],
        text_source=source,
        ocr_pages=ocr_pages,
        notes=notes,
    )
