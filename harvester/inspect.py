"""`aineistopankki inspect`: what the harvest makes of one document, and why.

The operator's "why was this tagged so?" tool, and the path every evaluation runs through: a saved
page or file (or a body text alone) goes through the harvest's own code — item building
(spiders/documents.py), normalising, the material decision and tagging — without a crawl and
without a catalogue. Only a URL given as an argument is fetched, once, as politely as the harvest
fetches (robots.txt, the project's User-Agent, size and time limits, no private addresses).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from harvester.classify import decide
from harvester.extract.office import OfficeError
from harvester.extract.pdf import PdfError
from harvester.items import Material
from harvester.middlewares import non_public_address
from harvester.pipelines.normalise import NormalisePipeline
from harvester.registry import Source
from harvester.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT
from harvester.spiders.documents import Context, decode_html, file_material, looks_like_html, page_materials
from harvester.spiders.site import SiteSpider
from harvester.tagging.tagger import tag
from harvester.urls import file_format

FIELDS = (
    "url",
    "kind",
    "format",
    "is_material",
    "reason",
    "title",
    "description",
    "languages",
    "plain_language",
    "type",
    "phases",
    "audiences",
    "tag_evidence",
    "text",
)
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html"}


class InspectError(Exception):
    """A document that cannot be read or fetched: the message names what and why."""


def _content_type(body: bytes, url: str, declared: str = "") -> str:
    if declared:
        return declared
    if body[:5] == b"%PDF-":
        return "application/pdf"
    fmt = file_format(url)
    if fmt:
        return CONTENT_TYPES.get(fmt, "application/octet-stream")
    return "text/html" if looks_like_html(body) else "application/octet-stream"


def source_context(source: Source | None, url: str) -> Context:
    """What a harvest of `source` knows of a URL besides its body: the project, the start and scope
    URLs (a start page is no material) and the source's own hints."""
    if source is None:
        return Context()
    spider = SiteSpider(source)  # its own hints and roots, as a harvest reads them
    return Context(source_id=source.id, project_id=source.project, hint=spider.hint(url), roots=spider.roots)


def items_from_body(
    body: bytes, url: str, content_type: str = "", context: Context | None = None
) -> list[Material]:
    """The items the harvest would make of a fetched body: a page and its video embeds, or a file."""
    content_type = _content_type(body, url, content_type).lower()
    context = context or Context()
    is_pdf = body[:5] == b"%PDF-" or "application/pdf" in content_type
    if not is_pdf and ("html" in content_type or looks_like_html(body)):
        try:
            items, _ = page_materials(decode_html(body, content_type), url, len(body), content_type, context)
        except ValueError as exc:
            raise InspectError(f"unreadable HTML: {exc}") from exc
        return items
    fmt = file_format(url) or ("pdf" if is_pdf else "file")
    try:
        return [file_material(body, url, fmt, content_type, context)]
    except (PdfError, OfficeError) as exc:
        raise InspectError(str(exc)) from exc


def item_from_text(text: str, url: str = "") -> Material:
    """A body text alone (no title, no markup), as a page that says nothing but its text."""
    return Material(
        url=url or "about:text",
        kind="page",
        format="text",
        text=text,
        title=None,
        description=None,
        headings=[],
        images=[],
        link_texts=[],
        hreflang={},
        declared_language=None,
        page_signals={"word_count": len(text.split()), "link_density": 0.0},
    )


def judge(item: Material, project: dict | None = None) -> dict:
    """Normalise, decide and tag one item as the pipelines do; the record `inspect` prints."""
    NormalisePipeline().process_item(item)
    is_material, reason = decide(item)
    tag(item, project)
    record = {field: item.get(field) for field in FIELDS}
    record.update(url=item.get("url"), is_material=is_material, reason=reason)
    return record


@dataclass
class Setting:
    """What the harvest would know besides the document: its source and the source's project."""

    source: Source | None = None
    project: dict | None = None
    link_texts: tuple[str, ...] = ()


def inspect_body(body: bytes, url: str, content_type: str = "", setting: Setting | None = None) -> list[dict]:
    setting = setting or Setting()
    context = source_context(setting.source, url)
    context.link_texts = list(setting.link_texts)
    return [judge(item, setting.project) for item in items_from_body(body, url, content_type, context)]


def inspect_path(path: str | Path, url: str | None = None, setting: Setting | None = None) -> list[dict]:
    path = Path(path)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InspectError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return inspect_body(body, url or path.resolve().as_uri(), setting=setting)


