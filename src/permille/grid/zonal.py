"""Zonal statistics of soil carbon maps: cell areas, zones rasterized from polygons, and per-zone area,
total stock (Mt C) and area-weighted mean (t C/ha) with their uncertainty.

Units: stocks per area in t C/ha (= Mg C/ha), areas in ha, totals in Mt C (10⁶ t C = 1 Tg C).

Cell areas on geographic grids are those of the WGS84 authalic sphere (radius 6 371 007.181 m, the sphere
with the area of the WGS84 ellipsoid): A = R² Δλ (sin φ₂ − sin φ₁) (Δλ in radians, φ₁, φ₂ the latitudes of
the cell's edges: the area of a spherical zone; Snyder 1987, Map Projections — A Working Manual, USGS
Professional Paper 1395). The globe sums to the ellipsoid's area exactly; one cell differs from its
ellipsoidal area by +0.45 % at the equator to −0.9 % near the poles.

The uncertainty of a total follows from the per-cell standard deviations (SD) under one of two stated
assumptions about their correlation: independent cells, SD(total) = √Σ(sd·area)², or fully correlated
cells, SD(total) = Σ sd·area (the upper bound for positively correlated errors; map errors are spatially
autocorrelated, so the truth lies between the two). 95 % intervals are normal: estimate ± 1.96 SD.
"""

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Literal

import dask
import numpy as np
import pandas as pd
import pyproj
import shapely
import xarray as xr
from rasterio.features import rasterize
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .io import align, grid_transform

EARTH_AUTHALIC_RADIUS_M = 6_371_007.181
"""Radius of the sphere with the area of the WGS84 ellipsoid, m (within 0.1 mm of GRS80's R₂ = 6 371 007.1810
m; Moritz 1980, Geodetic Reference System 1980, Bulletin Géodésique 54)."""

M2_PER_HA = 1e4
T_PER_MT = 1e6
Z_95 = 1.959963984540054
"""Two-sided 95 % quantile of the standard normal distribution."""

CORRELATIONS = ("independent", "full")

COLUMNS = {
    "zone_id": "zone id in the zone raster (1…n)",
    "n_cells": "cells whose centre lies in the zone",
    "n_valid": "cells of the zone with a value (and an SD when given)",
    "zone_area_ha": "area of all the zone's cells, ha",
    "area_ha": "area of the zone's valid cells, ha",
    "covered_fraction": "area_ha / zone_area_ha, 0–1",
    "total_mt_c": "total stock Σ value × area / 10⁶ over valid cells, Mt C",
    "mean_t_c_ha": "area-weighted mean stock, t C/ha",
    "sd_total_mt_c": "standard deviation of the total under the stated correlation, Mt C",
    "total_low_mt_c": "lower bound of the 95 % interval of the total, Mt C",
    "total_high_mt_c": "upper bound of the 95 % interval of the total, Mt C",
    "sd_mean_t_c_ha": "standard deviation of the area-weighted mean, t C/ha",
    "mean_low_t_c_ha": "lower bound of the 95 % interval of the mean, t C/ha",
    "mean_high_t_c_ha": "upper bound of the 95 % interval of the mean, t C/ha",
}
"""The columns of ``zonal_stats`` tables, with units; the last six only with an SD layer. Zones with no
valid cell have NaN totals and means."""


