"""Search as people type it: the query's words are looked up by their forms in the normalised word
index (search_index.py), so base forms, inflections and plurals meet; a word naming a material type
(oppaat, työkirjat, guides, broschyrer) or plain language (selkokieli, lättläst, easy-to-read) also
finds the materials tagged so; a word the index does not know is tried with one letter changed
(a typo); and words inside Finnish compounds are found through the trigram index, after the word
matches. Filters alone (no words) list the matching materials by title.

Filters: `phases`, `audiences`, `languages` (a material's tag lists: repeated values mean ALL of them,
e.g. a material in both Somali and Arabic), `type`, `project`, `round` (one value per material:
repeated values mean ANY of them) and `plain` (plain-language materials only).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from harvester.catalog import lemmas
from harvester.catalog.columns import FACET_TABLE, TAG_TABLE
from harvester.catalog.queries import rows
from harvester.catalog.queries import value as first_value
from harvester.catalog.search_index import (
    LEMMA_LANGUAGES,
    PLAIN_TOKEN,
    TERMS_INDEX,
    TERMS_VOCABULARY,
    WORD,
    forms,
    type_token,
)
from harvester.tagging.plain_language import MARKERS
from harvester.tagging.vocabulary import entries

MAX_TERMS = 8
MAX_REPAIRS = 3  # words tried for typos (each costs up to a second with the frugal dictionaries)
EXCERPT = 900  # characters of text around a card's first match
TAG_FILTERS = ("phases", "audiences", "languages")  # all-of
COLUMN_FILTERS = {"type": "type", "project": "project_id", "round": "round"}  # any-of
FILTERS = (*TAG_FILTERS, *COLUMN_FILTERS, "plain")
TYPO_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"
MIN_PREFIX = 4  # a query word this long also matches the words it begins ("kotoutum")
MIN_SYNONYM = 4  # a type keyword shorter than this names no type (too many words begin so)
SYNONYM_STEM = 6  # a type keyword this long also names the words it begins
SHORT_ENDING = 2
PLAIN_LABELS = ("selkokieli", "lättläst", "easy-to-read")  # as messages.yml plain.label words
# bm25 weights of the index's columns: a word in the title, then the tags, then the body
WEIGHTS = (10.0, 1.0, 4.0)


@dataclass
class Term:
    raw: str
    forms: list[str]
    types: set[str] = field(default_factory=set)
    plain: bool = False
    repaired: bool = False


@dataclass
class Selection:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    plain: bool = False
    page: int = 1
    size: int = 20

    def active(self) -> bool:
        return bool(self.q.strip() or self.plain or any(self.filters.values()))


@cache
def type_synonyms() -> tuple[tuple[str, str], ...]:
    """(word start, type id) from the type vocabulary: the labels' words in fi/sv/en and the single-word
    keywords the tagger recognises a type by (vocab/types.yml), so that the two never disagree."""
    found = set()
    for entry in entries("types"):
        weighted = entry.get("keywords") or {}
        keywords = [str(k) for weight, ks in weighted.items() if float(weight) >= 3 for k in ks]
        words = [w for label in entry["label"].values() for w in WORD.findall(label.lower())]
        for word in [*words, *(k.lstrip("~").lower() for k in keywords)]:
            if WORD.fullmatch(word) and len(word) >= MIN_SYNONYM:
                found.add((word, entry["id"]))
    return tuple(sorted(found))


def types_named(word_forms: list[str]) -> set[str]:
    """The types a word names: one of its forms is a type's label word or keyword, or begins with one
    of SYNONYM_STEM letters or more (a keyword is a stem: raportti-, työkirja-), or with a shorter one
    followed by at most SHORT_ENDING letters (a case ending: opas-ta, peli-t; not peli-säännöt)."""
    return {
        t
        for start, t in type_synonyms()
        for f in word_forms
        if f.startswith(start) and (len(start) >= SYNONYM_STEM or len(f) - len(start) <= SHORT_ENDING)
    }


def names_plain(word_forms: list[str]) -> bool:
    """A word names plain language when the tagger's own markers match it (selkokieli, lättläst …) or
    it begins a plain-language label ("selko")."""
    return any(
        MARKERS.search(f) or (len(f) >= 5 and any(label.startswith(f) for label in PLAIN_LABELS))
        for f in word_forms
    )


def parse(query: str) -> list[Term]:
    """The query's words with their forms and the types or plain language they name. A plain-language
    phrase ("plain language", "easy to read", "lätt svenska") counts as one word."""
    text = query.lower()
    terms = []
    for phrase in MARKERS.finditer(text):
        if " " in phrase.group(0).strip() or "-" in phrase.group(0):
            terms.append(Term(phrase.group(0).strip(), [], plain=True))
            text = text.replace(phrase.group(0), " ")
    for word in WORD.findall(text):
        word_forms = list(forms(word))
        terms.append(Term(word, word_forms, types_named(word_forms), names_plain(word_forms)))
    return terms[:MAX_TERMS]


def warm_up() -> None:
    """Load the lemmatiser's dictionaries (seconds, once per process) before the first search."""
    for word in ("opas", "guide", "broschyr"):
        forms(word)


