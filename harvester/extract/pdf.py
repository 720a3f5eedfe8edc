"""PDF extraction with pypdf: text, metadata, declared language and a usable title.

Real pilot PDFs often carry useless /Title metadata ("Microsoft Word - Dokumentti1"),
so the title falls back to the first heading-like line of the first page.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from .html import clean, primary_language

MAX_PAGES = 60
MAX_CHARS = 200_001  # one past the text cap, so that the pipeline that cuts reports the cut
USELESS_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel)\s*-|untitled|nimetön|namnlös|"
    r"dokumentti\s*\d*$|asiakirja\s*\d*$|dokument\s*\d*$|document\s*\d*$|"
    r"esitys\d*$|presentation\d*$|slide \d+$|\S+\.(docx?|pptx?|odt|pdf|indd)$|\S*_\S*$)",
    re.I,
)
logging.getLogger("pypdf").setLevel(logging.ERROR)


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


def is_useless_title(title: str | None) -> bool:
    return not title or len(title) < 4 or bool(USELESS_TITLE.search(title.strip()))


def _first_page(page) -> tuple[str, list[tuple[str, float]]]:
    """The first page's text and its runs with their type sizes, in one pass over the page."""
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        scale = abs(tm[3] or tm[0] or 1) * abs(cm[3] or cm[0] or 1)
        runs.append((text, round((font_size or 0) * scale, 1)))

    return page.extract_text(visitor_text=visit) or "", runs


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


def extract_pdf(data: bytes) -> PdfDocument:
    # imported here: a harvest that reads no PDF (link texts only) need not load pypdf (~70 ms)
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many "protected" PDFs only restrict printing
            except Exception as exc:  # pypdf raises several types for unsupported encryption
                raise PdfError(f"encrypted PDF: {exc}") from exc
            if not opened:
                raise PdfError("encrypted PDF: it needs a password to open")
        meta = reader.metadata or {}
        root = reader.trailer["/Root"]
        lang = root.get("/Lang") if hasattr(root, "get") else None
        texts: list[str] = []
        total = 0
        runs: list[tuple[str, float]] = []
        for number, page in enumerate(reader.pages[:MAX_PAGES]):
            if number == 0:
                try:
                    chunk, runs = _first_page(page)
                except (ValueError, KeyError, TypeError, ZeroDivisionError):  # a visitor-hostile page
                    chunk = page.extract_text() or ""
            else:
                chunk = page.extract_text() or ""
            texts.append(chunk)
            total += len(chunk)
            if total >= MAX_CHARS:
                break
        page_count = len(reader.pages)
    except PdfError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PdfError(f"unreadable PDF: {exc}") from exc
    except LimitReachedError as exc:  # pypdf's own bounds on decompression and object counts
        raise PdfError(f"refused PDF: {exc}") from exc
    except MemoryError as exc:
        raise PdfError("refused PDF: it needs more memory than there is") from exc
    except Exception as exc:  # pypdf meets hostile files with many error types: each is a bad file
        raise PdfError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(clean(line) for line in "\n".join(texts).splitlines() if line.strip())[:MAX_CHARS]
    meta_title = clean(str(meta.get("/Title") or "")) or None
    heading = _largest_text(runs) or _first_heading(text)
    title = heading if is_useless_title(meta_title) else meta_title
    return PdfDocument(
        text=text,
        title=title,
        meta_title=meta_title,
        author=clean(str(meta.get("/Author") or "")) or None,
        declared_language=primary_language(str(lang)) if lang else None,
        pages=page_count,
        headings=[heading] if heading else [],
    )
