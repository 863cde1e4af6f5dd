"""Reading and writing records with permissions, validation, the audit log and versions.

Each write is one transaction (on SQLite it takes the write lock at BEGIN, see ``db.IMMEDIATE``): the
record, its :class:`~.orm.AuditLog` row (who, when, kind, id, action, before, after) and, for versioned
kinds, its :class:`~.orm.RecordVersion` snapshot are committed together; then :mod:`.events` is told.
An update names the version it changes; a stale version is a :class:`Conflict`, so nothing is silently
overwritten. ``user`` is an :class:`~.orm.User`, None (the public) or :data:`SYSTEM` (seeding).
"""

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import String, cast, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..i18n import Text
from ..validation_messages import validation_message
from . import events, orm, pending, proposals
from .accounts import revoke_tokens_after_change
from .db import IMMEDIATE
from .kinds import KINDS, RecordKind
from .permissions import Role, allowed, read_filter, role_of


class RegistryError(Exception):
    """A request the registry refuses; ``details`` lists every problem."""

    def __init__(self, message: str, details: Sequence[Any] = ()):
        super().__init__(message)
        self.details = list(details)


class NotFound(RegistryError):
    pass


class Unauthenticated(RegistryError):
    pass


class Forbidden(RegistryError):
    pass


class Conflict(RegistryError):
    pass


class Invalid(RegistryError):
    pass


class TooLarge(RegistryError):
    """A request beyond a documented size limit (e.g. :data:`MAX_INGEST_ROWS`)."""


class UnsupportedType(RegistryError):
    """A file whose content is none of the accepted types (415)."""


@dataclass(frozen=True)
class _System:
    """The platform itself (seed, migrations of data): every permission, logged as "system"."""

    id: None = None
    email: str = "system"
    role: str = "secretariat"
    organisation_id: None = None


SYSTEM = _System()

MAX_PAGE_SIZE = 500
MAX_INGEST_ROWS = 50_000
"""Most rows one bulk ingest stores (one transaction, all or nothing). It bounds how long the ingest holds
the database's write lock (≈ 6 s on SQLite, ≈ 13 s on PostgreSQL at the README's ingest rates; 200,000
rows held it 38 s); readers are not blocked meanwhile (SQLite WAL, PostgreSQL MVCC), other writers wait.
A bigger file is refused (:class:`TooLarge`, 413): split it into several requests."""


def kind_of(name: str) -> RecordKind:
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound(f"no record kind {name!r}; kinds: {', '.join(KINDS)}") from None


def public_dict(kind: RecordKind, record: Any) -> dict:
    """What the API shows of a record (JSON types)."""
    return kind.public.model_validate(record).model_dump(mode="json")


def _refuse(user: Any, message: str) -> RegistryError:
    return Unauthenticated("sign in first: " + message) if user is None else Forbidden(message)


def _details(error: ValidationError) -> list[dict]:
    return [
        {
            "loc": [str(p) for p in e["loc"]],
            "message": validation_message(e, value_error_prefix=False),
            "type": e["type"],
        }
        for e in error.errors()
    ]


def _validate(model: type[BaseModel], payload: Any) -> BaseModel:
    if isinstance(payload, model):
        return payload
    data = payload.model_dump(exclude_unset=True) if isinstance(payload, BaseModel) else payload
    try:
        return model.model_validate(data)
    except ValidationError as e:
        details = _details(e)
        listed = "; ".join(f"{'.'.join(d['loc']) or 'record'}: {d['message']}" for d in details)
        raise Invalid(
            Text(
                "{n} problem in the {model}: {listed}",
                "{n} problems in the {model}: {listed}",
                n=len(details),
                model=model.__name__,
                listed=listed,
            ),
            details,
        ) from None


# --- reading ------------------------------------------------------------------------------------------------


def get(session: Session, kind: str, record_id: int, user: Any) -> Any:
    """The record, if ``user`` may read it (else :class:`NotFound`, as for a missing one)."""
    k = kind_of(kind)
    if not allowed(user, "read", k.name, public_kind=not k.restricted):
        raise _refuse(user, f"{k.name} are not public")
    record = session.get(k.model, record_id)
    if record is None or not allowed(user, "read", k.name, record, public_kind=not k.restricted):
        raise NotFound(Text("no {kind} record {id}", kind=k.name, id=record_id))
    return record