def cell_area_ha(da_or_coords: xr.DataArray | xr.Dataset) -> xr.DataArray:
    """Area of each cell of a regular grid, ha, as a ``(y, x)`` array on the grid's coordinates.

    The grid is that of ``da_or_coords`` (its CRS, affine transform and x/y coordinates, via rioxarray).
    Geographic grids in degrees: cells of the WGS84 authalic sphere (see the module docstring). Projected
    grids: the map-plane area |dx·dy| / 10⁴, with the CRS's linear unit converted to metres; it is the
    ground area on equal-area projections (e.g. EPSG:6933, EPSG:3035) only. Any other CRS, a missing one
    or a rotated grid raises ``ValueError``. The values are a read-only broadcast view (one number per row),
    so that a global grid costs no memory per cell.
    """
    transform = grid_transform(da_or_coords)
    if transform.b or transform.d:
        raise ValueError("cell areas need a north-up grid; this grid's transform is rotated")
    crs = _crs(da_or_coords)
    units = {axis.unit_name for axis in crs.axis_info[:2]}
    ny, nx = da_or_coords.rio.shape
    if crs.is_geographic and units == {"degree"}:
        lat_edges = np.clip(transform.f + transform.e * np.arange(ny + 1), -90.0, 90.0)
        band = np.abs(np.diff(np.sin(np.radians(lat_edges))))
        areas = EARTH_AUTHALIC_RADIUS_M**2 * np.radians(abs(transform.a)) * band / M2_PER_HA
        values = np.broadcast_to(areas[:, None], (ny, nx))
    elif crs.is_projected and len(units) == 1 and "unknown" not in units:
        metres = crs.axis_info[0].unit_conversion_factor
        values = np.broadcast_to(abs(transform.a * transform.e) * metres**2 / M2_PER_HA, (ny, nx))
    else:
        raise ValueError(
            f"cell areas need a geographic CRS in degrees or a projected one; got {crs.name!r} "
            f"with units {sorted(units)}"
        )
    x_dim, y_dim = da_or_coords.rio.x_dim, da_or_coords.rio.y_dim
    area = xr.DataArray(
        values,
        dims=(y_dim, x_dim),
        coords={y_dim: da_or_coords[y_dim], x_dim: da_or_coords[x_dim]},
        name="cell_area",
        attrs={"units": "ha", "long_name": "cell area"},
    )
    return area.rio.write_crs(da_or_coords.rio.crs)


#: Natural Earth 1:50m countries with their ISO codes and the Initiative's region (see PROVENANCE.md).
BOUNDARIES = files("permille") / "data" / "boundaries" / "countries_50m.geojson"
BUILTIN_ZONES = {"countries": "name", "regions": "region"}


@cache
def _boundaries() -> dict:
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))


def builtin_zones(kind: str) -> tuple[dict, str]:
    """The bundled zones as (GeoJSON FeatureCollection in EPSG:4326, name property) for
    :func:`rasterize_zones`: ``"countries"`` (238 countries and territories) or ``"regions"`` (the
    Initiative's five regions, each the union of its countries)."""
    if kind not in BUILTIN_ZONES:
        raise ValueError(f"unknown zones {kind!r}; bundled: {', '.join(BUILTIN_ZONES)} (or a GeoJSON file)")
    return _boundaries(), BUILTIN_ZONES[kind]


def rasterize_zones(
    zones: Mapping[str, BaseGeometry] | Mapping,
    like_da: xr.DataArray,
    *,
    name_property: str = "name",
    geometry_crs=None,
) -> xr.DataArray:
    """Zone ids on the grid of ``like_da``: 1…n for the n zones in order, 0 outside every zone.

    ``zones`` is either ``{name: shapely geometry}`` or a GeoJSON FeatureCollection whose features carry
    the zone's name in ``properties[name_property]`` (features sharing a name form one zone, e.g. a
    country's islands). Zones may be the Initiative's regions, countries, or any uploaded area.
    ``geometry_crs`` is the CRS of the geometries when it differs from the grid's (a GeoJSON file
    following RFC 7946 is in "EPSG:4326"); they are then reprojected onto it.

    Cell-centre rule (GDAL's default): a cell belongs to a zone when its centre lies inside the polygon,
    so a zone smaller than a cell may get no cell. Where zones overlap, the later zone wins. The names are
    kept in ``attrs["zone_names"]`` (id i is ``zone_names[i - 1]``).
    """
    geometries = _named_geometries(zones, name_property)
    if geometry_crs is not None:
        geometries = {
            name: _reproject(geom, geometry_crs, like_da.rio.crs) for name, geom in geometries.items()
        }
    shapes = [
        (geom, zone_id) for zone_id, geom in enumerate(geometries.values(), start=1) if not geom.is_empty
    ]
    ids = np.zeros(like_da.rio.shape, dtype=np.int32)
    if shapes:
        rasterize(shapes, out=ids, transform=grid_transform(like_da), all_touched=False)
    x_dim, y_dim = like_da.rio.x_dim, like_da.rio.y_dim
    raster = xr.DataArray(
        ids,
        dims=(y_dim, x_dim),
        coords={y_dim: like_da[y_dim], x_dim: like_da[x_dim]},
        name="zone",
        attrs={"long_name": "zone id (0: no zone)", "zone_names": list(geometries)},
    )
    return raster.rio.write_crs(like_da.rio.crs)


