"""A synthetic input grid for :func:`permille.grid.pipeline.run`: plausible and reproducible, NOT real data.

A geographic (EPSG:4326) grid from 50° N to the equator and 10° W to 30° E: temperate in the north, a hot
dry belt around 24° N (warmest months 27–35 °C) and a humid tropical south, an ocean strip along the west
(NaN), FAO aggregated land-cover classes 1–4 (Table 6.1 of the FAO GSOCseq technical manual, 2020), clay
5–60 %, SOC 20–120 t C/ha (0–30 cm). Every field is a smooth function of latitude and longitude plus seeded
noise; none is derived from observations.
"""

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor used to write the CRS)
import xarray as xr

#: Extent of the grid, degrees: north, south, west, east.
NORTH, SOUTH, WEST, EAST = 50.0, 0.0, -10.0, 30.0

#: Share of land pixels in FAO classes 1 (artificial), 2 (cropland), 3 (grassland), 4 (tree covered).
CLASS_SHARES = {1: 0.08, 2: 0.42, 3: 0.30, 4: 0.20}

_MONTH = np.arange(12)[:, None, None]  # January = 0
_SUMMER = np.cos(2.0 * np.pi * (_MONTH - 6) / 12.0)  # 1 in July, −1 in January


def _smooth(rng, lat, lon, waves: int = 3) -> np.ndarray:
    """A smooth random field of latitude and longitude (degrees), roughly within [−1, 1]."""
    field = np.zeros_like(lat)
    for k in range(1, waves + 1):
        ky, kx = rng.uniform(0.05, 0.25, 2) * k
        phase = rng.uniform(0, 2 * np.pi)
        field += np.sin(ky * lat + kx * lon + phase) / k
    return field / sum(1.0 / k for k in range(1, waves + 1))


def _pet(temperature, dryness):
    """Potential evapotranspiration, mm/month: (4 + 2·dryness) mm per °C above 0 (a Thornthwaite-like
    ramp, enough for a plausible water balance)."""
    return np.maximum(0.0, (4.0 + 2.0 * dryness) * temperature)


def _climate(rng, lat, lon, dryness):
    """Monthly temperature (°C), precipitation and PET (mm), each (12, ny, nx), January first."""
    mean = 27.0 - 0.34 * lat + 7.0 * dryness + 0.8 * _smooth(rng, lat, lon)
    amplitude = 1.0 + 0.18 * lat + 3.0 * dryness
    temperature = mean + amplitude * _SUMMER
    annual = (150.0 + 1700.0 * np.exp(-((lat / 11.0) ** 2)) + 600.0 * np.clip((lat - 30.0) / 15.0, 0, 1)) * (
        1.0 - 0.85 * dryness
    )
    annual = annual * np.exp(0.15 * _smooth(rng, lat, lon))
    seasonality = 0.8 - 1.1 * np.clip((lat - 20.0) / 20.0, 0.0, 1.0)  # summer rains south, winter north
    precipitation = annual / 12.0 * (1.0 + seasonality * _SUMMER)
    return temperature, precipitation, _pet(temperature, dryness)


def _warmup(rng, temperature, precipitation, dryness, years: int):
    """A year-to-year series (12·years, ny, nx): the climatology with yearly and monthly temperature
    anomalies (°C), a 0.03 °C/yr trend and log-normal precipitation anomalies; PET follows temperature."""
    shape = (years, 12, *temperature.shape[1:])
    yearly = rng.normal(0.0, 0.6, (years, 1, 1, 1)) + 0.03 * (np.arange(years) - years)[:, None, None, None]
    t = (temperature + yearly + rng.normal(0.0, 0.8, shape)).reshape(12 * years, *shape[2:])
    p = (precipitation * rng.lognormal(0.0, 0.25, shape)).reshape(12 * years, *shape[2:])
    return t, p, _pet(t, dryness)


VARIABLES = {
    "soc_t0": (("y", "x"), "SOC stock 0-30 cm", "t C ha-1"),
    "clay": (("y", "x"), "Clay content 0-30 cm", "%"),
    "land_cover": (("y", "x"), "FAO aggregated land-cover class (GSOCseq manual Table 6.1)", "1"),
    "temperature": (("month", "y", "x"), "Monthly mean air temperature", "degC"),
    "precipitation": (("month", "y", "x"), "Monthly precipitation", "mm"),
    "pet": (("month", "y", "x"), "Monthly potential evapotranspiration", "mm"),
    "plant_cover": (("month", "y", "x"), "Plant cover (1 covered, 0 bare)", "1"),
}
"""Dimensions, long name and units of the pipeline's input variables in a synthetic grid."""