def _known(conn, candidates: list[str]) -> set[str]:
    if not candidates:
        return set()
    found = rows(
        conn,
        f"select term from {TERMS_VOCABULARY} where term in (select value from json_each(?))",
        [json.dumps(candidates)],
    )
    return {row["term"] for row in found}


def one_letter_off(word: str) -> set[str]:
    """Every word one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in TYPO_LETTERS}
        | {a + c + b for a, b in splits for c in TYPO_LETTERS}
    ) - {word}


def dictionary_word(word: str) -> bool:
    return lemmas.is_known(word, LEMMA_LANGUAGES)


def repair_typos(conn, terms: list[Term]) -> None:
    """A word that the index does not hold as written, and that names no type, may be mistyped (or an
    inflection no material uses): it also matches the words one letter away that the index holds or
    the lemmatiser's dictionaries know (with their forms), and the types those name."""
    for term in [t for t in terms if t.forms and not (t.types or t.plain)][:MAX_REPAIRS]:
        if len(term.raw) < 5 or _known(conn, [term.raw]):
            continue
        variants = sorted(one_letter_off(term.raw))
        words = set(_known(conn, variants)) | {v for v in variants if dictionary_word(v)}
        candidates = {f for w in words for f in forms(w)} - set(term.forms)
        known = sorted(_known(conn, sorted(candidates)))
        named = types_named(sorted(words | set(known)))
        if known or named:
            term.forms += known
            term.types |= named
            term.plain = term.plain or names_plain(sorted(words | set(known)))
            term.repaired = True


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def word_match(terms: list[Term]) -> str:
    """The FTS5 expression over the normalised index: every word (by any of its forms, as a word
    start, or by the type or plain language it names) must match."""
    groups = []
    for term in terms:
        options = [_quote(f) for f in term.forms]
        if len(term.raw) >= MIN_PREFIX and term.forms:
            options.append(_quote(term.raw) + "*")
        options += [f"tags : {_quote(type_token(t))}" for t in sorted(term.types)]
        if term.plain:
            options.append(f"tags : {_quote(PLAIN_TOKEN)}")
        groups.append("(" + " OR ".join(options) + ")")
    return " AND ".join(groups)


def trigram_match(terms: list[Term]) -> str | None:
    """The FTS5 expression over the trigram index: every word found inside a longer word, as typed or
    as a base form (compounds: "koulutus" in "kotoutumiskoulutus"). None when a word is too short."""
    groups = []
    for term in terms:
        options = sorted({f for f in [term.raw, *term.forms] if len(f) >= 3 and WORD.fullmatch(f)})
        if not options:
            return None
        groups.append("(" + " OR ".join(_quote(o) for o in options) + ")")
    return " AND ".join(groups) if groups else None


