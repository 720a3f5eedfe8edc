"""From a fetched body to Material items: the same code for the site spider and for `inspect`,
so that what the operator inspects is what the harvest stores."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

from harvester.clock import utcnow as now
from harvester.extract.html import HtmlPage, extract_html
from harvester.extract.office import extract_office
from harvester.extract.pdf import extract_pdf
from harvester.extract.platform_links import PlatformRef
from harvester.items import Material
from harvester.tagging.vocabulary import ids as vocabulary_ids
from harvester.urls import canonicalize

OFFICE_FORMATS = {"docx", "pptx", "xlsx", "odt", "odp", "ods"}
FILE_TEXT_FORMATS = OFFICE_FORMATS | {"pdf"}  # files whose text is read (others: link texts only)
LANGUAGE_ROOTS = {
    "selkosuomi",
    "selkokieli",
    "lattlast",
    "english",
    "svenska",
    "suomi",
    "in-english",
    "pa-svenska",
}


def language_roots() -> set[str]:
    """Path segments that name a language section: /so/, /selkosuomi/, /in-english/ …"""
    return LANGUAGE_ROOTS | set(vocabulary_ids("languages"))


@dataclass
class Context:
    """What the harvest knows of a document beyond its bytes: where it sits and how it was reached."""

    source_id: str | None = None
    project_id: str | None = None
    link_texts: list[str] = field(default_factory=list)
    referrer: str | None = None
    snapshot: str | None = None  # the Wayback Machine snapshot it came from
    hint: str | None = None  # the source's own hints: 'material', 'excluded' or None
    roots: set[str] = field(default_factory=set)  # canonical start and scope URLs of the source
    license: str | None = None  # a licence statement on the page that linked a file


def looks_like_html(body: bytes) -> bool:
    """Sniff a body served with a wrong content type (application/octet-stream and the like)."""
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head


def decode_html(body: bytes, content_type: str) -> str:
    """Decode a page by its declared encoding (header, BOM, meta); an undeclared page is UTF-8 when it
    decodes as such and windows-1252 otherwise (the WHATWG default for Finnish and Swedish pages;
    statistical guessing picks Central European code pages for short Finnish text)."""
    if http_content_type_encoding(content_type) or read_bom(body)[0] or html_body_declared_encoding(body):
        return html_to_unicode(content_type, body)[1]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _common(url: str, context: Context) -> dict:
    return {
        "url": url,
        **({"archived_url": context.snapshot} if context.snapshot else {}),
        "source_id": context.source_id,
        "project_id": context.project_id,
        "referrer": context.referrer,
        "link_texts": list(context.link_texts),
        "fetched_at": now(),
    }


def page_materials(
    text: str, url: str, body_size: int, content_type: str, context: Context, read_content: bool = True
) -> tuple[list[Material], HtmlPage]:
    """The page itself and the platform materials it links or embeds. Raises ValueError or lxml's
    ParserError on a page that cannot be read."""
    page = extract_html(text, url, read_content)
    if not read_content and page.platforms:  # its platform materials take the page's text: read it whole
        page = extract_html(text, url)
    canonical = canonicalize(url)
    declared = canonicalize(page.canonical) if page.canonical else canonical
    segments = [s.lower() for s in urlsplit(canonical).path.split("/") if s]
    roots = language_roots()
    items = [
        Material(
            **_common(url, context),
            kind="page",
            format="html",
            content_type=content_type.split(";")[0] or "text/html",
            size_bytes=body_size,
            content_hash=page_hash(page),
            title=page.title,
            description=page.description,
            text=page.text,
            headings=page.headings,
            images=page.images,
            declared_language=page.declared_language,
            hreflang=page.hreflang,
            published=page.published,
            **({"license": page.license} if page.license else {}),
            canonical_url=page.canonical,
            page_signals={
                "word_count": page.word_count,
                "link_density": page.link_density,
                "is_post": page.is_post,
                "is_scope_root": bool({canonical, declared} & context.roots)
                or (len(segments) == 1 and segments[0] in roots),
                "language_version": bool(set(page.hreflang) - {page.declared_language})
                or (len(segments) >= 2 and segments[0] in roots),
                "interactive": page.interactive,
                "app_links": page.app_links,
                "hint": context.hint,
            },
        )
    ]
    for ref in best_refs(page.platforms):
        items.append(platform_material(ref, page, url, context))
    return items, page


# How strongly each kind of evidence names a platform material: the same material linked twice on a
# page is described by its strongest reference.
TITLE_EVIDENCE = (
    "embed title", "link text", "text beside the link", "figure caption", "heading", "page title",
)  # fmt: skip
MAX_PLATFORM_TEXT = 2000
PAGE_OPENING = 400
MIN_SECTION_WORDS = 12


def best_refs(refs: list[PlatformRef]) -> list[PlatformRef]:
    """One reference per platform material of a page (its best title evidence), in page order."""
    best: dict[str, PlatformRef] = {}
    for ref in refs:
        kept = best.get(ref.match.canonical)
        rank = TITLE_EVIDENCE.index
        if kept is None or rank(ref.title_evidence) < rank(kept.title_evidence):
            best[ref.match.canonical] = ref
    return list(best.values())


def platform_material(ref: PlatformRef, page: HtmlPage, page_url: str, context: Context) -> Material:
    """A material that lives on a platform, described from the page that links or embeds it; the
    platform itself is never requested."""
    platform = ref.match.platform
    link_texts = [ref.element.text_content().strip()] if ref.form == "link" else []
    item = Material(
        **_common(ref.match.canonical, Context(context.source_id, context.project_id, referrer=page_url)),
        kind="embed",
        format=platform.format,
        canonical_url=ref.match.canonical,
        title=ref.title or page.title or platform.name,
        description=None,
        # its section of the page first, then the page's opening: what the page says of it
        # what its section of the page says of it; the page's opening where the section says little
        text=(
            ref.context
            if len(ref.context.split()) >= MIN_SECTION_WORDS
            else f"{ref.context}\n{page.text[:PAGE_OPENING]}".strip()
        )[:MAX_PLATFORM_TEXT],
        headings=[ref.section_heading] if ref.section_heading else [],
        declared_language=ref.language,
        hreflang={},
        page_signals={
            "hint": None,
            "platform": platform.id,
            "platform_type": platform.type,
            "type_from_text": platform.type_from_text,
            "form": ref.form,
            "title_evidence": ref.title_evidence,
            "language_evidence": ref.language_evidence,
            "catalogued_from": page_url,
            "platform_group": ref.group,
        },
    )
    item["link_texts"] = [t for t in link_texts if t]
    return item


def page_hash(page: HtmlPage) -> str:
    """Everything of a page the tagger reads, hashed: an unchanged hash keeps the stored tags."""
    parts = [page.text, page.title or "", page.description or "", *page.headings, *page.images]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def file_material(
    body: bytes, url: str, fmt: str, content_type: str, context: Context, extract: bool = True
) -> Material:
    """A document file; its text, title and headings when it is a PDF or an Office file. Raises
    PdfError or OfficeError on a file that cannot be read, after which `file_material(…, extract=False)`
    still records it."""
    item = Material(
        **_common(url, context),
        kind="file",
        format=fmt,
        page_signals={"hint": context.hint},
        content_type=content_type.split(";")[0] or None,
        size_bytes=len(body),
        content_hash=hashlib.sha256(body).hexdigest(),
        title=None,
        description=None,
        text="",
        headings=[],
        declared_language=None,
        hreflang={},
        **({"license": context.license} if context.license else {}),
    )
    if extract and (fmt == "pdf" or fmt in OFFICE_FORMATS):  # audio, video, old formats: link text only
        doc = extract_pdf(body) if fmt == "pdf" else extract_office(body, fmt)
        item.update(
            title=doc.title, text=doc.text, headings=doc.headings, declared_language=doc.declared_language
        )
        if getattr(doc, "text_source", "") == "OCR":  # the evidence says the text came from OCR
            item["page_signals"] = {**item["page_signals"], "text_source": "ocr"}
    return item
