"""The bundled real layers (``permille/data/layers``, built by ``scripts/build_soil_layers.py``) read as
arrays on the atlas grids: the 5′ grid of the Sanderman et al. (2017) stock maps (:func:`fine_layers`) and
a coarser grid for the GSOCseq pipeline (:func:`pipeline_inputs`).

Units: stocks and their standard deviations in t C/ha, clay in %, temperature in °C, precipitation and
PET in mm/month, NPP in t C/ha/yr. Classes: IGBP (MODIS MCD12C1 2019), IPCC soil class codes
(``zobler1986_ipcc_soil_class/ipcc_soil_classes.csv``), IPCC climate-zone codes
(``ipcc_climate_zone_era5/zones.csv``).

Stock standard deviation: :func:`permille.grid.layer_files.stock_sd` (docs/atlas.md).
"""

import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
import rasterio
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from affine import Affine

from ..models.pet import thornthwaite
from . import layer_files, pipeline


def _read(layer: str, name: str) -> tuple[np.ndarray, Affine, float | None]:
    with rasterio.open(str(layer_files.LAYERS / layer / name)) as source:
        return source.read(1), source.transform, source.nodata


def _float(values: np.ndarray, nodata) -> np.ndarray:
    out = values.astype(np.float32)
    if nodata is not None:
        out[values == nodata] = np.nan
    return out


