"""Tag: languages, plain language, type, phases and audiences, each with its evidence."""

from __future__ import annotations

import hashlib

from harvester import curation
from harvester.items import Material
from harvester.tagging import TAGGER_VERSION
from harvester.tagging.language import identify
from harvester.tagging.plain_language import plain_language, plain_register
from harvester.tagging.rules import (
    LANGUAGE_PRIOR,
    PROJECT_PRIOR,
    TYPE_AUDIENCE,
    TYPE_PRIOR,
    pick_many,
    pick_type,
)
from harvester.urls import canonicalize

DEFAULT_TYPE = {"page": "info-page", "embed": "video", "file": "guide"}


def tag(item: dict, project: dict | None = None) -> dict:
    """Add tags and tag_evidence to an item (also used outside Scrapy, e.g. for re-tagging)."""
    link_text = " | ".join(item.get("link_texts") or [])
    fields = {
        "title": item.get("title") or "",
        "link_text": link_text,
        "url": item.get("url") or "",
        "headings": " | ".join(item.get("headings") or []),
        "description": item.get("description") or "",
        "text": (item.get("text") or "")[:20000],
    }
    evidence: dict = {}

    if item.get("kind") == "embed":
        result = identify("", item.get("declared_language"), item.get("title") or "")
    else:
        result = identify(
            item.get("text") or "", item.get("declared_language"), f"{fields['title']}\n{link_text}"
        )
    item["languages"] = result.languages
    for lang in result.languages:
        evidence[f"language:{lang}"] = {"method": result.method, "shares": result.shares}

    flag, plain_evidence = plain_language(
        {
            "title": fields["title"],
            "url": fields["url"],
            "link_text": link_text,
            "headings": fields["headings"],
            "images": " | ".join(item.get("images") or []),
        },
        item.get("text") or "",
    )
    item["plain_language"] = flag
    if plain_evidence:
        evidence["plain_language"] = plain_evidence

    if item.get("kind") == "embed":
        item["type"], type_evidence = "video", {"method": "embed", "matched": [item["url"]], "score": 1}
    else:
        item["type"], type_evidence = pick_type(fields, DEFAULT_TYPE.get(item.get("kind"), "guide"))
    evidence[f"type:{item['type']}"] = type_evidence

    phase_priors = {p: (PROJECT_PRIOR, "project") for p in (project or {}).get("phases") or []}
    item["phases"], phase_evidence = pick_many("phases", fields, phase_priors)
    audience_priors: dict[str, tuple[float, str]] = {}
    if item["type"] in TYPE_AUDIENCE:
        audience_priors[TYPE_AUDIENCE[item["type"]]] = (TYPE_PRIOR, f"type {item['type']}")
    main_language = item["languages"][0] if item["languages"] else None
    if (main_language and main_language not in ("fi", "sv", "en")) or item["plain_language"]:
        bonus = audience_priors.get("immigrants", (0.0, ""))[0] + LANGUAGE_PRIOR
        audience_priors["immigrants"] = (
            bonus,
            "plain language" if item["plain_language"] else f"language {main_language}",
        )
    item["audiences"], audience_evidence = pick_many("audiences", fields, audience_priors)
    if not item["audiences"]:
        item["audiences"] = ["immigrants"]
        audience_evidence = {"immigrants": {"method": "default", "matched": [], "score": 0}}
    if not item["plain_language"] and item.get("kind") != "embed":
        register = plain_register(item.get("text") or "", main_language, audience_evidence)
        if register:
            item["plain_language"], evidence["plain_language"] = 1, register
    evidence.update({f"phase:{k}": v for k, v in phase_evidence.items()})
    evidence.update({f"audience:{k}": v for k, v in audience_evidence.items()})
    item["tag_evidence"] = evidence
    return item


TAG_FIELDS = ("type", "languages", "plain_language", "phases", "audiences", "tag_evidence")


def tag_key(item: dict, project: dict | None, correction: dict | None = None) -> str:
    """Everything the tags of a material depend on, hashed: its content, URL, title, link texts,
    declared language, the project's prior and the tagger itself (code and vocabularies)."""
    parts = [
        TAGGER_VERSION,
        item.get("content_hash") or "",
        item.get("url") or "",
        item.get("title") or "",
        item.get("declared_language") or "",
        item.get("kind") or "",
        "|".join(item.get("link_texts") or []),
        "|".join((project or {}).get("phases") or []),
        curation.fingerprint(correction),
    ]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def tag_or_reuse(item: dict, project: dict | None, previous: dict, corrections=None) -> dict:
    """Tag an item, or take its stored tags when nothing they depend on changed; then apply the
    curator's correction, if any (idempotent, so reused tags stay as curated)."""
    correction = (
        corrections.correction_for([item["url"], *(item.get("locations") or [])]) if corrections else None
    )
    key = tag_key(item, project, correction)
    known = previous.get(item.get("id"))
    if known and known["tag_key"] == key:
        item.update({field: known[field] for field in TAG_FIELDS})
    else:
        tag(item, project)
    if correction:
        curation.apply(item, correction)
    item["tag_key"] = key
    return item


class TagPipeline:
    """Tags each material as it arrives, and once more at the end for materials whose URL or link
    texts changed later in the crawl (another page linking the same file, a better duplicate URL),
    so that tags do not depend on the order in which responses happened to arrive."""

    def __init__(self, projects: dict):
        self.projects = projects
        self.tagged: list[tuple[dict, tuple]] = []

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.getdict("AINEISTOPANKKI_PROJECTS"))
        pipeline.crawler = crawler
        return pipeline

    def process_item(self, item, spider=None):
        if not isinstance(item, Material):  # register and repository records go straight to the store
            return item
        spider = spider or self.crawler.spider
        project = self.projects.get(item.get("project_id"))
        tag_or_reuse(item, project, getattr(spider, "previous_tags", {}), getattr(spider, "curation", None))
        self.tagged.append((item, self._signature(item)))
        return item

    @staticmethod
    def _signature(item) -> tuple:
        return item["url"], tuple(item.get("link_texts") or [])

    def close_spider(self, spider=None):
        spider = spider or self.crawler.spider
        known = getattr(spider, "link_texts", {})
        for item, signature in self.tagged:
            texts = set(item.get("link_texts") or [])
            for url in {item["url"], *(item.get("locations") or [])}:
                texts.update(known.get(canonicalize(url), []))
            item["link_texts"] = sorted(texts)
            if self._signature(item) != signature:
                project = self.projects.get(item.get("project_id"))
                tag_or_reuse(
                    item, project, getattr(spider, "previous_tags", {}), getattr(spider, "curation", None)
                )
        self.tagged.clear()
