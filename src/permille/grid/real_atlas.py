"""The real default atlas: soil organic carbon of the world, the Initiative's five regions and every country
(or any area of interest) from the bundled real layers (:mod:`permille.grid.real_layers`), never synthetic.

For each zone (:func:`summarise`, long table :data:`COLUMNS`):

- SOC stock 0–30 and 0–100 cm, 2010 (Sanderman et al. 2017): area-weighted mean (t C/ha) and total (Mt C),
  for all land and by cover (cropland, grassland, forest, other: MODIS MCD12C1 2019 by ``igbp_classes.csv``),
  with 95 % intervals from the per-pixel SD (:func:`permille.grid.layer_files.stock_sd`); pixel errors are
  taken as fully correlated within 1° blocks and independent between blocks (:data:`BLOCK_DEG`; between the
  two bounds of :mod:`permille.grid.zonal`);
- the carbon debt: "no land use" − 2010 stock (mean and total, 0–30 and 0–100 cm; no interval: the model's
  two scenarios share their errors);
- the 4‰ target: 0.4 %/yr of the 0–30 cm stock of cropland and grassland (Mt C/yr and Mt CO2e/yr, × 44/12);
- an independent IPCC Tier 1 estimate: SOCref (IPCC 2019 Table 2.3) of the pixel's climate zone (ERA5) and
  soil class (Zobler FAO-74) × FLU × FMG × FI of its land use (cropland long-term cultivated, full
  tillage, medium input; every other use 1), on the pixels with a mineral soil class and a SOCref, with the
  mapped stock over the same pixels beside it (95 % interval: the coefficients' errors, fully correlated);
- the GSOCseq sequestration potential (:func:`potential_maps`: RothC on a coarser grid, BAU and SSM +5, +10,
  +20 % inputs, 20 years, Monte Carlo members): SSM − BAU after 20 years (t C/ha, Mt C) and its rate
  (Mt C/yr) over the modelled cropland, grassland and tree cover, each fine pixel taking its coarse cell.

The GSOCseq pipeline's zone table (:func:`permille.grid.atlas.zone_table`) of the same inputs is the real
monitoring dataset of the dashboard (:func:`build`).
"""

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import xarray as xr
from affine import Affine

from permille import __version__

from ..i18n import Text
from ..models.ipcc.categories import ClimateZone, LandUse, SoilClass
from ..models.ipcc.coefficients import socref, stock_change_factor
from ..registry.real_atlas import DATASET_PREFIX
from . import atlas, cluster, layer_files, pipeline, real_layers, zonal

SUMMARY_FILE, METADATA_FILE, POTENTIAL_FILE = "summary.csv", "metadata.json", "potential.tif"
MONITORING = "monitoring"  # sub-folder: zone_statistics.csv and .json (a zones dataset)
BLOCK_DEG = 1.0
CO2_PER_C = 44.0 / 12.0
TARGET_RATE = 0.004
SCENARIOS = tuple(pipeline._label(f) for f in pipeline.SSM_INCREASES)

COLUMNS = {
    "level": "global, region, country or area",
    "zone": "ISO3 code, region name, WLD or the area's name",
    "name": "display name",
    "region": "the Initiative's region (countries)",
    "quantity": "stock_mean, stock_total, debt_mean, debt_total, tier1_mean, tier1_total, mapped_on_tier1_mean, "
    "target_c, target_co2e, potential_mean_<s>, potential_total_<s>, potential_rate_<s>, area",
    "cover": "all, cropland, grassland, forest or other",
    "depth_cm": "0-30 or 0-100",
    "estimate": "the value (units)",
    "sd": "standard deviation (units); empty where none is derived",
    "low": "lower bound of the 95 % interval",
    "high": "upper bound of the 95 % interval",
    "units": "units",
    "area_ha": "area of the pixels counted, ha",
    "covered_fraction": "area_ha / the zone's land area of that cover, 0–1",
}

