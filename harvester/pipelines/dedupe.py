"""Dedupe within a harvest: one material per canonical URL and per identical content.

WordPress serves the same page as /slug/, /?p=NNN and /slug-2/; Liferay adds cache
busters. Canonical URLs fold most of this; identical content (same hash in the same
source) folds the rest. The kept record remembers the other URLs as locations.
"""

from __future__ import annotations

import re

from scrapy.exceptions import DropItem

from harvester.pipelines import materials_only


def url_quality(url: str) -> tuple:
    """Lower is better: no query, no '-2' duplicate slug, shorter."""
    return ("?" in url, bool(re.search(r"-\d/?$", url.split("?")[0])), len(url), url)


class DedupePipeline:
    def __init__(self):
        self.by_id: dict[str, dict] = {}
        self.by_hash: dict[tuple, dict] = {}

    @materials_only
    def process_item(self, item, spider=None):
        existing = self.by_id.get(item["id"])
        if existing is None and item.get("content_hash") and item.get("kind") != "embed":
            existing = self.by_hash.get((item["source_id"], item["content_hash"]))
        if existing is None:
            self.by_id[item["id"]] = item
            if item.get("content_hash") and item.get("kind") != "embed":
                self.by_hash[(item["source_id"], item["content_hash"])] = item
            return item
        self._merge(existing, item)
        self.by_id[existing["id"]] = existing
        raise DropItem(f"duplicate of {existing['canonical_url']}: {item['url']}")

    @staticmethod
    def _merge(kept: dict, dup: dict) -> None:
        if url_quality(dup["url"]) < url_quality(kept["url"]):
            # The better URL arrived second: keep the record, take over its identity.
            for field in ("url", "canonical_url", "id"):
                kept[field] = dup[field]
        for url in dup["locations"]:
            if url not in kept["locations"]:
                kept["locations"].append(url)
        for text in dup.get("link_texts") or []:
            if text not in kept["link_texts"]:
                kept["link_texts"].append(text)
