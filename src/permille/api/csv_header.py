"""CSV downloads with their header row in the reader's language: an ASGI middleware that, for a GET or
POST whose query asks ``header=labels``, writes the first line of a ``text/csv`` answer as labels with units
(:func:`permille.io.csv_header.labelled`) in the request's language (``?lang=``, else ``Accept-Language``).
Without it (or with ``header=codes``) the columns keep their machine names, which programs read. The
parameter is the middleware's: the route sees the query without it.

It sits outside the read models' edge (:class:`permille.api.edge.ReadEdge`): a kept answer is kept with
machine names and relabelled as it is sent; its ETag gets the language, so that each version has its own."""

from urllib.parse import parse_qs

from .. import i18n
from ..io.csv_header import labelled

MAX_HEADER_BYTES = 65_536
"""A first line longer than this (bytes) is sent as it is."""


class CsvHeaderLabels:
    """Relabel the header row of CSV answers asked for with ``header=labels``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or b"header=labels" not in scope.get("query_string", b""):
            return await self.app(scope, receive, send)
        query = parse_qs(scope["query_string"].decode("latin-1"))
        if query.get("header", [""])[-1] != "labels":
            return await self.app(scope, receive, send)
        kept = [p for p in scope["query_string"].split(b"&") if p.partition(b"=")[0] != b"header"]
        scope = {**scope, "query_string": b"&".join(kept)}  # the route answers as without it
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-language"), None)
        lang = i18n.accepted_language(query.get("lang", [None])[-1], accept)
        start, buffer, done = None, b"", False

        async def relabel(message):
            nonlocal start, buffer, done
            if message["type"] == "http.response.start":
                content_type = next(
                    (v for k, v in message.get("headers", []) if k.lower() == b"content-type"), b""
                )
                if content_type.startswith(b"text/csv") and message["status"] == 200:
                    start = message  # held until the first line is there
                    return
                done = True
                return await send(message)
            if done or start is None:
                return await send(message)
            buffer += message.get("body", b"")
            more = message.get("more_body", False)
            end = buffer.find(b"\n")
            if end < 0 and more and len(buffer) < MAX_HEADER_BYTES:
                return
            if end >= 0:
                first = labelled(buffer[: end + 1].decode("utf-8"), lang).encode("utf-8")
                buffer = first + buffer[end + 1 :] if first else buffer
            headers = []
            for key, value in start.get("headers", []):
                if key.lower() == b"content-length" and not more:
                    value = str(len(buffer)).encode()
                elif key.lower() == b"content-length":
                    continue  # streamed on: its length is no longer known here
                elif key.lower() == b"etag":
                    value = value.rstrip(b'"') + f'-{lang}"'.encode()
                elif key.lower() == b"vary":
                    continue
                headers.append((key, value))
            vary = [v for k, v in start.get("headers", []) if k.lower() == b"vary"]
            headers.append((b"vary", b", ".join([*vary, b"Accept-Language"])))
            done = True
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": buffer, "more_body": more})

        await self.app(scope, receive, relabel)
