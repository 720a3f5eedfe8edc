"""Arabic-script text stored in visual order, put back in reading order.

Some PDF writers (fpdf2, older print drivers, many design tools) apply the bidirectional algorithm
themselves and write right-to-left lines glyph by glyph from the left: the text layer then holds
each Persian or Arabic line backwards ("یارب" for "برای"), and language identification, titles and
descriptions get reversed words. Whether a document is stored so is a property of the tool that wrote
it, so it is decided once per document: by its commonest words and word edges (the Arabic article
"ال" begins words, "ة" ends them; Persian "های" ends them …), which read as their reversals there.
"""

from __future__ import annotations

import re
import unicodedata

# Frequent Persian and Arabic words (two letters or more, none a word when reversed).
PERSIAN_WORDS = "به از که این را با برای است می ها های هم یا تا بر شما ما آن هر نیز شود کنید"
ARABIC_WORDS = "في من على إلى عن أن هذا هذه التي الذي كان مع لا هو هي قد كل بين"
COMMON_WORDS = frozenset(f"{PERSIAN_WORDS} {ARABIC_WORDS}".split(" "))
MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
RTL_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]{2,}")


def _bidi(ch: str) -> str:
    """R (right-to-left letter), L (left-to-right letter), D (digit) or N (neutral)."""
    kind = unicodedata.bidirectional(ch)
    return {"R": "R", "AL": "R", "L": "L", "EN": "D", "AN": "D"}.get(kind, "N")


def _evidence(words: list[str]) -> int:
    """How strongly the words read as logical order (positive) rather than visual (negative)."""
    score = 0
    for word in words:
        backwards = word[::-1]
        score += (word in COMMON_WORDS) - (backwards in COMMON_WORDS)
        score += word.startswith("ال") - word.endswith("لا")
        score += word.endswith(("ة", "ى")) - word.startswith(("ة", "ى"))
        score += word.endswith(("ها", "های")) - word.startswith(("اه", "یاه"))
    return score


def is_visual_order(text: str) -> bool:
    """Whether a text's right-to-left words are stored backwards."""
    words = RTL_WORD.findall(text.replace("\u200c", " "))
    return len(words) >= 3 and _evidence(words) <= -2


def _turn(line: str, runs: re.Pattern, mirror_runs: bool) -> str:
    """Each run (a match of `runs` on the line's direction classes) reversed in place; brackets
    mirrored inside the runs or outside them."""
    kinds = "".join(_bidi(ch) for ch in line)
    out, last = [], 0
    for match in runs.finditer(kinds):
        rest, run = line[last : match.start()], line[match.start() : match.end()][::-1]
        out += [rest if mirror_runs else rest.translate(MIRRORED)]
        out += [run.translate(MIRRORED) if mirror_runs else run]
        last = match.end()
    rest = line[last:]
    out.append(rest if mirror_runs else rest.translate(MIRRORED))
    return "".join(out)


RTL_RUN = re.compile(r"R(?:[ND]*R)*")
LTR_RUN = re.compile(r"L(?:[ND]*L)*|D(?:N?D)*")


def logical_line(line: str) -> str:
    """One line in visual order, in reading order: a right-to-left line is read from its right end,
    its left-to-right runs (names, addresses) and numbers kept as they are; a left-to-right line only
    has its right-to-left runs turned."""
    kinds = [_bidi(ch) for ch in line]
    if kinds.count("R") <= kinds.count("L"):
        return _turn(line, RTL_RUN, mirror_runs=True)
    return _turn(line[::-1], LTR_RUN, mirror_runs=False)


def logical_order(text: str, visual: bool) -> str:
    if not visual:
        return text
    return "\n".join(logical_line(line) for line in text.split("\n"))
