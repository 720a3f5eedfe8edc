"""A small web of faults on loopback: everything that goes wrong on old project sites.

Each path is one fault; the home page links to all of them and to two sound materials, so a
harvest must finish, catalogue the sound ones and report each fault by URL.
"""

from __future__ import annotations

import io
import json
import time
from http.server import BaseHTTPRequestHandler

from helpers import LoopbackServer

WORDS = (
    "Tämä opas kertoo, miten haet asuntoa, ilmoittaudut työnhakijaksi ja varaat ajan alkukartoitukseen. "
    "Kotoutumiskoulutus alkaa yleensä muutaman kuukauden kuluttua, ja sitä ennen voit osallistua "
    "omakieliseen yhteiskuntaorientaatioon. "
) * 12


# Runs the CLI and prints its peak resident memory (the crawler, and the tagging worker it started).
MEASURED = """
import resource, sys
from harvester.cli import main
code = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"PEAK_RSS_MB {peak} {worker}", file=sys.stderr)
sys.exit(code)
"""


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


# -- hostile input (issue 15): pages too large, control characters, bombs, malformed headers ------

CONTROL = "".join(chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, 0x0E, 0x1F, 0x7F, 0x85, 0x9F))
HUGE_PARAGRAPH = (
    "<p>Kotoutumisen alkuvaiheessa kunta laatii alkukartoituksen, jossa selvitetään kielitaito, "
    "koulutus ja työkokemus. Ohjaaja kertoo, mistä saa tietoa asumisesta ja terveyspalveluista.</p>\n"
).encode()


