"""Validate a catalogue: per source, how many materials and how well their fields are filled.

A spider that silently breaks (a redesign, a changed template) shows up here as a source whose
coverage drops or whose materials vanish, so a scheduled job can stop before publishing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from harvester.catalog.queries import source_coverage

# field -> (SQL expression that is 1 when the field is filled, default minimum share)
FIELDS = {
    "title": ("title is not null and trim(title) != ''", 0.95),
    "languages": ("languages is not null and languages != '[]'", 0.90),
    "type": ("type is not null", 1.0),
    "phases": ("phases is not null and phases != '[]'", 0.70),
    "audiences": ("audiences is not null and audiences != '[]'", 0.70),
    "licence": ("license is not null", 0.0),  # no pilot page states a licence: reported, not required
}


@dataclass
class SourceReport:
    source_id: str
    materials: int
    gone: int
    coverage: dict[str, float]
    last_status: str | None
    problems: list[str] = field(default_factory=list)


def validate(db, minimums: dict[str, float] | None = None) -> list[SourceReport]:
    minimums = {name: spec[1] for name, spec in FIELDS.items()} | (minimums or {})
    reports = []
    for row in source_coverage(db, {name: expr for name, (expr, _) in FIELDS.items()}):
        count, gone = row["active"], row["gone"]
        coverage = {name: ((row[name] or 0) / count if count else 0.0) for name in FIELDS}
        report = SourceReport(row["source_id"], count, gone, coverage, row["last_status"])
        if count == 0 and gone:
            report.problems.append(f"no active materials left ({gone} gone)")
        if count:
            for name, share in coverage.items():
                if share < minimums[name]:
                    report.problems.append(
                        f"{name} filled in {share:.0%} of materials (minimum {minimums[name]:.0%})"
                    )
        if row["last_status"] in ("failed", "suspect", "interrupted"):  # interrupted: retired nothing
            reason = row["last_message"] or "nothing could be fetched"
            report.problems.append(f"last harvest {row['last_status']}: {reason}")
        reports.append(report)
    return reports


def render(reports: list[SourceReport]) -> str:
    names = list(FIELDS)
    header = (
        f"{'source':28} {'materials':>9} {'gone':>5}  "
        + " ".join(f"{n[:9]:>9}" for n in names)
        + "  last run"
    )
    lines = [header, "-" * len(header)]
    for r in reports:
        shares = " ".join(f"{r.coverage[n]:>9.0%}" for n in names)
        lines.append(f"{r.source_id:28} {r.materials:>9} {r.gone:>5}  {shares}  {r.last_status or '-'}")
        if r.materials == 0 and not r.problems:
            lines.append(f"  note: {r.source_id} has no materials (a register or index source?)")
        lines.extend(f"  PROBLEM {r.source_id}: {p}" for p in r.problems)
    return "\n".join(lines)


def as_json(reports: list[SourceReport]) -> str:
    return json.dumps([r.__dict__ for r in reports], ensure_ascii=False, indent=2)
