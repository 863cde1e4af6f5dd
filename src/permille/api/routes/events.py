"""``GET /api/events``: server-sent events, ``event: change`` with ``data: {"kind", "action", "id",
"country_iso3", "published", "organisation_id"}`` after each committed write, and a heartbeat comment
every :data:`HEARTBEAT_S` seconds. Pages re-fetch what they show.

Each client hears of the records it may read (:func:`~permille.registry.permissions.allowed`, the rule
of ``GET /api/<kind>/<id>``): anonymously, of published records of public kinds (what the web pages
show; a browser's ``EventSource`` sends no ``Authorization`` header); with ``Authorization: Bearer``,
also of the user's organisation's records, and of everything for the STC and the Secretariat. Of other
records of public kinds it hears only that the kind changed, without id, country or owner (see
:func:`view`). A signed-in stream re-checks its token before every change it delivers, and at once when
any user or token changes (a sign-out, "log out everywhere", a re-roled or deactivated user): a stream
whose token was revoked ends before it delivers anything more; one whose token expired, at the latest
at the next heartbeat.

The service publishes from worker threads; :class:`Broker` hands each change to every client's queue on
its event loop with ``call_soon_threadsafe``.
"""

import asyncio
import json
import threading
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from ... import i18n
from ...registry.kinds import KINDS
from ...registry.permissions import allowed
from ..deps import bearer
from ..errors import ApiError, error_response
from ..security import user_for_token

router = APIRouter(tags=["events"])
HEARTBEAT_S = 15.0
RECHECK = {"recheck": True}
"""Put in every signed-in stream's queue when a user or token changes: the stream checks its token."""
ACCOUNT_KINDS = frozenset({"users", "tokens"})
"""Change kinds after which signed-in streams check their token at once."""
MAX_STREAMS = 500
"""Open streams per server process (503 with Retry-After beyond): each holds a connection, a file."""
MAX_STREAMS_PER_CLIENT = 8
"""Open streams per client address (429 with Retry-After beyond): a browser opens one per tab."""
STREAM_RETRY_AFTER_S = 30
QUEUE_SIZE = 1000
"""Changes kept for a slow client; beyond, the oldest wait is the client's problem: new ones are dropped."""


@dataclass(frozen=True)
class Reader:
    """Who listens: what the read rule needs of a user (a snapshot; the stream holds no session)."""

    id: int
    role: str
    organisation_id: int | None


