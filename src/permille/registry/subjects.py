"""What comment threads and documents hang on, and who may see and add to them: one rule per kind of
record, used by :mod:`.comments` and :mod:`.documents` alike, so that a thread or a document is never
more visible than its record.

- projects, practices: whoever may read the record (:func:`.service.readable`, the registry's read rule)
  reads and comments; whoever may update it (its organisation, the Secretariat) attaches documents.
- call-applications: the applicant's organisation, the STC and the Secretariat (:mod:`.calls`); the
  applicant and the Secretariat attach documents.
- helpdesk-questions: the experts' notes on a question: its region's experts, the expert assigned, the
  STC and the Secretariat (the asker's conversation is the question's own messages); no documents.
- working-groups: the group's table (:mod:`.working_groups`: read, comment, upload).
"""

from typing import Any, Literal

from sqlalchemy import select

from .. import i18n
from . import calls, helpdesk, orm, working_groups
from .permissions import allowed, role_of
from .service import Forbidden, NotFound, RegistryError, Unauthenticated, readable

ThreadKind = Literal["projects", "practices", "call-applications", "helpdesk-questions", "working-groups"]
DocumentKind = Literal["projects", "practices", "call-applications", "working-groups"]
_RECORDS = {"projects": orm.Project, "practices": orm.Practice}


def _record(session, kind: str, record_id: int, user: Any) -> Any:
    record = readable(session, user, _RECORDS[kind], [record_id]).get(record_id)
    if record is None:
        raise NotFound(f"no {kind} record {record_id}")
    return record


def check_read(session, kind: str, record_id: int, user: Any) -> None:
    """Raise unless ``user`` may read the record and so its thread and documents (404 for a record they
    may not see, as for a missing one; a working group is public, its library and thread are not: 403)."""
    if kind in _RECORDS:
        _record(session, kind, record_id, user)
    elif kind == "call-applications":
        calls._application(session, record_id, user)
    elif kind == "helpdesk-questions":
        question = session.get(orm.HelpdeskQuestion, record_id)
        held = set() if question is None else helpdesk.roles(session, user, question)
        if not held & {"expert", "region_expert", "stc", "secretariat"}:
            raise NotFound(i18n.Text("no question {id}", id=record_id))
    elif kind == "working-groups":
        working_groups.check(session, user, working_groups.group(session, record_id), "read")
    else:
        raise NotFound(f"no thread on {kind}")


def check_comment(session, kind: str, record_id: int, user: Any) -> None:
    """Raise unless ``user`` may comment on the record (a signed-in reader; in a working group, the
    table's ``comment``)."""
    if user is None:
        raise Unauthenticated("sign in to comment")
    if kind == "working-groups":
        working_groups.check(session, user, working_groups.group(session, record_id), "comment")
    else:
        check_read(session, kind, record_id, user)


def check_attach(session, kind: str, record_id: int, user: Any) -> None:
    """Raise unless ``user`` may attach a document to the record."""
    if user is None:
        raise Unauthenticated("sign in to attach a document")
    if kind in _RECORDS:
        record = _record(session, kind, record_id, user)
        if not allowed(user, "update", kind, record):
            raise Forbidden(f"only who may edit this {kind[:-1]} attaches documents to it")
    elif kind == "call-applications":
        application = calls._application(session, record_id, user)
        if not calls.roles(session, user, application) & {"applicant", "secretariat"}:
            raise Forbidden(
                i18n.Text("only the applicant and the Secretariat attach documents to an application")
            )
    elif kind == "working-groups":
        working_groups.check(session, user, working_groups.group(session, record_id), "upload")
    else:
        raise NotFound(f"no documents on {kind}")


def followers(session, kind: str, record_id: int, author_id: int | None) -> list[orm.User]:
    """Who follows the thread of a record, the author left out: who commented on it before, the users of
    the record's organisation (projects, practices, applications), the expert assigned (helpdesk), the
    group's members (working groups); each only while they may still read it."""
    ids = set(
        session.scalars(
            select(orm.Comment.user_id).where(orm.Comment.kind == kind, orm.Comment.record_id == record_id)
        )
    )
    owner = None
    if kind in _RECORDS:
        owner = getattr(session.get(_RECORDS[kind], record_id), "organisation_id", None)
    elif kind == "call-applications":
        owner = getattr(session.get(orm.CallApplication, record_id), "organisation_id", None)
    elif kind == "helpdesk-questions":
        expert = getattr(session.get(orm.HelpdeskQuestion, record_id), "expert_id", None)
        ids |= {expert} if expert else set()
    elif kind == "working-groups":
        ids |= set(working_groups.member_ids(session, record_id))
    if owner is not None:
        ids |= set(session.scalars(select(orm.User.id).where(orm.User.organisation_id == owner)))
    ids.discard(author_id)
    users = []
    for user in session.scalars(select(orm.User).where(orm.User.id.in_(ids), orm.User.active.is_(True))):
        if role_of(user).value == "public":
            continue
        try:
            check_read(session, kind, record_id, user)
        except RegistryError:
            continue
        users.append(user)
    return users
