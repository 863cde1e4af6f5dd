"""Tiny byte-faithful reproductions of the real datasets' files, for the reader, catalogue and atlas-build
tests: the same container, data type, nodata / fill value, scale and offset, CRS, band layout, file names
and variable names and attributes as the published files — but a few dozen pixels of made-up values
(no real clip can be had offline). What each reproduces, and from which documentation:

- :func:`gsocmap` — FAO GSOCmap v1.5 (``GSOCmap_1.5.0.tif``) and GSOCseq v1.1 maps
  (``GSOCseq_T0_Map030.tif``, ``GSOCseq_T0_UncertaintyMap030.tif``): single-band GeoTIFF, Float32, NoData
  −3.4e38 (float32 −3.4028234663852886e+38, as GDAL reports the R/ArcGIS value), EPSG:4326, LZW, t C/ha
  0–30 cm. FAO (2018) GSOCmap technical report; FAO (2020) GSOCseq technical manual, chapter 10.
- :func:`soilgrids` — ISRIC SoilGrids 2.0 COGs (``clay_0-5cm_mean.tif``, ``ocs_0-30cm_mean.tif``,
  ``bdod_0-5cm_mean.tif``, ``soc_0-5cm_mean.tif``): Int16, NoData −32768, Interrupted Goode Homolosine
  (``+proj=igh +datum=WGS84 +units=m``, ESRI:54052), tiled, DEFLATE; integer mapped units (clay g/kg, bdod
  cg/cm³, soc dg/kg, ocs t/ha). Pixels here are 5 km (the published aggregated resolution is 1 km/5 km,
  the native one 250 m). ISRIC SoilGrids FAQ (https://www.isric.org/explore/soilgrids/faq-soilgrids).
- :func:`worldclim` — WorldClim 2.1 monthly climatology at 10′ (``wc2.1_10m_tavg_01.tif`` …
  ``wc2.1_10m_prec_12.tif``): one single-band GeoTIFF per month, EPSG:4326, ``tavg`` Float32 NoData
  −3.4e38 in °C, ``prec`` Int16 NoData −32768 in mm. https://www.worldclim.org/data/worldclim21.html.
- :func:`cru` — CRU TS 4 NetCDF (``cru_ts4.05.1901.2020.tmp.dat.nc`` …): dims (time, lat, lon) with
  ``lon``/``lat`` float32 cell centres on the 0.5° lattice (lat ascending), ``time`` days since 1900-1-1
  (gregorian, mid-month), the variable (``tmp`` "degrees Celsius", ``pre`` "mm/month", ``pet`` "mm/day")
  float32 with ``_FillValue`` = ``missing_value`` = 9.96921e36 and ``correlation_decay_distance``, and
  the station count ``stn`` (int32). Attributes as listed by the CRU TS 4 OPeNDAP/DAS metadata and
  Harris et al. (2020), doi:10.1038/s41597-020-0453-3. (Written as NetCDF-4 here; the reader takes the
  layout, whichever NetCDF container the engine opens.)
- :func:`esacci` — ESA CCI land cover GeoTIFF (``ESACCI-LC-L4-LCCS-Map-300m-P1Y-2015-v2.0.7.tif``): Byte,
  NoData 0, EPSG:4326, LCCS class values 10 … 220 (Product User Guide v2, Table 2). Pixels of 0.05° here.
- :func:`modis` — MODIS MCD12Q1 ``LC_Type1`` exported to GeoTIFF: Byte, fill 255, the MODIS sinusoidal CRS
  (sphere R = 6 371 007.181 m), IGBP classes 1 … 17 (MCD12Q1 v6.1 User Guide, Table 3). 5 km pixels here.

Every writer takes a ``bbox`` (lon/lat; default :data:`BBOX`, around Belgium) and a pixel size, so that
``benchmarks/bench_atlas_build.py`` writes the same layouts at scale. Values are smooth functions of position; :data:`SOC_BY_CELL` gives GSOCmap stocks constant on each 0.5°
atlas cell, so that resampled zone means can be checked exactly.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import rasterio
import xarray as xr
from rasterio.transform import from_origin

#: A box around Belgium (lon/lat west, south, east, north) the fixtures cover.
BBOX = (2.0, 49.0, 7.0, 52.0)
FLOAT32_NODATA = float(np.float32(-3.4e38))
CRU_FILL = np.float32(9.96921e36)
HOMOLOSINE = "+proj=igh +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
SINUSOIDAL = "+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs"


def _lonlat_grid(res: float, bbox=BBOX):
    west, south, east, north = bbox
    nx, ny = round((east - west) / res), round((north - south) / res)
    lon = west + (np.arange(nx) + 0.5) * res
    lat = north - (np.arange(ny) + 0.5) * res
    return np.meshgrid(lon, lat), from_origin(west, north, res, res)


def _write(path: Path, values: np.ndarray, *, crs, transform, dtype, nodata, **options) -> Path:
    profile = dict(
        driver="GTiff", height=values.shape[-2], width=values.shape[-1], count=1, dtype=dtype, crs=crs,
        transform=transform, nodata=nodata, **options,
    )  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values.astype(dtype), 1)
    return path


def soc_by_cell(lon, lat) -> np.ndarray:
    """The GSOCmap stock (t C/ha) of the 0.5° atlas cell holding (lon, lat): 40 + 5·column + 3·row."""
    return 40.0 + 5.0 * np.floor((lon + 180.0) / 0.5 % 20) + 3.0 * np.floor((90.0 - lat) / 0.5 % 20)


SOC_BY_CELL = soc_by_cell


def gsocmap(
    path: Path,
    *,
    res: float = 0.1,
    bbox=BBOX,
    nodata: float | None = FLOAT32_NODATA,
    dtype="float32",
    crs="EPSG:4326",
    uncertainty=False,
) -> Path:
    """A GSOCmap/GSOCseq-style stock (or its uncertainty: 20 % of the stock) GeoTIFF; the first row's
    first 3 pixels are nodata."""
    (lon, lat), transform = _lonlat_grid(res, bbox)
    values = soc_by_cell(lon, lat) * (0.2 if uncertainty else 1.0)
    if nodata is not None:
        values[0, :3] = nodata
    return _write(path, values, crs=crs, transform=transform, dtype=dtype, nodata=nodata, compress="lzw")


def _homolosine_grid(res_m: float, bbox=BBOX):
    to_igh = pyproj.Transformer.from_crs("EPSG:4326", HOMOLOSINE, always_xy=True)
    west, south, east, north = bbox
    xs, ys = to_igh.transform([west, east, east, west], [south, south, north, north])
    x0, x1 = np.floor(min(xs) / res_m) * res_m, np.ceil(max(xs) / res_m) * res_m
    y0, y1 = np.floor(min(ys) / res_m) * res_m, np.ceil(max(ys) / res_m) * res_m
    nx, ny = round((x1 - x0) / res_m), round((y1 - y0) / res_m)
    x = x0 + (np.arange(nx) + 0.5) * res_m
    y = y1 - (np.arange(ny) + 0.5) * res_m
    xx, yy = np.meshgrid(x, y)
    lon, lat = pyproj.Transformer.from_crs(HOMOLOSINE, "EPSG:4326", always_xy=True).transform(xx, yy)
    return (lon, lat), from_origin(x0, y1, res_m, res_m)


def soilgrids_values(soil_property: str, lon, lat) -> np.ndarray:
    """Integer mapped values of a SoilGrids property at (lon, lat): clay 150–350 g/kg, bdod 120–150
    cg/cm³, soc 80–200 dg/kg, ocs = the GSOCmap cell stock in t/ha."""
    wave = 0.5 + 0.5 * np.sin(lon) * np.cos(lat)
    return np.round(
        {
            "clay": 150 + 200 * wave,
            "bdod": 120 + 30 * wave,
            "soc": 80 + 120 * wave,
            "ocs": soc_by_cell(lon, lat),
        }[soil_property]
    )


def soilgrids(
    folder: Path,
    soil_property: str = "clay",
    depth: str = "0-5cm",
    *,
    res_m: float = 5000.0,
    dtype="int16",
    nodata: float | None = -32768,
    crs=HOMOLOSINE,
    bbox=BBOX,
    res_deg: float | None = None,
) -> Path:
    """A SoilGrids 2.0 ``<property>_<depth>_mean.tif`` in Homolosine (or ``crs``), or with ``res_deg`` in
    EPSG:4326 (the WGS84 variant the readers accept too); the corner pixel is nodata."""
    if res_deg is not None:
        crs = "EPSG:4326"
        (lon, lat), transform = _lonlat_grid(res_deg, bbox)
    else:
        (lon, lat), transform = _homolosine_grid(res_m, bbox)
    values = soilgrids_values(soil_property, lon, lat)
    if nodata is not None:
        values[0, 0] = nodata
    path = Path(folder) / f"{soil_property}_{depth}_mean.tif"
    return _write(
        path, values, crs=crs, transform=transform, dtype=dtype, nodata=nodata, tiled=True, blockxsize=16,
        blockysize=16, compress="deflate",
    )  # fmt: skip


def worldclim_value(variable: str, month: int, lon, lat) -> np.ndarray:
    """tavg °C (2–18, warmest in July) or prec mm (55–85) of ``month`` at (lon, lat)."""
    season = np.cos(2 * np.pi * (month - 7) / 12)
    if variable == "tavg":
        return 10.0 + 8.0 * season - 0.3 * (lat - 50.0) + 0.0 * lon
    return np.round(70.0 + 15.0 * np.sin(month + lon / 3.0))


def worldclim(
    folder: Path,
    variable: str = "tavg",
    *,
    res: float = 1 / 6,
    months=range(1, 13),
    shift: float = 0.0,
    bbox=BBOX,
) -> list[Path]:
    """The 12 WorldClim 2.1 files ``wc2.1_10m_<variable>_<MM>.tif`` (``tavg`` float32 or ``prec`` int16);
    ``shift`` moves the grid of July's file by that many degrees (a grid mismatch)."""
    paths = []
    for month in months:
        (lon, lat), transform = _lonlat_grid(res, bbox)
        if month == 7 and shift:
            transform = transform @ rasterio.Affine.translation(shift / res, 0)
        values = worldclim_value(variable, month, lon, lat)
        dtype, nodata = ("float32", FLOAT32_NODATA) if variable == "tavg" else ("int16", -32768)
        values[-1, -1] = nodata
        path = Path(folder) / f"wc2.1_10m_{variable}_{month:02d}.tif"
        paths.append(
            _write(
                path,
                values,
                crs="EPSG:4326",
                transform=transform,
                dtype=dtype,
                nodata=nodata,
                compress="deflate",
            )
        )
    return paths


