"""An OAI-PMH repository as a source: which catalogue materials AOE (aoe.fi) already holds.

AOE publishes its materials over OAI-PMH (oai_dc with its lrmi_fi elements, 20 records a page). The
spider lists the records, follows resumption tokens and yields each record's identifier and the
URLs of its files and links; the catalogue marks the materials at those URLs `in_aoe`, so that
coordinators see what still has to be taken to AOE.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from lxml import etree

from harvester.items import RepositoryRecord
from harvester.spiders.site import SiteSpider

OAI = "http://www.openarchives.org/OAI/2.0/"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class OaiPmhSpider(SiteSpider):
    name = "oaipmh"

    async def start(self):
        for url in self.source.start_urls:
            query = (
                ""
                if "verb=" in url
                else ("&" if "?" in url else "?")
                + urlencode({"verb": "ListRecords", "metadataPrefix": "oai_dc"})
            )
            yield self.request(url + query, self.parse_records, base=url.split("?")[0])

    def parse_records(self, response):
        try:
            root = etree.fromstring(response.body, PARSER)
        except etree.XMLSyntaxError as exc:
            self.record_error(response.url, f"not OAI-PMH XML: {exc}")
            return
        error = root.find(f"{{{OAI}}}error")
        if error is not None and error.get("code") != "noRecordsMatch":
            self.record_error(response.url, f"OAI-PMH error {error.get('code')}: {error.text or ''}")
            return
        for record in root.iter(f"{{{OAI}}}record"):
            header = record.find(f"{{{OAI}}}header")
            identifier = header.findtext(f"{{{OAI}}}identifier")
            if header.get("status") == "deleted" or not identifier:
                continue
            urls = {
                text.strip()
                for text in record.xpath(".//*[local-name()='identifier' or local-name()='url']/text()")
                if urlsplit(text.strip()).scheme in ("http", "https")
            }
            title = record.xpath("string(.//*[local-name()='title'][1])").strip()
            yield RepositoryRecord(
                identifier=identifier, urls=sorted(urls), title=title, source_id=self.source.id
            )
        token = root.findtext(f".//{{{OAI}}}resumptionToken")
        if token and token.strip():
            base = response.meta["base"]
            yield self.request(
                f"{base}?{urlencode({'verb': 'ListRecords', 'resumptionToken': token.strip()})}",
                self.parse_records,
                base=base,
            )