def input_dataset(
    lat, lon, land, fields: dict, warmup: dict, *, warmup_start_year: int, title: str, source: str
):
    """A SYNTHETIC pipeline input dataset on a geographic grid (EPSG:4326) from its arrays.

    ``fields`` holds the static and monthly variables of :data:`VARIABLES` but ``plant_cover``, derived
    here (cropland, class 2, covered in months with T ≥ 5 °C and rain ≥ 0.3 PET; other classes all year);
    ``warmup`` maps ``warmup_temperature|precipitation|pet`` to (12·years, y, x) monthly series starting in
    January of ``warmup_start_year``. Pixels outside ``land`` are NaN in every variable.
    """
    growing = (fields["temperature"] >= 5.0) & (fields["precipitation"] >= 0.3 * fields["pet"])
    fields = fields | {"plant_cover": np.where(fields["land_cover"] == 2, growing, True).astype(float)}
    variables = {
        name: (dims, fields[name], long_name, units) for name, (dims, long_name, units) in VARIABLES.items()
    }
    coords = {
        "y": ("y", lat, {"standard_name": "latitude", "units": "degrees_north"}),
        "x": ("x", lon, {"standard_name": "longitude", "units": "degrees_east"}),
        "month": ("month", np.arange(1, 13), {"long_name": "month of the year (1 = January)"}),
    }
    for name, values in warmup.items():
        _, long_name, units = VARIABLES[name.removeprefix("warmup_")]
        variables[name] = (("time", "y", "x"), values, f"{long_name}, year to year (warm-up)", units)
    if warmup:
        months = next(iter(warmup.values())).shape[0]
        coords["time"] = pd.date_range(f"{warmup_start_year}-01-01", periods=months, freq="MS")
    ds = xr.Dataset(
        {
            name: (dims, np.where(land, values, np.nan), {"long_name": long_name, "units": units})
            for name, (dims, values, long_name, units) in variables.items()
        },
        coords=coords,
        attrs={"title": title, "comment": "SYNTHETIC — not real data", "source": source},
    )
    return ds.rio.write_crs("EPSG:4326")


def synthetic_grid(
    ny: int = 36, nx: int = 48, *, seed: int = 0, chunks: dict | None = None, warmup_years: int = 0
) -> xr.Dataset:
    """A SYNTHETIC input dataset for :func:`permille.grid.pipeline.run` on ``ny`` × ``nx`` pixels.

    Variables: ``soc_t0`` (t C/ha, 0–30 cm), ``clay`` (%), ``land_cover`` (FAO class 1–4), ``temperature``
    (°C), ``precipitation`` and ``pet`` (mm/month), ``plant_cover`` (0/1; cropland covered in months with
    T ≥ 5 °C and rain ≥ 0.3 PET, other classes all year), dims (month, y, x) for the monthly ones; with
    ``warmup_years`` > 0 also ``warmup_temperature``, ``warmup_precipitation``, ``warmup_pet`` (time, y, x)
    from January 2001. Ocean pixels are NaN in every variable. Coordinates ``y`` (latitude, degrees north,
    north first) and ``x`` (longitude, degrees east) are cell centres; CRS EPSG:4326. ``chunks`` (e.g.
    ``{"y": 6, "x": 5}``) returns Dask-backed variables.
    """
    rng = np.random.default_rng(seed)
    lat = NORTH - (np.arange(ny) + 0.5) * (NORTH - SOUTH) / ny
    lon = WEST + (np.arange(nx) + 0.5) * (EAST - WEST) / nx
    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    ocean = (lon2 - WEST) / (EAST - WEST) + 0.06 * np.sin(lat2 / 4.0 + rng.uniform(0, 2 * np.pi)) < 0.12
    dryness = np.exp(-(((lat2 - 24.0) / 7.0) ** 2)) * (0.7 + 0.3 * (lon2 - WEST) / (EAST - WEST))

    temperature, precipitation, pet = _climate(rng, lat2, lon2, dryness)
    classes = np.array(list(CLASS_SHARES))
    land_cover = rng.choice(classes, size=(ny, nx), p=list(CLASS_SHARES.values())).astype(float)
    clay = np.clip(32.5 + 22.0 * _smooth(rng, lat2, lon2) + rng.normal(0, 4, (ny, nx)), 5.0, 60.0)
    cold = np.clip((27.0 - temperature.mean(axis=0)) / 20.0, 0.0, 1.0)
    by_class = np.select([land_cover == 4, land_cover == 3], [15.0, 5.0], 0.0)
    soc = np.clip(35.0 + 45.0 * cold + by_class - 20.0 * dryness + rng.normal(0, 8, (ny, nx)), 20.0, 120.0)
    warmup = {}
    if warmup_years:
        t, p, e = _warmup(rng, temperature, precipitation, dryness, warmup_years)
        warmup = {"warmup_temperature": t, "warmup_precipitation": p, "warmup_pet": e}
    ds = input_dataset(
        lat,
        lon,
        ~ocean,
        dict(
            soc_t0=soc,
            clay=clay,
            land_cover=land_cover,
            temperature=temperature,
            precipitation=precipitation,
            pet=pet,
        ),
        warmup,
        warmup_start_year=2001,
        title="Synthetic input grid for the GSOCseq sequestration-potential pipeline",
        source=f"permille.grid.synthetic.synthetic_grid(ny={ny}, nx={nx}, seed={seed})",
    )
    return ds.chunk(chunks) if chunks else ds
