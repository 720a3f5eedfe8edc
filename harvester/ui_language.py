"""The interface's languages and strings (datasette/i18n/messages.yml), and the language of the request
being answered: Datasette calls some hooks (render_cell) without the request, so the i18n plugin's ASGI
wrapper keeps the chosen language in a context variable for the length of each request."""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache

from harvester import yamlload
from harvester.web import CONFIG_DIR

UI_LANGUAGES = ("fi", "sv", "en")
DEFAULT = "fi"
MESSAGES_FILE = CONFIG_DIR / "i18n" / "messages.yml"
REQUEST_LANGUAGE: ContextVar[str] = ContextVar("ui_lang", default=DEFAULT)


@cache
def messages() -> dict[str, dict[str, str]]:
    return yamlload.safe_load(MESSAGES_FILE.read_text(encoding="utf-8")) or {}


def translate(key: str, lang: str = DEFAULT, **values) -> str:
    """The message `key` in `lang` (else Finnish, else the key), formatted with `values`."""
    entry = messages().get(key) or {}
    text = entry.get(lang) or entry.get(DEFAULT) or key
    return text.format(**values) if values else text
