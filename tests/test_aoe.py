"""AOE export: golden records, the demo catalogue's export, JSON and CSV, filters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import run_cli

from harvester.export.aoe import group_works, labels, problems, slug_key

GOLDEN = Path(__file__).parent / "golden" / "aoe"


@pytest.mark.parametrize("path", sorted((GOLDEN / "valid").glob("*.json")), ids=lambda p: p.stem)
def test_valid_golden_records_pass(path):
    assert problems(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", sorted((GOLDEN / "invalid").glob("*.json")), ids=lambda p: p.stem)
def test_invalid_golden_records_say_exactly_why(path):
    record = json.loads(path.read_text(encoding="utf-8"))
    expected = record.pop("_expectedProblems")
    found = problems(record)
    assert len(found) == len(expected), found
    for want in expected:
        assert any(want in problem for problem in found), (want, found)


def test_slug_rule_and_code_labels():
    assert slug_key("Uudenmaan ELY-keskus") == "uudenmaanelykeskus"
    assert slug_key("työllistyminen") == "tyllistyminen"  # AOE drops every non-ASCII word character
    assert (
        labels("educationalLevels")["bc25d0e7-3c68-49a1-9329-239dae01fab7"]
        == "omaehtoinen osaamisen kehittäminen"
    )


def test_language_versions_form_one_work():
    rows = [
        {"id": "1", "url": "https://a.fi/fi/", "alternates": '["https://a.fi/en/"]', "languages": '["fi"]'},
        {"id": "2", "url": "https://a.fi/en/", "alternates": "[]", "languages": '["en"]'},
        {"id": "3", "url": "https://a.fi/so/", "alternates": '["https://a.fi/en/"]', "languages": '["so"]'},
        {"id": "4", "url": "https://a.fi/muu/", "alternates": "[]", "languages": '["fi"]'},
    ]
    works = group_works(rows)
    assert [[r["id"] for r in w] for w in works] == [["1", "2", "3"], ["4"]]


@pytest.fixture(scope="module")
def exported(harvested, tmp_path_factory):
    out = tmp_path_factory.mktemp("aoe") / "aoe.json"
    result = run_cli("export", "aoe-json", "--db", str(harvested[0]), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_ready_record_passes_and_every_other_says_why(exported):
    assert len(exported) >= 30
    ready = [r for r in exported if r["aoeReady"]]
    assert ready, "the hub's CC BY 4.0 publications must be ready"
    for record in exported:
        body = {k: v for k, v in record.items() if k not in ("aoeReady", "aoeProblems", "aineistopankki")}
        assert problems(body) == record["aoeProblems"]
        assert record["aoeReady"] == (not record["aoeProblems"])
    assert all(r["license"] == "CCBY4.0" for r in ready)
    assert {p for r in exported for p in r["aoeProblems"]} == {"no open licence stated"}


def test_records_use_aoe_field_names_and_codes(exported):
    for record in exported:
        assert set(record["name"]) == {"fi", "sv", "en"} and any(record["name"].values())
        assert record["keywords"] and record["authors"] and record["learningResourceTypes"]
        assert all(level["key"] not in {
            "14fe3b08-8516-4999-946b-96eb90c2d563", "fd362a80-9662-48b8-acd1-d8cef520530c",
            "55c5d6a2-8415-47bc-9d15-7b976b0e999c"} for level in record["educationalLevels"])  # fmt: skip
        for link in record["links"]:
            assert link["link"].startswith("http") and link["language"] and any(link["displayName"].values())
    plain = [r for r in exported if r["accessibilityFeatures"]]
    assert plain and all(r["accessibilityFeatures"][0]["value"] == "selkokieli" for r in plain)


def test_a_work_in_several_languages_is_one_record_with_a_link_per_version(exported):
    multi = [r for r in exported if len(r["links"]) >= 8]
    assert multi, "the info site's pages in eight languages are one work"
    languages = [link["language"] for link in multi[0]["links"]]
    assert len(set(languages)) == len(languages) and {"ar", "so", "ti", "ckb", "fa", "ru", "en", "fi"} <= set(
        languages
    )
    assert [link["priority"] for link in multi[0]["links"]] == list(range(len(languages)))


def test_csv_export_with_bom_and_aligned_code_columns(harvested, tmp_path, exported):
    out = tmp_path / "aoe.csv"
    assert run_cli("export", "aoe-csv", "--db", str(harvested[0]), "--out", str(out)).returncode == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(exported)
    for row in rows:
        for field in ("keywords", "learningResourceTypes", "educationalRoles", "educationalLevels"):
            assert len(row[f"{field}_keys"].split("|")) == len(row[f"{field}_values"].split("|"))
        assert row["link_1_url"].startswith("http") and row["link_1_language"]
    assert any(row["aoeReady"] == "true" and row["license"] == "CCBY4.0" for row in rows)


def test_export_filters(harvested, tmp_path):
    def export(*extra):
        out = tmp_path / "out.json"
        assert (
            run_cli("export", "aoe-json", "--db", str(harvested[0]), "--out", str(out), *extra).returncode
            == 0
        )
        return json.loads(out.read_text(encoding="utf-8"))

    everything = export()
    ready = export("--ready-only")
    assert ready and len(ready) < len(everything) and all(r["aoeReady"] for r in ready)
    project = export("--project", "hyva-alku-lansirannikolla")
    assert project and {r["aineistopankki"]["project"] for r in project} == {"hyva-alku-lansirannikolla"}
    transition = export("--phase", "transition")
    assert transition and all("transition" in r["aineistopankki"]["phases"] for r in transition)
    assert any(
        level["value"] == "ammatillinen koulutus" for r in transition for level in r["educationalLevels"]
    )
