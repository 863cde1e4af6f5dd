"""Read models computed once and served many times: the answers of the derived reads (KPIs, monitoring
aggregates) are kept per process, ready to send (JSON or CSV bytes with a strong ETag), until a change
touches what they were computed from.

:data:`DEPENDS_ON` declares, as data, the kinds each aggregate is computed from; :data:`TOUCHES` is its
inverse (kind → aggregates). Invalidation is event-driven: :meth:`ReadModels.changed` (subscribed to
:func:`permille.registry.events.subscribe`, which delivers every worker's changes) drops exactly the
aggregates the change's ``kind`` touches. A cheap database-side version guards against a missed event (a
write from another process, a worker whose bridge lagged): each entry keeps, per kind it depends on, the
newest audit-log id of that kind (``max(toolkit_usage.id)`` for toolkit usage, count and newest id of
``zone_statistic`` for the zone tables), read in one query per request, and is recomputed when they moved.

Reads answer ``ETag`` (a hash of the body) with ``Cache-Control: no-cache`` (clients revalidate) and
``304 Not Modified`` on a matching ``If-None-Match``. ``PERMILLE_READ_CACHE=off`` turns the cache off
(every request recomputes, no ETag: the uncached path the benchmark compares with).
"""

import datetime
import functools
import hashlib
import inspect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..registry.kinds import KINDS
from ..registry.kpis import KPI_KIND
from ..registry.orm import AuditLog, ToolkitUsage
from ..registry.permissions import Role, role_of
from ..registry.zones import ZONES_KIND, ZoneStatistic

TOOLKIT_USAGE = "toolkit_usage"
"""The change kind of a toolkit usage row written by the toolkit (not a record kind; team contract 2)."""

DEPENDS_ON: dict[str, frozenset[str]] = {
    # every count of registry/kpis.py: the record kinds (the share of active organisations reads them
    # all, except users), manual values and toolkit usage
    "kpis": frozenset(set(KINDS) - {"users"} | {KPI_KIND, TOOLKIT_USAGE}),
    "zones": frozenset({ZONES_KIND}),  # zone layers, world and regions: the zone statistics only
    "country": frozenset({ZONES_KIND, "observations", "sites"}),  # + measured stocks and sites
    "measured": frozenset({"observations", "sites"}),  # measured stocks by country
    "site": frozenset({"observations", "sites", "projects"}),  # + nowcast and practices timeline
    "boundaries": frozenset(),  # bundled, read-only
}
"""Aggregate → the change kinds it is computed from."""

TOUCHES: dict[str, frozenset[str]] = {
    kind: frozenset(a for a, kinds in DEPENDS_ON.items() if kind in kinds)
    for kind in set().union(*DEPENDS_ON.values())
}
"""Change kind → the aggregates a change of that kind invalidates."""

MAX_ENTRIES = 2048
"""Answers kept per process (least recently used dropped first)."""
USER_PARAMETER, REQUEST_PARAMETER = "user", "readmodels_request"


def enabled_by_environment() -> bool:
    """False when ``PERMILLE_READ_CACHE`` is ``off``, ``0``, ``false`` or ``no``."""
    return os.environ.get("PERMILLE_READ_CACHE", "on").strip().lower() not in ("off", "0", "false", "no")


def read_scope(user) -> tuple:
    """What ``user`` may read, as a key: everything (STC, Secretariat), published records only (the
    public), or published records and their organisation's (members, partners)."""
    role = role_of(user)
    if role in (Role.SECRETARIAT, Role.STC):
        return ("all",)
    if role is Role.PUBLIC or user.organisation_id is None:
        return ("published",)
    return ("organisation", user.organisation_id)


def database_version(session: Session, kinds: Iterable[str]) -> tuple:
    """The database-side version of ``kinds``: per kind its newest audit-log id (toolkit usage: newest
    row id; zone statistics: row count and newest id), in one query of index lookups."""
    columns = []
    for kind in sorted(kinds):
        if kind == TOOLKIT_USAGE:
            columns.append(select(func.max(ToolkitUsage.id)).scalar_subquery())
        elif kind == ZONES_KIND:
            columns.append(select(func.count(ZoneStatistic.id)).scalar_subquery())
            columns.append(select(func.max(ZoneStatistic.id)).scalar_subquery())
        else:
            columns.append(select(func.max(AuditLog.id)).where(AuditLog.kind == kind).scalar_subquery())
    return tuple(session.execute(select(*columns)).one()) if columns else ()


