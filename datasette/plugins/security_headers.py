"""Security headers on every Datasette response: harvested titles come from sites nobody
maintains any more, so the browser is told to run nothing that is not the catalogue's own."""

from datasette import hookimpl

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_headers(scope, receive, send):
            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    names = {name.lower() for name, _ in event.get("headers", [])}
                    extra = [(name, value) for name, value in HEADERS if name not in names]
                    event = {**event, "headers": [*event.get("headers", []), *extra]}
                await send(event)

            await app(scope, receive, send_with_headers)

        return with_headers

    return wrap
