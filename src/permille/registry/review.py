"""The review of what members and partners submit: a record they write stays unpublished (a draft)
until they submit it and the Secretariat (assessments: the STC or the Secretariat) approves it, which
publishes it, or returns it with a comment. :class:`~.orm.ReviewState` holds where each record stands:
no row (a draft) → ``submitted`` → ``returned`` (comment; submit again after changing it) or
``approved`` (published; ``approved_data`` is the base of the changes shown at its next review). A change
to a published record waits as its pending change (:mod:`.pending`): the public reads the published version
until the change is approved.

Each step is audited on the record (``kind`` its kind, actions ``submit``, ``return``, ``approve`` and
``publish``), so the record's history shows its review.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import i18n
from ..mail.compose import compose
from ..mail.queue import enqueue
from . import orm
from .kinds import KINDS
from .pending import NOT_REVIEWED
from .permissions import Role, allowed, role_of
from .service import (
    Conflict,
    Forbidden,
    Invalid,
    _merge,
    _missing_references,
    apply,
    audit,
    get,
    kind_of,
    public_dict,
    transaction,
)

REVIEWABLE = tuple(name for name in KINDS if name not in NOT_REVIEWED)
UNCHANGED = frozenset({"id", "created_at", "updated_at", "version", "published"})
"""Fields left out of the changes shown to the reviewer."""
TITLE_FIELDS = ("name", "title", "subject", "label")
MAX_LISTED = 200
"""Most records of one kind listed on the page of an organisation (the total is given)."""


def title_of(kind: str, record: Any) -> str:
    for name in TITLE_FIELDS:
        value = getattr(record, name, None)
        if value:
            return str(value)
    return f"{kind} {record.id}"


def deciders(kind: str) -> frozenset[Role]:
    """Who approves or returns a record of ``kind``."""
    return frozenset({Role.STC, Role.SECRETARIAT}) if kind == "assessments" else frozenset({Role.SECRETARIAT})


def _reviewable(kind: str) -> None:
    kind_of(kind)
    if kind not in REVIEWABLE:
        raise Invalid(f"{kind} are not reviewed; reviewed kinds: {', '.join(REVIEWABLE)}")


def _state(session: Session, kind: str, record_id: int) -> orm.ReviewState | None:
    return session.scalar(
        select(orm.ReviewState).where(orm.ReviewState.kind == kind, orm.ReviewState.record_id == record_id)
    )


def state_of(session: Session, kind: str, record_id: int, user: Any) -> orm.ReviewState | None:
    """The review state of a record ``user`` may read (None: a draft)."""
    get(session, kind, record_id, user)
    return _state(session, kind, record_id)


def may_see_proposal(user: Any, kind: str, record: Any) -> bool:
    """Who sees a pending change: who may change the record, and who decides on it."""
    return role_of(user) in deciders(kind) or allowed(
        user, "update", kind, record, public_kind=not KINDS[kind].restricted
    )


def state_dict(row: orm.ReviewState | None, *, proposal: bool = False, published: bool = True) -> dict | None:
    """The review state; ``proposal``: with the pending change (``proposed``, None if there is none).
    A pending change is one of a published record (``published``): a record the Secretariat withdrew
    meanwhile shows none; it is reviewed as a draft, whose approval drops the old change."""
    if row is None:
        return None
    change = row.proposed if published else None
    answer = {
        "state": row.state,
        "comment": row.comment,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "pending": change is not None,
    }
    if proposal:
        answer["proposed"] = change
    return answer


def state_for(session: Session, kind: str, record_id: int, user: Any) -> dict | None:
    """The review state of a record ``user`` may read, with its pending change for who may see it."""
    record = get(session, kind, record_id, user)
    row = _state(session, kind, record_id)
    return state_dict(row, proposal=may_see_proposal(user, kind, record), published=record.published)


MAX_SUBMITTED = 5000
"""Most records one request submits (a CSV of observations: every row it stored)."""


def submit(session: Session, kind: str, record_id: int, user: Any) -> orm.ReviewState:
    """Submit a record for review (its writer: someone who may update it)."""
    return submit_many(session, kind, [record_id], user)[0]


def submit_many(session: Session, kind: str, record_ids: list[int], user: Any) -> list[orm.ReviewState]:
    """Submit records of ``kind`` for review, all or none (at most :data:`MAX_SUBMITTED`)."""
    _reviewable(kind)
    k = KINDS[kind]
    if not 0 < len(record_ids) <= MAX_SUBMITTED:
        raise Invalid(i18n.Text("submit 1 to {n} records at a time", n=MAX_SUBMITTED))
    rows = []
    with transaction(session, []):
        for record_id in dict.fromkeys(record_ids):
            record = get(session, kind, record_id, user)
            if not allowed(user, "update", kind, record, public_kind=not k.restricted):
                raise Forbidden(f"your role may not submit this {kind} record")
            row = _state(session, kind, record_id)
            if row is not None and row.state == "submitted":
                raise Conflict(f"{kind} {record_id} awaits review already")
            if row is None:
                row = orm.ReviewState(kind=kind, record_id=record_id, approved_data=None)
                session.add(row)
            row.state, row.comment = "submitted", ""
            row.organisation_id = record.organisation_id
            row.submitted_by, row.submitted_at = user.id, orm.utcnow()
            row.decided_by, row.decided_at = None, None
            audit(session, user, kind, record_id, "submit", None, {"review": "submitted"})
            rows.append(row)
    return rows


def _deciding(session: Session, kind: str, record_id: int, user: Any) -> tuple[Any, orm.ReviewState]:
    _reviewable(kind)
    if role_of(user) not in deciders(kind):
        raise Forbidden(
            "only the STC and the Secretariat review assessments"
            if kind == "assessments"
            else "only the Secretariat reviews submissions"
        )
    record = get(session, kind, record_id, user)
    row = _state(session, kind, record_id)
    if row is None or row.state != "submitted":
        raise Conflict(f"{kind} {record_id} is not awaiting review")
    return record, row


def approve(session: Session, kind: str, record_id: int, user: Any) -> Any:
    """Approve a submitted record: a draft is published (audited as ``approve`` and ``publish``); a
    published record's pending change is applied to it (``approve`` and ``update``), as the approver's
    write: the Secretariat's approval verifies it (:func:`.service.verification`)."""
    _reviewable(kind)
    k = KINDS[kind]
    changes: list[dict] = []
    with transaction(session, changes):
        record, row = _deciding(session, kind, record_id, user)
        before = public_dict(k, record)
        audit(session, user, kind, record_id, "approve", None, {"review": "approved"})
        change = row.proposed if row.proposed is not None and record.published else {"published": True}
        merged, problems = _merge(k, before, change)
        problems += _missing_references(session, user, k, merged)
        if problems:
            raise Invalid(f"{len(problems)} problem(s) in the change of {kind} {record_id}", problems)
        apply(session, user, k, record, before, merged, "update" if record.published else "publish", changes)
        row.state, row.comment, row.approved_data = "approved", "", public_dict(k, record)
        row.proposed = row.proposed_by = None
        row.decided_by, row.decided_at = user.id, orm.utcnow()
    return record


