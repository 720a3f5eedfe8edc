"""Serving what was published: deploy/harvest-and-publish.sh publishes a new catalogue by pointing the
published path (a symbolic link) at a new file in one rename. SQLite connections already open keep
reading the file they opened, so a running Datasette would go on serving the old catalogue; here,
at most every CHECK_EVERY seconds a request looks whether the path now names another file and, if so,
the catalogue is served from the new file from then on. The old file's connections are closed a
while later, once the queries that were running on them are done."""

from __future__ import annotations

import asyncio
import os
import time

from datasette.database import Database, connections

from datasette import hookimpl
from harvester.web import catalogue, catalogue_name

CHECK_EVERY = 2.0  # seconds
CLOSE_OLD_AFTER = 30.0  # seconds: longer than any query may run (sql_time_limit_ms)
_watched: dict[int, dict] = {}  # id(datasette) -> {"file": (device, inode), "checked": monotonic time}


class PublishedDatabase(Database):
    """The catalogue after a publish. Datasette keeps one read connection per thread under the
    database's name, which would go on reading the replaced file; this one keys them by generation."""

    def __init__(self, datasette, path: str, generation: int):
        super().__init__(datasette, path=path, is_mutable=True)
        self.generation = generation

    async def execute_fn(self, fn):
        if self.ds.executor is None:
            return await super().execute_fn(fn)
        key = f"{self.name}#{self.generation}"

        def in_thread():
            conn = getattr(connections, key, None)
            if not conn:
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(connections, key, conn)
            return fn(conn)

        return await asyncio.get_running_loop().run_in_executor(self.ds.executor, in_thread)


def _file(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)  # follows the link: the file it names now
    except OSError:
        return None
    return found.st_dev, found.st_ino


@hookimpl
def startup(datasette):
    _watched[id(datasette)] = {"file": _file(catalogue(datasette).path), "checked": time.monotonic()}


def serve_newest(datasette) -> bool:
    """Swap the catalogue when its path names another file than the one served; True if swapped."""
    watched = _watched.get(id(datasette))
    now = time.monotonic()
    if watched is None or now - watched["checked"] < CHECK_EVERY:
        return False
    watched["checked"] = now
    old = catalogue(datasette)
    current = _file(old.path)
    if current is None or current == watched["file"]:
        return False  # unchanged, or mid-publish: keep serving what we have
    watched["file"] = current
    watched["generation"] = watched.get("generation", 0) + 1
    datasette.remove_database(catalogue_name())
    datasette.add_database(
        PublishedDatabase(datasette, old.path, watched["generation"]), name=catalogue_name()
    )
    asyncio.get_running_loop().call_later(CLOSE_OLD_AFTER, old.close)
    return True


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def serving_the_published_catalogue(scope, receive, send):
            if scope.get("type") == "http":
                serve_newest(datasette)
            await app(scope, receive, send)

        return serving_the_published_catalogue

    return wrap
