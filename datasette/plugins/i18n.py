"""The interface speaks Finnish, Swedish or English: `?lang=sv` chooses (and a cookie remembers it),
templates get `ui_lang` and `t("key")` with the strings of datasette/i18n/messages.yml, and the label
filters show vocabulary labels in the chosen language. Finnish is the default and the fallback of a
missing string, so a page never shows a bare key."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs, parse_qsl, urlencode

from datasette import hookimpl
from harvester.ui_language import (  # noqa: F401 - messages and translate are this plugin's API too
    DEFAULT,
    REQUEST_LANGUAGE,
    UI_LANGUAGES,
    messages,
    translate,
)
from harvester.web import scope_cookies

COOKIE = "ui_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _chosen(query_string: bytes | str) -> str | None:
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    value = (parse_qs(query_string).get("lang") or [None])[0]
    return value if value in UI_LANGUAGES else None


def _remembered(scope) -> str | None:
    cookies = scope_cookies(scope) or {}
    value = cookies[COOKIE].value if COOKIE in cookies else None
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
    """Remember a `?lang=` choice in a cookie on the response that answered it, and keep the
    request's language for the hooks that do not get the request."""

    def wrap(app):
        async def remember(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            chosen = _chosen(scope.get("query_string", b""))
            if chosen:  # Datasette would read ?lang= as a filter on a column "lang": a cookie here
                scope = _as_cookie(scope, chosen)
            # for the hooks Datasette calls without the request (labels.py's render_cell)
            token = REQUEST_LANGUAGE.set(chosen or _remembered(scope) or DEFAULT)
            try:
                if not chosen:
                    return await app(scope, receive, send)
                return await _remembering(app, scope, receive, send, chosen)
            finally:
                REQUEST_LANGUAGE.reset(token)

        return remember

    return wrap


def _as_cookie(scope, chosen: str) -> dict:
    """The request as if it had come with the cookie of the chosen language and without ?lang=: a
    table page keeps its rows, and every page (and the heavy-page cache) reads the language one way."""
    query = [
        (k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"), True) if k != "lang"
    ]
    cookies = scope_cookies(scope) or SimpleCookie()  # an unreadable Cookie header is dropped
    headers = [(name, value) for name, value in scope.get("headers", []) if name.lower() != b"cookie"]
    cookies[COOKIE] = chosen
    cookie = "; ".join(f"{key}={morsel.coded_value}" for key, morsel in cookies.items())
    headers.append((b"cookie", cookie.encode("latin-1")))
    return {**scope, "query_string": urlencode(query).encode("latin-1"), "headers": headers}


async def _remembering(app, scope, receive, send, chosen: str):
    """The app's answer with a cookie that remembers the chosen language."""

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
