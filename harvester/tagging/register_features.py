"""What makes a Finnish text harder than selkokieli, counted word by word.

Selkokeskus's guidelines for selkokieli (selkosuomi) ask for short sentences with one thing each, common
words, and none of the written language's condensed constructions: participial and infinitive
phrases (joka-clauses are preferred), nominalisations, possessive-suffix forms, officialese
connectives and postpositions, abbreviations and parenthetical asides. Each of those is rare in a
short text, so they are counted together, per word: `constructions` for the morphology (word endings),
`officialese` for the words and punctuation. The endings are ambiguous without an analyser (a noun
can end like a participle), so each pattern keeps to forms that are rarely anything else, and a
word among the language's commonest 1,500 forms never counts as a participle.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# A participle right after a form of "olla" or the negation verb is a perfect tense, not a phrase.
AUXILIARIES = frozenset(
    [
        "on",
        "ovat",
        "oli",
        "olivat",
        "ole",
        "ollut",
        "olleet",
        "olisi",
        "olisivat",
        "ei",
        "eivät",
        "en",
        "et",
        "emme",
        "ette",
        "olen",
        "olet",
        "olemme",
        "olette",
        "olin",
        "olit",
        "oltu",
        "olla",
    ]
)
ENDINGS = {
    # possessive suffix on a case form, 2nd infinitive (tehdessään), 1st infinitive (tehdäkseen),
    # referative (kertoi olevansa)
    "possessive": re.compile(
        r"(ns[aä]|(ss|st)([aä])\3n|ess[aä](an|än|si|ni)|[aä]kse(en|ni|si)|v[aä]ns[aä])$"
    ),
    # temporal construction: saatuaan, havaittuasi
    "temporal": re.compile(r"tt?[uy][aä](an|än|ni|si)$"),
    # 3rd infinitive instructive and abessive: tekemällä, tekemättä
    "infinitive": re.compile(r"[aeiouyäö]m[aä](ll[aä]|tt[aä])$"),
    # -minen nominalisations in their case forms (not ihminen: a consonant precedes its -minen)
    "nominal": re.compile(r"[aeiouyäö]mi(nen|se(n|en|ss[aä]|st[aä]|ll[aä]|lle|ksi)|st[aä]|si[aä]|sten)$"),
    # -uus/-yys abstractions
    "abstract": re.compile(r"(uu|yy)(s|den|tt[aä]|teen|dess[aä]|dest[aä]|det|ksi)$"),
    # attributive past participles: tehneen, todenneet, suunniteltujen
    "past_participle": re.compile(
        r"(nee[tn]|neit[aä]|neiden|nutta|nyttä|tt?[uy](n|jen|j[aä]|ihin|iss[aä]|ill[aä]))$"
    ),
    # attributive present participles: oleva, asuvat perheet (not the 3rd person plural -vat)
    "present_participle": re.compile(
        r"[aeiouyäö]v[aä](n|ss[aä]|st[aä]|ll[aä]|lle|ksi|[aä])?$|[aeiouyäö]vi(en|ss[aä]|ll[aä]|lle|ksi|[aä])$"
    ),
}
PARTICIPLES = ("past_participle", "present_participle")
# Words that end like one of the patterns and are not one.
NOT_CONSTRUCTIONS = frozenset(
    [
        "yhteensä",
        "yleensä",
        "itsensä",
        "huolissaan",
        "mukanaan",
        "kerrallaan",
        "omalla",
        "samalla",
        "hyvä",
        "hyvää",
        "hyvän",
        "hyvät",
        "kova",
        "kovaa",
        "kovan",
        "vahva",
        "vahvaa",
        "vahvan",
        "kiva",
        "kivaa",
    ]
)
# Officialese connectives and postpositions that selkokieli replaces with plain ones (kun, koska, jos, ja).
OFFICIALESE = frozenset(
    [
        "mikäli",
        "jotta",
        "sekä",
        "kuitenkin",
        "siten",
        "täten",
        "joskin",
        "ollen",
        "nähden",
        "mennessä",
        "osalta",
        "kannalta",
        "perusteella",
        "yhteydessä",
        "johdosta",
        "vuoksi",
        "myötä",
        "puitteissa",
        "koskien",
        "liittyen",
        "huolimatta",
        "suhteen",
        "taholta",
        "toisaalta",
        "lisäksi",
        "edelleen",
        "muun",
        "eräs",
        "eräät",
        "kyseinen",
        "kyseisen",
        "tulee",
        "tulisi",
        "lienee",
    ]
)
# Selkokieli explains a hard word where it uses one: "Kela eli Kansaneläkelaitos",
# "Kotikunta tarkoittaa kuntaa, jossa ...".
EXPLANATIONS = frozenset(["eli", "tarkoittaa", "tarkoittavat", "tarkoitetaan"])
# Abbreviations with a full stop: candidates are short letter runs before a dot, looked up in a set.
ABBREVIATION_CANDIDATE = re.compile(r"\b([^\W\d_]{1,5})\.")
ABBREVIATIONS = frozenset(
    [
        "mm",
        "esim",
        "ns",
        "n",
        "yms",
        "tms",
        "ym",
        "ko",
        "em",
        "ks",
        "vrt",
        "jne",
        "ts",
        "ao",
        "os",
        "puh",
        "klo",
        "s",
        "v",
        "vp",
        "sd",
        "kok",
        "kesk",
        "ps",
        "vas",
        "vihr",
        "kd",
        "milj",
        "mrd",
        "tuh",
        "ed",
    ]
)
# A paragraph of running text ends in terminal punctuation; headings, menus and captions do not.
PROSE_LINE_END = re.compile(r"[.!?…][\"”’)]?\s*$")
# A sentence of running text starts after terminal punctuation and a capital, a digit or a quote;
# "esim. puhelimitse" goes on.
PROSE_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“–\-]?[A-ZÅÄÖ0-9])")
COMMON_PARTICIPLE_RANK = 1500
MIN_LETTERS = 6


@cache
def common_word_ranks(language: str) -> dict[str, int]:
    """Frequency rank of the language's commonest word forms (common_words/, most frequent first)."""
    path = Path(__file__).with_name("common_words") / f"{language}.txt"
    if not path.exists():
        return {}
    return {word: rank for rank, word in enumerate(path.read_text(encoding="utf-8").split(), 1)}


