"""OAI-PMH 2.0 provider: the catalogue as a repository other catalogues (AOE among them) can harvest.

Protocol logic only: `respond(args, store, base_url, now)` answers one request with an XML document.
The store gives rows (the Datasette plugin reads them from SQLite). Two metadata formats:
- `oai_dc`: plain Dublin Core, valid against the oai_dc schema;
- `lrmi_fi`: the same Dublin Core record with AOE's `lrmi_fi` elements added, as aoe.fi publishes it
  (lrmi_fi:author, lrmi_fi:material per link, lrmi_fi:educationalAudience, lrmi_fi:learningResource …).
Identifiers `oai:aineistopankki:{material id}`; sets `project:{id}` and `phase:{id}`; 20 records a page;
gone materials are deleted records (deletedRecord = persistent: the catalogue never forgets them).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from xml.sax.saxutils import escape

from harvester.export.aoe import export_records

PAGE_SIZE = 20
ID_PREFIX = "oai:aineistopankki:"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
LRMI_NS = "http://dublincore.org/dcx/lrmi-terms/1.1/"
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS),
    "lrmi_fi": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", LRMI_NS),
}
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


class Store(Protocol):
    def materials(self, set_spec: str | None, start: str | None, end: str | None) -> list[dict]: ...
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


def _x(text) -> str:
    return escape(str(text or ""), {'"': "&quot;"})


def respond(
    args: dict[str, list[str]], store: Store, base_url: str, repository: Repository, now: datetime
) -> str:
    """The XML answer to one OAI-PMH request (args as parsed from the query string, lists of values)."""
    verb = (args.get("verb") or [None])[0]
    request_attrs = ""
    try:
        if len(args.get("verb") or []) != 1 or verb not in VERBS:
            raise OaiError("badVerb", "Illegal OAI verb" if verb else "The verb argument is missing")
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
        request_attrs = "".join(f' {k}="{_x(v)}"' for k, v in sorted(single.items()))
        body = HANDLERS[verb](single, store, base_url, repository)
    except OaiError as error:
        if error.code == "badVerb" or error.code == "badArgument":
            request_attrs = ""  # the request element echoes no attributes on these errors
        body = f'<error code="{error.code}">{_x(error.message)}</error>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
        f"<responseDate>{now.strftime('%Y-%m-%dT%H:%M:%SZ')}</responseDate>"
        f"<request{request_attrs}>{_x(base_url)}</request>{body}</OAI-PMH>"
    )


def _identify(args, store, base_url, repository) -> str:
    earliest = store.earliest() or "2015-01-01T00:00:00Z"
    return (
        f"<Identify><repositoryName>{_x(repository.name)}</repositoryName><baseURL>{_x(base_url)}</baseURL>"
        "<protocolVersion>2.0</protocolVersion>"
        f"<adminEmail>{_x(repository.admin_email)}</adminEmail>"
        f"<earliestDatestamp>{earliest}</earliestDatestamp><deletedRecord>persistent</deletedRecord>"
        "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>"
    )


def _formats(args, store, base_url, repository) -> str:
    if "identifier" in args:
        _material(args["identifier"], store)
    items = "".join(
        f"<metadataFormat><metadataPrefix>{prefix}</metadataPrefix><schema>{schema}</schema>"
        f"<metadataNamespace>{namespace}</metadataNamespace></metadataFormat>"
        for prefix, (schema, namespace) in FORMATS.items()
    )
    return f"<ListMetadataFormats>{items}</ListMetadataFormats>"


def _sets(args, store, base_url, repository) -> str:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "ListSets has no further pages")
    items = [
        (f"project:{pid}", project.get("name_fi") or pid) for pid, project in sorted(store.projects().items())
    ] + [(f"phase:{phase['id']}", f"{phase['label_fi']} / {phase['label_en']}") for phase in store.phases()]
    body = "".join(
        f"<set><setSpec>{_x(spec)}</setSpec><setName>{_x(name)}</setName></set>" for spec, name in items
    )
    return f"<ListSets>{body}</ListSets>"


def _material(identifier: str, store) -> dict:
    if not identifier.startswith(ID_PREFIX):
        raise OaiError("idDoesNotExist", f"No such identifier: {identifier}")
    row = store.material(identifier[len(ID_PREFIX) :])
    if row is None:
        raise OaiError("idDoesNotExist", f"No such identifier: {identifier}")
    return row


def _check_prefix(prefix: str) -> None:
    if prefix not in FORMATS:
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


def decode_token(token: str) -> dict:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(state, dict) or not isinstance(state.get("offset"), int) or "prefix" not in state:
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        raise OaiError("badResumptionToken", "The resumption token is invalid or expired") from None
    return state


def _list(args, store, base_url, repository, with_records: bool) -> str:
    if "resumptionToken" in args:
        state = decode_token(args["resumptionToken"])
    else:
        state = {
            "prefix": args["metadataPrefix"],
            "set": args.get("set"),
            "from": args.get("from"),
            "until": args.get("until"),
            "offset": 0,
        }
        if state["from"] and state["until"] and len(state["from"]) != len(state["until"]):
            raise OaiError("badArgument", "from and until must have the same granularity")
    _check_prefix(state["prefix"])
    start, end = _check_date(state["from"], "from"), _check_date(state["until"], "until")
    if start and end and start > end:
        raise OaiError("badArgument", "from is later than until")
    if state["set"] and not re.match(r"^(project|phase):[a-z0-9-]+$", state["set"]):
        raise OaiError("badArgument", f"No such set: {state['set']}")
    rows = store.materials(state["set"], start, end)
    if not rows:
        raise OaiError("noRecordsMatch", "No records match the request")
    offset = state["offset"]
    if offset >= len(rows):
        raise OaiError("badResumptionToken", "The resumption token is past the end of the list")
    page = rows[offset : offset + PAGE_SIZE]
    projects = store.projects()
    element = "ListRecords" if with_records else "ListIdentifiers"
    body = "".join(_record(row, state["prefix"], projects) if with_records else _header(row) for row in page)
    token = ""
    if offset + PAGE_SIZE < len(rows) or offset:
        following = offset + PAGE_SIZE
        value = encode_token({**state, "offset": following}) if following < len(rows) else ""
        token = f'<resumptionToken completeListSize="{len(rows)}" cursor="{offset}">{value}</resumptionToken>'
    return f"<{element}>{body}{token}</{element}>"


def _get_record(args, store, base_url, repository) -> str:
    _check_prefix(args["metadataPrefix"])
    row = _material(args["identifier"], store)
    return f"<GetRecord>{_record(row, args['metadataPrefix'], store.projects())}</GetRecord>"


def _header(row: dict) -> str:
    status = ' status="deleted"' if row["status"] == "gone" else ""
    sets = []
    if row.get("project_id"):
        sets.append(f"project:{row['project_id']}")
    sets += [f"phase:{p}" for p in json.loads(row.get("phases") or "[]")]
    specs = "".join(f"<setSpec>{_x(s)}</setSpec>" for s in sets)
    stamp = row.get("updated_at") or row["first_seen"]
    identifier = f"<identifier>{ID_PREFIX}{row['id']}</identifier>"
    return f"<header{status}>{identifier}<datestamp>{stamp}</datestamp>{specs}</header>"


def _record(row: dict, prefix: str, projects: dict) -> str:
    if row["status"] == "gone":
        return f"<record>{_header(row)}</record>"
    (aoe,) = export_records([row], projects)
    return f"<record>{_header(row)}<metadata>{_metadata(row, aoe, prefix)}</metadata></record>"


def _metadata(row: dict, aoe: dict, prefix: str) -> str:
    lrmi = prefix == "lrmi_fi"
    parts = [
        f'<dc:title xml:lang="{lang}">{_x(text)}</dc:title>' for lang, text in aoe["name"].items() if text
    ]
    parts += [
        f'<dc:description xml:lang="{lang}">{_x(text)}</dc:description>'
        for lang, text in aoe["description"].items()
        if text
    ]
    parts += [f"<dc:creator>{_x(a['organization']['value'])}</dc:creator>" for a in aoe["authors"]]
    parts += [f"<dc:subject>{_x(k['value'])}</dc:subject>" for k in aoe["keywords"]]
    parts += [f"<dc:publisher>{_x(p['value'])}</dc:publisher>" for p in aoe["publisher"]]
    parts += [f"<dc:type>{_x(t['value'])}</dc:type>" for t in aoe["learningResourceTypes"]]
    parts += [f"<dc:language>{_x(lang)}</dc:language>" for lang in json.loads(row.get("languages") or "[]")]
    parts.append(f"<dc:identifier>{_x(row['url'])}</dc:identifier>")
    if row.get("published"):
        parts.append(f"<dc:date>{_x(row['published'])}</dc:date>")
    if row.get("format"):
        parts.append(f"<dc:format>{_x(row['format'])}</dc:format>")
    if aoe["license"]:
        parts.append(f"<dc:rights>{_x(aoe['license'])}</dc:rights>")
    if lrmi:
        parts += _lrmi(row, aoe)
    namespaces = f'xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}"'
    if lrmi:
        namespaces += f' xmlns:lrmi_fi="{LRMI_NS}"'
    schema = f'xsi:schemaLocation="{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"'
    return f"<oai_dc:dc {namespaces} {schema}>{''.join(parts)}</oai_dc:dc>"


def _lrmi(row: dict, aoe: dict) -> list[str]:
    """The elements aoe.fi adds to its oai_dc records (see AOE's OAI-PMH output)."""
    parts = [f"<lrmi_fi:dateCreated>{_x(row['first_seen'])}</lrmi_fi:dateCreated>"]
    parts.append(
        f"<lrmi_fi:dateModified>{_x(row.get('updated_at') or row['first_seen'])}</lrmi_fi:dateModified>"
    )
    parts += [
        f"<lrmi_fi:author><lrmi_fi:organization><lrmi_fi:legalName>{_x(a['organization']['value'])}"
        "</lrmi_fi:legalName></lrmi_fi:organization></lrmi_fi:author>"
        for a in aoe["authors"]
    ]
    parts += [
        f"<lrmi_fi:about><lrmi_fi:thing><lrmi_fi:name>{_x(k['value'])}</lrmi_fi:name>"
        f"<lrmi_fi:identifier>{_x(k['key'])}</lrmi_fi:identifier></lrmi_fi:thing></lrmi_fi:about>"
        for k in aoe["keywords"]
    ]
    for link in aoe["links"]:
        names = "".join(
            f'<lrmi_fi:name xml:lang="{lang}">{_x(text)}</lrmi_fi:name>'
            for lang, text in link["displayName"].items()
            if text
        )
        parts.append(
            f"<lrmi_fi:material>{names}<lrmi_fi:url>{_x(link['link'])}</lrmi_fi:url>"
            f"<lrmi_fi:format>{_x(row.get('content_type') or row.get('format') or '')}</lrmi_fi:format>"
            f"<lrmi_fi:inLanguage>{_x(link['language'])}</lrmi_fi:inLanguage></lrmi_fi:material>"
        )
    parts += [
        f"<lrmi_fi:educationalAudience><lrmi_fi:educationalRole>{_x(r['value'])}</lrmi_fi:educationalRole>"
        "</lrmi_fi:educationalAudience>"
        for r in aoe["educationalRoles"]
    ]
    parts += [
        f"<lrmi_fi:accessibilityFeature>{_x(f['value'])}</lrmi_fi:accessibilityFeature>"
        for f in aoe["accessibilityFeatures"]
    ]
    parts += [
        f"<lrmi_fi:inLanguage>{_x(lang)}</lrmi_fi:inLanguage>"
        for lang in json.loads(row.get("languages") or "[]")
    ]
    levels = "".join(
        f"<lrmi_fi:educationalLevel>{_x(v['value'])}</lrmi_fi:educationalLevel>"
        for v in aoe["educationalLevels"]
    )
    uses = "".join(
        f"<lrmi_fi:educationalUse>{_x(v['value'])}</lrmi_fi:educationalUse>" for v in aoe["educationalUses"]
    )
    parts.append(f"<lrmi_fi:learningResource>{levels}{uses}</lrmi_fi:learningResource>")
    return parts


HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _formats,
    "ListSets": _sets,
    "ListIdentifiers": lambda a, s, b, r: _list(a, s, b, r, with_records=False),
    "ListRecords": lambda a, s, b, r: _list(a, s, b, r, with_records=True),
    "GetRecord": _get_record,
}


def utcnow() -> datetime:
    return datetime.now(UTC)
