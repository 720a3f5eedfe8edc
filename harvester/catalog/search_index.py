"""The normalised word index that lets base forms, inflected forms and plurals find each other.

Finnish inflects (kotoutuminen, kotoutumisen, kotoutumista; opas, oppaat), Swedish and English less so
(arbetsbok, arbetsböcker; guide, guides). Every word of a material is indexed with its lemmas in
Finnish, Swedish and English (simplemma's dictionaries, which know consonant gradation: oppaat ->
opas) beside the word itself, and a query word is looked up the same way: the two meet whenever
their sets of forms share one. Lemmatising needs Python, so SQLite cannot do it in a trigger:
`material_terms` holds the forms, written when a harvest is published (fill_terms), and the
external-content FTS5 index `material_terms_fts` over it is kept in step by triggers. Its `tags`
column holds a token for the material's type and one for plain language, kept by triggers on
materials, so that a query word naming a type or plain language finds the tagged materials.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache

import sqlite_utils

TERMS_TABLE = "material_terms"
TERMS_INDEX = "material_terms_fts"
TERMS_VOCABULARY = "material_terms_vocab"  # fts5vocab over the index: which forms exist (typo repair)
LEMMA_LANGUAGES = ("fi", "sv", "en")
# simplemma's Finnish dictionary as a Python dict takes ~450 MB and seconds to load; its frugal backend
# ~60 MB but ~10x slower on an unknown word (~1,000 words a second in three languages). Both the harvest
# (which publishes) and the web server use the frugal one: a harvest stays under its 500 MB bound
# (issue 15), and a re-harvest lemmatises only the materials whose text changed. Its index of blocks
# is cached on disk (catalog/lemmas.py): opening the three dictionaries takes ~0.2 s, not ~2.6 s.
LOW_MEMORY = True
FORMS_VERSION = "1"  # part of each row's key: a change of the lemmatiser or of forms() refills every row
BATCH = 500
WORD = re.compile(r"[^\W_]+")
# The tags column: a token per type and one for plain language, written in SQL (triggers on materials).
TYPE_TOKEN, PLAIN_TOKEN = "zztype", "zzplain"


def tags_sql(row: str) -> str:
    """SQL for the tags column of the material `row` (new or materials)."""
    return (
        f"'{TYPE_TOKEN}' || replace(coalesce({row}.type, ''), '-', '')"
        f" || CASE WHEN {row}.plain_language THEN ' {PLAIN_TOKEN}' ELSE '' END"
    )


def type_token(type_id: str) -> str:
    return TYPE_TOKEN + type_id.replace("-", "")


# Forms found during the harvest by its worker process (harvester/tagging/worker.py) while the crawl
# runs, so that publishing does not lemmatise every new word after it; the same dictionaries, the same
# lemmas.
PRECOMPUTED: dict[str, tuple[str, ...]] = {}


@lru_cache(maxsize=300_000)
def forms(word: str) -> tuple[str, ...]:
    """The word (lower case) and its lemmas in Finnish, Swedish and English, each once."""
    word = word.lower()
    return PRECOMPUTED.get(word) or lemma_forms(word, LOW_MEMORY)


def lemma_forms(word: str, low_memory: bool) -> tuple[str, ...]:
    # imported here: importing simplemma costs ~0.3 s, and a harvest finds its forms in the worker
    if low_memory:
        from harvester.catalog.lemmas import lemmatize
    else:
        import simplemma

        def lemmatize(word: str, lang: str) -> str:
            return simplemma.lemmatize(word, lang=lang)

    found = [word]
    for lang in LEMMA_LANGUAGES:
        lemma = lemmatize(word, lang).lower()
        if lemma not in found and WORD.fullmatch(lemma):
            found.append(lemma)
    return tuple(found)


def words(text: str | None) -> list[str]:
    return WORD.findall((text or "").lower())


def title_forms(title: str | None) -> str:
    """Every word of the title with its forms, in order (bm25 counts them)."""
    return " ".join(" ".join(forms(w)) for w in words(title))


def body_forms(*texts: str | None) -> str:
    """The distinct forms of the words of the other searched texts: which words occur matters here,
    not how often, and a long PDF then costs its vocabulary, not its length."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in dict.fromkeys(words(text)):
            seen.update(dict.fromkeys(forms(word)))
    return " ".join(seen)


