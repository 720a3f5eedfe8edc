"""Platform references on a page: each link or embed of a platform material (harvester/registry/
platforms.yml) described from the page that holds it: its title, language, section text and the block it
sits in. The page is the only evidence; nothing here fetches anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urljoin, urlsplit

from .platforms import PlatformMatch, Registry, match, parts

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
# "Lue esite Issuussa", "Katso video YouTubessa", "Watch on Vimeo": an invitation, not a name.
INVITATION = re.compile(
    r"^(lue|katso|kuuntele|avaa|lataa|selaa|tutustu|siirry|read|watch|listen|open|download|view|see|go|"
    r"läs|titta|lyssna|öppna|ladda|se)\b",
    re.I,
)
MAX_INVITATION_WORDS = 4


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
    if INVITATION.match(text) and len(text.split()) <= MAX_INVITATION_WORDS:
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


# Where pages keep an embed's address: lazy loading and cookie-consent plugins hold it back from `src`.
EMBED_ATTRIBUTES = ("src", "data-src", "data-lazy-src", "data-cookieblock-src", "data-src-cmplz",
                    "data-litespeed-src", "data-original")  # fmt: skip


def _candidates(element) -> tuple[str, list[str]]:
    """(form, the addresses an element gives) for links, iframes and the embeds WordPress leaves as a
    bare URL when it could not reach the platform (a `wp-block-embed__wrapper` holding only the URL)."""
    if element.tag == "a":
        return "link", [element.get("href") or ""]
    if element.tag == "iframe":
        return "embed", [element.get(name) or "" for name in EMBED_ATTRIBUTES]
    if element.tag == "lite-youtube" and element.get("videoid"):
        return "embed", [f"https://www.youtube.com/embed/{element.get('videoid')}"]
    if "wp-block-embed__wrapper" in (element.get("class") or "") and not len(element):
        return "embed", [(element.text or "").strip()]
    return "embed", []


def _resolve(page_url: str, page_host: str, raws: list[str], reg) -> tuple[str, PlatformMatch] | None:
    for raw in raws:
        raw = raw.strip()
        if not raw.lower().startswith(("http:", "https:", "//")):
            continue  # a relative address is on the page's own host; mailto:, javascript: … are none
        try:
            url = urljoin(page_url, raw)
        except ValueError:  # a malformed URL ('http://[x]/') is no reference
            continue
        parsed = parts(url)
        if parsed is None or parsed[0] == page_host:
            continue
        found = match(url, reg)
        if found is not None:
            return url, found
    return None


def page_refs(
    content, page_url: str, page_lang: str | None, page_title: str | None, reg: Registry | None = None
) -> list[PlatformRef]:
    """Every platform material the content element links or embeds, in document order (one ref per
    link or embed; the same material linked twice gives two refs with the same canonical URL)."""
    page_host = (urlsplit(page_url).hostname or "").lower()
    path = content.getroottree().getpath
    contexts: dict = {}  # one section's text however many materials it lists
    refs = []
    for element in content.iter("a", "iframe", "lite-youtube", "div"):
        form, raws = _candidates(element)
        resolved = _resolve(page_url, page_host, raws, reg)
        if resolved is None:
            continue
        url, found = resolved
        link_text = _clean(element.text_content()) if form == "link" else ""
        block = _ancestor(element, BLOCKS)
        title, title_evidence = _title(element, form, link_text, block, page_title)
        language, language_evidence = _language(element, link_text, block, page_lang)
        heading = element.xpath(HEADINGS)
        key = heading[0] if heading else None
        if key not in contexts:
            contexts[key] = _context(element)
        refs.append(
            PlatformRef(
                url,
                found,
                form,
                title,
                title_evidence,
                language,
                language_evidence,
                contexts[key],
                _clean(heading[0].text_content()) if heading else None,
                f"{page_url}#{_group(element, path)}",
                element,
            )
        )
    return refs
