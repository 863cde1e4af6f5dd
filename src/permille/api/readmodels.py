"""Read models computed once and served many times: the answers of the cached reads (KPIs, monitoring
aggregates, record lists and records) are kept per process, ready to send (JSON or CSV bytes with a strong
ETag), until a change touches what they were computed from.

An answer is kept under its URL (path and the query parameters the route declares: an unknown one makes
no new answer, :func:`canonical_query`), for a route that depends on the reader the
reader's :func:`read_scope` and, for a route whose sentences are in the reader's language, that language
(``?lang=``, else ``Accept-Language``: :func:`permille.i18n.accepted_language`). A route decorated with :func:`cached` computes it on a miss
(:meth:`ReadModels.serve`); later requests for it are answered by :class:`permille.api.edge.ReadEdge`
before routing, dependencies or the database (:meth:`ReadModels.at_edge`).

:data:`DEPENDS_ON` declares, as data, the kinds each aggregate is computed from; :data:`TOUCHES` is its
inverse (kind → aggregates). Invalidation is event-driven: :meth:`ReadModels.changed` (subscribed to
:func:`permille.registry.events.subscribe`, which delivers every worker's changes) drops exactly the
aggregates the change's ``kind`` touches — in the writer's thread, before its answer is sent, so a
reader sees the write at once. A database-side version guards against a missed event (a write by another
program, a worker whose bridge lagged): every :data:`POLL_S` seconds the app reads, per kind, the newest
audit-log id (``max(toolkit_usage.id)`` for toolkit usage, count and newest id of ``zone_statistic`` for
the zone tables) in one query (:meth:`ReadModels.poll`), and a kind whose version moved is treated as
changed.

The readers of signed-in requests (token digest → :func:`read_scope` and expiry) are kept too
(:class:`Readers`): dropped on any change of the users or a sign-out (it publishes a ``tokens`` change),
so a token revoked through the app is refused at once; one revoked by another program, at the next poll.

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
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_plus

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import i18n
from ..registry.kinds import KINDS
from ..registry.kpis import KPI_KIND
from ..registry.orm import ApiToken, AuditLog, SignIn, ToolkitUsage, User, utcnow
from ..registry.permissions import Role, role_of
from ..registry.zones import ZONES_KIND, ZoneStatistic
from .security import token_digest

TOOLKIT_USAGE = "toolkit_usage"
"""The change kind of a toolkit usage row written by the toolkit (not a record kind; team contract 2)."""
SIGN_IN = "sign_in"
"""The change kind of a user's first sign-in of a day (KPI D1 reads them)."""
TOKENS = "tokens"
"""The change kind of a sign-out (tokens revoked); users' changes revoke tokens too."""
READER_KINDS = frozenset({"users", TOKENS})
"""Change kinds after which the kept readers of tokens are dropped."""

DEPENDS_ON: dict[str, frozenset[str]] = {
    # every count of registry/counting.py: the record kinds, manual values, toolkit usage and sign-ins
    "kpis": frozenset(set(KINDS) | {KPI_KIND, TOOLKIT_USAGE, SIGN_IN}),  # + sign-ins (D1)
    "zones": frozenset({ZONES_KIND}),  # zone layers, world and regions: the zone statistics only
    "country": frozenset({ZONES_KIND, "observations", "sites"}),  # + measured stocks and sites
    "measured": frozenset({"observations", "sites"}),  # measured stocks by country
    "site": frozenset({"observations", "sites", "projects"}),  # + nowcast and practices timeline
    "boundaries": frozenset(),  # bundled, read-only
    "records": frozenset(KINDS),  # record lists and records (a record may name one of another kind)
}
"""Aggregate → the change kinds it is computed from."""

TOUCHES: dict[str, frozenset[str]] = {
    kind: frozenset(a for a, kinds in DEPENDS_ON.items() if kind in kinds)
    for kind in set().union(*DEPENDS_ON.values())
}
"""Change kind → the aggregates a change of that kind invalidates."""

