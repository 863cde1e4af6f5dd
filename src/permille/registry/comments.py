"""Comment threads on records: projects, practices, call applications, helpdesk questions (the experts'
notes) and working groups. Who may read and write a thread is the record's rule (:mod:`.subjects`): a
record the user may not read has no thread for them (404). Each comment is audited and told to the
thread's followers (:func:`.subjects.followers`) as a ``comment`` notification."""

from typing import Annotated, Any

from pydantic import StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import orm, subjects
from .notify import notify
from .schemas import Strict
from .service import _validate, audit, transaction

Kind = subjects.ThreadKind
LINKS = {
    "projects": "/#/records?kind=projects&id={id}",
    "practices": "/#/records?kind=practices&id={id}",
    "call-applications": "/#/calls?application={id}",
    "helpdesk-questions": "/#/helpdesk?question={id}",
    "working-groups": "/#/groups?id={id}",
}
"""Where a notification of a comment leads (the record's page)."""
EXCERPT_CHARS = 300


class CommentIn(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


def thread(session: Session, kind: str, record_id: int, user: Any) -> list[dict]:
    """The comments on the record, oldest first, with their authors' names."""
    subjects.check_read(session, kind, record_id, user)
    rows = session.execute(
        select(orm.Comment, orm.User)
        .join(orm.User, orm.User.id == orm.Comment.user_id)
        .where(orm.Comment.kind == kind, orm.Comment.record_id == record_id)
        .order_by(orm.Comment.id)
    ).all()
    return [
        {"id": c.id, "at": c.at.isoformat(), "author": u.name or u.email, "text": c.text} for c, u in rows
    ]


def add(
    session: Session, kind: str, record_id: int, user: Any, payload: Any, base_url: str = ""
) -> orm.Comment:
    """A new comment by ``user`` on a record they may comment on (audited; the followers are told)."""
    data = _validate(CommentIn, payload)
    with transaction(session, []):
        subjects.check_comment(session, kind, record_id, user)
        followers = subjects.followers(session, kind, record_id, user.id)
        row = orm.Comment(at=orm.utcnow(), kind=kind, record_id=record_id, user_id=user.id, text=data.text)
        session.add(row)
        session.flush()
        audit(session, user, f"{kind}-comment", record_id, "comment", None, {"comment": row.id})
        excerpt = data.text if len(data.text) <= EXCERPT_CHARS else data.text[: EXCERPT_CHARS - 1] + "…"
        for follower in followers:
            notify(
                session,
                follower,
                "comment",
                "comment_posted",
                base_url,
                LINKS[kind].format(id=record_id),
                author=user.name or user.email,
                text=excerpt,
            )
    return row
