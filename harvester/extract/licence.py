"""Licence statements: Creative Commons links and badges → AOE's licence codes.

No pilot page seen states a licence; repository-type pages do, with a CC link (often rel="license")
or a badge image linking to creativecommons.org.
"""

from __future__ import annotations

import re

CC_LINK = re.compile(r"creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)", re.I)
CC_TEXT = re.compile(r"\bCC[ -](BY(?:-NC)?(?:-SA|-ND)?)[ -]?(\d\.\d)\b")
AOE_CODES = {
    "by": "CCBY",
    "by-sa": "CCBYSA",
    "by-nd": "CCBYND",
    "by-nc": "CCBYNC",
    "by-nc-sa": "CCBYNCSA",
    "by-nc-nd": "CCBYNCND",
}


def licence_code(value: str) -> str | None:
    """'https://creativecommons.org/licenses/by-sa/4.0/' or 'CC BY-SA 4.0' → 'CCBYSA4.0'; None otherwise.
    Only version 4.0 has an AOE code; other versions are kept as e.g. 'CCBY3.0' (not accepted by AOE)."""
    match = CC_LINK.search(value) or CC_TEXT.search(value)
    if not match:
        return None
    kind = match.group(1).lower()
    return f"{AOE_CODES[kind]}{match.group(2)}" if kind in AOE_CODES else None
