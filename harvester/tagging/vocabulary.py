"""The controlled vocabularies (phases, audiences, types, languages), loaded from vocab/*.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harvester import yamlload

VOCAB_DIR = Path(__file__).parent / "vocab"
VOCABULARIES = ("phases", "audiences", "types", "languages")


@dataclass(frozen=True)
class Term:
    id: str
    label: dict[str, str]
    patterns: tuple[tuple[re.Pattern, float, str], ...]  # (compiled keyword, weight, keyword as written)


def compile_keyword(keyword: str) -> re.Pattern:
    """A keyword is a stem matched at a word start; '~stem' also matches inside compounds."""
    inside = keyword.startswith("~")
    stem = re.escape(keyword.lstrip("~").lower())
    return re.compile(stem if inside else rf"(?<![\w]){stem}", re.UNICODE)


@cache
def entries(name: str) -> tuple[dict, ...]:
    """A vocabulary's entries as written in vocab/<name>.yml."""
    if name not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {name!r}")
    return tuple(yamlload.safe_load((VOCAB_DIR / f"{name}.yml").read_text(encoding="utf-8")))


@cache
def load(name: str) -> tuple[Term, ...]:
    terms = []
    for entry in entries(name):
        patterns = []
        for weight, keywords in (entry.get("keywords") or {}).items():
            patterns.extend((compile_keyword(str(k)), float(weight), str(k)) for k in keywords)
        terms.append(Term(entry["id"], dict(entry["label"]), tuple(patterns)))
    return tuple(terms)


def ids(name: str) -> list[str]:
    return [t.id for t in load(name)]


@cache
def language_words() -> tuple[str, ...]:
    """Every name the catalogue's languages go by in URL paths and file names: the ids and the
    `words` of vocab/languages.yml, longest first (a regex alternation then tries "fin" before "fi")."""
    words = {str(w).lower() for e in entries("languages") for w in (e["id"], *(e.get("words") or []))}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@cache
def label_map(name: str, lang: str = "fi") -> dict[str, str]:
    """id -> label in one language (fi, sv, en): what people see instead of the ids."""
    return {t.id: t.label[lang] for t in load(name)}


def labels(name: str) -> list[dict]:
    """Rows for the catalogue's vocabulary tables."""
    return [
        {"id": t.id, "label_fi": t.label["fi"], "label_sv": t.label["sv"], "label_en": t.label["en"]}
        for t in load(name)
    ]


def with_enums(schema):
    """A JSON Schema in which every `{"vocabulary": name}` also lists that vocabulary's ids as its
    enum, so that schema files name a vocabulary instead of copying its ids."""
    if isinstance(schema, list):
        return [with_enums(node) for node in schema]
    if not isinstance(schema, dict):
        return schema
    filled = {key: with_enums(value) for key, value in schema.items()}
    if "vocabulary" in schema:
        filled["enum"] = ids(schema["vocabulary"])
    return filled
