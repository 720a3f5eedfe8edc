"""A page's own text, without navigation, footers, sidebars, comments and cookie banners.

trafilatura decides what the content is: on real pages it keeps a page's own text and drops its
chrome far better than a content-wrapper heuristic (bench/realdata.py: F1 0.96 against 0.77 on
the article-extraction benchmark). Its options are chosen for a catalogue: precision first (chrome
words mislead the tagger), comments left out (a reader's comment is not the material), tables kept.
Its XML result is rendered here as the rest of the harvester expects: one block a line, tables
column by column (a glossary's languages stay together for language identification).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from .text import clean, lines_of

logger = logging.getLogger(__name__)

# The extractor's time grows with the page (about 1 s for 500 kB of text); real pages are far smaller,
# and a page beyond this is read by its content wrapper, which is faster, so that one huge page cannot
# hold up a harvest.
MAX_HTML_CHARS = 2_000_000
BLOCKS = {"p", "head", "list", "item", "quote", "code", "lb", "div", "row", "cell", "graphic", "del"}


@dataclass
class MainContent:
    text: str
    headings: list[str]


@lru_cache(maxsize=2)
def _options(fast: bool):
    """The extractor's options, built once: building them reads its configuration every time.
    trafilatura is imported here (~0.3 s): a harvest's crawler reads pages' links only and leaves
    their content to its worker process (pipelines/worker_text.py)."""
    from trafilatura.settings import Extractor

    return Extractor(precision=True, fast=fast, comments=False, tables=True, with_metadata=False)


def main_content(html: str, url: str | None = None, fast: bool = False) -> MainContent | None:
    """The page's own text and headings, or None when nothing reads as content (a stub, a page of
    links, a page too short for the extractor to judge): the caller falls back to the page's
    content wrapper. fast: skip the extractor's second opinions (readability, jusText), for a page
    whose markup already marks its content."""
    if len(html) > MAX_HTML_CHARS:
        logger.info(
            "%s: %d characters, too long for the content extractor; the content wrapper is read",
            url,
            len(html),
        )
        return None
    options = _options(fast)
    from trafilatura import bare_extraction

    try:
        document = bare_extraction(html, options=options, as_dict=False)
    except (ValueError, TypeError, AttributeError, RecursionError, etree.LxmlError) as exc:
        # A page the extractor cannot take is still read, by its content wrapper.
        logger.warning(
            "%s: content extractor failed (%s: %s); the content wrapper is read", url, type(exc).__name__, exc
        )
        return None
    body = getattr(document, "body", None)
    if body is None:
        return None
    text = render(body)
    if not text:
        return None
    headings = [clean("".join(head.itertext())) for head in body.iter("head")]
    return MainContent(text, [h for h in headings if h])


def render(element) -> str:
    """trafilatura's XML as lines: a line per block, tables as table_text reads them."""
    return lines_of(element, BLOCKS, _rows)


def _rows(table) -> list[list[str]]:
    return [[clean("".join(cell.itertext())) for cell in row.iter("cell")] for row in table.iter("row")]
