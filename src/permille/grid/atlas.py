"""Monitoring tables the dashboard serves precomputed: the sequestration-potential pipeline on a GLOBAL
SYNTHETIC grid, summarised by country, by the Initiative's five regions and for the world.

The input grid (:func:`global_synthetic_grid`) is SYNTHETIC — smooth functions of latitude and longitude
plus seeded noise on the bundled Natural Earth land mask, plausible by latitude and climate but derived
from no observation. It stands in for real rasters (SoilGrids/GSOC, WorldClim, CCI land cover) so that the
platform runs offline; every table made from it carries ``synthetic = true``.

:func:`atlas_table` runs :func:`permille.grid.pipeline.run` (T0 anchoring, warm-up, BAU and SSM scenarios,
Monte Carlo uncertainty members) once per forward year 1 … ``years`` to get yearly trajectories for fan
charts, then :func:`permille.grid.zonal.zonal_stats` of each layer by zone. Units: stocks and differences
in t C/ha (0–30 cm) with totals in Mt C; rates in t C/ha/yr with totals in Mt C/yr. The estimate is the
deterministic pipeline output; its SD is the Monte Carlo SD of the members, summed over cells as fully
correlated (the conservative bound of :mod:`permille.grid.zonal`: the input errors of soil maps are
spatially autocorrelated), with normal 95 % intervals.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from permille import __version__

from . import cluster, pipeline, synthetic, zonal

#: Where the bundled tables live (package data).
BUNDLED = files("permille") / "data" / "monitoring"
TABLE_FILE, METADATA_FILE = "zone_statistics.csv", "zone_statistics.json"

WORLD = "WLD"
LEVELS = ("global", "region", "country")

_STOCK_UNITS = ("t C ha-1", "Mt C")
_RATE_UNITS = ("t C ha-1 yr-1", "Mt C yr-1")

#: Columns of the atlas table, with units.
COLUMNS = {
    "level": "global, region or country",
    "zone": "ISO 3166-1 alpha-3 code (country), region name, or WLD (world)",
    "name": "display name of the zone",
    "region": "the Initiative's region of the zone (empty for the world)",
    "layer": "pipeline output: soc_t0, soc_bau, soc_ssm_<x>, diff_ssm_<x>, rate_bau, rate_ssm_<x>",
    "scenario": "bau or ssm_<x> (+x % carbon input); t0 for soc_t0",
    "year": "calendar year the value refers to (start_year + forward years)",
    "mean_units": "units of the area-weighted mean and its SD and interval",
    "total_units": "units of the total and its SD and interval",
    "n_valid": "modelled cells of the zone",
    "zone_area_ha": "area of all the zone's land cells, ha",
    "area_ha": "area of the zone's modelled cells, ha",
    "covered_fraction": "area_ha / zone_area_ha, 0–1",
    "mean": "area-weighted mean (mean_units)",
    "sd_mean": "standard deviation of the mean (mean_units)",
    "mean_low": "lower bound of the 95 % interval of the mean (mean_units)",
    "mean_high": "upper bound of the 95 % interval of the mean (mean_units)",
    "total": "total over the modelled area (total_units)",
    "sd_total": "standard deviation of the total (total_units)",
    "total_low": "lower bound of the 95 % interval of the total (total_units)",
    "total_high": "upper bound of the 95 % interval of the total (total_units)",
}

_RENAME = {
    "mean_t_c_ha": "mean",
    "sd_mean_t_c_ha": "sd_mean",
    "mean_low_t_c_ha": "mean_low",
    "mean_high_t_c_ha": "mean_high",
    "total_mt_c": "total",
    "sd_total_mt_c": "sd_total",
    "total_low_mt_c": "total_low",
    "total_high_mt_c": "total_high",
}


@dataclass(frozen=True)
class AtlasParameters:
    """What the bundled table is generated with: grid resolution (degrees), forward ``years``, SSM input
    ``increases`` (fractions), uncertainty ``members``, ``seed`` (grid and draws), ``warmup_years`` of the
    year-to-year climate before the start, and the calendar ``start_year`` of the forward run."""

    resolution_deg: float = 0.5
    years: int = 20
    increases: tuple[float, ...] = pipeline.SSM_INCREASES
    members: int = 12
    seed: int = 0
    warmup_years: int = 10
    start_year: int = 2020


# --- the synthetic grid ----------------------------------------------------------------------------------


def _smooth(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, waves: int = 4) -> np.ndarray:
    """A smooth random field on the sphere, roughly within [−1, 1]: sinusoids with whole wave numbers in
    longitude (continuous across the date line)."""
    field = np.zeros_like(lat)
    phi, lam = np.radians(lat), np.radians(lon)
    for k in range(1, waves + 1):
        m = rng.integers(1, 4) * k
        field += np.sin(m * lam + rng.uniform(0, 2 * np.pi)) * np.cos(k * phi + rng.uniform(0, 2 * np.pi)) / k
    return field / sum(1.0 / k for k in range(1, waves + 1))


def _pet(temperature: np.ndarray, annual_precipitation: np.ndarray) -> np.ndarray:
    """Potential evapotranspiration, mm/month: 4 to 6 mm per °C above 0, more where dry (a
    Thornthwaite-like ramp, enough for a plausible water balance)."""
    dryness = np.clip((800.0 - annual_precipitation) / 800.0, 0.0, 1.0)
    return np.maximum(0.0, (4.0 + 2.0 * dryness) * temperature)


def _land_mask(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(ny, nx) True where the cell centre lies in a bundled country polygon."""
    return zone_rasters(_template(lat, lon))["country"].values > 0


