"""OCR of image-only PDFs: seconds per page and agreement with the text-layer version of the same page.

The documents are our own texts (tests/scanned_pdfs.py) in Finnish, Swedish and Arabic, each made as a
PDF with a text layer and as a "scan" (the page drawn as an image, at SCAN_DPI). For each: Tesseract's
seconds per page (script detection and reading, in a child process), the share of the text layer's
words the OCR text holds, and whether the main language and the title match the text layer's.
A PDF with a text layer is read once more to show that it costs no OCR.
Final line: `ocr: seconds_per_page=… word_agreement=… language_match=k/n title_match=k/n
text_pdfs_ocr_pages=0`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from pdf import recall  # noqa: E402
from scanned_pdfs import DOCUMENTS, scanned_pdf, text_layer_pdf  # noqa: E402

from harvester.extract import ocr  # noqa: E402
from harvester.extract.pdf import extract_pdf  # noqa: E402
from harvester.tagging.language import identify  # noqa: E402

SCAN_DPI = (150, 300)


def main_language(doc) -> str:
    found = identify(doc.text, doc.declared_language, doc.title or "").languages
    return found[0] if found else "?"


def main() -> None:
    missing = set(ocr.NEEDED_PACKS) - ocr.available_languages()
    if missing:
        sys.exit(f"ocr: skipped, Tesseract or its packs {sorted(missing)} are not installed (make ocr)")
    identify("Kotoutumiskoulutus alkaa alkukartoituksen jälkeen.", None, "Opas")  # models loaded first
    per_page, agreement, languages, titles, runs = [], [], 0, 0, 0
    for language in sorted(DOCUMENTS):
        with_text = extract_pdf(text_layer_pdf(language))
        for dpi in SCAN_DPI:
            scan = scanned_pdf(language, dpi=dpi)
            started = time.perf_counter()
            read = extract_pdf(scan)
            seconds = (time.perf_counter() - started) / max(1, read.ocr_pages)
            words = recall(with_text.text, read.text)
            same_language = main_language(read) == main_language(with_text)
            same_title = read.title == with_text.title
            runs += 1
            per_page.append(seconds)
            agreement.append(words)
            languages += same_language
            titles += same_title
            print(
                f"  {language} scanned at {dpi} dpi: {seconds:5.2f} s/page, words {words:.3f}, "
                f"language {main_language(read)} ({'same' if same_language else 'DIFFERENT'}), "
                f"title {'same' if same_title else repr(read.title)}"
            )
    before = ocr.PAGES_READ[0]
    made = [text_layer_pdf(language) for language in sorted(DOCUMENTS)]
    started = time.perf_counter()
    for data in made:
        extract_pdf(data)
    text_ms = (time.perf_counter() - started) * 1000 / len(DOCUMENTS)
    print(f"  text-layer PDFs: {text_ms:.1f} ms each, {ocr.PAGES_READ[0] - before} pages given to OCR")
    print(
        f"ocr: seconds_per_page={statistics.median(per_page):.2f} "
        f"word_agreement={statistics.mean(agreement):.3f} language_match={languages}/{runs} "
        f"title_match={titles}/{runs} text_pdfs_ocr_pages={ocr.PAGES_READ[0] - before}"
    )


if __name__ == "__main__":
    main()
