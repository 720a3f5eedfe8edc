"""Tagging one material: languages, plain language, type, phases and audiences, each with its
evidence. Free of Scrapy, so that the tagging worker (harvester/tagging/worker.py) starts quickly."""

from __future__ import annotations

from harvester.tagging.language import identify
from harvester.tagging.plain_language import plain_language, plain_register
from harvester.tagging.rules import (
    LANGUAGE_PRIOR,
    PROJECT_PRIOR,
    TYPE_AUDIENCE,
    TYPE_PRIOR,
    pick_many,
    pick_type,
    score,
)

DEFAULT_TYPE = {"page": "info-page", "embed": "video", "file": "guide"}
# A file whose words name no type is what its format usually holds: slides are course material.
FORMAT_TYPE = {
    **dict.fromkeys(("pptx", "ppt", "odp", "key"), "course-material"),
    **dict.fromkeys(("mp3", "m4a", "wav", "ogg", "oga", "flac"), "audio"),
    **dict.fromkeys(("mp4", "webm", "mov", "avi", "mkv"), "video"),
}
# An operating model is written for those who develop services and for those who would run it:
# the guidance workers, teachers, organisations or employers its text names.
PRACTICE_TYPES = {"model"}
PRACTITIONERS = ("guidance-professionals", "teachers", "organisations", "employers")
MIN_PRACTITIONER_SCORE = 1.0
EMBEDDED_TYPE = {"map": "service-map", "game-or-app": "game-or-app"}


def structural_type(signals: dict) -> tuple[str, dict] | None:
    """A page whose words name no type but which embeds a map or a game, or links its app in a store."""
    if signals.get("interactive") in EMBEDDED_TYPE:
        kind = signals["interactive"]
        return EMBEDDED_TYPE[kind], {"method": "structure", "matched": [f"embedded {kind}"], "score": 3}
    if signals.get("app_links"):
        return "game-or-app", {"method": "structure", "matched": ["app store links"], "score": 3}
    return None


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
    ocr = {"source": "ocr"} if (item.get("page_signals") or {}).get("text_source") == "ocr" else {}
    for lang in result.languages:
        evidence[f"language:{lang}"] = {"method": result.method, "shares": result.shares, **ocr}

    flag, plain_evidence = plain_language(
        {
            "title": fields["title"],
            "url": fields["url"],
            "link_text": link_text,
            "headings": fields["headings"],
            "images": " | ".join(item.get("images") or []),
        },
        item.get("text") or "",
        result.languages[0] if result.languages else None,
    )
    item["plain_language"] = flag
    if plain_evidence:
        evidence["plain_language"] = plain_evidence

    if item.get("kind") == "embed":
        item["type"], type_evidence = "video", {"method": "embed", "matched": [item["url"]], "score": 1}
    else:
        default = FORMAT_TYPE.get(item.get("format") or "") or DEFAULT_TYPE.get(item.get("kind"), "guide")
        item["type"], type_evidence = pick_type(fields, default)
        shown = structural_type(item.get("page_signals") or {})
        if shown and type_evidence["method"] == "default":
            item["type"], type_evidence = shown
    evidence[f"type:{item['type']}"] = type_evidence

    # A project that worked in several phases leans each of its materials to all of them only a
    # little: its prior is shared out, so that what a material says decides which of them it serves.
    project_phases = (project or {}).get("phases") or []
    phase_priors = {p: (PROJECT_PRIOR / len(project_phases), "project") for p in project_phases}
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
    if item["type"] in PRACTICE_TYPES and len(item["audiences"]) == 1:
        practitioner = next((s for s in score("audiences", fields) if s.id in PRACTITIONERS), None)
        if practitioner and practitioner.score >= MIN_PRACTITIONER_SCORE:
            item["audiences"].append(practitioner.id)
            audience_evidence[practitioner.id] = {
                "method": "rule",
                "matched": [*practitioner.matched, f"prior:those who run a {item['type']}"],
                "score": practitioner.score,
            }
    if not item["audiences"]:
        item["audiences"] = ["immigrants"]
        audience_evidence = {"immigrants": {"method": "default", "matched": [], "score": 0}}
    if not item["plain_language"] and item.get("kind") != "embed":
        register = plain_register(item.get("text") or "", main_language, audience_evidence, item["type"])
        if register:
            item["plain_language"], evidence["plain_language"] = 1, register
    evidence.update({f"phase:{k}": v for k, v in phase_evidence.items()})
    evidence.update({f"audience:{k}": v for k, v in audience_evidence.items()})
    item["tag_evidence"] = evidence
    return item


TAG_FIELDS = ("type", "languages", "plain_language", "phases", "audiences", "tag_evidence")