def query(
    kind: str, user: Any, *, q: str | None = None, sort: str | None = None, filters: dict | None = None
):
    """The SELECT of the records of ``kind`` that ``user`` may read, searched, filtered and sorted.

    ``q``: words that must each appear (case ignored) in one of the kind's search fields; ``filters``:
    equality on the kind's filter fields; ``sort``: a sort field, ``-`` first for descending.
    """
    k = kind_of(kind)
    if not allowed(user, "read", k.name, public_kind=not k.restricted):
        raise _refuse(user, f"{k.name} are not public")
    statement = select(k.model)
    for relationship in k.joins:
        statement = statement.join(relationship)
    statement = statement.where(read_filter(user, k.model, public_kind=not k.restricted))
    for name, value in (filters or {}).items():
        if value is None:
            continue
        if name not in k.filters:
            raise Invalid(f"cannot filter {k.name} by {name!r}; filters: {', '.join(k.filters)}")
        statement = statement.where(k.filters[name] == value)
    for word in (q or "").split():
        pattern = f"%{word.lower()}%"
        statement = statement.where(
            or_(*(func.lower(cast(column, String)).like(pattern) for column in k.search_columns))
            if k.search
            else func.lower(cast(k.model.id, String)).like(pattern)
        )
    descending = bool(sort) and sort.startswith("-")
    field = (sort or "id").lstrip("-")
    if field not in k.sort:
        raise Invalid(f"cannot sort {k.name} by {field!r}; sort fields: {', '.join(k.sort)}")
    column = getattr(k.model, field)
    return statement.order_by(column.desc() if descending else column.asc(), k.model.id.asc())


