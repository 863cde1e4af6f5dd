"""Readers of the real datasets' files at their published layouts, each returning an ``xarray.DataArray``
in the platform's units (``attrs["units"]``, :data:`permille.catalogue.items.VARIABLES`), NaN where the file
says nodata, with its CRS. Every mismatch between a file and what its format documents (data type, nodata
value, CRS, units, grid) raises :class:`LayerReadError` naming the file and the catalogue layer.

Formats (``permille:format`` of a catalogue item) and what the readers expect:

- ``gsocmap``: FAO GSOCmap v1.5 and GSOCseq v1.1 GeoTIFFs — float32, nodata −3.4 × 10³⁸ (or −FLT_MAX),
  EPSG:4326, SOC stock in t C/ha for 0–30 cm (uncertainty rasters in the same units). GSOCseq file names
  (``GSOCseq_T0_Map030.tif``, ``GSOCseq_finalSOC_BAU_Map030.tif``, ``GSOCseq_T0_UncertaintyMap030.tif`` …)
  are parsed by :func:`gsocseq_product`. FAO (2020) GSOCseq technical manual, chapter 10 (products).
- ``soilgrids``: ISRIC SoilGrids 2.0 COGs — int16, nodata −32768, Interrupted Goode Homolosine
  (``+proj=igh``, ESRI:54052) or EPSG:4326, integer mapped units divided by the conversion factor of
  :data:`SOILGRIDS` (ISRIC SoilGrids FAQ, "What do the filename codes mean?",
  https://www.isric.org/explore/soilgrids/faq-soilgrids): ``soc`` dg/kg ÷ 10 → g/kg, ``bdod`` cg/cm³ ÷ 100
  → g/cm³, ``clay`` g/kg ÷ 10 → %, ``ocs`` t/ha (÷ 10 would give kg/m²: the integer is already t/ha).
- ``worldclim``: WorldClim 2.1 monthly climatologies, one GeoTIFF per month (``wc2.1_10m_tavg_01.tif`` …
  ``_12.tif``) — ``tavg`` float32 nodata −3.4e38 in °C, ``prec`` int16 nodata −32768 (or float32) in mm;
  EPSG:4326. Fick & Hijmans (2017), doi:10.1002/joc.5086; https://www.worldclim.org/data/worldclim21.html.
- ``cru``: CRU TS 4 NetCDF (``cru_ts4.0x.1901.20xx.tmp.dat.nc``): variable ``tmp`` (degrees Celsius),
  ``pre`` (mm/month), ``pet`` (mm/day, multiplied by the days of each month), dims (time, lat, lon), float32
  with ``missing_value`` = ``_FillValue`` = 9.96921 × 10³⁶, cell centres on a 0.5° lattice, no CRS variable
  (WGS84 latitude/longitude). Harris et al. (2020), doi:10.1038/s41597-020-0453-3. Read as the mean monthly
  climatology over a period of whole years.
- ``esacci``: ESA CCI land cover GeoTIFF (``ESACCI-LC-L4-LCCS-Map-300m-P1Y-2015-v2.0.7.tif``) — uint8, nodata
  0, EPSG:4326, LCCS classes 10 … 220; ``modis``: MCD12Q1 ``LC_Type1`` as GeoTIFF — uint8, fill 255, IGBP
  classes 1 … 17, sinusoidal or any CRS. Both mapped onto the FAO classes of the pipeline by the table
  ``permille/data/landcover/classes.csv`` (:func:`land_cover_mapping`).
"""

import csv
import re
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyproj
import rioxarray
import xarray as xr

from .io import grid_mismatches

#: Float32 nodata of GSOCmap/GSOCseq and WorldClim: −3.4e38 (R raster/terra's default, stored as the
#: nearest float32); −FLT_MAX (−3.4028235e38, GDAL's and ArcGIS's usual choice) is accepted as well.
FLOAT32_NODATA = float(np.float32(-3.4e38))
FLOAT32_NODATAS = (FLOAT32_NODATA, float(-np.finfo(np.float32).max))
INT16_NODATA = -32768
#: CRU TS missing value (the netCDF default fill value of float32).
CRU_MISSING = 9.96921e36

