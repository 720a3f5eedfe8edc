"""What the harvest command tells the operator at the end of a run, in plain words: the run's totals,
one line per source whose "found" is the number its progress line showed during the crawl (and why
fewer were catalogued), and dead links on the sites said as such, not as a failed harvest."""

from __future__ import annotations

import re

DEAD_LINK = re.compile(r"HTTP (404|410)")


def is_dead_link(error: dict) -> bool:
    """A link on the site to a page or file that is not there (404 Not Found, 410 Gone)."""
    return bool(DEAD_LINK.fullmatch(error.get("error") or ""))


def dead_links_only(results: list[dict]) -> bool:
    """Whether the run's only errors are dead links (and it has some)."""
    errors = [e for r in results for e in (r.get("report") or {}).get("errors") or []]
    return bool(errors) and all(is_dead_link(e) for e in errors)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def source_line(row: dict, result: dict | None, counts: dict | None) -> str:
    """One source: status, materials found by the crawl (as its progress line said) and catalogued,
    responses and errors, the errors named dead links when that is all they are."""
    found = len((result or {}).get("items") or [])
    errors = (result or {}).get("report", {}).get("errors") or []
    dead = sum(is_dead_link(e) for e in errors)
    status = row["status"]
    if status == "partial" and errors and dead == len(errors):
        status = "ok"  # the crawl was whole: some links on the site lead nowhere
    why = []
    elsewhere = (counts or {}).get("elsewhere", 0)
    if elsewhere:
        why.append(f"{elsewhere} already catalogued from another source")
    repeated = found - row["materials"] - elsewhere
    if repeated > 0:
        why.append(f"{repeated} found twice")
    explained = f" ({', '.join(why)})" if why else ""
    problems = plural(dead, "dead link") if errors and dead == len(errors) else plural(len(errors), "error")
    if dead and dead < len(errors):
        problems += f" ({dead} of them dead links)"
    return (
        f"  {row['source_id']:28} {status:8} {found:4} found, {row['materials']:4} materials catalogued"
        f"{explained}, {row['pages_fetched']} responses, {problems}"
    )


def summary(run: dict, rows: list[dict], results: list[dict], counts: dict[str, dict]) -> list[str]:
    """The lines printed after a harvest (standard output)."""
    by_source = {r["source_id"]: r for r in results}
    status = run["status"]
    errors = plural(run["errors"], "error")
    if status == "partial" and dead_links_only(results):
        status = "ok"
        errors = (
            f"{plural(run['errors'], 'dead link')} on the sites (listed below; not a fault of the harvest)"
        )
    lines = [
        f"harvest run {run['id']}: {status} - {run['materials']} materials ({run['new_materials']} new) "
        f"from {len(rows)} sources, {run['pages_fetched']} responses "
        f"({run['not_modified']} not modified, {run['bytes']} bytes), {run['gone_materials']} gone, {errors}"
    ]
    lines += [source_line(r, by_source.get(r["source_id"]), counts.get(r["source_id"])) for r in rows]
    for result in results:
        for error in (result.get("report") or {}).get("errors") or []:
            if is_dead_link(error):
                linked = f" (linked from {error['referrer']})" if error.get("referrer") else ""
                lines.append(f"  dead link: {error['url']}{linked}")
    return lines
