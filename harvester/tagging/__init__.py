"""Tagging: languages, plain language, phases, audiences and type, each with its evidence."""

import hashlib
from pathlib import Path

TAGGER_RELEASE = (
    "1"  # bump when tagging code changes what it decides; vocabulary edits are seen by themselves
)


def _tagger_version() -> str:
    digest = hashlib.sha1(TAGGER_RELEASE.encode())
    for path in sorted((Path(__file__).parent / "vocab").glob("*.yml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


TAGGER_VERSION = _tagger_version()
