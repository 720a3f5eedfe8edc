"""PDF text read in the worker process during a real harvest (Scrapy over HTTP on loopback, the real
catalogue): text and titles as before, OCR of a scanned PDF with evidence that says so, error lines for
unreadable PDFs, and a worker replaced when a file crashes or outlasts its time."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from http.server import BaseHTTPRequestHandler

import pytest
from faultweb import page
from helpers import LoopbackServer, run_cli
from scanned_pdfs import DOCUMENTS, scanned_pdf, text_layer_pdf

from harvester.catalog.evidence import describe
from harvester.extract import ocr
from harvester.extract.pdf import PdfError
from harvester.tagging import worker as worker_module
from harvester.tagging.worker import TaggingWorker

pytestmark = pytest.mark.e2e
HAS_OCR = not (set(ocr.NEEDED_PACKS) - ocr.available_languages())


class PdfWeb(LoopbackServer):
    def __init__(self):
        self.files = {
            "/teksti.pdf": ("Vuokraopas (PDF)", text_layer_pdf("sv")),
            "/skannattu.pdf": ("Skannattu vuokraopas", scanned_pdf("fi")),
            "/rikki.pdf": ("Rikkinäinen opas", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF"),
        }

    def _handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/":
                    links = "".join(
                        f"<li><a href='{p}'>{text}</a></li>" for p, (text, _) in web.files.items()
                    )
                    body, ctype = (
                        page("Vuokraoppaat", f"<ul>{links}</ul>").encode(),
                        "text/html; charset=utf-8",
                    )
                elif self.path in web.files:
                    body, ctype = web.files[self.path][1], "application/pdf"
                else:
                    body, ctype = b"<h1>404</h1>", "text/html"
                self.send_response(200 if ctype == "application/pdf" or self.path == "/" else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture(scope="module")
def harvested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdfweb")
    web = PdfWeb().start()
    sources = folder / "sources.yml"
    sources.write_text(
        f"sources:\n  - id: vuokra\n    name: Vuokra\n    start_urls: ['{web.origin}/']\n", encoding="utf-8"
    )
    db = folder / "catalog.db"
    result = run_cli("harvest", "--sources", str(sources), "--db", str(db), "--delay", "0")
    web.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    materials = {r["url"].rsplit("/", 1)[1]: dict(r) for r in conn.execute("select * from materials")}
    errors = json.loads(conn.execute("select error_details from harvest_run_sources").fetchone()[0])
    conn.close()
    return materials, errors, result


def test_pdf_text_and_title_from_the_worker(harvested):
    materials, _, _ = harvested
    pdf = materials["teksti.pdf"]
    assert pdf["title"] == DOCUMENTS["sv"]["title"]
    assert "hyresbolag" in pdf["text"]
    assert json.loads(pdf["languages"])[0] == "sv"


def test_an_unreadable_pdf_is_an_error_line_and_still_catalogued(harvested):
    materials, errors, _ = harvested
    assert any(e["url"].endswith("/rikki.pdf") and "unreadable PDF" in e["error"] for e in errors), errors
    assert materials["rikki.pdf"]["status"] == "active"


@pytest.mark.skipif(not HAS_OCR, reason="Tesseract or its language packs are not installed (make ocr)")
def test_a_scanned_pdf_is_read_by_ocr_and_the_evidence_says_so(harvested):
    materials, _, _ = harvested
    scan = materials["skannattu.pdf"]
    assert scan["title"] == DOCUMENTS["fi"]["title"]
    assert json.loads(scan["languages"])[0] == "fi"
    language = next(row for row in describe(scan["tag_evidence"]) if row["kind"] == "language")
    assert language["source_key"] == "evidence.source.ocr"
    assert not any(r["source_key"] for r in describe(materials["teksti.pdf"]["tag_evidence"]))


def _in_worker(coroutine_of):
    async def run():
        worker = TaggingWorker(1)
        try:
            return await coroutine_of(worker), worker.restarts
        finally:
            worker.shutdown()

    return asyncio.run(run())


def test_a_crashed_worker_is_replaced_and_the_file_still_read():
    async def crash_then_read(worker):
        # a worker dies as PDFium would on a hostile file: the pool breaks under the next task
        await asyncio.wrap_future(worker.pool.submit(os.getpid))
        os.kill(worker.processes[0].pid, 9)
        return await worker.file_text(text_layer_pdf("fi"), "pdf")

    found, restarts = _in_worker(crash_then_read)
    assert found["title"] == DOCUMENTS["fi"]["title"] and found["text_source"] == "text layer"
    assert restarts == 1


@pytest.mark.skipif(not HAS_OCR, reason="Tesseract or its language packs are not installed (make ocr)")
def test_a_file_over_its_time_is_an_error_and_the_worker_is_replaced(monkeypatch):
    monkeypatch.setattr(worker_module, "FILE_SECONDS", 0.2)

    async def slow_then_fast(worker):
        with pytest.raises(PdfError, match="refused PDF: reading it took over 0 s"):
            await worker.file_text(scanned_pdf("sv", pages=2), "pdf")
        assert worker.restarts == 1
        monkeypatch.setattr(worker_module, "FILE_SECONDS", 60)
        return await worker.file_text(text_layer_pdf("sv"), "pdf")

    found, restarts = _in_worker(slow_then_fast)
    assert found["title"] == DOCUMENTS["sv"]["title"] and restarts == 1


def test_harvest_log_is_clean(harvested):
    _, _, result = harvested
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