#: SoilGrids 2.0 properties: mapped units, conversion factor to conventional units (divide), platform
#: variable and its units (ISRIC SoilGrids FAQ, table "Properties").
SOILGRIDS = {
    "soc": ("dg/kg", 10.0, "soc_content", "g kg-1"),
    "bdod": ("cg/cm3", 100.0, "bulk_density", "g cm-3"),
    "clay": ("g/kg", 10.0, "clay", "%"),
    "sand": ("g/kg", 10.0, "sand", "%"),
    "silt": ("g/kg", 10.0, "silt", "%"),
    "ocs": ("t/ha", 1.0, "soc_stock", "t C ha-1"),
}
_SOILGRIDS_NAME = re.compile(
    r"^(?P<property>[a-z0-9]+)_(?P<top>\d+)-(?P<bottom>\d+)cm_(?P<quantile>mean|Q0\.05|Q0\.5|Q0\.95|uncertainty)"
)
_GSOCSEQ_NAME = re.compile(
    r"^GSOCseq_(?P<product>[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*?)_(?P<kind>Map|UncertaintyMap)(?P<depth>\d{3})$"
)
_MONTH = re.compile(r"_(?P<month>0[1-9]|1[0-2])\.tif$", re.IGNORECASE)

#: CRU TS variables: the file's ``units`` attribute, platform variable and units, whether mm/day × days.
CRU = {
    "tmp": ("degrees Celsius", "tmp", "degC", False),
    "pre": ("mm/month", "pre", "mm month-1", False),
    "pet": ("mm/day", "pet", "mm month-1", True),
}

LAND_COVER_TABLE = files("permille") / "data" / "landcover" / "classes.csv"
_LAND_COVER = {"esacci": ("uint8", 0), "modis": ("uint8", 255)}


class LayerReadError(ValueError):
    """A file does not match what its format documents: ``file``, ``layer`` (catalogue id), ``problem``."""

    def __init__(self, file: str | Path, layer: str, problem: str):
        self.file, self.layer, self.problem = str(file), layer, problem
        super().__init__(f"{file} (layer {layer!r}): {problem}")


def normalise_units(text: str) -> str:
    """Units as comparable text: lower case, "°C"/"degrees Celsius" → "degc", "a b-1" → "a/b",
    superscripts and spaces dropped ("t C ha-1" → "tc/ha", "cg/cm³" → "cg/cm3")."""
    text = text.strip().lower().replace("³", "3").replace("°c", "degc").replace("degrees celsius", "degc")
    tokens = text.split()
    numerator = "".join(t for t in tokens if not t.endswith("-1"))
    denominator = "/".join(t[:-2] for t in tokens if t.endswith("-1"))
    return f"{numerator}/{denominator}" if denominator else numerator


def _same_units(a: str, b: str) -> bool:
    carbon = {"t/ha": "tc/ha", "mgc/ha": "tc/ha", "mg/ha": "tc/ha"}
    na, nb = normalise_units(a), normalise_units(b)
    return carbon.get(na, na) == carbon.get(nb, nb)


# --- GeoTIFF basics ----------------------------------------------------------------------------------


def _open_raw(path: Path, layer: str, bbox: Sequence[float] | None) -> xr.DataArray:
    """One band of a GeoTIFF, undecoded (file dtype, nodata in ``rio.nodata``), clipped to ``bbox``
    (lon/lat west, south, east, north; plus one source cell) when given."""
    try:
        da = rioxarray.open_rasterio(path, mask_and_scale=False, chunks={"band": 1, "y": 4096, "x": 4096})
    except Exception as error:  # rasterio raises its own RasterioIOError and CPLE_* classes
        raise LayerReadError(path, layer, f"cannot be read as a GeoTIFF: {error}") from None
    if da.sizes["band"] != 1:
        raise LayerReadError(path, layer, f"has {da.sizes['band']} bands; one band per file is expected")
    da = da.squeeze("band", drop=True)
    if da.rio.crs is None:
        raise LayerReadError(path, layer, "has no CRS")
    if bbox is not None:
        da = _clip(da, path, layer, bbox)
    return da.load()