MAX_ENTRIES = 4096
"""Answers kept per process (the oldest computed dropped first); also bound by bytes (:data:`MAX_BYTES`)."""
MAX_BYTES = 64 * 2**20
"""Bytes of kept answers per process, bodies and keys (the oldest computed dropped first): 64 MiB."""
MAX_ANSWER_BYTES = 8 * 2**20
"""A bigger answer (bytes) is sent but not kept."""
MAX_QUERY_BYTES = 2048
"""An answer to a longer query string (its declared parameters, bytes) is sent but not kept."""
MAX_READERS = 10_000
"""Readers of tokens kept per process (the oldest dropped first)."""
POLL_S = 1.0
"""Seconds between two reads of the database-side version (:meth:`ReadModels.poll`)."""
FLIGHT_WAIT_S = 60.0
"""Seconds a request waits for another's computation of the same answer before computing it itself."""
USER_PARAMETER, REQUEST_PARAMETER = "user", "readmodels_request"


def enabled_by_environment() -> bool:
    """False when ``PERMILLE_READ_CACHE`` is ``off``, ``0``, ``false`` or ``no``."""
    return os.environ.get("PERMILLE_READ_CACHE", "on").strip().lower() not in ("off", "0", "false", "no")


def read_scope(user) -> tuple:
    """What ``user`` may read, as a key: everything (STC, Secretariat), what the public reads (anonymous,
    the public role), or published records and their organisation's (members and partners; signed in
    without an organisation, they also list the restricted kinds, empty, which the public may not)."""
    role = role_of(user)
    if role in (Role.SECRETARIAT, Role.STC):
        return ("all",)
    if role is Role.PUBLIC:
        return ("public",)
    return ("organisation", user.organisation_id)


PUBLIC_SCOPE = read_scope(None)


def database_version(session: Session) -> dict[str, tuple]:
    """The database-side version of every kind an aggregate depends on, in one query of index lookups:
    per record kind its newest audit-log id; toolkit usage its newest row id; zone statistics their row
    count and newest id."""
    kinds = sorted(set().union(*DEPENDS_ON.values()))
    columns, ends = [], []
    for kind in kinds:
        if kind == TOOLKIT_USAGE:
            columns.append(select(func.max(ToolkitUsage.id)).scalar_subquery())
        elif kind == SIGN_IN:
            columns.append(select(func.count()).select_from(SignIn).scalar_subquery())
        elif kind == ZONES_KIND:
            columns.append(select(func.count(ZoneStatistic.id)).scalar_subquery())
            columns.append(select(func.max(ZoneStatistic.id)).scalar_subquery())
        else:
            columns.append(select(func.max(AuditLog.id)).where(AuditLog.kind == kind).scalar_subquery())
        ends.append(len(columns))
    row = tuple(session.execute(select(*columns)).one())
    return {kind: row[start:end] for kind, start, end in zip(kinds, [0, *ends[:-1]], ends, strict=True)}


@dataclass(frozen=True)
class Answer:
    """A response ready to send: body, status, headers (with its ``ETag``), and the same as ASGI raw
    headers (``raw``, with Content-Length) and those of its 304 (``raw_not_modified``)."""

    body: bytes
    status_code: int
    headers: tuple[tuple[str, str], ...]
    etag: str
    raw: tuple[tuple[bytes, bytes], ...]
    raw_not_modified: tuple[tuple[bytes, bytes], ...]

    def response(self) -> Response:
        return Response(self.body, status_code=self.status_code, headers=dict(self.headers))

    def not_modified(self) -> Response:
        return Response(status_code=304, headers={k: v for k, v in self.headers if k in _NOT_MODIFIED})


_NOT_MODIFIED = ("ETag", "Cache-Control", "Vary")


def _answer(result, cache_control: str, vary: bool, model, languages: bool = False) -> Answer:
    if not isinstance(result, Response):
        if model is not None:  # as FastAPI answers with a response model (validated, then dumped)
            adapter = _adapter(model)
            body = adapter.dump_json(adapter.validate_python(result, from_attributes=True), by_alias=True)
            result = Response(body, media_type="application/json")
        else:
            result = JSONResponse(jsonable_encoder(result))
    etag = f'"{hashlib.blake2b(result.body, digest_size=16).hexdigest()}"'
    headers = [(k, v) for k, v in result.headers.items() if k.lower() not in ("content-length", "etag")]
    varies = (["Authorization"] if vary else []) + (["Accept-Language"] if languages else [])
    headers += [("ETag", etag), ("Cache-Control", cache_control)] + (
        [("Vary", ", ".join(varies))] if varies else []
    )
    raw = tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers)
    raw_not_modified = tuple((k.lower().encode(), v.encode()) for k, v in headers if k in _NOT_MODIFIED)
    raw += ((b"content-length", str(len(result.body)).encode()),)
    return Answer(result.body, result.status_code, tuple(headers), etag, raw, raw_not_modified)


