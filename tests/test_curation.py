"""Curation: a curator's corrections, validated, applied as manual evidence, surviving re-harvests."""

from __future__ import annotations

import json
import sqlite3
import textwrap

import pytest
from helpers import run_cli

from harvester.curation import apply, load_curation
from harvester.registry import RegistryError
from harvester.urls import canonicalize


def write(tmp_path, text):
    path = tmp_path / "curation.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "materials:\n  - {url: 'https://a.fi/x', set: {type: poster}}\n",
            r"curation.yml:2: correction #1 set: unknown type",
        ),
        ("materials:\n  - {url: 'https://a.fi/x', add: {phases: [arrival]}}\n", "unknown phases arrival"),
        ("materials:\n  - {url: 'https://a.fi/x', colour: red}\n", "unknown key"),
        ("materials:\n  - {set: {type: guide}}\n", r"curation.yml:2: correction #1: missing key\(s\) url"),
        ("materials:\n  - {url: 'a.fi/x'}\n", "not an absolute http"),
        ("materials:\n  - {url: 'https://a.fi/x', add: {type: guide}}\n", "cannot curate type"),
        ("not_materials:\n  - {url: 'https://a.fi/x', why: x}\n", "expected {url, note}"),
        ("stuff: []\n", "expected 'materials:'"),
    ],
)
def test_bad_curation_files_are_refused(tmp_path, text, message):
    with pytest.raises(RegistryError, match=message):
        load_curation(write(tmp_path, text))


def test_corrections_are_applied_as_manual_evidence(tmp_path):
    curation = load_curation(
        write(
            tmp_path,
            """
            materials:
              - url: "https://A.fi/opas.pdf?utm_source=x"
                set: {type: workbook, plain_language: true}
                add: {audiences: [teachers]}
                remove: {phases: [employment]}
                note: "Checked with the project"
            not_materials:
              - {url: "https://a.fi/hankkeesta/", note: "about page"}
            """,
        )
    )
    entry = curation.correction_for(["https://a.fi/opas.pdf"])
    item = {
        "type": "guide",
        "plain_language": 0,
        "phases": ["initial", "employment"],
        "audiences": ["immigrants"],
        "tag_evidence": {"type:guide": {"method": "rule"}, "phase:employment": {"method": "rule"}},
    }
    apply(item, entry)
    assert item["type"] == "workbook" and item["plain_language"] == 1
    assert item["audiences"] == ["immigrants", "teachers"] and item["phases"] == ["initial"]
    evidence = item["tag_evidence"]
    assert evidence["type:workbook"]["method"] == "manual" and "type:guide" not in evidence
    assert evidence["audience:teachers"]["note"] == "Checked with the project"
    assert evidence["removed:phase:employment"]["method"] == "manual"
    assert curation.excludes(["https://a.fi/hankkeesta/"]) == "about page"
    apply(item, entry)  # idempotent: reused tags stay as curated
    assert item["audiences"] == ["immigrants", "teachers"]


def test_curation_survives_re_harvests(demo_sources, demo_web, tmp_path):
    report = canonicalize(
        demo_web.origin("lansirannikko")
        + "/wp-content/uploads/2018/12/hyva-alku-lansirannikolla-loppuraportti.pdf"
    )
    guide = canonicalize(demo_web.origin("lansirannikko") + "/nain-haet-asuntoa/")
    curation = write(
        tmp_path,
        f"""
        materials:
          - url: "{report}"
            set: {{phases: [initial, transition]}}
            add: {{audiences: [guidance-professionals]}}
            note: "The report also guides counsellors"
        not_materials:
          - {{url: "{guide}", note: "kept out by the curator"}}
        """,
    )
    sources = demo_sources
    db = tmp_path / "catalog.db"

    def harvest(curation_file):
        result = run_cli(
            "harvest", "--sources", str(sources), "--db", str(db), "--delay", "0",
            "--source", "demo-lansirannikko", "--curation", str(curation_file),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        conn = sqlite3.connect(db)
        rows = {
            r[0]: r[1:]
            for r in conn.execute("select url, phases, audiences, tag_evidence, status from materials")
        }
        conn.close()
        return rows

    for _ in range(2):  # the second harvest reuses stored tags: the correction must still hold
        rows = harvest(curation)
        phases, audiences, evidence, status = rows[report]
        assert json.loads(phases) == ["initial", "transition"]
        assert "guidance-professionals" in json.loads(audiences)
        assert json.loads(evidence)["phase:transition"]["method"] == "manual"
        assert guide not in rows  # dropped at classification: never catalogued

    empty = tmp_path / "empty.yml"
    empty.write_text("materials: []\n", encoding="utf-8")
    rows = harvest(empty)  # the correction removed: automatic tags come back
    assert "manual" not in rows[report][2]
    assert rows[guide][3] == "active"
