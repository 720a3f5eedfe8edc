"""The metadata of one OAI-PMH record, built with lxml: Dublin Core from the material and its AOE
record (harvester/export/aoe.py), plus, for lrmi_fi, the elements aoe.fi adds to its oai_dc records
(see AOE's OAI-PMH output)."""

from __future__ import annotations

import json

from lxml import etree

from harvester.export.xmltext import xml_text

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
LRMI_NS = "http://dublincore.org/dcx/lrmi-terms/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _add(parent, namespace: str, tag: str, text=None, lang: str | None = None):
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    if text is not None:
        element.text = xml_text(text)
    if lang:
        element.set(XML_LANG, xml_text(lang))
    return element


def metadata(row: dict, aoe: dict, lrmi: bool, schema: str):
    """The oai_dc:dc element of one material; `schema` is the format's schema URL."""
    nsmap = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS} | ({"lrmi_fi": LRMI_NS} if lrmi else {})
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap=nsmap)
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {schema}")
    for field, tag in (("name", "title"), ("description", "description")):
        for lang, text in aoe[field].items():
            if text:
                _add(dc, DC_NS, tag, text, lang)
    for author in aoe["authors"]:
        _add(dc, DC_NS, "creator", author["organization"]["value"])
    for tag, field in (
        ("subject", "keywords"),
        ("publisher", "publisher"),
        ("type", "learningResourceTypes"),
    ):
        for entry in aoe[field]:
            _add(dc, DC_NS, tag, entry["value"])
    languages = json.loads(row.get("languages") or "[]")
    for lang in languages:
        _add(dc, DC_NS, "language", lang)
    _add(dc, DC_NS, "identifier", row["url"])
    for tag, value in (
        ("date", row.get("published")),
        ("format", row.get("format")),
        ("rights", aoe["license"]),
    ):
        if value:
            _add(dc, DC_NS, tag, value)
    if lrmi:
        _lrmi(dc, row, aoe, languages)
    return dc


def _lrmi(dc, row: dict, aoe: dict, languages: list[str]) -> None:
    def add(parent, tag, text=None, lang=None):
        return _add(parent, LRMI_NS, tag, text, lang)

    add(dc, "dateCreated", row["first_seen"])
    add(dc, "dateModified", row.get("updated_at") or row["first_seen"])
    for author in aoe["authors"]:
        add(add(add(dc, "author"), "organization"), "legalName", author["organization"]["value"])
    for keyword in aoe["keywords"]:
        thing = add(add(dc, "about"), "thing")
        add(thing, "name", keyword["value"])
        add(thing, "identifier", keyword["key"])
    for link in aoe["links"]:
        material = add(dc, "material")
        for lang, text in link["displayName"].items():
            if text:
                add(material, "name", text, lang)
        add(material, "url", link["link"])
        add(material, "format", row.get("content_type") or row.get("format") or "")
        add(material, "inLanguage", link["language"])
    for role in aoe["educationalRoles"]:
        add(add(dc, "educationalAudience"), "educationalRole", role["value"])
    for feature in aoe["accessibilityFeatures"]:
        add(dc, "accessibilityFeature", feature["value"])
    for lang in languages:
        add(dc, "inLanguage", lang)
    resource = add(dc, "learningResource")
    for level in aoe["educationalLevels"]:
        add(resource, "educationalLevel", level["value"])
    for use in aoe["educationalUses"]:
        add(resource, "educationalUse", use["value"])
