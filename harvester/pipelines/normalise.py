"""Normalise: canonical URL and stable id, tidy text fields, a title for everything."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from harvester.extract.html import clean
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


class NormalisePipeline:
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
        return item