def fetch(url: str) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of one polite GET."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InspectError(f"not an http(s) URL: {url}")
    try:
        ipaddress.ip_address(parts.hostname)  # an address typed by the operator is their choice
    except ValueError:
        private = non_public_address(parts.hostname)
        if private:
            raise InspectError(f"{parts.hostname} resolves to the non-public address {private}") from None
    robots = urllib.robotparser.RobotFileParser(f"{parts.scheme}://{parts.netloc}/robots.txt")
    with contextlib.suppress(urllib.error.URLError, OSError):  # none to be read: allowed, as in a harvest
        robots.read()
    if not robots.can_fetch(USER_AGENT, url):
        raise InspectError(f"robots.txt of {parts.netloc} disallows {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310 - http(s) only
            body = response.read(DOWNLOAD_MAXSIZE + 1)
            if len(body) > DOWNLOAD_MAXSIZE:
                raise InspectError(f"{url} is larger than {DOWNLOAD_MAXSIZE // 2**20} MB")
            return body, response.headers.get("Content-Type", ""), response.geturl()
    except urllib.error.HTTPError as exc:
        raise InspectError(f"{url}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise InspectError(f"{url}: {getattr(exc, 'reason', exc)}") from exc


def inspect_argument(argument: str, url: str | None = None, setting: Setting | None = None) -> list[dict]:
    """A file path, or a URL to fetch."""
    if urlsplit(argument).scheme in ("http", "https"):
        body, content_type, final = fetch(argument)
        return inspect_body(body, url or final, content_type, setting)
    return inspect_path(argument, url, setting)


def inspect_line(line: str, base: Path) -> list[dict]:
    """One JSONL line: {"url", "path"} (a saved page or file; a relative path is taken from the JSONL
    file's folder) or {"url", "text"} (a body text alone)."""
    try:
        entry = json.loads(line)
    except ValueError as exc:
        raise InspectError(f"not JSON: {exc}") from exc
    if not isinstance(entry, dict) or not ({"path", "text"} & entry.keys()):
        raise InspectError('each line needs "path" or "text" (and optionally "url")')
    url = entry.get("url") or ""
    if "text" in entry:
        return [judge(item_from_text(str(entry["text"]), url))]
    setting = Setting(link_texts=tuple(entry.get("link_texts") or ()))
    return inspect_path(base / entry["path"], url or None, setting)


def inspect_jsonl(lines: IO[str], out: IO[str], base: Path) -> int:
    """One JSON object a line, in order: the first item a line makes (the page itself; not its
    embeds), or {"line", "error"}. Returns the number of lines that failed."""
    failed = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = inspect_line(line, base)[0]
        except InspectError as exc:
            failed += 1
            record = {"line": number, "error": str(exc)}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return failed


def describe(record: dict) -> str:
    """A record for people: the decision and each tag with what decided it."""
    evidence = record.get("tag_evidence") or {}

    def why(key: str) -> str:
        found = evidence.get(key) or {}
        matched = found.get("matched")
        if isinstance(matched, dict):
            matched = [f"{k}:{v}" for k, v in matched.items()]
        detail = ", ".join(str(m) for m in (matched or [])[:6])
        return f"  ({found.get('method', '?')}{': ' + detail if detail else ''})" if found else ""

    languages = record.get("languages") or []
    lines = [
        f"== {record['url']}  [{record.get('kind')}, {record.get('format')}]",
        f"material:   {'yes' if record['is_material'] else 'no'} — {record['reason']}",
        f"title:      {record.get('title') or '—'}",
        f"description: {record.get('description') or '—'}",
        "languages:  "
        + (", ".join(languages) or "—")
        + (why(f"language:{languages[0]}") if languages else ""),
        f"plain:      {'yes' if record.get('plain_language') else 'no'}{why('plain_language')}",
        f"type:       {record.get('type')}{why('type:' + str(record.get('type')))}",
    ]
    for vocabulary, prefix in (("phases", "phase"), ("audiences", "audience")):
        values = record.get(vocabulary) or []
        lines.append(f"{vocabulary + ':':11} " + (", ".join(values) or "—"))
        lines.extend(f"    {value}{why(f'{prefix}:{value}')}" for value in values)
    text = (record.get("text") or "").replace("\n", " ¶ ")
    lines.append(f"text:       {len((record.get('text') or '').split())} words: {text[:400]}")
    return "\n".join(lines)
