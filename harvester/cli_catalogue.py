"""How the commands that use an existing catalogue open it: `validate` and `export` read-only (they never
write to the catalogue, not even a migration or a label refresh), `check-links` for writing; and a one-line
message instead of a traceback for anything that is not a usable catalogue: a missing file, a directory,
a file that is not SQLite, a corrupt one, a read-only one where results must be written. An older
catalogue is read through an upgraded temporary copy."""

from __future__ import annotations

import atexit
import functools
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from harvester.netguard import is_ip_literal


class CatalogueError(Exception):
    """What is wrong with the catalogue, in one line for the operator."""


def _usable_file(path: Path) -> None:
    if not path.exists():
        raise CatalogueError(f"no catalogue at {path} (run a harvest first)")
    if not path.is_file():
        raise CatalogueError(f"{path} is not a catalogue file")


def _described(path: Path, exc: Exception) -> CatalogueError:
    reason = str(exc)
    if "not a database" in reason:
        return CatalogueError(f"{path} is not a catalogue (not an SQLite database)")
    if "malformed" in reason or "corrupt" in reason:
        return CatalogueError(f"catalogue {path} is damaged ({reason}); restore it from the published copy")
    if "readonly" in reason or "read-only" in reason:
        return CatalogueError(f"catalogue {path} is read-only; this command writes its results there")
    return CatalogueError(f"cannot use catalogue {path}: {reason}")


def one_line_errors(command: str):
    """A command whose catalogue problems (CatalogueError, or damage SQLite finds only while reading or
    writing) end it with one line on stderr and exit code 2, never a traceback."""

    def decorate(run):
        @functools.wraps(run)
        def guarded(args) -> int:
            try:
                return run(args)
            except CatalogueError as exc:
                problem = exc
            except sqlite3.DatabaseError as exc:
                problem = _described(Path(args.db), exc)
            print(f"aineistopankki {command}: {problem}", file=sys.stderr)
            return 2

        return guarded

    return decorate


def open_read_only(db: str | Path) -> sqlite_utils.Database:
    """The catalogue opened so that nothing can be written to it (SQLite's read-only mode)."""
    from harvester.catalog.schema import MIGRATIONS

    path = Path(db)
    _usable_file(path)
    for mode in ("mode=ro", "immutable=1"):  # immutable: a WAL catalogue in a directory we cannot write
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
            catalogue = sqlite_utils.Database(conn)
            if not catalogue["materials"].exists():
                conn.close()
                raise CatalogueError(f"{path} is not a catalogue (no materials table)")
            conn.execute("select count(*) from materials").fetchone()
            if MIGRATIONS.pending(catalogue):
                return _upgraded_copy(path, catalogue)
            return catalogue
        except sqlite3.OperationalError as exc:
            if mode == "immutable=1" or "unable to open" not in str(exc):
                raise _described(path, exc) from None
        except sqlite3.DatabaseError as exc:
            raise _described(path, exc) from None
    raise CatalogueError(f"cannot open catalogue {path}")  # not reached


def _upgraded_copy(path: Path, catalogue: sqlite_utils.Database) -> sqlite_utils.Database:
    """An older catalogue is read through an upgraded copy in a temporary directory (removed at exit):
    the file itself stays exactly as it was (a harvest or `serve` upgrades it in place)."""
    from harvester.catalog import open_catalog

    folder = tempfile.TemporaryDirectory(prefix="aineistopankki-")
    atexit.register(folder.cleanup)
    copy = Path(folder.name) / "catalog.db"
    with sqlite3.connect(copy) as target:
        catalogue.conn.backup(target)
    catalogue.close()
    print(
        f"note: {path} is an older catalogue; reading an upgraded copy (the file is not changed)",
        file=sys.stderr,
    )
    return open_catalog(copy)


def open_for_writing(db: str | Path) -> sqlite_utils.Database:
    """The catalogue opened (and upgraded) for a command that writes results, checked writable
    before any work is done, so that nothing is done in vain."""
    from harvester.catalog import open_catalog

    path = Path(db)
    _usable_file(path)
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as probe:  # never upgrade
            found = probe.execute("select 1 from sqlite_master where name = 'materials'").fetchone()
        if not found:  # another SQLite file: not turned into a catalogue
            raise CatalogueError(f"{path} is not a catalogue (no materials table)")
        catalogue = open_catalog(path)
        catalogue.execute("BEGIN IMMEDIATE")
        catalogue.execute("ROLLBACK")
        return catalogue
    except sqlite3.DatabaseError as exc:
        raise _described(path, exc) from None


def literal_origins(db) -> frozenset[str]:
    """host:port of every source start URL or scope written as an IP address: the operator named
    those addresses themselves (the demo web's 127.0.0.1), so check-links may ask them, as the harvest did."""
    found = set()
    for row in db.execute("select start_urls, scope from sources").fetchall():
        for column in row:
            try:
                urls = json.loads(column or "[]")
            except ValueError:
                continue
            for url in urls if isinstance(urls, list) else []:
                try:
                    parts = urlsplit(str(url))
                    port = parts.port or (443 if parts.scheme == "https" else 80)
                except ValueError:
                    continue
                if parts.hostname and is_ip_literal(parts.hostname):
                    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
                    found.add(f"{host}:{port}")
    return frozenset(found)
