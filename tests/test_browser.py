"""Browser tests: a coordinator's tasks in headless Chromium against a running Datasette on the
demo catalogue. Screenshots are kept in test-artifacts/ (or $TEST_ARTIFACTS)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import REPO, served_datasette

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", REPO / "test-artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(harvested, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "catalog.db"
    shutil.copy(harvested[0], db)
    with served_datasette(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: page.problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_for_a_somali_material(page, site):
    page.goto(site + "/")
    page.fill("input[name=q]", "Kela")
    page.click("form.big-search button")
    page.wait_for_selector("ol.cards li.card")
    page.select_option("select[name=languages]", "so")
    page.click("form.big-search button")
    page.wait_for_selector("ol.cards li.card h3 a")
    assert "somali" in page.inner_text("ol.cards li.card:first-child .langs")
    assert page.locator("ol.cards mark").count() > 0
    shot(page, "search-somali")
    page.click("ol.cards li.card:first-child h3 a")
    page.wait_for_selector("ul.evidence li")
    assert "Miksi nämä tunnisteet?" in page.inner_text("main")
    assert "Kieli: somali" in page.inner_text("ul.evidence")
    shot(page, "material")
    assert page.problems == []


def test_plain_language_somali_initial_phase_in_three_clicks(page, site):
    """The coordinator's question from the front page: Selkokieli, then somali, then Alkuvaihe."""
    page.goto(site + "/")
    page.click("section.content a[href='/haku?plain=1']")  # 1
    page.wait_for_selector("ol.cards li.card")
    page.click("nav.facets a:has-text('somali')")  # 2
    page.wait_for_url("**languages=so**")
    page.click("nav.facets a:has-text('Alkuvaihe')")  # 3
    page.wait_for_url("**phases=initial**")
    cards = page.locator("ol.cards li.card")
    assert cards.count() >= 1
    for i in range(cards.count()):
        card = cards.nth(i)
        assert "somali" in card.inner_text() and card.locator(".tag.plain").count() == 1
    chosen = page.inner_text("ul.chosen-filters")
    assert "Selkokieli" in chosen and "somali" in chosen and "Alkuvaihe" in chosen
    shot(page, "plain-somali-initial")
    page.click("ul.chosen-filters a:has-text('somali')")  # a chosen filter is removable
    page.wait_for_url(lambda url: "languages=so" not in url)
    assert page.locator("ol.cards li.card").count() > cards.count() or "somali" not in page.url
    assert page.problems == []


def test_apply_a_phase_facet(page, site):
    page.goto(site + "/catalog/materials")
    page.click("#facet-phases a:has-text('Nivelvaihe')")
    page.wait_for_url("**_tag_phases=transition**")
    assert "phases" in page.url and "transition" in page.url
    assert page.locator("#facet-phases li:has-text('Nivelvaihe') a.cross").count() == 1
    shot(page, "facet-transition")
    assert page.problems == []


def test_open_a_project_page_from_the_front_page(page, site):
    page.goto(site + "/")
    page.click("a[href*='/hanke/']:has-text('Hyvä alku Länsirannikolla')")
    page.wait_for_selector("h1:has-text('Hyvä alku Länsirannikolla')")
    assert page.locator("ul.materials li").count() >= 5
    assert "Tavoitteet" in page.content()
    shot(page, "project")
    assert page.problems == []


def test_open_the_dashboard(page, site):
    page.goto(site + "/")
    page.click("section.content a[href='/kojelauta']")
    page.wait_for_selector("svg.chart")
    assert page.locator("svg.chart").count() >= 5
    assert "somali" in page.inner_text(".charts")
    shot(page, "dashboard")
    assert page.problems == []


def test_switch_the_interface_to_swedish_and_keep_it(page, site):
    page.goto(site + "/kojelauta")
    page.click("ul.lang-switch a:has-text('Svenska')")
    page.wait_for_url("**lang=sv")
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.inner_text("h1") == "Översikt"
    page.click("details.nav-menu summary")
    page.click(".nav-menu-inner a:has-text('AOE-beredskap')")
    page.wait_for_selector("h1:has-text('AOE-beredskap')")
    assert page.evaluate("document.documentElement.lang") == "sv"  # remembered without ?lang=
    assert "ingen öppen licens angiven" in page.inner_text("main")
    shot(page, "readiness-swedish")
    assert page.problems == []


def test_a_missing_material_is_a_page_of_the_catalogue(page, site):
    response = page.goto(site + "/aineisto/0000000000000000?lang=en")
    assert response.status == 404
    assert page.inner_text("h1") == "Material not found"
    page.fill("main input[name=q]", "opas")
    page.click("main form.big-search button")
    page.wait_for_url("**/haku?q=opas")
    assert page.problems == [] or all("404" in problem for problem in page.problems)


def test_results_page_fits_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fi-FI")
    page = context.new_page()
    try:
        for path in ("/haku?q=kotoutuminen", "/haku?plain=1&languages=so&phases=initial", "/"):
            page.goto(site + path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 390, (path, width)
        shot(page, "front-390")
        page.goto(site + "/haku?q=kotoutuminen")
        shot(page, "results-390")
    finally:
        context.close()