def _filter_sql(selection: Selection, rowid: str = "f.material_rowid") -> tuple[list[str], list]:
    where, params = ["f.status = 'active'"], []
    for vocabulary in TAG_FILTERS:
        for value in selection.filters.get(vocabulary) or []:
            where.append(
                f"{rowid} in (select material_rowid from {TAG_TABLE} where vocabulary = ? and value = ?)"
            )
            params += [vocabulary, value]
    for name, column in COLUMN_FILTERS.items():
        values = selection.filters.get(name) or []
        if values:
            where.append(f"f.{column} in (select value from json_each(?))")
            params.append(json.dumps([int(v) if name == "round" and v.isdigit() else v for v in values]))
    if selection.plain:
        where.append("f.plain_language = 1")
    return where, params


def matched(conn, selection: Selection, terms: list[Term] | None = None) -> tuple[list[int], set[int]]:
    """Rowids of every matching active material, best first, and which of them matched inside a word
    (trigram) rather than by a word's forms."""
    where, params = _filter_sql(selection)
    if terms is None:
        terms = parse(selection.q)
        repair_typos(conn, terms)
    if not terms:
        found = rows(
            conn,
            f"select m.rowid as rid from {FACET_TABLE} f join materials m on m.rowid = f.material_rowid"
            f" where {' and '.join(where)} order by m.title, m.id",
            params,
        )
        return [r["rid"] for r in found], set()
    weights = ", ".join(str(w) for w in WEIGHTS)
    by_words = rows(
        conn,
        f"select i.rowid as rid from {TERMS_INDEX} i join {FACET_TABLE} f on f.material_rowid = i.rowid"
        f" where {TERMS_INDEX} match ? and {' and '.join(where)} order by bm25({TERMS_INDEX}, {weights})",
        [word_match(terms), *params],
    )
    ranked = [r["rid"] for r in by_words]
    inside: set[int] = set()
    trigrams = trigram_match(terms)
    if trigrams:
        seen = set(ranked)
        more = rows(
            conn,
            "select i.rowid as rid from materials_trigram i"
            f" join {FACET_TABLE} f on f.material_rowid = i.rowid"
            f" where materials_trigram match ? and {' and '.join(where)} order by bm25(materials_trigram)",
            [trigrams, *params],
        )
        inside = {r["rid"] for r in more} - seen
        ranked += [r["rid"] for r in more if r["rid"] in inside]
    return ranked, inside


def facet_counts(conn, rowids: list[int] | None) -> dict[str, dict]:
    """Counts of the matching materials (None: every active one) by phase, audience, language, type,
    plain language, project and call round, from the narrow tables."""
    if rowids is None:
        among, params = f"in (select material_rowid from {FACET_TABLE} where status = 'active')", []
    else:
        among, params = "in (select value from json_each(?))", [json.dumps(rowids)]
    counts: dict[str, dict] = {name: {} for name in (*TAG_FILTERS, *COLUMN_FILTERS, "plain")}
    for row in rows(
        conn,
        f"select vocabulary, value, count(*) as n from {TAG_TABLE} where material_rowid {among}"
        " group by vocabulary, value order by n desc, value",
        params,
    ):
        counts[row["vocabulary"]][row["value"]] = row["n"]
    for name, column in (*COLUMN_FILTERS.items(), ("plain", "plain_language")):
        for row in rows(
            conn,
            f"select {column} as value, count(*) as n from {FACET_TABLE} where material_rowid {among}"
            f" and {column} is not null group by {column} order by n desc, value",
            params,
        ):
            counts[name][str(row["value"])] = row["n"]
    return counts


CARD_COLUMNS = (
    "rowid as rid, id, title, url, type, languages, phases, audiences, plain_language, project_id, round,"
    " license, format, size_bytes, content_type, description, substr(text, 1, 1500) as text, link_texts"
)