def pptx_bomb(megabytes: int = 60) -> bytes:
    """A PPTX whose one slide inflates to `megabytes` of XML from a few hundred kilobytes."""
    import zipfile

    run = b"<a:p><a:r><a:t>Tervetuloa</a:t></a:r></a:p>"
    slide = (
        b'<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        b'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>'
        + run * (megabytes * 1024 * 1024 // len(run))
        + b"</p:spTree></p:cSld></p:sld>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("ppt/slides/slide1.xml", slide)
    return out.getvalue()


def docx_unknown_compression() -> bytes:
    """A DOCX whose document part claims a compression method zipfile does not know (99)."""
    import struct
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        package.writestr("word/document.xml", "<w:document/>")
    data = bytearray(out.getvalue())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, local + 8, 99)
    struct.pack_into("<H", data, central + 10, 99)
    return bytes(data)


def pdf_past_pypdf_limits() -> bytes:
    """A PDF whose cross-reference table declares a billion entries: pypdf's LimitReachedError."""
    import re

    return re.sub(rb"xref\n0 (\d+)", b"xref\n0 999999999", pdf_bytes())


def pdf_with_control_title() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.add_metadata({"/Title": f"Opas{CONTROL}kotoutujalle"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class HostileWeb(LoopbackServer):
    """A site that attacks its harvester: `huge_pages` pages of `page_mb` MB each, control characters
    in a title, a link text and PDF metadata, an Office zip bomb, a zip of unknown compression, a PDF
    past pypdf's limits and a WordPress API with a malformed X-WP-TotalPages header."""

    def __init__(self, huge_pages: int = 3, page_mb: int = 20):
        self.huge_pages = huge_pages
        self.page_mb = page_mb
        self.paths: list[str] = []
        self.files = {
            "/ohjaus.pdf": ("application/pdf", pdf_with_control_title()),
            "/pommi.pptx": (
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                pptx_bomb(),
            ),
            "/tuntematon.docx": (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx_unknown_compression(),
            ),
            "/raja.pdf": ("application/pdf", pdf_past_pypdf_limits()),
        }

    def _handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, ctype, body: bytes, headers: dict | None = None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                web.paths.append(self.path)
                html = "text/html; charset=utf-8"
                path = self.path
                if path == "/":
                    links = [(f"/suuri/{n}/", f"Suuri opas {n}") for n in range(1, web.huge_pages + 1)]
                    links += [
                        ("/ohjaus/", f"Ohjaus{CONTROL}merkit"),
                        ("/ohjaus.pdf", "Opas kotoutujalle (PDF)"),
                        ("/pommi.pptx", "Esitys alkuvaiheesta"),
                        ("/tuntematon.docx", "Työkirja"),
                        ("/raja.pdf", "Raja-opas"),
                    ]
                    items = "".join(f"<li><a href='{href}'>{text}</a></li>" for href, text in links)
                    return self.send(200, html, page("Vihamielinen sivusto", f"<ul>{items}</ul>").encode())
                if path.startswith("/suuri/"):
                    return self.huge(path)
                if path == "/ohjaus/":
                    body = page(f"Opas{CONTROL}asunnonhakuun", f"<p>{WORDS}</p><p>Loppu{CONTROL}teksti.</p>")
                    body = body.replace(
                        "<head>", f"<head><meta name='description' content='Kuvaus{CONTROL}'>"
                    )
                    return self.send(200, html, body.encode())
                if path in web.files:
                    ctype, body = web.files[path]
                    return self.send(200, ctype, body)
                if path.startswith("/wp-json/wp/v2/media"):
                    media = [{"source_url": f"{web.origin}/ohjaus.pdf", "title": {"rendered": "Opas"}}]
                    body = json.dumps(media).encode()
                    return self.send(200, "application/json", body, {"X-WP-TotalPages": "kaksi"})
                return self.send(404, html, b"<h1>404</h1>")

            def huge(self, path):
                head = page(f"Suuri opas {path.split('/')[2]}", "<p>").split("<p>")[0].encode() + b"<p>"
                total = web.page_mb * 1024 * 1024
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(total))
                self.end_headers()
                chunk = HUGE_PARAGRAPH * (65536 // len(HUGE_PARAGRAPH))
                sent = 0
                try:
                    self.wfile.write(head)
                    sent = len(head)
                    while sent < total:
                        part = chunk[: total - sent]
                        self.wfile.write(part)
                        sent += len(part)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the harvester stopped reading: what the page cap is for

        return Handler


TOPICS = [
    "Asunnon haku", "Työnhaku", "Alkukartoitus", "Kotoutumiskoulutus", "Terveyspalvelut", "Päivähoito",
    "Koulupolku", "Kielikurssit", "Pankkiasiat", "Verokortti", "Kela-tuet", "Ajokortti",
    "Vapaaehtoistyö", "Harrastukset", "Kirjasto", "Julkinen liikenne", "Jätteiden lajittelu",
    "Vuokrasopimus", "Työsopimus", "Yrittäjyys", "Opiskelu", "Perheen palvelut",
]  # fmt: skip


class MaterialsWeb(LoopbackServer):
    """A plain project site: a home page linking `count` guides. `delay` slows every page (a crawl
    long enough to be stopped), `failing` makes every page but robots.txt answer 503."""

    def __init__(self, count: int = 22, delay: float = 0.0, host: str = "127.0.0.1"):
        self.count = count
        self.delay = delay
        self.failing = False
        self.host = host
        self.paths: list[str] = []

    def start(self):
        import socket
        import threading

        from demo.server import LoopbackServer as Server

        class Server6(Server):
            address_family = socket.AF_INET6

        server_class = Server6 if ":" in self.host else Server
        self.server = server_class((self.host, 0), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.server.server_address[1]}"

    def guide_paths(self) -> list[str]:
        return [f"/opas/{n}/" for n in range(1, self.count + 1)]

    def _handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", "Mon, 02 Mar 2020 10:00:00 GMT")  # cacheable
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                web.paths.append(self.path)
                if self.path == "/robots.txt":
                    return self.send(200, b"User-agent: *\nAllow: /\n")
                time.sleep(web.delay)
                if web.failing:
                    return self.send(503, b"<h1>Service Unavailable</h1>")
                if self.path == "/":
                    links = "".join(
                        f"<li><a href='{path}'>{TOPICS[(n - 1) % len(TOPICS)]} {n}</a></li>"
                        for n, path in enumerate(web.guide_paths(), 1)
                    )
                    return self.send(200, page("Hankkeen oppaat", f"<ul>{links}</ul>").encode())
                if self.path in web.guide_paths():
                    n = int(self.path.split("/")[2])
                    topic = TOPICS[(n - 1) % len(TOPICS)]
                    body = page(f"Opas: {topic.lower()} ({n})", f"<p>{topic}. {WORDS}</p>")
                    return self.send(200, body.encode())
                return self.send(404, b"<h1>404</h1>")

        return Handler
