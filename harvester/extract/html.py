"""HTML extraction: title, description, declared language, main text, headings, links, embeds.

Works on lxml trees (parsel's, so Scrapy responses and saved files go the same way) and
knows nothing of Scrapy or the catalogue. The page's own text comes from main_content.py
(trafilatura); the page's content wrapper (main, article, the CMS's content div) is where
embeds, images and content links are looked for, and the text when the extractor finds none.
Links are gathered from the whole page except site chrome, because platforms such as Liferay
put attachments in a block beside the article. Links and embeds to platforms (Issuu, YouTube, Drive …,
harvester/registry/platforms.yml) become platform references, described from this page; a malformed
link is left out, never an error for the page.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from .licence import licence_code
from .main_content import main_content
from .platform_links import PlatformRef, page_refs
from .platforms import platform_of_host
from .text import clean, lines_of

MAIN_CANDIDATES = (
    "//main",
    "//*[@role='main']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' journal-content-article ')]",
    "//article",
    "//*[@id='content']",
    "//*[@id='main']",
    "//body",
)
CHROME_TAGS = ("header", "nav", "footer", "aside")
DROP_TAGS = ("script", "style", "noscript", "template", "svg", "form", "button", "select")
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "td", "th", "dt", "dd", "dl", "blockquote", "pre", "br", "hr", "figcaption",
    "header", "footer", "nav", "aside", "address",
}  # fmt: skip
MAP_EMBED = re.compile(
    r"^https?://([\w.-]+\.)?(google\.[a-z.]+/maps|maps\.google\.|openstreetmap\.org|umap\.|"
    r"[\w.-]*arcgis\.com|api\.mapbox\.com|[\w.-]*mapbox\.com/|thinglink\.com|mymaps\.)",
    re.I,
)
APP_STORE = re.compile(r"^https?://(play\.google\.com/store/apps|apps\.apple\.com/)", re.I)
# Platform embeds that make the embedding page an interactive one by their default type.
INTERACTIVE_TYPES = {"service-map": "map", "game-or-app": "game-or-app"}
HOST_NAME = re.compile(r"[\w.:-]+")
POST_CLASSES = re.compile(
    r"\b(type-post|single-post|blog-entry|news-item|node--type-(article|news|blog)|"
    r"page-node-type-(article|news|blog))\b"
)
PAGE_CLASSES = re.compile(
    r"\b(type-page|page-template[\w-]*|page-node-type-page|node--type-page|page-id-\d+)\b"
)
TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,80}$")
PUBLISHED_XPATH = (
    "//meta[@property='article:published_time']/@content | //time/@datetime | //meta[@name='date']/@content"
)
DATE_ISO = re.compile(r"\b(20\d\d-[01]\d-[0-3]\d)")
DATE_FI = re.compile(r"\b([0-3]?\d)\.([01]?\d)\.(20\d\d)\b")


@dataclass
class Link:
    url: str
    text: str
    in_content: bool  # False for links in site chrome (header, nav, footer, aside)


@dataclass
class HtmlPage:
    url: str
    title: str | None = None
    h1: str | None = None
    html_title: str | None = None
    description: str | None = None
    declared_language: str | None = None
    hreflang: dict[str, str] = field(default_factory=dict)
    canonical: str | None = None
    text: str = ""
    headings: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    platforms: list[PlatformRef] = field(default_factory=list)  # platform materials linked or embedded
    published: str | None = None
    license: str | None = None  # AOE licence code of a Creative Commons statement on the page
    images: list[str] = field(default_factory=list)  # alt texts and file names of the content's images
    is_post: bool = False
    word_count: int = 0
    link_density: float = 0.0
    interactive: str | None = None  # "map" or "game-or-app": an embedded iframe, canvas or object, no video
    app_links: bool = False  # links to the page's app in an app store

    @property
    def embeds(self) -> list[str]:
        """The platform iframes' URLs as written on the page."""
        return [ref.url for ref in self.platforms if ref.form == "embed"]


def primary_language(tag: str | None) -> str | None:
    """'fi-FI' → 'fi', 'sv_SE' → 'sv'; None for empty or malformed tags."""
    if not tag:
        return None
    lang = re.split(r"[-_]", tag.strip().lower())[0]
    return lang if re.fullmatch(r"[a-z]{2,3}", lang) else None


def block_text(element) -> str:
    """Text of an element with line breaks between block elements."""
    return lines_of(element, BLOCK_TAGS, _table_rows)


