"""The lemma dictionaries opened from a cached block index give simplemma's own lemmas, and a missing,
broken or unwritable cache only costs time."""

from __future__ import annotations

import marshal

import simplemma
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

from harvester.catalog import lemmas

WORDS = {
    "fi": ["oppaat", "kotoutumisen", "työpaikkaa", "Helsingissä", "kirjastot", "selkokielisiä", "xyzzy"],
    "sv": ["arbetsböckerna", "kommunerna", "språket", "flyktingar", "xyzzy"],
    "en": ["guides", "workbooks", "children", "xyzzy"],
}


def lookups(stream: StreamMap, lang: str) -> dict:
    return {word: stream.get(word.lower()) for word in WORDS[lang]}


def test_cached_index_gives_simplemmas_lookups(tmp_path, monkeypatch):
    for lang in WORDS:
        built = lemmas.IndexedStreamMap(lang, tmp_path)
        assert list(tmp_path.glob(f"simplemma-*-{lang}-*.idx")), "the index was not cached"

        def no_rebuild(*args):
            raise AssertionError("the index was built again instead of read from the cache")

        with monkeypatch.context() as patch:
            patch.setattr(StreamMap, "__init__", no_rebuild)
            cached = lemmas.IndexedStreamMap(lang, tmp_path)
        assert cached._blocks == built._blocks and cached._firsts == built._firsts
        own = StreamMap(lang)  # simplemma's own index
        assert cached._blocks == own._blocks and cached._firsts == own._firsts
        assert lookups(cached, lang) == lookups(own, lang)
        assert any(lookups(cached, lang).values()), "no word was found at all"


def test_lemmatize_and_is_known_match_simplemma(tmp_path, monkeypatch):
    monkeypatch.setenv("AINEISTOPANKKI_LEMMA_CACHE", str(tmp_path))
    for cached in (lemmas._factory, lemmas._lemmatizer, lemmas._lookup):
        cached.cache_clear()
    try:
        for lang, words in WORDS.items():
            for word in words:
                expected = simplemma.lemmatize(word, lang=lang, low_memory=True)
                assert lemmas.lemmatize(word, lang) == expected, (lang, word)
                known = simplemma.is_known(word, lang, low_memory=True)
                assert lemmas.is_known(word, (lang,)) == known, (lang, word)
        assert lemmas.lemmatize("oppaat", "fi") == "opas"
        assert lemmas.is_known("asunnon", ("sv", "fi")) and not lemmas.is_known("xyzzyq", ("fi", "sv"))
    finally:
        for cached in (lemmas._factory, lemmas._lemmatizer, lemmas._lookup):
            cached.cache_clear()


def test_broken_cache_is_rebuilt(tmp_path):
    lemmas.IndexedStreamMap("en", tmp_path)
    (path,) = tmp_path.glob("simplemma-*-en-*.idx")
    whole = path.read_bytes()
    count, firsts, offsets, keys, values = marshal.loads(whole[len(lemmas.MAGIC) :])
    shifted = [offset + 1 for offset in offsets]  # plausible numbers, wrong places
    wrong_types = [str(key) for key in keys]
    forged = [
        lemmas.MAGIC + marshal.dumps(fields)
        for fields in (
            (count, firsts, shifted, keys, values),
            (count, firsts, offsets, wrong_types, values),
            7,
        )
    ]
    for broken in (b"", whole[:100], lemmas.MAGIC + b"\x00garbage", whole[: len(whole) // 2], *forged):
        path.write_bytes(broken)
        stream = lemmas.IndexedStreamMap("en", tmp_path)
        assert lookups(stream, "en") == lookups(StreamMap("en"), "en")
        assert path.read_bytes() == whole, "the broken cache was not replaced"


def test_unwritable_cache_folder_still_lemmatises(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    stream = lemmas.IndexedStreamMap("en", blocker / "lemma-index")
    assert lookups(stream, "en") == lookups(StreamMap("en"), "en")
    assert not list(tmp_path.glob("**/*.idx")) and not list(tmp_path.glob("**/.lemma-*"))
