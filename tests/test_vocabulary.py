"""One source of truth per fact: the vocabularies in harvester/tagging/vocab/*.yml are the ids; the
material schema, the command line, the AOE mappings and the language words follow from them."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from harvester.export.aoe import mappings
from harvester.items import material_schema, validate_material
from harvester.tagging import vocabulary
from harvester.works import assign_works

# Which AOE mapping each vocabulary value needs (harvester/export/aoe_mappings.yml).
REQUIRED_MAPPINGS = {
    "types": ["learningResourceTypes", "educationalUsesByType"],
    "audiences": ["educationalRoles"],
    "phases": ["educationalLevels", "keywords.phases"],
}


def _section(maps: dict, path: str) -> dict:
    for key in path.split("."):
        maps = maps.get(key) or {}
    return maps


def missing_mappings(maps: dict) -> list[str]:
    """'<mapping>: <id>' for every vocabulary id a mapping lacks, and for every id a mapping names that
    no vocabulary has (a renamed value)."""
    problems = []
    for name, sections in REQUIRED_MAPPINGS.items():
        ids = set(vocabulary.ids(name))
        for path in sections:
            mapped = set(_section(maps, path))
            problems += [f"{path}: {i} has no mapping" for i in sorted(ids - mapped)]
            problems += [f"{path}: {i} is no {name} id" for i in sorted(mapped - ids)]
    return problems


def missing_labels(entries) -> list[str]:
    return [
        f"{entry.get('id')}: no {lang} label"
        for entry in entries
        for lang in ("fi", "sv", "en")
        if not str((entry.get("label") or {}).get(lang) or "").strip()
    ]


def test_every_vocabulary_value_has_its_aoe_mappings():
    assert missing_mappings(mappings()) == []


def test_a_value_without_an_aoe_mapping_is_caught():
    maps = copy.deepcopy(mappings())
    del maps["learningResourceTypes"]["glossary"]
    maps["educationalLevels"]["orientation"] = []
    assert missing_mappings(maps) == [
        "learningResourceTypes: glossary has no mapping",
        "educationalLevels: orientation is no phases id",
    ]


@pytest.mark.parametrize("name", vocabulary.VOCABULARIES)
def test_every_vocabulary_value_has_labels_in_finnish_swedish_and_english(name):
    assert missing_labels(vocabulary.entries(name)) == []


def test_a_value_without_a_swedish_label_is_caught():
    entries = [{"id": "x", "label": {"fi": "X", "sv": "", "en": "X"}}, {"id": "y", "label": {"fi": "Y"}}]
    assert missing_labels(entries) == ["x: no sv label", "y: no sv label", "y: no en label"]


def test_the_material_schema_takes_its_enums_from_the_vocabularies():
    properties = material_schema()["properties"]
    assert properties["type"]["enum"] == vocabulary.ids("types")
    assert properties["phases"]["items"]["enum"] == vocabulary.ids("phases")
    assert properties["audiences"]["items"]["enum"] == vocabulary.ids("audiences")


def test_the_schema_rejects_a_value_no_vocabulary_has():
    item = {
        "id": "0123456789abcdef", "url": "https://a.fi/x/", "canonical_url": "https://a.fi/x/",
        "source_id": "s", "kind": "page", "format": "html", "title": "Opas", "type": "guide",
        "languages": ["fi"], "plain_language": 0, "phases": ["initial"], "audiences": ["immigrants"],
        "tag_evidence": {}, "locations": ["https://a.fi/x/"],
    }  # fmt: skip
    validate_material(item)
    for key, value in (("type", "leaflet"), ("phases", ["orientation"]), ("audiences", ["parents"])):
        with pytest.raises(jsonschema.ValidationError):
            validate_material({**item, key: value})


def test_the_command_line_offers_the_vocabularys_phases(capsys):
    from harvester.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["export", "aoe-json", "--phase", "orientation", "--db", "nowhere.db"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert all(phase in error for phase in vocabulary.ids("phases"))


def test_each_language_word_names_one_language():
    seen: dict[str, str] = {}
    for entry in vocabulary.entries("languages"):
        for word in (entry["id"], *(entry.get("words") or [])):
            assert seen.setdefault(str(word).lower(), entry["id"]) == entry["id"], word
    words = vocabulary.language_words()
    assert {"fi", "somali", "tigrinja", "pa-svenska", "selkosuomi"} <= set(words)
    assert words.index("fin") < words.index("fi")  # longest first


def test_language_versions_are_grouped_by_the_vocabularys_words():
    rows = [
        {"id": "a1", "url": "https://a.fi/files/esite_fi.pdf", "kind": "file"},
        {"id": "a2", "url": "https://a.fi/files/esite_arabia.pdf", "kind": "file"},
        {"id": "a3", "url": "https://a.fi/files/esite-in-english.pdf", "kind": "file"},
        {"id": "a4", "url": "https://a.fi/files/esite-tigrinja.pdf", "kind": "file"},
        {"id": "b1", "url": "https://a.fi/files/muistio-2018.pdf", "kind": "file"},
        {"id": "c1", "url": "https://a.fi/selkosuomi/asuminen/", "kind": "page"},
        {"id": "c2", "url": "https://a.fi/pa-svenska/asuminen/", "kind": "page"},
    ]
    works = assign_works(rows)
    assert works["a1"] == works["a2"] == works["a3"] == works["a4"] == "a1"
    assert works["b1"] == "b1" and works["c1"] == works["c2"] == "c1"
