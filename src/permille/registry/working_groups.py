"""Working groups of the Initiative (the STC, the Bureau, regional groups): members with a role (chair
or member), a document library (attachments, :mod:`.documents`) and a thread (:mod:`.comments`). Who may
do what is the table ``data/workflows/working_group.yaml``; :func:`check` is the one place it is read."""

import functools
from importlib.resources import files
from typing import Annotated, Any, Literal

import yaml
from pydantic import StringConstraints
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import i18n
from . import orm
from .permissions import role_of
from .schemas import Name, RecordId, Region, Strict
from .service import Conflict, Forbidden, Invalid, NotFound, Unauthenticated, _validate, audit, transaction

GroupType = Literal["stc", "bureau", "regional", "thematic"]
MemberRole = Literal["chair", "member"]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=60)]


class GroupIn(Strict):
    slug: Slug
    name: Name
    group_type: GroupType
    region: Region | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] = ""


class MemberIn(Strict):
    user_id: RecordId
    role: MemberRole = "member"


@functools.cache
def table() -> dict[str, frozenset[str]]:
    """Action → the roles that may take it, from the table."""
    data = yaml.safe_load(
        (files("permille") / "data" / "workflows" / "working_group.yaml").read_text("utf-8")
    )
    roles = set(data["roles"])
    for action, allowed in data["permissions"].items():
        if not set(allowed) <= roles:
            raise ValueError(f"working_group: {action} names an unknown role")
    return {action: frozenset(allowed) for action, allowed in data["permissions"].items()}


def _membership(session: Session, group_id: int, user_id: int) -> orm.WorkingGroupMember | None:
    return session.get(orm.WorkingGroupMember, (group_id, user_id))


def roles(session: Session, user: Any, group: orm.WorkingGroup) -> set[str]:
    """The platform role of ``user`` and what they are in ``group`` (group_member, group_chair)."""
    held = {role_of(user).value}
    if user is not None and user.id is not None:
        member = _membership(session, group.id, user.id)
        if member is not None:
            held.add(f"group_{member.role}")
    return held


def check(session: Session, user: Any, group: orm.WorkingGroup, action: str) -> None:
    """Raise unless ``user`` may take ``action`` in ``group`` (401 anonymous, 403 else)."""
    allowed = table()[action]
    if roles(session, user, group) & allowed:
        return
    needed = ", ".join(sorted(allowed))
    if user is None:
        raise Unauthenticated(f"sign in first: {action} needs the role {needed}")
    raise Forbidden(f"{action} in the working group «{group.name}» needs the role {needed}")


def group(session: Session, group_id: int) -> orm.WorkingGroup:
    row = session.get(orm.WorkingGroup, group_id)
    if row is None:
        raise NotFound(i18n.Text("no working group {id}", id=group_id))
    return row


def group_dict(session: Session, user: Any, row: orm.WorkingGroup) -> dict:
    """A group as the API shows it to ``user``: the members only to signed-in users, and what ``user``
    may do in it."""
    held = roles(session, user, row)
    members = None
    if held & table()["see_members"]:
        members = [
            {"user_id": u.id, "name": u.name or f"user {u.id}", "organisation": o, "role": m.role}
            for m, u, o in session.execute(
                select(orm.WorkingGroupMember, orm.User, orm.Organisation.name)
                .join(orm.User, orm.User.id == orm.WorkingGroupMember.user_id)
                .outerjoin(orm.Organisation, orm.Organisation.id == orm.User.organisation_id)
                .where(orm.WorkingGroupMember.group_id == row.id)
                .order_by(orm.WorkingGroupMember.role, orm.User.name, orm.User.id)
            )
        ]
    count = session.scalar(
        select(func.count())
        .select_from(orm.WorkingGroupMember)
        .where(orm.WorkingGroupMember.group_id == row.id)
    )
    return {
        "id": row.id,
        "slug": row.slug,
        "name": row.name,
        "group_type": row.group_type,
        "region": row.region,
        "description": row.description,
        "member_count": count,
        "members": members,
        "may": sorted(action for action, allowed in table().items() if held & allowed),
    }


def groups(session: Session, user: Any) -> list[dict]:
    """Every working group (public), by type and name."""
    rows = session.scalars(
        select(orm.WorkingGroup).order_by(orm.WorkingGroup.group_type, orm.WorkingGroup.name)
    )
    return [group_dict(session, user, r) for r in rows]


def create(session: Session, user: Any, payload: Any) -> orm.WorkingGroup:
    """A new working group (the Secretariat; audited)."""
    data = _validate(GroupIn, payload)
    if user is None or role_of(user).value not in table()["create"]:
        raise (Unauthenticated if user is None else Forbidden)(
            "creating a working group needs the Secretariat"
        )
    if data.group_type == "regional" and data.region is None:
        raise Invalid(
            "1 problem(s) in the GroupIn: region: a regional group names its region",
            [{"loc": ["region"], "message": "a regional group names its region", "type": "missing"}],
        )
    with transaction(session, []):
        if session.scalar(select(orm.WorkingGroup).where(orm.WorkingGroup.slug == data.slug)):
            raise Conflict(i18n.Text("a working group is already called {name}", name=repr(data.slug)))
        row = orm.WorkingGroup(**data.model_dump())
        session.add(row)
        session.flush()
        audit(session, user, "working-groups", row.id, "create", None, data.model_dump())
    return row


def add_member(session: Session, user: Any, group_id: int, payload: Any) -> None:
    """Add a user to the group, or change their role (a chair or the Secretariat). Members of the STC's
    group must hold the STC role."""
    data = _validate(MemberIn, payload)
    with transaction(session, []):
        row = group(session, group_id)
        check(session, user, row, "add_member")
        member = session.get(orm.User, data.user_id)
        if member is None or not member.active:
            raise Invalid(
                f"no active user {data.user_id}",
                [{"loc": ["user_id"], "message": f"no active user {data.user_id}", "type": "reference"}],
            )
        if row.group_type == "stc" and member.role != "stc":
            raise Conflict(
                i18n.Text(
                    "{name} is not a member of the STC (role {role})",
                    name=member.name or member.email,
                    role=member.role,
                )
            )
        existing = _membership(session, row.id, member.id)
        before = None if existing is None else {"role": existing.role}
        if existing is None:
            session.add(orm.WorkingGroupMember(group_id=row.id, user_id=member.id, role=data.role))
        else:
            existing.role = data.role
        audit(
            session,
            user,
            "working-groups",
            row.id,
            "add_member",
            before,
            {"user_id": member.id, "role": data.role},
        )


def remove_member(session: Session, user: Any, group_id: int, user_id: int) -> None:
    """Remove a user from the group (a chair or the Secretariat)."""
    with transaction(session, []):
        row = group(session, group_id)
        check(session, user, row, "remove_member")
        existing = _membership(session, row.id, user_id)
        if existing is None:
            raise NotFound(i18n.Text("user {id} is not a member of «{group}»", id=user_id, group=row.name))
        session.delete(existing)
        audit(
            session,
            user,
            "working-groups",
            row.id,
            "remove_member",
            {"user_id": user_id, "role": existing.role},
            None,
        )


def member_ids(session: Session, group_id: int) -> list[int]:
    return list(
        session.scalars(
            select(orm.WorkingGroupMember.user_id).where(orm.WorkingGroupMember.group_id == group_id)
        )
    )
