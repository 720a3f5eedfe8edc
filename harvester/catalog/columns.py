"""The catalogue's tables and columns: the one place that names them.

Every reader and writer takes table and column names from here; a change to them is a numbered
migration in schema.py.
"""

from __future__ import annotations

JSON_LIST_COLUMNS = ("languages", "phases", "audiences", "link_texts", "alternates")
FTS_COLUMNS = ["title", "description", "link_texts", "text"]
# Datasette's facets count these columns over a filtered set of materials; reading them from the
# wide rows (extracted text, evidence) costs ~100 ms a facet at 100,000 materials, so a narrow copy
# keyed by the materials' rowid is kept in sync by triggers (datasette/plugins/facets.py).
FACET_TABLE = "material_facets"
# One row per (tag list, value, material), kept by triggers: a filter by a tag is an index lookup
# instead of json_each over every material's list (datasette/plugins/facets.py, `_tag_phases=`).
TAG_TABLE = "material_tags"
TAG_COLUMNS = ("languages", "phases", "audiences")
FACET_COLUMNS = ["type", "project_id", "round", "year", "format", "status", "plain_language",
                 "languages", "phases", "audiences"]  # fmt: skip

MATERIAL_COLUMNS = {
    "id": str,
    "url": str,
    "title": str,
    "description": str,
    "type": str,
    "languages": str,
    "plain_language": int,
    "phases": str,
    "audiences": str,
    "format": str,
    "source_id": str,
    "project_id": str,
    "status": str,
    "first_seen": str,
    "last_seen": str,
    "kind": str,
    "canonical_url": str,
    "declared_language": str,
    "link_texts": str,
    "referrer": str,
    "published": str,
    "content_hash": str,
    "size_bytes": int,
    "content_type": str,
    "material_reason": str,
    "tag_evidence": str,
    "text": str,
    "last_run_id": int,
    "missed_harvests": int,
    "tag_key": str,
    "work_id": str,  # the work (all language versions of one material) this version belongs to
    "in_aoe": str,  # the AOE identifier when aoe.fi already holds the material (an OAI-PMH source)
    "updated_at": str,  # last change of content, tags or status (OAI-PMH datestamp)
    "round": int,  # the pilot's call round (from projects), for faceting
    "year": int,  # year published, where the material says
    "license": str,  # a licence code (CC BY 4.0 …) when the material states one
    "alternates": str,  # JSON list: canonical URLs of its declared language versions (hreflang)
    "archived_url": str,  # a Wayback Machine snapshot (harvested from it, or found for a dead link)
    "link_status": int,  # last link check: HTTP status, 0 when unreachable
    "link_error": str,
    "link_checked_at": str,
}

# Filled from the EURA2014 register (spider: eura) for the projects with an EURA code.
PROJECT_REGISTER_COLUMNS = {
    column: str
    for column in (
        "eura_start", "eura_end", "applicant", "applicant_business_id", "eura_partners", "website",
        "eura_url", "eura_status", "eura_summary", "about_url", "about_text",
    )
}  # fmt: skip
RUN_COLUMNS = {
    "id": int,
    "started_at": str,
    "finished_at": str,
    "status": str,
    "sources_file": str,
    "sources": int,
    "pages_fetched": int,
    "materials": int,
    "new_materials": int,
    "gone_materials": int,
    "not_modified": int,
    "bytes": int,
    "errors": int,
    "message": str,
}
RUN_SOURCE_COLUMNS = {
    "run_id": int,
    "source_id": str,
    "status": str,
    "started_at": str,
    "finished_at": str,
    "pages_fetched": int,
    "materials": int,
    "new_materials": int,
    "changed_materials": int,
    "unchanged_materials": int,
    "gone_materials": int,
    "not_modified": int,
    "bytes": int,
    "errors": int,
    "error_details": str,
    "finish_reason": str,
    "message": str,
}

# AOE verdicts (harvester/catalog/readiness.py), narrow tables of their own so that writing them
# fires none of the materials' full-text triggers and the readiness page reads no wide rows:
# one row a work (an AOE record: its first material's id, title, whether AOE would take it and why
# not, its AOE mark, members and languages, the AOE rules it was judged under) and the work of each
# judged material.
WORK_TABLE = "aoe_works"
WORK_COLUMNS = {"work": str, "name": str, "ready": int, "problems": str, "in_aoe": str, "ids": str,
                "languages": str, "rules": str}  # fmt: skip
VERDICT_TABLE = "aoe_verdicts"
VERDICT_COLUMNS = {"material_id": str, "work": str}