def _template(lat: np.ndarray, lon: np.ndarray) -> xr.DataArray:
    """An empty (y, x) EPSG:4326 grid on these cell centres."""
    da = xr.DataArray(np.zeros((lat.size, lon.size)), dims=("y", "x"), coords={"y": lat, "x": lon})
    return da.rio.write_crs("EPSG:4326")


def global_synthetic_grid(
    resolution_deg: float = 1.0, *, seed: int = 0, warmup_years: int = 10, start_year: int = 2020
) -> xr.Dataset:
    """A SYNTHETIC global input dataset for :func:`permille.grid.pipeline.run`, land cells only (NaN
    elsewhere), EPSG:4326, cell centres from 90° S to 90° N (north first) and 180° W to 180° E.

    Climate by latitude (annual mean 27 °C at the equator falling as 0.0072 lat² °C; seasonal amplitude
    growing with latitude, summer in July north and January south; rain peaking at the equator and in the
    mid-latitude storm tracks, dry subtropical belts), FAO land-cover classes by climate (9 bare soil
    below 250 mm/yr, 10 snow and glaciers where the warmest month is below 5 °C or the year below
    −10 °C, else 1 artificial,
    2 cropland, 3 grassland, 4 tree covered with climate-dependent shares), SOC 15–180 t C/ha (0–30 cm)
    higher where cold and wet, clay 5–60 %. With ``warmup_years`` > 0 a year-to-year series ending at
    ``start_year`` (0.03 °C/yr warming, yearly anomalies). Same variables and units as
    :func:`permille.grid.synthetic.synthetic_grid`.
    """
    if not 0.05 <= resolution_deg <= 10.0 or (180.0 / resolution_deg) % 1:
        raise ValueError(f"resolution_deg: {resolution_deg!r} must divide 180 and lie within [0.05, 10]")
    rng = np.random.default_rng(seed)
    ny, nx = round(180.0 / resolution_deg), round(360.0 / resolution_deg)
    lat = 90.0 - (np.arange(ny) + 0.5) * resolution_deg
    lon = -180.0 + (np.arange(nx) + 0.5) * resolution_deg
    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    land = _land_mask(lat, lon)
    month = np.arange(12)[:, None, None]
    summer = np.cos(2.0 * np.pi * (month - 6) / 12.0) * np.sign(lat2)  # +1 in local midsummer

    mean_t = 27.0 - 0.0072 * lat2**2 + 2.0 * _smooth(rng, lat2, lon2)
    temperature = mean_t + (1.0 + 0.28 * np.abs(lat2)) * summer
    annual_p = (
        180.0
        + 2200.0 * np.exp(-((lat2 / 10.0) ** 2))
        + 800.0 * np.exp(-(((np.abs(lat2) - 50.0) / 14.0) ** 2))
    )
    annual_p = annual_p * np.exp(0.5 * _smooth(rng, lat2, lon2))
    seasonality = 0.8 * np.exp(-((lat2 / 25.0) ** 2))  # tropical summer rains
    precipitation = annual_p / 12.0 * (1.0 + seasonality * summer)
    pet = _pet(temperature, annual_p)

    warmest = temperature.max(axis=0)
    wet = np.clip((annual_p - 250.0) / 1500.0, 0.0, 1.0)
    shares = np.stack(
        [np.full_like(wet, 0.03), 0.45 * (1 - wet) + 0.15, 0.5 * (1 - wet) + 0.1, 0.9 * wet + 0.05]
    )
    cumulative = np.cumsum(shares / shares.sum(axis=0), axis=0)
    land_cover = 1.0 + (rng.uniform(size=lat2.shape) > cumulative[:-1]).sum(axis=0)
    land_cover = np.select([(warmest < 5.0) | (mean_t < -10.0), annual_p < 250.0], [10.0, 9.0], land_cover)

    clay = np.clip(27.0 + 18.0 * _smooth(rng, lat2, lon2) + rng.normal(0, 4, lat2.shape), 5.0, 60.0)
    cold = np.clip((20.0 - mean_t) / 30.0, 0.0, 1.0)
    by_class = np.select([land_cover == 4, land_cover == 3], [15.0, 5.0], 0.0)
    soc = np.clip(30.0 + 70.0 * cold + 25.0 * wet + by_class + rng.normal(0, 8, lat2.shape), 15.0, 180.0)
    warmup = {}
    if warmup_years:
        shape = (warmup_years, 12, ny, nx)
        trend = 0.03 * (np.arange(warmup_years) - warmup_years)[:, None, None, None]
        t = temperature + trend + rng.normal(0.0, 0.5, (warmup_years, 1, 1, 1)) + rng.normal(0.0, 0.6, shape)
        p = precipitation * rng.lognormal(0.0, 0.2, shape)
        warmup = {
            name: values.reshape(12 * warmup_years, ny, nx)
            for name, values in (
                ("warmup_temperature", t),
                ("warmup_precipitation", p),
                ("warmup_pet", _pet(t, annual_p)),
            )
        }
    return synthetic.input_dataset(
        lat,
        lon,
        land,
        dict(
            soc_t0=soc,
            clay=clay,
            land_cover=land_cover,
            temperature=temperature,
            precipitation=precipitation,
            pet=pet,
        ),
        warmup,
        warmup_start_year=start_year - warmup_years,
        title="Synthetic global input grid for the GSOCseq sequestration-potential pipeline",
        source=f"permille.grid.atlas.global_synthetic_grid({resolution_deg}, seed={seed}, "
        f"warmup_years={warmup_years}, start_year={start_year})",
    )