def _key(row: dict) -> str:
    parts = [
        FORMS_VERSION,
        row["title"] or "",
        row["description"] or "",
        row["link_texts"] or "",
        row["text"] or "",
    ]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def fill_terms(db: sqlite_utils.Database, ids: list[str] | None = None) -> int:
    """Write the forms of the materials with these ids (every material when None) whose searched
    text changed since they were last written; returns how many were written."""
    where, params = "", []
    if ids is not None:
        where, params = "where m.id in (select value from json_each(?))", [json.dumps(list(ids))]
    cursor = db.execute(
        "select m.rowid, m.title, m.description, m.link_texts, m.text, t.words_key from materials m"
        f" left join {TERMS_TABLE} t on t.material_rowid = m.rowid {where}",
        params,
    )
    written = 0
    while batch := cursor.fetchmany(BATCH):
        updates = []
        for rowid, title, description, link_texts, text, key in batch:
            row = {"title": title, "description": description, "link_texts": link_texts, "text": text}
            new_key = _key(row)
            if new_key == key:
                continue
            links = " ".join(json.loads(link_texts)) if (link_texts or "").startswith("[") else link_texts
            updates.append((new_key, title_forms(title), body_forms(description, links, text), rowid))
        for update in updates:
            db.execute(
                f"update {TERMS_TABLE} set words_key = ?, title = ?, body = ? where material_rowid = ?",
                update,
            )
        written += len(updates)
    return written


def create_terms_index(db: sqlite_utils.Database) -> None:
    """The forms table, its FTS5 index and vocabulary, and the triggers that keep them in step with
    materials (rows and tags; the forms themselves come from fill_terms)."""
    tags_new = tags_sql("new")
    statements = [
        f"CREATE TABLE IF NOT EXISTS {TERMS_TABLE} (material_rowid INTEGER PRIMARY KEY, words_key TEXT,"
        " title TEXT, body TEXT, tags TEXT)",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_INDEX} USING fts5(title, body, tags,"
        f" content='{TERMS_TABLE}', content_rowid='material_rowid',"
        " tokenize='unicode61 remove_diacritics 0')",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_VOCABULARY} USING fts5vocab({TERMS_INDEX}, row)",
        # the index follows the forms table
        f"CREATE TRIGGER IF NOT EXISTS {TERMS_TABLE}_ai AFTER INSERT ON {TERMS_TABLE} BEGIN"
        f" INSERT INTO {TERMS_INDEX} (rowid, title, body, tags) VALUES"
        " (new.material_rowid, new.title, new.body, new.tags); END",
        f"CREATE TRIGGER IF NOT EXISTS {TERMS_TABLE}_ad AFTER DELETE ON {TERMS_TABLE} BEGIN"
        f" INSERT INTO {TERMS_INDEX} ({TERMS_INDEX}, rowid, title, body, tags) VALUES"
        " ('delete', old.material_rowid, old.title, old.body, old.tags); END",
        f"CREATE TRIGGER IF NOT EXISTS {TERMS_TABLE}_au AFTER UPDATE OF title, body, tags ON {TERMS_TABLE}"
        f" BEGIN INSERT INTO {TERMS_INDEX} ({TERMS_INDEX}, rowid, title, body, tags) VALUES"
        " ('delete', old.material_rowid, old.title, old.body, old.tags);"
        f" INSERT INTO {TERMS_INDEX} (rowid, title, body, tags) VALUES"
        " (new.material_rowid, new.title, new.body, new.tags); END",
        # the forms table follows materials: a row for each, its tags from the type and the flag
        f"CREATE TRIGGER IF NOT EXISTS {TERMS_TABLE}_materials_ai AFTER INSERT ON materials BEGIN"
        f" DELETE FROM {TERMS_TABLE} WHERE material_rowid = new.rowid;"
        f" INSERT INTO {TERMS_TABLE} (material_rowid, title, body, tags)"
        f" VALUES (new.rowid, '', '', {tags_new});"
        " END",
        f"CREATE TRIGGER IF NOT EXISTS {TERMS_TABLE}_materials_au AFTER UPDATE OF type, plain_language"
        f" ON materials BEGIN UPDATE {TERMS_TABLE} SET tags = {tags_new}"
        " WHERE material_rowid = new.rowid; END",
        f"CREATE TRIGGER IF NOT EXISTS {TERMS_TABLE}_materials_ad AFTER DELETE ON materials BEGIN"
        f" DELETE FROM {TERMS_TABLE} WHERE material_rowid = old.rowid; END",
        f"INSERT INTO {TERMS_TABLE} (material_rowid, title, body, tags) SELECT rowid, '', '',"
        f" {tags_sql('materials')} FROM materials"
        f" WHERE rowid NOT IN (SELECT material_rowid FROM {TERMS_TABLE})",
    ]
    for statement in statements:  # one by one, inside the caller's transaction
        db.execute(statement)
