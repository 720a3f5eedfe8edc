"""Tagging: languages, plain language, phases, audiences and type, each with its evidence."""

import hashlib
from pathlib import Path

# Bump when tagging code changes what it decides (stored tags are then recomputed on the next
# harvest); edits of the vocabulary files are seen by themselves.
TAGGER_RELEASE = "4"


def _tagger_version() -> str:
    digest = hashlib.sha1(TAGGER_RELEASE.encode())
    for path in sorted((Path(__file__).parent / "vocab").glob("*.yml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


TAGGER_VERSION = _tagger_version()