def _clip(da: xr.DataArray, path: Path, layer: str, bbox: Sequence[float]) -> xr.DataArray:
    """The part of ``da`` covering the lon/lat ``bbox``, one source cell of margin."""
    west, south, east, north = bbox
    xs, ys = pyproj.Transformer.from_crs("EPSG:4326", da.rio.crs, always_xy=True).transform(
        np.r_[np.linspace(west, east, 21), np.full(21, east), np.linspace(east, west, 21), np.full(21, west)],
        np.r_[
            np.full(21, south),
            np.linspace(south, north, 21),
            np.full(21, north),
            np.linspace(north, south, 21),
        ],
    )
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        raise LayerReadError(path, layer, f"the bounding box {list(bbox)} cannot be projected to its CRS")
    dx, dy = (abs(r) for r in da.rio.resolution())
    try:
        return da.rio.clip_box(
            xs[ok].min() - dx, ys[ok].min() - dy, xs[ok].max() + dx, ys[ok].max() + dy, auto_expand=True
        )
    except Exception as error:  # rioxarray's NoDataInBounds / OneDimensionalRaster
        raise LayerReadError(path, layer, f"does not cover the bounding box {list(bbox)}: {error}") from None


def _check_dtype_nodata(
    da: xr.DataArray, path, layer, expected: Mapping[str, tuple[float, ...]], what: str
) -> float:
    """The file's nodata value, checked against ``expected`` {dtype: documented nodata values}."""
    dtype = str(da.dtype)
    if dtype not in expected:
        raise LayerReadError(path, layer, f"data type {dtype}; {what} files are {' or '.join(expected)}")
    nodata = da.rio.nodata
    documented = " or ".join(f"{v:g}" for v in expected[dtype])
    if nodata is None:
        raise LayerReadError(path, layer, f"declares no nodata value; {what} {dtype} files use {documented}")
    if not any(np.isclose(float(nodata), v, rtol=1e-6, atol=0) for v in expected[dtype]):
        raise LayerReadError(path, layer, f"nodata {float(nodata):g}; {what} {dtype} files use {documented}")
    return float(nodata)


def _decode(da: xr.DataArray, nodata: float, factor: float = 1.0) -> xr.DataArray:
    """float32 values × ``factor`` (after the file's own scale/offset), NaN where the file holds its
    declared ``nodata`` (compared in the file's data type, exactly): one float32 copy of the window (the
    files' values are float32 or 16-bit integers, exact in float32)."""
    scale, offset = float(da.attrs.get("scale_factor", 1.0)), float(da.attrs.get("add_offset", 0.0))
    raw = da.values
    is_nodata = raw == raw.dtype.type(nodata)
    values = raw.astype(np.float32)
    if scale * factor != 1.0:
        values *= scale * factor
    if offset:
        values += offset * factor
    values[is_nodata] = np.nan
    out = xr.DataArray(values, dims=da.dims, coords={d: da[d] for d in da.dims})
    out = out.rio.write_crs(da.rio.crs).rio.write_transform(da.rio.transform())
    return out.rio.write_nodata(np.nan, encoded=False)


def _finish(da: xr.DataArray, path, layer, variable: str, units: str, long_name: str) -> xr.DataArray:
    da.attrs = {"units": units, "long_name": long_name, "source_file": str(path), "layer": layer}
    return da.rename(variable)


def _check_geographic(da: xr.DataArray, path, layer) -> None:
    crs = pyproj.CRS.from_user_input(da.rio.crs)
    if not (crs.is_geographic and crs.ellipsoid and crs.ellipsoid.name.startswith("WGS 84")):
        raise LayerReadError(
            path, layer, f"CRS {crs.name!r}; the format is in WGS84 latitude/longitude (EPSG:4326)"
        )


def _check_units(path, layer, given: str, expected: str, what: str) -> None:
    if not _same_units(given, expected):
        raise LayerReadError(path, layer, f"units {given!r} in the catalogue; {what} are in {expected!r}")


# --- formats -----------------------------------------------------------------------------------------


