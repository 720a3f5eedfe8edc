"""What every worker of a run must share with its coordinator, and how the sources are cut into
work units.

The descriptor names the run, the digests of the sources and curation files and of the harvester's
own code, and the harvest options; a worker whose files or code differ is refused with a clear
message (it would tag and judge differently). A unit is every source of one group of hosts: two
sources that share a host name are always crawled by the same worker, so no host ever sees two
workers at once and a host's HTTP cache entries are written by one process at a time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = {".py", ".yml", ".json", ".txt", ".xsd"}
# The harvest options a worker takes from the coordinator (harvester/crawl.py reads them).
OPTIONS = (
    "delay",
    "timeout",
    "no_cache",
    "revalidate",
    "max_pages",
    "source_time_budget",
    "run_time_budget",
    "no_file_text",
    "wayback_url",
)


class Mismatch(RuntimeError):
    """A worker's files or code are not the run's."""


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def code_version() -> str:
    """A digest of the harvester package's code and data files: two machines with it equal run the
    same harvest."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def describe(token: str, run_id: int, args, cache_dir: str, units: list[dict], lease: float) -> dict:
    return {
        "token": token,
        "run_id": run_id,
        "sources_sha256": file_digest(args.sources),
        "curation_sha256": file_digest(args.curation),
        "code_version": code_version(),
        "options": {name: getattr(args, name, None) for name in OPTIONS},
        "log_level": args.log_level,
        "cache_dir": cache_dir,
        "units": len(units),
        "workers": getattr(args, "workers", 1),  # started with the run; more may join
        "lease": lease,
    }


def check(descriptor: dict, sources: str | Path, curation: str | Path) -> None:
    """Raise Mismatch naming what differs between this worker and the run."""
    problems = []
    for what, path, key in (
        ("sources file", sources, "sources_sha256"),
        ("curation file", curation, "curation_sha256"),
    ):
        mine = file_digest(path)
        if mine != descriptor[key]:
            problems.append(
                f"the {what} {path} differs from the coordinator's "
                f"(sha256 {mine[:12]}… here, {descriptor[key][:12]}… in the run)"
            )
    mine = code_version()
    if mine != descriptor["code_version"]:
        problems.append(
            f"the harvester code differs from the coordinator's (version {mine[:12]}… here, "
            f"{descriptor['code_version'][:12]}… in the run): install the same release on every machine"
        )
    if problems:
        raise Mismatch("; ".join(problems))


def host_name(netloc: str) -> str:
    """The host a request goes to, as Scrapy's per-host slots key it (the port does not count)."""
    host = netloc.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.split(":")[0].lower()


def units_of(sources: list, wayback_url: str | None = None) -> list[dict]:
    """Group sources that share a host (union-find over host names) into work units, largest
    first so the long crawls start early. The hosts a source asks are its own, the Wayback Machine's
    when it is harvested from there, and the oEmbed endpoints' with platform_metadata."""
    from urllib.parse import urlsplit

    from harvester.spiders.oembed import oembed_endpoints

    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    hosts_of = {}
    for source in sources:
        hosts = {host_name(h) for h in source.hosts if h}
        if source.wayback and wayback_url:
            hosts.add(host_name(urlsplit(wayback_url).netloc))
        if source.platform_metadata:  # the oEmbed endpoints are hosts it asks too
            hosts |= {host_name(urlsplit(url).netloc) for url in oembed_endpoints()}
        hosts_of[source.id] = hosts or {f"source:{source.id}"}
        first, *rest = sorted(hosts_of[source.id])
        for host in rest:
            parent[find(host)] = find(first)
    groups: dict[str, list[str]] = {}
    for source in sources:
        groups.setdefault(find(sorted(hosts_of[source.id])[0]), []).append(source.id)
    units = [
        {"id": f"unit-{n}", "sources": ids}
        for n, ids in enumerate(sorted(groups.values(), key=lambda ids: (-len(ids), ids)))
    ]
    return units
