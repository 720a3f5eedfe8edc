"""Plain language (selkokieli, lättläst, easy-to-read): a register, not a language.

Explicit markers decide; short sentences and words are only supporting evidence and
never mark a material on their own.
"""

from __future__ import annotations

import re

MARKERS = re.compile(
    r"(selkokiel|selkosuom|selkoruots|selkomukaute|selkotunnus|lättläst|lätt svenska|"
    r"easy[- ]to[- ]read|easy english|plain language|klarspråk)",
    re.I,
)

PLAIN_SENTENCE_WORDS = 10.0


def readability(text: str) -> dict:
    """Mean sentence length in words and mean word length in letters."""
    sentences = [s for s in re.split(r"[.!?]+\s", text) if s.strip()]
    words = re.findall(r"\w+", text)
    if not sentences or not words:
        return {"sentence_words": 0.0, "word_letters": 0.0}
    return {
        "sentence_words": round(len(words) / len(sentences), 1),
        "word_letters": round(sum(len(w) for w in words) / len(words), 1),
    }


def plain_language(marker_fields: dict[str, str], text: str) -> tuple[int, dict | None]:
    """(0 or 1, evidence). marker_fields are title, URL, link texts, alt texts …"""
    hits = {
        field: m.group(0) for field, value in marker_fields.items() if value and (m := MARKERS.search(value))
    }
    measure = readability(text[:20000])
    if not hits:
        # A body that merely mentions a plain-language version elsewhere is not plain language:
        # a marker in the text counts only when the text itself reads plainly.
        body_hit = MARKERS.search(text[:3000] or "")
        if body_hit and 0 < measure["sentence_words"] <= PLAIN_SENTENCE_WORDS:
            hits["text"] = body_hit.group(0)
    if not hits:
        return 0, None
    return 1, {"method": "marker", "matched": hits, "readability": measure}