def gsocseq_product(path: str | Path) -> dict | None:
    """The product of a GSOCseq file name: ``{"product": "T0" | "finalSOC_BAU" | …, "uncertainty": bool,
    "depth_cm": (0, 30)}``, or None when the name is not a GSOCseq one."""
    match = _GSOCSEQ_NAME.match(Path(path).stem)
    if not match:
        return None
    depth = int(match["depth"])
    return {
        "product": match["product"],
        "uncertainty": match["kind"] == "UncertaintyMap",
        "depth_cm": (0, depth),
    }


def read_gsocmap(path: str | Path, *, layer: str, units: str = "t C ha-1", bbox=None) -> xr.DataArray:
    """A GSOCmap / GSOCseq SOC stock (or its uncertainty) raster, t C/ha over 0–30 cm."""
    path = Path(path)
    _check_units(path, layer, units, "t C ha-1", "GSOCmap/GSOCseq stocks")
    da = _open_raw(path, layer, bbox)
    nodata = _check_dtype_nodata(da, path, layer, {"float32": FLOAT32_NODATAS}, "GSOCmap/GSOCseq")
    _check_geographic(da, path, layer)
    product = gsocseq_product(path)
    kind = "uncertainty of the " if product and product["uncertainty"] else ""
    return _finish(_decode(da, nodata), path, layer, "soc_stock", "t C ha-1", f"{kind}SOC stock 0-30 cm")


def soilgrids_property(path: str | Path) -> dict | None:
    """``{"property", "depth_cm", "quantile"}`` of a SoilGrids file name (``clay_0-5cm_mean.tif``), or None."""
    match = _SOILGRIDS_NAME.match(Path(path).name)
    if not match:
        return None
    return {
        "property": match["property"],
        "depth_cm": (int(match["top"]), int(match["bottom"])),
        "quantile": match["quantile"],
    }


def read_soilgrids(
    path: str | Path, *, layer: str, units: str, soil_property: str | None = None, bbox=None
) -> xr.DataArray:
    """A SoilGrids 2.0 layer in conventional units (:data:`SOILGRIDS`); ``soil_property`` defaults to the
    one in the file name. ``units`` (the catalogue's) must be the property's mapped units."""
    path = Path(path)
    parsed = soilgrids_property(path)
    soil_property = soil_property or (parsed or {}).get("property")
    if soil_property not in SOILGRIDS:
        raise LayerReadError(
            path,
            layer,
            f"SoilGrids property {soil_property!r} unknown; expected one of {', '.join(SOILGRIDS)}",
        )
    if parsed and parsed["quantile"] == "uncertainty":
        raise LayerReadError(
            path, layer, "a SoilGrids uncertainty layer (a ratio of the 90 % interval), no value"
        )
    mapped, factor, variable, platform_units = SOILGRIDS[soil_property]
    _check_units(path, layer, units, mapped, f"SoilGrids {soil_property} values")
    da = _open_raw(path, layer, bbox)
    nodata = _check_dtype_nodata(da, path, layer, {"int16": (INT16_NODATA,)}, "SoilGrids")
    crs = pyproj.CRS.from_user_input(da.rio.crs)
    method = crs.coordinate_operation.method_name.lower() if crs.coordinate_operation else ""
    if not ("goode homolosine" in method or crs.to_epsg() == 4326):
        raise LayerReadError(
            path, layer, f"CRS {crs.name!r}; SoilGrids is Interrupted Goode Homolosine or EPSG:4326"
        )
    decoded = _decode(da, nodata, 1.0 / factor)
    long_name = f"SoilGrids {soil_property} ({mapped} / {factor:g})"
    return _finish(decoded, path, layer, variable, platform_units, long_name)


def worldclim_months(paths: Sequence[str | Path]) -> list[Path]:
    """The 12 monthly files of a WorldClim variable in month order (``…_01.tif`` … ``…_12.tif``)."""
    by_month = {}
    for path in map(Path, paths):
        match = _MONTH.search(path.name)
        if match:
            by_month[int(match["month"])] = path
    missing = sorted(set(range(1, 13)) - set(by_month))
    if missing:
        raise ValueError(f"WorldClim: months {missing} missing among {[str(p) for p in paths]}")
    return [by_month[m] for m in range(1, 13)]


