"""Link-check results written into the catalogue (harvester/linkcheck.py finds them)."""

from __future__ import annotations

import sqlite_utils

from harvester.clock import utcnow


def record_link_checks(db: sqlite_utils.Database, results) -> None:
    """Store each result's status, error and check time; a dead link's snapshot as archived_url."""
    checked_at = utcnow()
    with db.atomic():
        for r in results:
            update = {"link_status": r.status, "link_error": r.error, "link_checked_at": checked_at}
            if r.archived_url:
                update["archived_url"] = r.archived_url
            db["materials"].update(r.id, update)