@dataclass(frozen=True)
class Answer:
    """A response ready to send: body, status, headers (with its ``ETag``)."""

    body: bytes
    status_code: int
    headers: tuple[tuple[str, str], ...]
    etag: str

    def response(self) -> Response:
        return Response(self.body, status_code=self.status_code, headers=dict(self.headers))


def _answer(result, cache_control: str, vary: bool) -> Answer:
    if not isinstance(result, Response):
        result = JSONResponse(jsonable_encoder(result))
    etag = f'"{hashlib.blake2b(result.body, digest_size=16).hexdigest()}"'
    headers = [(k, v) for k, v in result.headers.items() if k.lower() not in ("content-length", "etag")]
    headers += [("ETag", etag), ("Cache-Control", cache_control)] + (
        [("Vary", "Authorization")] if vary else []
    )
    return Answer(result.body, result.status_code, tuple(headers), etag)


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


@dataclass
class _Entry:
    generation: int
    version: tuple
    answer: Answer


class ReadModels:
    """The answers of one process, invalidated by changes (:meth:`changed`) and the database version."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = enabled_by_environment() if enabled is None else enabled
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._generation = dict.fromkeys(DEPENDS_ON, 0)
        self._lock = threading.Lock()

    def changed(self, change: dict) -> None:
        """A committed change (registry event): drop the aggregates its kind touches."""
        touched = TOUCHES.get(change.get("kind"), frozenset())
        if not touched:
            return
        with self._lock:
            for aggregate in touched:
                self._generation[aggregate] += 1
            for key in [k for k in self._entries if k[0] in touched]:
                del self._entries[key]

    def serve(
        self,
        request: Request,
        session: Session | None,
        aggregate: str,
        key: tuple,
        compute: Callable,
        *,
        scoped: bool,
    ):
        """The answer of ``compute()`` for ``key``: the kept one while valid, else computed and kept;
        ``304`` when the request's ``If-None-Match`` names its ETag. ``scoped``: the answer depends on the
        reader (``Cache-Control: private``, ``Vary: Authorization``)."""
        if not self.enabled:
            return compute()
        key = (aggregate, *key)
        kinds = DEPENDS_ON[aggregate]
        with self._lock:
            generation = self._generation[aggregate]
            entry = self._entries.get(key)
        version = database_version(session, kinds)
        if entry is not None and entry.generation == generation and entry.version == version:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
            answer = entry.answer
        else:
            answer = _answer(compute(), "private, no-cache" if scoped else "no-cache", scoped)
            with self._lock:
                if self._generation[aggregate] == generation:  # no change came meanwhile
                    self._entries[key] = _Entry(generation, version, answer)
                    self._entries.move_to_end(key)
                    while len(self._entries) > MAX_ENTRIES:
                        self._entries.popitem(last=False)
        if _matches(request.headers.get("if-none-match"), answer.etag):
            headers = {k: v for k, v in answer.headers if k in ("ETag", "Cache-Control", "Vary")}
            return Response(status_code=304, headers=headers)
        return answer.response()


def cached(aggregate: str):
    """Decorate a GET route so that its answer is computed once per version of ``aggregate``'s kinds.

    The key is the route, its arguments (but the session and a request), the reader's :func:`read_scope` for a route taking
    ``user``, and today's date (KPI ``as_of``, the site nowcast). The route keeps its own signature for
    FastAPI plus the request; called directly (not by FastAPI) it simply computes."""
    if aggregate not in DEPENDS_ON:
        raise ValueError(f"unknown aggregate {aggregate!r}; one of {', '.join(DEPENDS_ON)}")

    def decorate(route: Callable) -> Callable:
        signature = inspect.signature(route)

        @functools.wraps(route)
        def wrapper(*args, **kwargs):
            request: Request | None = kwargs.pop(REQUEST_PARAMETER, None)
            if request is None:
                return route(*args, **kwargs)
            session = kwargs.get("session")  # None for a route reading bundled files only
            arguments = tuple(
                (name, read_scope(value) if name == USER_PARAMETER else value)
                for name, value in sorted(kwargs.items())
                if name != "session" and not isinstance(value, Request)
            )
            key = (route.__module__, route.__qualname__, arguments, datetime.date.today())
            models: ReadModels = request.app.state.readmodels
            compute = functools.partial(route, *args, **kwargs)
            return models.serve(request, session, aggregate, key, compute, scoped=USER_PARAMETER in kwargs)

        extra = inspect.Parameter(REQUEST_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), extra])
        return wrapper

    return decorate
