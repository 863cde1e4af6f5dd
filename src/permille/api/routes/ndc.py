"""NDC tracker (objective A1): the 198 UNFCCC Parties with their NDC content facts (bundled, each with its
source and vintage) and a country's cropland and grassland areas (FAOSTAT). Routing only: the answers come
from :mod:`permille.registry.parties`."""

from typing import Annotated

from fastapi import APIRouter, Path

from ...i18n import Text
from ...registry import parties
from ..deps import SessionDep, UserDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/ndc", tags=["ndc"], responses=ERROR_RESPONSES)
Iso3Path = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code (EUU: the EU)")]


@router.get("/parties")
def party_list():
    """The 198 UNFCCC Parties: groups, the sources covering each, whether its NDC content mentions soils,
    soil carbon, peatlands or wetlands (``mentions``), and the number of facts; ``sources`` with vintages."""
    doc = parties.document()
    keep = (
        "iso3",
        "name",
        "un_regional_group",
        "annex_one",
        "ldc",
        "sids",
        "eu_member",
        "covered_by",
        "mentions",
    )
    items = [{k: p[k] for k in keep} | {"n_facts": len(p["facts"])} for p in doc["parties"]]
    return {"n_parties": len(items), "sources": doc["sources"], "items": items}


@router.get("/countries/{iso3}")
def country(iso3: Iso3Path, session: SessionDep, user: UserDep):
    """A country's NDC content facts (``party``; null for a non-Party), its NDC tracker records, and its
    FAOSTAT cropland and permanent meadows and pastures by year (``land_use``, 1000 ha; null without a
    series)."""
    answer = parties.country(session, user, iso3.upper())
    if answer is None:
        raise ApiError(404, Text("no country or UNFCCC Party {iso3}", iso3=iso3.upper()))
    return answer
