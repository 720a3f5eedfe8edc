"""Text safe for XML 1.0 whatever the catalogue holds: rows stored before text was cleaned on the way in
(old catalogues) may still hold control characters, and one of them would make a whole OAI-PMH page, the
Atom feed or the sitemap ill-formed for every harvester. Every XML output passes its text through here."""

from __future__ import annotations

import re
from urllib.parse import quote

# XML 1.0 Char minus the C1 controls (legal but discouraged, and never meant in a title): keeps tab, LF, CR.
NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str | None:
    """value as a string without the characters XML cannot carry (None stays None)."""
    if value is None:
        return None
    return NOT_XML.sub("", str(value))


def url_segment(value) -> str:
    """value as one percent-encoded URL path segment: only unreserved ASCII characters are left."""
    return quote(xml_text(value) or "", safe="")