def grid_digest(dataset: xr.Dataset) -> str:
    """SHA-256 of the grid's static inputs (SOC, clay, land cover), rounded to 1e-9: identifies the grid."""
    digest = hashlib.sha256()
    for name in ("soc_t0", "clay", "land_cover"):
        digest.update(np.round(np.nan_to_num(dataset[name].values, nan=-1.0), 9).tobytes())
    return digest.hexdigest()


# --- zones -----------------------------------------------------------------------------------------------


def country_index() -> pd.DataFrame:
    """The bundled countries with an ISO 3166-1 alpha-3 code: index ``iso3``, columns ``name``, ``region``
    (features without a code — Somaliland, Kosovo, N. Cyprus, … — count in their region only)."""
    geojson, _ = zonal.builtin_zones("countries")
    rows = {f["properties"]["iso3"]: f["properties"] for f in geojson["features"] if f["properties"]["iso3"]}
    return pd.DataFrame(
        {"name": [r["name"] for r in rows.values()], "region": [r["region"] for r in rows.values()]},
        index=pd.Index(list(rows), name="iso3"),
    )


def zone_rasters(like: xr.DataArray) -> dict[str, xr.DataArray]:
    """Zone id rasters on the grid of ``like`` by level: ``country`` (names are ISO3 codes, then the
    features without one, by name), ``region`` (the five regions) and ``global`` (every land cell)."""
    geojson, _ = zonal.builtin_zones("countries")
    keyed = {
        "type": "FeatureCollection",
        "features": [
            {**f, "properties": {"zone": f["properties"]["iso3"] or f["properties"]["name"]}}
            for f in geojson["features"]
        ],
    }  # features sharing a code (Australia, Ashmore and Cartier Is.) form one zone
    countries = zonal.rasterize_zones(keyed, like, name_property="zone")
    regions = zonal.rasterize_zones(geojson, like, name_property="region")
    world = (countries > 0).astype(np.int32)
    world.attrs = {"long_name": "zone id (0: no zone)", "zone_names": [WORLD]}
    return {"global": world, "region": regions, "country": countries}


