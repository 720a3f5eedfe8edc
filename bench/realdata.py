"""Quality on real data nobody here wrote, beside the same figures on our own data, in one run.

Every figure goes through `aineistopankki inspect`'s code path (harvester/inspect.py): the item the
harvest would store, normalised, decided and tagged.

- Extraction: the public article-extraction benchmark (181 real pages with checked article bodies),
  scored with the benchmark's own shingle matching (its evaluate.py), our extractor beside
  trafilatura's defaults; own data: tests/eval/pages (75 project-site pages written for this
  project by a helper who never saw the harvester), the same scoring against their main-content lines.
- Discovery (own data only): material or not on tests/eval/pages.
- Main language: languages.jsonl (486 real texts, 19 languages); own data: tests/eval/languages.yml.
- Plain language: plain.jsonl body texts (fi, sv); own data: the plain-language labels of
  tests/eval/materials-*.yml and tests/eval/heldout/. The register model's coefficients were fitted on
  plain.jsonl, so its cross-validated F1 (bench/plain_cv.py: refitted on training folds only) is printed
  beside the figures on the whole set.

The real data is read from outside the repository (--data, default ../shared/realdata) and is a
development set: RESULTS.md says what was tuned on which set.
Usage: python bench/realdata.py [--data DIR] [--errors]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import plain_cv  # noqa: E402  (bench/plain_cv.py, beside this script)
import trafilatura  # noqa: E402

from harvester import inspect  # noqa: E402

EVAL = REPO / "tests" / "eval"


def load_scorer(benchmark: Path):
    """The benchmark's own evaluate.py, so that our F1 is the one its published table uses."""
    spec = importlib.util.spec_from_file_location("article_benchmark_evaluate", benchmark / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def our_text(body: bytes, url: str) -> str:
    try:
        items = inspect.items_from_body(body, url, "text/html")
    except inspect.InspectError:
        return ""
    return items[0].get("text") or "" if items else ""


def theirs(body: bytes) -> str:
    return trafilatura.extract(body) or ""


def extraction(scorer, pages: dict[str, tuple[bytes, str, str]]) -> dict:
    """pages: key → (html bytes, url, true text). Both extractors, scored by the benchmark."""
    results = {}
    for name, extract in (("ours", lambda b, u: our_text(b, u)), ("trafilatura", lambda b, u: theirs(b))):
        started = time.perf_counter()
        scores = [
            scorer.string_shingle_matching(true=true, pred=extract(body, url))
            for body, url, true in pages.values()
        ]
        metrics = scorer.metrics_from_tp_fp_fns(scores)
        metrics["ms"] = (time.perf_counter() - started) / len(pages) * 1000
        results[name] = metrics
    return results


def real_pages(benchmark: Path) -> dict:
    truth = json.loads((benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    return {
        key: (
            gzip.decompress((benchmark / "html" / f"{key}.html.gz").read_bytes()),
            value.get("url") or f"https://example.org/{key}",
            value.get("articleBody", ""),
        )
        for key, value in truth.items()
    }


def own_pages() -> tuple[dict, list[dict]]:
    labels = yaml.safe_load((EVAL / "pages" / "labels.yml").read_text(encoding="utf-8"))
    pages = {
        entry["path"]: (
            (EVAL / "pages" / entry["path"]).read_bytes(),
            entry["url"],
            "\n".join(entry.get("main_content") or []),
        )
        for entry in labels
    }
    return pages, labels


def discovery(labels: list[dict], show: bool) -> dict:
    tp = fp = fn = 0
    short_found = short_total = 0
    for entry in labels:
        record = inspect.inspect_path(EVAL / "pages" / entry["path"], entry["url"])[0]
        got, want = bool(record["is_material"]), bool(entry["is_material"])
        tp += got and want
        fp += got and not want
        fn += want and not got
        if want and len(" ".join(entry.get("main_content") or []).split()) < 150:
            short_total += 1
            short_found += got
        if show and got != want:
            print(f"  discovery {entry['path']}: {got} != {want} ({record['reason']})")
    p, r, f = f1(tp, fp, fn)
    return {"p": p, "r": r, "f1": f, "short": (short_found, short_total), "pages": len(labels)}


def main_language(text: str) -> str:
    record = inspect.judge(inspect.item_from_text(text))
    code = (record["languages"] or ["none"])[0].lower()
    return "zh" if code.startswith("zh") else code


def languages(items: list[dict], show: bool, label: str) -> dict:
    right = defaultdict(int)
    total = defaultdict(int)
    short_right = short_total = 0
    for item in items:
        got = main_language(item["text"])
        ok = got == item["lang"]
        right[item["lang"]] += ok
        total[item["lang"]] += 1
        if item["short"]:
            short_total += 1
            short_right += ok
        if show and not ok:
            print(f"  language ({label}) {item['lang']} → {got}: {item['text'][:70]!r}")
    n = sum(total.values())
    return {
        "all": sum(right.values()) / n,
        "short": short_right / short_total if short_total else 1.0,
        "per": {lang: (right[lang] / total[lang], total[lang]) for lang in sorted(total)},
        "items": n,
    }


def plain(items: list[dict], show: bool, label: str) -> dict:
    """items: {"item": Material, "lang", "plain"} → P/R/F1 per language and overall."""
    counts = defaultdict(lambda: [0, 0, 0])
    for entry in items:
        got = bool(inspect.judge(entry["item"])["plain_language"])
        want = bool(entry["plain"])
        for key in (entry["lang"], "all"):
            counts[key][0] += got and want
            counts[key][1] += got and not want
            counts[key][2] += want and not got
        if show and got != want:
            text = entry["item"].get("text") or ""
            print(f"  plain ({label}) {entry['lang']} {got} != {want}: {text[:70]!r}")
    return {key: f1(*value) for key, value in sorted(counts.items())}


def register_figures(path: Path) -> dict:
    """plain_language.is_plain (the register model on a body text alone) per language."""
    from harvester.tagging.plain_language import is_plain

    counts = defaultdict(lambda: [0, 0, 0])
    for entry in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        got, want = is_plain(entry["text"]), bool(entry["plain"])
        for key in (entry["lang"], "all"):
            counts[key][0] += got and want
            counts[key][1] += got and not want
            counts[key][2] += want and not got
    return {key: f1(*value) for key, value in counts.items()}


def own_plain_items() -> list[dict]:
    entries = []
    for path in sorted(EVAL.glob("materials-*.yml")) + sorted((EVAL / "heldout").glob("materials-*.yml")):
        for m in yaml.safe_load(path.read_text(encoding="utf-8"))["materials"]:
            lang = m["labels"]["languages"][0]
            item = inspect.item_from_text(m.get("text") or "", m["url"])
            item.update(
                kind=m["kind"],
                title=m.get("title") or "",
                link_texts=[m["link_text"]] if m.get("link_text") else [],
                description=m.get("description") or "",
                headings=m.get("headings") or [],
                declared_language=m.get("declared"),
            )
            entries.append({"item": item, "lang": lang, "plain": m["labels"]["plain_language"]})
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "realdata")
    parser.add_argument("--errors", action="store_true", help="print every miss")
    args = parser.parse_args()
    benchmark = args.data / "article-extraction-benchmark"
    if not benchmark.is_dir():
        print(f"realdata: skipped (no real data at {args.data}; give --data DIR)")
        return
    scorer = load_scorer(benchmark)

    real_extraction = extraction(scorer, real_pages(benchmark))
    pages, labels = own_pages()
    own_extraction = extraction(scorer, pages)
    found = discovery(labels, args.errors)

    real_texts = [
        {"text": d["text"], "lang": d["lang"], "short": d["bucket"] == "short"}
        for d in map(json.loads, (args.data / "languages.jsonl").read_text(encoding="utf-8").splitlines())
    ]
    own_texts = [
        {"text": d["text"], "lang": d["lang"], "short": len(d["text"]) < 60}
        for d in yaml.safe_load((EVAL / "languages.yml").read_text(encoding="utf-8"))["items"]
    ]
    real_lang = languages(real_texts, args.errors, "real")
    own_lang = languages(own_texts, args.errors, "own")

    real_plain_items = [
        {"item": inspect.item_from_text(d["text"]), "lang": d["lang"], "plain": d["plain"]}
        for d in map(json.loads, (args.data / "plain.jsonl").read_text(encoding="utf-8").splitlines())
    ]
    real_plain = plain(real_plain_items, args.errors, "real")
    register_alone = register_figures(args.data / "plain.jsonl")
    register_cv = {lang: plain_cv.evaluate(args.data / "plain.jsonl", lang) for lang in ("fi", "sv")}
    own_plain = plain(own_plain_items(), args.errors, "own")

    print(f"{'extraction (F1 / P / R, ms a page)':44} {'real pages':>26} {'own pages':>26}")
    for name in ("ours", "trafilatura"):
        row = [real_extraction[name], own_extraction[name]]
        cells = [f"{m['f1']:.3f} / {m['precision']:.3f} / {m['recall']:.3f} {m['ms']:4.0f}" for m in row]
        print(f"  {name:42} {cells[0]:>26} {cells[1]:>26}")
    print(
        f"discovery on own pages ({found['pages']}): P {found['p']:.3f} R {found['r']:.3f} "
        f"F1 {found['f1']:.3f}; "
        f"short materials found {found['short'][0]}/{found['short'][1]}"
    )
    print(
        f"main language: real {real_lang['all']:.3f} ({real_lang['items']} texts), "
        f"short {real_lang['short']:.3f};"
        f" own {own_lang['all']:.3f} ({own_lang['items']}), short {own_lang['short']:.3f}"
    )
    print("  per language (real accuracy / items | own):")
    for lang, (accuracy, count) in real_lang["per"].items():
        own = own_lang["per"].get(lang)
        print(
            f"    {lang:4} {accuracy:.3f} / {count:3d} | " + (f"{own[0]:.3f} / {own[1]:3d}" if own else "—")
        )
    print("plain language (P / R / F1): real body texts as the tagger judges them | the register model alone")
    print("  (is_plain: no audience needed) | own materials | the register model cross-validated (F1 ± sd)")
    for key in ("fi", "sv", "all"):
        cells = [real_plain.get(key), register_alone.get(key), own_plain.get(key)]
        cv = register_cv.get(key)
        print(
            f"  {key:4} "
            + " | ".join(f"{c[0]:.3f} / {c[1]:.3f} / {c[2]:.3f}" if c else "—" for c in cells)
            + (f" | {cv['cv']['f1'][0]:.3f} ± {cv['cv']['f1'][1]:.3f}" if cv else "")
        )
    per = real_lang["per"]
    print(
        f"realdata: extraction_f1={real_extraction['ours']['f1']:.3f} "
        f"trafilatura_f1={real_extraction['trafilatura']['f1']:.3f} main_lang={real_lang['all']:.3f} "
        f"short={real_lang['short']:.3f} kmr={per.get('kmr', (0,))[0]:.3f} prs={per.get('prs', (0,))[0]:.3f} "
        f"am={per.get('am', (0,))[0]:.3f} plain_f1={real_plain['all'][2]:.3f} "
        f"plain_p={real_plain['all'][0]:.3f} plain_register_f1={register_alone['all'][2]:.3f} "
        f"plain_fi_f1={real_plain['fi'][2]:.3f} plain_fi_p={real_plain['fi'][0]:.3f} "
        f"plain_register_fi_f1={register_alone['fi'][2]:.3f} "
        f"plain_cv_fi_f1={register_cv['fi']['cv']['f1'][0]:.3f} "
        f"plain_cv_sv_f1={register_cv['sv']['cv']['f1'][0]:.3f} "
        f"own_extraction_f1={own_extraction['ours']['f1']:.3f} "
        f"own_trafilatura_f1={own_extraction['trafilatura']['f1']:.3f} own_main_lang={own_lang['all']:.3f} "
        f"own_plain_f1={own_plain['all'][2]:.3f} discovery_p={found['p']:.3f} discovery_r={found['r']:.3f}"
    )


if __name__ == "__main__":
    main()
