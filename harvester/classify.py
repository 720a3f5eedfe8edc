"""Material or not: decide whether a fetched page, file or embed is a material.

Files found on in-scope pages are materials, and so are platform materials (a video, an Issuu
publication, a Drive file …) that in-scope pages link or embed: the extractor has already left out
off-host links that are no materials (social profiles, share buttons, maps, meetings, home pages).
A page is a material when its main content is itself the material (a guide, an info page, a course page):
site furniture (news, events, contact, privacy, accessibility, archives, the project's
own "about" page, thank-you and "coming soon" stubs) is recognised by URL segments and
headings, and link lists by the link density of their content. No word floor: a page of
100 words or more is substantial content; a shorter one is a material when something says
so — it embeds a game, map or app or links to an app store, it is marked as plain language,
it is a language version of a page (hreflang, a language path), its title names a material
type, or it is prose in sections of its own.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from harvester.tagging.plain_language import MARKERS as PLAIN_MARKERS
from harvester.tagging.rules import score

SUBSTANTIAL_WORDS = 100  # a page this long is substantial content by itself
MIN_CONTENT_WORDS = 12  # below this a page is a stub, whatever else it says
MIN_VERSION_WORDS = 40  # a translated material says something; a translated calendar or link list little
MAX_LINK_DENSITY = 0.45
MIN_SECTIONS = 2  # a short page with its own sections (headings under its title) is written content
MIN_SECTIONED_WORDS = 60
MAX_SECTIONED_LINK_DENSITY = 0.15  # … in prose: sections of links are a hub page
WEAK_TYPES = {"info-page"}  # "info", "tietoa" in a title say nothing of a page being a material
PLAIN_URL = re.compile(r"(selko|lattlast|latt-svenska|easy-?to-?read|easy-?read|plain-?language)", re.I)
STUB = re.compile(
    r"\b(sivu (on )?tulossa|tulossa pian|sivu on työn alla|sivu päivittyy|coming soon|under construction|"
    r"kommer snart|sidan uppdateras|sidan är under arbete|"
    r"kiitos (ilmoittautumisesta|yhteydenotosta|palautteesta|tilauksesta|viestistäsi)|"
    r"thank you for (registering|your (message|feedback|order))|tack för (din anmälan|ditt meddelande)|"
    r"sivua ei löytynyt|page not found|sidan hittades inte)\b",
    re.I,
)

NON_MATERIAL_SEGMENTS = re.compile(
    r"^(uutiset|uutinen|ajankohtaista|tiedotteet|news|nyheter|aktuellt|blogi|blog|blogs|blogg|"
    r"tapahtumat|tapahtuma|events?|evenemang|kalenteri|kalender|calendar|"
    r"yhteystiedot|yhteystieto|ota-yhteytta|contact(-us)?|kontakt(a-oss)?|kontaktuppgifter|"
    r"henkilokunta|henkilosto|tiimi|staff|team|personal|"
    r"tietosuoja(seloste)?|tietosuojaseloste|rekisteriseloste|privacy(-policy|-notice)?|dataskydd(sbeskrivning)?|"
    r"integritetsskydd|saavutettavuus(seloste)?|accessibility(-statement)?|tillganglighet(sutlatande)?|"
    r"category|kategoria|kategori|tag|tags|avainsana|author|kirjoittaja|page|sivu|search|haku|hae|sok|"
    r"login|kirjaudu|wp-login\.php|wp-admin|feed|cookies?|evasteet|kakor|palaute|feedback|ajanvaraus|"
    r"tidsbokning|booking|hankkeesta|tietoa-hankkeesta|om-projektet|about(-the-project|-us)?|"
    r"sitemap|sivukartta|webbkarta|kiitos(-.*)?|thank-?you(-.*)?|thanks|tack(-.*)?|"
    r"(hankkeen-)?tyontekijat|yhteyshenkilot|medarbetare|people|meista|om-oss|"
    r"linkit|linkkeja|hyodyllisia-linkkeja|lankar|links|useful-links|(toiminta)?kalenteri|"
    r"ilmoittaudu|ilmoittautuminen|registration|register|anmalan|anmal-dig)$",
    re.I,
)
NON_MATERIAL_HEADINGS = re.compile(
    r"^(uutiset|ajankohtaista|tiedotteet|news|nyheter|aktuellt|blogi|blog|tapahtumat|events|evenemang|"
    r"yhteystiedot|ota yhteyttä|contact|contact us|kontakt|kontaktuppgifter|henkilökunta|hankkeen henkilöstö|"
    r"tiimimme|staff|our team|personal|tietosuojaseloste|tietosuoja|privacy notice|privacy policy|"
    r"dataskyddsbeskrivning|saavutettavuusseloste|accessibility statement|tillgänglighetsutlåtande|"
    r"hankkeesta|tietoa hankkeesta|om projektet|about the project|ajanvaraus|tidsbokning|palaute|feedback|"
    r"materiaalit|julkaisut|material|publikationer|materials|publications|haku|sök|search|"
    r"hankkeen työntekijät|työntekijät|yhteyshenkilöt|medarbetare|our people|meistä|om oss|"
    r"linkit|linkkejä|hyödyllisiä linkkejä|länkar|useful links|links|toimintakalenteri|kalenteri)\b",
    re.I,
)

# Register records (EURA2014 and the like) describe a project with labelled fields; they feed
# the projects table, they are not materials.
REGISTER_FIELDS = re.compile(
    r"\b(hankekoodi|projektikoodi|projektkod|project code|hakija|sökande|applicant|osatoteuttajat|"
    r"delgenomförare|toteutusaika|genomförandetid|www-osoite|webbadress)\b[^:\n]{0,40}:",
    re.I,
)
MIN_REGISTER_FIELDS = 3


ABOUT_SEGMENTS = re.compile(r"^(hankkeesta|tietoa-hankkeesta|om-projektet|about-the-project|about)$", re.I)
ABOUT_HEADINGS = re.compile(r"^(hankkeesta|tietoa hankkeesta|om projektet|about the project)\b", re.I)


def is_about_page(item: dict) -> bool:
    """The project's own description of itself: no material, but the project's page."""
    url = item.get("canonical_url") or item.get("url") or ""
    return item.get("kind") == "page" and (
        any(ABOUT_SEGMENTS.match(s) for s in _segments(url))
        or bool(ABOUT_HEADINGS.match(item.get("title") or ""))
    )


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.lower().split("/") if s]


def decide(item: dict) -> tuple[bool, str]:
    """(is_material, reason) for one harvested item."""
    return decided_by_address(item) or _decided_by_content(item)


def text_decides(item: dict) -> bool:
    """Whether a page's main content can change what becomes of it (a normalised item). Not where
    its address, hints or title already make it no material and it is not the project's own page:
    the harvest then leaves its main content unread (pipelines/worker_text.py)."""
    if item.get("kind") != "page":
        return True
    decided = decided_by_address(item)
    return decided is None or decided[0] or (is_about_page(item) and bool(item.get("project_id")))


def decided_by_address(item: dict) -> tuple[bool, str] | None:
    """The decision where the source's hints, the kind, the URL or the title settle it, before the
    text counts; None where the text decides."""
    kind = item.get("kind")
    hint = (item.get("page_signals") or {}).get("hint")
    if hint == "excluded":
        return False, "excluded by the source's hints"
    if hint == "material":
        return True, "a material by the source's hints"
    if kind == "embed":
        signals = item.get("page_signals") or {}
        how = "embedded in" if signals.get("form") == "embed" else "linked from"
        return True, f"{signals.get('platform') or 'platform'} material {how} an in-scope page"
    if kind == "file":
        if not (item.get("text") or "").strip() and item.get("format") == "pdf":
            return True, "document file (no extractable text)"
        return True, "document file linked from an in-scope page"
    signals = item.get("page_signals") or {}
    url = item.get("canonical_url") or item["url"]
    if signals.get("is_scope_root") or not _segments(url):
        return False, "start or language front page"
    query = urlsplit(url).query + "&" + urlsplit(item.get("fetched_url") or url).query
    if re.search(r"(^|&)(s|q|paged|cur|page|sivu|start|offset)=", query):
        return False, "search or pagination URL"
    for segment in _segments(url):
        if NON_MATERIAL_SEGMENTS.match(segment):
            return False, f"site page by URL segment '{segment}'"
    heading = (item.get("title") or "").strip()
    if NON_MATERIAL_HEADINGS.match(heading):
        return False, f"site page by heading '{heading[:40]}'"
    return None


def _decided_by_content(item: dict) -> tuple[bool, str]:
    signals = item.get("page_signals") or {}
    url = item.get("canonical_url") or item["url"]
    heading = (item.get("title") or "").strip()
    if (
        len({m.lower() for m in REGISTER_FIELDS.findall((item.get("text") or "")[:5000])})
        >= MIN_REGISTER_FIELDS
    ):
        return False, "project register record"
    if signals.get("is_post"):
        return False, "news or blog post"
    words = signals.get("word_count", 0)
    if STUB.search(f"{heading}\n{(item.get('text') or '')[:300]}"):
        return False, "a stub or a thank-you page"
    if signals.get("interactive") and words >= MIN_CONTENT_WORDS:
        return True, f"page ({words} words) with an embedded game, map or app"
    if signals.get("link_density", 0) > MAX_LINK_DENSITY:
        return False, f"link list (link density {signals['link_density']})"
    if words >= SUBSTANTIAL_WORDS:
        return True, f"page with substantial main content ({words} words)"
    if words < MIN_CONTENT_WORDS:
        return False, f"too little main content ({words} words)"
    evidence = _short_page_evidence(item, url)
    if evidence:
        return True, f"short page ({words} words): {evidence}"
    return False, f"short page ({words} words) with nothing that makes it a material"


def _short_page_evidence(item: dict, url: str) -> str | None:
    """What makes a short page a material in its own right, or None."""
    signals = item.get("page_signals") or {}
    if signals.get("app_links"):
        return "links to an app store"
    marked = PLAIN_MARKERS.search(" | ".join([item.get("title") or "", *(item.get("headings") or [])]))
    marked = marked or PLAIN_URL.search(url)
    if marked:
        return f"plain-language marker '{marked.group(0).strip(' _-/(')}'"
    if signals.get("language_version") and signals.get("word_count", 0) >= MIN_VERSION_WORDS:
        return "a language version of a page (hreflang or a language path)"
    named = [s for s in score("types", {"title": item.get("title") or ""}) if s.id not in WEAK_TYPES]
    if named:
        return f"its title names a {named[0].id} ({', '.join(named[0].matched)})"
    headings = item.get("headings") or []
    if (
        len(headings) >= MIN_SECTIONS + 1
        and signals.get("word_count", 0) >= MIN_SECTIONED_WORDS
        and signals.get("link_density", 0) <= MAX_SECTIONED_LINK_DENSITY
    ):
        return f"its own content in {len(headings) - 1} sections"
    return None
