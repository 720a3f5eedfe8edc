"""Load and validate the registry files: the pilot projects and the sources to harvest.

Sources are validated completely before any crawl starts, so that an operator's typo
stops the run with a message naming the file, the entry and the key instead of
surfacing halfway through a harvest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from harvester import yamlload

REGISTRY_DIR = Path(__file__).parent
PROJECTS_FILE = REGISTRY_DIR / "projects.yml"
SOURCES_FILE = REGISTRY_DIR / "sources.yml"

SOURCE_KEYS = {
    "id", "name", "project", "start_urls", "scope", "platform", "note", "wayback",
    "material_patterns", "exclude_patterns", "materials_selector", "sitemaps", "spider",
}  # fmt: skip
SPIDERS = ("site", "eura", "oaipmh")  # see harvester/spiders/
REQUIRED_SOURCE_KEYS = {"id", "name", "start_urls"}
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class RegistryError(ValueError):
    """A registry file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    start_urls: tuple[str, ...]
    scope: tuple[str, ...]
    project: str | None = None
    platform: str | None = None
    note: str | None = None
    wayback: bool = False  # a dead site: harvest its latest Wayback Machine snapshots instead
    # Per-source hints that override the heuristics (regular expressions over URLs, a CSS selector).
    material_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    materials_selector: str | None = None
    sitemaps: tuple[str, ...] = ()  # XML sitemaps to read besides following links
    spider: str = "site"  # site | eura (register pages → projects) | oaipmh (an OAI-PMH repository)

    @property
    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc.lower() for u in (*self.start_urls, *self.scope, *self.sitemaps)}


def _read_yaml(path: Path) -> object:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return yamlload.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise RegistryError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc


def _check_url(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise RegistryError(f"{where}: expected a URL string, got {value!r}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RegistryError(f"{where}: {value!r} is not an absolute http(s) URL")
    return value


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def load_projects(path: Path = PROJECTS_FILE) -> list[dict]:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("projects"), list):
        raise RegistryError(f"{path}: expected a mapping with a 'projects:' list")
    seen: set[str] = set()
    for i, project in enumerate(data["projects"], 1):
        where = f"{path}: project #{i}"
        if not isinstance(project, dict) or not project.get("id"):
            raise RegistryError(f"{where}: every project needs an 'id'")
        if project["id"] in seen:
            raise RegistryError(f"{where}: duplicate id {project['id']!r}")
        seen.add(project["id"])
    return data["projects"]


def _entry_lines(path: Path, key: str) -> list[int]:
    """Line numbers (1-based) of the entries of the top-level list `key`, for error messages."""
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yamlload.LOADER)
    except yaml.YAMLError:
        return []
    for key_node, value in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
        if key_node.value == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def load_sources(path: Path = SOURCES_FILE, project_ids: set[str] | None = None) -> list[Source]:
    """Parse and validate a sources file; a problem raises RegistryError naming file, line and entry."""
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise RegistryError(f"{path}: expected a mapping with a 'sources:' list")
    lines = _entry_lines(path, "sources")
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["sources"], 1):
        line = f":{lines[i - 1]}" if len(lines) >= i else ""
        where = f"{path}{line}: source #{i}"
        if not isinstance(entry, dict):
            raise RegistryError(f"{where}: expected a mapping, got {entry!r}")
        if isinstance(entry.get("id"), str):
            where = f"{path}{line}: source #{i} ({entry['id']})"
        unknown = set(entry) - SOURCE_KEYS
        if unknown:
            raise RegistryError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        missing = REQUIRED_SOURCE_KEYS - set(entry)
        if missing:
            raise RegistryError(f"{where}: missing key(s) {', '.join(sorted(missing))}")
        if not isinstance(entry["id"], str) or not re.match(ID_PATTERN, entry["id"]):
            raise RegistryError(f"{where}: id must be a lower-case slug, got {entry['id']!r}")
        if entry["id"] in seen:
            raise RegistryError(f"{where}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        start_urls = entry["start_urls"]
        if isinstance(start_urls, str) or not isinstance(start_urls, list) or not start_urls:
            raise RegistryError(f"{where}: start_urls must be a non-empty list of URLs")
        start_urls = [_check_url(u, f"{where} start_urls") for u in start_urls]
        scope = entry.get("scope")
        if scope is None:
            scope = sorted({origin(u) for u in start_urls})
        elif isinstance(scope, str) or not isinstance(scope, list) or not scope:
            raise RegistryError(f"{where}: scope must be a non-empty list of URL prefixes")
        scope = [_check_url(u, f"{where} scope") for u in scope]
        for url in start_urls:
            if not any(url.startswith(prefix) for prefix in scope):
                raise RegistryError(f"{where}: start URL {url} is outside the source's scope")
        if not isinstance(entry.get("wayback", False), bool):
            raise RegistryError(f"{where}: wayback must be true or false")
        patterns = {}
        for key in ("material_patterns", "exclude_patterns"):
            values = entry.get(key) or []
            if isinstance(values, str) or not isinstance(values, list):
                raise RegistryError(f"{where}: {key} must be a list of regular expressions")
            for value in values:
                try:
                    re.compile(value)
                except (re.error, TypeError) as exc:
                    raise RegistryError(
                        f"{where}: {key}: {value!r} is not a regular expression ({exc})"
                    ) from exc
            patterns[key] = tuple(values)
        selector = entry.get("materials_selector")
        if selector is not None:
            try:
                from parsel.csstranslator import HTMLTranslator

                HTMLTranslator().css_to_xpath(selector)
            except Exception as exc:  # cssselect raises several error types
                raise RegistryError(
                    f"{where}: materials_selector {selector!r} is not a CSS selector"
                ) from exc
        sitemaps = entry.get("sitemaps") or []
        if isinstance(sitemaps, str) or not isinstance(sitemaps, list):
            raise RegistryError(f"{where}: sitemaps must be a list of URLs")
        sitemaps = [_check_url(u, f"{where} sitemaps") for u in sitemaps]
        spider = entry.get("spider", "site")
        if spider not in SPIDERS:
            raise RegistryError(f"{where}: spider must be one of {', '.join(SPIDERS)}, got {spider!r}")
        project = entry.get("project")
        if project is not None and project_ids is not None and project not in project_ids:
            raise RegistryError(f"{where}: unknown project {project!r} (not in projects.yml)")
        sources.append(
            Source(
                id=entry["id"],
                name=str(entry["name"]),
                start_urls=tuple(start_urls),
                scope=tuple(scope),
                project=project,
                platform=entry.get("platform"),
                note=entry.get("note"),
                wayback=entry.get("wayback", False),
                material_patterns=patterns["material_patterns"],
                exclude_patterns=patterns["exclude_patterns"],
                materials_selector=selector,
                sitemaps=tuple(sitemaps),
                spider=spider,
            )
        )
    if not sources:
        raise RegistryError(f"{path}: the sources list is empty")
    return sources