def read_worldclim(
    paths: Sequence[str | Path], *, layer: str, variable: str, units: str, bbox=None
) -> xr.DataArray:
    """A WorldClim 2.1 monthly climatology (``month`` = 1 … 12, y, x): ``tmp`` (tavg, °C) or ``pre``
    (prec, mm/month) from its 12 monthly GeoTIFFs."""
    expected = {"tmp": ("degC", "degC"), "pre": ("mm", "mm month-1")}
    if variable not in expected:
        raise LayerReadError(paths[0], layer, f"variable {variable!r}; WorldClim layers here are tmp or pre")
    file_units, platform_units = expected[variable]
    if not (_same_units(units, file_units) or _same_units(units, platform_units)):
        raise LayerReadError(
            paths[0], layer, f"units {units!r} in the catalogue; WorldClim {variable} is in {file_units!r}"
        )
    try:
        months = worldclim_months(paths)
    except ValueError as error:
        raise LayerReadError(paths[0], layer, str(error)) from None
    documented = {"float32": FLOAT32_NODATAS, "int16": (INT16_NODATA,)}
    layers = {}
    for month, path in enumerate(months, start=1):
        da = _open_raw(path, layer, bbox)
        nodata = _check_dtype_nodata(da, path, layer, documented, "WorldClim")
        _check_geographic(da, path, layer)
        layers[str(path)] = _decode(da, nodata)
        if month > 1 and (
            problems := grid_mismatches(
                {str(months[0]): layers[str(months[0])], str(path): layers[str(path)]}
            )
        ):
            raise LayerReadError(path, layer, f"not on the grid of the January file: {'; '.join(problems)}")
    stacked = xr.concat(list(layers.values()), dim=xr.DataArray(np.arange(1, 13), dims="month", name="month"))
    stacked = stacked.rio.write_crs(layers[str(months[0])].rio.crs)
    long_name = {
        "tmp": "WorldClim 2.1 monthly mean temperature",
        "pre": "WorldClim 2.1 monthly precipitation",
    }
    return _finish(stacked, months[0], layer, variable, platform_units, long_name[variable])


def read_cru(
    path: str | Path,
    *,
    layer: str,
    variable: str,
    units: str,
    period: tuple[int, int] | None = None,
    bbox=None,
) -> xr.DataArray:
    """The mean monthly climatology (``month``, y, x) of a CRU TS variable over the whole years
    ``period`` (first, last; default every whole year in the file): ``tmp`` °C, ``pre`` mm/month, ``pet``
    mm/month (the file's mm/day × the days of each month, before averaging)."""
    path = Path(path)
    if variable not in CRU:
        raise LayerReadError(path, layer, f"variable {variable!r}; CRU TS layers here are {', '.join(CRU)}")
    file_units, _, platform_units, per_day = CRU[variable]
    _check_units(path, layer, units, file_units, f"CRU TS {variable} values")
    try:
        ds = xr.open_dataset(path, mask_and_scale=False, decode_times=True)
    except Exception as error:  # netCDF/HDF5 engines raise their own classes
        raise LayerReadError(path, layer, f"cannot be read as NetCDF: {error}") from None
    with ds:
        if variable not in ds.data_vars:
            raise LayerReadError(
                path, layer, f"has no variable {variable!r} (variables: {', '.join(ds.data_vars)})"
            )
        raw = ds[variable]
        if raw.dims != ("time", "lat", "lon"):
            raise LayerReadError(path, layer, f"{variable} has dims {raw.dims}; CRU TS is (time, lat, lon)")
        if normalise_units(raw.attrs.get("units", "")) != normalise_units(file_units):
            raise LayerReadError(
                path,
                layer,
                f"{variable} units {raw.attrs.get('units')!r}; CRU TS {variable} is {file_units!r}",
            )
        missing = raw.attrs.get(
            "missing_value", raw.encoding.get("missing_value", raw.attrs.get("_FillValue"))
        )
        if missing is None or not np.isclose(float(missing), CRU_MISSING, rtol=1e-5):
            raise LayerReadError(
                path, layer, f"{variable} missing_value {missing!r}; CRU TS uses {CRU_MISSING:g}"
            )
        if bbox is not None:
            west, south, east, north = bbox
            raw = raw.sel(
                lon=slice(west - 0.5, east + 0.5),
                lat=slice(south - 0.5, north + 0.5)
                if raw.lat[0] < raw.lat[-1]
                else slice(north + 0.5, south - 0.5),
            )
        values = raw.load()
    data = values.where(~np.isclose(values, float(missing), rtol=1e-5)).astype(np.float64)
    times = data.indexes["time"]
    years = sorted({t.year for t in times if sum(u.year == t.year for u in times) == 12})
    first, last = period or (years[0] if years else 0, years[-1] if years else -1)
    keep = (data["time"].dt.year >= first) & (data["time"].dt.year <= last)
    if int(keep.sum()) == 0 or int(keep.sum()) % 12:
        raise LayerReadError(
            path,
            layer,
            f"period {first}–{last}: no whole years of months in the file (years {years[:1]}…{years[-1:]})",
        )
    data = data.isel(time=keep.values)
    if per_day:
        data = data * data["time"].dt.days_in_month
    climatology = data.groupby("time.month").mean("time")
    climatology = (
        climatology.rename(lat="y", lon="x").sortby("y", ascending=False).transpose("month", "y", "x")
    )
    climatology = climatology.rio.write_crs("EPSG:4326").rio.write_nodata(np.nan, encoded=False)
    long_name = f"CRU TS {variable} monthly climatology {first}-{last}"
    out = _finish(climatology, path, layer, variable, platform_units, long_name)
    return out.assign_attrs(period=[first, last])