def _table_rows(table) -> list[list[str]]:
    return [
        [clean(cell.text_content()) for cell in _xpath("./th|./td")(row)] for row in _xpath(".//tr")(table)
    ]


def absolute(base: str, href: str | None) -> str | None:
    """href resolved against base, or None where it is empty or malformed (an unparseable host or
    port: 'http://[x]/', 'http://exa mple.com', 'https://:80/'), so one bad link spoils nothing else."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and not HOST_NAME.fullmatch(parts.hostname or ""):
        return None
    return url


def _interactive_frame(src: str) -> bool:
    """An iframe that can make its page a game, app or map page: not a platform's player or reader,
    except a platform of maps or apps (ThingLink)."""
    platform = platform_of_host(src)
    return platform is None or platform.type in INTERACTIVE_TYPES


def _main_element(tree):
    for xpath in MAIN_CANDIDATES:
        found = _xpath(xpath)(tree)
        if found:
            return found[0]
    return tree


def _without(element, tags):
    """A copy of element without the given descendant tags."""
    copy = deepcopy(element)
    copy.tail = None
    for bad in _xpath(" | ".join(f".//{t}" for t in tags))(copy):
        bad.drop_tree()
    return copy


def _in_chrome(el) -> bool:
    return any(a.tag in CHROME_TAGS for a in el.iterancestors())


@lru_cache(maxsize=128)
def _xpath(expression: str) -> etree.XPath:
    """Compiled once: element.xpath() compiles its expression on every call, ~25 times a page."""
    return etree.XPath(expression)


XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def parse(html: str | bytes) -> lxml_html.HtmlElement:
    """Parse decoded text (the caller knows the encoding: HTTP header, meta, BOM or detection);
    bytes are taken as UTF-8 unless the document says otherwise."""
    if isinstance(html, bytes):
        return lxml_html.document_fromstring(html)
    html = XML_DECLARATION.sub("", html)  # lxml refuses str input that declares an encoding
    if not html.strip():
        raise ValueError("empty document")
    return lxml_html.document_fromstring(html)


def extract_html(html: str | bytes | lxml_html.HtmlElement, url: str, read_content: bool = True) -> HtmlPage:
    """read_content=False leaves out the content extractor (the page's text is its content wrapper's):
    a harvest reads the links now and the text in its worker process (pipelines/worker_text.py)."""
    tree = html if isinstance(html, lxml_html.HtmlElement) else parse(html)
    page = HtmlPage(url=url)
    root = tree.getroottree().getroot()
    page.declared_language = primary_language(root.get("lang") or root.get("xml:lang"))
    if not page.declared_language:
        meta_lang = _xpath(
            "//meta[@http-equiv='content-language']/@content | //meta[@property='og:locale']/@content"
        )(tree)
        page.declared_language = primary_language(meta_lang[0]) if meta_lang else None
    page.html_title = clean(" ".join(_xpath("//title//text()")(tree))) or None
    description = _xpath(
        "//meta[@name='description']/@content | //meta[@property='og:description']/@content"
    )(tree)
    page.description = clean(description[0]) if description else None
    canonical = _xpath("//link[@rel='canonical']/@href")(tree)
    page.canonical = absolute(url, canonical[0]) if canonical else None
    for alt in _xpath("//link[@rel='alternate'][@hreflang]")(tree):
        lang = primary_language(alt.get("hreflang"))
        href = absolute(url, alt.get("href"))
        if lang and href:
            page.hreflang[lang] = href

    main = _main_element(tree)
    if not _in_chrome(main) and main.tag != "body":
        content = _without(main, DROP_TAGS)
    else:
        content = _without(main, DROP_TAGS + CHROME_TAGS)
    content_h1 = _xpath(".//h1")(content)
    h1 = content_h1 or _xpath("//h1")(tree)
    page.h1 = clean(h1[0].text_content()) if h1 else None
    marked = main.tag in ("main", "article") or main.get("role") == "main"
    found = main_content(html, url, fast=marked) if read_content and isinstance(html, (str, bytes)) else None
    if found:
        page.text = found.text
        page.headings = found.headings if page.h1 in (None, *found.headings) else [page.h1, *found.headings]
    else:  # too short or too bare for the extractor to judge: the content wrapper is the content
        page.text = block_text(content)
        page.headings = [
            clean(h.text_content()) for h in _xpath(".//h1|.//h2|.//h3")(content) if clean(h.text_content())
        ]
    og_title = _xpath("//meta[@property='og:title']/@content")(tree)
    html_title = TITLE_SUFFIX.sub("", page.html_title) if page.html_title else None
    # A page's own heading first; an h1 outside the content is often the site's logo, so the page's
    # declared titles come before it.
    page.title = (
        (clean(content_h1[0].text_content()) if content_h1 else None)
        or (clean(og_title[0]) if og_title else None)
        or html_title
        or page.h1
    )

    page.word_count = len(page.text.split())
    # Link density is a property of the content wrapper: a page of links is one even where the
    # extractor has dropped the links as chrome.
    wrapper_words = len(" ".join(content.itertext()).split()) if found else page.word_count
    link_words = sum(len(clean(a.text_content()).split()) for a in _xpath(".//a")(content))
    page.link_density = round(min(1.0, link_words / wrapper_words), 3) if wrapper_words else 1.0

    for a in _xpath("//a[@href]")(tree):
        href = a.get("href").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        target = absolute(url, href)
        if target is None:
            continue
        text = clean(a.text_content()) or clean(a.get("title"))
        # Inside the main content everything counts (an attachments <aside> in an article is content).
        inside_main = main.tag != "body" and any(ancestor is main for ancestor in a.iterancestors())
        page.links.append(Link(target, text, in_content=inside_main or not _in_chrome(a)))
    for image in _xpath(".//img")(main):  # the Selkotunnus logo marks plain-language pages
        described = clean(" ".join(filter(None, (image.get("alt"), image.get("title"), image.get("src")))))
        if described:
            page.images.append(described)
    # Platform links and embeds: in the content, or anywhere but the site's chrome (share buttons
    # and social profiles sit in headers and footers).
    in_main = main.tag != "body"
    page.platforms = [
        ref
        for ref in page_refs(tree, url, page.declared_language, page.title)
        if (in_main and any(a is main for a in ref.element.iterancestors())) or not _in_chrome(ref.element)
    ]
    # Chrome left out: a map to the office in a footer is no material.
    frames = [src for src in (absolute(url, s) for s in _xpath(".//iframe/@src")(content)) if src]
    # A platform's player is no game, except where the platform holds maps or apps (ThingLink).
    others = [src for src in frames if _interactive_frame(src)]
    if any(MAP_EMBED.search(src) for src in others):
        page.interactive = "map"
    elif others or _xpath(".//canvas | .//object | .//embed")(content):
        page.interactive = "game-or-app"
    page.app_links = any(link.in_content and APP_STORE.match(link.url) for link in page.links)

    classes = " ".join(_xpath("//article/@class | //body/@class")(tree))
    linked_data = _json_ld(tree)
    # og:type "article" is set on every page by common SEO plugins: it counts only where the CMS's
    # own classes do not say the page is a page.
    page.is_post = (
        bool(POST_CLASSES.search(classes))
        or linked_data.get("@type") in ("BlogPosting", "NewsArticle")
        or (
            bool(_xpath("//meta[@property='og:type'][@content='article']")(tree))
            and not PAGE_CLASSES.search(classes)
        )
    )
    page.published = _published(tree, page.text) or _iso_date(linked_data.get("datePublished"))
    if not page.description and isinstance(linked_data.get("description"), str):
        page.description = clean(linked_data["description"])
    if not page.declared_language and isinstance(linked_data.get("inLanguage"), str):
        page.declared_language = primary_language(linked_data["inLanguage"])
    for href in _xpath("//a[contains(@rel, 'license')]/@href | //link[@rel='license']/@href | //a/@href")(
        tree
    ):
        page.license = licence_code(href)
        if page.license:
            break
    else:
        page.license = licence_code(str(linked_data.get("license") or "")) or licence_code(page.text)
    return page


def _json_ld(tree) -> dict:
    """The first schema.org object (JSON-LD) describing the page: name, description, dates, licence."""
    for script in _xpath("//script[@type='application/ld+json']/text()")(tree):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        candidates = (
            data.get("@graph", [data]) if isinstance(data, dict) else data if isinstance(data, list) else []
        )
        for thing in candidates:
            if isinstance(thing, dict) and thing.get("@type") not in (
                "BreadcrumbList",
                "WebSite",
                "Organization",
            ):
                return thing
    return {}


def _iso_date(value) -> str | None:
    match = DATE_ISO.search(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _published(tree, text: str) -> str | None:
    for value in _xpath(PUBLISHED_XPATH)(tree):
        match = DATE_ISO.search(value)
        if match:
            return match.group(1)
    match = DATE_FI.search(text[:400])
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return None
