"""A material's tag evidence (tag_evidence, as the tagger keeps it) in the shape a page can put in
words: which tag, by what method (a message key: datasette/i18n/messages.yml), with what share of
the text and which words, so the page says "Kieli: somali — tunnistettu tekstistä (100 %)" and not
`{'so': 1.0}`."""

from __future__ import annotations

import json
import re

# tag kind -> the vocabulary its values come from (None: the tag has no value, plain language)
VOCABULARIES = {"language": "languages", "phase": "phases", "audience": "audiences", "type": "types"}
KNOWN_METHODS = {
    "rule", "prior", "default", "manual", "declared", "declared+confirmed", "detected-over-declared",
    "fasttext", "fasttext+lingua", "lingua", "marker", "marker+register", "register",
    "readability+audience", "structure", "embed",
}  # fmt: skip
ORDER = ("language", "plain_language", "type", "phase", "audience")
MAX_WORDS = 8


def method_key(method: str | None) -> str:
    return f"evidence.method.{method}" if method in KNOWN_METHODS else "evidence.method.other"


def matched_words(matched) -> list[str]:
    """The words that matched, each once, without where they were found ("title:opas" -> "opas")
    and without the priors (the method says those)."""
    if isinstance(matched, dict):
        items = [w for v in matched.values() for w in (v if isinstance(v, list) else [v])]
    elif isinstance(matched, list):
        items = matched
    else:
        items = [matched] if matched else []
    words: list[str] = []
    for item in items:
        text = str(item)
        if text.startswith("prior:") or text.startswith("http"):
            continue
        word = re.sub(r"^[a-z_]+:", "", text).strip()
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def describe(tag_evidence: str | dict | None) -> list[dict]:
    """One row per tag: kind (message key evidence.kind.<kind>), value and its vocabulary, method key
    (and the raw method), share of the text in per cent, the matched words and a curator's note."""
    evidence = json.loads(tag_evidence or "{}") if isinstance(tag_evidence, str) else (tag_evidence or {})
    described = []
    for tag, found in evidence.items():
        kind, _, value = tag.partition(":")
        found = found if isinstance(found, dict) else {}
        shares = found.get("shares") if isinstance(found.get("shares"), dict) else {}
        share = shares.get(value)
        described.append(
            {
                "kind": kind,
                "value": value,
                "vocabulary": VOCABULARIES.get(kind),
                "method": found.get("method") or "",
                "method_key": method_key(found.get("method")),
                "share": round(share * 100) if isinstance(share, int | float) else None,
                "words": matched_words(found.get("matched")),
                "note": found.get("note") or "",
                "source_key": "evidence.source.ocr" if found.get("source") == "ocr" else "",
            }
        )
    rank = {kind: i for i, kind in enumerate(ORDER)}
    return sorted(described, key=lambda row: (rank.get(row["kind"], len(ORDER)), row["value"]))


def first_sentences(text: str | None, limit: int = 320) -> str:
    """The opening sentences of a text, whole sentences up to about `limit` characters: the
    description of a material that has none of its own."""
    flat = " ".join((text or "").split())
    if not flat:
        return ""
    sentences = re.split(r"(?<=[.!?…])\s+", flat)
    chosen = ""
    for sentence in sentences:
        if chosen and len(chosen) + len(sentence) + 1 > limit:
            break
        chosen = f"{chosen} {sentence}".strip()
    if len(chosen) > limit:  # one very long first sentence: cut at a word
        chosen = chosen[:limit].rsplit(" ", 1)[0] + " …"
    return chosen