# --- the table -------------------------------------------------------------------------------------------


def _layers(years: int, increases) -> dict[str, tuple[str, tuple[str, str]]]:
    """Final-year layers of the table: name → (scenario, (mean units, total units))."""
    labels = [pipeline._label(f) for f in increases]
    layers = {"soc_bau": ("bau", _STOCK_UNITS)}
    layers |= {f"soc_ssm_{k}": (f"ssm_{k}", _STOCK_UNITS) for k in labels}
    layers |= {f"diff_ssm_{k}": (f"ssm_{k}", _STOCK_UNITS) for k in labels}
    layers |= {"rate_bau": ("bau", _RATE_UNITS)}
    layers |= {f"rate_ssm_{k}": (f"ssm_{k}", _RATE_UNITS) for k in labels}
    return layers


def _zone_rows(result: xr.Dataset, rasters, names, layers, year: int) -> list[pd.DataFrame]:
    """Zonal statistics of ``layers`` {name: (scenario, units)} of a pipeline result, every level."""
    tables = []
    for level, ids in rasters.items():
        for layer, (scenario, (mean_units, total_units)) in layers.items():
            table = zonal.zonal_stats(result[layer], ids, sd_t_c_ha=result[f"{layer}_sd"], correlation="full")
            table = table.rename(columns=_RENAME).drop(columns=["zone_id", "n_cells"])
            table.index.name = "zone"
            table = table.reset_index()
            if level == "country":
                table = table[table["zone"].isin(names.index)]
            table.insert(0, "level", level)
            table.insert(2, "name", [_display(level, z, names) for z in table["zone"]])
            table.insert(3, "region", [_region(level, z, names) for z in table["zone"]])
            table.insert(4, "layer", layer)
            table.insert(5, "scenario", scenario)
            table.insert(6, "year", year)
            table.insert(7, "mean_units", mean_units)
            table.insert(8, "total_units", total_units)
            tables.append(table)
    return tables


def _display(level: str, zone: str, names: pd.DataFrame) -> str:
    return names.at[zone, "name"] if level == "country" else {"global": "World", "region": zone}[level]


def _region(level: str, zone: str, names: pd.DataFrame) -> str:
    return names.at[zone, "region"] if level == "country" else {"global": "", "region": zone}[level]


