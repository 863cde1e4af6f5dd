"""Comment threads on records: projects (whoever may read the project) and call applications (the
applicant's organisation, the STC and the Secretariat). Reading and writing follow the record's
visibility: a record the user may not read has no thread for them (404); writing needs a signed-in user."""

from typing import Annotated, Any, Literal

from pydantic import StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import calls, orm
from .schemas import Strict
from .service import Unauthenticated, _validate, audit, get, transaction

Kind = Literal["projects", "call-applications"]


class CommentIn(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


def _readable(session: Session, kind: str, record_id: int, user: Any) -> None:
    """Raise NotFound unless ``user`` may read the record."""
    if kind == "projects":
        get(session, "projects", record_id, user)
    else:
        calls._application(session, record_id, user)


def thread(session: Session, kind: str, record_id: int, user: Any) -> list[dict]:
    """The comments on the record, oldest first, with their authors' names."""
    _readable(session, kind, record_id, user)
    rows = session.execute(
        select(orm.Comment, orm.User)
        .join(orm.User, orm.User.id == orm.Comment.user_id)
        .where(orm.Comment.kind == kind, orm.Comment.record_id == record_id)
        .order_by(orm.Comment.id)
    ).all()
    return [
        {"id": c.id, "at": c.at.isoformat(), "author": u.name or u.email, "text": c.text} for c, u in rows
    ]


def add(session: Session, kind: str, record_id: int, user: Any, payload: Any) -> orm.Comment:
    """A new comment by ``user`` on a record they may read (audited)."""
    if user is None:
        raise Unauthenticated("sign in to comment")
    data = _validate(CommentIn, payload)
    with transaction(session, []):
        _readable(session, kind, record_id, user)
        row = orm.Comment(at=orm.utcnow(), kind=kind, record_id=record_id, user_id=user.id, text=data.text)
        session.add(row)
        session.flush()
        audit(session, user, f"{kind}-comment", record_id, "comment", None, {"comment": row.id})
    return row
