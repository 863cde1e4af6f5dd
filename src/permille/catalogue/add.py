"""Adding a layer on a deployment: copy (or link) its files into ``$PERMILLE_HOME/layers/<id>/``, inspect
them (CRS, extent, resolution, nodata, data type with rioxarray/xarray), check that the format's reader
reads them, and write the STAC item with the files' checksums and the date added."""

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from .items import (
    EXTENSIONS,
    FORMATS,
    ITEM_FILE,
    STAC_VERSION,
    VARIABLES,
    Layer,
    LayerItem,
    layers_folder,
    load,
    parse_item,
    sha256,
)

MEDIA_TYPES = {
    ".tif": "image/tiff; application=geotiff",
    ".tiff": "image/tiff; application=geotiff",
    ".nc": "application/netcdf",
    ".csv": "text/csv",
}


def layer_id_for(path: Path) -> str:
    """A catalogue id from a file name: lower case, other characters than [a-z0-9_.-] as "-"."""
    stem = re.sub(r"[^a-z0-9_.-]+", "-", path.name.split(".")[0].lower()).strip("-.")
    return (stem or "layer")[:80]


def inspect(path: Path) -> dict:
    """Extent and grid of a raster file: ``bbox`` (lon/lat), ``resolution`` text and STAC projection /
    raster properties (``proj:epsg`` or ``proj:wkt2``, ``proj:shape``, ``proj:transform``, ``raster:bands``)
    and, for NetCDF, ``start_datetime``/``end_datetime`` of its time axis."""
    if path.suffix.lower() == ".nc":
        return _inspect_netcdf(path)
    import rioxarray
    from rasterio.warp import transform_bounds

    try:
        da = rioxarray.open_rasterio(path, mask_and_scale=False, chunks={"band": 1, "y": 4096, "x": 4096})
    except Exception as error:  # rasterio's own error classes
        raise ValueError(f"{path}: cannot be read as a raster: {error}") from None
    with da:
        crs = da.rio.crs
        if crs is None:
            raise ValueError(f"{path}: has no CRS")
        bounds = transform_bounds(crs, "EPSG:4326", *da.rio.bounds(), densify_pts=21)
        dx = abs(da.rio.resolution()[0])
        epsg = crs.to_epsg()
        properties = {
            "resolution": f"{dx:.6g}°" if crs.is_geographic else f"{dx:.6g} m",
            "proj:epsg": epsg,
            "proj:shape": list(da.rio.shape),
            "proj:transform": list(da.rio.transform())[:6],
            "raster:bands": [
                {
                    "data_type": str(da.dtype),
                    "nodata": _json_number(da.rio.nodata),
                    "scale": float(da.attrs.get("scale_factor", 1.0)),
                    "offset": float(da.attrs.get("add_offset", 0.0)),
                }
            ],
        }
        if epsg is None:
            properties["proj:wkt2"] = crs.to_wkt()
    return {"bbox": [round(float(v), 6) for v in bounds], **properties}


def _inspect_netcdf(path: Path) -> dict:
    import numpy as np
    import xarray as xr

    try:
        ds = xr.open_dataset(path, mask_and_scale=False)
    except Exception as error:  # the engines' own error classes
        raise ValueError(f"{path}: cannot be read as NetCDF: {error}") from None
    with ds:
        lon, lat = (
            (ds[name].values for name in ("lon", "lat")) if "lon" in ds else (ds["x"].values, ds["y"].values)
        )
        dx = float(np.abs(np.diff(lon)).mean()) if lon.size > 1 else 0.5
        dy = float(np.abs(np.diff(lat)).mean()) if lat.size > 1 else 0.5
        bbox = [lon.min() - dx / 2, lat.min() - dy / 2, lon.max() + dx / 2, lat.max() + dy / 2]
        out = {"bbox": [round(float(v), 6) for v in bbox], "resolution": f"{dx:.6g}°", "proj:epsg": 4326}
        if "time" in ds.coords and ds.sizes["time"]:
            times = ds.indexes["time"]
            out["start_datetime"] = f"{times[0].year:04d}-{times[0].month:02d}-01T00:00:00Z"
            out["end_datetime"] = f"{times[-1].year:04d}-{times[-1].month:02d}-28T00:00:00Z"
    return out


def _json_number(value):
    if value is None:
        return None
    value = float(value)
    return value if value == value else "nan"


