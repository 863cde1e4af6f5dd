"""Monitoring: global → region → country → site. Routing, validation and auth only: the answers are
computed by :mod:`permille.monitoring` (shared with ``permille monitoring``) and written in the reader's
language (``?lang=``, else ``Accept-Language``). Units: t C/ha (0–30 cm), t C/ha/yr, Mt C; intervals are
95 %."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from ... import i18n
from ...io.csv_safe import write_csv
from ...monitoring import boundaries as monitoring_boundaries
from ...monitoring import country as monitoring_country
from ...monitoring import measured, sites_map, zone_summaries
from ...monitoring import site as monitoring_site
from ...registry.schemas import MAX_INTEGER
from ..deps import LanguageDep, SessionDep, UserDep
from ..errors import ERROR_RESPONSES
from ..readmodels import cached

router = APIRouter(prefix="/monitoring", tags=["monitoring"], responses=ERROR_RESPONSES)
CSV_OR_JSON = {200: {"content": {"application/json": {}, "text/csv": {}}}}
GEOJSON = {200: {"content": {"application/geo+json": {}}}}
LayerName = Annotated[str, Query(pattern=r"^[a-z0-9_]{1,60}$", description="a layer of the zone statistics")]
Format = Literal["json", "csv"]


def _csv(rows: list[dict], filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(write_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


def demo_layers(request: Request) -> bool:
    """Whether the app shows the synthetic demonstration dataset (``create_app(..., demo_layers=True)``)."""
    return bool(getattr(request.app.state, "demo_layers", False))


DemoLayersDep = Annotated[bool, Depends(demo_layers)]


@router.get("/zones", responses=CSV_OR_JSON)
@cached("zones")
def zone_layer(
    session: SessionDep,
    demo: DemoLayersDep,
    lang: LanguageDep,
    level: Literal["global", "region", "country"] = "country",
    layer: LayerName = "soc_t0",
    year: int | None = Query(
        None, ge=1900, le=2100, description="default: the start year for soc_t0, else the last year"
    ),
    format: Format = "json",
):
    """One layer for every zone of a level (the map): mean with SD and 95 % interval, total, with units,
    from the real dataset (or, with demo layers, the synthetic one); 404 naming the missing layer when none."""
    answer = zone_summaries.zone_layer(session, demo, level, layer, year)
    if format == "csv":
        return _csv(answer["items"], f"monitoring_{level}_{layer}_{answer['year']}.csv")
    return i18n.localized(answer, lang)


@router.get("/global", responses=CSV_OR_JSON)
@cached("zones")
def global_summary(session: SessionDep, demo: DemoLayersDep, lang: LanguageDep, format: Format = "json"):
    """The world and its five regions; without a zone dataset, ``dataset`` null and the ``missing`` layers
    (the measured stocks are at ``/monitoring/measured``)."""
    if format == "csv":
        zone_summaries.global_summary(session, demo)  # not found without the world's statistics
        return _csv(zone_summaries.zone_rows(session, demo, "global", "WLD"), "monitoring_world.csv")
    return i18n.localized(zone_summaries.global_summary(session, demo), lang)


@router.get("/measured", responses=CSV_OR_JSON)
@cached("measured")
def measured_by_country(session: SessionDep, user: UserDep, lang: LanguageDep, format: Format = "json"):
    """Measured 0–30 cm stocks by country, live from the observations the caller may read: per country the
    sites with a stock, the mean of each site's latest stock and its 95 % interval (Student t over sites;
    one site: its own measurement SD), and the year of the latest measurement."""
    answer = measured.by_country(session, user)
    if format == "csv":
        return _csv(answer["items"], "monitoring_measured.csv")
    return i18n.localized(answer, lang)


@router.get("/sites.geojson", responses=GEOJSON)
@cached("measured")
def measured_sites(session: SessionDep, user: UserDep, lang: LanguageDep):
    """The sites the caller may read that have a measured stock, as points with their latest 0–30 cm stock
    (t C/ha, SD; ``converted`` from a shallower measurement, e.g. Rothamsted 0–23 cm, its depth and stock
    kept) and the conversion method."""
    body = json.dumps(i18n.localized(sites_map.sites_geojson(session, user), lang), separators=(",", ":"))
    return Response(body, media_type="application/geo+json")


@router.get("/regions/{name}", responses=CSV_OR_JSON)
@cached("zones")
def region(name: str, session: SessionDep, demo: DemoLayersDep, lang: LanguageDep, format: Format = "json"):
    """One of the Initiative's five regions: its fans, and its countries' T0 stock and potential."""
    answer = zone_summaries.region_summary(session, demo, name)
    if format == "csv":
        return _csv(zone_summaries.zone_rows(session, demo, "region", name), f"monitoring_{name}.csv")
    return i18n.localized(answer, lang)


@router.get("/countries/{iso3}", responses=CSV_OR_JSON)
@cached("country")
def country(
    iso3: str,
    session: SessionDep,
    user: UserDep,
    demo: DemoLayersDep,
    lang: LanguageDep,
    format: Format = "json",
    table: Literal["statistics", "observations", "sites", "tier1"] = "statistics",
):
    """A country: stock and potential under each scenario (fans) from the zone dataset if one is shown,
    measured stocks over time (live from the observations), its sites, its approximate IPCC climate zones
    and their IPCC Tier 1 reference stocks (real bundled layers), the ``missing`` real layers, caveats,
    sources in the reader's language, and sentences in en/fr/es. ``format=csv`` exports ``table``."""
    iso3 = iso3.upper()
    if format == "csv":
        rows = monitoring_country.country_table(session, user, iso3, table, demo=demo)
        return _csv(rows, f"monitoring_{iso3}_{table}.csv")
    return i18n.localized(monitoring_country.country(session, user, iso3, demo=demo), lang)


