"""Keyword scoring of phases, audiences and type over a material's fields.

Each field has a weight (a title names what a material is far more reliably than a
passing word in its body); each keyword hit adds its weight × the field's weight,
a keyword counting at most three times per field. The project's phases act as a
prior that adds to, never replaces, what the content says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .vocabulary import compile_keyword, load

FIELD_WEIGHTS = {
    "title": 3.0,
    "link_text": 3.0,
    "url": 2.0,
    "headings": 1.0,
    "description": 1.0,
    "self": 2.0,  # the text's own words for itself ("Tämä opas …")
    "text": 0.15,
}
MAX_HITS_PER_FIELD = 3
SLUG_FIELDS = {"title", "link_text", "url"}
FOLD = str.maketrans("äöåÄÖÅ", "aoaAOA")
SLUG_SEPARATORS = re.compile(r"[_+]|(?<=\w)[-.](?=\w)|/")
PROJECT_PRIOR = 2.0  # the pilot's call round: a round 2 pilot leans to the transition phase
LANGUAGE_PRIOR = 2.0  # a material in an immigrant language (not fi/sv/en) is written for immigrants
TYPE_PRIOR = 1.5  # reports and models speak to developers, course materials to teachers …
TYPE_AUDIENCE = {
    "report": "decision-makers",
    "model": "decision-makers",
    "course-material": "teachers",
    "workbook": "immigrants",
    "glossary": "immigrants",
    "info-page": "immigrants",
    "online-course": "immigrants",
    "game-or-app": "immigrants",
    "brochure": "immigrants",
}
MULTI_TAG_SHARE = 0.5  # a second phase/audience is kept when it scores this share of the best


@dataclass
class Scored:
    id: str
    score: float
    matched: list[str]


@dataclass(frozen=True)
class KeywordIndex:
    """A vocabulary's keywords arranged for one pass over a field's words: word-start stems in a
    dict looked up by each word's prefixes, compound stems ('~') by substring, phrases by regex."""

    prefixes: dict[str, list[tuple[str, float, str]]]
    lengths: tuple[int, ...]  # the lengths of the word-start stems, shortest first
    inside: list[tuple[str, str, float, str]]
    phrases: list[tuple[re.Pattern, str, float, str]]


WORD = re.compile(r"[^\W_]+", re.UNICODE)  # words; file names split at underscores
# A stem this short is a whole word ("työ", "ura", "peli"): it matches the word with an inflectional
# ending, never the first part of a compound — "työkirja" is a book, not work, and "pelisäännöt" are
# rules, not a game (Finnish and Swedish compounds name what they are by their last part).
SHORT_STEM = 4
WORD_TAIL = re.compile(r"[^\W_]*")  # the rest of a word after a matched stem
ENDING = re.compile(
    r"(?:i?(?:n|t|a|ä|ta|tä|tta|ttä|na|nä|ksi|ssa|ssä|sta|stä|h[aeiouyäö]n|lla|llä|lta|ltä|lle|ne|ineen|"
    r"ja|jä|jen|en|ihin|ille|illa|illä|issa|issä|ista|istä))?(?:nsa|nsä|ni|si|mme|nne|an|än|en)?"
    r"(?:kin|kaan|kään|ko|kö)?|s|es|ed|ing|et|er|ar|or|na|erna|arna|ens|ets|ers|ars",
)


def _word_end(text: str, end: int) -> tuple[int, bool]:
    """Where the word running on at `end` ends, and whether what runs on is an inflectional ending."""
    tail = WORD_TAIL.match(text, end)
    return tail.end(), ENDING.fullmatch(tail.group(0)) is not None


@cache
def _index(vocabulary: str, folded: bool = False) -> KeywordIndex:
    """folded: the keywords without ä, ö, å, as URL slugs write them ("nain-haet-asuntoa")."""
    prefixes: dict[str, list[tuple[str, float, str]]] = {}
    inside, phrases = [], []
    for term in load(vocabulary):
        for pattern, weight, keyword in term.patterns:
            if folded:
                keyword = keyword.translate(FOLD)
                pattern = compile_keyword(keyword)
            stem = keyword.lstrip("~").lower()
            if not WORD.fullmatch(stem):
                phrases.append((pattern, term.id, weight, keyword))
            elif keyword.startswith("~"):
                inside.append((stem, term.id, weight, keyword))
            else:
                prefixes.setdefault(stem, []).append((term.id, weight, keyword))
    return KeywordIndex(prefixes, tuple(sorted({len(p) for p in prefixes})), inside, phrases)


@lru_cache(maxsize=256)
def _words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text))


