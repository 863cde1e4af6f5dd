"""The member directory (domain: :mod:`permille.registry.directory`): the public pages of the published
member and partner organisations, filtered by type, membership, region, country and words of the name."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ...registry import directory
from ...registry.schemas import MAX_INTEGER, Iso3, OrgType, Region
from ..deps import SessionDep
from ..errors import ERROR_RESPONSES

router = APIRouter(tags=["directory"], responses=ERROR_RESPONSES)
Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]


@router.get("/directory/organisations")
def organisations(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="words of the name")] = None,
    membership: Annotated[str | None, Query(pattern="^(member|partner)$")] = None,
    org_type: OrgType | None = None,
    region: Region | None = None,
    country_iso3: Iso3 | None = None,
) -> list[dict]:
    """The published organisations (everyone): type, country, region, website, counts of published
    projects and practices."""
    return directory.organisations(
        session, q=q, membership=membership, org_type=org_type, region=region, country_iso3=country_iso3
    )


@router.get("/directory/organisations/{organisation_id}")
def organisation(organisation_id: Id, session: SessionDep) -> dict:
    """One published organisation's page: its published projects and practices and its expertise."""
    return directory.organisation(session, organisation_id)
