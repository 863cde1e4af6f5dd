"""Pixel maps, point values, zone summaries and areas of interest of the real default atlas
(:mod:`permille.grid.real_atlas`), for the API: PNG image overlays rendered from the arrays (no external
tiles) with their legends, the values of every layer at a point, the statistics of a drawn or uploaded
polygon, and the precomputed summary of a zone.

Units as in :mod:`permille.grid.real_atlas`: stocks, debt and potential in t C/ha, SD in t C/ha, clay in %.
"""

import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely
from PIL import Image
from rasterio.features import rasterize
from shapely.geometry import shape

from .. import i18n
from . import layer_files, real_atlas, real_layers

MAX_VERTICES = 5000
MAX_AREA_KM2 = 5_000_000.0
MAX_PNG_WIDTH = 1440
MERCATOR_LAT = 85.0
GEOD = pyproj.Geod(ellps="WGS84")


class AreaError(ValueError):
    """A bad area of interest: ``field`` (as the user sees it) and the problem (a catalogue
    :class:`~permille.i18n.Text`); ``message`` is both, rendered in the reader's language later."""

    def __init__(self, field: str, problem: i18n.Text):
        self.field = field
        self.message = i18n.Text("{field}: {problem}", field=field, problem=problem)
        super().__init__(self.message)


@dataclass(frozen=True)
class MapLayer:
    """A map layer: title, units, source key of :data:`permille.grid.real_atlas.SOURCES` (or a layer id),
    colour stops (value, hex) or classes {code: (label, hex)}."""

    title: str
    units: str
    source: str
    stops: tuple[tuple[float, str], ...] = ()
    classes: tuple[tuple[int, str, str], ...] = ()


_STOCK = ((0, "#fff7bc"), (30, "#fec44f"), (60, "#d95f0e"), (100, "#8c2d04"), (200, "#3f1d0b"))
_DEEP = ((0, "#fff7bc"), (80, "#fec44f"), (160, "#d95f0e"), (300, "#8c2d04"), (600, "#3f1d0b"))
_POTENTIAL = ((0, "#f7fcf5"), (1, "#c7e9c0"), (3, "#74c476"), (6, "#238b45"), (10, "#00441b"))
_DEBT = ((-10, "#2166ac"), (0, "#f7f7f7"), (10, "#f4a582"), (30, "#b2182b"), (60, "#67001f"))
_SD = ((0, "#f2f0f7"), (20, "#cbc9e2"), (40, "#9e9ac8"), (70, "#756bb1"), (120, "#54278f"))
_CLAY = ((0, "#ffffcc"), (15, "#c2e699"), (30, "#78c679"), (45, "#31a354"), (65, "#006837"))

COVER_CLASSES = (
    (0, "cropland", "#e6ab02"),
    (1, "grassland", "#a6d854"),
    (2, "forest", "#1b7837"),
    (3, "other", "#bdbdbd"),
)
SOIL_COLOURS = {"HAC": "#a6761d", "LAC": "#e7298a", "sandy": "#fee08b", "spodic": "#7570b3", "volcanic": "#333333",
                "wetland": "#1f78b4", "organic": "#01665e"}  # fmt: skip
ZONE_COLOURS = ("#006837", "#31a354", "#d9ef8b", "#8c510a", "#1a9850", "#fee08b", "#4575b4", "#abd9e9",
                "#313695", "#74add1", "#bababa", "#e0e0e0")  # fmt: skip

