"""EURA2014 project register pages: the labelled fields of one project record.

The register prints fixed sections of `<th>Label:</th><td>value</td>` rows, the partners in a table
of name and business id, e-mail addresses as name(at)org.fi and the website field as the applicant
typed it (sometimes empty or mistyped, such as `ww.kiipula.fi`).
"""

from __future__ import annotations

import re
from datetime import date

from lxml import html as lxml_html

from .html import clean

PERIOD = re.compile(
    r"Alkaa\s+(\d{1,2})\.(\d{1,2})\.(\d{4})\s+ja\s+päättyy\s+(\d{1,2})\.(\d{1,2})\.(\d{4})", re.I
)
BUSINESS_ID = re.compile(r"^\d{7}-\d$")


def _date(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def extract_register_page(html: str) -> dict | None:
    """The project's fields, or None when the page is no project record (a search page, an error)."""
    tree = lxml_html.document_fromstring(html)
    fields: dict[str, str] = {}
    links: dict[str, str] = {}
    for row in tree.xpath("//tr[th and td]"):
        label = clean(row.xpath("string(th[1])")).rstrip(":").lower()
        value = clean(row.xpath("string(td[1])"))
        if label and label not in fields:
            fields[label] = value
            href = row.xpath("td[1]//a/@href")
            if href:
                links[label] = href[0].strip()
    code = fields.get("hankekoodi")
    if not code:
        return None
    period = PERIOD.search(fields.get("suunnitelman mukainen toteutusaika", ""))
    partners = []
    for row in tree.xpath("//tr[count(td)=2 and not(th)]"):
        name, business_id = (clean(c.text_content()) for c in row.xpath("td"))
        if name and BUSINESS_ID.match(business_id):
            partners.append({"name": name, "business_id": business_id})
    summary = {
        clean(h.text_content()).lower(): clean(" ".join(h.xpath("following-sibling::*[1][self::p]//text()")))
        for h in tree.xpath("//h3")
    }
    website = links.get("www-osoite") or fields.get("www-osoite") or None
    email = fields.get("sähköposti", "").replace("(at)", "@") or None
    return {
        "eura_code": code,
        "name": fields.get("hankkeen nimi"),
        "start": _date(*period.groups()[:3]) if period else None,
        "end": _date(*period.groups()[3:]) if period else None,
        "applicant": fields.get("hakija"),
        "applicant_business_id": fields.get("y-tunnus"),
        "partners": partners,
        "website": website,
        "contact_email": email,
        "place": fields.get("toteutuspaikka"),
        "status": fields.get("hankkeen tila"),
        "summary": summary.get("tavoitteet") or summary.get("tiivistelmä"),
    }
