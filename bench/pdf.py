"""PDF text: pypdf (the reader until issue #16) against PDFium (pypdfium2, the reader now), on our PDFs.

Speed: milliseconds per PDF over the demo web's PDFs (the synthetic web serves copies of them), and
over a 300-page report of which the first MAX_PAGES pages are read. Quality: the share of each
source's words (demo/pdf-src/*.yml, the text the PDF was made from) found in the extracted text, the
titles that match the source's first heading, and the hard cases: encrypted, corrupt, truncated,
a declared-size bomb, many pages, ligatures, a word hyphenated at a line end, and Persian/Arabic
stored in visual order. Final line: `pdf: speedup=… recall_pypdf=… recall_pdfium=… hard_ok=…`.
"""

from __future__ import annotations

import io
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from harvester.extract.pdf import (  # noqa: E402
    MAX_PAGES,
    PdfError,
    _first_heading,
    _largest_text,
    extract_pdf,
    is_useless_title,
)
from harvester.extract.text import clean  # noqa: E402

WORD = re.compile(r"\w+")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def pypdf_text(data: bytes) -> tuple[str, str | None]:
    """The reader until issue #16, as it was: pypdf, the first MAX_PAGES pages, the title by the type
    sizes of the first page (pypdf's text visitor) or the /Title metadata (no reading-order fix)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise PdfError("encrypted PDF")
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        scale = abs(tm[3] or tm[0] or 1) * abs(cm[3] or cm[0] or 1)
        runs.append((text, round((font_size or 0) * scale, 1)))

    texts = []
    for number, page in enumerate(reader.pages[:MAX_PAGES]):
        texts.append(page.extract_text(visitor_text=visit if number == 0 else None) or "")
    text = "\n".join(clean(line) for line in "\n".join(texts).splitlines() if line.strip())
    meta = clean(str((reader.metadata or {}).get("/Title") or ""))
    heading = _largest_text(runs) or _first_heading(text)
    return text, heading if is_useless_title(meta) else meta


def pdfium_text(data: bytes) -> tuple[str, str | None]:
    doc = extract_pdf(data, ocr=False)
    return doc.text, doc.title


def sources() -> list[tuple[bytes, str, str]]:
    """(PDF bytes, source text, the right title) of every demo PDF made from demo/pdf-src: its /Title
    metadata when that is a real title, else its first heading."""
    found = []
    for src in sorted((REPO / "demo" / "pdf-src").glob("*/*.yml")):
        spec = yaml.safe_load(src.read_text(encoding="utf-8"))
        path = REPO / "demo" / "sites" / src.parent.name / spec["output"]
        if path.suffix != ".pdf" or not path.is_file():
            continue
        blocks = [str(next(iter(b.values()))) for b in spec.get("blocks") or []]
        heading = next((str(b["h1"]) for b in spec.get("blocks") or [] if "h1" in b), "")
        meta = str(spec.get("meta_title") or "")
        found.append((path.read_bytes(), "\n".join(blocks), heading if is_useless_title(meta) else meta))
    return found


def recall(source: str, text: str) -> float:
    """The share of the source's words found in the text, in order-free multiset terms."""
    want = WORD.findall(source.lower())
    have: dict[str, int] = {}
    for word in WORD.findall(text.lower()):
        have[word] = have.get(word, 0) + 1
    hits = 0
    for word in want:
        if have.get(word):
            have[word] -= 1
            hits += 1
    return hits / max(1, len(want))


def ms_per_pdf(read, pdfs: list[bytes], rounds: int = 3) -> float:
    read(pdfs[0])
    started = time.perf_counter()
    for _ in range(rounds):
        for data in pdfs:
            read(data)
    return (time.perf_counter() - started) * 1000 / (rounds * len(pdfs))


def fpdf_document(lines: list[str], pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", FONT)
    for number in range(pages):
        pdf.add_page()
        pdf.set_font("DejaVu", "", 11)
        for line in lines:
            pdf.multi_cell(0, 6, line.format(page=number + 1), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def encrypted(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fpdf_document(["Salattu opas maahanmuuttajille"]))))
    writer.encrypt(user_password=user_password, owner_password="omistaja")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hard_cases() -> list[tuple[str, bytes, object]]:
    """(name, PDF, check): check is a word the text must hold, or an error the reader must raise."""
    persian = REPO / "demo/sites/infopiste/tiedostot/esitteet/infopiste_esite_farsi.pdf"
    arabic = REPO / "demo/sites/infopiste/tiedostot/esitteet/infopiste_esite_arabia.pdf"
    plain = fpdf_document(["Kotoutumisen opas " * 20], pages=3)
    return [
        ("owner-password only", encrypted(""), "Salattu"),
        ("user password", encrypted("salainen"), PdfError),
        ("corrupt", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF", PdfError),
        ("truncated", plain[: len(plain) // 3], None),  # an error or partial text, never a crash
        ("declared-size bomb", re.sub(rb"xref\n0 (\d+)", b"xref\n0 999999999", plain), PdfError),
        ("ligatures", fpdf_document(["Palveluiden \ufb01nanssit"]), "finanssit"),
        ("hyphenation", fpdf_document(["Tämä on kotoutu-\nmiskoulutuksen opas"]), "kotoutumiskoulutuksen"),
        ("Persian, visual order", persian.read_bytes(), "برای"),
        ("Arabic, visual order", arabic.read_bytes(), "الإرشاد"),
    ]


def run_case(read, data: bytes, check) -> bool:
    try:
        text, _ = read(data)
    except Exception as exc:  # noqa: BLE001 - any error type counts, the question is which is expected
        return check is None or (isinstance(check, type) and isinstance(exc, check)) or check is PdfError
    if check is None:
        return True
    if isinstance(check, type):
        return False
    return check in WORD.findall(text)


def main() -> None:
    found = sources()
    pdfs = [data for data, _, _ in found]
    long_report = fpdf_document(["Sivu {page}. Kotoutumiskoulutuksen arviointi ja tulokset. " * 8], pages=300)
    print(f"{len(pdfs)} demo PDFs from demo/pdf-src; a 300-page report (first {MAX_PAGES} pages read)")
    figures = {}
    for name, read in (("pypdf", pypdf_text), ("pdfium", pdfium_text)):
        speed = ms_per_pdf(read, pdfs)
        long_ms = ms_per_pdf(read, [long_report], rounds=1)
        recalls = [recall(source, read(data)[0]) for data, source, _ in found]
        titles = sum(clean(read(data)[1] or "") == clean(heading) for data, _, heading in found if heading)
        cases = [(case, run_case(read, data, check)) for case, data, check in hard_cases()]
        figures[name] = (speed, statistics.mean(recalls), sum(ok for _, ok in cases))
        print(
            f"  {name:7} {speed:6.2f} ms/PDF  300 pages {long_ms:7.1f} ms  word recall mean "
            f"{statistics.mean(recalls):.3f} min {min(recalls):.3f}  titles right "
            f"{titles}/{sum(1 for *_, h in found if h)}  hard cases {sum(ok for _, ok in cases)}/{len(cases)}"
        )
        print("           " + ", ".join(f"{case}: {'ok' if ok else 'WRONG'}" for case, ok in cases))
    speedup = figures["pypdf"][0] / figures["pdfium"][0]
    print(
        f"pdf: speedup={speedup:.1f} recall_pypdf={figures['pypdf'][1]:.3f} "
        f"recall_pdfium={figures['pdfium'][1]:.3f} hard_ok={figures['pdfium'][2]}/{len(hard_cases())} "
        f"(pypdf {figures['pypdf'][2]})"
    )


if __name__ == "__main__":
    main()
