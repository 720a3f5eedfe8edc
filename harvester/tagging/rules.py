"""Keyword scoring of phases, audiences and type over a material's fields.

Each field has a weight (a title names what a material is far more reliably than a
passing word in its body); each keyword hit adds its weight × the field's weight,
a keyword counting at most three times per field. The project's phases act as a
prior that adds to, never replaces, what the content says.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import Term, load

FIELD_WEIGHTS = {
    "title": 3.0,
    "link_text": 3.0,
    "url": 2.0,
    "headings": 1.0,
    "description": 1.0,
    "text": 0.15,
}
MAX_HITS_PER_FIELD = 3
PRIOR_SCORE = 2.0
MULTI_TAG_SHARE = 0.5  # a second phase/audience is kept when it scores this share of the best


@dataclass
class Scored:
    id: str
    score: float
    matched: list[str]


def score(terms: tuple[Term, ...], fields: dict[str, str]) -> list[Scored]:
    """Score every term over the given fields; highest first, zero scores left out."""
    lowered = {name: (value or "").lower() for name, value in fields.items()}
    results = []
    for term in terms:
        total = 0.0
        matched: list[str] = []
        for pattern, weight, keyword in term.patterns:
            for field, value in lowered.items():
                hits = min(len(pattern.findall(value)), MAX_HITS_PER_FIELD) if value else 0
                if hits:
                    total += hits * weight * FIELD_WEIGHTS.get(field, 1.0)
                    matched.append(f"{field}:{keyword.lstrip('~')}")
        if total > 0:
            results.append(Scored(term.id, round(total, 2), sorted(set(matched))))
    return sorted(results, key=lambda s: -s.score)


def pick_type(fields: dict[str, str], default: str) -> tuple[str, dict]:
    """The one type of a material: the best keyword score in title, link text or URL, else the default."""
    strong = {k: v for k, v in fields.items() if k in ("title", "link_text", "url")}
    ranked = score(load("types"), strong)
    if ranked:
        best = ranked[0]
        return best.id, {"method": "rule", "matched": best.matched, "score": best.score}
    ranked = score(load("types"), {k: v for k, v in fields.items() if k in ("headings", "description")})
    if ranked and ranked[0].score > 3:  # one weak hit (e.g. "how to" in a description) is not enough
        best = ranked[0]
        return best.id, {"method": "rule", "matched": best.matched, "score": best.score}
    return default, {"method": "default", "matched": [], "score": 0}


def pick_many(
    vocabulary: str, fields: dict[str, str], prior: list[str] | None = None
) -> tuple[list[str], dict]:
    """Phases or audiences: the best-scoring ids (several when close), with the prior added."""
    ranked = {s.id: s for s in score(load(vocabulary), fields)}
    for pid in prior or []:
        entry = ranked.setdefault(pid, Scored(pid, 0.0, []))
        entry.score = round(entry.score + PRIOR_SCORE, 2)
        entry.matched.append("prior:project")
    if not ranked:
        return [], {}
    ordered = sorted(ranked.values(), key=lambda s: -s.score)
    top = ordered[0].score
    chosen = [s for s in ordered if s.score >= top * MULTI_TAG_SHARE][:3]
    evidence = {
        s.id: {
            "method": "prior" if s.matched == ["prior:project"] else "rule",
            "matched": s.matched,
            "score": s.score,
        }
        for s in chosen
    }
    return [s.id for s in chosen], evidence
