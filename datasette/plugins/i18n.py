"""The interface speaks Finnish, Swedish or English: `?lang=sv` chooses (and a cookie remembers it),
templates get `ui_lang` and `t("key")` with the strings of datasette/i18n/messages.yml, and the label
filters show vocabulary labels in the chosen language. Finnish is the default and the fallback of a
missing string, so a page never shows a bare key."""

from __future__ import annotations

from functools import cache
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from datasette import hookimpl
from harvester import yamlload
from harvester.web import CONFIG_DIR

UI_LANGUAGES = ("fi", "sv", "en")
DEFAULT = "fi"
COOKIE = "ui_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
MESSAGES_FILE = CONFIG_DIR / "i18n" / "messages.yml"


@cache
def messages() -> dict[str, dict[str, str]]:
    return yamlload.safe_load(MESSAGES_FILE.read_text(encoding="utf-8")) or {}


def translate(key: str, lang: str = DEFAULT, **values) -> str:
    """The message `key` in `lang` (else Finnish, else the key), formatted with `values`."""
    entry = messages().get(key) or {}
    text = entry.get(lang) or entry.get(DEFAULT) or key
    return text.format(**values) if values else text


def _chosen(query_string: bytes | str) -> str | None:
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    value = (parse_qs(query_string).get("lang") or [None])[0]
    return value if value in UI_LANGUAGES else None


def ui_language(request) -> str:
    """?lang= first, then the remembered cookie, then Finnish."""
    if request is None:
        return DEFAULT
    chosen = _chosen(request.query_string)
    if chosen:
        return chosen
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in UI_LANGUAGES else DEFAULT


@hookimpl
def extra_template_vars(request):
    lang = ui_language(request)
    return {"ui_lang": lang, "ui_languages": UI_LANGUAGES, "t": lambda key, **v: translate(key, lang, **v)}


@hookimpl
def asgi_wrapper():
    """Remember a `?lang=` choice in a cookie on the response that answered it."""

    def wrap(app):
        async def remember(scope, receive, send):
            chosen = _chosen(scope.get("query_string", b"")) if scope.get("type") == "http" else None
            if not chosen:
                return await app(scope, receive, send)

            async def send_with_cookie(event):
                if event["type"] == "http.response.start":
                    cookie = SimpleCookie()
                    cookie[COOKIE] = chosen
                    cookie[COOKIE]["path"] = "/"
                    cookie[COOKIE]["max-age"] = COOKIE_MAX_AGE
                    cookie[COOKIE]["samesite"] = "Lax"
                    header = cookie[COOKIE].OutputString().encode("latin-1")
                    event = {**event, "headers": [*event.get("headers", []), (b"set-cookie", header)]}
                await send(event)

            return await app(scope, receive, send_with_cookie)

        return remember

    return wrap
