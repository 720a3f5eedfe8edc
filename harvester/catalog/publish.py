"""Publishing a harvest: every source's results written in ONE transaction, with the policy
that keeps the catalogue from losing data (suspect sources, retiring after repeated misses) and
what a run brings besides materials (EURA register data, about pages, AOE marks, curator
exclusions). Nothing is ever deleted.
"""

from __future__ import annotations

import json
import os
import re
import time

import sqlite_utils

from harvester.catalog.columns import JSON_LIST_COLUMNS, MATERIAL_COLUMNS
from harvester.catalog.readiness import refresh_marks, refresh_verdicts
from harvester.catalog.search_index import fill_terms
from harvester.clock import utcnow
from harvester.urls import canonicalize
from harvester.works import assign_works

GONE_AFTER = 3  # a material missing from this many consecutive trustworthy harvests becomes 'gone'
SHRINK_THRESHOLD = 0.5  # a source yielding less than this share of its active materials is suspect
# Sources of any size are protected: a source of 3 materials whose every page failed lost all 3.
MIN_ACTIVE_FOR_SHRINK = 1
# Source statuses whose harvest was complete enough to count what it did not find as missing.
TRUSTWORTHY = ("ok", "partial")
GONE_ANSWER = re.compile(r"HTTP (404|410)\b")


def material_row(item: dict) -> dict:
    row = {key: item.get(key) for key in MATERIAL_COLUMNS if key in item}
    for key in JSON_LIST_COLUMNS:
        row[key] = json.dumps(list(item.get(key) or []), ensure_ascii=False)
    row["tag_evidence"] = json.dumps(item.get("tag_evidence") or {}, ensure_ascii=False, sort_keys=True)
    row["plain_language"] = int(item.get("plain_language") or 0)
    return row


def _same_file_elsewhere(db: sqlite_utils.Database, item: dict, source_id: str) -> str | None:
    """The id of an active material from another source with byte-identical content (files), or the
    same platform material (one Issuu publication linked from two sites), which belongs to a project's
    own site rather than to a programme hub that links it too."""
    if item.get("kind") == "embed":
        row = db.execute(
            "select id, project_id from materials where id = ? and kind = 'embed' and status = 'active'"
            " and source_id != ?",
            [item["id"], source_id],
        ).fetchone()
        return row[0] if row and (row[1] or not item.get("project_id")) else None
    if item.get("kind") != "file" or not item.get("content_hash"):
        return None
    row = db.execute(
        "select id from materials where content_hash = ? and kind = 'file' and status = 'active'"
        " and source_id != ? and id != ? order by first_seen limit 1",
        [item["content_hash"], source_id, item["id"]],
    ).fetchone()
    return row[0] if row else None


def _first_seen(db: sqlite_utils.Database, location: dict) -> str | None:
    row = db.execute(
        "select first_seen from material_locations where material_id = ? and url = ?",
        [location["material_id"], location["url"]],
    ).fetchone()
    return row[0] if row else None


def _locations(item: dict) -> list[str]:
    """Where a material was found; a platform material also at the page that links it, so that one
    linked from two sites shows both."""
    found = list(item.get("locations") or [item["url"]])
    if item.get("kind") == "embed" and item.get("referrer") and item["referrer"] not in found:
        found.append(item["referrer"])
    return found


def _mark_in_repository(db: sqlite_utils.Database, records: list[dict], complete: bool) -> None:
    """Set in_aoe (the repository's identifier) on materials found at a record's URLs. A complete
    listing replaces the previous marks, so a material AOE has dropped loses its mark; a listing
    with a failed page only adds marks (a failed page once wiped half of them)."""
    if complete:
        db.execute("update materials set in_aoe = null where in_aoe is not null")
    for record in records:
        for url in record.get("urls") or []:
            canonical = canonicalize(url)
            db.execute(
                "update materials set in_aoe = ? where url = ? or id in"
                " (select material_id from material_locations where url in (?, ?))",
                [record["identifier"], canonical, canonical, url],
            )


