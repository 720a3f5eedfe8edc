"""The Material item: the one record every stage shares, from spider to catalogue.

Spiders fill what they saw (url, kind, text, declared language …); the pipelines add
the canonical id, the material decision and the tags. The JSON Schema in
schema/material.schema.json is the contract and is checked before anything is stored.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jsonschema
import scrapy

from harvester.tagging.vocabulary import with_enums

SCHEMA_PATH = Path(__file__).parent / "schema" / "material.schema.json"

# Characters no catalogue text needs and XML 1.0 cannot carry: C0 controls but tab, newline and
# carriage return, DEL, C1 controls, lone surrogates and the two non-characters U+FFFE/U+FFFF. One
# such character in one title made every OAI-PMH and Atom page holding it ill-formed.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What a material's fields may hold, in characters: a hostile page of 20 MB must not become 20 MB
# of catalogue text (and of memory while the crawl holds its items). `text` follows the setting
# AINEISTOPANKKI_MAX_TEXT_CHARS; the others are far above any real title or heading.
FIELD_LIMITS = {
    "title": 1_000,
    "description": 5_000,
    "headings": 500,  # each heading
    "images": 500,  # each alt text
    "link_texts": 500,  # each link text
}
MAX_LIST_ENTRIES = 500  # headings, images, link texts, locations of one material
MAX_TEXT_CHARS = 200_000  # default of AINEISTOPANKKI_MAX_TEXT_CHARS, as for PDF and Office text


def strip_controls(value: str) -> str:
    """A text without control characters (tab, newline and carriage return kept)."""
    return CONTROL_CHARACTERS.sub("", value)


def clean_strings(value):
    """Any record value (str, list, dict, nested) with control characters stripped from every string."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return [clean_strings(v) for v in value]
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    return value


def bound_material(item, max_text: int = MAX_TEXT_CHARS) -> list[str]:
    """Strip control characters from every text of a record and cut each field at its limit, in
    place: THE place where harvested text enters the catalogue's items. Returns what was cut
    (field names with their sizes), for the run's errors."""
    cut: list[str] = []
    for key in list(item.keys()):
        value = item[key]
        if value is None or isinstance(value, bool | int | float):
            continue
        value = clean_strings(value)
        limit = max_text if key == "text" else FIELD_LIMITS.get(key)
        if isinstance(value, str) and limit and len(value) > limit:
            cut.append(f"{key} {len(value)} characters")
            value = value[:limit]
        elif isinstance(value, list) and len(value) > MAX_LIST_ENTRIES:
            cut.append(f"{key} {len(value)} entries")
            value = value[:MAX_LIST_ENTRIES]
        if isinstance(value, list) and limit:
            value = [v[:limit] if isinstance(v, str) else v for v in value]
        item[key] = value
    return cut


class Material(scrapy.Item):
    # identity and provenance (spider)
    url = scrapy.Field()  # the spider: the URL fetched (after redirects); normalised: the canonical URL
    fetched_url = scrapy.Field()
    archived_url = scrapy.Field()  # the Wayback Machine snapshot it was harvested from, for dead sites
    canonical_url = scrapy.Field()
    id = scrapy.Field()
    source_id = scrapy.Field()
    project_id = scrapy.Field()
    kind = scrapy.Field()  # page | file | embed
    format = scrapy.Field()  # html | pdf | docx | video | …
    content_type = scrapy.Field()
    size_bytes = scrapy.Field()
    content_hash = scrapy.Field()
    referrer = scrapy.Field()  # the page that linked or embedded it
    link_texts = scrapy.Field()  # anchor texts of the links pointing to it
    fetched_at = scrapy.Field()
    # extracted content (extract/)
    title = scrapy.Field()
    description = scrapy.Field()
    text = scrapy.Field()
    headings = scrapy.Field()
    images = scrapy.Field()  # alt texts and file names of the images in the content
    declared_language = scrapy.Field()
    hreflang = scrapy.Field()  # {lang: url} of the page's declared language versions
    published = scrapy.Field()
    license = scrapy.Field()  # AOE licence code (CCBY4.0 …) of a licence statement
    page_signals = scrapy.Field()  # facts the material decision uses (word count, link density …)
    # decisions (pipelines)
    is_material = scrapy.Field()
    material_reason = scrapy.Field()
    type = scrapy.Field()
    languages = scrapy.Field()
    plain_language = scrapy.Field()
    phases = scrapy.Field()
    audiences = scrapy.Field()
    tag_evidence = scrapy.Field()
    tag_key = scrapy.Field()  # hash of everything the tags depend on; equal key → the stored tags still hold
    alternates = scrapy.Field()  # canonical URLs of its declared language versions
    locations = scrapy.Field()  # every URL the material was found at in this harvest


class ProjectRecord(scrapy.Item):
    """A project's record in the EURA2014 register; it updates the projects table, it is no material."""

    register_url = scrapy.Field()
    source_id = scrapy.Field()
    eura_code = scrapy.Field()
    name = scrapy.Field()
    start = scrapy.Field()
    end = scrapy.Field()
    applicant = scrapy.Field()
    applicant_business_id = scrapy.Field()
    partners = scrapy.Field()
    website = scrapy.Field()
    contact_email = scrapy.Field()
    place = scrapy.Field()
    status = scrapy.Field()
    summary = scrapy.Field()


class ProjectAbout(scrapy.Item):
    """A pilot project's own "about" page: it describes the project in the projects table."""

    project_id = scrapy.Field()
    url = scrapy.Field()
    title = scrapy.Field()
    text = scrapy.Field()
    language = scrapy.Field()


class RepositoryRecord(scrapy.Item):
    """A record of another repository (AOE over OAI-PMH): its identifier and the URLs it links."""

    identifier = scrapy.Field()
    urls = scrapy.Field()
    title = scrapy.Field()
    source_id = scrapy.Field()


@lru_cache(maxsize=1)
def material_schema() -> dict:
    """The schema with the vocabularies' ids as enums: the ids are written once, in vocab/*.yml."""
    return with_enums(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = material_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_material(item: dict) -> None:
    """Raise jsonschema.ValidationError when a stored material breaks the contract."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(dict(item)))
    if error is not None:
        raise error
