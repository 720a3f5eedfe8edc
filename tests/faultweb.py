"""A small web of faults on loopback: everything that goes wrong on old project sites.

Each path is one fault; the home page links to all of them and to two sound materials, so a
harvest must finish, catalogue the sound ones and report each fault by URL.
"""

from __future__ import annotations

import io
import time
from http.server import BaseHTTPRequestHandler

from helpers import LoopbackServer

WORDS = (
    "Tämä opas kertoo, miten haet asuntoa, ilmoittaudut työnhakijaksi ja varaat ajan alkukartoitukseen. "
    "Kotoutumiskoulutus alkaa yleensä muutaman kuukauden kuluttua, ja sitä ennen voit osallistua "
    "omakieliseen yhteiskuntaorientaatioon. "
) * 12


def page(title: str, body: str, lang: str = "fi", charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head>{meta}<title>{title}</title></head>"
        "<body><header><nav><a href='/'>Etusivu</a></nav></header>"
        f"<main><h1>{title}</h1>{body}</main></body></html>"
    )


def pdf_bytes(encrypt: bool = False) -> bytes:
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    doc.cell(0, 10, "Opas alkuvaiheeseen", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 11)
    doc.multi_cell(0, 6, "Alkukartoitus ja kotoutumiskoulutus selitettyna. " * 20)
    data = bytes(doc.output())
    if not encrypt:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="salainen", owner_password="omistaja")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HOME_LINKS = [
    ("/opas/", "Opas asunnonhakuun"),
    ("/virhe500/", "Palvelinvirhe"),
    ("/hidas/", "Hidas sivu"),
    ("/silmukka/a", "Uudelleenohjaussilmukka"),
    ("/katkennut.pdf", "Katkennut PDF"),
    ("/vaara-tyyppi.pdf", "PDF väärällä tyypillä"),
    ("/oktetti/", "HTML väärällä tyypillä"),
    ("/cp1252/", "Windows-1252-sivu"),
    ("/latin1/", "ISO-8859-1-sivu"),
    ("/rikki/", "Rikkinäinen HTML"),
    ("/korruptoitunut.pdf", "Korruptoitunut PDF"),
    ("/salattu.pdf", "Salattu PDF"),
    ("/valtava.pdf", "Valtava tiedosto"),
    ("/kalenteri/?kuukausi=1", "Tapahtumakalenteri"),
    ("/yksityinen/opas/", "Robots.txt kieltää"),
    ("/skripti/", "Sivu jonka otsikossa on skripti"),
    ("/tyhja/", "Tyhjä vastaus"),
]


class FaultWeb(LoopbackServer):
    def __init__(self, slow_seconds: float = 4.0):
        self.slow_seconds = slow_seconds
        self.paths: list[str] = []
        self.pdf = pdf_bytes()
        self.encrypted = pdf_bytes(encrypt=True)

    def _handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, ctype, body: bytes, length: int | None = None):
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: C901 - one branch per fault, on purpose
                web.paths.append(self.path)
                path = self.path
                html = "text/html; charset=utf-8"
                if path == "/robots.txt":
                    return self.send(200, "text/plain", b"User-agent: *\nDisallow: /yksityinen/\n")
                if path == "/":
                    links = "".join(f"<li><a href='{href}'>{text}</a></li>" for href, text in HOME_LINKS)
                    return self.send(200, html, page("Vikasivusto", f"<ul>{links}</ul>").encode())
                if path == "/opas/":
                    return self.send(200, html, page("Opas asunnonhakuun", f"<p>{WORDS}</p>").encode())
                if path == "/virhe500/":
                    return self.send(500, html, b"<h1>Internal Server Error</h1>")
                if path == "/hidas/":
                    time.sleep(web.slow_seconds)
                    return self.send(200, html, page("Hidas", f"<p>{WORDS}</p>").encode())
                if path.startswith("/silmukka/"):
                    self.send_response(302)
                    self.send_header("Location", "/silmukka/b" if path.endswith("a") else "/silmukka/a")
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                if path == "/katkennut.pdf":
                    return self.send(200, "application/pdf", web.pdf[:300], length=len(web.pdf))
                if path == "/vaara-tyyppi.pdf":
                    return self.send(200, "text/html", web.pdf)
                if path == "/oktetti/":
                    body = page("Työkirja: harjoituksia suomen kieleen", f"<p>{WORDS}</p>").encode()
                    return self.send(200, "application/octet-stream", body)
                if path == "/cp1252/":
                    body = page("Työnhaun opas äideille", f"<p>{WORDS}</p>", charset=None).encode("cp1252")
                    return self.send(200, "text/html", body)
                if path == "/latin1/":
                    body = page("Käsikirja päiväkodin henkilöstölle", f"<p>{WORDS}</p>", charset=None)
                    return self.send(200, "text/html", body.encode("iso-8859-1"))
                if path == "/rikki/":
                    body = f"<html lang=fi><title>Sanasto</title><main><h1>Sanasto<p>{WORDS}<div><table><td>x"
                    return self.send(200, html, body.encode())
                if path == "/korruptoitunut.pdf":
                    return self.send(
                        200, "application/pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF"
                    )
                if path == "/salattu.pdf":
                    return self.send(200, "application/pdf", web.encrypted)
                if path == "/valtava.pdf":
                    return self.send(200, "application/pdf", b"%PDF-1.4\n", length=200 * 1024 * 1024)
                if path.startswith("/kalenteri/"):
                    month = int(path.rsplit("=", 1)[1])
                    body = page(
                        "Tapahtumat", f"<a href='/kalenteri/?kuukausi={month + 1}'>Seuraava kuukausi</a>"
                    )
                    return self.send(200, html, body.encode())
                if path.startswith("/yksityinen/"):
                    return self.send(200, html, page("Yksityinen", f"<p>{WORDS}</p>").encode())
                if path == "/skripti/":
                    title = "&lt;script&gt;alert('x')&lt;/script&gt; Opas &lt;b&gt;lihavoitu&lt;/b&gt;"
                    body = page("Opas", f"<p>{WORDS}</p>").replace("<h1>Opas</h1>", f"<h1>{title}</h1>")
                    return self.send(200, html, body.encode())
                if path == "/tyhja/":
                    return self.send(200, html, b"")
                return self.send(404, html, b"<h1>404</h1>")

        return Handler
