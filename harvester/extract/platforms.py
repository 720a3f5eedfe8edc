"""Platforms where project materials live (Issuu, Drive, SlideShare …): which off-host URL is a
material, its canonical URL and id, and which off-host URL is never one (social profiles, share
intents, maps, meeting links, home pages).

Everything a platform is lives in harvester/registry/platforms.yml (checked against
harvester/schema/platforms.schema.json, loaded once); this module only applies it, so a new
platform is a YAML entry and a test. Nothing here fetches anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from harvester.registry import read_yaml
from harvester.registry.validation import RegistryError, check, where
from harvester.urls import canonicalize, material_id

PLATFORMS_FILE = Path(__file__).resolve().parent.parent / "registry" / "platforms.yml"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Form:
    host: re.Pattern
    path: re.Pattern
    query: tuple[tuple[str, str], ...]  # (query parameter, group name)
    url_param: str | None
    canonical: str


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    type: str  # a types vocabulary id
    type_from_text: bool
    format: str
    lowercase: bool
    oembed: str | None
    forms: tuple[Form, ...]


@dataclass(frozen=True)
class Never:
    why: str
    host: re.Pattern
    path: re.Pattern
    bare: bool  # only where the URL has no query string


@dataclass(frozen=True)
class PlatformMatch:
    platform: Platform
    canonical: str  # the material's canonical URL: every form of one material gives the same

    @property
    def id(self) -> str:
        return material_id(self.canonical)


@dataclass(frozen=True)
class Registry:
    platforms: tuple[Platform, ...]
    never: tuple[Never, ...]


def _compile(value: str, here: str, key: str) -> re.Pattern:
    try:
        return re.compile(value, re.I)
    except re.error as exc:
        raise RegistryError(f"{here}: {key}: {value!r} is not a regular expression ({exc})") from exc


def load_registry(path: Path = PLATFORMS_FILE) -> Registry:
    """Read and check the platforms file; a problem raises RegistryError naming the line and entry."""
    data = read_yaml(path)
    check(path, data, "platforms", {"platforms": "platform", "never": "pattern"})
    platforms, seen = [], set()
    for i, entry in enumerate(data["platforms"]):
        here = where(path, "platforms", i, entry, "platform")
        if entry["id"] in seen:
            raise RegistryError(f"{here}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        forms = []
        for form in entry["forms"]:
            host, path_re = _compile(form["host"], here, "host"), _compile(form["path"], here, "path")
            canonical = form.get("canonical") or entry["canonical"]
            groups = set(host.groupindex) | set(path_re.groupindex) | set((form.get("query") or {}).values())
            missing = set(PLACEHOLDER.findall(canonical)) - groups
            if missing and not form.get("url_param"):
                raise RegistryError(
                    f"{here}: form {form['host']} {form['path']} gives no {', '.join(sorted(missing))}"
                    f" for the canonical URL {canonical}"
                )
            query = tuple((form.get("query") or {}).items())
            forms.append(Form(host, path_re, query, form.get("url_param"), canonical))
        platforms.append(
            Platform(
                id=entry["id"],
                name=entry["name"],
                type=entry["type"],
                type_from_text=entry.get("type_from_text", False),
                format=entry["format"],
                lowercase=entry.get("lowercase", False),
                oembed=entry.get("oembed"),
                forms=tuple(forms),
            )
        )
    never = []
    for i, entry in enumerate(data["never"]):
        here = where(path, "never", i, entry, "pattern")
        never.append(
            Never(
                entry["why"],
                _compile(entry.get("host", ".*"), here, "host"),
                _compile(entry.get("path", ".*"), here, "path"),
                entry.get("bare", False),
            )
        )
    return Registry(tuple(platforms), tuple(never))


@cache
def registry() -> Registry:
    """The platforms file, read once per process."""
    return load_registry()


def _parts(url: str):
    """(host, path, query parameters) of an absolute http(s) URL, or None for anything malformed."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not re.fullmatch(r"[a-z0-9.-]+\.[a-z0-9-]+", host):
        return None
    return host, parts.path or "/", parse_qs(parts.query, keep_blank_values=True)


def never_material(url: str, reg: Registry | None = None) -> str | None:
    """Why an off-host URL is never a material ('social profile', 'map' …), or None."""
    parsed = _parts(url)
    if parsed is None:
        return None
    host, path, query = parsed
    for rule in (reg or registry()).never:
        if rule.bare and query:
            continue
        if rule.host.fullmatch(host) and rule.path.fullmatch(path):
            return rule.why
    return None