def land_cover_mapping(scheme: str) -> dict[int, int]:
    """``{product class: FAO class}`` of ``scheme`` ("esacci" or "modis") from the bundled table."""
    with LAND_COVER_TABLE.open(encoding="utf-8") as stream:
        rows = [row for row in csv.DictReader(stream) if row["scheme"] == scheme]
    if not rows:
        raise ValueError(f"no land-cover mapping for {scheme!r}; the table has esacci and modis")
    return {int(row["code"]): int(row["fao_class"]) for row in rows}


def read_land_cover(
    path: str | Path, *, layer: str, scheme: str, units: str = "class", bbox=None
) -> xr.DataArray:
    """An ESA CCI (``scheme="esacci"``) or MODIS IGBP (``"modis"``) land-cover GeoTIFF as FAO classes
    (float, NaN where nodata) by :func:`land_cover_mapping`; a class value the table lacks is an error
    listing every such value."""
    path = Path(path)
    if scheme not in _LAND_COVER:
        raise LayerReadError(
            path, layer, f"land-cover scheme {scheme!r}; expected one of {', '.join(_LAND_COVER)}"
        )
    if normalise_units(units) != "class":
        raise LayerReadError(
            path, layer, f"units {units!r} in the catalogue; land-cover classes have units 'class'"
        )
    da = _open_raw(path, layer, bbox)
    dtype, documented = _LAND_COVER[scheme]
    nodata = _check_dtype_nodata(
        da, path, layer, {dtype: (documented,)}, {"esacci": "ESA CCI", "modis": "MCD12Q1"}[scheme]
    )
    if scheme == "esacci":
        _check_geographic(da, path, layer)
    mapping = land_cover_mapping(scheme)
    raw = da.values  # uint8: classes map through a 256-entry table, nodata to NaN (4 bytes a pixel out)
    present = np.flatnonzero(np.bincount(raw.ravel(), minlength=256))
    unknown = [int(c) for c in present if c != nodata and int(c) not in mapping]
    if unknown:
        raise LayerReadError(path, layer, f"class value(s) {unknown} are not in the {scheme} mapping table")
    lookup = np.full(256, np.nan, dtype=np.float32)
    for code, fao in mapping.items():
        lookup[code] = fao
    lookup[int(nodata)] = np.nan
    decoded = xr.DataArray(lookup[raw], dims=da.dims, coords={d: da[d] for d in da.dims})
    decoded = decoded.rio.write_crs(da.rio.crs).rio.write_transform(da.rio.transform())
    decoded = decoded.rio.write_nodata(np.nan, encoded=False)
    return _finish(decoded, path, layer, "land_cover", "class", f"FAO land-cover class (from {scheme})")
