"""The registry files are the product's configuration: they must load and validate."""

from __future__ import annotations

import re
import textwrap

import pytest

from harvester.registry import RegistryError, load_projects, load_sources
from harvester.tagging.vocabulary import ids as vocabulary_ids


def test_all_25_pilot_projects_in_three_rounds():
    projects = load_projects()
    assert len(projects) == 25
    rounds = [p["round"] for p in projects]
    assert (rounds.count(1), rounds.count(2), rounds.count(3)) == (8, 8, 9)
    by_id = {p["id"]: p for p in projects}
    assert by_id["hyva-alku-lansirannikolla"]["eura_code"] == "S20524"
    assert by_id["matkalla-tyoelamaan"]["eura_code"] == "S21100"
    assert by_id["hyva-alku-pohjois-pohjanmaalla"]["eura_code"] is None
    for p in projects:
        assert p["name"]["fi"] and p["implementer"] and p["objectives"]["fi"] and p["results"]["en"], p["id"]
        assert set(p["phases"]) <= set(vocabulary_ids("phases")), p["id"]


def test_real_sources_file_validates_against_the_projects():
    projects = {p["id"] for p in load_projects()}
    sources = load_sources(project_ids=projects)
    assert len(sources) >= 8
    hub = next(s for s in sources if any("kotoutuminen.fi" in u for u in s.start_urls))
    assert len(hub.start_urls) == 3
    # A pilot living under an organisation's site is scoped to its path, not the whole domain.
    kiipula = next(s for s in sources if any("kiipula.fi" in u for u in s.start_urls))
    assert all(prefix.rstrip("/").count("/") >= 3 for prefix in kiipula.scope)


def test_demo_sources_file_validates():
    from helpers import REPO

    sources = load_sources(REPO / "demo" / "demo-sources.yml", {p["id"] for p in load_projects()})
    assert len(sources) == 7


def write(tmp_path, text: str):
    path = tmp_path / "sources.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_scope_defaults_to_the_origins_of_the_start_urls(tmp_path):
    (source,) = load_sources(
        write(
            tmp_path,
            """
        sources:
          - {id: a, name: A, start_urls: ["https://a.example.fi/hanke/"]}
    """,
        )
    )
    assert source.scope == ("https://a.example.fi/",)
    assert source.hosts == {"a.example.fi"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sources:\n  - {id: a, name: A, start_urls: [https://a.fi/], colour: red}\n",
            r"sources.yml:2: source #1 \(a\): unknown key",
        ),
        ("sources:\n  - {id: a, name: A, start_urls: [ftp://a.fi/]}\n", "not an absolute http"),
        ("sources:\n  - {id: a, name: A, start_urls: https://a.fi/}\n", "non-empty list"),
        ("sources:\n  - {id: a, name: A}\n", "missing key"),
        (
            "sources:\n  - {id: a, name: A, start_urls: [https://a.fi/]}\n  - {id: a, name: B, start_urls: [https://b.fi/]}\n",
            r"sources.yml:3: source #2 \(a\): duplicate id",
        ),
        ("sources:\n  - {id: A B, name: A, start_urls: [https://a.fi/]}\n", "lower-case slug"),
        (
            "sources:\n  - {id: a, name: A, start_urls: [https://a.fi/x/], scope: [https://a.fi/y/]}\n",
            "outside the source's scope",
        ),
        ("sources:\n  - {id: a, name: A, project: nope, start_urls: [https://a.fi/]}\n", "unknown project"),
        ("sources: [\n", "not valid YAML"),
        ("projects: []\n", "'sources:' list"),
    ],
)
def test_bad_sources_files_are_refused_with_a_clear_message(tmp_path, text, message):
    with pytest.raises(RegistryError, match=message):
        load_sources(write(tmp_path, text), project_ids={"hyva-alku-hameessa"})


def test_missing_sources_file(tmp_path):
    with pytest.raises(RegistryError, match="cannot read"):
        load_sources(tmp_path / "nope.yml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sources:\n  - {id: a, name: A, start_urls: [https://a.fi/]}\n"
            "  - {id: b, name: B, start_urls: [https://b.fi/], spider: scrapy}\n",
            r"sources.yml:3: source #2 \(b\) spider: 'scrapy' is not one of site, eura, oaipmh",
        ),
        (
            "sources:\n  - {id: a, name: A, start_urls: [https://a.fi/], sitemaps: [/sitemap.xml]}\n",
            r"sources.yml:2: source #1 \(a\) sitemaps: '/sitemap.xml' is not an absolute http\(s\) URL",
        ),
        (
            "sources:\n  - {id: a, name: A, start_urls: [https://a.fi/], wayback: often}\n",
            "not true or false",
        ),
        ("sources:\n  - just a string\n", r"sources.yml:2: source #1: expected a mapping"),
        ("sources: []\n", "not a non-empty list of sources"),
        (
            "sources:\n  - {id: a, name: A, start_urls: [https://a.fi/], exclude_patterns: ['(']}\n",
            "is not a regular expression",
        ),
    ],
)
def test_the_schema_names_the_line_the_entry_and_the_key(tmp_path, text, message):
    with pytest.raises(RegistryError, match=message):
        load_sources(write(tmp_path, text))


def test_the_sources_file_header_lists_every_key():
    """The header of sources.yml is the operator's reference: it names every key the schema allows."""
    import json

    from harvester.registry import SOURCES_FILE
    from harvester.registry.validation import SCHEMA_DIR

    schema = json.loads((SCHEMA_DIR / "sources.schema.json").read_text(encoding="utf-8"))
    keys = set(schema["$defs"]["source"]["properties"])
    header = SOURCES_FILE.read_text(encoding="utf-8").split("\nsources:", 1)[0]
    listed = set(re.findall(r"^#\s+(\w+):\s", header, re.M))
    assert listed == keys