def zone_table(
    dataset: xr.Dataset,
    params: AtlasParameters,
    *,
    rasters: dict[str, xr.DataArray] | None = None,
    chunk: int = 45,
    on_year=None,
) -> tuple[pd.DataFrame, dict]:
    """The rows of the monitoring table (columns :data:`COLUMNS`) for a pipeline input ``dataset`` (any
    EPSG:4326 grid: the synthetic global one or real layers on the atlas grid) and the attributes of the
    last pipeline result. ``rasters``: zone ids by level (default :func:`zone_rasters` of the grid);
    ``on_year(year)`` is called after each forward year (progress). Years, increases, members and seed from
    ``params``; see :func:`atlas_table` for the rows.
    """
    rasters = zone_rasters(dataset["soc_t0"]) if rasters is None else rasters
    names = country_index()
    stocks = {k: v for k, v in _layers(params.years, params.increases).items() if k.startswith("soc_")}
    tables, attrs = [], {}
    chunked = cluster.persist(dataset.chunk({"y": chunk, "x": chunk}))  # sent to a cluster's workers once
    for year in range(1, params.years + 1):
        result = pipeline.run(
            chunked,
            years=year,
            increases=params.increases,
            members=params.members,
            seed=params.seed,
        ).compute()
        if year == 1:
            t0 = {"soc_t0": ("t0", _STOCK_UNITS)}
            tables += _zone_rows(result, rasters, names, t0, params.start_year)
        layers = _layers(params.years, params.increases) if year == params.years else stocks
        tables += _zone_rows(result, rasters, names, layers, params.start_year + year)
        attrs = result.attrs
        if on_year is not None:
            on_year(year)
    return pd.concat(tables, ignore_index=True)[list(COLUMNS)], attrs


def atlas_table(params: AtlasParameters = AtlasParameters(), *, chunk: int = 45) -> tuple[pd.DataFrame, dict]:
    """The monitoring table (columns :data:`COLUMNS`, one row per level × zone × layer × year) and its
    metadata (``synthetic``, parameters, provenance, grid digest, column descriptions).

    Rows: ``soc_t0`` at ``start_year``; the stocks ``soc_bau`` and ``soc_ssm_<x>`` every year
    ``start_year + 1 … start_year + years`` (the fan charts); differences and rates at the last year.
    Each year is one :func:`permille.grid.pipeline.run` with ``members`` Monte Carlo members, computed
    chunk by chunk (``chunk`` cells a side).
    """
    if params.members < 2:
        raise ValueError(f"members: {params.members!r}; the atlas needs at least 2 uncertainty members")
    dataset = global_synthetic_grid(
        params.resolution_deg,
        seed=params.seed,
        warmup_years=params.warmup_years,
        start_year=params.start_year,
    )
    table, attrs = zone_table(dataset, params, chunk=chunk)
    metadata = {
        "synthetic": True,
        "title": "Soil organic carbon stock and sequestration potential by zone — SYNTHETIC demonstration data",
        "caveat": "Computed from a SYNTHETIC global grid (plausible by latitude and climate, derived from no "
        "observation): for demonstrating the platform only, not an estimate for any country.",
        "parameters": asdict(params) | {"increases": list(params.increases)},
        "generator": "permille.grid.atlas.atlas_table",
        "permille_version": __version__,
        "grid": dataset.attrs["source"],
        "grid_sha256": grid_digest(dataset),
        "depth_cm": pipeline.DEPTH_CM,
        "pipeline": {k: v for k, v in attrs.items() if isinstance(v, str | int | float | list)},
        "zones": "Natural Earth 1:50m admin-0 countries and the Initiative's five regions "
        "(permille/data/boundaries/PROVENANCE.md); cell-centre rule",
        "uncertainty": "SD = Monte Carlo SD of the members (FAO GSOCseq manual Table 12.1 input ranges), "
        "summed over cells as fully correlated (conservative); 95 % interval = estimate ± 1.96 SD",
        "columns": COLUMNS,
    }
    return table, metadata


def write_atlas(table: pd.DataFrame, metadata: dict, out: Path) -> list[Path]:
    """Write ``zone_statistics.csv`` (values to 6 significant digits) and ``zone_statistics.json`` into
    ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv, meta = out / TABLE_FILE, out / METADATA_FILE
    table.to_csv(csv, index=False, float_format="%.6g")
    meta.write_text(json.dumps(metadata, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [csv, meta]


def read_atlas(folder: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """The table and metadata written by :func:`write_atlas` (default: the bundled ones)."""
    base = BUNDLED if folder is None else folder
    table = pd.read_csv(base / TABLE_FILE, keep_default_na=False, na_values=[""], dtype={"region": str})
    table["region"] = table["region"].fillna("")
    metadata = json.loads((base / METADATA_FILE).read_text(encoding="utf-8"))
    return table, metadata
