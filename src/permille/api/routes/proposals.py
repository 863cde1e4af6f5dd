"""``POST /api/observations/{id}/accept``: the site's organisation or the Secretariat accepts an
observation proposed at its site by another organisation (:mod:`permille.registry.proposals`)."""

from typing import Annotated

from fastapi import APIRouter, Path

from ...registry import proposals
from ...registry.kinds import KINDS
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, UserDep
from ..errors import ERROR_RESPONSES

router = APIRouter(tags=["observations"], responses=ERROR_RESPONSES)


@router.post(
    "/observations/{record_id}/accept",
    response_model=KINDS["observations"].public,
    summary="Accept an observation proposed at one of my organisation's sites",
)
def accept(record_id: Annotated[int, Path(ge=1, le=MAX_INTEGER)], session: SessionDep, user: UserDep):
    return proposals.accept(session, record_id, user)
