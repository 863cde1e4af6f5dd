"""Change notifications: the service calls every subscriber after each commit, in this process and — on
PostgreSQL — in every other process serving the same database (``permille serve --workers N``).

A change is ``{"kind": url name, "action": "create" | "update" | "publish" | "ingest", "id": record id,
"country_iso3": str | None, ...}`` with JSON-serialisable values. Callbacks run in the writer's thread (or,
for a change made by another process, in the listener thread); they must be quick and must not raise (an
exception is logged and the other callbacks still run).

Across processes (:func:`bridge`): :func:`publish` delivers a change here at once, then sends it with
``NOTIFY permille_changes, '{"origin": <this process>, "change": …}'``; one listener thread per process and
database (``LISTEN permille_changes``) hands every change of another origin to the local subscribers. So
each subscriber of each process receives each change exactly once, and a process sees its own writes
without a round trip. The notification is sent after the commit: a process that dies between the two
loses the announcement (the data is committed; pages re-fetch on their next change or load). A change
larger than PostgreSQL's payload limit (8,000 bytes) is announced only in its own process (logged).
"""

import json
import logging
import threading
import uuid
from collections.abc import Callable

from sqlalchemy import Engine, text

Change = dict
CHANNEL = "permille_changes"
"""The PostgreSQL notification channel of the changes."""
MAX_PAYLOAD_BYTES = 7999
"""PostgreSQL's limit on a notification payload (bytes, default build)."""
ORIGIN = uuid.uuid4().hex
"""This process's tag on the changes it sends (so that its listener skips them)."""

_subscribers: list[Callable[[Change], None]] = []
_lock = threading.Lock()
_log = logging.getLogger(__name__)


def subscribe(callback: Callable[[Change], None]) -> Callable[[], None]:
    """Call ``callback(change)`` after each committed change; returns a function that unsubscribes."""
    with _lock:
        _subscribers.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _subscribers:
                _subscribers.remove(callback)

    return unsubscribe


def publish(change: Change) -> None:
    """Hand ``change`` to every subscriber of this process, then to the other processes of each bridged
    database (called by the service after its commit)."""
    _deliver(change)
    with _lock:
        bridges = list(_bridges.values())
    for b in bridges:
        b.notify(change)


def _deliver(change: Change) -> None:
    with _lock:
        callbacks = list(_subscribers)
    for callback in callbacks:
        try:
            callback(change)
        except Exception:
            _log.exception("change subscriber %r failed", callback)


# --- across processes: PostgreSQL LISTEN/NOTIFY -------------------------------------------------------------


class _Bridge:
    """The listener thread and the sender of one PostgreSQL database."""

    RECONNECT_S = 1.0

    def __init__(self, engine: Engine):
        self.engine = engine
        self.users = 0
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="permille-changes-listener", daemon=True)
        self._thread.start()
        if not self._listening.wait(10):
            _log.error("the change listener did not connect to %s within 10 s", engine.url)

    def notify(self, change: Change) -> None:
        payload = json.dumps({"origin": ORIGIN, "change": change}, separators=(",", ":"))
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            _log.error("change too large to announce to other processes: %.200s", payload)
            return
        try:
            with self.engine.connect() as connection:
                connection.execute(
                    text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
                )
                connection.commit()
        except Exception:
            _log.exception("could not announce a change to the other processes")

    def _listen(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    while not self._stop.is_set():
                        for notification in connection.notifies(timeout=0.5):
                            self._received(notification.payload)
            except Exception:
                if self._stop.is_set():
                    return
                _log.exception("change listener lost its connection; reconnecting")
                self._stop.wait(self.RECONNECT_S)

    @staticmethod
    def _received(payload: str) -> None:
        try:
            message = json.loads(payload)
            origin, change = message["origin"], message["change"]
        except (ValueError, KeyError, TypeError):
            _log.error("ignored a malformed change notification: %.200s", payload)
            return
        if origin != ORIGIN:
            _deliver(change)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)


_bridges: dict[str, _Bridge] = {}
_bridging = threading.Lock()  # one bridge made or closed at a time


def bridge(engine: Engine) -> Callable[[], None]:
    """Share changes with the other processes serving ``engine``'s PostgreSQL database (one listener per
    process and database, however many apps ask); returns a function that ends this app's share."""
    key = engine.url.render_as_string(hide_password=False)
    with _bridging:
        with _lock:
            shared = _bridges.get(key)
        if shared is None:
            shared = _Bridge(engine)
            with _lock:
                _bridges[key] = shared
        shared.users += 1

    def unbridge() -> None:
        with _bridging:
            shared.users -= 1
            if shared.users == 0:
                with _lock:
                    del _bridges[key]
                shared.close()

    return unbridge
