"""Fair shares of the toolkit's worker processes between clients: one client's queue does not hold up another's calculations.

:class:`FairSlots` hands out ``slots`` places to run (one per worker process) on an asyncio loop. Waiting
calculations queue per client, and a freed place goes to the clients in turn (round robin), so that one
client's eight maximum-size balances delay another client's small one by at most one calculation, not
eight. At most :data:`MAX_QUEUED` calculations wait or run per server process and
:data:`MAX_QUEUED_PER_CLIENT` per client; beyond, :class:`QueueFull` (answered 503 with ``Retry-After``).
A waiting calculation whose request is cancelled (its client hung up) leaves the queue without running.
"""

import asyncio
from collections import OrderedDict, deque
from contextlib import asynccontextmanager

from .. import i18n

MAX_QUEUED = 32
"""Calculations waiting or running per server process."""
MAX_QUEUED_PER_CLIENT = 4
"""Calculations waiting or running per client (a signed-in user, else a client address)."""
RETRY_AFTER_S = 10
"""Seconds a refused client is asked to wait (``Retry-After``)."""


class QueueFull(Exception):
    """No place in the queue; ``retry_after_s``: seconds to wait before trying again."""

    def __init__(self, message: str, retry_after_s: int = RETRY_AFTER_S):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class FairSlots:
    """``async with slots.place(client): ...`` runs the body when one of ``slots`` places is free and it
    is ``client``'s turn."""

    def __init__(self, slots: int):
        self.slots = max(1, slots)
        self.running = 0
        self._queued: dict[str, int] = {}  # client → calculations waiting or running
        self._waiting: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()

    @property
    def queued(self) -> int:
        return sum(self._queued.values())

    @asynccontextmanager
    async def place(self, client: str):
        if self.queued >= MAX_QUEUED:
            raise QueueFull(
                i18n.Text("the toolkit has {n} calculations queued; try again shortly", n=MAX_QUEUED)
            )
        if self._queued.get(client, 0) >= MAX_QUEUED_PER_CLIENT:
            raise QueueFull(
                i18n.Text("at most {n} calculations per client at a time", n=MAX_QUEUED_PER_CLIENT)
            )
        self._queued[client] = self._queued.get(client, 0) + 1
        try:
            if self.running < self.slots and not self._waiting:
                self.running += 1
            else:
                turn = asyncio.get_running_loop().create_future()
                self._waiting.setdefault(client, deque()).append(turn)
                try:
                    await turn
                except asyncio.CancelledError:
                    if turn.done() and not turn.cancelled():  # the place was given meanwhile: pass it on
                        self._release()
                    else:
                        self._forget(client, turn)
                    raise
            try:
                yield
            finally:
                self._release()
        finally:
            self._queued[client] -= 1
            if not self._queued[client]:
                del self._queued[client]

    def _forget(self, client: str, turn: asyncio.Future) -> None:
        waiting = self._waiting.get(client)
        if waiting is not None and turn in waiting:
            waiting.remove(turn)
            if not waiting:
                del self._waiting[client]

    def _release(self) -> None:
        """Give the freed place to the next client in turn, else keep it free."""
        while self._waiting:
            client, waiting = next(iter(self._waiting.items()))
            turn = waiting.popleft()
            del self._waiting[client]
            if waiting:  # the client goes to the end of the line
                self._waiting[client] = waiting
            if not turn.done():
                turn.set_result(None)
                return
        self.running -= 1
