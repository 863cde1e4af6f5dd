"""What every request and answer goes through at the edge of the app: a nesting limit on JSON bodies and
the security headers of every answer (ASGI middleware, installed by :func:`permille.api.app.create_app`).
"""

import re

from starlette.exceptions import HTTPException

MAX_JSON_DEPTH = 32
"""Most nested levels (arrays and objects) a JSON request body may have; deeper is refused with 422
before it is parsed. No record of the registry nests beyond a handful of levels; a body of thousands of
levels would otherwise exhaust the recursion of the parser and the validators (a 500)."""

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
"""Opening brackets as 2, closing as 0 (less 1: +1 and -1), every other byte deleted."""
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in the JSON text ``body`` (0 for a scalar), counted
    without parsing and without recursion: strings removed, then the running sum of +1 per opening and -1
    per closing bracket (≈ 0.2 s for 10 MB)."""
    import numpy as np  # loaded on the first deep-looking body only

    brackets = _JSON_STRING.sub(b"", body).translate(_BRACKETS, _NOT_BRACKETS)
    if not brackets:
        return 0
    return max(int((np.frombuffer(brackets, np.int8) - 1).cumsum(dtype=np.int64).max()), 0)


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"content-type":
            media_type = value.split(b";", 1)[0].strip().lower()
            return media_type == b"application/json" or media_type.endswith(b"+json")
    return False


class JsonDepthLimit:
    """Refuse a JSON request body nested deeper than ``limit`` levels with 422, when the app reads it."""

    def __init__(self, app, limit: int = MAX_JSON_DEPTH):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not _is_json(scope.get("headers") or []):
            return await self.app(scope, receive, send)
        chunks: list[bytes] = []

        async def checked_receive():
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(chunks)
                    chunks.clear()
                    # fewer brackets than the limit: no need to count levels
                    depth = json_depth(body) if body.count(b"[") + body.count(b"{") > self.limit else 0
                    if depth > self.limit:
                        raise HTTPException(
                            422,
                            f"the JSON body is nested {depth} levels deep; at most {self.limit} levels "
                            "(arrays and objects) are accepted",
                        )
            return message

        return await self.app(scope, checked_receive, send)


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
"""Scripts only from the app's own files (no inline script, no eval): an injected ``<script>`` or
``onclick=`` does not run. Styles may be inline (the pages and Leaflet set ``style`` attributes; CSS
cannot run code). No framing (clickjacking), no plugins, no ``<base>``; requests only to this origin."""
HSTS = "max-age=31536000"
"""Strict-Transport-Security (one year), sent only on answers to requests that came over TLS."""
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
"""Headers added to every answer (a header the route set itself is kept)."""


PRIVATE_NO_STORE = (b"cache-control", b"private, no-store")
"""The Cache-Control of an answer to a request with credentials that sets none itself (``/api/me``,
restricted exports, history …): no shared or browser cache keeps it. Cached reads send their own
(``private, no-cache`` with an ETag)."""


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every answer, and :data:`HSTS` when the request's scheme is https;
    :data:`PRIVATE_NO_STORE` to an answer to a request with an ``Authorization`` header.

    The scheme is uvicorn's: https when the server terminates TLS, or when a proxy it trusts
    (``--forwarded-allow-ips``, default 127.0.0.1 only) says so with ``X-Forwarded-Proto``; a client cannot
    set it with a header of its own.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = list(SECURITY_HEADERS)
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS.encode()))

        if any(name == b"authorization" for name, _ in scope.get("headers") or []):
            extra.append(PRIVATE_NO_STORE)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, send_with_headers)
