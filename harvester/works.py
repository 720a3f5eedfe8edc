"""Language versions: translations of one material grouped into one work (`work_id`).

Evidence, strongest first: the pages name each other as hreflang alternates; files whose names differ
only by a language suffix (opas_fi.pdf, opas_ar.pdf, esite-somali.pdf); pages on parallel language paths
(/fi/x/ and /sv/x/); platform materials listed side by side on one page (one list item or one list)
in different languages, as a Finnish and a Somali Issuu version of one brochure are. The work's id is
the smallest material id in the group, so it is stable while the group is.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from harvester.tagging.vocabulary import language_words

LANGUAGE_WORDS = "|".join(re.escape(word) for word in language_words())  # vocab/languages.yml
FILE_SUFFIX = re.compile(rf"^(?P<base>.+?)[-_.](?:{LANGUAGE_WORDS})$", re.I)
PATH_LANGUAGE = re.compile(rf"^(?:{LANGUAGE_WORDS})$", re.I)


def _file_key(url: str) -> str | None:
    parts = urlsplit(url)
    folder, _, name = parts.path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    match = FILE_SUFFIX.match(stem) if dot else None
    return f"file:{parts.netloc}{folder}/{match.group('base').lower()}.{ext.lower()}" if match else None


def _path_key(url: str) -> str | None:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    for i, segment in enumerate(segments):
        if PATH_LANGUAGE.match(segment) and len(segments) > i + 1:
            rest = "/".join(segments[:i] + ["*"] + segments[i + 1 :])
            return f"path:{parts.netloc}/{rest}"
    return None


class Groups:
    """Union-find over hashable keys: join() puts two keys in one group, find() names the group by
    its smallest key, so a group's name is stable while its members are."""

    def __init__(self, keys):
        self.parent = {key: key for key in keys}

    def find(self, key):
        parent = self.parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _side_by_side(items: list[dict], groups: Groups) -> None:
    """Platform materials in one block or list of a page are language versions of one work when each
    is in a language of its own (a list of three Finnish brochures is three works)."""
    blocks: dict[str, list[dict]] = {}
    for item in items:
        block = (item.get("page_signals") or {}).get("platform_group")
        if block and item.get("kind") == "embed":
            blocks.setdefault(block, []).append(item)
    for members in blocks.values():
        languages = [(m.get("languages") or [None])[0] for m in members]
        if len(members) > 1 and None not in languages and len(set(languages)) == len(languages):
            for member in members[1:]:
                groups.join(members[0]["id"], member["id"])


def assign_works(items: list[dict]) -> dict[str, str]:
    """material id -> work id for a harvest's items (a material alone is its own work)."""
    groups = Groups(item["id"] for item in items)
    _side_by_side(items, groups)
    by_url = {item["url"]: item["id"] for item in items}
    keyed: dict[str, str] = {}
    for item in items:
        for other in item.get("alternates") or []:
            if other in by_url:
                groups.join(item["id"], by_url[other])
        key = _file_key(item["url"]) if item.get("kind") == "file" else _path_key(item["url"])
        if key:
            if key in keyed:
                groups.join(item["id"], keyed[key])
            else:
                keyed[key] = item["id"]
    return {item["id"]: groups.find(item["id"]) for item in items}