def return_(session: Session, kind: str, record_id: int, user: Any, comment: str) -> orm.ReviewState:
    """Return a submitted record to its writers with a ``comment`` (told by e-mail to who submitted it)."""
    comment = comment.strip()
    if not comment:
        raise Invalid(
            i18n.Text("say what to change"), [{"loc": ["comment"], "message": "required", "type": "missing"}]
        )
    with transaction(session, []):
        record, row = _deciding(session, kind, record_id, user)
        row.state, row.comment = "returned", comment
        row.decided_by, row.decided_at = user.id, orm.utcnow()
        audit(session, user, kind, record_id, "return", None, {"review": "returned", "comment": comment})
        submitter = session.get(orm.User, row.submitted_by) if row.submitted_by else None
        if submitter is not None and submitter.active:
            enqueue(
                session,
                compose(
                    "review_returned",
                    submitter.email,
                    submitter.language,
                    name=submitter.name,
                    email=submitter.email,
                    reviewer=user.name or user.email,
                    title=title_of(kind, record),
                    kind=kind,
                    comment=comment,
                    link=None,
                ),
            )
    return row


def _published_before(session: Session, kind: str, record_id: int, row: orm.ReviewState) -> dict | None:
    """The record as last published: as approved, else its newest audited state that was published."""
    if row.approved_data is not None:
        return row.approved_data
    for after in session.scalars(
        select(orm.AuditLog.after)
        .where(orm.AuditLog.kind == kind, orm.AuditLog.record_id == record_id)
        .order_by(orm.AuditLog.id.desc())
        .limit(500)
    ):
        if after and after.get("published") is True:
            return after
    return None


