"""Material or not."""

from __future__ import annotations

import pytest

from harvester.classify import decide


def page(url, title="Opas", words=400, density=0.05, **signals):
    return {
        "kind": "page",
        "url": url,
        "canonical_url": url,
        "title": title,
        "text": "sana " * words,
        "page_signals": {"word_count": words, "link_density": density, "is_post": False, **signals},
    }


def test_files_and_embeds_are_materials():
    assert decide({"kind": "file", "url": "https://x.fi/a.pdf", "format": "pdf", "text": "x"})[0]
    assert decide({"kind": "embed", "url": "https://youtube.com/watch?v=x"})[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://x.fi/uutiset/uusi-kurssi-alkaa/",
        "https://x.fi/category/uutiset/",
        "https://x.fi/tag/tyonhaku/",
        "https://x.fi/uutiset/page/2/",
        "https://x.fi/yhteystiedot/",
        "https://x.fi/tietosuojaseloste/",
        "https://x.fi/saavutettavuusseloste/",
        "https://x.fi/sv/kontakt/",
        "https://x.fi/sv/dataskyddsbeskrivning/",
        "https://x.fi/hankkeesta/",
        "https://x.fi/en/about-the-project/",
        "https://x.fi/kotona-suomessa/blogi/-/blogs/viisi-havaintoa",
        "https://x.fi/?s=opas",
        "https://x.fi/tapahtumat/infoilta/",
    ],
)
def test_site_furniture_is_not_material(url):
    assert not decide(page(url))[0]


@pytest.mark.parametrize(
    "title", ["Yhteystiedot", "Tietosuojaseloste", "Om projektet", "Materiaalit", "Nyheter"]
)
def test_site_furniture_by_heading(title):
    assert not decide(page("https://x.fi/sivu/", title=title))[0]


def test_front_pages_stubs_link_lists_and_posts_are_not_materials():
    assert not decide(page("https://x.fi/", is_scope_root=True))[0]
    assert not decide(page("https://x.fi/sivu/", title="Vertaisryhmät", words=60))[0]
    assert not decide(page("https://x.fi/opas/", title="Opas", words=8))[0]
    assert not decide(page("https://x.fi/linkit/", density=0.8))[0]
    assert not decide(page("https://x.fi/2018/05/juttu/", is_post=True))[0]


def test_register_record_is_not_a_material():
    record = page("https://r.fi/projekti.php?projektikoodi=S20524")
    record["text"] = "Hankekoodi: S20524\nHankkeen nimi: X\nHakija: Y\nToteutusaika: 2016\n" + record["text"]
    assert decide(record) == (False, "project register record")


def test_guide_page_is_a_material():
    is_material, reason = decide(page("https://x.fi/nain-haet-asuntoa/", title="Näin haet asuntoa – opas"))
    assert is_material and "400 words" in reason


@pytest.mark.parametrize(
    ("url", "title", "words", "signals", "why"),
    [
        (
            "https://x.fi/ti/nain-haet-asuntoa/",
            "ብኸመይ ገዛ ትረኽቡ",
            60,
            {"language_version": True},
            "language version",
        ),
        ("https://x.fi/selkosuomi/kela/", "Kela auttaa", 45, {}, "plain-language marker"),
        ("https://x.fi/info/kela/", "Kela selkokielellä", 45, {}, "plain-language marker"),
        ("https://x.fi/muistipeli/", "Muistipeli", 25, {"interactive": "game-or-app"}, "embedded game"),
        ("https://x.fi/sovellus/", "Arki haltuun", 30, {"app_links": True}, "app store"),
        ("https://x.fi/sanat/", "Työelämän sanasto", 40, {}, "names a glossary"),
    ],
)
def test_short_pages_are_materials_by_evidence(url, title, words, signals, why):
    is_material, reason = decide(page(url, title=title, words=words, **signals))
    assert is_material and why in reason, reason


@pytest.mark.parametrize(
    ("url", "title", "text"),
    [
        ("https://x.fi/tuotekortit/", "Tuotekortit", "Sivu on työn alla. Tuotekortit julkaistaan syksyllä."),
        ("https://x.fi/kurssi/kiitos/", "Kiitos!", "Kiitos ilmoittautumisesta kurssille. Saat vahvistuksen."),
        (
            "https://x.fi/en/calendar-2019/",
            "Coming soon",
            "This page is coming soon. Please come back later.",
        ),
    ],
)
def test_stubs_and_thank_you_pages_stay_out_even_with_evidence(url, title, text):
    item = page(url, title=title, words=30, language_version=True, interactive="map")
    item["text"] = text
    assert not decide(item)[0]


def test_a_translated_link_list_or_calendar_is_no_material():
    assert not decide(page("https://x.fi/ar/linkit/", title="روابط", words=30, language_version=True))[0]
    assert not decide(page("https://x.fi/ar/tapahtumat/", title="فعاليات", words=30, language_version=True))[
        0
    ]
    assert not decide(page("https://x.fi/so/xx/", title="Bogga", words=20, language_version=True))[0]
