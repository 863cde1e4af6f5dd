"""The twin-regions pilot, objective F1 (domain: :mod:`permille.registry.twins`): the public pairs of
municipalities (and, to a signed-in reader, the unpublished ones they may read) with their actions and
exchanges; recording an activity."""

from typing import Annotated

from fastapi import APIRouter, Depends

from ...registry import twins
from ...registry.orm import User
from ..deps import SessionDep, UserDep, require
from ..errors import ERROR_RESPONSES

router = APIRouter(tags=["twins"], responses=ERROR_RESPONSES)
Writer = Annotated[User, Depends(require("member", "partner", "secretariat"))]


@router.get("/twins")
def pairs(session: SessionDep, user: UserDep) -> list[dict]:
    """The pairs whose two municipalities the reader may read (the public: published ones), their
    activities, whether both are published and whether KPI F1 counts them."""
    return twins.visible_pairs(session, user)


@router.post("/twins/activities", status_code=201)
def add_activity(body: twins.ActivityIn, session: SessionDep, user: Writer) -> dict:
    """Record an action or exchange of a pair (the Secretariat, or the organisation of one of the two)."""
    return twins.add_activity(session, user, body)