def changes_of(current: dict, published: dict | None) -> list[dict]:
    """``[{field, before, after}]`` for each field whose value differs from the published version
    (``before`` None and every field listed when it was never published)."""
    base = published or {}
    return [
        {"field": name, "before": base.get(name), "after": value}
        for name, value in current.items()
        if name not in UNCHANGED and (published is None or base.get(name) != value)
    ]


def queue(session: Session, user: Any) -> list[dict]:
    """What awaits the review of ``user`` (oldest first), each with its changes since it was last
    published."""
    role = role_of(user)
    kinds = [kind for kind in REVIEWABLE if role in deciders(kind)]
    if not kinds:
        raise Forbidden(i18n.Text("only the STC and the Secretariat review submissions"))
    rows = session.scalars(
        select(orm.ReviewState)
        .where(orm.ReviewState.state == "submitted", orm.ReviewState.kind.in_(kinds))
        .order_by(orm.ReviewState.submitted_at, orm.ReviewState.id)
        .limit(500)
    ).all()
    items = []
    for row in rows:
        k = KINDS[row.kind]
        record = session.get(k.model, row.record_id)
        if record is None:
            continue
        current = public_dict(k, record)
        if row.proposed is not None and record.published:  # a pending change of the published record
            current, published = current | row.proposed, current
        else:
            published = _published_before(session, row.kind, row.record_id, row)
        submitter = session.get(orm.User, row.submitted_by) if row.submitted_by else None
        organisation = session.get(orm.Organisation, row.organisation_id) if row.organisation_id else None
        items.append(
            {
                "kind": row.kind,
                "id": row.record_id,
                "title": title_of(row.kind, record),
                "organisation": organisation.name if organisation else None,
                "submitted_by": submitter.email if submitter else None,
                "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
                "published": record.published,
                "first_publication": published is None,
                "pending": row.proposed is not None and record.published,
                "changes": changes_of(current, published),
                "record": current,
            }
        )
    return items


def organisation_overview(session: Session, user: Any) -> dict:
    """The page "My organisation": the organisation, its members and its records of each reviewed kind
    (newest first, at most :data:`MAX_LISTED` per kind, with the total) with their review state."""
    if user is None:
        raise Forbidden(i18n.Text("sign in first"))
    if user.organisation_id is None:
        raise Invalid(i18n.Text("your account belongs to no organisation"))
    organisation = session.get(orm.Organisation, user.organisation_id)
    members = session.scalars(
        select(orm.User).where(orm.User.organisation_id == user.organisation_id).order_by(orm.User.email)
    ).all()
    states = {
        (row.kind, row.record_id): row
        for row in session.scalars(
            select(orm.ReviewState).where(orm.ReviewState.organisation_id == user.organisation_id)
        )
    }
    records = []
    totals = {}
    for kind in REVIEWABLE:
        k = KINDS[kind]
        mine = k.model.organisation_id == user.organisation_id
        total = session.scalar(select(func.count()).select_from(k.model).where(mine))
        if not total:
            continue
        totals[kind] = total
        for record in session.scalars(
            select(k.model)
            .where(mine)
            .order_by(k.model.updated_at.desc(), k.model.id.desc())
            .limit(MAX_LISTED)
        ):
            state = states.get((kind, record.id))
            records.append(
                {
                    "kind": kind,
                    "id": record.id,
                    "title": title_of(kind, record),
                    "published": record.published,
                    "updated_at": record.updated_at.isoformat(),
                    "review": state_dict(state, published=record.published),
                }
            )
    return {
        "organisation": public_dict(KINDS["organisations"], organisation),
        "members": [
            {
                "id": member.id,
                "email": member.email,
                "name": member.name,
                "role": member.role,
                "active": member.active,
                "org_admin": member.org_admin,
                "invited": not member.password_hash,
            }
            for member in members
        ],
        "records": records,
        "totals": totals,
    }
