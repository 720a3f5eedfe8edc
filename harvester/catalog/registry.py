"""The registry (projects.yml and the sources file) written into the catalogue, so that
materials, facets and pages can name their projects and sources."""

from __future__ import annotations

import json

import sqlite_utils


def sync_registry(db: sqlite_utils.Database, projects: list[dict], sources: list) -> None:
    """Write the registry (projects.yml and the sources file) into the catalogue."""
    rows = []
    for p in projects:
        name = p.get("name") or {}
        years = p.get("years") or {}
        objectives = p.get("objectives") or {}
        results = p.get("results") or {}
        rows.append(
            {
                "id": p["id"],
                "name_fi": name.get("fi"),
                "name_sv": name.get("sv"),
                "name_en": name.get("en"),
                "round": p.get("round"),
                "start_year": years.get("start"),
                "end_year": years.get("end"),
                "implementer": p.get("implementer"),
                "partners": json.dumps(p.get("partners") or [], ensure_ascii=False),
                "places": json.dumps(p.get("places") or [], ensure_ascii=False),
                "eura_code": p.get("eura_code"),
                "phases": json.dumps(p.get("phases") or [], ensure_ascii=False),
                "objectives_fi": objectives.get("fi"),
                "objectives_en": objectives.get("en"),
                "results_fi": results.get("fi"),
                "results_en": results.get("en"),
            }
        )
    with db.atomic():
        if rows:
            db["projects"].upsert_all(rows, pk="id")
        db["sources"].upsert_all(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "project_id": s.project,
                    "start_urls": json.dumps(list(s.start_urls)),
                    "scope": json.dumps(list(s.scope)),
                    "platform": s.platform,
                    "note": s.note,
                }
                for s in sources
            ],
            pk="id",
        )
