"""Working groups (domain: :mod:`permille.registry.working_groups`; permissions:
``data/workflows/working_group.yaml``): the groups, their members; their documents are under
``/api/documents/working-groups/{id}`` and their thread under ``/api/comments/working-groups/{id}``."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from ...registry import working_groups
from ...registry.orm import User
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, UserDep, require
from ..errors import ERROR_RESPONSES

Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
router = APIRouter(tags=["working groups"], responses=ERROR_RESPONSES)
Signed = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]


@router.get("/working-groups")
def groups(session: SessionDep, user: UserDep) -> list[dict]:
    """Every working group (public; the members to signed-in users) and what I may do in each."""
    return working_groups.groups(session, user)


@router.post("/working-groups", status_code=201)
def create(body: working_groups.GroupIn, session: SessionDep, user: Signed) -> dict:
    """Create a working group (the Secretariat)."""
    row = working_groups.create(session, user, body)
    return working_groups.group_dict(session, user, row)


@router.get("/working-groups/{group_id}")
def group(group_id: Id, session: SessionDep, user: UserDep) -> dict:
    """A working group, its members (signed-in users) and what I may do in it."""
    return working_groups.group_dict(session, user, working_groups.group(session, group_id))


@router.put("/working-groups/{group_id}/members")
def add_member(group_id: Id, body: working_groups.MemberIn, session: SessionDep, user: Signed) -> dict:
    """Add a member or change their role (chair, member): a chair of the group or the Secretariat."""
    working_groups.add_member(session, user, group_id, body)
    return working_groups.group_dict(session, user, working_groups.group(session, group_id))


@router.delete("/working-groups/{group_id}/members/{user_id}")
def remove_member(group_id: Id, user_id: Id, session: SessionDep, user: Signed) -> dict:
    """Remove a member: a chair of the group or the Secretariat."""
    working_groups.remove_member(session, user, group_id, user_id)
    return working_groups.group_dict(session, user, working_groups.group(session, group_id))
