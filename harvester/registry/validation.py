"""The registry files (sources.yml, curation.yml) checked against their JSON Schemas in
harvester/schema/, with a message that names the file, the line and the entry, so that an operator's
typo stops the run before anything is fetched. What a schema cannot say (duplicate ids, a start URL
outside its scope, a regular expression that does not compile) the loaders check after it."""

from __future__ import annotations

import ipaddress
import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import yaml

from harvester import yamlload
from harvester.tagging.vocabulary import with_enums

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


class RegistryError(ValueError):
    """A registry file that cannot be used; the message says where and why."""


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    schema = with_enums(json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def entry_lines(path: Path, key: str) -> list[int]:
    """Line numbers (1-based) of the entries of the top-level list `key`, for error messages."""
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yamlload.LOADER)
    except yaml.YAMLError:
        return []
    for key_node, value in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
        if key_node.value == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def where(path: Path, key: str, index: int, entry: object, entry_name: str) -> str:
    """ "sources.yml:12: source #3 (kunta-hyva-alku)": the file, the line and the entry."""
    lines = entry_lines(path, key)
    line = f":{lines[index]}" if index < len(lines) else ""
    named = f" ({entry['id']})" if isinstance(entry, dict) and isinstance(entry.get("id"), str) else ""
    return f"{path}{line}: {entry_name} #{index + 1}{named}"


def check(path: Path, data: object, schema: str, entry_names: dict[str, str]) -> None:
    """Raise RegistryError for the first entry (in file order) that breaks the schema.
    `entry_names`: top-level list -> what one of its entries is called in messages."""
    errors = list(validator(schema).iter_errors(data))
    if not errors:
        if schema == "sources":
            check_source_urls(path, data)
        return

    def entry_of(error) -> tuple:
        location = list(error.absolute_path)
        if len(location) >= 2 and isinstance(location[1], int):
            return (list(entry_names).index(location[0]), location[1])
        return (-1, -1)  # the file's top level

    first = min(entry_of(e) for e in errors)
    error = jsonschema.exceptions.best_match(e for e in errors if entry_of(e) == first)
    raise RegistryError(message(path, data, error, entry_names))


def message(path: Path, data, error, entry_names: dict[str, str]) -> str:
    location = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    description = schema.get("description") or error.message
    if not location:
        return f"{path}: expected {description}"
    if len(location) < 2 or not isinstance(location[1], int):
        return f"{path}: {location[0]}: {error.instance!r} is not {description}"
    key, index, rest = location[0], location[1], location[2:]
    place = where(path, key, index, data[key][index], entry_names[key])
    names = [part for part in rest if isinstance(part, str)]
    if names[:-1]:
        place += " " + ".".join(names[:-1])
    prop = names[-1] if names else None
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(schema.get("properties", {})))
        wording = schema.get("unknown", "unknown key(s)")
        return f"{place}{' ' + prop if prop else ''}: {wording} {', '.join(unknown)}"
    if error.validator == "required":
        missing = [k for k in schema["required"] if k not in error.instance]
        return f"{place}: missing key(s) {', '.join(missing)}"
    if "vocabulary" in schema:
        return f"{place}: unknown {prop} {error.instance}"
    if prop:
        return f"{place} {prop}: {error.instance!r} is not {description}"
    return f"{place}: expected {description}, got {error.instance!r}"


URL_KEYS = ("start_urls", "scope", "sitemaps")


def url_problem(url: str) -> str | None:
    """What makes a URL unusable for a crawl (a port out of range, a malformed IPv6 address, no
    host), or None. The schema checks the scheme; these once passed it or ended in a traceback."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if port == 0:
        return "port 0 is not a port"
    host = parts.hostname or ""
    if not host:
        return "no host"
    if "[" in parts.netloc or ":" in host:
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            return f"{host!r} is not an IPv6 address"
    return None


def check_source_urls(path: Path, data: dict) -> None:
    for index, entry in enumerate(data.get("sources") or []):
        for key in URL_KEYS:
            for url in entry.get(key) or []:
                problem = url_problem(url)
                if problem:
                    place = where(path, "sources", index, entry, "source")
                    raise RegistryError(f"{place} {key}: {url!r}: {problem}")