LAYERS = {
    "stock_0_30": MapLayer("SOC stock 0–30 cm, 2010", "t C ha-1", "stock", _STOCK),
    "stock_0_100": MapLayer("SOC stock 0–100 cm, 2010", "t C ha-1", "stock", _DEEP),
    "uncertainty_0_30": MapLayer("SD of the SOC stock 0–30 cm", "t C ha-1", "stock", _SD),
    "debt_0_30": MapLayer("Carbon debt 0–30 cm (no land use − 2010)", "t C ha-1", "debt", _DEBT),
    **{
        f"potential_{s}": MapLayer(f"GSOCseq potential, +{s} % input: SSM − BAU after 20 years", "t C ha-1",
                                   "potential", _POTENTIAL)
        for s in real_atlas.SCENARIOS
    },
    "land_cover": MapLayer("Land cover 2019 (MODIS IGBP, grouped)", "class", layer_files.LAND_COVER, classes=COVER_CLASSES),
    "soil_class": MapLayer("IPCC soil class (Zobler FAO-74)", "class", layer_files.SOIL_CLASS,
                           classes=tuple((c, n, SOIL_COLOURS[n]) for c, n in layer_files.soil_classes().items())),
    "climate_zone": MapLayer("IPCC climate zone (ERA5 2000–2025)", "class", layer_files.CLIMATE_ZONE,
                             classes=tuple((c, n, ZONE_COLOURS[c - 1]) for c, n in layer_files.climate_zones().items())),
    "clay": MapLayer("Topsoil clay (GLDAS, glaciers masked)", "%", layer_files.CLAY, _CLAY),
}  # fmt: skip


def source_line(key: str) -> str:
    return real_atlas.SOURCES[key] if key in real_atlas.SOURCES else layer_files.source_line(key)


def legend(name: str) -> dict:
    layer = LAYERS[name]
    return {
        "name": name, "title": layer.title, "units": layer.units, "source": source_line(layer.source),
        "stops": [{"value": v, "colour": c} for v, c in layer.stops],
        "classes": [{"code": c, "label": n, "colour": h} for c, n, h in layer.classes],
    }  # fmt: skip


@cache
def potential() -> "real_atlas.xr.Dataset":
    return real_atlas.read_potential(Path(str(_folder() / real_atlas.POTENTIAL_FILE)))


def _folder() -> Path:
    from ..registry.real_atlas import folder

    return folder()


def _potential_on_fine(name: str, rows: slice, cols: slice) -> np.ndarray:
    fine = real_layers.fine_layers()
    pot = potential()
    lat, lon = real_layers.centres(fine.transform, fine.shape)
    res = float(pot["y"][0] - pot["y"][1])
    prow = np.clip(((90.0 - lat[rows]) / res).astype(int), 0, pot.sizes["y"] - 1)
    pcol = np.clip(((lon[cols] + 180.0) / res).astype(int), 0, pot.sizes["x"] - 1)
    return pot[name].values[prow[:, None], pcol[None, :]]


def layer_values(name: str, rows: slice, cols: slice) -> np.ndarray:
    """The values of map layer ``name`` on a window of the fine grid (NaN / −1 where none)."""
    fine = real_layers.fine_layers()
    if name == "stock_0_30":
        return fine.stocks["soc_0_30_2010"][rows, cols]
    if name == "stock_0_100":
        return fine.stocks["soc_0_100_2010"][rows, cols]
    if name == "uncertainty_0_30":
        return fine.sd_0_30[rows, cols]
    if name == "debt_0_30":
        return fine.stocks["soc_0_30_nolu"][rows, cols] - fine.stocks["soc_0_30_2010"][rows, cols]
    if name.startswith("potential_"):
        values = _potential_on_fine(f"diff_ssm_{name.removeprefix('potential_')}", rows, cols)
        return np.where(np.isfinite(fine.stocks["soc_0_30_2010"][rows, cols]), values, np.nan)
    if name == "land_cover":
        return real_layers.cover_groups(fine.igbp[rows, cols]).astype(float)
    if name == "soil_class":
        return fine.soil_class[rows, cols].astype(float)
    if name == "climate_zone":
        return fine.climate_zone[rows, cols].astype(float)
    if name == "clay":
        return fine.clay[rows, cols]
    raise KeyError(name)


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def colourise(name: str, values: np.ndarray) -> np.ndarray:
    """(y, x, 4) RGBA uint8 of a layer's values (transparent where there is none)."""
    layer = LAYERS[name]
    rgba = np.zeros((*values.shape, 4), dtype=np.uint8)
    if layer.classes:
        for code, _label, colour in layer.classes:
            rgba[values == code] = (*_hex(colour), 220)
        return rgba
    stops = np.array([v for v, _ in layer.stops], dtype=float)
    colours = np.array([_hex(c) for _, c in layer.stops], dtype=float)
    ok = np.isfinite(values)
    clipped = np.clip(np.where(ok, values, stops[0]), stops[0], stops[-1])
    for channel in range(3):
        rgba[..., channel] = np.interp(clipped, stops, colours[:, channel]).astype(np.uint8)
    rgba[..., 3] = np.where(ok, 220, 0)
    return rgba


