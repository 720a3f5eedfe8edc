"""Plain language (selkokieli, lättläst, easy-to-read): a register, not a language.

An explicit marker decides, and the text's readability supports it, never replacing it:
- a marker in the title, URL, link text, headings or image alt texts marks the material plain,
  unless its own text clearly reads as standard prose (a report *about* plain-language work);
- a marker only in the body counts when the body itself reads plainly (a guide that merely says
  "also available in selkokieli" is not plain);
- without any marker, a text counts only when two independent signs agree: it reads plainly for
  its language (very short sentences and short words) and its own content says it is written for
  immigrants (see plain_register). Readability alone never decides.
"""

from __future__ import annotations

import re

MARKERS = re.compile(
    r"(selkokiel|selkosuom|selkoruots|selkomukaute|selkotunnus|selko-?logo|selkoversi|"
    r"(?:^|[\s_\-/(])selko(?:esite|opas|teksti|uutis|sivu|materiaal)|"
    r"lättläst|lätt svenska|easy[- ]to[- ]read|easy english|plain language|klarspråk)",
    re.I,
)
# Mean words per sentence: plain-language texts keep sentences short (selkokieli guidance: ~8 words).
PLAIN_SENTENCE_WORDS = 8.0
STANDARD_PROSE_SENTENCE_WORDS = 12.0
MIN_WORDS_TO_JUDGE = 40
# Unmarked plain register: stricter than the marker rules, as nothing names the register. Mean
# word length differs by language (Finnish compounds and endings), so it is set per language;
# plain-language writing is a fi/sv/en practice here (vocabularies.md).
REGISTER_SENTENCE_WORDS = 6.0
REGISTER_WORD_LETTERS = {"fi": 6.5, "sv": 4.6, "en": 4.4}
REGISTER_MIN_WORDS = 60


def readability(text: str) -> dict:
    """Mean sentence length in words and mean word length in letters."""
    sentences = [s for s in re.split(r"[.!?։።]+(?:\s|$)", text) if s.strip()]
    words = re.findall(r"\w+", text)
    if not sentences or not words:
        return {"sentence_words": 0.0, "word_letters": 0.0, "words": 0}
    return {
        "sentence_words": round(len(words) / len(sentences), 1),
        "word_letters": round(sum(len(w) for w in words) / len(words), 1),
        "words": len(words),
    }


def plain_language(marker_fields: dict[str, str], text: str) -> tuple[int, dict | None]:
    """(0 or 1, evidence). marker_fields: title, URL, link texts, headings, alt texts …"""
    hits = {
        name: m.group(0).strip(" _-/(")
        for name, value in marker_fields.items()
        if value and (m := MARKERS.search(value))
    }
    measure = readability(text[:20000])
    judged = measure["words"] >= MIN_WORDS_TO_JUDGE
    if hits:
        if judged and measure["sentence_words"] > STANDARD_PROSE_SENTENCE_WORDS:
            return 0, None  # names plain language but is written as standard prose: it is about it
        return 1, {"method": "marker", "matched": hits, "readability": measure}
    body_hit = MARKERS.search(text[:3000] or "")
    if body_hit and judged and measure["sentence_words"] <= PLAIN_SENTENCE_WORDS:
        return 1, {
            "method": "marker+readability",
            "matched": {"text": body_hit.group(0)},
            "readability": measure,
        }
    return 0, None


def plain_register(text: str, language: str | None, audiences: dict[str, dict]) -> dict | None:
    """Evidence that an unmarked text is written in plain language, or None.

    audiences: the material's audience evidence as decided from its content; it must name
    immigrants and no professional audience (a workbook with a teacher's section is not plain)."""
    if language not in REGISTER_WORD_LETTERS or set(audiences) != {"immigrants"}:
        return None
    if audiences["immigrants"].get("method") == "default":
        return None  # no audience evidence at all
    measure = readability(text[:20000])
    if (
        measure["words"] < REGISTER_MIN_WORDS
        or measure["sentence_words"] > REGISTER_SENTENCE_WORDS
        or measure["word_letters"] > REGISTER_WORD_LETTERS[language]
    ):
        return None
    return {
        "method": "readability+audience",
        "matched": {"audience": audiences["immigrants"].get("matched") or []},
        "readability": measure,
    }
