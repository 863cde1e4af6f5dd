"""The atlas grid and resampling onto it: cells of a global EPSG:4326 lattice (edges at multiples of the
resolution from 180° W and 90° N, as :func:`permille.grid.atlas.global_synthetic_grid`), cut to a bounding
box or to a country of the bundled Natural Earth boundaries, and layers reprojected onto it with rioxarray
(GDAL warp).

Resampling by kind of layer (:data:`METHODS`): stocks and other per-area quantities by ``average`` (GDAL's
average weights each source cell by its overlap with the target cell: the area-weighted mean on an
equal-area source such as Homolosine; on a geographic source the weights ignore the cos-latitude change of
cell area inside one target cell, < 0.5 % at 0.5°), classes by ``mode`` (the most frequent class), climate
by ``bilinear`` when the source is as coarse as the target or coarser and ``average`` when it is finer.
"""

from functools import cache

import numpy as np
import xarray as xr
from rasterio.enums import Resampling

from . import zonal

#: Resampling method by kind of layer; climate is "bilinear" only onto a grid at least as fine.
METHODS = {"stock": Resampling.average, "class": Resampling.mode, "climate": Resampling.average}

KIND_OF_VARIABLE = {
    "soc_stock": "stock",
    "soc_stock_uncertainty": "stock",
    "clay": "stock",
    "bulk_density": "stock",
    "npp": "stock",
    "land_cover": "class",
    "tmp": "climate",
    "pre": "climate",
    "pet": "climate",
}


def atlas_grid(resolution_deg: float, bbox: tuple[float, float, float, float] | None = None) -> xr.DataArray:
    """An empty (y, x) EPSG:4326 template of the atlas lattice at ``resolution_deg`` covering ``bbox`` (lon/lat
    west, south, east, north; snapped outward to whole cells), the whole globe without one."""
    if (
        not 0.01 <= resolution_deg <= 10.0
        or abs(180.0 / resolution_deg - round(180.0 / resolution_deg)) > 1e-9
    ):
        raise ValueError(f"resolution {resolution_deg!r}°: must divide 180 and lie within [0.01, 10]")
    west, south, east, north = bbox or (-180.0, -90.0, 180.0, 90.0)
    if not (-180.0 <= west < east <= 180.0 and -90.0 <= south < north <= 90.0):
        raise ValueError(
            f"bounding box {[west, south, east, north]}: expected west < east in [-180, 180], south < north in [-90, 90]"
        )
    r = resolution_deg
    i0, i1 = int(np.floor((west + 180.0) / r + 1e-9)), int(np.ceil((east + 180.0) / r - 1e-9))
    j0, j1 = int(np.floor((90.0 - north) / r + 1e-9)), int(np.ceil((90.0 - south) / r - 1e-9))
    lon = -180.0 + (np.arange(i0, i1) + 0.5) * r
    lat = 90.0 - (np.arange(j0, j1) + 0.5) * r
    da = xr.DataArray(np.zeros((lat.size, lon.size)), dims=("y", "x"), coords={"y": lat, "x": lon})
    return da.rio.write_crs("EPSG:4326")


@cache
def country_bounds() -> dict[str, tuple[float, float, float, float]]:
    """Lon/lat bounds (west, south, east, north) of every bundled country by ISO 3166-1 alpha-3 code (the
    envelope of all its parts, overseas ones included)."""
    import shapely
    from shapely.geometry import shape

    geojson, _ = zonal.builtin_zones("countries")
    bounds: dict[str, np.ndarray] = {}
    for feature in geojson["features"]:
        iso3 = feature["properties"]["iso3"]
        if iso3:
            box = np.asarray(shapely.bounds(shape(feature["geometry"])))
            old = bounds.get(iso3)
            bounds[iso3] = (
                box if old is None else np.r_[np.minimum(old[:2], box[:2]), np.maximum(old[2:], box[2:])]
            )
    return {iso3: tuple(float(v) for v in box) for iso3, box in bounds.items()}


def country_bbox(iso3: str) -> tuple[float, float, float, float]:
    """Lon/lat bounds (west, south, east, north) of a bundled country by ISO 3166-1 alpha-3 code."""
    bounds = country_bounds().get(iso3.upper())
    if bounds is None:
        raise ValueError(
            f"unknown country {iso3!r}; expected an ISO 3166-1 alpha-3 code of the bundled boundaries"
        )
    return bounds


def resample(layer: xr.DataArray, template: xr.DataArray, kind: str) -> xr.DataArray:
    """``layer`` (2-D, or with a leading ``month`` dimension) on the grid of ``template`` by the method of
    its ``kind`` ("stock", "class" or "climate"; see the module docstring); NaN outside its extent."""
    if kind not in METHODS:
        raise ValueError(f"unknown kind of layer {kind!r}; expected one of {', '.join(METHODS)}")
    method = METHODS[kind]
    if kind == "climate" and _cell_degrees(layer) >= abs(template.rio.resolution()[0]) * (1 - 1e-9):
        method = Resampling.bilinear
    source = layer.rio.write_nodata(np.nan, encoded=False)
    out = source.rio.reproject_match(template, resampling=method, nodata=np.nan)
    out = out.assign_coords(x=template["x"], y=template["y"])
    out.attrs = dict(layer.attrs) | {"resampling": method.name}
    return out.rio.write_crs(template.rio.crs)


def _cell_degrees(layer: xr.DataArray) -> float:
    """Approximate cell size of ``layer`` in degrees (metres / 111 320 on projected grids)."""
    size = abs(layer.rio.resolution()[0])
    return size if layer.rio.crs.is_geographic else size / 111_320.0
