"""Language identification: declared language, Unicode script, then seeded langdetect.

langdetect is random unless seeded and knows neither Tigrinya nor Kurdish, so
non-Latin scripts are decided by their letters first, and langdetect only judges
Latin-script text long enough to judge, restricted to the languages a Finnish
integration catalogue meets (so that Swedish is not read as Norwegian).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

LATIN_CANDIDATES = (
    "fi",
    "sv",
    "en",
    "so",
    "et",
    "de",
    "fr",
    "es",
    "pl",
    "ro",
    "tr",
    "it",
    "pt",
    "nl",
    "sq",
    "vi",
)
MIN_DETECT_CHARS = 40  # below this langdetect alone decides nothing
SHARE_THRESHOLD = 0.12  # a language must hold this share of the text to be listed
SEED = 0
SORANI_LETTERS = set("ڕڵۆێەھ")
PERSIAN_LETTERS = set("پچژگکی")  # Persian forms of kaf and yeh included
ARABIC_ONLY = set("ةىيكأإ")


@dataclass
class LanguageResult:
    languages: list[str]  # main language first
    method: str  # declared | script | detected | declared+confirmed | detected-over-declared
    shares: dict[str, float]


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    profiles = [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8") for code in LATIN_CANDIDATES]
    factory.load_json_profile(profiles)
    factory.set_seed(SEED)
    return factory


def _detect_latin(text: str) -> dict[str, float]:
    detector = _factory().create()
    detector.append(text[:5000])
    try:
        return {p.lang: p.prob for p in detector.get_probabilities()}
    except LangDetectException:
        return {}


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    code = ord(ch)
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF:
        return "ethiopic"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    name = unicodedata.name(ch, "")
    return name.split(" ")[0].lower() if name else None


def _arabic_script_language(letters: str) -> str:
    sorani = sum(ch in SORANI_LETTERS for ch in letters)
    persian = sum(ch in PERSIAN_LETTERS for ch in letters)
    arabic = sum(ch in ARABIC_ONLY for ch in letters)
    if sorani >= max(3, 0.02 * len(letters)) and sorani >= persian * 0.5:
        return "ckb"
    if persian > arabic:
        return "fa"
    return "ar"


def _cyrillic_language(letters: str) -> str:
    return "uk" if re.search(r"[іїєґІЇЄҐ]", letters) else "ru"


def _chunks(text: str) -> list[str]:
    """Paragraph-sized pieces, so that a multilingual document shows several languages."""
    pieces: list[str] = []
    buffer = ""
    for line in text.split("\n"):
        buffer = f"{buffer}\n{line}" if buffer else line
        if len(buffer) >= 300:
            pieces.append(buffer)
            buffer = ""
    if buffer:
        pieces.append(buffer)
    return pieces


def text_shares(text: str) -> dict[str, float]:
    """Share of each language in the text, by letters."""
    counts: dict[str, float] = {}
    for chunk in _chunks(text):
        by_script: dict[str, list[str]] = {}
        for ch in chunk:
            script = _script(ch)
            if script:
                by_script.setdefault(script, []).append(ch)
        for script, letters in by_script.items():
            n = len(letters)
            if script == "ethiopic":
                counts["ti"] = counts.get("ti", 0) + n
            elif script == "arabic":
                lang = _arabic_script_language("".join(letters))
                counts[lang] = counts.get(lang, 0) + n
            elif script == "cyrillic":
                lang = _cyrillic_language("".join(letters))
                counts[lang] = counts.get(lang, 0) + n
            elif script == "latin" and n >= MIN_DETECT_CHARS:
                latin_text = "".join(
                    ch if _script(ch) == "latin" or not ch.isalpha() else " " for ch in chunk
                )
                probs = _detect_latin(latin_text)
                for lang, prob in probs.items():
                    counts[lang] = counts.get(lang, 0) + n * prob
    total = sum(counts.values())
    return (
        {lang: round(c / total, 3) for lang, c in sorted(counts.items(), key=lambda kv: -kv[1])}
        if total
        else {}
    )


def identify(text: str, declared: str | None = None, short_text: str = "") -> LanguageResult:
    """Languages of a material, main first.

    `text` is the material's body; `short_text` (title, link text) is used only when the
    body is too short, and even then langdetect alone does not overrule a declaration.
    """
    body = text or ""
    letters = sum(ch.isalpha() for ch in body)
    if letters < MIN_DETECT_CHARS * 2:
        sample = f"{short_text}\n{body}".strip()
        shares = text_shares(sample)  # scripts decide at any length; langdetect only judges long Latin runs
        non_latin = [lang for lang in shares if lang in ("ti", "ar", "fa", "ckb", "ru", "uk")]
        if non_latin and shares[non_latin[0]] > 0.5:
            return LanguageResult([non_latin[0]], "script", shares)
        if declared:
            return LanguageResult([declared], "declared", shares)
        if shares:
            return LanguageResult([next(iter(shares))], "detected", shares)
        return LanguageResult([], "unknown", shares)
    shares = text_shares(body)
    listed = [lang for lang, share in shares.items() if share >= SHARE_THRESHOLD]
    if not listed:
        return LanguageResult([declared] if declared else [], "declared" if declared else "unknown", shares)
    if declared and declared in listed:
        # The declaration decides the order only when the text does not clearly favour another language.
        main = listed[0]
        if shares[declared] >= 0.8 * shares[main]:
            listed.remove(declared)
            listed.insert(0, declared)
        return LanguageResult(listed, "declared+confirmed", shares)
    if declared and shares[listed[0]] < 0.6:
        return LanguageResult([declared, *listed], "declared", shares)
    return LanguageResult(listed, "detected-over-declared" if declared else "detected", shares)