SOURCES = {
    "stock": Text(
        "Sanderman, Hengl & Fiske (2017), PNAS 114(36): 9575-9580, doi:10.1073/pnas.1706103114 (5′, MIT); "
        "land cover MODIS MCD12C1 2019, doi:10.5067/MODIS/MCD12C1.006"
    ),
    "debt": Text("Sanderman et al. (2017): 'no land use' minus 2010 stock, doi:10.1073/pnas.1706103114"),
    "target": Text(
        "4 per 1000 Initiative: 0.4 %/yr of the agricultural (cropland + grassland) 0–30 cm stock of "
        "Sanderman et al. (2017) on MODIS MCD12C1 2019 cover"
    ),
    "tier1": Text(
        "IPCC 2019 Refinement Vol 4 Ch 2 Table 2.3 (SOCref) and Ch 5/6 (FLU, FMG, FI); soil class Zobler "
        "FAO-74 1° (doi:10.3334/ORNLDAAC/418); climate zone from ERA5 2000–2025; land use MODIS MCD12C1 2019"
    ),
    "potential": Text(
        "GSOCseq method (FAO 2020 technical manual), RothC-26.3; T0 Sanderman et al. (2017) 0–30 cm "
        "2010, clay GLDAS, land cover MODIS MCD12C1 2019, climate ERA5 2000–2025, PET Thornthwaite"
    ),
}
CAVEATS = {
    "stock": Text(
        "A 10 km machine-learning model of soil profiles (2017), not a national GSOCmap; the 95 % interval "
        "assumes the pixel errors fully correlated within 1° blocks and independent between them."
    ),
    "debt": Text("Modelled loss since the start of land use (12,000 years); no interval published."),
    "target": Text("Aspirational: 0.4 %/yr of the agricultural topsoil stock, not a modelled potential."),
    "tier1": Text(
        "Default coefficients of one climate zone × soil class (Zobler 1°, 1986); organic soils "
        "(Histosols) have no SOCref and are left out; factors assume 20-year equilibrium."
    ),
    "potential": Text(
        "Run on a coarse grid (see the metadata); GLDAS clay is smooth; uncertainty members are "
        "the GSOCseq Table 12.1 input ranges only."
    ),
}


@dataclass(frozen=True)
class Parameters:
    """``resolution_deg`` of the GSOCseq grid (1 or 0.5°), forward ``years``, uncertainty ``members``,
    ``seed`` and calendar ``start_year`` of the T0 stock (the 2010 map taken as the start)."""

    resolution_deg: float = 1.0
    years: int = 20
    members: int = 10
    seed: int = 0
    start_year: int = 2020


# --- Tier 1 coefficients per pixel ------------------------------------------------------------------