def zonal_stats(
    value_t_c_ha: xr.DataArray,
    zones: xr.DataArray,
    *,
    sd_t_c_ha: xr.DataArray | None = None,
    correlation: Literal["independent", "full"] = "independent",
) -> pd.DataFrame:
    """Per-zone area, total stock and area-weighted mean of a 2-D stock map (t C/ha), one row per zone.

    ``zones`` holds integer zone ids on the same grid (``GridMismatchError`` otherwise), ≤ 0 or NaN for
    no zone; with ``attrs["zone_names"]`` (as made by ``rasterize_zones``) the rows are every named zone,
    indexed by name, else the ids present. Valid cells are those with a finite value (and a finite SD when
    ``sd_t_c_ha``, the per-cell standard deviation in t C/ha, is given); the others are left out of every
    sum and ``covered_fraction`` reports the valid share of the zone's area. With an SD layer, the SD of
    the total and of the mean follow from ``correlation`` ("independent" or "full" cells; see the module
    docstring) with normal 95 % intervals. The columns and their units are in ``COLUMNS``; the correlation
    used is in ``attrs["correlation"]``. Dask-backed inputs are reduced in one pass, chunk by chunk.
    """
    if correlation not in CORRELATIONS:
        raise ValueError(f"unknown correlation {correlation!r}; expected one of {CORRELATIONS}")
    if value_t_c_ha.ndim != 2:
        raise ValueError(f"zonal statistics need a 2-D (y, x) map; got dims {value_t_c_ha.dims}")
    layers = {"value": value_t_c_ha, "zones": zones} | ({"sd": sd_t_c_ha} if sd_t_c_ha is not None else {})
    grid = align(layers)
    ids = grid["zones"].where(grid["zones"] > 0, 0).astype(np.int64)
    names = zones.attrs.get("zone_names")
    n_zones = len(names) if names is not None else int(ids.max())
    weights = _cell_weights(grid, ids, cell_area_ha(value_t_c_ha), correlation)
    sums = _sums_by_zone(ids, weights, n_zones + 1)
    if sums["n_cells"].size > n_zones + 1:
        raise ValueError(f"zone ids go up to {sums['n_cells'].size - 1} but zone_names has {n_zones} names")
    table = _table({key: total[1:] for key, total in sums.items()}, correlation if "sd" in grid else None)
    if names is not None:
        return table.set_index(pd.Index(list(names), name="zone"))
    present = table[table["n_cells"] > 0]
    return present.set_index(pd.Index(present["zone_id"], name="zone"))


def _cell_weights(grid: xr.Dataset, ids: xr.DataArray, area: xr.DataArray, correlation: str) -> dict:
    """Per-cell terms of the zone sums: cell counts, areas (ha), carbon (t C) and, with an ``sd`` layer,
    sd·area (fully correlated) or (sd·area)² (independent) in t C or t² C²; 0 on invalid cells."""
    valid = np.isfinite(grid["value"]) & (ids > 0)
    if "sd" in grid:
        valid &= np.isfinite(grid["sd"])
    weights = {
        "n_cells": xr.ones_like(area),
        "n_valid": valid.astype(float),
        "zone_area_ha": area,
        "area_ha": area.where(valid, 0.0),
        "total_t_c": (grid["value"] * area).where(valid, 0.0),
    }
    if "sd" in grid:
        sd_t = grid["sd"] * area
        weights["sd_t_c"] = (sd_t if correlation == "full" else sd_t**2).where(valid, 0.0)
    return weights


def to_records(table: pd.DataFrame) -> list[dict]:
    """A ``zonal_stats`` table as JSON-ready records: one dict per zone (``zone`` first), Python scalars,
    NaN as None."""
    records = table.reset_index().to_dict(orient="records")
    return [{key: None if _is_nan(value) else value for key, value in record.items()} for record in records]