def _failed_here(db, source_id: str, errors: list[dict]) -> set[str]:
    """Ids of the source's materials whose URL (or one of their locations) failed in this harvest:
    a dead link is for check-links to judge, a failed download says nothing of the material."""
    urls = set()
    for error in errors:
        if GONE_ANSWER.match(error.get("error") or ""):
            continue  # the server says it is gone: a miss like any other
        try:
            urls.add(canonicalize(error.get("url") or ""))
        except ValueError:
            continue
    urls.discard("")
    ids: set[str] = set()
    listed = sorted(urls)
    for chunk in (listed[i : i + 500] for i in range(0, len(listed), 500)):
        marks = ",".join("?" * len(chunk))
        ids.update(
            row[0]
            for row in db.execute(
                f"select id from materials where source_id = ? and url in ({marks}) union"
                f" select material_id from material_locations where source_id = ? and url in ({marks})",
                [source_id, *chunk, source_id, *chunk],
            )
        )
    return ids


def publish_run(
    db: sqlite_utils.Database,
    run_id: int | None,
    results: list[dict],
    gone_after: int = GONE_AFTER,
    shrink_threshold: float = SHRINK_THRESHOLD,
    excluded_urls: set[str] | None = None,
) -> dict[str, dict]:
    """Write every source's harvest in ONE transaction: killed at any moment, the catalogue holds
    exactly the previous data or the new data. Returns the counts per source."""
    counts = {}
    eura_columns = {
        "eura_start": "start", "eura_end": "end", "applicant": "applicant",
        "applicant_business_id": "applicant_business_id", "website": "website", "eura_url": "register_url",
        "eura_status": "status", "eura_summary": "summary",
    }  # fmt: skip
    # Fault injection for the kill test: a pause between sources inside the transaction.
    pause = float(os.environ.get("AINEISTOPANKKI_FAULT_PUBLISH_PAUSE", "0") or 0)
    started = utcnow()
    with db.atomic():
        for result in results:
            counts[result["source_id"]] = _store_source(db, run_id, result, gone_after, shrink_threshold)
            if pause:
                time.sleep(pause)
        for result in results:  # EURA2014 register records complete the pilot projects they describe
            for record in result.get("projects") or []:
                update = {column: record.get(key) for column, key in eura_columns.items()}
                update["eura_partners"] = json.dumps(record.get("partners") or [], ensure_ascii=False)
                sets = ", ".join(f"{column} = ?" for column in update)
                db.execute(
                    f"update projects set {sets} where eura_code = ?", [*update.values(), record["eura_code"]]
                )
        for result in results:  # the pilots' own "about" pages (Finnish first) describe them
            about = sorted(result.get("about") or [], key=lambda a: (a.get("language") != "fi", a["url"]))
            for page in about[:1]:
                db.execute(
                    "update projects set about_url = ?, about_text = ? where id = ?",
                    [page["url"], page["text"], page["project_id"]],
                )
        marked = False
        for result in results:  # AOE over OAI-PMH: which materials AOE already holds
            status = (result.get("report") or {}).get("status", "ok")
            if result.get("repository") and status in (*TRUSTWORTHY, "interrupted"):
                _mark_in_repository(db, result["repository"], complete=status == "ok")
                marked = True
        for url in sorted(excluded_urls or ()):  # a curator said it is not a material: retire it now
            db.execute(
                "update materials set status = 'gone', updated_at = ? where url = ? and status = 'active'",
                [utcnow(), url],
            )
        published = [source for source, count in counts.items() if count["status"] != "failed"]
        refresh_verdicts(db, published, started)  # after the marks and exclusions they depend on
        if marked:
            refresh_marks(db)
    return counts