def _tier1_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lookup arrays: SOCref value and relative 95 % error [climate code, soil code] (NaN where none), and
    the land-use factor product and its relative 95 % error [climate code, IGBP class]."""
    zones, soils = layer_files.climate_zones(), layer_files.soil_classes()
    ref = np.full((256, 256), np.nan)
    ref_err = np.zeros((256, 256))
    for zc, zone in zones.items():
        for sc, soil in soils.items():
            if soil == "organic":
                continue  # Histosols: no SOCref (organic soils are not a mineral class)
            try:
                value = socref(ClimateZone(zone), SoilClass(soil))
            except LookupError:
                continue
            ref[zc, sc], ref_err[zc, sc] = value.value, value.error_pct_95 / 100.0
    factor = np.full((256, 256), np.nan)
    factor_err = np.zeros((256, 256))
    table = layer_files.igbp_table()
    for zc, zone in zones.items():
        for igbp, use in table["tier1_land_use"].items():
            if not use:
                continue
            product, errors = 1.0, []
            try:
                for name in ("FLU", "FMG", "FI"):
                    c = stock_change_factor(name, LandUse(use), ClimateZone(zone))
                    product *= c.value
                    errors.append(c.error_pct_95 / 100.0)
            except LookupError:  # no factor in this zone (polar): no Tier 1 estimate there
                continue
            factor[zc, igbp], factor_err[zc, igbp] = product, float(np.sqrt(np.sum(np.square(errors))))
    return ref, ref_err, factor, factor_err


# --- zone sums on the fine grid -------------------------------------------------------------------------


@dataclass
class Window:
    """A part of the fine grid: rows and cols slices, the zone ids in it (0: none; 1…n), zone keys."""

    rows: slice
    cols: slice
    ids: np.ndarray
    keys: list[str]


def _fine_areas(fine: real_layers.FineLayers, rows: slice) -> np.ndarray:
    """(y,) cell areas of the rows, ha (authalic sphere, :func:`permille.grid.zonal.cell_area_ha`)."""
    t = fine.transform
    edges = np.clip(t.f + t.e * np.arange(rows.start, rows.stop + 1), -90.0, 90.0)
    band = np.abs(np.diff(np.sin(np.radians(edges))))
    return zonal.EARTH_AUTHALIC_RADIUS_M**2 * np.radians(abs(t.a)) * band / zonal.M2_PER_HA


def _rows(level, keys, names, regions, quantity, cover, depth, estimate, sd, half, units, area, land):
    area, land = np.asarray(area, dtype=float), np.asarray(land, dtype=float)
    frame = pd.DataFrame(
        {
            "level": level, "zone": keys, "name": names, "region": regions, "quantity": quantity,
            "cover": cover, "depth_cm": depth, "estimate": estimate, "sd": sd,
            "low": estimate - half, "high": estimate + half, "units": units, "area_ha": area,
            "covered_fraction": np.divide(area, land, out=np.full_like(area, np.nan), where=land > 0),
        }
    )  # fmt: skip
    return frame


def _sums(ids, n, values, area):
    return np.bincount(ids, weights=values * area if values is not None else area, minlength=n + 1)[1:]


def summarise_window(
    window: Window, level: str, names: list[str], regions: list[str], potential: xr.Dataset
) -> pd.DataFrame:
    """The :data:`COLUMNS` rows of every zone of ``window`` (module docstring)."""
    fine = real_layers.fine_layers()
    r, c = window.rows, window.cols
    ids = window.ids.astype(np.int64)
    n = len(window.keys)
    ny, nx = ids.shape
    area = np.broadcast_to(_fine_areas(fine, r)[:, None], (ny, nx))
    block_rows = (np.arange(r.start, r.stop) * abs(fine.transform.e) // BLOCK_DEG).astype(np.int64)
    block_cols = (np.arange(c.start, c.stop) * fine.transform.a // BLOCK_DEG).astype(np.int64)
    blocks = block_rows[:, None] * 1000 + block_cols[None, :]
    igbp = fine.igbp[r, c]
    cover = real_layers.cover_groups(igbp)
    land = ids > 0
    stock30 = fine.stocks["soc_0_30_2010"][r, c]
    land &= np.isfinite(stock30)
    covers = {"all": land} | {name: land & (cover == i) for i, name in enumerate(layer_files.COVERS)}
    out = []
    keys = window.keys

    def emit(quantity, cover_name, depth, estimate, sd, half, units, counted, land_area):
        out.append(_rows(level, keys, names, regions, quantity, cover_name, depth, estimate, sd, half,
                         units, counted, land_area))  # fmt: skip

    land_area = {}
    for cover_name, mask in covers.items():
        idx, a = ids[mask], area[mask]
        land_area[cover_name] = np.bincount(idx, weights=a, minlength=n + 1)[1:]
        emit("area", cover_name, "", land_area[cover_name], np.full(n, np.nan), np.zeros(n), "ha",
             land_area[cover_name], land_area["all"])  # fmt: skip
    target_stock = np.zeros(n)
    target_var = np.zeros(n)
    for depth, key, sd_grid in (("0-30", "30", fine.sd_0_30), ("0-100", "100", fine.sd_0_100)):
        stock = fine.stocks[f"soc_0_{key}_2010"][r, c]
        nolu = fine.stocks[f"soc_0_{key}_nolu"][r, c]
        sd = sd_grid[r, c]
        for cover_name, mask in covers.items():
            valid = mask & np.isfinite(stock) & np.isfinite(sd)
            idx, a = ids[valid], area[valid]
            counted = np.bincount(idx, weights=a, minlength=n + 1)[1:]
            total_t = np.bincount(idx, weights=stock[valid] * a, minlength=n + 1)[1:]
            # SD: fully correlated within a 1° block, independent between blocks
            block_key = idx * 1_000_000 + blocks[valid]
            unique, inverse = np.unique(block_key, return_inverse=True)
            per_block = np.bincount(inverse, weights=sd[valid] * a)
            var_t = np.bincount(unique // 1_000_000, weights=per_block**2, minlength=n + 1)[1:]
            sd_t = np.sqrt(var_t)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(counted > 0, total_t / counted, np.nan)
                sd_mean = np.where(counted > 0, sd_t / counted, np.nan)
            half_total, half_mean = zonal.Z_95 * sd_t / 1e6, zonal.Z_95 * sd_mean
            emit(
                "stock_mean",
                cover_name,
                depth,
                mean,
                sd_mean,
                half_mean,
                "t C ha-1",
                counted,
                land_area[cover_name],
            )
            emit("stock_total", cover_name, depth, total_t / 1e6, sd_t / 1e6, half_total, "Mt C", counted,
                 land_area[cover_name])  # fmt: skip
            if depth == "0-30" and cover_name in ("cropland", "grassland"):
                target_stock += total_t / 1e6
                target_var += (sd_t / 1e6) ** 2  # cropland and grassland blocks taken as independent
            debt_valid = mask & np.isfinite(stock) & np.isfinite(nolu)
            didx, da = ids[debt_valid], area[debt_valid]
            dcount = np.bincount(didx, weights=da, minlength=n + 1)[1:]
            dtotal = np.bincount(didx, weights=(nolu - stock)[debt_valid] * da, minlength=n + 1)[1:]
            with np.errstate(invalid="ignore", divide="ignore"):
                dmean = np.where(dcount > 0, dtotal / dcount, np.nan)
            none = np.full(n, np.nan)
            emit("debt_mean", cover_name, depth, dmean, none, none, "t C ha-1", dcount, land_area[cover_name])
            emit(
                "debt_total",
                cover_name,
                depth,
                dtotal / 1e6,
                none,
                none,
                "Mt C",
                dcount,
                land_area[cover_name],
            )
    target_sd = np.sqrt(target_var)
    agri = land_area["cropland"] + land_area["grassland"]
    for quantity, factor, units in (
        ("target_c", 1.0, "Mt C yr-1"),
        ("target_co2e", CO2_PER_C, "Mt CO2e yr-1"),
    ):
        scale = TARGET_RATE * factor
        emit(quantity, "cropland+grassland", "0-30", target_stock * scale, target_sd * scale,
             zonal.Z_95 * target_sd * scale, units, agri, agri)  # fmt: skip
    # IPCC Tier 1
    ref, ref_err, factor, factor_err = _tier1_tables()
    zone_code, soil_code = fine.climate_zone[r, c], fine.soil_class[r, c]
    tier1 = ref[zone_code, soil_code] * factor[zone_code, igbp]
    rel = np.sqrt(ref_err[zone_code, soil_code] ** 2 + factor_err[zone_code, igbp] ** 2)
    for cover_name, mask in covers.items():
        valid = mask & np.isfinite(tier1)
        idx, a = ids[valid], area[valid]
        counted = np.bincount(idx, weights=a, minlength=n + 1)[1:]
        total = np.bincount(idx, weights=tier1[valid] * a, minlength=n + 1)[1:]
        half = np.bincount(idx, weights=tier1[valid] * rel[valid] * a, minlength=n + 1)[1:]
        mapped = np.bincount(idx, weights=stock30[valid] * a, minlength=n + 1)[1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(counted > 0, total / counted, np.nan)
            half_mean = np.where(counted > 0, half / counted, np.nan)
            mapped_mean = np.where(counted > 0, mapped / counted, np.nan)
        emit("tier1_mean", cover_name, "0-30", mean, half_mean / zonal.Z_95, half_mean, "t C ha-1", counted,
             land_area[cover_name])  # fmt: skip
        emit("tier1_total", cover_name, "0-30", total / 1e6, half / 1e6 / zonal.Z_95, half / 1e6, "Mt C", counted,
             land_area[cover_name])  # fmt: skip
        none = np.full(n, np.nan)
        emit("mapped_on_tier1_mean", cover_name, "0-30", mapped_mean, none, none, "t C ha-1", counted,
             land_area[cover_name])  # fmt: skip
    # GSOCseq potential: each fine pixel takes its coarse cell
    lat, lon = real_layers.centres(fine.transform, fine.shape)
    lat, lon = lat[r], lon[c]
    res = float(potential["y"][0] - potential["y"][1])
    prow = np.clip(((90.0 - lat) / res).astype(int), 0, potential.sizes["y"] - 1)
    pcol = np.clip(((lon + 180.0) / res).astype(int), 0, potential.sizes["x"] - 1)
    for label in SCENARIOS:
        for kind, units_mean, units_total in (
            ("potential", "t C ha-1", "Mt C"),
            ("potential_rate", "t C ha-1 yr-1", "Mt C yr-1"),
        ):
            # the rate is the additional sequestration per year: (SSM − BAU) / years
            scale = 1.0 / potential.attrs["forward_years"] if kind == "potential_rate" else 1.0
            values = potential[f"diff_ssm_{label}"].values[prow[:, None], pcol[None, :]] * scale
            sd = potential[f"diff_ssm_{label}_sd"].values[prow[:, None], pcol[None, :]] * scale
            valid = land & np.isfinite(values) & np.isfinite(sd)
            idx, a = ids[valid], area[valid]
            counted = np.bincount(idx, weights=a, minlength=n + 1)[1:]
            total = np.bincount(idx, weights=values[valid] * a, minlength=n + 1)[1:]
            sd_total = np.bincount(idx, weights=sd[valid] * a, minlength=n + 1)[1:]  # fully correlated
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(counted > 0, total / counted, np.nan)
                sd_mean = np.where(counted > 0, sd_total / counted, np.nan)
            emit(f"{kind}_mean_{label}", "modelled", "0-30", mean, sd_mean, zonal.Z_95 * sd_mean, units_mean,
                 counted, land_area["all"])  # fmt: skip
            emit(f"{kind}_total_{label}", "modelled", "0-30", total / 1e6, sd_total / 1e6,
                 zonal.Z_95 * sd_total / 1e6, units_total, counted, land_area["all"])  # fmt: skip
    return pd.concat(out, ignore_index=True)[list(COLUMNS)]


# --- the build --------------------------------------------------------------------------------------


def fine_template() -> xr.DataArray:
    fine = real_layers.fine_layers()
    lat, lon = fine.centres()
    da = xr.DataArray(np.zeros(fine.shape, dtype=np.uint8), dims=("y", "x"), coords={"y": lat, "x": lon})
    return da.rio.write_crs("EPSG:4326").rio.write_transform(fine.transform)


def summarise_zones(potential: xr.Dataset) -> pd.DataFrame:
    """Rows of the world, the five regions and every bundled country with an ISO3 code."""
    fine = real_layers.fine_layers()
    rasters = atlas.zone_rasters(fine_template())
    index = atlas.country_index()
    index["name"] = index.index.map(_largest_feature_names())  # AUS: Australia, not its islets
    whole = (slice(0, fine.shape[0]), slice(0, fine.shape[1]))
    tables = []
    for level, ids in rasters.items():
        keys = list(ids.attrs["zone_names"])
        if level == "country":
            names = [index.at[k, "name"] if k in index.index else k for k in keys]
            regions = [index.at[k, "region"] if k in index.index else "" for k in keys]
        else:
            names = ["World"] if level == "global" else keys
            regions = [""] * len(keys) if level == "global" else keys
        table = summarise_window(Window(*whole, ids.values, keys), level, names, regions, potential)
        if level == "country":
            table = table[table["zone"].isin(index.index)]
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _largest_feature_names() -> dict[str, str]:
    """ISO3 → the name of its largest bundled feature (several features may share a code)."""
    from shapely.geometry import shape

    geojson, _ = zonal.builtin_zones("countries")
    best: dict[str, tuple[float, str]] = {}
    for feature in geojson["features"]:
        iso3 = feature["properties"]["iso3"]
        area = shape(feature["geometry"]).area
        if iso3 and area > best.get(iso3, (-1.0, ""))[0]:
            best[iso3] = (area, feature["properties"]["name"])
    return {iso3: name for iso3, (_, name) in best.items()}


def potential_maps(params: Parameters, dataset: xr.Dataset | None = None, *, chunk=(45, 90)) -> xr.Dataset:
    """GSOCseq pixel maps on the coarse grid: :func:`permille.grid.pipeline.run` of
    :func:`permille.grid.real_layers.pipeline_inputs` with ``members`` Monte Carlo members, computed in
    (y, x) ``chunk`` blocks on the active Dask scheduler (threads, or a ``distributed`` cluster)."""
    dataset = real_layers.pipeline_inputs(params.resolution_deg) if dataset is None else dataset
    inputs = dataset.drop_vars("npp_miami")
    result = pipeline.run(
        cluster.persist(inputs.chunk({"y": chunk[0], "x": chunk[1]})),
        years=params.years,
        members=params.members,
        seed=params.seed,
    ).compute()
    result["npp_miami"] = dataset["npp_miami"]
    result["clay"] = dataset["clay"]
    result = result.assign_coords(y=dataset["y"], x=dataset["x"]).rio.write_crs("EPSG:4326")
    return result


POTENTIAL_BANDS = (
    ("soc_t0", "input_t0", "rate_bau", "npp_miami")
    + tuple(f"{p}{s}" for s in SCENARIOS for p in ("diff_ssm_", "rate_ssm_"))
    + tuple(f"diff_ssm_{s}_sd" for s in SCENARIOS)
)


def write_potential(result: xr.Dataset, path: Path) -> None:
    """The potential maps as one float32 GeoTIFF, a band per :data:`POTENTIAL_BANDS` (descriptions = names)."""
    res = float(result["y"][0] - result["y"][1])
    data = np.stack([result[b].values.astype(np.float32) for b in POTENTIAL_BANDS])
    profile = {
        "driver": "GTiff", "dtype": "float32", "count": len(POTENTIAL_BANDS), "height": data.shape[1],
        "width": data.shape[2], "crs": "EPSG:4326", "transform": Affine(res, 0, -180, 0, -res, 90),
        "nodata": np.nan, "compress": "deflate", "predictor": 3,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        dst.descriptions = POTENTIAL_BANDS
        dst.update_tags(forward_years=str(int(result.attrs["forward_years"])))


def read_potential(path: Path) -> xr.Dataset:
    with rasterio.open(str(path)) as src:
        data, names, t = src.read(), src.descriptions, src.transform
        years = int(src.tags()["forward_years"])
    lat, lon = real_layers.centres(t, data.shape[1:])
    ds = xr.Dataset({n: (("y", "x"), data[i]) for i, n in enumerate(names)}, coords={"y": lat, "x": lon})
    ds.attrs["forward_years"] = years
    return ds


def steps(params: Parameters) -> int:
    """Progress steps of :func:`build`: layers, potential, zone summary, monitoring years, write."""
    return 4 + params.years


def build(
    out: Path, params: Parameters = Parameters(), *, on_step: Callable[[str], None] | None = None
) -> dict:
    """Build the real atlas into ``out``: ``summary.csv``, ``potential.tif``, ``metadata.json`` and the
    monitoring zone dataset in ``out/monitoring`` (``permille.registry.zones.load_folder``). Returns the
    metadata."""
    step = on_step or (lambda _text: None)
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    real_layers.fine_layers()
    dataset = real_layers.pipeline_inputs(params.resolution_deg)
    step("layers read")
    potential = potential_maps(params, dataset)
    potential.attrs["forward_years"] = params.years
    write_potential(potential, out / POTENTIAL_FILE)
    step("GSOCseq potential maps")
    summary = summarise_zones(read_potential(out / POTENTIAL_FILE))
    summary.to_csv(out / SUMMARY_FILE, index=False, float_format="%.6g")
    step("zone summary")
    atlas_params = atlas.AtlasParameters(
        resolution_deg=params.resolution_deg, years=params.years, members=params.members, seed=params.seed,
        warmup_years=0, start_year=params.start_year,
    )  # fmt: skip
    table, attrs = atlas.zone_table(
        dataset.drop_vars("npp_miami"), atlas_params, on_year=lambda y: step(f"monitoring year {y}")
    )
    table = table[table["zone_area_ha"] > 0].reset_index(drop=True)
    digest = hashlib.sha256()
    for layer in layer_files.SOURCES:
        digest.update((layer_files.LAYERS / layer / "item.json").read_bytes())
    digest.update(json.dumps(asdict(params), sort_keys=True).encode())
    name = f"{DATASET_PREFIX}{digest.hexdigest()[:10]}"
    monitoring = {
        "dataset": name,
        "synthetic": False,
        "title": "SOC stock and GSOCseq sequestration potential by zone, from the bundled real layers",
        "caveat": CAVEATS["potential"],
        "parameters": asdict(params) | {"increases": list(pipeline.SSM_INCREASES)},
        "layers": [layer_files.source_line(layer) for layer in layer_files.SOURCES],
        "generator": "permille.grid.real_atlas.build",
        "permille_version": __version__,
        "depth_cm": pipeline.DEPTH_CM,
        "pipeline": {k: v for k, v in attrs.items() if isinstance(v, str | int | float | list)},
        "uncertainty": "SD = Monte Carlo SD of the members (FAO GSOCseq manual Table 12.1 input ranges), summed "
        "over cells as fully correlated (conservative); 95 % interval = estimate ± 1.96 SD",
        "columns": atlas.COLUMNS,
    }
    atlas.write_atlas(table, monitoring, out / MONITORING)
    metadata = {
        "dataset": name,
        "synthetic": False,
        "title": "Soil organic carbon atlas from the bundled real layers",
        "parameters": asdict(params),
        "sources": SOURCES,
        "caveats": CAVEATS,
        "layers": {layer: layer_files.source_line(layer) for layer in layer_files.SOURCES},
        "columns": COLUMNS,
        "zones": "Natural Earth 1:50m admin-0 countries and the Initiative's five regions; cell-centre rule "
        "on the 5′ grid",
        "build_seconds": round(time.perf_counter() - start, 1),
        "permille_version": __version__,
    }
    (out / METADATA_FILE).write_text(
        json.dumps(metadata, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    step("written")
    return metadata