@functools.lru_cache(maxsize=256)
def _adapter(model) -> TypeAdapter:
    return TypeAdapter(model)


def _language(query: bytes | str, accept_language: str | None) -> str:
    """The language of a request's answers: its ``lang`` query parameter, else ``Accept-Language``."""
    query = query.decode("latin-1") if isinstance(query, bytes) else query
    lang = next(
        (unquote_plus(v) for k, _, v in (p.partition("=") for p in query.split("&")) if k == "lang"), None
    )
    return i18n.accepted_language(lang, accept_language)


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


@dataclass
class _Entry:
    aggregate: str
    generation: int
    day: datetime.date
    answer: Answer
    size: int


def _walk_query_names(dependant, names: set[str]) -> None:
    for field in dependant.query_params:
        model = field.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names.update(f.alias or name for name, f in model.model_fields.items())
        else:
            names.add(field.alias)
    for sub in dependant.dependencies:
        _walk_query_names(sub, names)


_DECLARED: dict[int, tuple[object, frozenset[str]]] = {}  # id(route) → (route, names); routes are few


def declared_query(route) -> frozenset[str]:
    """The query parameters a FastAPI route reads (those of its query models included)."""
    found = _DECLARED.get(id(route))
    if found is None or found[0] is not route:
        names: set[str] = set()
        _walk_query_names(route.dependant, names)
        found = _DECLARED[id(route)] = (route, frozenset(names))
    return found[1]


def canonical_query(query: bytes, declared: frozenset[str]) -> bytes:
    """``query`` without the parameters not in ``declared`` (the route ignores them, so the answer is the
    same): an unknown parameter (``?n=1``, ``?n=2`` …) makes no new kept answer. The kept parameters keep
    their bytes and order, so the usual URL is found at the edge."""
    kept = [
        part
        for part in query.split(b"&")
        if part and unquote_plus(part.partition(b"=")[0].decode("latin-1")) in declared
    ]
    return b"&".join(kept)


