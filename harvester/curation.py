"""Curation that survives harvests: a curator's corrections, applied on every harvest.

curation.yml sets, adds or removes tags of a material (by URL) and marks URLs that are not
materials. Corrections are shown as `manual` evidence, so a user sees what a person decided.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from harvester.registry import RegistryError, _check_url, _entry_lines, _read_yaml
from harvester.tagging.vocabulary import ids
from harvester.urls import canonicalize

CURATION_FILE = Path(__file__).parent / "registry" / "curation.yml"
LIST_TAGS = ("languages", "phases", "audiences")
ENTRY_KEYS = {"url", "set", "add", "remove", "note"}
SETTABLE = {"type", "languages", "phases", "audiences", "plain_language"}
EVIDENCE_PREFIX = {"phases": "phase", "audiences": "audience", "languages": "language"}


@dataclass
class Curation:
    corrections: dict[str, dict] = field(default_factory=dict)  # canonical URL -> entry
    not_materials: dict[str, str] = field(default_factory=dict)  # canonical URL -> note

    def correction_for(self, urls) -> dict | None:
        for url in urls:
            entry = self.corrections.get(canonicalize(url))
            if entry:
                return entry
        return None

    def excludes(self, urls) -> str | None:
        for url in urls:
            note = self.not_materials.get(canonicalize(url))
            if note is not None:
                return note
        return None


def _check_tags(values: dict, where: str, allow: set[str]) -> None:
    if not isinstance(values, dict):
        raise RegistryError(f"{where}: expected a mapping of tags")
    unknown = set(values) - allow
    if unknown:
        raise RegistryError(f"{where}: cannot curate {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name == "type":
            if value not in ids("types"):
                raise RegistryError(f"{where}: unknown type {value!r}")
        elif name == "plain_language":
            if not isinstance(value, bool):
                raise RegistryError(f"{where}: plain_language must be true or false")
        else:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise RegistryError(f"{where}: {name} must be a list")
            known = set(ids(name))
            bad = [v for v in value if v not in known]
            if bad:
                raise RegistryError(f"{where}: unknown {name} {', '.join(bad)}")


def load_curation(path: Path = CURATION_FILE) -> Curation:
    if not Path(path).exists():
        return Curation()
    data = _read_yaml(path) or {}
    if not isinstance(data, dict) or set(data) - {"materials", "not_materials"}:
        raise RegistryError(f"{path}: expected 'materials:' and/or 'not_materials:' lists")
    curation = Curation()
    lines = _entry_lines(path, "materials")
    for i, entry in enumerate(data.get("materials") or [], 1):
        line = f":{lines[i - 1]}" if len(lines) >= i else ""
        where = f"{path}{line}: correction #{i}"
        if not isinstance(entry, dict) or "url" not in entry:
            raise RegistryError(f"{where}: every correction needs a 'url'")
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            raise RegistryError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        url = canonicalize(_check_url(entry["url"], where))
        _check_tags(entry.get("set") or {}, f"{where} set", SETTABLE)
        _check_tags(entry.get("add") or {}, f"{where} add", set(LIST_TAGS))
        _check_tags(entry.get("remove") or {}, f"{where} remove", set(LIST_TAGS))
        curation.corrections[url] = entry
    lines = _entry_lines(path, "not_materials")
    for i, entry in enumerate(data.get("not_materials") or [], 1):
        line = f":{lines[i - 1]}" if len(lines) >= i else ""
        where = f"{path}{line}: not_materials #{i}"
        if not isinstance(entry, dict) or "url" not in entry or set(entry) - {"url", "note"}:
            raise RegistryError(f"{where}: expected {{url, note}}")
        curation.not_materials[canonicalize(_check_url(entry["url"], where))] = str(entry.get("note") or "")
    return curation


def fingerprint(entry: dict | None) -> str:
    """A short hash of a correction, so stored tags are reused only under the same correction."""
    if not entry:
        return ""
    return hashlib.sha1(json.dumps(entry, sort_keys=True, default=str).encode()).hexdigest()[:12]


def apply(item: dict, entry: dict) -> dict:
    """Apply one correction to a tagged item, recording it as manual evidence."""
    evidence = item.setdefault("tag_evidence", {})
    note = entry.get("note") or ""
    manual = {"method": "manual", "matched": [], "score": None, "note": note}
    for name, value in (entry.get("set") or {}).items():
        if name == "type":
            evidence.pop(f"type:{item.get('type')}", None)
            item["type"] = value
            evidence[f"type:{value}"] = manual
        elif name == "plain_language":
            item["plain_language"] = int(value)
            evidence["plain_language"] = manual
        else:
            prefix = EVIDENCE_PREFIX[name]
            for old in item.get(name) or []:
                evidence.pop(f"{prefix}:{old}", None)
            item[name] = list(value)
            for new in value:
                evidence[f"{prefix}:{new}"] = manual
    for name, values in (entry.get("add") or {}).items():
        prefix = EVIDENCE_PREFIX[name]
        for value in values:
            if value not in item.setdefault(name, []):
                item[name].append(value)
            evidence[f"{prefix}:{value}"] = manual
    for name, values in (entry.get("remove") or {}).items():
        prefix = EVIDENCE_PREFIX[name]
        item[name] = [v for v in item.get(name) or [] if v not in values]
        for value in values:
            evidence.pop(f"{prefix}:{value}", None)
            evidence[f"removed:{prefix}:{value}"] = manual
    return item
