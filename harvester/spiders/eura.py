"""The EURA2014 register spider: project records, not materials, into the `projects` table.

It crawls the register pages in its scope like the site spider and yields one ProjectRecord per
project page; the catalogue matches them to the pilot projects by their EURA code.
"""

from __future__ import annotations

from harvester.extract.eura import extract_register_page
from harvester.extract.html import extract_html
from harvester.items import ProjectRecord
from harvester.spiders.documents import decode_html
from harvester.spiders.site import SiteSpider


class EuraSpider(SiteSpider):
    name = "eura"

    def parse(self, response):
        url, _ = self.page_url(response)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        text = decode_html(response.body, content_type)
        record = extract_register_page(text)
        if record:
            yield ProjectRecord(register_url=url, source_id=self.source.id, **record)
        yield from self.follow(url, extract_html(text, url).links)
