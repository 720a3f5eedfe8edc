"""A stand-in for aoe.fi's OAI-PMH endpoint on loopback: oai_dc records with AOE's lrmi_fi elements,
20 records a page with resumption tokens, as AOE publishes them."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from helpers import LoopbackServer

PAGE = 20


def record(number: int, urls: list[str], deleted: bool = False) -> str:
    status = ' status="deleted"' if deleted else ""
    header = (
        f"<header{status}><identifier>oai:aoe.fi:{number}</identifier>"
        "<datestamp>2021-03-04T10:00:00Z</datestamp></header>"
    )
    if deleted:
        return f"<record>{header}</record>"
    materials = "".join(
        f'<lrmi_fi:material><lrmi_fi:name xml:lang="fi">Liite {i}</lrmi_fi:name>'
        f"<lrmi_fi:url>{escape(url)}</lrmi_fi:url>"
        "<lrmi_fi:inLanguage>fi</lrmi_fi:inLanguage></lrmi_fi:material>"
        for i, url in enumerate(urls)
    )
    return (
        f'<record>{header}<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:lrmi_fi="http://dublincore.org/dcx/lrmi-terms/1.1/">'
        f'<dc:title xml:lang="fi">Oppimateriaali {number}</dc:title><dc:rights>CCBY4.0</dc:rights>{materials}'
        "</oai_dc:dc></metadata></record>"
    )


class FakeAoe(LoopbackServer):
    def __init__(self, records: list[str]):
        self.records = records
        self.requests: list[str] = []
        self.broken_offsets: set[int] = set()  # pages that answer 500 (a failing repository)

    @property
    def base(self) -> str:
        return f"{self.origin}/meta/oaipmh"

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.requests.append(self.path)
                args = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                offset = int(args.get("resumptionToken", "0"))
                if offset in fake.broken_offsets:
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                page = fake.records[offset : offset + PAGE]
                more = offset + PAGE < len(fake.records)
                value = offset + PAGE if more else ""
                size = len(fake.records)
                token = (
                    f'<resumptionToken cursor="{offset}" completeListSize="{size}">{value}</resumptionToken>'
                )
                body = (
                    '<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                    "<responseDate>2026-11-28T00:00:00Z</responseDate>"
                    '<request verb="ListRecords">x</request>'
                    f"<ListRecords>{''.join(page)}{token}</ListRecords></OAI-PMH>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
