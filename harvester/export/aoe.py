"""AOE-compatible export: one record per work, in AOE's own field names.

AOE (aoe.fi) has no import: a record is the body of AOE's metadata update call (PUT
/api/v1/material/{id}) plus the link objects to add (POST /api/v2/material/link/{id}). A work
published in several languages is one AOE material whose links are its language versions.
`problems()` (aoe_schema.py) implements AOE's metadata schema and publish gate as documented in AOE's
source, so `aoeReady` says whether AOE would accept the record for publishing, and `aoeProblems` why not.

Reads plain catalogue rows (dicts); knows nothing of Scrapy.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from harvester import yamlload
from harvester.export.aoe_schema import (
    CODE_FIELDS,
    CODES_DIR,
    DESCRIPTION_MAX,
    LABEL_LANGUAGES,
    NAME_MAX,
    code_list,
    disabled_levels,
    labels,
    licence_codes,
    problems,
)
from harvester.extract.platforms import match as platform_match
from harvester.tagging.vocabulary import load
from harvester.works import Groups

__all__ = [  # with AOE's own rules (aoe_schema.py) re-exported for the callers of the export
    "UnknownType", "code_list", "code_objects", "disabled_levels", "export_records", "group_works", "labels",
    "licence_codes", "mappings", "problems", "record", "rules_version", "slug_key", "spreadsheet_cell",
    "to_csv", "to_json",
]  # fmt: skip

HERE = Path(__file__).parent
MAPPINGS_FILE = HERE / "aoe_mappings.yml"
VOCAB_DIR = HERE.parent / "tagging" / "vocab"
PROJECTS_FILE = HERE.parent / "registry" / "projects.yml"


@cache
def rules_version() -> str:
    """A fingerprint of what AOE verdicts depend on besides the material (mappings, code lists,
    vocabulary labels, the pilot projects' implementers and names), so that stored verdicts are
    recomputed when it changes."""
    digest = hashlib.sha1()
    files = [MAPPINGS_FILE, PROJECTS_FILE, *sorted(CODES_DIR.iterdir()), *sorted(VOCAB_DIR.glob("*.yml"))]
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def mappings() -> dict:
    return yamlload.safe_load(MAPPINGS_FILE.read_text(encoding="utf-8"))


class UnknownType(ValueError):
    """A material whose type the types vocabulary does not know (a catalogue written by an older
    vocabulary, or a hand edit): its AOE record cannot be built."""


@cache
def type_labels() -> dict[str, str]:
    return {t.id: t.label["fi"] for t in load("types")}


NOT_KEY = re.compile(r"[^a-z0-9_]")
SPACES = re.compile(r"\s+")
LIST_COLUMNS = ("languages", "phases", "audiences", "alternates")


def slug_key(value: str) -> str:
    """AOE's key for free keywords and organisations: lower-cased, only ASCII word characters kept."""
    return NOT_KEY.sub("", value.lower())


def code_objects(field: str, keys: list[str]) -> list[dict]:
    names = labels(field)
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return [{"key": key, "value": names[key]} for key in seen if key in names]


def _clip(text: str | None, limit: int) -> str:
    text = SPACES.sub(" ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _json_list(value) -> list:
    if isinstance(value, list):
        return value
    return json.loads(value) if value else []


def group_works(rows: list[dict]) -> list[list[dict]]:
    """Language versions of one material form one work: by the catalogue's work_id (hreflang, file-name
    language suffixes, parallel language paths), and by hreflang among rows that have none."""
    by_url = {row["url"]: row for row in rows}
    groups = Groups(by_url)
    first_of_work: dict[str, str] = {}
    for row in rows:
        if row.get("work_id"):
            first_of_work.setdefault(row["work_id"], row["url"])
    for row in rows:
        for other in _json_list(row.get("alternates")):
            if other in by_url:
                groups.join(other, row["url"])
        if row.get("work_id"):
            groups.join(row["url"], first_of_work[row["work_id"]])
    works: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        works[groups.find(row["url"])].append(row)
    ordered = []
    for members in works.values():
        members.sort(
            key=lambda r: (LABEL_LANGUAGES.index(_main(r)) if _main(r) in LABEL_LANGUAGES else 9, r["url"])
        )
        ordered.append(members)
    return sorted(ordered, key=lambda ws: ws[0]["id"])


def _main(row: dict) -> str:
    languages = _json_list(row.get("languages"))
    return languages[0] if languages else ""


def record(work: list[dict], project: dict | None) -> dict:
    """The AOE record of one work (its rows are the language versions, main version first)."""
    maps = mappings()
    work = [{**row, **{c: _json_list(row.get(c)) for c in LIST_COLUMNS}} for row in work]  # parsed once
    first = work[0]
    name = {lang: "" for lang in LABEL_LANGUAGES}
    description = {lang: "" for lang in LABEL_LANGUAGES}
    for row in work:
        lang = _main(row) if _main(row) in LABEL_LANGUAGES else "fi"
        if not name[lang]:
            name[lang] = _clip(row["title"], NAME_MAX)
            description[lang] = _clip(
                row.get("description") or (row.get("text") or "")[:600], DESCRIPTION_MAX
            )
    phases = sorted({p for row in work for p in _json_list(row.get("phases"))})
    audiences = sorted({a for row in work for a in _json_list(row.get("audiences"))})
    kind = first["type"]
    keywords = list(maps["keywords"]["always"])
    for phase in phases:
        keywords += maps["keywords"]["phases"].get(phase, [])
    keyword_objects = []
    for keyword in keywords:
        key = f"//www.yso.fi/onto/yso/{keyword['yso']}" if keyword.get("yso") else slug_key(keyword["value"])
        if {"key": key, "value": keyword["value"]} not in keyword_objects:
            keyword_objects.append({"key": key, "value": keyword["value"]})
    type_label = type_labels().get(kind)
    if type_label is None:
        raise UnknownType(f"material {first['id']}: type {kind!r} is not in the types vocabulary")
    keyword_objects.append({"key": slug_key(type_label), "value": type_label.lower()})

    levels = [key for phase in phases for key in maps["educationalLevels"].get(phase, [])] or list(
        maps["default_educationalLevels"]
    )
    uses = list(maps["educationalUsesByType"].get(kind, []))
    for phase in phases:
        uses += maps["educationalUsesByPhase"].get(phase, [])
    organisations = _organisations(project, maps)
    result = {
        "name": name,
        "description": description,
        "keywords": keyword_objects,
        "authors": [{"author": "", "organization": org} for org in organisations],
        "learningResourceTypes": code_objects(
            "learningResourceTypes", maps["learningResourceTypes"].get(kind, [])
        ),
        "educationalRoles": code_objects(
            "educationalRoles", [k for a in audiences for k in maps["educationalRoles"].get(a, [])]
        ),
        "educationalUses": code_objects("educationalUses", uses),
        "educationalLevels": code_objects("educationalLevels", levels),
        "accessibilityFeatures": code_objects(
            "accessibilityFeatures",
            maps["plainLanguage"] if any(r.get("plain_language") for r in work) else [],
        ),
        "publisher": [_publisher(project, maps)],
        "license": next((r["license"] for r in work if r.get("license")), ""),
        "isVersioned": True,
        "links": [
            {
                "link": row["url"],
                "displayName": {
                    lang: _clip(row["title"], NAME_MAX)
                    if lang == (_main(row) if _main(row) in LABEL_LANGUAGES else "fi")
                    else ""
                    for lang in LABEL_LANGUAGES
                },
                "language": _main(row),
                "priority": priority,
            }
            for priority, row in enumerate(work)
        ],
        "aineistopankki": {
            "ids": [row["id"] for row in work],
            "project": first.get("project_id"),
            "type": kind,
            "phases": phases,
            "audiences": audiences,
            "inAoe": next((row["in_aoe"] for row in work if row.get("in_aoe")), None),
            # a platform material is a link material in AOE: its link is the platform URL (Issuu, YouTube …)
            "platforms": sorted({found.platform.id for row in work if (found := platform_match(row["url"]))}),
        },
    }
    issues = problems(result)
    result["aoeReady"] = not issues
    result["aoeProblems"] = issues
    return result


def _organisations(project: dict | None, maps: dict) -> list[dict]:
    if not project:
        name = maps["programme"]["organisation"]
        return [{"key": slug_key(name), "value": name}]
    names = [project.get("implementer"), *_json_list(project.get("partners"))]
    return [{"key": slug_key(n), "value": n} for n in names if n]


def _publisher(project: dict | None, maps: dict) -> dict:
    name = (project or {}).get("name_fi") or maps["programme"]["name"]
    return {"key": slug_key(name), "value": name}


def export_records(rows: list[dict], projects: dict[str, dict], ready_only: bool = False) -> list[dict]:
    records = [record(work, projects.get(work[0].get("project_id"))) for work in group_works(rows)]
    return [r for r in records if r["aoeReady"]] if ready_only else records


def to_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2)


CSV_CODE_FIELDS = tuple(f for f in CODE_FIELDS if f != "accessibilityHazards")  # we never set hazards


def to_csv(records: list[dict]) -> str:
    """One row per record; code lists as <field>_keys / <field>_values ('|'-separated, same order);
    links as link_N_* columns. UTF-8 with a byte-order mark so that Excel opens it right; every cell
    made safe for spreadsheets (spreadsheet_cell)."""
    most_links = max((len(r["links"]) for r in records), default=1)
    header = [f"{f}_{lang}" for f in ("name", "description") for lang in LABEL_LANGUAGES]
    header += [f"{f}_{part}" for f in CSV_CODE_FIELDS for part in ("keys", "values")]
    header += ["authors_keys", "authors_values", "license", "aoeReady", "aoeProblems"]
    for n in range(1, most_links + 1):
        header += [f"link_{n}_url", f"link_{n}_language", f"link_{n}_priority"]
        header += [f"link_{n}_displayName_{lang}" for lang in LABEL_LANGUAGES]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for rec in records:
        row = [rec[f][lang] for f in ("name", "description") for lang in LABEL_LANGUAGES]
        for field in CSV_CODE_FIELDS:
            row += ["|".join(e["key"] for e in rec[field]), "|".join(e["value"] for e in rec[field])]
        orgs = [a["organization"] for a in rec["authors"]]
        row += ["|".join(o["key"] for o in orgs), "|".join(o["value"] for o in orgs), rec["license"]]
        row += ["true" if rec["aoeReady"] else "false", "; ".join(rec["aoeProblems"])]
        for n in range(most_links):
            if n < len(rec["links"]):
                link = rec["links"][n]
                row += [link["link"], link["language"], link["priority"]]
                row += [link["displayName"][lang] for lang in LABEL_LANGUAGES]
            else:
                row += [""] * (3 + len(LABEL_LANGUAGES))
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """A cell a spreadsheet shows as text, never runs: harvested titles and descriptions can start
    with `=HYPERLINK(…)` and the like, and this CSV is made to be opened in Excel. As OWASP recommends
    for CSV injection, a text cell starting with = + - @ tab or carriage return gets a leading single
    quote (Excel and LibreOffice hide it and show the rest as text). Numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
