"""The search index's word forms found by the worker during the crawl are the ones publishing would
find itself (the frugal and the fast lemma dictionaries agree), and cover every searched word."""

from __future__ import annotations

import asyncio

from harvester.catalog import search_index
from harvester.catalog.search_index import PRECOMPUTED, lemma_forms, words
from harvester.tagging.worker import TaggingWorker, searched_texts

ITEM = {
    "kind": "file",
    "url": "http://127.0.0.1/oppaat/asumisopas.pdf",
    "title": "Oppaat maahanmuuttajille: asunnon vuokraaminen",
    "description": "Arbetsböcker och guider för nyanlända",
    "link_texts": ["Lataa kotoutumisoppaat (PDF)"],
    "text": "Kotoutumiskoulutuksen jälkeen oppaat kertovat asumisesta. Guides for newcomers.",
    "declared_language": "fi",
    "headings": [],
    "images": [],
}


def test_forms_from_the_worker_match_the_publishers_own():
    PRECOMPUTED.clear()

    async def run():
        worker = TaggingWorker(1)
        try:
            tags = await worker.tags(dict(ITEM), None)
            await worker.search_forms(["Uudet sanat: vuokrasopimukset"])
            return tags
        finally:
            worker.shutdown()

    tags = asyncio.run(run())
    assert tags["languages"][0] == "fi"
    wanted = {w for t in searched_texts(ITEM) for w in words(t)} | {"uudet", "sanat", "vuokrasopimukset"}
    assert wanted <= PRECOMPUTED.keys()
    for word in wanted:
        assert PRECOMPUTED[word] == lemma_forms(word, low_memory=False), word
    assert "opas" in PRECOMPUTED["oppaat"]  # consonant gradation, as the fast dictionary knows it
    search_index.forms.cache_clear()
    assert search_index.forms("Oppaat") == PRECOMPUTED["oppaat"]
    PRECOMPUTED.clear()
    search_index.forms.cache_clear()