def _store_source(db, run_id, result: dict, gone_after: int, shrink_threshold: float) -> dict:
    """Upsert one source's materials; count misses and retire materials only after a trustworthy harvest.

    A failed source (nothing fetched) changes nothing. A source whose crawl did not finish
    ('interrupted': a signal, a page or time cap, an unwritable cache) and a source that suddenly
    yields far fewer materials than it has active (a redesign, a broken page, 'suspect') publish
    what they found as seen, and nothing is counted missing. A material whose own URL failed in this
    harvest is not missing either. Nothing is ever deleted.
    """
    source_id = result["source_id"]
    items = result.get("items") or []
    report = dict(result.get("report") or {})
    now = utcnow()
    ids = [item["id"] for item in items]
    existing = {
        row[0]: row[1:]
        for row in db.execute(
            "select id, first_seen, content_hash, tag_key, updated_at, status"
            " from materials where source_id = ?",
            [source_id],
        )
    }
    previously_active = db.execute(
        "select count(*) from materials where source_id = ? and status = 'active'", [source_id]
    ).fetchone()[0]
    status = report.get("status", "ok")
    if (
        status in TRUSTWORTHY
        and previously_active >= MIN_ACTIVE_FOR_SHRINK
        and len(set(ids)) < shrink_threshold * previously_active
    ):
        status = "suspect"
        report["message"] = (
            f"yielded {len(set(ids))} materials where {previously_active} were active: "
            "kept the others active (a redesign or a broken page?)"
        )
    counts = {"new": 0, "changed": 0, "unchanged": 0, "gone": 0, "elsewhere": 0}
    rounds = dict(db.execute("select id, round from projects").fetchall())
    works = assign_works(items)
    rows, locations = [], []
    for item in items:
        elsewhere = _same_file_elsewhere(db, item, source_id)
        if elsewhere:
            # The same file is already catalogued from another site: one material, one more location.
            counts["elsewhere"] += 1
            db.execute("update materials set last_seen = ? where id = ?", [now, elsewhere])
            for url in _locations(item):
                locations.append(
                    {"material_id": elsewhere, "url": url, "source_id": source_id, "last_seen": now}
                )
            continue
        row = material_row(item)
        row["work_id"] = works.get(item["id"], item["id"])
        # denormalised for facets: the pilot's call round and the year published
        row["round"] = rounds.get(item.get("project_id"))
        published = item.get("published") or ""
        row["year"] = int(published[:4]) if published[:4].isdigit() else None
        previous = existing.get(item["id"])
        if previous:
            first_seen, content_hash, tag_key, updated_at, status_before = previous
            row["first_seen"] = first_seen
            counts["changed" if content_hash != row.get("content_hash") else "unchanged"] += 1
            # updated_at: when anything a catalogue or harvester of ours (OAI-PMH) sees last changed
            same = (content_hash, tag_key, status_before) == (
                row.get("content_hash"),
                row.get("tag_key"),
                "active",
            )
            row["updated_at"] = updated_at if same and updated_at else now
        else:
            row["first_seen"] = row["updated_at"] = now
            counts["new"] += 1
        row.update(last_seen=now, status="active", last_run_id=run_id, missed_harvests=0)
        rows.append(row)
        for url in _locations(item):
            locations.append(
                {"material_id": item["id"], "url": url, "source_id": source_id, "last_seen": now}
            )
    if rows:
        db["materials"].upsert_all(rows, pk="id", alter=False)
        fill_terms(db, [row["id"] for row in rows])  # the normalised word index (search_index.py)
    if status in TRUSTWORTHY:
        seen = set(ids) | _failed_here(db, source_id, report.get("errors") or [])
        missing = [mid for mid in existing if mid not in seen]
        for chunk in (missing[i : i + 500] for i in range(0, len(missing), 500)):
            marks = ",".join("?" * len(chunk))
            db.execute(
                "update materials set missed_harvests = missed_harvests + 1"
                f" where status = 'active' and id in ({marks})",
                chunk,
            )
            counts["gone"] += db.execute(
                "update materials set status = 'gone', updated_at = ? where status = 'active'"
                f" and missed_harvests >= ? and id in ({marks})",
                [now, gone_after, *chunk],
            ).rowcount
    if locations:
        known = {
            (r[0], r[1]): r[2]
            for r in db.execute(
                "select material_id, url, first_seen from material_locations where source_id = ?", [source_id]
            ).fetchall()
        }
        for loc in locations:
            # a location another source found first (a platform material on two sites) keeps its date
            loc["first_seen"] = known.get((loc["material_id"], loc["url"])) or _first_seen(db, loc) or now
        db["material_locations"].upsert_all(locations, pk=("material_id", "url"))
    if run_id is not None:
        errors = report.get("errors") or []
        db["harvest_run_sources"].upsert(
            {
                "run_id": run_id,
                "source_id": source_id,
                "status": status,
                "started_at": report.get("started_at"),
                "finished_at": now,
                "pages_fetched": report.get("pages_fetched", 0),
                "materials": len(rows),
                "new_materials": counts["new"],
                "changed_materials": counts["changed"],
                "unchanged_materials": counts["unchanged"],
                "gone_materials": counts["gone"],
                "not_modified": report.get("not_modified", 0),
                "bytes": report.get("bytes", 0),
                "errors": len(errors),
                "error_details": json.dumps(errors, ensure_ascii=False),
                "finish_reason": report.get("finish_reason"),
                "message": report.get("message"),
            },
            pk=("run_id", "source_id"),
            alter=True,
        )
    return {**counts, "status": status}