CRU_ATTRS = {
    "tmp": {
        "long_name": "near-surface temperature",
        "units": "degrees Celsius",
        "correlation_decay_distance": np.float32(1200.0),
    },
    "pre": {
        "long_name": "precipitation",
        "units": "mm/month",
        "correlation_decay_distance": np.float32(450.0),
    },
    "pet": {
        "long_name": "potential evapotranspiration",
        "units": "mm/day",
        "correlation_decay_distance": np.float32(-999.0),
    },
}


def cru_value(variable: str, time: pd.DatetimeIndex, lon, lat) -> np.ndarray:
    """tmp °C, pre mm/month or pet mm/day of each month of ``time`` at (lon, lat): (time, lat, lon)."""
    month = np.asarray(time.month)[:, None, None]
    season = np.cos(2 * np.pi * (month - 7) / 12)
    base = {"tmp": 10.0 + 7.0 * season, "pre": 65.0 + 10.0 * np.sin(month), "pet": 2.0 + 1.5 * season}[
        variable
    ]
    return base + 0.0 * lon + 0.1 * (lat - 50.0) * (variable == "tmp")


def cru(
    folder: Path,
    variable: str = "tmp",
    *,
    years=(2001, 2002),
    units: str | None = None,
    missing=CRU_FILL,
    bbox=BBOX,
) -> Path:
    """``cru_ts4.05.<first>.<last>.<variable>.dat.nc`` on the 0.5° lattice over :data:`BBOX`; the
    north-west cell is missing in every month."""
    west, south, east, north = bbox
    lon = np.arange(west + 0.25, east, 0.5, dtype=np.float32)
    lat = np.arange(south + 0.25, north, 0.5, dtype=np.float32)
    time = pd.date_range(
        f"{years[0]}-01-01", periods=12 * (years[1] - years[0] + 1), freq="MS"
    ) + pd.Timedelta(days=15)
    lon2, lat2 = np.meshgrid(lon, lat)
    values = cru_value(variable, time, lon2, lat2).astype(np.float32)
    values[:, -1, 0] = missing
    attrs = dict(CRU_ATTRS[variable]) | ({"units": units} if units else {})
    ds = xr.Dataset(
        {
            variable: (("time", "lat", "lon"), values, attrs),
            "stn": (
                ("time", "lat", "lon"),
                np.full(values.shape, 3, np.int32),
                {"description": "number of stations contributing to each datum"},
            ),
        },
        coords={
            "lon": ("lon", lon, {"long_name": "longitude", "units": "degrees_east"}),
            "lat": ("lat", lat, {"long_name": "latitude", "units": "degrees_north"}),
            "time": ("time", time, {"long_name": "time"}),
        },
        attrs={
            "Conventions": "CF-1.4",
            "title": f"CRU TS4.05 {CRU_ATTRS[variable]['long_name']}",
            "institution": "Data held at British Atmospheric Data Centre, RAL, UK.",
            "source": "Run ID = 2103051243. Data generated from:tmp.2103041709.dtb",
            "references": "Information on the data is available at http://badc.nerc.ac.uk/data/cru/",
        },
    )
    encoding = {
        variable: {"dtype": "float32", "_FillValue": missing, "missing_value": missing},
        "time": {"units": "days since 1900-1-1", "calendar": "gregorian", "dtype": "float32"},
        "lon": {"_FillValue": None},
        "lat": {"_FillValue": None},
        "stn": {"_FillValue": np.int32(-999)},
    }
    path = Path(folder) / f"cru_ts4.05.{years[0]}.{years[1]}.{variable}.dat.nc"
    ds.to_netcdf(path, engine="h5netcdf", encoding=encoding)
    return path


