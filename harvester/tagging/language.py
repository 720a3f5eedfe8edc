"""Language identification: declared language, Unicode script, then seeded langdetect.

langdetect is random unless seeded and knows neither Tigrinya nor Kurdish, so
non-Latin scripts are decided by their letters first, and langdetect only judges
Latin-script text long enough to judge, restricted to the languages a Finnish
integration catalogue meets (so that Swedish is not read as Norwegian).
"""

from __future__ import annotations

import re
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
MIN_DETECT_CHARS = 40  # Latin letters below which langdetect is not trusted: the short-text detector judges
MIN_LATIN_LETTERS = 3
CHUNK_CHARS = 600
PARAGRAPH_CHARS = 150
LANGDETECT_CHARS = 400  # enough for langdetect to judge a chunk; its cost grows with the text
MAX_CHUNKS = 8
SHORT_KEEP_DECLARED = 0.2  # short text: keep the declaration while the detector gives it this much
SHORT_OVERRULE = 0.7  # … and overrule it only when the detector is this sure of another language
SYLLABARY_WEIGHT = 2.0  # an Ethiopic character writes a consonant and a vowel: about two Latin letters
NON_LATIN = ("ti", "ar", "fa", "ckb", "ru", "uk")
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
    detector.append(text[:LANGDETECT_CHARS])
    try:
        return {p.lang: p.prob for p in detector.get_probabilities()}
    except LangDetectException:
        return {}


# Letters of the scripts that decide a language by themselves (digits and punctuation left out).
SCRIPT_LETTERS = {
    "ethiopic": re.compile(r"[\u1200-\u135A\u1380-\u138F\u2D80-\u2DDF]"),
    "arabic": re.compile(
        r"[\u0620-\u064A\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFC]"
    ),
    "cyrillic": re.compile(r"[\u0400-\u0481\u048A-\u04FF]"),
    "latin": re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]"),
}
OTHER_SCRIPTS = re.compile(r"[\u0370-\u1DFF\u1F00-\u1FFF\u2C00-\uFFFF]")  # all but Latin, kept for langdetect


def _arabic_script_language(letters: str) -> str:
    sorani = sum(letters.count(ch) for ch in SORANI_LETTERS)
    persian = sum(letters.count(ch) for ch in PERSIAN_LETTERS)
    arabic = sum(letters.count(ch) for ch in ARABIC_ONLY)
    # ڕ ڵ ۆ ێ ە do not occur in Persian or Arabic: even one, in a short text, is Sorani evidence.
    if sorani >= max(1, 0.01 * len(letters)) and sorani >= persian * 0.3:
        return "ckb"
    if persian > arabic:
        return "fa"
    return "ar"


def _cyrillic_language(letters: str) -> str:
    return "uk" if re.search(r"[іїєґІЇЄҐ]", letters) else "ru"


def _chunks(text: str) -> list[str]:
    """Paragraph-sized pieces, so that a multilingual document shows several languages; a long
    document is sampled (beginning, middle, end) rather than read whole."""
    pieces: list[str] = []
    buffer = ""
    for line in text.split("\n"):
        if len(line) >= PARAGRAPH_CHARS:  # a paragraph of its own (HTML blocks): judged on its own
            if buffer:
                pieces.append(buffer)
                buffer = ""
            pieces.append(line)
            continue
        buffer = f"{buffer}\n{line}" if buffer else line
        if len(buffer) >= CHUNK_CHARS:
            pieces.append(buffer)
            buffer = ""
    if buffer:
        pieces.append(buffer)
    if len(pieces) > MAX_CHUNKS:
        step = len(pieces) / MAX_CHUNKS
        pieces = [pieces[int(i * step)] for i in range(MAX_CHUNKS)]
    return pieces


@lru_cache(maxsize=1)
def _short_detector():
    """lingua, restricted to the Latin-script languages of the catalogue: far better than langdetect
    on titles and link texts (see bench/tagging.py)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LATIN_CANDIDATES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _detect_short_latin(text: str) -> dict[str, float]:
    values = _short_detector().compute_language_confidence_values(text)
    return {v.language.iso_code_639_1.name.lower(): v.value for v in values if v.value >= 0.01}


def _add(counts: dict[str, float], lang: str, weight: float) -> None:
    counts[lang] = counts.get(lang, 0.0) + weight


def text_shares(text: str, short: bool = False) -> dict[str, float]:
    """Share of each language in the text, by letters: non-Latin scripts by their letters, Latin
    runs by seeded langdetect when long enough to judge. A short text (a title, a link text) has
    its Latin words judged by the short-text detector; in a long text a few Latin words among
    another script are names and abbreviations (Kela, TE-toimisto), not a language."""
    counts: dict[str, float] = {}
    for chunk in _chunks(text):
        for script, pattern in SCRIPT_LETTERS.items():
            letters = pattern.findall(chunk)
            n = len(letters)
            if not n:
                continue
            if script == "ethiopic":
                _add(counts, "ti", n * SYLLABARY_WEIGHT)
            elif script == "arabic":
                _add(counts, _arabic_script_language("".join(letters)), n)
            elif script == "cyrillic":
                _add(counts, _cyrillic_language("".join(letters)), n)
            elif n >= (MIN_LATIN_LETTERS if short else MIN_DETECT_CHARS):
                latin_text = OTHER_SCRIPTS.sub(" ", chunk)
                probs = (
                    _detect_latin(latin_text) if n >= MIN_DETECT_CHARS else _detect_short_latin(latin_text)
                )
                for lang, prob in probs.items():
                    _add(counts, lang, n * prob)
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    return {lang: round(c / total, 3) for lang, c in ordered} if total else {}


def identify(text: str, declared: str | None = None, short_text: str = "") -> LanguageResult:
    """Languages of a material, main first.

    `text` is the material's body; `short_text` (title, link text) is used when the body is too
    short to judge. A declaration is kept unless the text clearly says otherwise.
    """
    body = text or ""
    if sum(ch.isalpha() for ch in body) < MIN_DETECT_CHARS * 2:
        sample = f"{short_text}\n{body}".strip()
        shares = text_shares(sample, short=True)
        if not shares:
            return LanguageResult(
                [declared] if declared else [], "declared" if declared else "unknown", shares
            )
        top = next(iter(shares))
        if top in NON_LATIN and shares[top] > 0.5:
            return LanguageResult([top], "script", shares)
        if declared and (shares.get(declared, 0.0) >= SHORT_KEEP_DECLARED or shares[top] < SHORT_OVERRULE):
            return LanguageResult([declared], "declared", shares)
        return LanguageResult([top], "detected-over-declared" if declared else "detected", shares)
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