def match(url: str, reg: Registry | None = None, _depth: int = 0) -> PlatformMatch | None:
    """The platform material an off-host URL (a link or an embed) points to, or None: never-material
    URLs first, then the platforms in the file's order, the first matching form deciding."""
    reg = reg or registry()
    parsed = _parts(url)
    if parsed is None or never_material(url, reg):
        return None
    host, path, query = parsed
    for platform in reg.platforms:
        for form in platform.forms:
            host_match = form.host.fullmatch(host)
            path_match = host_match and form.path.fullmatch(path)
            if not path_match:
                continue
            if form.url_param:  # a player wrapping the material's own URL
                inner = (query.get(form.url_param) or [""])[0]
                found = match(inner, reg, _depth + 1) if inner and _depth < 2 else None
                if found:
                    return found
                continue
            values = {**host_match.groupdict(), **path_match.groupdict()}
            if any(not (query.get(param) or [""])[0] for param, _ in form.query):
                continue
            values.update({group: query[param][0] for param, group in form.query})
            values = {k: (v or "") for k, v in values.items()}
            if platform.lowercase:
                values = {k: v.lower() for k, v in values.items()}
            return PlatformMatch(platform, canonicalize(_fill(form.canonical, values)))
    return None


def platform_of_host(url: str, reg: Registry | None = None) -> Platform | None:
    """The platform whose own host serves a URL, whatever its path (a video player is never a game).
    Self-hosted platforms (Moodle on any host) have no host of their own."""
    parsed = _parts(url)
    if parsed is None:
        return None
    for platform in (reg or registry()).platforms:
        for form in platform.forms:
            if form.host.fullmatch(parsed[0]) and not form.host.fullmatch("any-host.invalid"):
                return platform
    return None


def _fill(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: quote(values[m.group(1)], safe="/:@!$'()*+,;=-._~"), template)


def oembed_url(found: PlatformMatch, endpoint: str | None = None) -> str | None:
    """The platform's documented oEmbed URL for a material (`endpoint` replaces the platform's own,
    for a local test server), or None where the platform has none."""
    template = found.platform.oembed
    if not template:
        return None
    if endpoint:
        template = endpoint + ("&" if "?" in endpoint else "?") + "url={url}&format=json"
    return template.replace("{url}", quote(found.canonical, safe=""))


# -- references on a page: what the linking page says of a platform material ---------------------

HEADINGS = "preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]"
BLOCKS = ("li", "p", "td", "th", "dd", "dt", "figure", "figcaption", "blockquote")
LISTS = ("ul", "ol", "dl", "tr", "table")
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
CHROME = {"header", "nav", "footer", "aside"}
LABEL_BLOCKS = ("li", "td", "dd", "dt")  # a list item or a cell names its links; a paragraph is prose
MAX_LABEL_CHARS = 120
MAX_CONTEXT_CHARS = 1500
URL_LIKE = re.compile(r"^(https?://|www\.)|^[\w.-]+\.(com|fi|net|org|ly|me|io|se|eu|ms|gl|be)(/\S*)?$", re.I)
FILE_NAME = re.compile(r"^\S+\.(pdf|docx?|pptx?|xlsx?|odt|odp|rtf|mp3|mp4|m4a|wav|jpe?g|png|gif|zip)$", re.I)
GENERIC = re.compile(
    r"^(youtube( video)?( player)?|youtube-videosoitin|vimeo( video)?( player)?|video|videosoitin|"
    r"embedded (content|video)|upotettu (sisältö|video)|inbäddat innehåll|iframe|soitin|player|"
    r"spotify( embed)?|soundcloud( (widget|player))?|issuu( (embed|reader))?|google (slides|drive|docs)|"
    r"slideshare|thinglink|padlet|(get it on )?google play|(download on the )?app store|"
    r"lue lisää|lisää|katso( tästä| video| videolta)?|kuuntele( tästä)?|avaa( tästä)?|linkki|tästä|"
    r"täältä|klikkaa( tästä)?|lataa( tästä)?|click here|here|read more|watch( here)?|listen( here)?|"
    r"open|download|läs mer|här|klicka här|länk|link|titta|lyssna|öppna|ladda ner|"
    r"esikatselu|preview|koko näyttö|full ?screen|\W*)$",
    re.I,
)