def list_records(
    session: Session,
    kind: str,
    user: Any,
    *,
    page: int = 1,
    page_size: int = 50,
    q: str | None = None,
    sort: str | None = None,
    filters: dict | None = None,
) -> tuple[list, int]:
    """One page of the readable records (``page`` from 1) and the number of all that match."""
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Invalid(Text("page ≥ 1 and 1 ≤ page_size ≤ {n}", n=MAX_PAGE_SIZE))
    statement = query(kind, user, q=q, sort=sort, filters=filters)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = session.scalars(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return list(items), total


def export(session: Session, kind: str, user: Any, **options) -> Iterator[dict]:
    """Every readable record matching ``options`` (as for :func:`query`), as shown by the API."""
    k = kind_of(kind)
    for record in session.scalars(query(kind, user, **options).execution_options(yield_per=500)):
        yield public_dict(k, record)


def history(session: Session, kind: str, record_id: int, user: Any) -> list[dict]:
    """Every write of a readable record, oldest first: when, who, action, the version it produced, before
    and after. Who: to signed-in readers the writer's name and organisation; the e-mail address only to
    the Secretariat (anonymous readers: nobody)."""
    k = kind_of(kind)
    get(session, kind, record_id, user)
    rows = session.scalars(
        select(orm.AuditLog)
        .where(orm.AuditLog.kind == k.name, orm.AuditLog.record_id == record_id)
        .order_by(orm.AuditLog.id)
    ).all()
    writers = _writers(session, sorted({row.user_id for row in rows if row.user_id is not None}))
    secretariat = role_of(user) is Role.SECRETARIAT
    entries = []
    for row in rows:
        name, organisation = writers.get(row.user_id, (row.actor if row.user_id is None else None, None))
        entries.append(
            {
                "at": row.at.isoformat(),
                "actor": name if user is not None else None,
                "actor_organisation": organisation if user is not None else None,
                "actor_email": row.actor if secretariat else None,
                "action": row.action,
                "version": (row.after or {}).get("version"),
                "before": row.before,
                "after": row.after,
            }
        )
    return entries


def _writers(session: Session, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """User id → (name, organisation name) of the writers of a history."""
    query = (
        select(orm.User.id, orm.User.name, orm.Organisation.name)
        .outerjoin(orm.Organisation, orm.Organisation.id == orm.User.organisation_id)
        .where(orm.User.id.in_(ids))
    )
    return {i: (name or f"user {i}", organisation) for i, name, organisation in session.execute(query)}


# --- writing ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def transaction(session: Session, changes: list[dict]) -> Iterator[None]:
    """One write transaction (write lock at BEGIN on SQLite); ``changes`` are published after commit."""
    if session.in_transaction():
        session.commit()  # end a read (the token lookup) so this write starts with the write lock
    session.connection(execution_options=IMMEDIATE)
    try:
        yield
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict(
            Text("the record was changed meanwhile; fetch it again and reapply your change")
        ) from None
    except IntegrityError as e:
        session.rollback()
        raise Conflict(
            "the change conflicts with stored records (a unique value taken?)", [str(e.orig)]
        ) from None
    except BaseException:
        session.rollback()
        raise
    for change in changes:
        events.publish(change)


def audit(session: Session, user: Any, kind: str, record_id: int, action: str, before, after) -> None:
    session.add(
        orm.AuditLog(
            at=orm.utcnow(),
            user_id=user.id if user is not None else None,
            actor=user.email if user is not None else "anonymous",
            kind=kind,
            record_id=record_id,
            action=action,
            before=before,
            after=after,
        )
    )


def _snapshot(session: Session, user: Any, k: RecordKind, record_id: int, after: dict) -> None:
    if k.versioned:
        session.add(
            orm.RecordVersion(
                kind=k.name,
                record_id=record_id,
                version=after["version"],
                at=orm.utcnow(),
                user_id=user.id if user is not None else None,
                data=after,
            )
        )


def _missing_references(session: Session, user: Any, k: RecordKind, values: dict) -> list[dict]:
    """A problem for each foreign key of ``values`` naming a record that does not exist or that ``user``
    may not read (:func:`readable`); the owner (``organisation_id``) only has to exist, who may write for
    which organisation is the permission rule's business."""
    problems = []
    for column in k.model.__table__.columns:
        for fk in column.foreign_keys:
            name = "site_id" if column.name == "layer_id" else column.name
            value = values.get(name)
            target = orm.Site if column.name == "layer_id" else _model_of_table(fk.column.table.name)
            if value is None:
                continue
            if column.name == "organisation_id":
                found = session.get(target, value) is not None
            else:
                found = value in readable(session, user, target, [value])
            if not found:
                problems.append({"loc": [name], "message": _no_record(target, value), "type": "reference"})
    return problems


def readable(session: Session, user: Any, model: type, ids: Iterable[int]) -> dict[int, Any]:
    """The records of ``model`` among ``ids`` that exist and that ``user`` may read, by id: the one rule by
    which a write (a record's reference, a row of a bulk ingest) may name another record. A record the
    user may not read is left out exactly as a missing one, so that a refusal tells nothing about it."""
    k = next(k for k in KINDS.values() if k.model is model)
    wanted = set(ids)
    if not wanted:
        return {}
    return {
        record.id: record
        for record in session.scalars(select(model).where(model.id.in_(wanted)))
        if allowed(user, "read", k.name, record, public_kind=not k.restricted)
    }


def _no_record(model: type, record_id: Any) -> str:
    """The refusal of a reference to a missing or hidden record (one message for both)."""
    return f"no {model.__tablename__} {record_id}"


def _model_of_table(table: str) -> type:
    return next(m.class_ for m in orm.Base.registry.mappers if m.local_table.name == table)


def _change(k: RecordKind, action: str, record: Any) -> dict:
    """The change event of a write; ``published`` and ``organisation_id`` (after the write) let the event
    stream announce it only to those who may read the record (JSON values only: it crosses workers)."""
    return {
        "kind": k.name,
        "action": action,
        "id": record.id,
        "country_iso3": getattr(record, "country_iso3", None),
        "published": bool(record.published),
        "organisation_id": record.organisation_id,
    }


WORKFLOW_VALUES = {("projects", "stage"): ("selected", "implemented")}
"""Values only a workflow sets (calls for projects, :mod:`.calls`): an organisation never writes them;
the Secretariat may, for projects selected before the platform."""


def _workflow_values(k: RecordKind, user: Any, values: dict, before: dict | None) -> None:
    if role_of(user) is Role.SECRETARIAT:
        return
    for (kind, field), reserved in WORKFLOW_VALUES.items():
        value = values.get(field)
        if kind == k.name and value in reserved and (before is None or before.get(field) != value):
            raise Forbidden(
                f"{field} {value!r} is set by the call for projects' decision, not by the project's organisation",
                [{"loc": [field], "message": "set by the call for projects", "type": "workflow"}],
            )


def create(session: Session, kind: str, payload: Any, user: Any) -> Any:
    """A new record of ``kind`` from ``payload`` (dict or the kind's Create model), owned by the writer's
    organisation unless it names one; refused (:class:`Forbidden`) where the role may not."""
    k = kind_of(kind)
    data = _validate(k.create, payload).model_dump()
    if data.get("organisation_id") is None and user is not None:
        data["organisation_id"] = user.organisation_id
    draft = SimpleNamespace(organisation_id=data["organisation_id"], published=data["published"])
    if not allowed(user, "create", k.name, draft, public_kind=not k.restricted):
        raise _refuse(user, f"your role may not create {k.name} for organisation {draft.organisation_id}")
    if data["published"] and not allowed(user, "publish", k.name, draft):
        raise _refuse(user, "only the Secretariat publishes records")
    _workflow_values(k, user, data, None)
    changes: list[dict] = []
    with transaction(session, changes):
        problems = _missing_references(session, user, k, data)
        if problems:
            raise Invalid(
                Text(
                    "{n} reference to a missing record", "{n} references to missing records", n=len(problems)
                ),
                problems,
            )
        if k.name == "observations":  # at another organisation's site: a proposal to its owner
            site = session.get(orm.Site, data["site_id"])
            if proposals.is_proposal(user, site, data["organisation_id"]):
                data = proposals.as_proposal(data, site)
        values = _prepared(session, k, data, None)
        record = k.model(**values)
        verification(record, user)
        session.add(record)
        session.flush()
        after = public_dict(k, record)
        audit(session, user, k.name, record.id, "create", None, after)
        _snapshot(session, user, k, record.id, after)
        changes.append(_change(k, "create", record))
    return record


def verification(record: Any, user: Any) -> None:
    """The Secretariat's write of a published record verifies its content (``verified_at``/``_by``; the
    seed as "system"); anyone else's write un-verifies it until the Secretariat writes or publishes it again.
    Indicators count verified records only (:mod:`permille.registry.counting`)."""
    if user is not None and user.role == "secretariat" and record.published:
        record.verified_at, record.verified_by = orm.utcnow(), user.email
    elif user is None or user.role != "secretariat":
        record.verified_at = record.verified_by = None


def _prepared(session: Session, k: RecordKind, data: dict, record: Any) -> dict:
    values = dict(data)
    if k.prepare is not None:
        try:
            values = k.prepare(session, values, record)
        except ValueError as e:  # e.g. a project document the models refuse
            raise Invalid(str(e).split("\n", 1)[0], str(e).splitlines()[1:] or [str(e)]) from None
    return values


def update(session: Session, kind: str, record_id: int, payload: Any, user: Any) -> Any:
    """Change the fields given in ``payload``; ``version`` (required for versioned kinds) must be the
    stored one, else :class:`Conflict`. Publishing (changing ``published``) needs the Secretariat. A change
    to a published record by someone who may not publish leaves the record as published and is kept as its
    pending change until the review approves it (:mod:`.pending`, :mod:`.review`). A change that changes
    nothing writes nothing (no version, no audit row)."""
    k = kind_of(kind)
    patch = _validate(k.update, payload).model_dump(exclude_unset=True)
    version = patch.pop("version", None)
    changes: list[dict] = []
    with transaction(session, changes):
        record = get(session, kind, record_id, user)
        if not allowed(user, "update", k.name, record, public_kind=not k.restricted):
            raise _refuse(
                user, f"your role may not change this {k.name} record (organisation {record.organisation_id})"
            )
        if version is not None and version != record.version:
            raise Conflict(
                f"version {version} is stale: the record is at version {record.version}",
                [{"loc": ["version"], "message": f"current version is {record.version}", "type": "stale"}],
            )
        before = public_dict(k, record)
        proposing = (
            record.published and pending.reviewed(k.name) and not allowed(user, "publish", k.name, record)
        )
        base = before | pending.proposed(session, k.name, record.id) if proposing else before
        merged, problems = _merge(k, base, patch)
        _workflow_values(k, user, patch, base)
        draft = SimpleNamespace(organisation_id=merged["organisation_id"], published=merged["published"])
        if not allowed(user, "update", k.name, draft, public_kind=not k.restricted):
            raise _refuse(user, f"you may not give this record to organisation {draft.organisation_id}")
        publishing = merged["published"] != record.published
        if publishing and not allowed(user, "publish", k.name, record):
            raise _refuse(user, "only the Secretariat publishes or withdraws records")
        if record.published and not publishing and not allowed(user, "publish", k.name, record):
            merged["published"] = False  # a kind that is not reviewed: withdrawn until published again
        problems += _missing_references(session, user, k, merged)
        if problems:
            raise Invalid(
                Text(
                    "{n} problem in the update of {kind} {id}",
                    "{n} problems in the update of {kind} {id}",
                    n=len(problems),
                    kind=k.name,
                    id=record_id,
                ),
                problems,
            )
        if k.name == "observations" and merged["site_id"] != before["site_id"]:
            site = session.get(orm.Site, merged["site_id"])
            if proposals.is_proposal(user, site, merged["organisation_id"]):
                raise _refuse(
                    user, "an observation moves only to its organisation's sites; propose a new one"
                )
        if proposing:
            merged["published"] = True
            change = pending.propose(session, user, k.name, record, before, merged)
            if change is not None:
                audit(session, user, k.name, record.id, "propose", before, before | change)
            return record
        apply(session, user, k, record, before, merged, "publish" if publishing else "update", changes, patch)
    return record


def apply(
    session: Session,
    user: Any,
    k: RecordKind,
    record: Any,
    before: dict,
    merged: dict,
    action: str,
    changes: list[dict],
    patch: dict | None = None,
) -> None:
    """Give ``record`` the ``merged`` values (checked) as ``user``'s write: verification, audit row, version
    snapshot and change event, unless nothing changed (then nothing is written)."""
    for name, value in _prepared(session, k, merged, record).items():
        setattr(record, name, value)
    verification(record, user)
    if k.name == "users":  # a token never grants more, or longer, than the account now does
        revoke_tokens_after_change(session, before, record, new_password="password" in (patch or {}))
    session.flush()
    after = public_dict(k, record)
    if after == before:
        return  # no UPDATE was issued: same version, nothing to audit
    audit(session, user, k.name, record.id, action, before, after)
    _snapshot(session, user, k, record.id, after)
    changes.append(_change(k, action, record))


def _merge(k: RecordKind, before: dict, patch: dict) -> tuple[dict, list[dict]]:
    """The record's writable values with ``patch`` applied and checked as a whole; problems found."""
    base_fields = set(k.base.model_fields)
    current = {name: before[name] for name in base_fields if name in before}
    problems = []
    try:
        merged = k.base.model_validate(
            current | {n: v for n, v in patch.items() if n in base_fields}
        ).model_dump()
    except ValidationError as e:
        merged, problems = {}, _details(e)
    merged["organisation_id"] = patch.get("organisation_id", before["organisation_id"])
    merged["published"] = before["published"] if patch.get("published") is None else patch["published"]
    for name in set(patch) - base_fields - {"organisation_id", "published"}:  # write-only (a password)
        if patch[name] is None:
            problems.append({"loc": [name], "message": "may be left out but not null", "type": "null"})
        else:
            merged[name] = patch[name]
    return merged, problems


# --- observations in bulk -----------------------------------------------------------------------------------


def ingest_observations(
    session: Session,
    rows: Sequence[dict],
    user: Any,
    *,
    row_numbers: Sequence[int] | None = None,
    file_problems: Sequence[dict] = (),
) -> list[int]:
    """Store every row (fields of an observation) or none: one transaction, and an :class:`Invalid`
    listing each bad row as ``{"row", "column", "message"}``. Rows are reported by ``row_numbers`` (the
    file's line numbers; default 2, 3…, as a spreadsheet numbers the lines under a header);
    ``file_problems`` (found while reading the file, e.g. a row with too many cells) are reported with
    the others. Returns the new ids."""
    k = KINDS["observations"]
    if not allowed(user, "create", k.name):
        raise _refuse(user, "your role may not add observations")
    if len(rows) > MAX_INGEST_ROWS:
        raise TooLarge(
            f"a bulk ingest stores at most {MAX_INGEST_ROWS:,} rows per request (this one has more); "
            "nothing was stored: split the file"
        )
    organisation_id = user.organisation_id if user is not None else None
    problems: list[dict] = list(file_problems)
    valid: list[tuple[int, dict]] = []
    numbers = row_numbers if row_numbers is not None else range(2, len(rows) + 2)
    for n, row in zip(numbers, rows, strict=True):
        unknown = set(row) - set(k.base.model_fields)
        problems += [{"row": n, "column": c, "message": "unknown column"} for c in sorted(unknown)]
        cells = {
            c: v for c, v in row.items() if c not in unknown and not (isinstance(v, str) and not v.strip())
        }
        try:
            valid.append((n, k.base.model_validate(cells).model_dump()))
        except ValidationError as e:
            for err in e.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                problems.append(
                    {"row": n, "column": column, "message": validation_message(err, value_error_prefix=False)}
                )
    if not rows:
        problems.append({"row": None, "column": None, "message": "no data rows"})
    changes: list[dict] = []
    with transaction(session, changes):
        sites = readable(session, user, orm.Site, {v["site_id"] for _, v in valid})
        for n, v in valid:
            if v["site_id"] not in sites:
                problems.append(
                    {"row": n, "column": "site_id", "message": _no_record(orm.Site, v["site_id"])}
                )
        if problems:
            problems.sort(key=lambda p: (p["row"] is not None, p["row"] or 0))
            raise Invalid(
                Text(
                    "{n} problem in the rows sent ({rows} read); nothing was stored",
                    "{n} problems in the rows sent ({rows} read); nothing was stored",
                    n=len(problems),
                    rows=len(rows),
                ),
                problems,
            )
        layers = _layers(session, [(v["site_id"], v["upper_cm"], v["lower_cm"]) for _, v in valid])
        now = orm.utcnow()
        owners = {  # per site: the owner of its rows, and whether they are proposals
            i: (site.organisation_id, True)
            if proposals.is_proposal(user, site, organisation_id)
            else (organisation_id, False)
            for i, site in sites.items()
        }
        stored = [
            {
                "layer_id": layers[(v["site_id"], v["upper_cm"], v["lower_cm"])],
                "property": str(v["property"]),
                **{f: v[f] for f in ("value", "unit", "uncertainty", "date", "method")},
                "organisation_id": owners[v["site_id"]][0],
                "proposed": owners[v["site_id"]][1],
                "published": False,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for _, v in valid
        ]
        ids = list(
            session.scalars(
                insert(orm.Observation).returning(orm.Observation.id, sort_by_parameter_order=True), stored
            )
        )
        afters = [
            {
                "id": i,
                **{
                    f: v[f]
                    for f in ("site_id", "upper_cm", "lower_cm", "value", "unit", "uncertainty", "method")
                },
                "property": str(v["property"]),
                "date": v["date"].isoformat() if v["date"] else None,
                "country_iso3": sites[v["site_id"]].country_iso3,
                "proposed": owners[v["site_id"]][1],
                "organisation_id": owners[v["site_id"]][0],
                "published": False,
                "version": 1,
                "created_at": now.isoformat(),
                "updated_at": now.isoformat(),
            }
            for i, (_, v) in zip(ids, valid, strict=True)
        ]
        actor = {"user_id": user.id if user else None, "actor": user.email if user else "anonymous"}
        session.execute(
            insert(orm.AuditLog),
            [
                {
                    "at": now,
                    **actor,
                    "kind": k.name,
                    "record_id": a["id"],
                    "action": "create",
                    "before": None,
                    "after": a,
                }
                for a in afters
            ],
        )
        session.execute(
            insert(orm.RecordVersion),
            [
                {
                    "kind": k.name,
                    "record_id": a["id"],
                    "version": 1,
                    "at": now,
                    "user_id": actor["user_id"],
                    "data": a,
                }
                for a in afters
            ],
        )
        for country, owner in sorted({(a["country_iso3"], a["organisation_id"]) for a in afters}, key=str):
            changes.append(
                {
                    "kind": k.name,
                    "action": "ingest",
                    "id": None,
                    "country_iso3": country,
                    "published": False,
                    "organisation_id": owner,
                }
            )
    return ids


def _layers(session: Session, keys: list[tuple[int, float, float]]) -> dict[tuple, int]:
    """Layer ids by (site_id, upper_cm, lower_cm), inserting the missing layers."""
    wanted = set(keys)
    found = {
        (layer.site_id, layer.upper_cm, layer.lower_cm): layer.id
        for layer in session.scalars(
            select(orm.Layer).where(orm.Layer.site_id.in_({key[0] for key in wanted}))
        )
    }
    missing = sorted(wanted - set(found))
    if missing:
        new = session.scalars(
            insert(orm.Layer).returning(orm.Layer.id, sort_by_parameter_order=True),
            [{"site_id": s, "upper_cm": u, "lower_cm": lo} for s, u, lo in missing],
        )
        found |= dict(zip(missing, new, strict=True))
    return found
