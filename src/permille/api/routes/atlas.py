"""The real default atlas (:mod:`permille.grid.atlas_maps`): zone summaries (stock, 4‰ target, IPCC Tier 1,
carbon debt, GSOCseq potential, each with sources and caveats), pixel layers rendered as PNG image overlays
with their legends, the values of every layer at a point, and the statistics of an area of interest
(drawn or uploaded GeoJSON) as JSON, CSV or GeoJSON. Public: derived from published layers. Never
synthetic."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ... import i18n
from ...io.csv_safe import write_csv
from ..deps import LanguageDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/atlas", tags=["atlas"], responses=ERROR_RESPONSES)

LayerName = Annotated[
    str, Path(pattern=r"^[a-z0-9_]{1,40}$", description="a map layer (GET /api/atlas/layers)")
]


def _maps():
    from ...grid import atlas_maps  # heavy (rasterio, xarray): on first use

    return atlas_maps


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise ApiError(
            422, i18n.Text("bbox: {text}; expected west,south,east,north in degrees", text=repr(text))
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        message = "bbox: {text}; expected −180 ≤ west < east ≤ 180 and −90 ≤ south < north ≤ 90"
        raise ApiError(422, i18n.Text(message, text=repr(text)))
    return west, south, east, north


def _in_language(texts: dict[str, str], lang: str) -> dict[str, str]:
    """The atlas's source lines or caveats (catalogue messages, :data:`permille.grid.real_atlas.SOURCES`
    and ``CAVEATS``) in ``lang``; a text the catalogue lacks (an atlas built by another version) as it is."""
    return {key: i18n.render(text, lang) for key, text in texts.items()}


@router.get("/summary/{zone}", summary="A zone's SOC figures with sources (WLD, a region or an ISO3 code)")
def zone_summary(zone: Annotated[str, Path(min_length=2, max_length=60)], lang: LanguageDep) -> dict:
    """Stock mean and total (0–30, 0–100 cm, by cover, 95 % intervals), the 4‰ target, the IPCC Tier 1
    estimate beside the mapped stock, the carbon debt and the GSOCseq potential per scenario; sources and
    caveats in the reader's language."""
    key = zone.upper() if len(zone) == 3 else zone
    answer = _maps().zone_summary(key)
    if answer is None:
        message = "zone {zone}: no such country (ISO3), region or WLD in the atlas"
        raise ApiError(404, i18n.Text(message, zone=repr(zone)))
    return answer | {
        "sources": _in_language(answer["sources"], lang),
        "caveats": _in_language(answer["caveats"], lang),
    }


@router.get("/layers", summary="The map layers with their legends, units and sources")
def map_layers(lang: LanguageDep) -> dict:
    maps = _maps()
    items = [maps.legend(name) for name in maps.LAYERS]
    return {"items": i18n.localized(items, lang), "dataset": maps.metadata()["dataset"]}


@router.get("/layers/{name}.png", summary="A map layer as a PNG image overlay", response_class=Response)
async def layer_png(
    name: LayerName,
    bbox: Annotated[str | None, Query(description="west,south,east,north (default: the globe)")] = None,
    width: Annotated[int, Query(ge=64, le=2880, description="maximum image width, pixels")] = 1440,
) -> Response:
    maps = _maps()
    if name not in maps.LAYERS:
        message = i18n.Text(
            "map layer {name}: expected one of {layers}", name=repr(name), layers=", ".join(maps.LAYERS)
        )
        raise ApiError(404, message)
    png, bounds = await run_in_threadpool(maps.render_png, name, _bbox(bbox), width)
    headers = {"X-Bounds": ",".join(f"{v:.6f}" for v in bounds), "Cache-Control": "public, max-age=3600"}
    return Response(png, media_type="image/png", headers=headers)


@router.get("/point", summary="The value of every map layer at a point, with sources")
async def point_values(
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    lang: LanguageDep,
) -> dict:
    maps = _maps()
    return i18n.localized(await run_in_threadpool(maps.point, lat, lon), lang)


@router.get(
    "/validation",
    summary="Mapped stock vs the IPCC Tier 1 estimate by zone",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def validation(format: Literal["json", "csv"] = "json"):
    table = _maps().validation_table()
    rows = json.loads(table.to_json(orient="records"))
    if format == "csv":
        return Response(write_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="atlas_validation.csv"'})  # fmt: skip
    return {"items": rows}


@router.post("/area", summary="Statistics of an area of interest (GeoJSON polygon)")
async def area_of_interest(
    geojson: Annotated[
        dict, Body(description="GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection, lon/lat")
    ],
    lang: LanguageDep,
    format: Literal["json", "csv", "geojson"] = "json",
    name: Annotated[str, Query(min_length=1, max_length=60)] = "area",
):
    """The same figures as a country's for the area (cell-centre rule on the 5′ grid); at most 5000 vertices
    and 5 000 000 km²."""
    maps = _maps()
    try:
        table, area = await run_in_threadpool(maps.area_statistics, geojson, name)
    except maps.AreaError as error:
        raise ApiError(422, error.message, details=[{"field": error.field}]) from None
    rows = json.loads(table.to_json(orient="records"))
    meta = maps.metadata()
    if format == "csv":
        return Response(write_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="area_statistics.csv"'})  # fmt: skip
    import shapely.geometry

    if format == "geojson":
        feature = {"type": "Feature", "geometry": shapely.geometry.mapping(area),
                   "properties": {"name": name, "dataset": meta["dataset"], "statistics": rows,
                                  "sources": meta["sources"]}}  # fmt: skip
        return Response(json.dumps(feature), media_type="application/geo+json",
                        headers={"Content-Disposition": 'attachment; filename="area_statistics.geojson"'})  # fmt: skip
    return {
        "name": name, "level": "area", "dataset": meta["dataset"], "synthetic": False,
        "figures": maps.structure(table), "sources": _in_language(meta["sources"], lang),
        "caveats": _in_language(meta["caveats"], lang),
    }  # fmt: skip
