"""The catalogue's Datasette, configured in one place: the directory datasette/ (settings.json,
metadata.yml, templates, plugins, static; Datasette's "configuration directory mode"). `serve`, `demo`,
the deploy script's soundness check, the tests and the benchmarks all build the app here, so none of
them assembles flags of its own.

Whatever the catalogue file is called, it is served under the one database name the metadata
describes (`catalog`): the metadata's facets and titles, the plugins' pages and the URLs agree.
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

from harvester import yamlload

CONFIG_DIR = Path(__file__).resolve().parent.parent / "datasette"
METADATA_FILE = CONFIG_DIR / "metadata.yml"
SETTINGS_FILE = CONFIG_DIR / "settings.json"


@cache
def catalogue_name() -> str:
    """The catalogue's database name: the one database the metadata describes."""
    metadata = yamlload.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    (name,) = metadata["databases"]
    return name


def build(db_path: str | Path, settings: dict | None = None):
    """Datasette over the catalogue at db_path with the configuration directory; `settings`
    override settings.json (a test's longer time limit)."""
    from datasette.app import Datasette

    merged = {**json.loads(SETTINGS_FILE.read_text(encoding="utf-8")), **(settings or {})}
    datasette = Datasette([str(db_path)], config_dir=CONFIG_DIR, settings=merged)
    (served,) = [db for name, db in datasette.databases.items() if name != "_internal"]
    datasette.remove_database(served.name)
    datasette.add_database(served, name=catalogue_name())
    return datasette


def get(db_path: str | Path, path: str) -> tuple[int, str]:
    """One request to the app without a server (the deploy script's soundness check)."""
    datasette = build(db_path)

    async def fetch():
        await datasette.invoke_startup()
        return await datasette.client.get(path)

    response = asyncio.run(fetch())
    return response.status_code, response.text


SHUTDOWN_GRACE = 5  # seconds open requests get after SIGTERM/SIGINT before the server stops anyway


def serve(db_path: str | Path, host: str, port: int) -> None:
    """Serve the catalogue as `datasette serve` would (startup hooks, one uvicorn worker). SIGTERM and
    SIGINT stop it within SHUTDOWN_GRACE seconds even while a client holds a download open."""
    import uvicorn

    datasette = build(db_path)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(
        datasette.app(),
        host=host,
        port=port,
        log_level="info",
        lifespan="on",
        workers=1,
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
    )


def catalogue(datasette):
    """The catalogue's Database in a running Datasette."""
    return datasette.get_database(catalogue_name())


async def read(datasette, query, *args):
    """One of harvester.catalog.queries run on the catalogue in Datasette's read thread."""
    return await catalogue(datasette).execute_fn(lambda conn: query(conn, *args))


def scope_cookies(scope) -> SimpleCookie | None:
    """The cookies of an ASGI request (for the plugins' ASGI wrappers, which see no Request);
    None when a Cookie header cannot be read."""
    cookies = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name.lower() == b"cookie":
            try:
                cookies.load(value.decode("latin-1"))
            except CookieError:
                return None
    return cookies