@router.get("/sites/{site_id}", responses=CSV_OR_JSON)
@cached("site")
def site(
    site_id: Annotated[int, Path(ge=1, le=MAX_INTEGER)],
    session: SessionDep,
    user: UserDep,
    request: Request,
    lang: LanguageDep,
    format: Format = "json",
):
    """A site: observations by depth and date, measured 0–30 cm stocks, a RothC nowcast with its
    uncertainty band, the practices timeline of projects within 25 km, and the mapped 0–30 cm stock of its
    pixel (``mapped``; "no mapped layer" when the layer is absent) compared with its latest stock; its
    sentences in the request's language."""
    if format == "csv":
        _record, _rows, by_depth = monitoring_site.observations_by_depth(session, user, site_id)
        return _csv(by_depth, f"site_{site_id}_observations.csv")
    run = request.app.state.toolkit.call  # the nowcast: a worker
    return monitoring_site.site(session, user, site_id, run=run, lang=lang)


@router.get("/boundaries.geojson", responses=GEOJSON)
@cached("boundaries")
def boundaries():
    """Country boundaries (Natural Earth 1:50m, simplified) with ``name``, ``iso3`` and ``region``."""
    return Response(monitoring_boundaries.boundaries_geojson(), media_type="application/geo+json")


@router.get("/zones.geojson", responses=GEOJSON)
@cached("zones")
def zone_layer_geojson(
    session: SessionDep,
    demo: DemoLayersDep,
    lang: LanguageDep,
    layer: LayerName = "soc_t0",
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
):
    """The country map of one layer as GeoJSON: the boundaries with the layer's statistics as properties."""
    answer = i18n.localized(zone_summaries.zone_layer(session, demo, "country", layer, year), lang)
    headers = {"Content-Disposition": f'attachment; filename="monitoring_{layer}.geojson"'}
    body = monitoring_boundaries.zone_layer_geojson(answer)
    return Response(body, media_type="application/geo+json", headers=headers)
