"""The fast path of the cached reads: an ASGI middleware that answers a GET whose answer the read models
keep (:meth:`permille.api.readmodels.ReadModels.at_edge`) straight from memory — no routing, no
dependencies, no worker thread, no database — and hands every other request to the app.

What it sends is what the route sent when it computed the answer (body, headers, ETag), or a ``304`` on a
matching ``If-None-Match``; the security headers are added outside it
(:class:`permille.api.boundary.SecurityHeaders`)."""

from .readmodels import ReadModels, matches


class ReadEdge:
    """Answer kept reads before the app (installed by :func:`permille.api.app.create_app`)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET":
            models: ReadModels = scope["app"].state.readmodels
            if models.enabled:
                authorization = if_none_match = accept_language = None
                for name, value in scope["headers"]:
                    if name == b"authorization":
                        authorization = value
                    elif name == b"if-none-match":
                        if_none_match = value
                    elif name == b"accept-language":
                        accept_language = value
                answer = models.at_edge(scope["path"], scope["query_string"], authorization, accept_language)
                if answer is not None:
                    if if_none_match is not None and matches(if_none_match.decode("latin-1"), answer.etag):
                        await send(
                            {"type": "http.response.start", "status": 304, "headers": answer.raw_not_modified}
                        )
                        await send({"type": "http.response.body", "body": b""})
                        return
                    await send(
                        {"type": "http.response.start", "status": answer.status_code, "headers": answer.raw}
                    )
                    await send({"type": "http.response.body", "body": answer.body})
                    return
        await self.app(scope, receive, send)
