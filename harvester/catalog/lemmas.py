"""simplemma's frugal (front-coded) dictionaries, opened in a fraction of a second instead of seconds.

simplemma's memory-frugal backend answers a lookup by bisecting to a block of 32 records and decoding
that block, but before the first lookup it decodes every record once in Python to find where the blocks
start: 1.9 s for Finnish (3.5 million forms), 2.6 s for fi+sv+en, paid by every harvest that publishes
and by the web server's first search. The block starts depend only on the dictionary file, so they are
kept in a cache folder (cache_dir()) and read back: ~0.3 s for the three with their checks. Lookups are
simplemma's own, so the lemmas are the same (tests/test_lemmas.py compares them).

The cache is an optimisation only: a missing, stale, foreign or unwritable cache means the index is
built as simplemma builds it. Its name holds simplemma's version and the dictionary's digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from simplemma import Lemmatizer, __version__
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import frontcode
from simplemma.strategies.dictionaries.dictionary_factory import CachingDictionaryFactory, _read_decompressed
from simplemma.strategies.dictionaries.stream_dictionary_factory import _BLOCK_SIZE, StreamMap
from simplemma.strategies.dictionary_lookup import DictionaryLookupStrategy
from simplemma.utils import normalize_token

MAGIC = b"aineistopankki-lemma-index-1"


def cache_dir() -> Path:
    """AINEISTOPANKKI_LEMMA_CACHE, else $XDG_CACHE_HOME/aineistopankki/lemma-index."""
    if folder := os.environ.get("AINEISTOPANKKI_LEMMA_CACHE"):
        return Path(folder)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "aineistopankki" / "lemma-index"


class IndexedStreamMap(StreamMap):
    """simplemma's StreamMap, its block index read from the cache when the cache holds this
    dictionary's, else built by simplemma and cached."""

    def __init__(self, lang: str, folder: Path | None) -> None:
        data = _read_decompressed(lang)
        digest = hashlib.sha256(data).hexdigest()[:20]
        path = folder / f"simplemma-{__version__}-{lang}-{digest}-{_BLOCK_SIZE}.idx" if folder else None
        loaded = _read_index(path, data) if path else None
        if loaded is None:
            super().__init__(lang)  # simplemma's own pass over every record
            if path:
                _write_index(path, self._count, self._firsts, self._blocks)
            return
        self._data = data
        self._rev, self._count, self._pos = frontcode._read_header(data)
        self._firsts, self._blocks = loaded


def _read_index(path: Path, data: bytes) -> tuple[list, list] | None:
    """The cached block index when it is whole and fits this dictionary, else None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.startswith(MAGIC):
        return None
    try:
        count, firsts, offsets, keys, values = marshal.loads(raw[len(MAGIC) :])
    except (EOFError, ValueError, TypeError):
        return None
    _, expected, _ = frontcode._read_header(data)
    blocks = (expected + _BLOCK_SIZE - 1) // _BLOCK_SIZE
    columns = (firsts, offsets, keys, values)
    if count != expected or not all(isinstance(c, list) and len(c) == blocks for c in columns):
        return None
    if not all(type(x) is bytes for c in (firsts, keys, values) for x in c):
        return None
    if (
        not all(type(x) is int for x in offsets)
        or offsets != sorted(set(offsets))
        or offsets[-1:] >= [len(data)]
    ):
        return None
    index = list(zip(offsets, keys, values, strict=True))
    # a sample of blocks decoded from their seeds must start with the recorded first key
    for block in range(0, blocks, max(1, blocks // 16)):
        _, key, _ = next(frontcode._iter_records(data, *index[block]), (None, None, None))
        if key != firsts[block]:
            return None
    return firsts, index


def _write_index(path: Path, count: int, firsts: list, blocks: list) -> None:
    """Written whole or not at all (a temporary file renamed); a folder that cannot be written is
    left alone: the next process builds the index again."""
    offsets, keys, values = (list(column) for column in zip(*blocks, strict=True)) if blocks else ([], [], [])
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lemma-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + marshal.dumps((count, firsts, offsets, keys, values)))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


class IndexedDictionaryFactory(CachingDictionaryFactory):
    __slots__ = ("_folder",)

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self._folder = folder

    def _get_dictionary_uncached(self, lang: str) -> IndexedStreamMap:
        return IndexedStreamMap(lang, self._folder)


@lru_cache(maxsize=1)
def _factory() -> IndexedDictionaryFactory:
    return IndexedDictionaryFactory(cache_dir())


@lru_cache(maxsize=1)
def _lemmatizer() -> Lemmatizer:
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_factory()))


@lru_cache(maxsize=1)
def _lookup() -> DictionaryLookupStrategy:
    return DictionaryLookupStrategy(_factory())


def lemmatize(word: str, lang: str) -> str:
    """simplemma.lemmatize(word, lang, low_memory=True), with the dictionary opened from the cache."""
    return _lemmatizer().lemmatize(word, lang)


def is_known(word: str, langs: tuple[str, ...]) -> bool:
    """simplemma.is_known(word, langs, low_memory=True), on the same dictionaries."""
    word, lookup = normalize_token(word), _lookup()
    return any(lookup.get_lemma(word, lang) is not None for lang in langs)


def main() -> None:
    """`python -m harvester.catalog.lemmas`: build the cache now (make install does) so that the first
    harvest and the first search do not."""
    from harvester.catalog.search_index import LEMMA_LANGUAGES

    for lang in LEMMA_LANGUAGES:
        lemmatize("kotoutuminen", lang)
    print(f"lemma index cache: {cache_dir()}")


if __name__ == "__main__":
    main()