@dataclass
class PlatformRef:
    """A platform material as the linking page shows it: never fetched, described from the page."""

    url: str  # as written on the page
    match: PlatformMatch
    form: str  # "embed" (an iframe) or "link"
    title: str | None
    title_evidence: str  # embed title | link text | text beside the link | figure caption | heading
    language: str | None
    language_evidence: str | None  # hreflang | link text | label beside the link | section lang | page
    context: str  # text of the section around it, for tags
    section_heading: str | None  # the heading of that section
    group: str  # the block or list it sits in: language versions side by side share it
    element: object = field(default=None, repr=False, compare=False)  # the <a> or <iframe>


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def usable_title(text: str | None) -> str | None:
    """A link text or a title attribute that can stand as a title: not a bare URL, a file name, a
    language name alone or a generic "read more"."""
    text = _clean(text).strip(" :–—-|»›→")
    if len(text) < 3 or URL_LIKE.search(text) or FILE_NAME.match(text) or GENERIC.match(text):
        return None
    if language_label(text, whole=True):
        return None
    return text


@cache
def _language_words() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """(unambiguous labels: 'somaliksi', 'på somaliska', 'in Somali'; bare names: 'somali', 'Soomaali';
    word -> language id), from the languages vocabulary."""
    from harvester.tagging.vocabulary import entries

    names: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for entry in entries("languages"):
        lid = entry["id"]
        labels = [str(entry["label"][k]) for k in ("fi", "sv", "en")] + [str(entry.get("name") or "")]
        for label in labels:
            for word in re.split(r"[()]", label):
                word = word.strip().lower()
                if len(word) >= 3:
                    names.setdefault(word, lid)
        fi = str(entry["label"]["fi"]).split(" (")[0].lower()
        forms = {fi + "ksi", fi[:-1] + "eksi" if fi.endswith("i") else fi + "ksi"}
        phrases.update(dict.fromkeys(forms, lid))
        phrases[f"på {str(entry['label']['sv']).split(' (')[0].lower()}"] = lid
        phrases[f"in {str(entry['label']['en']).split(' (')[0].lower()}"] = lid
    phrases.update(
        {"englanniksi": "en", "selkosuomeksi": "fi", "selkokielellä": "fi", "på lättläst svenska": "sv"}
    )
    names.pop("thai", None)  # too short and too common in names to stand alone
    alternation = lambda words: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # noqa: E731
    unambiguous = re.compile(rf"(?<!\w)({alternation(phrases)})(?!\w)", re.I)
    bare = re.compile(rf"(?<!\w)({alternation(names)})(?!\w)", re.I)
    return unambiguous, bare, {**names, **phrases}


def language_label(text: str, whole: bool = False) -> str | None:
    """The language a short text names as a label ('somaliksi', '(arabia)', 'In English', 'Soomaali'),
    or None. `whole`: only when the text is nothing but the label."""
    text = _clean(text)
    if not text:
        return None
    unambiguous, bare, words = _language_words()
    if whole:
        stripped = text.strip(" ()[]:,.–-|").lower()
        return words.get(stripped)
    found = unambiguous.search(text)
    if found:
        return words[found.group(1).lower()]
    for found in bare.finditer(text):
        before, after = text[: found.start()].rstrip(), text[found.end() :].lstrip()
        # a name in brackets, after a separator at the end, or a short text that is mostly the name
        bracketed = before.endswith(("(", "["))
        trailing = not after.strip(":–—|/- ") and re.search(r"[(:–—|/,-]$", before)
        if bracketed or trailing or len(text.split()) <= 2:
            return words[found.group(1).lower()]
    return None


def _beside(element, block) -> str:
    """The block's text without the text of its links: the label a list item gives its links."""
    text = _clean(block.text_content())
    for a in block.iter("a"):
        link_text = _clean(a.text_content())
        if link_text:
            text = text.replace(link_text, " ")
    return _clean(text)


def _ancestor(element, tags):
    return next((a for a in element.iterancestors() if a.tag in tags), None)