def cards(conn, rowids: list[int], needles: list[str] = ()) -> list[dict]:
    """What a result card shows, for these rowids in this order; with `needles` (the query's words
    and forms) also `excerpt`, the text around the first of them, wherever it is in a long text."""
    found = rows(
        conn,
        f"select {CARD_COLUMNS} from materials where rowid in (select value from json_each(?))",
        [json.dumps(rowids)],
    )
    by_rowid = {row["rid"]: row for row in found}
    names = {p["id"]: p for p in rows(conn, "select id, name_fi, name_sv, name_en from projects")}
    needles = list(needles)[:16]
    result = []
    for rid in rowids:
        if rid not in by_rowid:
            continue
        row = by_rowid[rid]
        for column in ("languages", "phases", "audiences", "link_texts"):
            row[column] = json.loads(row[column] or "[]")
        row["project"] = names.get(row["project_id"])
        row["excerpt"] = _excerpt(conn, rid, needles) if needles else None
        result.append(row)
    return result


def _excerpt(conn, rowid: int, needles: list[str]) -> str | None:
    """EXCERPT characters of the text around the first needle (instr in SQL: the long text is never
    read into Python)."""
    positions = conn.execute(
        "select " + ", ".join("instr(lower(text), ?)" for _ in needles) + " from materials where rowid = ?",
        [*needles, rowid],
    ).fetchone()
    first = min((p for p in positions or () if p), default=0)
    if not first:
        return None
    start = max(1, first - EXCERPT // 3)
    return first_value(
        conn, "select substr(text, ?, ?) from materials where rowid = ?", [start, EXCERPT, rowid]
    )


def without(selection: Selection, name: str, value: str | None = None) -> Selection:
    """The same selection less one filter value (or the plain flag, or one query word)."""
    filters = {k: [v for v in vs if not (k == name and v == value)] for k, vs in selection.filters.items()}
    q = selection.q
    if name == "q":
        q = " ".join(w for w in re.split(r"\s+", selection.q) if w and w != value)
    return Selection(q, filters, selection.plain and name != "plain", 1, selection.size)


def suggestions(conn, selection: Selection) -> list[dict]:
    """For an empty result: each filter and each query word whose removal finds something, with how
    many it finds then."""
    options = [("plain", None)] if selection.plain else []
    options += [(name, value) for name, values in selection.filters.items() for value in values]
    words = [w for w in re.split(r"\s+", selection.q.strip()) if w]
    if len(words) > 1 or (words and options):
        options += [("q", w) for w in words]
    found = []
    for name, value in options:
        smaller = without(selection, name, value)
        n = len(matched(conn, smaller)[0]) if smaller.active() else None
        if n:
            found.append({"name": name, "value": value, "n": n, "selection": smaller})
    if not found and selection.q.strip() and options:  # no one removal helps: the words alone
        alone = Selection(selection.q, {}, False, 1, selection.size)
        n = len(matched(conn, alone)[0])
        if n:
            found.append({"name": "filters", "value": None, "n": n, "selection": alone})
    return found


def needles_of(terms: list[Term]) -> list[str]:
    """What a card's excerpt and marks look for: the words, their forms and stems (the text inflects:
    koulutu- finds koulutuksen and kotoutumiskoulutukseen)."""
    found = (n for t in terms for f in (t.raw, *t.forms) for n in (f, f[: max(4, len(f) - 2)]))
    return [n for n in dict.fromkeys(found) if len(n) >= 3]


def search(conn, selection: Selection, terms: list[Term] | None = None) -> dict:
    """One page of results with the total, the facet counts and, when nothing matched, suggestions.
    `terms`: the query already parsed and repaired (parse() lemmatises: slow the first time)."""
    if terms is None:
        terms = parse(selection.q)
        repair_typos(conn, terms)
    ranked, inside = matched(conn, selection, terms)
    everything = not terms and not selection.plain and not any(selection.filters.values())
    last_page = max(1, -(-len(ranked) // selection.size))
    start = (min(selection.page, last_page) - 1) * selection.size  # past the end: the last page
    page = cards(conn, ranked[start : start + selection.size], needles_of(terms))
    for card in page:
        card["inside_word"] = card["rid"] in inside
    return {
        "total": len(ranked),
        "results": page,
        "facets": facet_counts(conn, None if everything else ranked),
        "terms": terms,
        "suggestions": [] if ranked else suggestions(conn, selection),
    }
