"""Raster I/O for soil carbon maps: GeoTIFF/COG layers, NetCDF and Zarr datasets, grid alignment.

Layers are ``xarray`` objects with a CRS known to ``rioxarray`` (the ``spatial_ref`` coordinate). Readers
decode nodata to NaN and stay lazy (Dask) when ``chunks`` is given; without it they load the data and close
the file. Writers produce files other tools read without help:

- GeoTIFF as a Cloud Optimized GeoTIFF (GDAL's COG driver: tiled, with overviews when larger than a tile),
  float32 with NaN as nodata and the layer's ``units`` and ``long_name`` as GDAL metadata tags;
- NetCDF-4 (h5netcdf engine) and Zarr following the CF conventions 1.8 (https://cfconventions.org): CF
  coordinate attributes (``standard_name`` latitude/longitude or projection_y/x_coordinate, ``units``), a
  ``grid_mapping`` variable ``spatial_ref`` holding the CRS (``crs_wkt`` and the CF grid-mapping
  parameters), ``units`` and ``long_name`` on every data variable, and the provenance attributes
  ``history``, ``source``, ``institution`` and ``permille_version``.

Writing NetCDF needs ``h5py``, which h5netcdf ≥ 1.8 only installs with its ``h5py`` extra.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import rioxarray
import xarray as xr
from affine import Affine
from rasterio.enums import Resampling
from rioxarray.exceptions import OneDimensionalRaster

from permille import __version__

CF_CONVENTIONS = "CF-1.8"
DEFAULT_INSTITUTION = "«4 per 1000» Initiative open platform (permille)"
DEFAULT_SOURCE = f"permille {__version__}"
_ENGINES = {".nc": ("h5netcdf", {}), ".zarr": ("zarr", {"consolidated": False})}
"""Reader engine and options by suffix; Zarr stores are read from their own metadata (consolidated metadata
is no part of Zarr format 3, and ``write_zarr`` writes none)."""
MONTHS = 12
"""Band count read as a monthly climate raster (dimension ``month``, 1–12)."""


class GridMismatchError(ValueError):
    """Layers are not on one grid; ``mismatches`` holds one line per difference (layer, what, both values)."""

    def __init__(self, reference: str, mismatches: list[str]):
        self.mismatches = mismatches
        lines = "\n".join(f"  - {line}" for line in mismatches)
        super().__init__(f"layers are not on the grid of {reference!r} (the first layer):\n{lines}")


def open_layer(path: str | Path, *, chunks=None) -> xr.DataArray:
    """One raster layer of a GeoTIFF/COG, nodata and scale/offset decoded (NaN where nodata).

    A single band is squeezed to a 2-D ``(y, x)`` array; 12 bands are read as months (dimension ``month``
    = 1…12, e.g. WorldClim monthly climate); other band counts keep the ``band`` dimension. ``chunks``
    (as for ``rioxarray.open_rasterio``: a dict, an int, ``True`` or ``"auto"``) gives a lazy Dask array.
    The array is named after the file's stem; its GDAL tags (``units``, ``long_name``…) are its attrs.
    """
    path = Path(path)
    layer = rioxarray.open_rasterio(path, mask_and_scale=True, chunks=chunks, default_name=path.stem)
    if chunks is None:
        with layer:
            layer.load()
    if layer.sizes["band"] == 1:
        return layer.squeeze("band", drop=True)
    if layer.sizes["band"] == MONTHS:
        return layer.rename(band="month")
    return layer


def open_dataset(path: str | Path, *, chunks=None) -> xr.Dataset:
    """A NetCDF (``.nc``, h5netcdf engine) or Zarr (``.zarr``) dataset with its CRS coordinate decoded.

    ``chunks`` (as for ``xarray.open_dataset``; ``{}`` keeps the file's own chunks) gives lazy Dask arrays.
    """
    path = Path(path)
    if path.suffix.lower() not in _ENGINES:
        raise ValueError(f"{path}: unknown dataset format; expected one of {', '.join(_ENGINES)}")
    engine, options = _ENGINES[path.suffix.lower()]
    dataset = xr.open_dataset(path, engine=engine, chunks=chunks, decode_coords="all", **options)
    if chunks is None:
        with dataset:
            dataset.load()
    return dataset


def grid_transform(layer: xr.DataArray | xr.Dataset) -> Affine:
    """The affine transform of the layer's grid (rioxarray's ``rio.transform()``).

    A grid of one row or one column needs its transform stored (``rio.write_transform``): its cell size
    cannot be read from the coordinates, and rioxarray would silently give the identity transform.
    """
    try:
        layer.rio.resolution()
    except OneDimensionalRaster as error:
        raise ValueError(
            "a grid of one row or column needs its transform stored with .rio.write_transform()"
        ) from error
    return layer.rio.transform()


def grid_mismatches(layers: dict[str, xr.DataArray]) -> list[str]:
    """Every difference of CRS, affine transform and (rows, columns) shape between the first layer's grid
    and each other layer's; empty when all align.

    Transforms are compared to within 10⁻⁶ of a cell, so that coordinates written as text or recomputed in
    floating point still match.
    """
    (reference_name, reference), *others = layers.items()
    crs, transform, shape = reference.rio.crs, grid_transform(reference), reference.rio.shape
    tolerance = 1e-6 * min(abs(transform.a), abs(transform.e))
    problems = []
    for name, layer in others:
        if layer.rio.crs != crs:
            problems.append(f"{name}: CRS {_crs_text(layer.rio.crs)} vs {_crs_text(crs)} of {reference_name}")
        other = grid_transform(layer)
        if not other.almost_equals(transform, precision=tolerance):
            problems.append(
                f"{name}: transform {tuple(other)[:6]} vs {tuple(transform)[:6]} of {reference_name}"
            )
        if layer.rio.shape != shape:
            problems.append(f"{name}: shape {layer.rio.shape} vs {shape} of {reference_name}")
    return problems


def align(layers: dict[str, xr.DataArray], *, resampling: str | None = None) -> xr.Dataset:
    """The layers as one dataset on the grid of the first layer.

    Without ``resampling`` every layer must already be on that grid (same CRS, affine transform and shape):
    otherwise a ``GridMismatchError`` lists every difference. With ``resampling`` (a GDAL/rasterio method:
    ``"nearest"`` for classes, ``"bilinear"`` for smooth fields, ``"average"`` to aggregate to a coarser
    grid…) the layers that differ are reprojected onto it with ``rioxarray``'s ``reproject_match``; cells
    outside a layer's extent, and NaN cells of a float layer, are nodata (NaN).
    """
    method = _resampling(resampling) if resampling is not None else None
    reference_name, reference = next(iter(layers.items()))
    mismatches = grid_mismatches(layers)
    if mismatches and method is None:
        raise GridMismatchError(reference_name, mismatches)
    aligned = {reference_name: reference}
    for name, layer in list(layers.items())[1:]:
        if method is not None and grid_mismatches({reference_name: reference, name: layer}):
            layer = _nan_as_nodata(layer).rio.reproject_match(reference, resampling=method)
        layer = layer.rename({layer.rio.x_dim: reference.rio.x_dim, layer.rio.y_dim: reference.rio.y_dim})
        aligned[name] = layer.assign_coords(
            {
                reference.rio.x_dim: reference[reference.rio.x_dim],
                reference.rio.y_dim: reference[reference.rio.y_dim],
            }
        )
    return xr.Dataset(aligned).rio.write_crs(reference.rio.crs)


def open_inputs(
    paths: Mapping[str, str | Path], *, chunks: int | None = None, resampling: str | None = None
) -> xr.Dataset:
    """The input dataset of :func:`permille.grid.pipeline.run` from one file per variable, on one grid.

    ``paths`` maps a variable name (``pipeline.GRID_VARIABLES`` and ``pipeline.OPTIONAL_VARIABLES``; the
    first one sets the grid) to a GeoTIFF/COG (:func:`open_layer`) or a NetCDF/Zarr dataset holding a
    variable of that name (:func:`open_dataset`). The bands of a GeoTIFF become the variable's leading
    dimension: ``month`` (12 bands) for the climatology and ``plant_cover``, ``time`` (12·Y bands, from
    January) for ``warmup_*``, ``year`` (one band per warm-up year, or a single band) for ``npp``.
    ``chunks``: pixels per chunk side (lazy Dask arrays). ``resampling`` as :func:`align`.
    """
    from .pipeline import GRID_VARIABLES, OPTIONAL_VARIABLES

    known = GRID_VARIABLES | OPTIONAL_VARIABLES
    unknown = sorted(set(paths) - set(known))
    if unknown:
        raise ValueError(
            f"unknown input variable(s) {', '.join(unknown)}; expected some of {', '.join(known)}"
        )
    layers = {}
    for name, path in paths.items():
        path = Path(path)
        if path.suffix.lower() in _ENGINES:
            layer = open_dataset(path, chunks=None if chunks is None else {"y": chunks, "x": chunks})[name]
        else:
            layer = open_layer(path, chunks=None if chunks is None else {"y": chunks, "x": chunks})
            leading = [d for d in layer.dims if d in ("band", "month")]
            if leading and len(known[name]) == 3:
                layer = layer.rename({leading[0]: known[name][0]})
        layers[name] = layer.rename(name)
    return align(layers, resampling=resampling)


def write_cog(
    da: xr.DataArray, path: str | Path, *, units: str | None = None, long_name: str | None = None
) -> Path:
    """Write a layer as a Cloud Optimized GeoTIFF: float32, NaN as nodata, ``units`` and ``long_name`` (from
    the arguments, else the layer's attrs; both required) as GDAL metadata tags.

    A 3-D layer (e.g. ``month``, y, x) is written as one band per step of its first dimension.
    """
    units, long_name = units or da.attrs.get("units"), long_name or da.attrs.get("long_name")
    if not units or not long_name:
        raise ValueError(
            f"layer {da.name!r}: units and long_name are required (got {units!r}, {long_name!r})"
        )
    if da.rio.crs is None:
        raise ValueError(f"layer {da.name!r} has no CRS; set one with .rio.write_crs()")
    layer = da.astype(np.float32, keep_attrs=False)
    layer.encoding = {}
    layer = layer.rio.write_crs(da.rio.crs).rio.write_nodata(np.nan, encoded=True)
    layer.rio.to_raster(Path(path), driver="COG", tags={"units": units, "long_name": long_name})
    return Path(path)


def write_netcdf(
    ds: xr.Dataset,
    path: str | Path,
    *,
    history: str | None = None,
    source: str = DEFAULT_SOURCE,
    institution: str = DEFAULT_INSTITUTION,
) -> Path:
    """Write a dataset as CF-1.8 NetCDF-4 (h5netcdf engine); see ``cf_dataset`` for what is written."""
    cf_dataset(ds, history=history, source=source, institution=institution).to_netcdf(
        Path(path), engine="h5netcdf"
    )
    return Path(path)


def write_zarr(
    ds: xr.Dataset,
    path: str | Path,
    *,
    history: str | None = None,
    source: str = DEFAULT_SOURCE,
    institution: str = DEFAULT_INSTITUTION,
) -> Path:
    """Write a dataset as a CF-1.8 Zarr store (replacing one there); see ``cf_dataset`` for what is written.

    The store's chunks are the Dask chunks of the data (one chunk per variable for NumPy data).
    """
    dataset = cf_dataset(ds, history=history, source=source, institution=institution)
    for variable in dataset.variables.values():
        variable.encoding.pop("chunks", None)
        variable.encoding.pop("preferred_chunks", None)
    dataset.to_zarr(Path(path), mode="w", consolidated=False)
    return Path(path)


def cf_dataset(
    ds: xr.Dataset,
    *,
    history: str | None = None,
    source: str = DEFAULT_SOURCE,
    institution: str = DEFAULT_INSTITUTION,
) -> xr.Dataset:
    """A copy of ``ds`` with the CF-1.8 metadata the writers need.

    Requires a CRS (``rio.crs``) and ``units`` and ``long_name`` on every data variable (a ``ValueError``
    lists those lacking them). Adds the ``spatial_ref`` grid-mapping variable and each data variable's
    ``grid_mapping``, CF attributes of the x/y coordinates (no fill value on them), and the global
    attributes ``Conventions``, ``history`` (a UTC-timestamped line appended to any earlier history;
    ``history`` replaces the default text "written by permille <version>"), ``source``, ``institution`` and
    ``permille_version``.
    """
    missing = [
        f"{name} lacks {', '.join(key for key in ('units', 'long_name') if not variable.attrs.get(key))}"
        for name, variable in ds.data_vars.items()
        if not (variable.attrs.get("units") and variable.attrs.get("long_name"))
    ]
    if missing:
        raise ValueError("CF output needs units and long_name on every data variable: " + "; ".join(missing))
    if ds.rio.crs is None:
        raise ValueError("the dataset has no CRS; set one with .rio.write_crs()")
    dataset = ds.copy().rio.write_crs(ds.rio.crs).rio.write_coordinate_system()
    for dim in (dataset.rio.x_dim, dataset.rio.y_dim):
        dataset[dim].encoding["_FillValue"] = None
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = f"{stamp}: {history or f'written by permille {__version__}'}"
    earlier = ds.attrs.get("history")
    dataset.attrs.update(
        Conventions=CF_CONVENTIONS,
        history=f"{earlier}\n{line}" if earlier else line,
        source=source,
        institution=institution,
        permille_version=__version__,
    )
    return dataset


def _resampling(name: str) -> Resampling:
    """The rasterio resampling method called ``name``."""
    try:
        return Resampling[name]
    except KeyError:
        names = ", ".join(method.name for method in Resampling)
        raise ValueError(f"unknown resampling {name!r}; expected one of {names}") from None


def _nan_as_nodata(layer: xr.DataArray) -> xr.DataArray:
    """A float layer without a nodata value gets NaN as its nodata, so that resampling skips NaN cells."""
    if layer.rio.nodata is None and np.issubdtype(layer.dtype, np.floating):
        return layer.rio.write_nodata(np.nan, encoded=True)
    return layer


def _crs_text(crs) -> str:
    """A CRS as short text: its EPSG code where it has one, else WKT; None when absent."""
    if crs is None:
        return "None"
    return crs.to_string()
