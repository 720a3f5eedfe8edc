"""Platforms where project materials live (Issuu, Drive, SlideShare …): which off-host URL is a
material, its canonical URL and id, and which off-host URL is never one (social profiles, share
intents, maps, meeting links, home pages).

Everything a platform is lives in harvester/registry/platforms.yml (checked against
harvester/schema/platforms.schema.json, loaded once); this module only applies it, so a new
platform is a YAML entry and a test. Nothing here fetches anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from harvester.registry import read_yaml
from harvester.registry.validation import RegistryError, check, where
from harvester.urls import canonicalize, material_id

PLATFORMS_FILE = Path(__file__).resolve().parent.parent / "registry" / "platforms.yml"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Form:
    host: re.Pattern
    path: re.Pattern
    query: tuple[tuple[str, str], ...]  # (query parameter, group name)
    url_param: str | None
    canonical: str


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    type: str  # a types vocabulary id
    type_from_text: bool
    format: str
    lowercase: bool
    oembed: str | None
    forms: tuple[Form, ...]


@dataclass(frozen=True)
class Never:
    why: str
    host: re.Pattern
    path: re.Pattern
    bare: bool  # only where the URL has no query string


@dataclass(frozen=True)
class PlatformMatch:
    platform: Platform
    canonical: str  # the material's canonical URL: every form of one material gives the same

    @property
    def id(self) -> str:
        return material_id(self.canonical)


@dataclass(frozen=True)
class Registry:
    platforms: tuple[Platform, ...]
    never: tuple[Never, ...]


class _Where:
    """ "platforms.yml:12: platform #3 (issuu)", worked out only for a message (it re-reads the file)."""

    def __init__(self, *args):
        self.args = args

    def __str__(self) -> str:
        return where(*self.args)


def _compile(value: str, here: str, key: str) -> re.Pattern:
    try:
        return re.compile(value, re.I)
    except re.error as exc:
        raise RegistryError(f"{here}: {key}: {value!r} is not a regular expression ({exc})") from exc


def load_registry(path: Path = PLATFORMS_FILE) -> Registry:
    """Read and check the platforms file; a problem raises RegistryError naming the line and entry."""
    data = read_yaml(path)
    check(path, data, "platforms", {"platforms": "platform", "never": "pattern"})
    platforms, seen = [], set()
    for i, entry in enumerate(data["platforms"]):
        here = _Where(path, "platforms", i, entry, "platform")
        if entry["id"] in seen:
            raise RegistryError(f"{here}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        forms = []
        for form in entry["forms"]:
            host, path_re = _compile(form["host"], here, "host"), _compile(form["path"], here, "path")
            canonical = form.get("canonical") or entry["canonical"]
            groups = set(host.groupindex) | set(path_re.groupindex) | set((form.get("query") or {}).values())
            missing = set(PLACEHOLDER.findall(canonical)) - groups
            if missing and not form.get("url_param"):
                raise RegistryError(
                    f"{here}: form {form['host']} {form['path']} gives no {', '.join(sorted(missing))}"
                    f" for the canonical URL {canonical}"
                )
            query = tuple((form.get("query") or {}).items())
            forms.append(Form(host, path_re, query, form.get("url_param"), canonical))
        platforms.append(
            Platform(
                id=entry["id"],
                name=entry["name"],
                type=entry["type"],
                type_from_text=entry.get("type_from_text", False),
                format=entry["format"],
                lowercase=entry.get("lowercase", False),
                oembed=entry.get("oembed"),
                forms=tuple(forms),
            )
        )
    never = []
    for i, entry in enumerate(data["never"]):
        here = _Where(path, "never", i, entry, "pattern")
        never.append(
            Never(
                entry["why"],
                _compile(entry.get("host", ".*"), here, "host"),
                _compile(entry.get("path", ".*"), here, "path"),
                entry.get("bare", False),
            )
        )
    return Registry(tuple(platforms), tuple(never))


@cache
def registry() -> Registry:
    """The platforms file, read once per process."""
    return load_registry()


def parts(url: str):
    """(host, path, query parameters) of an absolute http(s) URL, or None for anything malformed."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not re.fullmatch(r"[a-z0-9.-]+\.[a-z0-9-]+", host):
        return None
    return host, parts.path or "/", parse_qs(parts.query, keep_blank_values=True)


def never_material(url: str, reg: Registry | None = None) -> str | None:
    """Why an off-host URL is never a material ('social profile', 'map' …), or None."""
    parsed = parts(url)
    if parsed is None:
        return None
    host, path, query = parsed
    for rule in (reg or registry()).never:
        if rule.bare and query:
            continue
        if rule.host.fullmatch(host) and rule.path.fullmatch(path):
            return rule.why
    return None


def match(url: str, reg: Registry | None = None, _depth: int = 0) -> PlatformMatch | None:
    """The platform material an off-host URL (a link or an embed) points to, or None: never-material
    URLs first, then the platforms in the file's order, the first matching form deciding."""
    reg = reg or registry()
    parsed = parts(url)
    if parsed is None or never_material(url, reg):
        return None
    host, path, query = parsed
    for platform in reg.platforms:
        for form in platform.forms:
            host_match = form.host.fullmatch(host)
            path_match = host_match and form.path.fullmatch(path)
            if not path_match:
                continue
            if form.url_param:  # a player wrapping the material's own URL
                inner = (query.get(form.url_param) or [""])[0]
                found = match(inner, reg, _depth + 1) if inner and _depth < 2 else None
                if found:
                    return found
                continue
            values = {**host_match.groupdict(), **path_match.groupdict()}
            if any(not (query.get(param) or [""])[0] for param, _ in form.query):
                continue
            values.update({group: query[param][0] for param, group in form.query})
            values = {k: (v or "") for k, v in values.items()}
            if platform.lowercase:
                values = {k: v.lower() for k, v in values.items()}
            return PlatformMatch(platform, canonicalize(_fill(form.canonical, values)))
    return None


def platform_of_host(url: str, reg: Registry | None = None) -> Platform | None:
    """The platform whose own host serves a URL, whatever its path (a video player is never a game).
    Self-hosted platforms (Moodle on any host) have no host of their own."""
    parsed = parts(url)
    if parsed is None:
        return None
    for platform in (reg or registry()).platforms:
        for form in platform.forms:
            if form.host.fullmatch(parsed[0]) and not form.host.fullmatch("any-host.invalid"):
                return platform
    return None


def _fill(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: quote(values[m.group(1)], safe="/:@!$'()*+,;=-._~"), template)


def oembed_url(found: PlatformMatch, endpoint: str | None = None) -> str | None:
    """The platform's documented oEmbed URL for a material (`endpoint` replaces the platform's own,
    for a local test server), or None where the platform has none."""
    template = found.platform.oembed
    if not template:
        return None
    if endpoint:
        template = endpoint + ("&" if "?" in endpoint else "?") + "url={url}&format=json"
    return template.replace("{url}", quote(found.canonical, safe=""))
