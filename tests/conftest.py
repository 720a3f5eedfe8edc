"""Shared fixtures: the demo web on loopback and a catalogue harvested from it over HTTP."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the demo web package lives beside the harvester

from helpers import CATALOGUE_SOURCE, run_cli  # noqa: E402

from demo.server import DemoWeb  # noqa: E402


@pytest.fixture(scope="session")
def demo_web():
    web = DemoWeb(base_port=0).start()  # ephemeral ports: never clashes with a running `make demo`
    yield web
    web.stop()


@pytest.fixture(scope="session")
def demo_sources(demo_web, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sources") / "demo-sources.yml"
    path.write_text(demo_web.sources_yaml(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def harvested(demo_sources, tmp_path_factory):
    """A catalogue (catalog.db, so metadata.yml applies) harvested once from the whole demo web."""
    db = tmp_path_factory.mktemp("catalog") / "catalog.db"
    result = run_cli("harvest", "--sources", str(demo_sources), "--db", str(db), "--delay", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    return db, result


@pytest.fixture(scope="session")
def gold(demo_web) -> list[dict]:
    """Every gold material with its absolute URL on the running demo web."""
    entries = []
    for path in sorted((REPO / "demo" / "gold").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        origin = demo_web.origin(data["site"])
        for material in data.get("materials") or []:
            url = material["path"] if material["path"].startswith("http") else origin + material["path"]
            entries.append({**material, "site": data["site"], "abs_url": url, "project": data.get("project")})
    return entries


@pytest.fixture(scope="session")
def gold_non_materials(demo_web) -> list[tuple[str, str, str]]:
    """(kind, absolute URL, why) of every page the gold says must not be catalogued."""
    found = []
    for path in sorted((REPO / "demo" / "gold").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        origin = demo_web.origin(data["site"])
        for kind in ("non_materials", "out_of_scope"):
            for entry in data.get(kind) or []:
                found.append((kind, origin + entry["path"], entry.get("why", "")))
    return found


@pytest.fixture()
def copy_db(tmp_path):
    def _copy(src: Path) -> Path:
        dst = tmp_path / "catalog.db"
        shutil.copy(src, dst)
        return dst

    return _copy


@pytest.fixture()
def db(tmp_path):
    """An empty catalogue at tmp_path/catalog.db with the registry and one source (CATALOGUE_SOURCE)."""
    from harvester.catalog import open_catalog, sync_registry
    from harvester.registry import load_projects

    db = open_catalog(tmp_path / "catalog.db")
    sync_registry(db, load_projects(), [CATALOGUE_SOURCE])
    yield db
    db.close()