class Readers:
    """Who signed-in requests are: token digest → (:func:`read_scope`, expiry as a POSIX time), as the
    request dependency found them; all dropped at once on a change of the users or a sign-out
    (:meth:`clear`), and those whose token is gone, expired or whose user is inactive at each poll
    (:meth:`verify`: a token revoked by another program). A reader found while they were dropped
    (:meth:`generation` moved) is not kept."""

    def __init__(self):
        self._readers: OrderedDict[str, tuple[tuple, float]] = OrderedDict()
        self._generation = 0
        self._lock = threading.Lock()

    def generation(self) -> int:
        return self._generation

    def remember(self, digest: str, scope: tuple, expires_at: float, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._readers[digest] = (scope, expires_at)
            while len(self._readers) > MAX_READERS:
                self._readers.popitem(last=False)

    def scope(self, digest: str) -> tuple | None:
        """The read scope of the token with ``digest``; None when not kept or expired."""
        found = self._readers.get(digest)
        if found is None or found[1] <= time.time():
            return None
        return found[0]

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._readers.clear()

    def verify(self, session: Session) -> int:
        """Drop the readers whose token no longer grants what it did; how many were dropped."""
        with self._lock:
            digests = list(self._readers)
        valid: set[str] = set()
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            query = select(ApiToken.token_hash).join(ApiToken.user).where(ApiToken.token_hash.in_(chunk))
            valid.update(session.scalars(query.where(ApiToken.expires_at > utcnow(), User.active.is_(True))))
        gone = [d for d in digests if d not in valid]
        if gone:
            with self._lock:
                self._generation += 1
                for digest in gone:
                    self._readers.pop(digest, None)
        return len(gone)


class ReadModels:
    """The answers of one process, invalidated by changes (:meth:`changed`) and the database version
    (:meth:`poll`)."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = enabled_by_environment() if enabled is None else enabled
        self.readers = Readers()
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._scoped: dict[tuple[str, bytes], bool] = {}
        self._languages: dict[tuple[str, bytes], bool] = {}  # URL → whether its answers are per language
        self._urls: dict[tuple[str, bytes], int] = {}  # URL → kept answers (one per read scope and language)
        self.bytes = 0
        self._generation = dict.fromkeys(DEPENDS_ON, 0)
        self._versions: dict[str, tuple] | None = None
        self._computing: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def changed(self, change: dict) -> None:
        """A committed change (registry event): drop the aggregates its kind touches."""
        self._invalidate({change.get("kind")})

    def _invalidate(self, kinds: set) -> None:
        if kinds & READER_KINDS:
            self.readers.clear()
        touched = set().union(*(TOUCHES.get(kind, frozenset()) for kind in kinds))
        if not touched:
            return
        with self._lock:
            for aggregate in touched:
                self._generation[aggregate] += 1
            for key in [k for k, entry in self._entries.items() if entry.aggregate in touched]:
                self._drop(key)

    def _drop(self, key: tuple) -> None:
        """Forget the kept answer of ``key`` and, with its URL's last answer, the URL (lock held)."""
        entry = self._entries.pop(key)
        self.bytes -= entry.size
        url = key[:2]
        self._urls[url] -= 1
        if not self._urls[url]:
            del self._urls[url], self._scoped[url], self._languages[url]

    def _keep(self, key: tuple, entry: _Entry, scoped: bool, languages: bool = False) -> None:
        """Keep ``entry`` under ``key``, then drop the oldest until within the bounds (lock held)."""
        if key in self._entries:
            self._drop(key)
        self._entries[key] = entry
        self.bytes += entry.size
        url = key[:2]
        self._urls[url] = self._urls.get(url, 0) + 1
        self._scoped[url] = scoped
        self._languages[url] = languages
        while len(self._entries) > MAX_ENTRIES or self.bytes > MAX_BYTES:
            self._drop(next(iter(self._entries)))

    def sizes(self) -> tuple[int, int, int]:
        """Kept answers, URLs indexed and bytes kept."""
        with self._lock:
            return len(self._entries), len(self._scoped), self.bytes

    def poll(self, session: Session) -> set[str]:
        """Read the database-side version (:func:`database_version`) and treat every kind whose version
        moved since the last poll as changed; verify the kept readers (:meth:`Readers.verify`). The kinds
        that moved (none at the first poll)."""
        self.readers.verify(session)
        versions = database_version(session)
        moved = (
            set() if self._versions is None else {k for k, v in versions.items() if self._versions[k] != v}
        )
        if moved:
            self._invalidate(moved)
        self._versions = versions
        return moved

    def _valid(self, key: tuple) -> _Entry | None:
        entry = self._entries.get(key)
        if (
            entry is None
            or entry.generation != self._generation[entry.aggregate]
            or entry.day != datetime.date.today()
        ):
            return None
        return entry

    def at_edge(
        self, path: str, query: bytes, authorization: bytes | None, accept_language: bytes | None = None
    ) -> Answer | None:
        """The kept answer for a GET of ``path``?``query`` with these ``Authorization`` and
        ``Accept-Language`` headers, if there is one still valid and the reader is known (:class:`Readers`);
        None: let the app answer."""
        scoped = self._scoped.get((path, query))
        if scoped is None:
            return None
        lang = None
        if self._languages.get((path, query)):
            lang = _language(query, accept_language.decode("latin-1") if accept_language else None)
        scope = None
        if scoped:
            if authorization is None:
                scope = PUBLIC_SCOPE
            else:
                scheme, _, token = authorization.decode("latin-1").partition(" ")
                if scheme.lower() != "bearer" or not token:
                    return None
                scope = self.readers.scope(token_digest(token))
                if scope is None:
                    return None
        entry = self._valid((path, query, scope, lang))
        return None if entry is None else entry.answer

    def serve(
        self,
        request: Request,
        aggregate: str,
        scope: tuple | None,
        compute: Callable,
        model=None,
        languages: bool = False,
    ):
        """The answer of ``compute()`` for the request's URL, the reader's ``scope`` (None: the answer
        is the same for every reader) and, with ``languages``, the request's language: the kept one while
        valid, else computed and kept (``model``: the route's response model, which validates and dumps
        the result); ``304`` when the request's ``If-None-Match`` names its ETag. A scoped answer says
        ``Cache-Control: private`` and ``Vary: Authorization``; one per language ``Vary: Accept-Language``."""
        if not self.enabled:
            return compute()
        path, query = request.scope["path"], request.scope.get("query_string", b"")
        lang = _language(query, request.headers.get("accept-language")) if languages else None
        route = request.scope.get("route")
        if route is not None and hasattr(route, "dependant"):
            query = canonical_query(query, declared_query(route))
        key = (path, query, scope, lang)
        answer = self._kept_or_computed(key, aggregate, compute, model)
        if matches(request.headers.get("if-none-match"), answer.etag):
            return answer.not_modified()
        return answer.response()

    def _kept_or_computed(self, key: tuple, aggregate: str, compute: Callable, model) -> Answer:
        """The valid kept answer of ``key``, else computed and kept. One computation per key at a time
        (single flight): requests missing the same answer meanwhile wait for it instead of computing it
        again (a hundred clients after a write, or on a cold worker)."""
        while True:
            with self._lock:
                entry = self._valid(key)
                if entry is not None:
                    return entry.answer
                flight = self._computing.get(key)
                if flight is None:
                    flight = self._computing[key] = threading.Event()
                    generation = self._generation[aggregate]
                    break
            if not flight.wait(FLIGHT_WAIT_S):
                with self._lock:
                    generation = self._generation[aggregate]
                break  # the first one is stuck: compute too
            # kept by the first one, or not (a change came meanwhile: computed again, once)
        try:
            scoped, languages = key[2] is not None, key[3] is not None
            answer = _answer(
                compute(), "private, no-cache" if scoped else "no-cache", scoped, model, languages
            )
            size = len(answer.body) + len(key[0]) + len(key[1])
            keep = answer.status_code == 200 and size <= MAX_ANSWER_BYTES and len(key[1]) <= MAX_QUERY_BYTES
            with self._lock:
                if keep and self._generation[aggregate] == generation:
                    entry = _Entry(aggregate, generation, datetime.date.today(), answer, size)
                    self._keep(key, entry, scoped, languages)
            return answer
        finally:
            with self._lock:
                if self._computing.get(key) is flight:
                    del self._computing[key]
            flight.set()


def cached(aggregate: str, model=None, languages: bool = False):
    """Decorate a GET route so that its answer is computed once per version of ``aggregate``'s kinds
    (``model``: the route's response model, for routes returning records).

    The answer is kept under the request's URL, for a route taking ``user`` the reader's
    :func:`read_scope` and, with ``languages`` (a route answering in the request's language), the
    request's language, for today (KPI ``as_of``, the site nowcast). The route keeps its own signature
    for FastAPI plus the request; called directly (not by FastAPI) it simply computes."""
    if aggregate not in DEPENDS_ON:
        raise ValueError(f"unknown aggregate {aggregate!r}; one of {', '.join(DEPENDS_ON)}")

    def decorate(route: Callable) -> Callable:
        signature = inspect.signature(route)
        scoped = USER_PARAMETER in signature.parameters
        # FastAPI hands the request to one parameter only: the route's own, if it takes it
        own = next((n for n, p in signature.parameters.items() if p.annotation is Request), None)

        @functools.wraps(route)
        def wrapper(*args, **kwargs):
            request: Request | None = kwargs.get(own) if own else kwargs.pop(REQUEST_PARAMETER, None)
            if request is None:
                return route(*args, **kwargs)
            scope = read_scope(kwargs[USER_PARAMETER]) if scoped else None
            models: ReadModels = request.app.state.readmodels
            compute = functools.partial(route, *args, **kwargs)
            return models.serve(request, aggregate, scope, compute, model, languages)

        if own is None:
            extra = inspect.Parameter(REQUEST_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
            wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), extra])
        return wrapper

    return decorate
