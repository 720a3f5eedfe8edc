"""Curation that survives harvests: a curator's corrections, applied on every harvest.

curation.yml sets, adds or removes tags of a material (by URL) and marks URLs that are not
materials. Corrections are shown as `manual` evidence, so a user sees what a person decided.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from harvester.registry import read_yaml
from harvester.registry.validation import RegistryError, check
from harvester.urls import canonicalize

CURATION_FILE = Path(__file__).parent / "registry" / "curation.yml"
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


def load_curation(path: Path = CURATION_FILE) -> Curation:
    """Read and validate a curation file (harvester/schema/curation.schema.json); a problem raises
    RegistryError naming file, line and entry. A missing file is an error: a typo in --curation
    once reverted every correction of the curators without a word."""
    if not Path(path).is_file():
        raise RegistryError(f"{path}: no curation file there (check --curation)")
    data = read_yaml(path) or {}
    check(path, data, "curation", {"materials": "correction", "not_materials": "not_materials"})
    curation = Curation()
    for entry in data.get("materials") or []:
        curation.corrections[canonicalize(entry["url"])] = entry
    for entry in data.get("not_materials") or []:
        curation.not_materials[canonicalize(entry["url"])] = str(entry.get("note") or "")
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
