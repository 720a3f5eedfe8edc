"""A synthetic web for benchmarks: H hosts of project-site-like pages and PDFs, each host on its own
loopback address (127.0.0.2, 127.0.0.3 …), so that per-host politeness applies as on the real web.

Pages carry realistic Finnish integration texts (from the demo web) and link onwards and to PDFs
(copies of the demo web's PDFs). Every request is recorded with its arrival time, per host.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from demo.server import LoopbackServer  # noqa: E402

PARAGRAPHS = [
    "Kotoutumiskoulutus alkaa yleensä alkukartoituksen jälkeen. Koulutuksessa opiskellaan suomen tai"
    " ruotsin kieltä, yhteiskuntatietoa ja työelämätaitoja, ja se suunnitellaan yhdessä TE-toimiston kanssa.",
    "Neuvontapisteessä voit kysyä asumisesta, terveyspalveluista, lasten päivähoidosta ja koulusta."
    " Neuvonta on maksutonta, ja tarvittaessa paikalla on tulkki omalla kielelläsi.",
    "Nivelvaiheen ohjaus auttaa hakeutumaan ammatilliseen koulutukseen. Ohjaaja kartoittaa aiemman"
    " osaamisen ja kielitaidon ja tekee opiskelijan kanssa henkilökohtaisen opintopolun.",
    "Työnantajalle tarkoitettu opas kertoo, miten maahanmuuttanut työntekijä perehdytetään ja miten"
    " työpaikalla voidaan tukea suomen kielen oppimista arjen työtehtävissä.",
]


class SyntheticWeb:
    def __init__(self, pages_per_host: list[int], pdfs_per_host: int = 0, section: str = "sivu"):
        self.sizes = pages_per_host
        # "sivu" (a paging segment) makes every page but the home page site furniture by its address,
        # so a harvest leaves its text unread; under "aiheet" each page's text decides (a short page
        # with nothing that makes it a material): the work of reading every page is measured.
        self.section = section
        self.heading = "Opas" if section == "sivu" else "Aihe"
        self.pdfs_per_host = pdfs_per_host
        pdfs = sorted(
            p for p in (REPO / "demo" / "sites").rglob("*") if p.is_file() and p.read_bytes()[:5] == b"%PDF-"
        )
        self.pdf_bodies = [p.read_bytes() for p in pdfs]
        self.servers: list[LoopbackServer] = []
        self.arrivals: dict[int, list[float]] = {}
        self.bytes_sent = 0
        self._lock = threading.Lock()

    def __enter__(self) -> SyntheticWeb:
        for host, size in enumerate(self.sizes):
            server = LoopbackServer((f"127.0.0.{host + 2}", 0), self._handler(host, size))
            self.servers.append(server)
            self.arrivals[host] = []
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def origin(self, host: int) -> str:
        address, port = self.servers[host].server_address[:2]
        return f"http://{address}:{port}"

    def sources_yaml(self) -> str:
        lines = ["sources:"]
        for host in range(len(self.sizes)):
            lines += [
                f"  - id: host-{host}",
                f"    name: Synthetic project site {host}",
                f"    start_urls: ['{self.origin(host)}/']",
            ]
        return "\n".join(lines) + "\n"

    def _page(self, host: int, number: int, size: int) -> bytes:
        # A shallow tree, as on real project sites: every page lists the next ten (the home page 1–10 …).
        children = range(number * 10 + 1, min(size, number * 10 + 11))
        links = [f'<li><a href="/{self.section}/{n}/">Sivu {n}</a></li>' for n in children]
        if self.pdfs_per_host and number < self.pdfs_per_host:
            links.append(f'<li><a href="/tiedostot/opas-{number}.pdf">Opas {number} (PDF)</a></li>')
        text = "".join(
            f"<p>{p}</p>" for p in itertools.islice(itertools.cycle(PARAGRAPHS), number % 4, number % 4 + 3)
        )
        return (
            "<!DOCTYPE html><html lang='fi'><head><meta charset='utf-8'>"
            f"<title>{self.heading} {number} – Hanke {host}</title></head><body>"
            "<header><nav><a href='/'>Etusivu</a></nav></header>"
            f"<main><h1>{self.heading} {number}: kotoutuminen</h1>{text}<ul>{''.join(links)}</ul></main>"
            "<footer><a href='/tietosuojaseloste/'>Tietosuoja</a></footer></body></html>"
        ).encode()

    def _handler(self, host: int, size: int):
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with web._lock:
                    web.arrivals[host].append(time.monotonic())
                path = self.path.split("?")[0]
                status, ctype, body = 404, "text/html", b"<h1>404</h1>"
                if path == "/":
                    status, ctype, body = 200, "text/html; charset=utf-8", web._page(host, 0, size)
                elif path.startswith(f"/{web.section}/"):
                    number = int(path.strip("/").split("/")[1])
                    if number < size:
                        status, ctype, body = 200, "text/html; charset=utf-8", web._page(host, number, size)
                elif path.startswith("/tiedostot/") and web.pdf_bodies:
                    number = int(path.rsplit("-", 1)[1].split(".")[0])
                    status, ctype, body = (
                        200,
                        "application/pdf",
                        web.pdf_bodies[(host + number) % len(web.pdf_bodies)],
                    )
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with web._lock:
                    web.bytes_sent += len(body)

        return Handler
