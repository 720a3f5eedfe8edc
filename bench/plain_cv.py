"""How well the plain-language register model generalises: cross-validated on real marked texts.

The register model (harvester/tagging/plain_language.py, REGISTER_MODEL) has a few coefficients fitted
by logistic regression on plain.jsonl (real publisher-marked selkokieli/lättläst and standard texts on
the same topics, ../shared/realdata/, never copied into the repository). A figure measured on the set it
was fitted on says little, so this script refits the same features on training folds only and scores
the texts it did not see:

- repeated stratified 5-fold cross-validation (10 repeats): mean and spread of P / R / F1;
- leave-one-source-out: every publisher's texts scored by a model fitted on the other publishers (Yle's
  selkouutiset, on yle.fi and as LingQ transcripts, count as one source: 50 of the 67 plain Finnish
  texts, so holding them out asks a model fitted on 17 plain texts to find them);
- a single stratified half split (fitted on one half, scored on the other, both ways);
- the shipped coefficients on the whole set (a development figure: they were fitted on it).

On each training fold the threshold is the one with the highest recall at precision >= 0.95 there,
set half-way to the next lower score. `--fit` prints coefficients fitted on the whole set, in the form
REGISTER_MODEL takes. Usage: python bench/plain_cv.py [--data DIR] [--lang fi] [--fit]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harvester.tagging.plain_language import (  # noqa: E402
    REGISTER_MIN_SENTENCE_WORDS,
    REGISTER_MIN_WORDS,
    REGISTER_MODEL,
    REGISTER_THRESHOLD,
    readability,
)
from harvester.tagging.register_features import paragraph_words  # noqa: E402

MIN_PRECISION = 0.95
REPEATS = 10
FOLDS = 5


def source_of(entry: dict) -> str:
    """The publisher: the source's host, with Yle's selkouutiset (yle.fi and LingQ copies) as one."""
    host = re.sub(r"^(https?://)?(www\.|iwwww\.)?", "", entry["source"]).split("/")[0].split(" ")[0]
    if entry["plain"] and host == "lingq.com":  # transcripts of Yle's selkouutiset, of 8 Sidor in Swedish
        return "yle-selkouutiset" if entry["lang"] == "fi" else "8sidor.se"
    if entry["plain"] and host == "yle.fi":
        return "yle-selkouutiset"
    return host


def load(path: Path, lang: str, features: list[str] | None = None) -> list[dict]:
    features = features or [name for name in REGISTER_MODEL[lang] if name != "intercept"]
    items = []
    for entry in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        if entry["lang"] != lang:
            continue
        measure = readability(entry["text"][:20000], lang)
        # Measured here only, for comparison: kept out of the model (see REGISTER_MODEL's comment).
        measure["log_paragraph_words"] = math.log(max(paragraph_words(entry["text"][:20000]), 1.0))
        items.append(
            {
                "x": [measure.get(name, 0.0) for name in features],
                "y": int(bool(entry["plain"])),
                "source": source_of(entry),
                "judged": measure["words"] >= REGISTER_MIN_WORDS
                and measure["sentence_words"] >= REGISTER_MIN_SENTENCE_WORDS,
                "shipped": measure.get("score", -99.0),
            }
        )
    return items


def fit(xs: list[list[float]], ys: list[int], l2: float = 1.0, steps: int = 400) -> tuple[list[float], float]:
    """L2-regularised logistic regression by gradient descent on standardised features."""
    n, d = len(xs), len(xs[0])
    mean = [sum(x[j] for x in xs) / n for j in range(d)]
    spread = [max(1e-9, math.sqrt(sum((x[j] - mean[j]) ** 2 for x in xs) / n)) for j in range(d)]
    zs = [[(x[j] - mean[j]) / spread[j] for j in range(d)] for x in xs]
    w, b = [0.0] * d, 0.0
    for _ in range(steps):
        gw, gb = [l2 * wj / n for wj in w], 0.0
        for z, y in zip(zs, ys, strict=True):
            error = 1 / (1 + math.exp(-(b + sum(a * c for a, c in zip(w, z, strict=True))))) - y
            gb += error / n
            for j in range(d):
                gw[j] += error * z[j] / n
        w = [wj - 0.5 * g for wj, g in zip(w, gw, strict=True)]
        b -= 0.5 * gb
    weights = [w[j] / spread[j] for j in range(d)]
    return weights, b - sum(w[j] * mean[j] / spread[j] for j in range(d))


def score(model: tuple[list[float], float], x: list[float]) -> float:
    return model[1] + sum(a * c for a, c in zip(model[0], x, strict=True))


def threshold(scores: list[float], ys: list[int], judged: list[bool]) -> float:
    """Highest recall at precision >= MIN_PRECISION on these scores, half-way to the next lower score."""
    ranked = sorted(((s, y) for s, y, j in zip(scores, ys, judged, strict=True) if j), reverse=True)
    best, best_tp, tp, fp = ranked[0][0] + 1.0, 0, 0, 0
    for i, (s, y) in enumerate(ranked):
        tp += y
        fp += not y
        last = i + 1 == len(ranked) or ranked[i + 1][0] < s
        if last and tp / (tp + fp) >= MIN_PRECISION and tp > best_tp:
            below = ranked[i + 1][0] if i + 1 < len(ranked) else s - 1.0
            best, best_tp = (s + below) / 2, tp
    return best


def prf(got: list[bool], want: list[int]) -> tuple[float, float, float]:
    tp = sum(g and w for g, w in zip(got, want, strict=True))
    fp = sum(g and not w for g, w in zip(got, want, strict=True))
    fn = sum(w and not g for g, w in zip(got, want, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def predict(items: list[dict], train: list[int], test: list[int]) -> dict[int, bool]:
    model = fit([items[i]["x"] for i in train], [items[i]["y"] for i in train])
    cut = threshold(
        [score(model, items[i]["x"]) for i in train],
        [items[i]["y"] for i in train],
        [items[i]["judged"] for i in train],
    )
    return {i: items[i]["judged"] and score(model, items[i]["x"]) >= cut for i in test}


def stratified_folds(items: list[dict], k: int, rng: random.Random) -> list[list[int]]:
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in (1, 0):
        members = [i for i, item in enumerate(items) if item["y"] == label]
        rng.shuffle(members)
        for n, i in enumerate(members):
            folds[n % k].append(i)
    return folds


def cross_validated(items: list[dict], repeats: int = REPEATS, k: int = FOLDS, seed: int = 12) -> list[tuple]:
    rng = random.Random(seed)
    results = []
    for _ in range(repeats):
        got: dict[int, bool] = {}
        for fold in stratified_folds(items, k, rng):
            held = set(fold)
            got.update(predict(items, [i for i in range(len(items)) if i not in held], fold))
        results.append(prf([got[i] for i in range(len(items))], [item["y"] for item in items]))
    return results


def leave_one_source_out(items: list[dict]) -> tuple[tuple, dict[str, tuple[int, int]]]:
    got: dict[int, bool] = {}
    for source in sorted({item["source"] for item in items}):
        test = [i for i, item in enumerate(items) if item["source"] == source]
        train = [i for i, item in enumerate(items) if item["source"] != source]
        if not any(items[i]["y"] for i in train):
            continue
        got.update(predict(items, train, test))
    per_source: dict[str, tuple[int, int]] = {}
    for i, item in enumerate(items):
        if item["y"]:
            found, total = per_source.get(item["source"], (0, 0))
            per_source[item["source"]] = (found + got[i], total + 1)
    return prf([got[i] for i in range(len(items))], [item["y"] for item in items]), per_source


def half_split(items: list[dict], seed: int = 12) -> tuple:
    halves = stratified_folds(items, 2, random.Random(seed))
    got = {**predict(items, halves[0], halves[1]), **predict(items, halves[1], halves[0])}
    return prf([got[i] for i in range(len(items))], [item["y"] for item in items])


def shipped(items: list[dict], lang: str) -> tuple:
    return prf(
        [item["judged"] and item["shipped"] >= REGISTER_THRESHOLD[lang] for item in items],
        [item["y"] for item in items],
    )


def summary(results: list[tuple]) -> dict:
    columns = list(zip(*results, strict=True))
    return {
        name: (statistics.mean(values), statistics.pstdev(values))
        for name, values in zip(("p", "r", "f1"), columns, strict=True)
    }


def evaluate(path: Path, lang: str, features: list[str] | None = None) -> dict:
    items = load(path, lang, features)
    loso, per_source = leave_one_source_out(items)
    return {
        "items": len(items),
        "plain": sum(item["y"] for item in items),
        "cv": summary(cross_validated(items)),
        "loso": loso,
        "per_source": per_source,
        "half": half_split(items),
        "shipped": shipped(items, lang),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "realdata")
    parser.add_argument("--lang", action="append", choices=sorted(REGISTER_MODEL))
    parser.add_argument("--fit", action="store_true", help="print coefficients fitted on the whole set")
    parser.add_argument(
        "--features", help="readability() measures to fit instead of the model's, comma-separated"
    )
    args = parser.parse_args()
    path = args.data / "plain.jsonl"
    if not path.exists():
        print(f"plain_cv: skipped (no {path}; give --data DIR)")
        return
    figures = {}
    for lang in args.lang or ["fi", "sv"]:
        features = args.features.split(",") if args.features else None
        if args.fit:
            items = load(path, lang, features)
            weights, intercept = fit([i["x"] for i in items], [i["y"] for i in items])
            names = features or [name for name in REGISTER_MODEL[lang] if name != "intercept"]
            cut = threshold(
                [score((weights, intercept), i["x"]) for i in items],
                [i["y"] for i in items],
                [i["judged"] for i in items],
            )
            terms = ", ".join(f"{n} {w:.2f}" for n, w in zip(names, weights, strict=True))
            print(f"{lang}: intercept {intercept:.2f}, {terms}")
            print(f"{lang}: threshold at precision >= {MIN_PRECISION} on the whole set: {cut:.2f}")
        result = figures[lang] = evaluate(path, lang, features)
        cv = result["cv"]
        print(f"{lang} ({result['items']} texts, {result['plain']} plain), P / R / F1:")
        print(
            f"  cross-validated ({REPEATS}x{FOLDS}-fold, mean ± sd): "
            + " / ".join(f"{cv[k][0]:.3f} ± {cv[k][1]:.3f}" for k in ("p", "r", "f1"))
        )
        print("  leave one source out:             " + " / ".join(f"{v:.3f}" for v in result["loso"]))
        found = ", ".join(f"{s} {f}/{t}" for s, (f, t) in sorted(result["per_source"].items()))
        print(f"    plain texts found per held-out source: {found}")
        print("  half split, both ways:            " + " / ".join(f"{v:.3f}" for v in result["half"]))
        print("  shipped model on the whole set:   " + " / ".join(f"{v:.3f}" for v in result["shipped"]))
    fi = figures.get("fi")
    if fi:
        print(
            f"plain_cv: fi_cv_f1={fi['cv']['f1'][0]:.3f} fi_cv_f1_sd={fi['cv']['f1'][1]:.3f} "
            f"fi_cv_p={fi['cv']['p'][0]:.3f} fi_loso_f1={fi['loso'][2]:.3f} fi_half_f1={fi['half'][2]:.3f} "
            f"fi_shipped_f1={fi['shipped'][2]:.3f}"
        )


if __name__ == "__main__":
    main()
