"""In-process change notifications: the service calls every subscriber after each commit.

A change is ``{"kind": url name, "action": "create" | "update" | "publish" | "ingest", "id": record id,
"country_iso3": str | None}``. Callbacks run in the writer's thread; they must be quick and must not
raise (an exception is logged and the other callbacks still run).
"""

import logging
import threading
from collections.abc import Callable

Change = dict
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
    """Hand ``change`` to every subscriber (called by the service after its commit)."""
    with _lock:
        callbacks = list(_subscribers)
    for callback in callbacks:
        try:
            callback(change)
        except Exception:
            _log.exception("change subscriber %r failed", callback)