def _table(sums: dict[str, np.ndarray], correlation: str | None) -> pd.DataFrame:
    """The ``COLUMNS`` from per-zone sums (index 0 = zone 1) of cells, areas, t C and SD terms."""
    area = sums["area_ha"]
    total_t = np.where(area > 0, sums["total_t_c"], np.nan)
    table = pd.DataFrame(
        {
            "zone_id": np.arange(1, area.size + 1),
            "n_cells": sums["n_cells"].astype(np.int64),
            "n_valid": sums["n_valid"].astype(np.int64),
            "zone_area_ha": sums["zone_area_ha"],
            "area_ha": area,
            "covered_fraction": _ratio(area, sums["zone_area_ha"]),
            "total_mt_c": total_t / T_PER_MT,
            "mean_t_c_ha": _ratio(total_t, area),
        }
    )
    if correlation is None:
        return table
    sd_total_t = np.where(
        area > 0, np.sqrt(sums["sd_t_c"]) if correlation == "independent" else sums["sd_t_c"], np.nan
    )
    table["sd_total_mt_c"] = sd_total_t / T_PER_MT
    table["total_low_mt_c"] = table["total_mt_c"] - Z_95 * table["sd_total_mt_c"]
    table["total_high_mt_c"] = table["total_mt_c"] + Z_95 * table["sd_total_mt_c"]
    table["sd_mean_t_c_ha"] = _ratio(sd_total_t, area)
    table["mean_low_t_c_ha"] = table["mean_t_c_ha"] - Z_95 * table["sd_mean_t_c_ha"]
    table["mean_high_t_c_ha"] = table["mean_t_c_ha"] + Z_95 * table["sd_mean_t_c_ha"]
    table.attrs["correlation"] = correlation
    return table


def _sums_by_zone(ids: xr.DataArray, weights: dict[str, xr.DataArray], n: int) -> dict[str, np.ndarray]:
    """Σ of each weight layer over the cells of each zone id 0…n−1, in one pass over NumPy or Dask data."""
    layers = xr.broadcast(ids, *weights.values())
    chunked = [layer for layer in layers if layer.chunks is not None]
    if chunked:
        chunks = chunked[0].chunksizes
        layers = xr.unify_chunks(
            *(layer.chunk(chunks) if layer.chunks is None else layer for layer in layers)
        )
    flat_ids, *flat_weights = (layer.data.ravel() for layer in layers)
    sums = dask.compute(*(np.bincount(flat_ids, weights=w, minlength=n) for w in flat_weights))
    return dict(zip(weights, sums, strict=True))


def _named_geometries(zones: Mapping, name_property: str) -> dict[str, BaseGeometry]:
    """``{name: geometry}`` from such a mapping or from a GeoJSON FeatureCollection (features sharing a
    name merged)."""
    if zones.get("type") != "FeatureCollection":
        return dict(zones)
    parts: dict[str, list[BaseGeometry]] = {}
    for index, feature in enumerate(zones["features"]):
        name = (feature.get("properties") or {}).get(name_property)
        if name is None:
            raise ValueError(f"GeoJSON feature {index} has no {name_property!r} property")
        parts.setdefault(str(name), []).append(shape(feature["geometry"]))
    # collect the parts without a topological union: rasterizing needs none, and it would fail on the
    # slightly invalid rings that coordinate rounding leaves in published boundaries
    return {name: shapely.MultiPolygon(list(shapely.get_parts(geoms))) for name, geoms in parts.items()}


def _reproject(geometry: BaseGeometry, source_crs, target_crs) -> BaseGeometry:
    """``geometry`` from ``source_crs`` to ``target_crs`` (coordinates in x, y = lon, lat order)."""
    transformer = pyproj.Transformer.from_crs(source_crs, target_crs, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _crs(grid: xr.DataArray | xr.Dataset) -> pyproj.CRS:
    """The grid's CRS as a pyproj CRS; ``ValueError`` when it has none."""
    if grid.rio.crs is None:
        raise ValueError("the grid has no CRS; set one with .rio.write_crs()")
    return pyproj.CRS.from_user_input(grid.rio.crs)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    return np.divide(numerator, denominator, out=np.full(numerator.shape, np.nan), where=denominator > 0)


def _is_nan(value) -> bool:
    """Whether ``value`` is a float NaN."""
    return isinstance(value, float) and np.isnan(value)
