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
from harvester.registry.validation import RegistryError, check, where

REGISTRY_DIR = Path(__file__).parent
PROJECTS_FILE = REGISTRY_DIR / "projects.yml"
SOURCES_FILE = REGISTRY_DIR / "sources.yml"


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
    # Fetch one oEmbed URL per platform material (Issuu, YouTube …) for its title: off by default.
    platform_metadata: bool = False

    @property
    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc.lower() for u in (*self.start_urls, *self.scope, *self.sitemaps)}


def read_yaml(path: Path) -> object:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return yamlload.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise RegistryError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def load_projects(path: Path = PROJECTS_FILE) -> list[dict]:
    data = read_yaml(path)
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


def load_sources(path: Path = SOURCES_FILE, project_ids: set[str] | None = None) -> list[Source]:
    """Parse and validate a sources file (harvester/schema/sources.schema.json, then what a schema
    cannot say); a problem raises RegistryError naming file, line and entry."""
    data = read_yaml(path)
    check(path, data, "sources", {"sources": "source"})
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["sources"]):
        here = where(path, "sources", i, entry, "source")
        if entry["id"] in seen:
            raise RegistryError(f"{here}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        start_urls = entry["start_urls"]
        scope = entry.get("scope") or sorted({origin(u) for u in start_urls})
        for url in start_urls:
            if not any(url.startswith(prefix) for prefix in scope):
                raise RegistryError(f"{here}: start URL {url} is outside the source's scope")
        for key in ("material_patterns", "exclude_patterns"):
            for value in entry.get(key) or []:
                try:
                    re.compile(value)
                except re.error as exc:
                    raise RegistryError(
                        f"{here}: {key}: {value!r} is not a regular expression ({exc})"
                    ) from exc
        selector = entry.get("materials_selector")
        if selector is not None:
            try:
                from parsel.csstranslator import HTMLTranslator

                HTMLTranslator().css_to_xpath(selector)
            except Exception as exc:  # cssselect raises several error types
                raise RegistryError(f"{here}: materials_selector {selector!r} is not a CSS selector") from exc
        project = entry.get("project")
        if project is not None and project_ids is not None and project not in project_ids:
            raise RegistryError(f"{here}: unknown project {project!r} (not in projects.yml)")
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
                material_patterns=tuple(entry.get("material_patterns") or ()),
                exclude_patterns=tuple(entry.get("exclude_patterns") or ()),
                materials_selector=selector,
                sitemaps=tuple(entry.get("sitemaps") or ()),
                spider=entry.get("spider", "site"),
                platform_metadata=entry.get("platform_metadata", False),
            )
        )
    return sources