def _field_hits(vocabulary: str, text: str, folded: bool = False) -> dict[tuple[str, float, str], int]:
    """(term id, weight, keyword) → number of hits in one lower-cased field. The longest match wins:
    the words of a matched phrase are not counted again on their own ("kotoutumiskoulutuksen
    jälkeen" is the transition phase, not integration training)."""
    index = _index(vocabulary, folded)
    hits: dict[tuple[str, float, str], int] = {}
    spans: list[tuple[int, int]] = []
    for pattern, term_id, weight, keyword in index.phrases:
        if keyword.lstrip("~").lower() not in text:  # cheap test first: most phrases are absent
            continue
        found = list(pattern.finditer(text))
        if found:
            hits[(term_id, weight, keyword)] = hits.get((term_id, weight, keyword), 0) + len(found)
            spans.extend(match.span() for match in found)
    if spans:
        chars = list(text)
        for start, end in spans:
            while end < len(text) and text[end].isalnum():  # to the end of the phrase's last word
                end += 1
            chars[start:end] = " " * (end - start)
        text = "".join(chars)
    for word in _words(text):
        for length in index.lengths:
            if length > len(word):
                break
            entries = index.prefixes.get(word[:length], ())
            if entries and (length > SHORT_STEM or _word_end(word, length)[1]):
                for entry in entries:
                    hits[entry] = hits.get(entry, 0) + 1
    # Compound parts: each stem looked for in the whole field (one C-level scan a stem, not a word).
    for stem, term_id, weight, keyword in index.inside:
        at = text.find(stem)
        while at >= 0:
            word_end, inflected = _word_end(text, at + len(stem))
            if len(stem) > SHORT_STEM or inflected:
                key = (term_id, weight, keyword)
                hits[key] = hits.get(key, 0) + 1
            at = text.find(stem, word_end)  # once a word, as before
    return hits


def score(vocabulary: str, fields: dict[str, str]) -> list[Scored]:
    """Score every term of a vocabulary over the given fields; highest first, zero scores left out."""
    totals: dict[str, float] = {}
    matched: dict[str, set[str]] = {}
    for field, value in fields.items():
        if not value:
            continue
        value = value.lower()
        if field in SLUG_FIELDS:  # file names and URL slugs: opettajan_materiaali, nain-haet-asuntoa
            value = SLUG_SEPARATORS.sub(" ", value)
        folded = field == "url"
        if folded:
            value = value.translate(FOLD)
        for (term_id, weight, keyword), count in _field_hits(vocabulary, value, folded).items():
            gain = min(count, MAX_HITS_PER_FIELD) * weight * FIELD_WEIGHTS.get(field, 1.0)
            totals[term_id] = totals.get(term_id, 0.0) + gain
            matched.setdefault(term_id, set()).add(f"{field}:{keyword.lstrip('~')}")
    results = [
        Scored(tid, round(total, 2), sorted(matched[tid])) for tid, total in totals.items() if total > 0
    ]
    return sorted(results, key=lambda s: (-s.score, s.id))


# A material names itself in its opening lines: "Tämä opas on tarkoitettu …", "Tässä raportissa …",
# "This workbook …", "Denna broschyr …" — what follows the demonstrative is what it is.
SELF_REFERENCE = re.compile(
    r"(?<!\w)(?:tämä|tässä|tästä|tätä|tämän|this|these|denna|detta|i denna|i detta)\s+"
    r"((?:[^\W\d_]+[\s-]+){0,2}[^\W\d_]+)",
    re.I,
)
OPENING_CHARS = 600


def self_description(text: str) -> str:
    """The words a text's opening lines use for the text itself."""
    return " | ".join(m.group(1) for m in SELF_REFERENCE.finditer(text[:OPENING_CHARS]))


def pick_type(fields: dict[str, str], default: str) -> tuple[str, dict]:
    """The one type of a material: the best keyword score in its title, link text, URL or its own
    words for itself; then headings and description; else the default of its kind."""
    for tier in (
        {k: v for k, v in fields.items() if k in ("title", "link_text", "url")},
        {"self": self_description(fields.get("text") or "")},  # below the title: a title names it best
    ):
        ranked = score("types", tier)
        if ranked:
            best = ranked[0]
            return best.id, {"method": "rule", "matched": best.matched, "score": best.score}
    ranked = score("types", {k: v for k, v in fields.items() if k in ("headings", "description")})
    if ranked and ranked[0].score > 3:  # one weak hit (e.g. "how to" in a description) is not enough
        best = ranked[0]
        return best.id, {"method": "rule", "matched": best.matched, "score": best.score}
    return default, {"method": "default", "matched": [], "score": 0}


def pick_many(
    vocabulary: str, fields: dict[str, str], priors: dict[str, tuple[float, str]] | None = None
) -> tuple[list[str], dict]:
    """Phases or audiences: the best-scoring ids (several when close). Priors (id → (score, reason):
    the project's call round, the material's type or language) add to what the content says."""
    ranked = {s.id: s for s in score(vocabulary, fields)}
    for pid, (bonus, reason) in (priors or {}).items():
        entry = ranked.setdefault(pid, Scored(pid, 0.0, []))
        entry.score = round(entry.score + bonus, 2)
        entry.matched.append(f"prior:{reason}")
    if not ranked:
        return [], {}
    ordered = sorted(ranked.values(), key=lambda s: (-s.score, s.id))
    top = ordered[0].score
    chosen = [s for s in ordered if s.score >= top * MULTI_TAG_SHARE][:3]
    evidence = {
        s.id: {
            "method": "prior" if all(m.startswith("prior:") for m in s.matched) else "rule",
            "matched": s.matched,
            "score": s.score,
        }
        for s in chosen
    }
    return [s.id for s in chosen], evidence