@lru_cache(maxsize=65536)
def construction_ending(word: str) -> str | None:
    """The construction a lower-case word's ending marks, if any (cached: word forms repeat)."""
    if len(word) < MIN_LETTERS or word in NOT_CONSTRUCTIONS or word.startswith("uu"):
        return None
    for name, pattern in ENDINGS.items():
        if pattern.search(word):
            if name in PARTICIPLES and common_word_ranks("fi").get(word, 10**9) < COMMON_PARTICIPLE_RANK:
                return None
            return name
    return None


def finnish_constructions(words: list[str]) -> dict[str, int]:
    """Counts of the condensed written-language constructions among a Finnish text's words."""
    lower = [w.lower() for w in words]
    counts = dict.fromkeys(ENDINGS, 0)
    for i, word in enumerate(lower):
        name = construction_ending(word)
        if name and not (name in PARTICIPLES and i and lower[i - 1] in AUXILIARIES):
            counts[name] += 1
    return counts


def finnish_officialese(text: str, words: list[str]) -> int:
    """Officialese words, abbreviations, parentheses and semicolons in a Finnish text."""
    return (
        sum(w.lower() in OFFICIALESE for w in words)
        + sum(candidate.lower() in ABBREVIATIONS for candidate in ABBREVIATION_CANDIDATE.findall(text))
        + text.count("(")
        + text.count(";")
    )


def paragraph_words(text: str) -> float:
    """Mean words per paragraph of running text (a line that ends a sentence).

    Selkokieli keeps paragraphs short, a few sentences each; standard prose runs to 30-60 words a
    paragraph. A text with no such line is one paragraph."""
    counts = [len(WORD.findall(line)) for line in text.split("\n") if PROSE_LINE_END.search(line)]
    counts = [n for n in counts if n] or [len(WORD.findall(text))]
    return sum(counts) / len(counts)


def prose_sentences(text: str) -> list[str]:
    """The sentences of a text's running prose: headings, menus, captions and list lines without a
    full stop are left out, and a sentence wrapped over lines (PDF text) is joined."""
    lines = [line.strip() for line in text.split("\n")]
    kept = []
    for i, line in enumerate(lines):
        if not line:
            continue
        following = next((rest for rest in lines[i + 1 :] if rest), "")
        if PROSE_LINE_END.search(line) or following[:1].islower():
            kept.append(line)
    return [s for s in PROSE_SENTENCE_SPLIT.split(" ".join(kept)) if WORD.search(s)]


def finnish_explanations(words: list[str]) -> int:
    """Words that introduce an explanation of another word (eli, tarkoittaa)."""
    return sum(w.lower() in EXPLANATIONS for w in words)