def add_layer(
    files: list[Path],
    *,
    variable: str,
    source: str,
    license: str,
    units: str,
    title: str | None = None,
    description: str = "",
    version: str = "unknown",
    layer_id: str | None = None,
    file_format: str | None = None,
    depth_cm: tuple[float, float] | None = None,
    item_datetime: str | None = None,
    start_datetime: str | None = None,
    end_datetime: str | None = None,
    doi: str | None = None,
    providers: list[dict] | None = None,
    uncertainty_of: str | None = None,
    link: bool = False,
    home: Path | None = None,
) -> Layer:
    """Add a layer to ``$PERMILLE_HOME/layers`` (or ``home/layers``) and return it.

    ``files`` become the item's assets (one file, or WorldClim's 12 monthly files); they are copied, or
    symlinked with ``link``. ``uncertainty_of`` names the layer whose ``permille:uncertainty_layer`` the new
    layer becomes (an added one: bundled items are read-only). With ``file_format`` the format's reader must
    read a small window of the files (its mismatches are :class:`permille.grid.readers.LayerReadError`).
    Nothing is left behind on error."""
    if variable not in VARIABLES:
        raise ValueError(f"unknown variable {variable!r}; expected one of {', '.join(VARIABLES)}")
    if file_format is not None and file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}; expected one of {', '.join(FORMATS)}")
    files = [Path(f) for f in files]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ValueError(f"no such file(s): {', '.join(missing)}")
    if not files:
        raise ValueError("no file to add")
    catalogue = load(home)
    layer_id = layer_id or layer_id_for(files[0])
    if layer_id in catalogue:
        raise ValueError(f"layer {layer_id!r} is already in the catalogue ({catalogue[layer_id].folder})")
    target = None
    if uncertainty_of is not None:
        target = catalogue.get(uncertainty_of)
        if target is None:
            raise ValueError(f"--uncertainty-of {uncertainty_of!r}: no such layer")
        if target.bundled:
            raise ValueError(f"--uncertainty-of {uncertainty_of!r}: a bundled layer is read-only")
    inspected = inspect(files[0])
    folder = layers_folder(home) / layer_id
    folder.mkdir(parents=True)
    try:
        assets = {}
        for index, path in enumerate(files):
            destination = folder / path.name
            if link:
                destination.symlink_to(path.resolve())
            else:
                shutil.copy2(path, destination)
            key = "data" if len(files) == 1 else f"data-{index + 1:02d}"
            assets[key] = {
                "href": path.name,
                "type": MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"),
                "roles": ["data"],
                "file:checksum": sha256(destination),
            }
        bbox = inspected.pop("bbox")
        start = start_datetime or inspected.pop("start_datetime", None)
        end = end_datetime or inspected.pop("end_datetime", None)
        inspected.pop("start_datetime", None), inspected.pop("end_datetime", None)
        if item_datetime is None and not (start and end):
            raise ValueError("give the layer's date: --datetime, or --start and --end (STAC needs one)")
        west, south, east, north = bbox
        item = {
            "type": "Feature",
            "stac_version": STAC_VERSION,
            "stac_extensions": EXTENSIONS,
            "id": layer_id,
            "bbox": bbox,
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
            },
            "properties": {
                "title": title or files[0].name,
                "description": description,
                "variable": variable,
                "units": units,
                "depth_cm": list(depth_cm) if depth_cm else None,
                "datetime": item_datetime,
                "start_datetime": start,
                "end_datetime": end,
                "license": license,
                "version": version,
                "providers": providers or [],
                "sci:doi": doi,
                "permille:source": source,
                "permille:uncertainty_layer": None,
                "permille:uncertainty_of": uncertainty_of,
                "permille:date_added": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "permille:synthetic": False,
                "permille:format": file_format,
                **inspected,
            },
            "links": [],
            "assets": assets,
        }
        path = folder / ITEM_FILE
        path.write_text(json.dumps(item, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        layer = Layer(parse_item(path), folder, bundled=False)
        if file_format is not None:
            _check_readable(layer, bbox)
        if target is not None:
            _set_uncertainty(target, layer_id)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return layer


def _check_readable(layer: Layer, bbox: list[float]) -> None:
    """Read a window of about a tenth of the extent (at least 1°) at its centre with the format's reader."""
    from ..grid.build import read_layer

    west, south, east, north = bbox
    cx, cy = (west + east) / 2, (south + north) / 2
    hx, hy = max((east - west) / 20, 0.5), max((north - south) / 20, 0.5)
    read_layer(layer, bbox=(max(cx - hx, -180), max(cy - hy, -90), min(cx + hx, 180), min(cy + hy, 90)))


def _set_uncertainty(target: Layer, uncertainty_id: str) -> None:
    path = target.folder / ITEM_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["properties"]["permille:uncertainty_layer"] = uncertainty_id
    LayerItem.model_validate(data)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