def window(
    bbox: tuple[float, float, float, float] | None,
) -> tuple[slice, slice, tuple[float, float, float, float]]:
    """Rows and cols of the fine grid covering ``bbox`` (west, south, east, north), and their exact bounds."""
    fine = real_layers.fine_layers()
    t = fine.transform
    ny, nx = fine.shape
    if bbox is None:
        return slice(0, ny), slice(0, nx), (t.c, t.f + t.e * ny, t.c + t.a * nx, t.f)
    west, south, east, north = bbox
    r0 = int(np.clip(np.floor((north - t.f) / t.e), 0, ny - 1))
    r1 = int(np.clip(np.ceil((south - t.f) / t.e), r0 + 1, ny))
    c0 = int(np.clip(np.floor((west - t.c) / t.a), 0, nx - 1))
    c1 = int(np.clip(np.ceil((east - t.c) / t.a), c0 + 1, nx))
    return slice(r0, r1), slice(c0, c1), (t.c + t.a * c0, t.f + t.e * r1, t.c + t.a * c1, t.f + t.e * r0)


def render_png(
    name: str, bbox=None, max_width: int = MAX_PNG_WIDTH
) -> tuple[bytes, tuple[float, float, float, float]]:
    """A PNG of layer ``name`` over ``bbox`` (default: the globe) for a Web Mercator map (Leaflet's): columns
    every k-th fine cell (at most ``max_width``), rows spaced evenly in Mercator y (each takes the fine row
    holding its latitude), latitudes clipped to ±85°; and the image's bounds (west, south, east, north)."""
    rows, cols, (west, south, east, north) = window(bbox)
    south, north = max(south, -MERCATOR_LAT), min(north, MERCATOR_LAT)
    step = max(1, int(np.ceil((cols.stop - cols.start) / max_width)))
    fine = real_layers.fine_layers()
    values = layer_values(name, rows, cols)[:, ::step]
    width = values.shape[1]
    top, bottom = _mercator_y(north), _mercator_y(south)
    height = max(1, round(width * (top - bottom) / np.radians(east - west)))
    y = top + (bottom - top) * (np.arange(height) + 0.5) / height
    lat = np.degrees(np.arctan(np.sinh(y)))
    row = np.clip(
        np.floor((fine.transform.f - lat) / abs(fine.transform.e)).astype(int), rows.start, rows.stop - 1
    )
    image = Image.fromarray(colourise(name, values[row - rows.start]), mode="RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue(), (west, south, east, north)


def _mercator_y(lat: float) -> float:
    return float(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


def point(lat: float, lon: float) -> dict:
    """The value of every map layer in the fine cell holding (lat, lon), with units and sources; None values
    over the sea."""
    if not (-90 <= lat <= 90):
        raise AreaError("lat", i18n.Text("{value} is outside −90 … 90", value=repr(lat)))
    if not (-180 <= lon <= 180):
        raise AreaError("lon", i18n.Text("{value} is outside −180 … 180", value=repr(lon)))
    fine = real_layers.fine_layers()
    rows, cols, bounds = window((lon, lat, lon, lat))
    rows, cols = slice(rows.start, rows.start + 1), slice(cols.start, cols.start + 1)
    out = []
    for name, layer in LAYERS.items():
        value = float(layer_values(name, rows, cols)[0, 0])
        label = None
        if layer.classes:
            label = next((n for c, n, _ in layer.classes if c == value), None)
            value = None if label is None else int(value)
        elif not np.isfinite(value):
            value = None
        out.append({"layer": name, "title": layer.title, "value": value, "label": label, "units": layer.units,
                    "source": source_line(layer.source)})  # fmt: skip
    sd100 = float(fine.sd_0_100[rows, cols][0, 0])
    out.insert(3, {"layer": "uncertainty_0_100", "title": "SD of the SOC stock 0–100 cm", "units": "t C ha-1",
                   "value": sd100 if np.isfinite(sd100) else None, "label": None, "source": source_line("stock")})  # fmt: skip
    t = fine.transform
    return {"lat": lat, "lon": lon, "cell": {"west": bounds[0], "south": bounds[1], "east": bounds[2],
            "north": bounds[3], "size_deg": abs(t.a)}, "values": out}  # fmt: skip


# --- areas of interest -------------------------------------------------------------------------------


def parse_area(geojson: dict) -> shapely.Geometry:
    """The polygon of an uploaded or drawn area: a GeoJSON Polygon or MultiPolygon geometry, Feature or
    FeatureCollection of them, lon/lat (EPSG:4326); at most :data:`MAX_VERTICES` vertices and
    :data:`MAX_AREA_KM2`. ``AreaError`` names the field."""
    if not isinstance(geojson, dict) or "type" not in geojson:
        raise AreaError("geojson", i18n.Text("expected a GeoJSON object with a 'type'"))
    kind = geojson["type"]
    if kind == "FeatureCollection":
        features = geojson.get("features") or []
        if not features:
            raise AreaError("features", i18n.Text("the FeatureCollection holds no feature"))
        geometries = [f.get("geometry") for f in features]
    elif kind == "Feature":
        geometries = [geojson.get("geometry")]
    else:
        geometries = [geojson]
    parts = []
    for i, g in enumerate(geometries):
        if not isinstance(g, dict) or g.get("type") not in ("Polygon", "MultiPolygon"):
            raise AreaError(
                f"geometry {i + 1}",
                i18n.Text("expected a Polygon or MultiPolygon, got {kind}", kind=repr((g or {}).get("type"))),
            )
        try:
            geometry = shape(g)
        except (ValueError, TypeError, IndexError, AttributeError) as error:
            raise AreaError(
                f"geometry {i + 1}", i18n.Text("invalid coordinates ({error})", error=str(error))
            ) from None
        parts.append(geometry)
    area = shapely.union_all(parts) if len(parts) > 1 else parts[0]
    vertices = shapely.get_num_coordinates(area)
    if vertices > MAX_VERTICES:
        raise AreaError(
            "geometry",
            i18n.Text(
                "{count} vertices; at most {most} (simplify the polygon)", count=vertices, most=MAX_VERTICES
            ),
        )
    west, south, east, north = area.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise AreaError(
            "coordinates",
            i18n.Text("outside −180 … 180 longitude / −90 … 90 latitude (lon, lat order, EPSG:4326)"),
        )
    if not area.is_valid:
        area = shapely.make_valid(area)
    km2 = abs(GEOD.geometry_area_perimeter(area)[0]) / 1e6
    if km2 > MAX_AREA_KM2:
        raise AreaError(
            "geometry",
            i18n.Text(
                "{area} km²; at most {most} km²", area=i18n.Number(km2, 0), most=i18n.Number(MAX_AREA_KM2, 0)
            ),
        )
    if km2 <= 0:
        raise AreaError("geometry", i18n.Text("the polygon has no area"))
    return area


def area_statistics(geojson: dict, name: str = "area") -> tuple[pd.DataFrame, shapely.Geometry]:
    """The :data:`permille.grid.real_atlas.COLUMNS` rows of an area of interest (cell-centre rule on the 5′
    grid; ``AreaError`` when no cell centre lies inside)."""
    area = parse_area(geojson)
    rows, cols, _ = window(area.bounds)
    fine = real_layers.fine_layers()
    t = fine.transform
    from affine import Affine

    sub = Affine(t.a, 0, t.c + t.a * cols.start, 0, t.e, t.f + t.e * rows.start)
    ids = rasterize([(area, 1)], out_shape=(rows.stop - rows.start, cols.stop - cols.start), transform=sub,
                    dtype="int32")  # fmt: skip
    if not ids.any():
        raise AreaError(
            "geometry",
            i18n.Text("smaller than the 5′ (≈ 9 km) cells: no cell centre lies inside; draw a larger area"),
        )
    table = real_atlas.summarise_window(
        real_atlas.Window(rows, cols, ids, [name]), "area", [name], [""], potential()
    )
    return table, area


# --- precomputed zone summaries ----------------------------------------------------------------------


@cache
def summary_table() -> pd.DataFrame:
    return pd.read_csv(_folder() / real_atlas.SUMMARY_FILE, keep_default_na=False, na_values=[""],
                       dtype={"region": str, "depth_cm": str})  # fmt: skip


@cache
def metadata() -> dict:
    return json.loads((_folder() / real_atlas.METADATA_FILE).read_text(encoding="utf-8"))


def _num(value):
    return None if value is None or (isinstance(value, float) and not np.isfinite(value)) else float(value)


def structure(rows: pd.DataFrame) -> dict:
    """A zone's rows as {quantity: {cover: {depth: {estimate, sd, low, high, units, area_ha, covered_fraction}}}}."""
    out: dict = {}
    for r in rows.itertuples(index=False):
        out.setdefault(r.quantity, {}).setdefault(r.cover, {})[r.depth_cm or "-"] = {
            "estimate": _num(r.estimate), "sd": _num(r.sd), "low": _num(r.low), "high": _num(r.high),
            "units": r.units, "area_ha": _num(r.area_ha), "covered_fraction": _num(r.covered_fraction),
        }  # fmt: skip
    return out


def zone_summary(zone: str) -> dict | None:
    """The precomputed figures of a zone (ISO3, region name or WLD) with sources and caveats; None if unknown."""
    table = summary_table()
    rows = table[table["zone"] == zone]
    if rows.empty:
        return None
    first = rows.iloc[0]
    meta = metadata()
    return {
        "level": first["level"], "zone": zone, "name": first["name"], "region": first["region"],
        "dataset": meta["dataset"], "synthetic": False, "figures": structure(rows),
        "sources": meta["sources"], "caveats": meta["caveats"], "parameters": meta["parameters"],
        "bbox": _zone_bbox(zone),
    }  # fmt: skip


def _zone_bbox(zone: str) -> list[float] | None:
    """The bounds (west, south, east, north) of a country's largest polygon (metropolitan France, not
    its overseas regions) with a 5 % margin; None for a region or the world."""
    from . import zonal

    geojson, _ = zonal.builtin_zones("countries")
    parts = [
        part
        for f in geojson["features"]
        if f["properties"]["iso3"] == zone
        for part in shapely.get_parts(shape(f["geometry"]))
    ]
    if not parts:
        return None
    west, south, east, north = max(parts, key=lambda p: p.area).bounds
    dx, dy = 0.05 * (east - west), 0.05 * (north - south)
    return [max(west - dx, -180.0), max(south - dy, -90.0), min(east + dx, 180.0), min(north + dy, 90.0)]


def validation_table() -> pd.DataFrame:
    """Mapped stock vs the IPCC Tier 1 estimate (0–30 cm, all land with a Tier 1 estimate) by region and
    country: means over the same pixels, difference and relative difference, Tier 1 interval."""
    table = summary_table()
    sel = table[(table["cover"] == "all") & table["quantity"].isin(["tier1_mean", "mapped_on_tier1_mean"])]
    wide = sel.pivot_table(
        index=["level", "zone", "name"], columns="quantity", values="estimate"
    ).reset_index()
    lows = sel[sel["quantity"] == "tier1_mean"].set_index("zone")[["low", "high", "area_ha"]]
    wide = wide.join(lows, on="zone")
    wide["difference"] = wide["mapped_on_tier1_mean"] - wide["tier1_mean"]
    wide["relative_difference_pct"] = 100 * wide["difference"] / wide["tier1_mean"]
    wide["within_tier1_interval"] = (wide["mapped_on_tier1_mean"] >= wide["low"]) & (
        wide["mapped_on_tier1_mean"] <= wide["high"]
    )
    order = {"global": 0, "region": 1, "country": 2}
    return wide.sort_values(
        ["level", "zone"], key=lambda s: s.map(order) if s.name == "level" else s
    ).reset_index(drop=True)
