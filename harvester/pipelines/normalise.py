"""Normalise: canonical URL and stable id, tidy text fields, a title for everything."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from harvester.extract.html import clean
from harvester.pipelines import materials_only
from harvester.urls import canonicalize, material_id


def fallback_title(url: str) -> str:
    """A readable title from a URL: the file name ('Opas+alkuvaiheeseen.pdf' → 'Opas alkuvaiheeseen'),
    which on Liferay is the segment before the document uuid, else the last path segment."""
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return url
    name = next((s for s in reversed(segments) if re.search(r"\.[A-Za-z0-9]{2,4}$", s)), segments[-1])
    name = re.sub(r"\.[A-Za-z0-9]{2,4}$", "", name)
    return clean(re.sub(r"[+_-]+", " ", name)) or url


RTL_LETTERS = re.compile(r"[\u0590-\u08FF\uFB1D-\uFEFC]")


def is_rtl(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and len(RTL_LETTERS.findall(text)) > len(letters) / 2


class NormalisePipeline:
    @materials_only
    def process_item(self, item, spider=None):
        declared = item.get("canonical_url")
        # rel=canonical is trusted only within the same host: a page cannot claim another site's identity.
        if declared and urlsplit(declared).netloc == urlsplit(item["url"]).netloc:
            canonical = canonicalize(declared)
        else:
            canonical = canonicalize(item["url"])
        item["fetched_url"] = item["url"]
        item["url"] = item["canonical_url"] = canonical
        item["id"] = material_id(canonical)
        item["locations"] = [item["fetched_url"]]
        item["alternates"] = sorted(
            {canonicalize(u) for u in (item.get("hreflang") or {}).values()} - {canonical}
        )
        for field in ("title", "description"):
            if item.get(field):
                item[field] = clean(item[field])
        link_texts = sorted({clean(t) for t in item.get("link_texts") or [] if clean(t)})
        item["link_texts"] = link_texts
        if not item.get("title"):
            item["title"] = link_texts[0] if link_texts else fallback_title(item["url"])
        elif item.get("kind") == "file" and is_rtl(item["title"]):
            # PDF text of right-to-left scripts comes out in visual order; a link text in the same
            # script (from a page or the WordPress media API) is in reading order.
            item["title"] = next((t for t in link_texts if is_rtl(t)), item["title"])
        return item