class TooManyStreams(Exception):
    """A stream refused: ``status`` 503 (the server's cap) or 429 (the client's)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Broker:
    """Fan-out of changes (from any thread) to the connected clients (asyncio queues)."""

    def __init__(self):
        self._clients: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue, Reader | None]] = set()
        self._addresses: dict[int, str] = {}  # id(queue) → client address
        self._lock = threading.Lock()

    def connect(self, reader: Reader | None = None, address: str = "") -> asyncio.Queue:
        """A queue of the changes ``reader`` (a user's role and organisation; None: the public) may read;
        :class:`TooManyStreams` beyond :data:`MAX_STREAMS` in all or :data:`MAX_STREAMS_PER_CLIENT` from
        the client ``address``."""
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        with self._lock:
            if len(self._clients) >= MAX_STREAMS:
                raise TooManyStreams(503, f"the server has {MAX_STREAMS} event streams open; try again later")
            if sum(a == address for a in self._addresses.values()) >= MAX_STREAMS_PER_CLIENT:
                raise TooManyStreams(429, f"at most {MAX_STREAMS_PER_CLIENT} event streams per client")
            self._clients.add((asyncio.get_running_loop(), queue, reader))
            self._addresses[id(queue)] = address
        return queue

    def disconnect(self, queue: asyncio.Queue) -> None:
        with self._lock:
            self._clients = {client for client in self._clients if client[1] is not queue}
            self._addresses.pop(id(queue), None)

    def publish(self, change: dict | None) -> None:
        """Hand ``change`` to every client that may read it (None, the end of the streams, to all)."""
        with self._lock:
            clients = list(self._clients)
        recheck = change is not None and change.get("kind") in ACCOUNT_KINDS
        for loop, queue, reader in clients:
            seen = change if change is None else view(reader, change)
            if seen is None and recheck and reader is not None:
                seen = RECHECK  # every delivery re-checks the token: this one only does
            if seen is None:
                continue
            try:
                loop.call_soon_threadsafe(_offer, queue, seen)
            except RuntimeError:  # the client's loop is closed
                self.disconnect(queue)

    def close(self) -> None:
        """End every stream."""
        self.publish(None)


def may_read(reader: Reader | None, change: dict) -> bool:
    """Whether ``reader`` may read the record of ``change``: the read rule on its kind, ``published`` and
    ``organisation_id`` (absent: unpublished, no owner). Changes of other kinds (e.g. toolkit usage) are
    not announced. A publish or withdrawal is announced to the readers of the published record."""
    kind = KINDS.get(change.get("kind"))
    if kind is None:
        return False
    published = change.get("action") == "publish" or change.get("published") is True
    record = SimpleNamespace(published=published, organisation_id=change.get("organisation_id"))
    return allowed(reader, "read", kind.name, record, public_kind=not kind.restricted)


def view(reader: Reader | None, change: dict) -> dict | None:
    """What ``reader`` hears of ``change``: all of it if they may read the record (:func:`may_read`); of
    another record of a public kind only that its kind changed, ``{"kind", "action": "change", "id": None,
    "country_iso3": None}``, since public aggregates (the KPIs of the progress page) count every record;
    of a restricted kind, nothing."""
    if may_read(reader, change):
        return change
    kind = KINDS.get(change.get("kind"))
    if kind is None or kind.restricted:
        return None
    return {"kind": kind.name, "action": "change", "id": None, "country_iso3": None}


def _reader(sessions, token: str | None) -> Reader | None | Literal[False]:
    """The reader of the token's user (None without a token); False when the token is unknown or expired."""
    if token is None:
        return None
    with sessions() as session:
        user = user_for_token(session, token)
        return False if user is None else Reader(user.id, user.role, user.organisation_id)


def _offer(queue: asyncio.Queue, change: dict | None) -> None:
    if not queue.full():
        queue.put_nowait(change)
    elif change is RECHECK or change is None:  # never dropped: make room
        queue.get_nowait()
        queue.put_nowait(change)


@router.get("/events", include_in_schema=False)
async def stream(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
):
    """The change stream (left out of the OpenAPI schema: it never ends)."""
    sessions = request.app.state.sessions
    token = credentials.credentials if credentials is not None else None
    reader = await run_in_threadpool(_reader, sessions, token)
    if reader is False:
        raise ApiError(
            401,
            i18n.Text("the token is unknown or has expired; sign in again"),
            code="invalid_token",
        )
    broker: Broker = request.app.state.broker
    try:
        queue = broker.connect(reader, request.client.host if request.client else "")
    except TooManyStreams as e:
        headers = {"Retry-After": str(STREAM_RETRY_AFTER_S)}
        return error_response(
            e.status, str(e), code="busy" if e.status == 503 else "too_many_requests", headers=headers
        )

    async def messages():
        try:
            yield "retry: 3000\n\n"
            while True:
                try:
                    change = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    if token is not None and await run_in_threadpool(_reader, sessions, token) is False:
                        return  # the token expired or was revoked: the client signs in again
                    yield ": heartbeat\n\n"
                    continue
                if change is None:
                    return
                if token is not None and await run_in_threadpool(_reader, sessions, token) is False:
                    return  # revoked (or expired) since the last check: nothing more is delivered
                if change is RECHECK:
                    continue
                yield f"event: change\ndata: {json.dumps(change)}\n\n"
        finally:
            broker.disconnect(queue)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(messages(), media_type="text/event-stream", headers=headers)
