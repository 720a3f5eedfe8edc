"""Heavy pages must not starve the others (issue 15, finding 10: at 40,000 materials eight readiness
requests at once made the front page take 23 s). Two measures, both here:

1. Cached: the front page, the dashboard, the AOE readiness page (HTML and JSON), the feed and the
   sitemap count or list over the whole catalogue (~0.1-0.5 s each at 100,000 materials); they are
   computed once per catalogue state, not once per request.
2. Admitted a few at a time: pages whose cost grows with the catalogue or the request (facet pages
   of the materials table, exports, OAI-PMH lists, search, the pages above when not cached) run at most
   HEAVY_AT_ONCE at a time, until their answer starts (a slow reader of a streamed CSV does not keep
   the turn); the others wait their turn in the event loop (no thread, no memory), so Datasette's SQL
   threads and the interpreter stay free for row pages and light JSON calls.

A page is kept until the catalogue changes: the key holds the file the catalogue path names and the
modification time and size of the file and its write-ahead log, so a harvest writing into the served
catalogue or a publish (datasette/plugins/published.py) makes the next request compute it anew.
Concurrent requests for the same page wait for the one computing it (single flight). Only GET requests
without credentials or cookies other than the interface language (part of the key) share pages, and
only 200 answers that set no cookie are kept; at most MAX_ENTRIES pages of at most MAX_BODY bytes.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import OrderedDict

from datasette import hookimpl
from harvester.web import catalogue, catalogue_name, scope_cookies

MAX_ENTRIES = 256
MAX_BODY = 4 * 1024 * 1024
HEAVY_AT_ONCE = 2  # of Datasette's 3 SQL threads (settings.json num_sql_threads): one stays for the rest
HEAVY_SUFFIXES = (".csv", ".aoecsv", ".aoejson", ".atom")
SHARED_COOKIES = {"ui_lang"}  # the interface language: part of the key; any other cookie: not cached


SITEMAP_PART = re.compile(r"^/sitemap-[1-9][0-9]*\.xml$")  # a large catalogue's sitemap parts (sitemap.py)


def cached_paths() -> set[str]:
    name = catalogue_name()
    return {
        "/",
        "/kojelauta",
        f"/{name}/-/aoe-readiness",
        f"/{name}/-/aoe-readiness.json",
        f"/{name}/uudet.atom",
        "/sitemap.xml",
    }


def is_heavy(scope) -> bool:
    """Pages whose work grows with the catalogue (or with what the request asks for)."""
    path, query = scope.get("path", ""), scope.get("query_string", b"")
    name = catalogue_name()
    if SITEMAP_PART.match(path):
        return True
    if path.endswith(HEAVY_SUFFIXES) or path in (
        "/",
        "/oai",
        "/haku",
        "/haku.json",
        "/kojelauta",
        "/sitemap.xml",
    ):
        return True
    if path.startswith(f"/{name}/-/aoe-readiness"):
        return True
    # a table page computes its facets and counts unless asked not to
    return path.startswith(f"/{name}/") and path.count("/") == 2 and b"_nofacet=1" not in query


def catalogue_state(path: str) -> tuple:
    """What changes whenever the catalogue's data can have changed."""
    state = []
    real = os.path.realpath(path)  # the published path is a link; SQLite keeps the log beside its target
    for name in (real, real + "-wal"):
        try:
            found = os.stat(name)
        except OSError:
            found = None
        # an empty log is no log: readers create one when they open the catalogue
        state.append(
            (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)
            if found and found.st_size
            else None
        )
    return tuple(state)


class PageCache:
    def __init__(self):
        self.pages: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()
        self.locks: dict[tuple, asyncio.Lock] = {}

    def get(self, key):
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def put(self, key, start: dict, body: bytes) -> None:
        self.pages[key] = (start, body)
        self.pages.move_to_end(key)
        while len(self.pages) > MAX_ENTRIES:
            self.pages.popitem(last=False)


def _page_key(scope, paths: set[str]) -> tuple | None:
    """What a cached page depends on besides the catalogue: path, query and the interface language
    cookie; None for a request whose page is not shared (not GET, signed in, any other cookie)."""
    path = scope.get("path")
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    if path not in paths and not SITEMAP_PART.match(path or ""):
        return None
    if any(name.lower() == b"authorization" for name, _ in scope.get("headers", [])):
        return None
    cookies = scope_cookies(scope)
    if cookies is None or set(cookies) - SHARED_COOKIES:
        return None
    language = cookies["ui_lang"].value if "ui_lang" in cookies else None
    return scope["path"], scope.get("query_string", b""), language


async def _replay(send, start: dict, body: bytes) -> None:
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


@hookimpl
def asgi_wrapper(datasette):
    if os.environ.get("AINEISTOPANKKI_HEAVY_PAGE_LIMITS") == "0":  # bench/catalogue_scale.py's baseline
        return None
    cache = PageCache()
    admission: list[asyncio.Semaphore] = []  # made in the server's event loop, on the first request

    def wrap(app):
        paths = cached_paths()

        async def run(scope, receive, send):
            if not is_heavy(scope):
                await app(scope, receive, send)
                return
            if not admission:
                admission.append(asyncio.Semaphore(HEAVY_AT_ONCE))
            turn = admission[0]
            await turn.acquire()
            holding = [True]

            async def send_releasing(event):
                # the work is done when the answer starts; a slow reader (a streamed CSV) must not keep
                # the turn while it reads
                if holding[0] and event["type"] == "http.response.start":
                    holding[0] = False
                    turn.release()
                await send(event)

            try:
                await app(scope, receive, send_releasing)
            finally:
                if holding[0]:
                    turn.release()

        async def cached(scope, receive, send):
            page_key = _page_key(scope, paths)
            if page_key is None:
                await run(scope, receive, send)
                return
            key = (*page_key, catalogue_state(catalogue(datasette).path))
            page = cache.get(key)
            if page is not None:
                await _replay(send, *page)
                return
            lock = cache.locks.setdefault(page_key, asyncio.Lock())
            async with lock:
                page = cache.get(key)
                if page is not None:
                    await _replay(send, *page)
                    return
                captured: dict = {"start": None, "body": [], "size": 0}

                async def capture(event):
                    if event["type"] == "http.response.start":
                        captured["start"] = event
                    elif event["type"] == "http.response.body":
                        captured["body"].append(event.get("body", b""))
                        captured["size"] += len(event.get("body", b""))
                    await send(event)

                await run(scope, receive, capture)
                start = captured["start"]
                if (
                    start
                    and start.get("status") == 200
                    and captured["size"] <= MAX_BODY
                    and not any(k.lower() == b"set-cookie" for k, _ in start.get("headers", []))
                ):  # a page that sets a cookie is that one client's answer
                    cache.put(key, start, b"".join(captured["body"]))

        return cached

    return wrap
