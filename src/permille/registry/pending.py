"""Pending changes: a change by a member, partner or the STC to a record already published does not touch
the published record, which the public keeps reading; it is kept as a *proposal* (the fields that differ
from the published version, JSON values) on the record's :class:`~.orm.ReviewState` until the review
approves it (:func:`.review.approve` applies it) or returns it (the published version stays, the proposal
is kept to be corrected). Writers who may publish (the Secretariat) change the record itself.
"""

from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import orm
from .permissions import SECRETARIAT_ONLY

NOT_REVIEWED = SECRETARIAT_ONLY | {"toolkit-usage"}
"""Kinds that are not submitted for review (the Secretariat writes them; usage is counted)."""


def reviewed(kind: str) -> bool:
    return kind not in NOT_REVIEWED


def state_row(session: Session, kind: str, record_id: int) -> orm.ReviewState | None:
    return session.scalar(
        select(orm.ReviewState).where(orm.ReviewState.kind == kind, orm.ReviewState.record_id == record_id)
    )


def proposed(session: Session, kind: str, record_id: int) -> dict:
    """The pending change of a record (``{}``: none)."""
    row = state_row(session, kind, record_id)
    return dict(row.proposed or {}) if row is not None else {}


def propose(session: Session, user: Any, kind: str, record: Any, before: dict, merged: dict) -> dict | None:
    """Keep ``merged`` (the record's values as the writer wants them) as the pending change of ``record``
    (published, ``before`` its public values): the fields that differ from the published version. Returns
    the new pending change, or None when it is the one already pending (nothing to write)."""
    wanted = to_jsonable_python(merged)
    change = {name: value for name, value in wanted.items() if name in before and before[name] != value}
    row = state_row(session, kind, record.id)
    if (row.proposed if row is not None else None) == (change or None):
        return None
    if row is None:
        row = orm.ReviewState(
            kind=kind, record_id=record.id, state="approved", comment="", approved_data=before
        )
        session.add(row)
    row.organisation_id = record.organisation_id
    row.proposed = change or None
    row.proposed_by = user.id if change else None
    return change