def _sample(values: np.ndarray, transform: Affine, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Nearest-cell values of a north-up global grid at the (y,) latitudes × (x,) longitudes given."""
    rows = np.clip(np.floor((lat - transform.f) / transform.e).astype(int), 0, values.shape[0] - 1)
    cols = np.clip(np.floor((lon - transform.c) / transform.a).astype(int), 0, values.shape[1] - 1)
    return values[rows[:, None], cols[None, :]]


def _fill_sd(sd: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Pixels with a stock but no error value (about 0.9 % of the land pixels, mostly lake shores and
    coasts) take the stock × the ratio Σ SD / Σ stock of the pixels that have both."""
    both = np.isfinite(sd) & np.isfinite(stock)
    ratio = float(sd[both].sum(dtype=np.float64) / stock[both].sum(dtype=np.float64))
    return np.where(np.isfinite(stock) & ~both, stock * ratio, sd).astype(np.float32)


@dataclass(frozen=True)
class FineLayers:
    """Every layer on the 5′ grid of the stock maps (``transform``, (2160, 4320) arrays, NaN / 0 outside)."""

    transform: Affine
    stocks: dict[str, np.ndarray]  # STOCKS keys, t C/ha
    sd_0_30: np.ndarray
    sd_0_100: np.ndarray
    igbp: np.ndarray  # uint8, 255 none
    soil_class: np.ndarray  # uint8 codes of soil_classes(), 0 none
    climate_zone: np.ndarray  # uint8 codes of climate_zones(), 0 none
    clay: np.ndarray  # %

    @property
    def shape(self) -> tuple[int, int]:
        return self.sd_0_30.shape

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        return centres(self.transform, self.shape)


def centres(transform: Affine, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(y,) latitudes and (x,) longitudes of the cell centres of a north-up grid."""
    return (
        transform.f + transform.e * (np.arange(shape[0]) + 0.5),
        transform.c + transform.a * (np.arange(shape[1]) + 0.5),
    )


@cache
def fine_layers() -> FineLayers:
    """The bundled layers on the 5′ grid (cached: about 0.4 GB)."""
    stocks = {}
    for key, name in layer_files.STOCKS.items():
        values, transform, nodata = _read(layer_files.SANDERMAN, name)
        stocks[key] = _float(values, nodata)
    e0 = _float(*_read(layer_files.SANDERMAN, "abs_error_OCDENS_0cm_2010AD_10km_ll.tif")[::2])
    e30 = _float(*_read(layer_files.SANDERMAN, "abs_error_OCDENS_30cm_2010AD_10km_ll.tif")[::2])
    sd_30, sd_100 = layer_files.stock_sd(e0, e30)
    sd_30 = _fill_sd(sd_30, stocks["soc_0_30_2010"])
    sd_100 = _fill_sd(sd_100, stocks["soc_0_100_2010"])
    lat, lon = centres(transform, sd_30.shape)
    igbp, t_igbp, _ = _read(layer_files.LAND_COVER, "MCD12C1.A2019001.006.2020220162300.tif")
    soil, t_soil, _ = _read(layer_files.SOIL_CLASS, "ipcc_soil_class_1deg.tif")
    zone, t_zone, _ = _read(layer_files.CLIMATE_ZONE, "ipcc_climate_zone_5arcmin.tif")
    clay, t_clay, clay_nodata = _read(layer_files.CLAY, "clay_pct_0p25deg.tif")
    return FineLayers(
        transform,
        stocks,
        sd_30,
        sd_100,
        _sample(igbp, t_igbp, lat, lon),
        _sample(soil, t_soil, lat, lon),
        _sample(zone, t_zone, lat, lon),
        _sample(_float(clay, clay_nodata), t_clay, lat, lon),
    )


def cover_groups(igbp: np.ndarray) -> np.ndarray:
    """Atlas cover group index (0 cropland, 1 grassland, 2 forest, 3 other, −1 none) of IGBP classes."""
    table = layer_files.igbp_table()
    lookup = np.full(256, -1, dtype=np.int8)
    for code, cover in table["atlas_cover"].items():
        if cover:
            lookup[code] = layer_files.COVERS.index(cover)
    return lookup[igbp]


# --- the coarse grid of the GSOCseq pipeline --------------------------------------------------------


def _block_mean(values: np.ndarray, factor: int) -> np.ndarray:
    ny, nx = values.shape[0] // factor, values.shape[1] // factor
    blocks = values[: ny * factor, : nx * factor].reshape(ny, factor, nx, factor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN blocks (sea) give NaN
        return np.nanmean(blocks, axis=(1, 3))


def _block_majority(classes: np.ndarray, factor: int, n_classes: int) -> np.ndarray:
    ny, nx = classes.shape[0] // factor, classes.shape[1] // factor
    blocks = classes.reshape(ny, factor, nx, factor).transpose(0, 2, 1, 3).reshape(ny, nx, -1)
    counts = np.stack([(blocks == k).sum(axis=2) for k in range(n_classes)], axis=2)
    return counts.argmax(axis=2)


def pipeline_inputs(resolution_deg: float = 0.5) -> xr.Dataset:
    """The input dataset of :func:`permille.grid.pipeline.run` on a global grid of ``resolution_deg``
    (0.5 or 1°; cell centres from 90° N and 180° W): ``soc_t0`` the block mean of the Sanderman 0–30 cm
    2010 stock, ``clay`` the block mean of GLDAS clay, ``land_cover`` the pipeline (FAO) class of the most
    frequent IGBP class of the MODIS 0.05° cells (2 cropland, 3 grassland, 4 tree cover are modelled),
    ``temperature`` and ``precipitation`` the ERA5 2000–2025 climatology (0.5° cells averaged) and ``pet``
    Thornthwaite's of it; plus ``npp`` … not a pipeline input: ``npp_miami`` (t C/ha/yr, MIAMI of the
    climatology, 0.45 g C per g DM) for the maps. NaN where any input is missing."""
    if resolution_deg not in (0.5, 1.0):
        raise ValueError(f"resolution_deg: {resolution_deg!r}; the real atlas grid is 0.5 or 1°")
    k = round(resolution_deg / 0.5)
    fine = fine_layers()
    soc = _block_mean(fine.stocks["soc_0_30_2010"], 6 * k)
    clay_grid, _, clay_nodata = _read(layer_files.CLAY, "clay_pct_0p25deg.tif")
    clay = _block_mean(_float(clay_grid, clay_nodata), 2 * k)
    igbp, _, _ = _read(layer_files.LAND_COVER, "MCD12C1.A2019001.006.2020220162300.tif")
    majority = _block_majority(np.where(igbp == 255, 0, igbp), 10 * k, 17)
    fao = layer_files.igbp_table()["fao_class"].reindex(range(17)).to_numpy(dtype=float)[majority]
    climate = []
    for name in ("tmp_monthly_0p5deg.tif", "pre_monthly_0p5deg.tif"):
        with rasterio.open(str(layer_files.LAYERS / layer_files.CLIMATE / name)) as source:
            values = source.read().astype(float)
            values[values == source.nodata] = np.nan
            values *= source.scales[0]
        climate.append(np.stack([_block_mean(m, k) for m in values]) if k > 1 else values)
    tmp, pre = climate
    ny, nx = soc.shape
    lat = 90.0 - resolution_deg * (np.arange(ny) + 0.5)
    lon = -180.0 + resolution_deg * (np.arange(nx) + 0.5)
    pet = thornthwaite(tmp, np.broadcast_to(lat[:, None], (ny, nx)))
    ok = np.isfinite(soc) & (soc > 0) & np.isfinite(clay) & np.isfinite(tmp).all(axis=0)
    npp = pipeline.npp_miami(tmp.mean(axis=0), pre.sum(axis=0)) * 0.45 / 100.0  # g DM/m² → t C/ha
    coords = {"y": lat, "x": lon, "month": np.arange(1, 13)}

    def grid(a):
        return xr.DataArray(np.where(ok, a, np.nan), dims=("y", "x"))

    def monthly(a):
        return xr.DataArray(np.where(ok, a, np.nan), dims=("month", "y", "x"))

    dataset = xr.Dataset(
        {
            "soc_t0": grid(soc),
            "clay": grid(clay),
            "land_cover": grid(fao),
            "temperature": monthly(tmp),
            "precipitation": monthly(pre),
            "pet": monthly(pet),
        },
        coords=coords,
    ).rio.write_crs("EPSG:4326")
    dataset["npp_miami"] = grid(npp)
    dataset.attrs = {
        "title": "GSOCseq input grid from the bundled real layers",
        "source": "; ".join(layer_files.SOURCES),
    }
    return dataset
