"""OAI-PMH 2.0 provider: the catalogue as a repository other catalogues (AOE among them) can harvest.

Protocol logic only: `respond(args, store, base_url, repository, now)` answers one request with an
XML document built with lxml. The store (harvester/catalog/queries.py: OaiStore) counts and pages
the rows in SQL, so a request reads one page whatever the catalogue's size. Two metadata formats:
- `oai_dc`: plain Dublin Core, valid against the oai_dc schema;
- `lrmi_fi`: the same Dublin Core record with AOE's `lrmi_fi` elements added, as aoe.fi publishes it
  (lrmi_fi:author, lrmi_fi:material per link, lrmi_fi:educationalAudience, lrmi_fi:learningResource …);
  it is not valid oai_dc, so it declares its own schema (lrmi_fi.xsd beside this module).
Identifiers `oai:aineistopankki:{material id}`; sets `project:{id}` and `phase:{id}`; 20 records a page;
gone materials are deleted records (deletedRecord = persistent: the catalogue never forgets them).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lxml import etree

from harvester.clock import utcnow  # noqa: F401 - the response date; the Datasette plugin imports it here
from harvester.export.aoe import export_records
from harvester.export.oai_metadata import DC_NS, LRMI_NS, OAI_DC_NS, metadata
from harvester.export.xmltext import xml_text

PAGE_SIZE = 20
ID_PREFIX = "oai:aineistopankki:"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
LRMI_XSD = Path(__file__).with_name("lrmi_fi.xsd")
LRMI_XSD_PATH = "/lrmi_fi.xsd"  # served beside the endpoint: {base_url}/lrmi_fi.xsd
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def formats(base_url: str) -> dict[str, tuple[str, str]]:
    """prefix -> (schema URL, namespace) of each metadata format."""
    return {
        "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS),
        "lrmi_fi": (base_url + LRMI_XSD_PATH, LRMI_NS),
    }


class Store(Protocol):
    def count(self, set_spec: str | None, start: str | None, end: str | None) -> int: ...
    def page(self, set_spec, start, end, after: tuple[str, str] | None, limit: int) -> list[dict]: ...
    def material(self, material_id: str) -> dict | None: ...
    def projects(self) -> dict[str, dict]: ...
    def phases(self) -> list[dict]: ...
    def earliest(self) -> str | None: ...


@dataclass
class Repository:
    name: str
    admin_email: str


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _el(parent, tag: str, text=None, **attrs):
    """A child element in the OAI namespace (or `tag` as given when it has a {namespace}); text and
    attribute values pass through xml_text, so no stored or requested value can make the page ill-formed."""
    safe = {name: xml_text(value) for name, value in attrs.items()}
    element = etree.SubElement(parent, tag if tag.startswith("{") else f"{{{OAI_NS}}}{tag}", safe)
    if text is not None:
        element.text = xml_text(text)
    return element


def respond(args: dict[str, list[str]], store: Store, base_url: str, repository: Repository, now: str) -> str:
    """The XML answer to one OAI-PMH request (args as parsed from the query string, lists of values;
    now: the response date, as harvester.clock.utcnow() gives it)."""
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    _el(root, "responseDate", now)
    request = _el(root, "request", base_url)
    verb = (args.get("verb") or [None])[0]
    try:
        if len(args.get("verb") or []) != 1 or verb not in VERBS:
            raise OaiError("badVerb", "Illegal OAI verb" if verb else "The verb argument is missing")
        single = _arguments(args, verb)
        body = HANDLERS[verb](single, store, base_url, repository)
        for key, given in sorted(single.items()):  # echoed only when the request was well-formed
            request.set(key, xml_text(given))
        root.append(body)
    except OaiError as error:
        if error.code not in ("badVerb", "badArgument"):
            for key, given in sorted((k, v[0]) for k, v in args.items() if len(v) == 1):
                request.set(key, xml_text(given))
        _el(root, "error", error.message, code=error.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def _arguments(args: dict[str, list[str]], verb: str) -> dict[str, str]:
    single = {}
    for key, values in args.items():
        if len(values) != 1:
            raise OaiError("badArgument", f"Argument {key} is repeated")
        single[key] = values[0]
    required, optional = VERBS[verb]
    given = set(single) - {"verb"}
    if "resumptionToken" in given and given != {"resumptionToken"}:
        raise OaiError("badArgument", "resumptionToken is an exclusive argument")
    if "resumptionToken" not in given:
        missing = required - given
        if missing:
            raise OaiError("badArgument", f"Missing argument(s): {', '.join(sorted(missing))}")
    unknown = given - required - optional
    if unknown:
        raise OaiError("badArgument", f"Illegal argument(s): {', '.join(sorted(unknown))}")
    return single


def _identify(args, store, base_url, repository):
    body = etree.Element(f"{{{OAI_NS}}}Identify")
    _el(body, "repositoryName", repository.name)
    _el(body, "baseURL", base_url)
    _el(body, "protocolVersion", "2.0")
    _el(body, "adminEmail", repository.admin_email)
    _el(body, "earliestDatestamp", store.earliest() or "2015-01-01T00:00:00Z")
    _el(body, "deletedRecord", "persistent")
    _el(body, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    return body


def _formats(args, store, base_url, repository):
    if "identifier" in args:
        _material(args["identifier"], store)
    body = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
    for prefix, (schema, namespace) in formats(base_url).items():
        entry = _el(body, "metadataFormat")
        _el(entry, "metadataPrefix", prefix)
        _el(entry, "schema", schema)
        _el(entry, "metadataNamespace", namespace)
    return body


def _sets(args, store, base_url, repository):
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "ListSets has no further pages")
    items = [
        (f"project:{pid}", project.get("name_fi") or pid) for pid, project in sorted(store.projects().items())
    ] + [(f"phase:{phase['id']}", f"{phase['label_fi']} / {phase['label_en']}") for phase in store.phases()]
    body = etree.Element(f"{{{OAI_NS}}}ListSets")
    for spec, name in items:
        entry = _el(body, "set")
        _el(entry, "setSpec", spec)
        _el(entry, "setName", name)
    return body


def _material(identifier: str, store) -> dict:
    row = store.material(identifier[len(ID_PREFIX) :]) if identifier.startswith(ID_PREFIX) else None
    if row is None:
        raise OaiError("idDoesNotExist", f"No such identifier: {identifier}")
    return row


def _check_prefix(prefix: str) -> None:
    if prefix not in formats(""):
        raise OaiError("cannotDisseminateFormat", f"Unsupported metadata format: {prefix}")


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if DATE.match(value):
        return value + ("T00:00:00Z" if name == "from" else "T23:59:59Z")
    if DATETIME.match(value):
        return value
    raise OaiError("badArgument", f"{name} is not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")


def encode_token(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


TOKEN_KEYS = {
    "prefix": str,
    "set": str,
    "from": str,
    "until": str,
    "cursor": int,
    "after": list,
    "total": int,
}
MAX_TOKEN = 2000  # a token we issue is ~200 characters


def decode_token(token: str) -> dict:
    """The list state a token carries: the request's arguments, the cursor and the (datestamp, id)
    of the last record sent, from which the next page continues. Anything not shaped exactly like a
    token we issued (a harvester's typo, a hand-made or hostile value) is badResumptionToken, never a 500."""
    try:
        if len(token) > MAX_TOKEN:
            raise ValueError
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(state, dict) or not {"prefix", "cursor", "after"} <= set(state) <= set(TOKEN_KEYS):
            raise ValueError
        for key, kind in TOKEN_KEYS.items():
            value = state.setdefault(key, None)
            if value is not None and (type(value) is not kind or (kind is int and value < 0)):
                raise ValueError
        after = state["after"]
        if not (isinstance(after, list) and len(after) == 2 and all(isinstance(a, str) for a in after)):
            raise ValueError
        if state["prefix"] is None:
            raise ValueError
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise OaiError("badResumptionToken", "The resumption token is invalid or expired") from None
    return state


def _list(args, store, base_url, repository, with_records: bool):
    if "resumptionToken" in args:
        state = decode_token(args["resumptionToken"])
    else:
        state = {
            "prefix": args["metadataPrefix"],
            "set": args.get("set"),
            "from": args.get("from"),
            "until": args.get("until"),
            "cursor": 0,
            "after": None,
        }
        if state["from"] and state["until"] and len(state["from"]) != len(state["until"]):
            raise OaiError("badArgument", "from and until must have the same granularity")
    _check_prefix(state["prefix"])
    start, end = _check_date(state["from"], "from"), _check_date(state["until"], "until")
    if start and end and start > end:
        raise OaiError("badArgument", "from is later than until")
    if state["set"] and not re.match(r"^(project|phase):[a-z0-9-]+$", state["set"]):
        raise OaiError("badArgument", f"No such set: {state['set']}")
    after = tuple(state["after"]) if state["after"] else None
    page = store.page(state["set"], start, end, after, PAGE_SIZE)
    if not page:
        if after:
            raise OaiError("badResumptionToken", "The resumption token is past the end of the list")
        raise OaiError("noRecordsMatch", "No records match the request")
    total = state.get("total") or store.count(state["set"], start, end)  # counted once a list
    projects = store.projects() if with_records else {}
    body = etree.Element(f"{{{OAI_NS}}}{'ListRecords' if with_records else 'ListIdentifiers'}")
    for row in page:
        body.append(_record(row, state["prefix"], projects, base_url) if with_records else _header(row))
    cursor = state["cursor"]
    if cursor + len(page) < total or cursor:
        following = cursor + len(page)
        last = page[-1]
        next_state = {**state, "cursor": following, "after": [last["datestamp"], last["id"]], "total": total}
        token = _el(body, "resumptionToken", completeListSize=str(total), cursor=str(cursor))
        token.text = encode_token(next_state) if following < total else ""
    return body


def _get_record(args, store, base_url, repository):
    _check_prefix(args["metadataPrefix"])
    row = _material(args["identifier"], store)
    body = etree.Element(f"{{{OAI_NS}}}GetRecord")
    body.append(_record(row, args["metadataPrefix"], store.projects(), base_url))
    return body


def _header(row: dict):
    header = etree.Element(f"{{{OAI_NS}}}header")
    if row["status"] == "gone":
        header.set("status", "deleted")
    _el(header, "identifier", f"{ID_PREFIX}{row['id']}")
    _el(header, "datestamp", row.get("updated_at") or row["first_seen"])
    if row.get("project_id"):
        _el(header, "setSpec", f"project:{row['project_id']}")
    for phase in json.loads(row.get("phases") or "[]"):
        _el(header, "setSpec", f"phase:{phase}")
    return header


def _record(row: dict, prefix: str, projects: dict, base_url: str):
    record = etree.Element(f"{{{OAI_NS}}}record")
    record.append(_header(row))
    if row["status"] != "gone":
        (aoe,) = export_records([row], projects)
        schema = formats(base_url)[prefix][0] if prefix == "lrmi_fi" else formats(base_url)["oai_dc"][0]
        _el(record, "metadata").append(metadata(row, aoe, lrmi=prefix == "lrmi_fi", schema=schema))
    return record


HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _formats,
    "ListSets": _sets,
    "ListIdentifiers": lambda a, s, b, r: _list(a, s, b, r, with_records=False),
    "ListRecords": lambda a, s, b, r: _list(a, s, b, r, with_records=True),
    "GetRecord": _get_record,
}
__all__ = ["DC_NS", "ID_PREFIX", "Repository", "respond", "utcnow"]