def _language(element, link_text: str, block, page_lang: str | None) -> tuple[str | None, str | None]:
    from harvester.extract.html import primary_language

    hreflang = primary_language(element.get("hreflang"))
    if hreflang:
        return hreflang, "hreflang"
    label = language_label(link_text)
    if label:
        return label, "link text"
    if block is not None:
        label = language_label(_beside(element, block))
        if label:
            return label, "label beside the link"
    for node in (element, *element.iterancestors()):
        lang = primary_language(node.get("lang") or node.get("xml:lang"))
        if lang:
            return (lang, "section lang") if node.tag != "html" else (lang, "page")
    return (page_lang, "page") if page_lang else (None, None)


def _title(element, form: str, link_text: str, block, page_title: str | None) -> tuple[str | None, str]:
    if form == "embed":
        title = usable_title(element.get("title"))
        if title:
            return title, "embed title"
    else:
        said = (link_text, element.get("title"), element.get("aria-label"))
        title = next(filter(None, map(usable_title, said)), None)
        if title:
            return title, "link text"
        if block is not None and block.tag in LABEL_BLOCKS:
            title = usable_title(_beside(element, block))
            if title and len(title) <= MAX_LABEL_CHARS:
                return title, "text beside the link"
    figure = _ancestor(element, ("figure",))
    if figure is not None:
        caption = figure.find(".//figcaption")
        title = usable_title(caption.text_content()) if caption is not None else None
        if title:
            return title, "figure caption"
    heading = element.xpath(HEADINGS)
    title = usable_title(heading[0].text_content()) if heading else None
    if title:
        return title, "heading"
    return usable_title(page_title), "page title"


def _context(element) -> str:
    """The section a link or embed sits in, for its tags: the nearest heading above it and the text
    that follows the heading up to the next heading of the same or a higher level (or the site's
    chrome), at most MAX_CONTEXT_CHARS."""
    heading = element.xpath(HEADINGS)
    if not heading:
        return ""
    level = int(heading[0].tag[1])
    parts, size = [_clean(heading[0].text_content())], 0
    for node in heading[0].xpath("following::text()"):
        parent = node.getparent()  # for a tail, the element it follows
        parent = parent.getparent() if node.is_tail and parent.getparent() is not None else parent
        ancestors = [parent, *parent.iterancestors()]
        tags = {a.tag for a in ancestors}
        if tags & CHROME or any(a.tag in HEADING_TAGS and int(a.tag[1]) <= level for a in ancestors):
            break
        if tags & {"script", "style", "noscript", "template"}:
            continue
        parts.append(str(node))
        size += len(node)
        if size > MAX_CONTEXT_CHARS:
            break
    return _clean(" ".join(parts))[:MAX_CONTEXT_CHARS]


def _group(element, path) -> str:
    block = _ancestor(element, BLOCKS)
    if block is None:
        return path(element.getparent())
    if block.tag in ("li", "dd", "dt", "td", "th") and len(block.xpath(".//a[@href] | .//iframe")) <= 1:
        container = _ancestor(block, LISTS)
        if container is not None:
            return path(container)
    return path(block)


def page_refs(
    content, page_url: str, page_lang: str | None, page_title: str | None, reg: Registry | None = None
) -> list[PlatformRef]:
    """Every platform material the content element links or embeds, in document order (one ref per
    link or embed; the same material linked twice gives two refs with the same canonical URL)."""
    from urllib.parse import urljoin

    page_host = (urlsplit(page_url).hostname or "").lower()
    path = content.getroottree().getpath
    refs = []
    for element in content.iter("a", "iframe"):
        form = "embed" if element.tag == "iframe" else "link"
        raw = element.get("href") if form == "link" else (element.get("src") or element.get("data-src"))
        raw = (raw or "").strip()
        if not raw or raw.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        try:
            url = urljoin(page_url, raw)
        except ValueError:  # a malformed URL ('http://[x]/') is no reference
            continue
        parsed = _parts(url)
        if parsed is None or parsed[0] == page_host:
            continue
        found = match(url, reg)
        if found is None:
            continue
        link_text = _clean(element.text_content()) if form == "link" else ""
        block = _ancestor(element, BLOCKS)
        title, title_evidence = _title(element, form, link_text, block, page_title)
        language, language_evidence = _language(element, link_text, block, page_lang)
        heading = element.xpath(HEADINGS)
        refs.append(
            PlatformRef(
                url,
                found,
                form,
                title,
                title_evidence,
                language,
                language_evidence,
                _context(element),
                _clean(heading[0].text_content()) if heading else None,
                f"{page_url}#{_group(element, path)}",
                element,
            )
        )
    return refs
