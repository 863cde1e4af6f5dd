"""``GET /api/events``: server-sent events, ``event: change`` with ``data: {"kind", "action", "id",
"country_iso3"}`` after each committed write of a public kind, and a heartbeat comment every
:data:`HEARTBEAT_S` seconds. Pages re-fetch what they show.

The service publishes from worker threads; :class:`Broker` hands each change to every client's queue on
its event loop with ``call_soon_threadsafe``.
"""

import asyncio
import json
import threading

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from ...registry.kinds import KINDS

router = APIRouter(tags=["events"])
HEARTBEAT_S = 15.0
QUEUE_SIZE = 1000
"""Changes kept for a slow client; beyond, the oldest wait is the client's problem: new ones are dropped."""


class Broker:
    """Fan-out of changes (from any thread) to the connected clients (asyncio queues)."""

    def __init__(self):
        self._clients: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()
        self._lock = threading.Lock()

    def connect(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        with self._lock:
            self._clients.add((asyncio.get_running_loop(), queue))
        return queue

    def disconnect(self, queue: asyncio.Queue) -> None:
        with self._lock:
            self._clients = {(loop, q) for loop, q in self._clients if q is not queue}

    def publish(self, change: dict | None) -> None:
        """Hand ``change`` to every client; restricted kinds are not announced (the stream is public)."""
        if change is not None and (KINDS.get(change["kind"]) is None or KINDS[change["kind"]].restricted):
            return
        with self._lock:
            clients = list(self._clients)
        for loop, queue in clients:
            try:
                loop.call_soon_threadsafe(_offer, queue, change)
            except RuntimeError:  # the client's loop is closed
                self.disconnect(queue)

    def close(self) -> None:
        """End every stream."""
        self.publish(None)


def _offer(queue: asyncio.Queue, change: dict | None) -> None:
    if not queue.full():
        queue.put_nowait(change)


@router.get("/events", include_in_schema=False)
async def stream(request: Request) -> StreamingResponse:
    """The change stream (left out of the OpenAPI schema: it never ends)."""
    broker: Broker = request.app.state.broker
    queue = broker.connect()

    async def messages():
        try:
            yield "retry: 3000\n\n"
            while True:
                try:
                    change = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if change is None:
                    return
                yield f"event: change\ndata: {json.dumps(change)}\n\n"
        finally:
            broker.disconnect(queue)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(messages(), media_type="text/event-stream", headers=headers)
