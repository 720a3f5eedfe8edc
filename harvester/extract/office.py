"""Office documents (DOCX, PPTX, XLSX, ODT, ODP, ODS): text, title and declared language.

These are zip packages of XML; the standard library reads them, so no converter is needed.
Paragraph and slide boundaries become line breaks; the title is the document property when it
is a real one, else the first heading-like line.

A package is checked by its zip directory before any part is read (part count, each part's and the
total uncompressed size, compression ratio): a 4.8 MB PPTX once inflated to 3 GB and a 32 MB one
killed the harvest. Each part is then read through a counter that stops at its declared size and
at the part limit, whatever the directory claimed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from .html import clean, primary_language
from .pdf import is_useless_title

MAX_CHARS = 200_001  # one past the text cap, so that the pipeline that cuts reports the cut
MAX_MEMBER_BYTES = 20 * 1024 * 1024  # the largest part read (uncompressed)
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all parts together (uncompressed), as the directory says
MAX_PARTS = 5_000  # parts in one package (a long presentation has a few hundred)
MAX_RATIO = 100  # uncompressed : compressed, for parts above RATIO_FLOOR (real XML stays under 30)
RATIO_FLOOR = 1024 * 1024
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "dc": "http://purl.org/dc/elements/1.1/",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


class OfficeError(ValueError):
    """An office file that cannot be read."""


@dataclass
class OfficeDocument:
    text: str
    title: str | None
    meta_title: str | None
    declared_language: str | None
    headings: list[str]


def check_package(package: zipfile.ZipFile) -> None:
    """Refuse a package whose zip directory promises more than a real document ever holds."""
    infos = package.infolist()
    if len(infos) > MAX_PARTS:
        raise OfficeError(f"refused: {len(infos)} parts in the package (limit {MAX_PARTS})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise OfficeError(
                f"refused: part {info.filename} unpacks to {info.file_size} bytes (limit {MAX_MEMBER_BYTES})"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise OfficeError(
                f"refused: part {info.filename} is compressed {ratio:.0f}:1 (limit {MAX_RATIO}:1), a zip bomb"
            )
    if total > MAX_TOTAL_BYTES:
        raise OfficeError(f"refused: the parts unpack to {total} bytes (limit {MAX_TOTAL_BYTES})")


class _Bounded(io.RawIOBase):
    """A zip part read through a counter: past its declared size (a lying directory) or the part
    limit, reading stops with OfficeError."""

    def __init__(self, stream, name: str, declared: int):
        self.stream, self.name = stream, name
        self.limit = min(declared, MAX_MEMBER_BYTES)
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.read_bytes += len(data)
        if self.read_bytes > self.limit:
            raise OfficeError(f"refused: part {self.name} unpacks past {self.limit} bytes")
        buffer[: len(data)] = data
        return len(data)


def _xml(package: zipfile.ZipFile, name: str):
    info = package.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise OfficeError(f"{name} is too large ({info.file_size} bytes)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with package.open(info) as raw:
        return etree.parse(_Bounded(raw, name, info.file_size), parser).getroot()


def _paragraphs(root, paragraph: str, run: str) -> list[str]:
    lines = []
    for p in root.iter(paragraph):
        text = clean("".join(t.text or "" for t in p.iter(run)))
        if text:
            lines.append(text)
    return lines


def extract_office(data: bytes, fmt: str) -> OfficeDocument:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        check_package(package)
        names = set(package.namelist())
        lines: list[str] = []
        headings: list[str] = []
        meta_title = lang = None
        if fmt == "docx":
            body = _xml(package, "word/document.xml")
            for p in body.iter(f"{{{NS['w']}}}p"):
                text = clean("".join(t.text or "" for t in p.iter(f"{{{NS['w']}}}t")))
                if not text:
                    continue
                lines.append(text)
                style = p.find(f".//{{{NS['w']}}}pStyle")
                if style is not None and re.match(
                    r"(?i)(heading|otsikko|rubrik|title)", style.get(f"{{{NS['w']}}}val", "")
                ):
                    headings.append(text)
            langs = [e.get(f"{{{NS['w']}}}val") for e in body.iter(f"{{{NS['w']}}}lang")]
            lang = next((v for v in langs if v), None)
        elif fmt == "pptx":
            slides = sorted(
                (n for n in names if re.match(r"ppt/slides/slide\d+\.xml$", n)),
                key=lambda n: int(re.findall(r"\d+", n)[-1]),
            )
            for name in slides:
                lines += _paragraphs(_xml(package, name), f"{{{NS['a']}}}p", f"{{{NS['a']}}}t")
                if sum(len(line) for line in lines) >= MAX_CHARS:
                    break  # enough text: the remaining slides are not read
        elif fmt == "xlsx":
            if "xl/sharedStrings.xml" in names:
                lines = _paragraphs(
                    _xml(package, "xl/sharedStrings.xml"), f"{{{NS['s']}}}si", f"{{{NS['s']}}}t"
                )
        elif fmt in ("odt", "odp", "ods"):
            content = _xml(package, "content.xml")
            for element in content.iter(f"{{{NS['text']}}}h", f"{{{NS['text']}}}p"):
                text = clean("".join(element.itertext()))
                if text:
                    lines.append(text)
                    if element.tag == f"{{{NS['text']}}}h":
                        headings.append(text)
        else:
            raise OfficeError(f"unsupported office format {fmt}")
        if "docProps/core.xml" in names:
            core = _xml(package, "docProps/core.xml")
            meta_title = clean(core.findtext(f"{{{NS['dc']}}}title") or "") or None
            lang = lang or core.findtext(f"{{{NS['dc']}}}language")
        elif "meta.xml" in names:
            meta = _xml(package, "meta.xml")
            meta_title = clean(meta.findtext(f".//{{{NS['dc']}}}title") or "") or None
            lang = lang or meta.findtext(f".//{{{NS['dc']}}}language")
    except OfficeError:
        raise
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, ValueError, EOFError) as exc:
        raise OfficeError(f"unreadable {fmt.upper()} file: {exc}") from exc
    except NotImplementedError as exc:  # zipfile: a compression method it does not know
        raise OfficeError(f"unreadable {fmt.upper()} file: {exc}") from exc
    except MemoryError as exc:
        raise OfficeError(f"refused {fmt.upper()} file: it needs more memory than there is") from exc
    text = "\n".join(lines)[:MAX_CHARS]
    first = next((line for line in lines if 4 <= len(line) <= 200), None)
    heading = headings[0] if headings else first
    title = heading if is_useless_title(meta_title) else meta_title
    return OfficeDocument(
        text, title, meta_title, primary_language(lang), headings or ([heading] if heading else [])
    )
