"""Image-only PDFs (scans, designs exported as outlines) read by Tesseract.

Only the first OCR_PAGES pages are rendered (PDFium, OCR_DPI) and read: tagging needs a language, a
title and a few paragraphs, not the whole brochure. Tesseract runs as a child process with a time
limit and an address-space limit, so a hostile or huge page costs seconds and a bounded amount of
memory, and a crash of it costs one material's text, never the harvest. The script is found first
(Tesseract's orientation and script detection), then the page is read with that script's languages
of the catalogue: one model per script is both faster and more accurate than all of them at once.
"""

from __future__ import annotations

import csv
import io
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

OCR_PAGES = 2
OCR_DPI = 200
MAX_PIXELS = 4000 * 4000  # a page rendered larger than this (a poster, a hostile MediaBox) is scaled down
PAGE_SECONDS = 30  # Tesseract's time per page
MEMORY_BYTES = 1024 * 1024 * 1024  # Tesseract's address space
LANGUAGES_BY_SCRIPT = {
    "Latin": "fin+swe+eng+est",
    "Arabic": "ara+fas",
    "Cyrillic": "rus+ukr",
    "Ethiopic": "tir",
}
DEFAULT_LANGUAGES = "fin+swe+eng"
# Tesseract's noise filter drops large bold Arabic headings as specks (tried on tests/scanned_pdfs.py)
READ_OPTIONS = ("-c", "textord_noise_rejwords=0", "-c", "textord_noise_rejrows=0")
NEEDED_PACKS = ("fin", "swe", "eng", "ara", "fas", "rus", "ukr", "est", "tir", "kmr", "osd")


PAGES_READ = [0]  # pages this process has given Tesseract: the tests check that text PDFs add none


class OcrError(RuntimeError):
    """OCR could not run or read nothing (no Tesseract, a timeout, a crash)."""


@dataclass
class OcrResult:
    text: str
    runs: list[tuple[str, float]]  # the first page's lines with their heights (for the title)
    pages: int
    seconds: float
    languages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def available_languages() -> set[str]:
    """Tesseract's installed language packs (empty when Tesseract is not installed)."""
    if not shutil.which("tesseract"):
        return set()
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return {line.strip() for line in listed.stdout.splitlines()[1:] if line.strip()}


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _tesseract(image: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["tesseract", str(image), "stdout", *args],
            capture_output=True,
            timeout=PAGE_SECONDS,
            preexec_fn=_limits,  # noqa: PLW1509 - a plain setrlimit, no threads touched
            env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"Tesseract took over {PAGE_SECONDS} s on a page") from exc
    except OSError as exc:
        raise OcrError(f"Tesseract could not run: {exc}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [
            f"status {done.returncode}"
        ]
        raise OcrError(f"Tesseract failed: {reason[0]}")
    return done.stdout.decode("utf-8", "replace")


def _script(image: Path) -> str | None:
    """The page's script by Tesseract's OSD, or None when it cannot tell (too little text)."""
    try:
        report = _tesseract(image, "--psm", "0")
    except OcrError:
        return None
    for line in report.splitlines():
        if line.startswith("Script:"):
            return line.split(":", 1)[1].strip()
    return None


def _lines(tsv: str) -> tuple[list[str], list[tuple[str, float]]]:
    """Tesseract's TSV as lines of text, and each line with the height of its words (its type size)."""
    lines: dict[tuple, list[tuple[str, int]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") == "5" and word and float(row.get("conf") or -1) >= 0:
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            lines.setdefault(key, []).append((word, int(row["height"])))
    texts, runs = [], []
    for key in sorted(lines):
        words = lines[key]
        text = " ".join(w for w, _ in words)
        heights = sorted(h for _, h in words)
        texts.append(text)
        runs.append((text + " ", float(heights[len(heights) // 2])))
    return texts, runs


def ocr_document(document, pages: int = OCR_PAGES) -> OcrResult:
    """The text of a PDF's first pages by OCR. Raises OcrError when Tesseract is missing or fails
    on every page."""
    if not shutil.which("tesseract"):
        raise OcrError("Tesseract is not installed (apt-get install tesseract-ocr)")
    started = time.monotonic()
    texts: list[str] = []
    runs: list[tuple[str, float]] = []
    languages: list[str] = []
    notes: list[str] = []
    read = 0
    with tempfile.TemporaryDirectory(prefix="aineistopankki-ocr-") as folder:
        for number in range(min(len(document), pages)):
            page = document[number]
            try:
                width, height = page.get_size()
                scale = OCR_DPI / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (width * height)) ** 0.5
                image = Path(folder) / f"page-{number}.png"
                page.render(scale=scale, grayscale=True).to_pil().save(image)
            finally:
                page.close()
            PAGES_READ[0] += 1
            try:
                script = _script(image)
                langs = LANGUAGES_BY_SCRIPT.get(script or "", DEFAULT_LANGUAGES)
                lines, page_runs = _lines(_tesseract(image, "-l", langs, "--psm", "3", *READ_OPTIONS, "tsv"))
            except OcrError as exc:
                notes.append(f"page {number + 1}: {exc}")
                continue
            read += 1
            languages.append(langs)
            texts.append("\n".join(lines))
            if not runs:
                runs = page_runs
    if not read:
        raise OcrError("; ".join(notes) or "nothing read")
    return OcrResult("\n".join(texts), runs, read, time.monotonic() - started, languages, notes)
