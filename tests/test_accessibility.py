"""Accessibility in a real browser: axe-core (from npm, `make browser` installs it into .cache/axe)
injected by Playwright into Debian's chromium, on every kind of page people use, at a desktop and a
390 px phone width. A page fails on any serious or critical violation and on horizontal overflow
(the page wider than the screen). Screenshots are kept in test-artifacts/ (or $TEST_ARTIFACTS)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import REPO, served_datasette

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", REPO / "test-artifacts")) / "accessibility"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
FAILING_IMPACTS = ("serious", "critical")

playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(harvested, tmp_path_factory):
    db = tmp_path_factory.mktemp("a11y") / "catalog.db"
    shutil.copy(harvested[0], db)
    with sqlite3.connect(db) as conn:
        pick = {
            "finnish": "select id from materials where status = 'active' and languages like '[\"fi\"%'"
            " order by id limit 1",
            "rtl": "select id from materials where status = 'active' and (languages like '[\"ar\"%'"
            " or languages like '[\"fa\"%' or languages like '[\"ckb\"%') order by id limit 1",
            "project": "select project_id from materials where status = 'active' group by project_id"
            " order by count(*) desc limit 1",
        }
        ids = {name: conn.execute(sql).fetchone()[0] for name, sql in pick.items()}
    with served_datasette(db) as base:
        yield base, ids


PAGES = {  # name: path, with {finnish}, {rtl} and {project} filled from the catalogue
    "front": "/",
    "search-results": "/haku?q=opas",
    "search-none": "/haku?q=zyxwvutsrq",
    "results-filtered": "/haku?q=&languages=so&phases=initial",
    "material": "/aineisto/{finnish}",
    "material-rtl": "/aineisto/{rtl}",
    "material-swedish-ui": "/aineisto/{rtl}?lang=sv",
    "project": "/hanke/{project}",
    "dashboard": "/kojelauta",
    "readiness": "/catalog/-/aoe-readiness",
    "table": "/catalog/materials",
    "table-filtered": "/catalog/materials?_tag_languages=so",
    "projects-table": "/catalog/projects",
    "not-found": "/aineisto/0000000000000000",
    "row": "/catalog/materials/{rtl}",
}


@pytest.fixture(scope="module")
def browser():
    # Not skipped: with chromium there, a missing axe-core is a broken install, not a reason to pass.
    assert AXE.exists(), f"axe-core is missing at {AXE}: `make browser` installs it from npm"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def audit(browser, url: str, width: str, shot: str) -> dict:
    """axe-core's serious and critical violations of the page and how far it overflows the screen."""
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="fi-FI")
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations'],"
            " rules: {'target-size': {enabled: true}}});"  # tap targets of 24 px (WCAG 2.2, off by default)
            " return r.violations.map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        lang = page.evaluate("document.documentElement.lang")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    finally:
        context.close()
    serious = [v for v in result if v["impact"] in FAILING_IMPACTS]
    return {"violations": serious, "overflow": overflow, "lang": lang, "all": result}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_violation_and_fits_the_screen(browser, site, name, width):
    base, ids = site
    url = base + PAGES[name].format(**ids)
    found = audit(browser, url, width, f"{name}-{width}")
    report = json.dumps(found["violations"], ensure_ascii=False, indent=1)
    assert found["lang"] in ("fi", "sv", "en"), url
    assert not found["violations"], f"{url} at {width}: {report}"
    assert found["overflow"] <= 0, f"{url} at {width} is {found['overflow']} px wider than the screen"


def test_the_checks_can_fail(browser, site, tmp_path):
    """The audit is not blind: a page without lang, with an unlabelled select and a 600 px table
    is reported (served by the same Datasette, as a static file would be)."""
    base, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(base + "/-/versions")
        page.set_content(
            "<html><body><main><select><option>a</option></select>"
            "<table style='width:600px'><tr><td>x</td></tr></table></main></body></html>"
        )
        page.add_script_tag(path=str(AXE))
        ids = page.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        context.close()
    assert {"html-has-lang", "select-name"} <= set(ids)
    assert overflow > 0


CONTRAST_JS = """(element) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const v = rgb(c).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const backgroundOf = (node) => {  // the first painted background from node up
    for (; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const style = getComputedStyle(element);
  return {text: ratio(style.color, backgroundOf(element)),  // the outline is drawn outside the element
          outline: ratio(style.outlineColor, backgroundOf(element.parentElement)),
          outlineWidth: parseFloat(style.outlineWidth), tag: element.tagName, cls: element.className};
}"""


def test_keyboard_skip_link_and_visible_focus(browser, site):
    """Tab first reaches the skip link, which takes focus to <main>; every focused link or button
    after it keeps its text at 4.5:1 and shows an outline of at least 3:1 (WCAG 1.4.11)."""
    base, ids = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(base + f"/aineisto/{ids['finnish']}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        box = page.evaluate("JSON.stringify(document.activeElement.getBoundingClientRect())")
        assert '"top":' in box and page.locator(".skip-link").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        checked = []
        for _ in range(12):
            page.keyboard.press("Tab")
            focused = page.evaluate_handle("document.activeElement")
            found = page.evaluate(CONTRAST_JS, focused)
            checked.append(found)
            assert found["text"] >= 4.5, found
            assert found["outlineWidth"] >= 2 and found["outline"] >= 3, found
        assert {"A"} <= {c["tag"] for c in checked}
    finally:
        context.close()