#: ESA CCI classes of the fixture, in a repeating pattern: cropland, grassland, broadleaved trees, urban.
ESACCI_PATTERN = (10, 130, 60, 190)


def esacci(path: Path, *, res: float = 0.05, extra_class: int | None = None, bbox=BBOX) -> Path:
    """An ESA CCI LCCS GeoTIFF: each 0.5° atlas cell one dominant class (75 % of its pixels) cycling through
    :data:`ESACCI_PATTERN` by column, the rest of the pixels class 30 (mosaic cropland); one nodata pixel.
    ``extra_class`` puts a class value the mapping table lacks into one pixel."""
    (lon, lat), transform = _lonlat_grid(res, bbox)
    column = np.floor((lon + 180.0) / 0.5).astype(int)
    values = np.array(ESACCI_PATTERN)[column % len(ESACCI_PATTERN)]
    minority = (np.floor((lat - bbox[1]) / res).astype(int) % 4) == 0
    values = np.where(minority, 30, values)
    values[0, 0] = 0
    if extra_class is not None:
        values[1, 1] = extra_class
    return _write(path, values, crs="EPSG:4326", transform=transform, dtype="uint8", nodata=0, compress="lzw")


def modis(path: Path, *, res_m: float = 5000.0, nodata: float | None = 255) -> Path:
    """An MCD12Q1 LC_Type1 GeoTIFF in the MODIS sinusoidal CRS: IGBP croplands (12) west of 4.5° E,
    deciduous broadleaf forest (4) east of it; one fill pixel."""
    to_sinu = pyproj.Transformer.from_crs("EPSG:4326", SINUSOIDAL, always_xy=True)
    west, south, east, north = BBOX
    xs, ys = to_sinu.transform([west, east, east, west], [south, south, north, north])
    x0, y1 = np.floor(min(xs) / res_m) * res_m, np.ceil(max(ys) / res_m) * res_m
    nx, ny = round((max(xs) - x0) / res_m) + 1, round((y1 - min(ys)) / res_m) + 1
    xx, yy = np.meshgrid(x0 + (np.arange(nx) + 0.5) * res_m, y1 - (np.arange(ny) + 0.5) * res_m)
    lon, _ = pyproj.Transformer.from_crs(SINUSOIDAL, "EPSG:4326", always_xy=True).transform(xx, yy)
    values = np.where(lon < 4.5, 12, 4)
    if nodata is not None:
        values[0, 0] = nodata
    return _write(
        path,
        values,
        crs=SINUSOIDAL,
        transform=from_origin(x0, y1, res_m, res_m),
        dtype="uint8",
        nodata=nodata,
    )
