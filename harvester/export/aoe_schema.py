"""AOE's side of the export: its code lists (aoe_codes/, as AOE's source defines them) and the
rules it applies to a record, its metadata schema and its publish gate, so that `problems()` says
whether AOE would accept a record for publishing and why not."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CODES_DIR = Path(__file__).parent / "aoe_codes"
LABEL_LANGUAGES = ("fi", "sv", "en")
NAME_MAX = 255
DESCRIPTION_MAX = 2000
TIME_REQUIRED_MAX = 50
CODE_FIELDS = (
    "keywords",
    "learningResourceTypes",
    "educationalRoles",
    "educationalUses",
    "educationalLevels",
    "accessibilityFeatures",
    "accessibilityHazards",
    "publisher",
)
CODE_LISTS = {
    "learningResourceTypes": "learning-resource-types",
    "educationalRoles": "educational-roles",
    "educationalUses": "educational-uses",
    "educationalLevels": "educational-levels",
    "accessibilityFeatures": "accessibility-features",
    "accessibilityHazards": "accessibility-hazards",
}


@cache
def code_list(name: str) -> dict:
    return json.loads((CODES_DIR / f"{name}.json").read_text(encoding="utf-8"))


@cache
def labels(field: str) -> dict[str, str]:
    """key -> Finnish label (AOE stores the label of the saver's UI language; we save in Finnish)."""
    out = {}
    for code in code_list(CODE_LISTS[field])["codes"]:
        found = code.get("labels") or {}
        label = (
            found.get("fi")
            or found.get("en")
            or found.get("sv")
            or next(iter(code.get("observedValues") or []), None)
        )
        if label:
            out[code["key"]] = label
    return out


@cache
def disabled_levels() -> frozenset[str]:
    return frozenset(code_list("educational-levels").get("disabledInAOE") or [])


@cache
def licence_codes() -> frozenset[str]:
    return frozenset(code["key"] for code in code_list("licences")["codes"])


def problems(rec: dict) -> list[str]:
    """Why AOE would refuse the record: its metadata schema first, then its publish gate."""
    found: list[str] = []
    for field, limit in (("name", NAME_MAX), ("description", DESCRIPTION_MAX)):
        value = rec.get(field) or {}
        if not isinstance(value, dict) or set(value) - set(LABEL_LANGUAGES):
            found.append(f"{field} must be an object with fi, sv and en")
            continue
        for lang, text in value.items():
            if not isinstance(text, str):
                found.append(f"{field}.{lang} must be text")
            elif len(text) > limit:
                found.append(f"{field}.{lang} is longer than {limit} characters")
    for field in CODE_FIELDS:
        for entry in rec.get(field) or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) or not entry.get("key"):
                found.append(f"{field}: an entry has no key")
            elif not isinstance(entry.get("value"), str) or not entry.get("value"):
                found.append(f"{field}: key {entry['key']} has no value")
    for entry in rec.get("educationalLevels") or []:
        if isinstance(entry, dict) and entry.get("key") in disabled_levels():
            found.append(f"educational level {entry.get('value') or entry.get('key')} is disabled in AOE")
    if len(rec.get("timeRequired") or "") > TIME_REQUIRED_MAX:
        found.append(f"timeRequired is longer than {TIME_REQUIRED_MAX} characters")
    # The publish gate of AOE's form.
    name = rec.get("name") or {}
    if not any(isinstance(v, str) and v.strip() for v in (name.values() if isinstance(name, dict) else [])):
        found.append("no name in Finnish, Swedish or English")
    # Our records carry the links to add (LinkPost objects); AOE's own records carry fileDetails.
    links = rec.get("links") or rec.get("fileDetails") or []
    if not links:
        found.append("no link or file")
    for i, link in enumerate(links, 1):
        if not (link.get("link") or "").startswith(("http://", "https://")):
            found.append(f"link {i} has no http(s) address")
        if not link.get("language"):
            found.append(f"link {i} has no language")
        display = link.get("displayName") or {}
        if not any(isinstance(v, str) and v.strip() for v in display.values()):
            found.append(f"link {i} has no display name")
    if not rec.get("authors"):
        found.append("no author (person or organisation)")
    if not rec.get("keywords"):
        found.append("no keyword")
    if not rec.get("learningResourceTypes"):
        found.append("no learning resource type")
    if not rec.get("educationalLevels"):
        found.append("no educational level")
    licence = rec.get("license")
    if not licence:
        found.append("no open licence stated")
    elif licence not in licence_codes():
        found.append(f"licence {licence} is not one AOE accepts ({', '.join(sorted(licence_codes()))})")
    return found
