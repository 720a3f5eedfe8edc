"""Normalise, dedupe and the schema check, on items as the spider yields them."""

from __future__ import annotations

import jsonschema
import pytest
from scrapy.exceptions import DropItem

from harvester.items import Material, validate_material
from harvester.pipelines.dedupe import DedupePipeline
from harvester.pipelines.normalise import NormalisePipeline, fallback_title
from harvester.pipelines.tag import tag
from harvester.urls import material_id


def page(url, canonical=None, text="Sama sisältö", **extra):
    item = Material(
        url=url,
        canonical_url=canonical,
        source_id="s",
        project_id=None,
        kind="page",
        format="html",
        title="Näin haet asuntoa – opas",
        text=text,
        content_hash=str(hash(text)),
        link_texts=["  Asunnon   haku "],
        headings=[],
        hreflang={},
    )
    item.update(extra)
    return NormalisePipeline().process_item(item)


def test_normalise_uses_rel_canonical_on_the_same_host_only():
    item = page("https://a.fi/?p=412", canonical="https://a.fi/nain-haet-asuntoa/")
    assert item["url"] == "https://a.fi/nain-haet-asuntoa/" and item["fetched_url"] == "https://a.fi/?p=412"
    assert item["id"] == material_id("https://a.fi/nain-haet-asuntoa/")
    assert item["locations"] == ["https://a.fi/?p=412"]
    assert item["link_texts"] == ["Asunnon haku"]
    foreign = page("https://a.fi/opas/", canonical="https://other.fi/opas/")
    assert foreign["url"] == "https://a.fi/opas/"


def test_fallback_titles_from_urls():
    assert (
        fallback_title("https://k.fi/documents/1/2/Opas+alkuvaiheeseen.pdf/0b7e-uuid")
        == "Opas alkuvaiheeseen"
    )
    assert (
        fallback_title("https://a.fi/wp-content/uploads/2017/05/hanke_esite-2017.pdf") == "hanke esite 2017"
    )


def test_duplicates_fold_into_the_better_url_whatever_the_order():
    for order in ((0, 1, 2), (2, 1, 0), (1, 2, 0)):
        items = [
            page("https://a.fi/nain-haet-asuntoa-2/"),
            page("https://a.fi/?p=412", canonical="https://a.fi/nain-haet-asuntoa/"),
            page("https://a.fi/nain-haet-asuntoa/"),
        ]
        dedupe = DedupePipeline()
        kept, dropped = [], 0
        for i in order:
            try:
                kept.append(dedupe.process_item(items[i]))
            except DropItem:
                dropped += 1
        assert len(kept) == 1 and dropped == 2
        assert kept[0]["url"] == "https://a.fi/nain-haet-asuntoa/"
        assert kept[0]["id"] == material_id("https://a.fi/nain-haet-asuntoa/")
        assert set(kept[0]["locations"]) == {
            "https://a.fi/nain-haet-asuntoa-2/",
            "https://a.fi/?p=412",
            "https://a.fi/nain-haet-asuntoa/",
        }


def test_different_content_is_not_folded():
    dedupe = DedupePipeline()
    dedupe.process_item(page("https://a.fi/a/", text="yksi"))
    assert dedupe.process_item(page("https://a.fi/b/", text="kaksi"))["url"] == "https://a.fi/b/"


def test_schema_accepts_a_tagged_material_and_refuses_a_broken_one():
    item = tag(page("https://a.fi/opas/", text="Tämä opas kertoo, miten haet asuntoa Suomessa. " * 5))
    item.update(is_material=True, material_reason="test")
    validate_material(item)
    for field, bad in (("type", "poster"), ("phases", ["arrival"]), ("languages", ["Finnish"]), ("id", "x")):
        broken = dict(item)
        broken[field] = bad
        with pytest.raises(jsonschema.ValidationError):
            validate_material(broken)
