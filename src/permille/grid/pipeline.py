"""Soil organic carbon sequestration potential per pixel (GSOCseq method): RothC-26.3, exact and vectorised,
on flat arrays (:func:`compute_pixels`, :func:`compute_uncertainty`) or on xarray grids, numpy- or
Dask-backed (:func:`run`).

The phases follow the FAO GSOCseq technical manual (FAO 2020, "Global Soil Organic Carbon Sequestration
Potential Map — GSOCseq v1.1, technical manual", Table 5.1):

1. T0 anchoring (phase 1, by its analytical solution): the annual plant carbon input whose RothC equilibrium
   under the 12-month climatology equals the observed stock ``soc_t0``
   (:func:`permille.models.rothc.inputs_for_stock`). IOM from Falloon et al. (1998); DPM/RPM ratio from the
   land-cover class; the input spread evenly over the months with plant cover.
2. Warm-up (phase 2, optional): a year-to-year monthly climate series run from that equilibrium with the
   same input (the manual scales the input year by year with NPP; here it is held constant).
3. Forward (phase 3): ``years`` years on the repeated climatology under business as usual (BAU: the anchored
   input) and under sustainable soil management (SSM: input × (1 + f) for every increase f).

For a given climate RothC is affine in (initial pools, inputs) and its moisture deficit does not depend on
carbon, so an SSM run equals BAU + f × R, where R is ONE response run from empty pools (and the BAU
deficit) with the BAU input: two runs whatever the number of scenarios, equal to separate runs to rounding.

Model: Coleman, K. & Jenkinson, D. S. (1996), RothC-26.3, doi:10.1007/978-3-642-61094-3_17. Stocks in
t C/ha over ``depth_cm`` (0–30 cm in GSOCseq), inputs and rates in t C/ha/yr.
"""

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dask
import numpy as np
import xarray as xr

from permille import __version__
from permille.models import rothc
from permille.models.rothc.constants import PAN_COEFFICIENT, TEMP_MIN
from permille.models.rothc.inputs import MAX_MONTHLY_WATER, TEMPERATURE_RANGE

#: DPM/RPM ratio of the plant input by FAO aggregated land-cover class (2 cropland, 3 grassland, 4 tree
#: covered): FAO GSOCseq technical manual (2020) Table 6.1. Pixels of any other class are not modelled (NaN).
DPM_RPM = {2: 1.44, 3: 0.67, 4: 0.25}

#: Carbon-input increases of the low, medium and high SSM scenarios of phase 3 (FAO GSOCseq technical
#: manual (2020) Table 5.1): +5, +10 and +20 % over the BAU input.
SSM_INCREASES = (0.05, 0.10, 0.20)

#: Topsoil depth of the GSOCseq stocks, cm (FAO GSOCseq technical manual (2020) Table 6.2: SOC 0–30 cm).
DEPTH_CM = 30.0

#: Default plant cover of cropland, January … December: covered March–October, bare November–February
#: (a northern-hemisphere temperate crop calendar; give ``plant_cover`` elsewhere, e.g. from NDVI as the
#: manual's section 3.3.4 describes). Grassland and tree cover are covered all year.
CROPLAND_COVER = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=float)

#: Relative input uncertainties, half-widths of uniform ranges 1 ± r around the given value: FAO GSOCseq
#: technical manual (2020) Table 12.1 (temperature ± 2 %, precipitation ± 5 %, clay ± 10 %, SOC ± 20 %).
#: The table's last row, ± 15 % on the SSM input increase, is not drawn: the SSM scenarios stay as given.
UNCERTAINTY = {"temperature": 0.02, "precipitation": 0.05, "clay": 0.10, "soc_t0": 0.20}

#: Keys of the ``warmup`` series.
WARMUP_FIELDS = ("temperature", "precipitation", "pet")

_STOCK, _RATE = "t C ha-1", "t C ha-1 yr-1"

#: Out-of-range rules for modelled pixels: name → (test flagging bad values, what is wrong). NaN is a mask.
_RULES: dict[str, tuple[Callable[[Any], Any], str]] = {
    "soc_t0": (lambda v: v <= 0.0, "≤ 0 t C/ha"),
    "clay": (lambda v: (v < 0.0) | (v > 100.0), "outside [0, 100] %"),
    "temperature": (
        lambda v: (v < TEMPERATURE_RANGE[0]) | (v > TEMPERATURE_RANGE[1]),
        f"outside [{TEMPERATURE_RANGE[0]:g}, {TEMPERATURE_RANGE[1]:g}] °C (kelvin or °F?)",
    ),
    "precipitation": (
        lambda v: (v < 0.0) | (v > MAX_MONTHLY_WATER),
        f"outside [0, {MAX_MONTHLY_WATER:g}] mm/month",
    ),
    "pet": (
        lambda v: (v < 0.0) | (v > MAX_MONTHLY_WATER * PAN_COEFFICIENT),
        f"outside [0, {MAX_MONTHLY_WATER * PAN_COEFFICIENT:g}] mm/month",
    ),
    "plant_cover": (lambda v: (v != 0.0) & (v != 1.0), "neither 0 (bare) nor 1 (covered)"),
}

METHOD = (
    "GSOCseq phases (FAO 2020 technical manual): T0 anchoring by the analytical RothC equilibrium "
    "(annual plant input whose equilibrium under the climatology equals soc_t0; IOM by Falloon et al. "
    "1998; DPM/RPM by land cover, Table 6.1; input spread evenly over covered months); optional warm-up "
    "over a year-to-year series with that input scaled each year by the MIAMI NPP ratio; forward run on the repeated climatology, BAU and SSM "
    "(input x (1 + f)). SSM = BAU + f x response run (RothC is affine in pools and inputs for a given "
    "climate): exact to rounding. Evaporation = PET / 0.75 (open pan). Exact monthly exponential step."
)


class GridInputError(ValueError):
    """Bad pipeline input. ``problems`` lists every problem found, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the grid input:\n{lines}")


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise GridInputError(problems)


# --- outputs -------------------------------------------------------------------------------------------


def _label(increase: float) -> str:
    """Name suffix of an SSM scenario: 0.05 → "5", 0.125 → "12p5" (percent, "." as "p")."""
    return f"{100.0 * increase:g}".replace(".", "p").replace("-", "m")


def output_spec(years: int, increases: Sequence[float] = SSM_INCREASES) -> dict[str, tuple[str, str]]:
    """Outputs of :func:`compute_pixels` in order: name → (long_name, units)."""

    def ssm(f):
        return f"sustainable soil management (SSM, carbon input {100.0 * f:+g} %)"

    spec = {
        "soc_t0": ("SOC stock at the start of the forward run (t0)", _STOCK),
        "input_t0": ("Annual plant carbon input sustaining the anchored stock (BAU input)", _RATE),
        "soc_bau": (f"SOC stock after {years} years, business as usual (BAU)", _STOCK),
    }
    spec |= {f"soc_ssm_{_label(f)}": (f"SOC stock after {years} years, {ssm(f)}", _STOCK) for f in increases}
    spec |= {
        f"diff_ssm_{_label(f)}": (f"SOC stock SSM − BAU after {years} years, {ssm(f)}", _STOCK)
        for f in increases
    }
    spec |= {
        f"rel_diff_ssm_{_label(f)}": (f"SOC stock 100 × (SSM − BAU) / BAU after {years} years, {ssm(f)}", "%")
        for f in increases
    }
    spec["rate_bau"] = (f"Mean SOC stock change rate over {years} years, BAU", _RATE)
    spec |= {
        f"rate_ssm_{_label(f)}": (f"Mean SOC stock change rate over {years} years, {ssm(f)}", _RATE)
        for f in increases
    }
    return spec


def uncertainty_spec(
    years: int, increases: Sequence[float] = SSM_INCREASES, members: int = 100
) -> dict[str, tuple[str, str]]:
    """Outputs of :func:`compute_uncertainty` in order: ``{name}_mean`` and ``{name}_sd`` of every output."""
    spec = {}
    for name, (long_name, units) in output_spec(years, increases).items():
        spec[f"{name}_mean"] = (f"Mean over {members} Monte Carlo members of: {long_name}", units)
        spec[f"{name}_sd"] = (f"Standard deviation over {members} Monte Carlo members of: {long_name}", units)
    return spec


# --- pixel inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pixels:
    """Inputs of P pixels: (P,) stock (t C/ha), clay (%), land-cover class; (12, P) climatology (°C, mm,
    mm PET) and plant cover (0/1); warm-up (temperature, precipitation, PET), each (12·Y, P), or None."""

    soc: np.ndarray
    clay: np.ndarray
    land_cover: np.ndarray
    temperature: np.ndarray
    precipitation: np.ndarray
    pet: np.ndarray
    plant_cover: np.ndarray
    warmup: tuple[np.ndarray, np.ndarray, np.ndarray] | None

    def modelled(self) -> np.ndarray:
        """(P,) True where the pixel is simulated: land cover 2–4, every input finite, and a warmest month of
        at least −5 °C (below it nothing decomposes and no equilibrium exists)."""
        ok = _modelled_class(self.land_cover) & np.isfinite(self.soc) & np.isfinite(self.clay)
        monthly = (self.temperature, self.precipitation, self.pet, self.plant_cover, *(self.warmup or ()))
        for a in monthly:
            ok &= np.isfinite(a).all(axis=0)
        return ok & (self.temperature.max(axis=0, initial=-np.inf) >= TEMP_MIN)

    def take(self, mask: np.ndarray) -> "_Pixels":
        warmup = None if self.warmup is None else tuple(a[:, mask] for a in self.warmup)
        return _Pixels(
            *(a[mask] for a in (self.soc, self.clay, self.land_cover)),
            *(a[:, mask] for a in (self.temperature, self.precipitation, self.pet, self.plant_cover)),
            warmup,
        )


def _modelled_class(land_cover):
    """True where the land-cover class has a DPM/RPM ratio (numpy or Dask arrays)."""
    return functools.reduce(operator.or_, (land_cover == c for c in DPM_RPM))


def _default_plant_cover(land_cover: np.ndarray) -> np.ndarray:
    """(12, P): cropland covered March–October, every other class all year (:data:`CROPLAND_COVER`)."""
    cover = np.ones((12, len(land_cover)))
    cover[:, land_cover == 2] = CROPLAND_COVER[:, None]
    return cover


def _as_pixels(
    soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup
) -> tuple[_Pixels | None, dict[str, np.ndarray], list[str]]:
    """Float arrays of the right shapes, the fields as given (for the value checks), and shape problems."""
    soc = np.asarray(soc_t0, dtype=float)
    n = len(soc) if soc.ndim == 1 else -1
    problems = [] if soc.ndim == 1 else [f"soc_t0: has shape {soc.shape}, expected (P,) pixels"]
    fields = {"soc_t0": soc}

    def field(name, value, months=12):
        a = np.asarray(value, dtype=float)
        expected = (n,) if months is None else (months, n)
        if n >= 0 and a.shape != expected:
            problems.append(f"{name}: has shape {a.shape}, expected {expected}")
        fields[name] = a
        return a

    clay, land_cover = field("clay", clay, None), field("land_cover", land_cover, None)
    climate = [field(k, v) for k, v in zip(WARMUP_FIELDS, (temperature, precipitation, pet), strict=True)]
    cover = None if plant_cover is None else field("plant_cover", plant_cover)
    series = None
    if warmup is not None:
        if not isinstance(warmup, Mapping) or set(warmup) != set(WARMUP_FIELDS):
            given = sorted(warmup) if isinstance(warmup, Mapping) else type(warmup).__name__
            problems.append(f"warmup: expected a mapping with keys {list(WARMUP_FIELDS)}, got {given}")
        else:
            months = np.shape(warmup["temperature"])[0] if np.ndim(warmup["temperature"]) else 0
            if months < 12 or months % 12:
                problems.append(f"warmup: {months} months, expected a positive multiple of 12 (Jan … Dec)")
            series = tuple(field(f"warmup_{k}", warmup[k], months) for k in WARMUP_FIELDS)
    if problems:
        return None, fields, problems
    cover = _default_plant_cover(land_cover) if cover is None else cover
    return _Pixels(soc, clay, land_cover, *climate, cover, series), fields, []


def _fractions(increases) -> tuple[float, ...]:
    """SSM input increases as a tuple of floats (a single number is one scenario)."""
    return tuple(float(f) for f in np.atleast_1d(np.asarray(increases, dtype=float)))


def _parameter_problems(years, increases, depth_cm) -> list[str]:
    problems = []
    if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 1:
        problems.append(f"years: {years!r} is not a whole number ≥ 1")
    increases = _fractions(increases)
    if not increases:
        problems.append("increases: give at least one SSM input increase (e.g. 0.05 for +5 %)")
    for f in increases:
        if not np.isfinite(f) or f <= -1.0:
            problems.append(f"increases: {f:g} is not a finite fraction > −1 (0.05 means +5 %)")
    labels = [_label(f) for f in increases]
    if len(set(labels)) < len(labels):
        problems.append(f"increases: {list(increases)} give duplicate scenario names {labels}")
    if not np.isfinite(depth_cm) or depth_cm <= 0:
        problems.append(f"depth_cm: {depth_cm!r} is not a positive depth in cm")
    return problems


def _member_problems(members, seed, *, allow_zero: bool) -> list[str]:
    problems = []
    ok = isinstance(members, int | np.integer) and not isinstance(members, bool)
    if not ok or not (members >= 2 or (allow_zero and members == 0)):
        problems.append(f"members: {members!r} is not {'0 or ' if allow_zero else ''}a whole number ≥ 2")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(f"seed: {seed!r} is not a whole number ≥ 0")
    return problems


def _value_problems(fields: Mapping[str, Any], where: Callable[[tuple[int, ...]], str]) -> list[str]:
    """Out-of-range values on pixels of land cover 2–4 (NaN anywhere is a mask, not a problem).

    ``fields``: numpy or Dask arrays, per pixel (spatial dims) or monthly (months, spatial dims), including
    ``land_cover`` and ``temperature``; every reduction is computed in one pass. ``where`` names a spatial
    index.
    """
    if fields["land_cover"].size == 0:
        return []
    modelled = _modelled_class(fields["land_cover"])
    spatial = fields["land_cover"].ndim
    checks = [
        (name, values, *_RULES[name.removeprefix("warmup_")])
        for name, values in fields.items()
        if name != "land_cover"
    ]
    checks.append(
        (
            "temperature",
            fields["temperature"].max(axis=0),
            lambda v: v < TEMP_MIN,
            f"of the warmest month below {TEMP_MIN:g} °C: nothing decomposes, no equilibrium exists",
        )
    )
    lazy = []
    for _, values, test, _ in checks:
        bad = modelled & np.isfinite(values) & test(values)
        lowest, highest = np.where(bad, values, np.inf).min(), np.where(bad, values, -np.inf).max()
        lazy.append((bad.sum(), bad.argmax(), lowest, highest))
    problems = []
    for (name, values, _, text), (count, first, lo, hi) in zip(checks, dask.compute(*lazy), strict=True):
        if not count:
            continue
        index = np.unravel_index(int(first), values.shape)
        month = "" if len(index) == spatial else f"{'warm-up ' * ('warmup' in name)}month {index[0] + 1}, "
        span = f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
        problems.append(
            f"{name}: {count} value(s) {text} ({span}), first at {month}{where(index[-spatial:])}"
        )
    return problems


def _checked(
    soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup, extra
) -> _Pixels:
    """The inputs as :class:`_Pixels`, after every check (``extra``: parameter problems found by the caller)."""
    pixels, fields, problems = _as_pixels(
        soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup
    )
    _raise_if(problems + extra)
    _raise_if(_value_problems(fields, lambda i: f"pixel {i[0]}"))
    return pixels


# --- the computation -----------------------------------------------------------------------------------


def _forcing(temperature, precipitation, pet, cover, plant_input, dpm_rpm) -> rothc.Forcing:
    """RothC forcing of N sites: open-pan evaporation = PET / 0.75; ``dpm_rpm`` (N,) for every month."""
    return rothc.Forcing(
        temperature=temperature,
        rain=precipitation,
        evaporation=pet / PAN_COEFFICIENT,
        plant_cover=cover,
        plant_input=plant_input,
        dpm_rpm=np.broadcast_to(dpm_rpm, temperature.shape),
    )


def _input_pattern(cover: np.ndarray) -> np.ndarray:
    """(12, P) monthly share of the annual plant input: even over the covered months (all 12 if none)."""
    covered = cover.sum(axis=0)
    return np.where(covered > 0, cover / np.maximum(covered, 1.0), 1.0 / 12.0)


def _forward(px: _Pixels, monthly_input, dpm_rpm, start: rothc.State, years: int, depth_cm: float):
    """Total SOC after ``years`` of BAU from ``start`` (P,), and the active carbon of the response run: same
    climate and input from empty pools and ``start``'s deficit (P,); t C/ha.

    Both run as one engine call of 2P sites per year (12-month forcing, so memory stays (12, 2P)).
    """
    n = len(px.soc)

    def twice(a):
        return np.concatenate([a, a], axis=-1)

    soil = rothc.Soil(clay=twice(px.clay), depth=depth_cm)
    climate = (twice(px.temperature), twice(px.precipitation), twice(px.pet))
    forcing = _forcing(*climate, twice(px.plant_cover), twice(monthly_input), twice(dpm_rpm))
    empty = np.zeros_like(start.pools)
    iom = np.concatenate([start.iom, np.zeros(n)])
    state = rothc.State(np.concatenate([start.pools, empty], axis=1), iom, twice(start.smd))
    for _ in range(years):
        state = rothc.run(soil, forcing, state, output="final").final
    return state.soc[:n], state.active[n:]


def npp_miami(temperature_c, precipitation_mm):
    """Net primary production, g DM m⁻² yr⁻¹, of the MIAMI model (Lieth 1975, as the GSOCseq manual uses
    it): min(3000 / (1 + exp(1.315 − 0.119 T)), 3000 (1 − exp(−0.000664 P))) for the annual mean
    temperature T (°C) and annual precipitation P (mm)."""
    t, p = np.asarray(temperature_c, dtype=float), np.asarray(precipitation_mm, dtype=float)
    return np.minimum(3000.0 / (1.0 + np.exp(1.315 - 0.119 * t)), 3000.0 * (1.0 - np.exp(-0.000664 * p)))


def npp_ratio(warmup_temperature, warmup_precipitation, temperature, precipitation) -> np.ndarray:
    """(years, P) NPP of each warm-up year relative to the climatology's (MIAMI): the warm-up input of
    a year is the anchored input × this ratio, as GSOCseq scales inputs with NPP. Monthly arrays (12·Y, P)
    and (12, P)."""
    years = len(warmup_temperature) // 12
    t = np.asarray(warmup_temperature, dtype=float).reshape(years, 12, -1).mean(axis=1)
    p = np.asarray(warmup_precipitation, dtype=float).reshape(years, 12, -1).sum(axis=1)
    reference = npp_miami(np.mean(temperature, axis=0), np.sum(precipitation, axis=0))
    return npp_miami(t, p) / reference


def _simulate_modelled(px: _Pixels, years, increases, depth_cm) -> dict[str, np.ndarray]:
    """The three phases for pixels that are all modelled; outputs in :func:`output_spec` order."""
    dpm_rpm = np.select([px.land_cover == c for c in DPM_RPM], list(DPM_RPM.values()))
    soil = rothc.Soil(clay=px.clay, depth=depth_cm)
    pattern = _input_pattern(px.plant_cover)
    climate = _forcing(px.temperature, px.precipitation, px.pet, px.plant_cover, pattern, dpm_rpm)
    annual, state = rothc.inputs_for_stock(soil, climate, px.soc)
    monthly = annual * pattern
    if px.warmup is not None:
        repeat = len(px.warmup[0]) // 12
        ratio = npp_ratio(px.warmup[0], px.warmup[1], px.temperature, px.precipitation)  # (years, P)
        warm_input = np.tile(monthly, (repeat, 1)) * np.repeat(ratio, 12, axis=0)
        cover = np.tile(px.plant_cover, (repeat, 1))
        state = rothc.run(soil, _forcing(*px.warmup, cover, warm_input, dpm_rpm), state, output="final").final
    soc_t0 = state.soc
    bau, response = _forward(px, monthly, dpm_rpm, state, years, depth_cm)
    diff = {_label(f): f * response for f in increases}
    ssm = {k: bau + d for k, d in diff.items()}
    out = {"soc_t0": soc_t0, "input_t0": annual, "soc_bau": bau}
    out |= {f"soc_ssm_{k}": v for k, v in ssm.items()}
    out |= {f"diff_ssm_{k}": v for k, v in diff.items()}
    out |= {f"rel_diff_ssm_{k}": 100.0 * v / bau for k, v in diff.items()}
    out["rate_bau"] = (bau - soc_t0) / years
    out |= {f"rate_ssm_{k}": (v - soc_t0) / years for k, v in ssm.items()}
    return out


def _simulate(px: _Pixels, years, increases, depth_cm) -> dict[str, np.ndarray]:
    """Every output (P,), NaN where the pixel is not modelled (:meth:`_Pixels.modelled`)."""
    modelled = px.modelled()
    out = {name: np.full(len(px.soc), np.nan) for name in output_spec(years, increases)}
    if modelled.any():  # the engine needs at least one site
        for name, values in _simulate_modelled(px.take(modelled), years, increases, depth_cm).items():
            out[name][modelled] = values
    return out


def compute_pixels(
    soc_t0,
    clay,
    temperature,
    precipitation,
    pet,
    land_cover,
    *,
    plant_cover=None,
    warmup: Mapping[str, Any] | None = None,
    years: int = 20,
    increases: Sequence[float] = SSM_INCREASES,
    depth_cm: float = DEPTH_CM,
) -> dict[str, np.ndarray]:
    """Sequestration potential of P pixels: BAU and SSM stocks after ``years`` years, differences and rates.

    Inputs: ``soc_t0`` (P,) SOC stock, t C/ha over ``depth_cm`` (GSOCseq: 0–30 cm); ``clay`` (P,) %;
    ``temperature`` (12, P) monthly mean air temperature, °C; ``precipitation`` (12, P) mm/month; ``pet``
    (12, P) potential evapotranspiration, mm/month (RothC gets PET / 0.75 as open-pan evaporation);
    ``land_cover`` (P,) FAO aggregated class (2 cropland, 3 grassland, 4 tree covered; any other class, or
    NaN, gives NaN); ``plant_cover`` (12, P) 1 covered / 0 bare, default :data:`CROPLAND_COVER` for
    cropland and covered all year otherwise; ``warmup``: optional year-to-year series, a mapping of
    ``temperature``, ``precipitation`` and ``pet`` each (12·Y, P) starting in January; ``increases``:
    SSM input increases (0.05 = +5 %). A pixel with any NaN input is not modelled (NaN outputs).

    Returns (P,) arrays, named as in :func:`output_spec`: ``soc_t0`` (stock at the start of the forward
    run: the given stock, or the warm-up's end), ``input_t0`` (t C/ha/yr), ``soc_bau``, ``soc_ssm_{x}``,
    ``diff_ssm_{x}`` = SSM − BAU, ``rel_diff_ssm_{x}`` = 100 × (SSM − BAU) / BAU (%), ``rate_bau`` and
    ``rate_ssm_{x}`` = (final − soc_t0) / years (t C/ha/yr); x is the increase in percent (5, 10, 20).
    Raises :class:`GridInputError` listing every problem.
    """
    pixels = _checked(
        soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup,
        _parameter_problems(years, increases, depth_cm),
    )  # fmt: skip
    return _simulate(pixels, years, _fractions(increases), depth_cm)


# --- uncertainty ---------------------------------------------------------------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(z: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (Steele, Lea & Flood 2014, doi:10.1145/2714064.2660195) on uint64 arrays."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _uniform(seed: int, stream: int, members: int, pixel_ids: np.ndarray) -> np.ndarray:
    """(members, P) draws uniform on [0, 1) that depend only on (seed, stream, member, pixel id): counter-
    based, so a pixel's draws are the same however a grid is chunked."""
    z = np.full((members, 1), seed, dtype=np.uint64)
    for counter in (
        np.uint64(stream),
        np.arange(members, dtype=np.uint64)[:, None],
        pixel_ids.astype(np.uint64),
    ):
        z = _mix(z * _GOLDEN + counter)
    return (z >> np.uint64(11)).astype(float) * 2.0**-53


def _perturbed(px: _Pixels, members: int, seed: int, pixel_ids: np.ndarray) -> _Pixels:
    """members × P pseudo-pixels (member-major) whose temperature, precipitation, clay and SOC are scaled by
    independent factors uniform on 1 ± r (r from :data:`UNCERTAINTY`), one per member, pixel and variable,
    applied to every month of the climatology and of the warm-up. Clay is capped at 100 %."""
    factor = {
        name: 1.0 + r * (2.0 * _uniform(seed, stream, members, pixel_ids).reshape(-1) - 1.0)
        for stream, (name, r) in enumerate(UNCERTAINTY.items())
    }

    def tile(a):
        return np.tile(a, members) if a.ndim == 1 else np.tile(a, (1, members))

    warmup = None
    if px.warmup is not None:
        t, p, e = px.warmup
        warmup = (tile(t) * factor["temperature"], tile(p) * factor["precipitation"], tile(e))
    return _Pixels(
        soc=tile(px.soc) * factor["soc_t0"],
        clay=np.minimum(tile(px.clay) * factor["clay"], 100.0),
        land_cover=tile(px.land_cover),
        temperature=tile(px.temperature) * factor["temperature"],
        precipitation=tile(px.precipitation) * factor["precipitation"],
        pet=tile(px.pet),
        plant_cover=tile(px.plant_cover),
        warmup=warmup,
    )


def compute_uncertainty(
    soc_t0,
    clay,
    temperature,
    precipitation,
    pet,
    land_cover,
    *,
    plant_cover=None,
    warmup: Mapping[str, Any] | None = None,
    years: int = 20,
    increases: Sequence[float] = SSM_INCREASES,
    depth_cm: float = DEPTH_CM,
    members: int = 100,
    seed: int = 0,
    pixel_ids=None,
) -> dict[str, np.ndarray]:
    """Monte Carlo propagation of the input uncertainties of FAO GSOCseq technical manual (2020) Table 12.1.

    Same inputs as :func:`compute_pixels`. Each of ``members`` members scales temperature (± 2 %),
    precipitation (± 5 %), clay (± 10 %) and SOC (± 20 %) by factors drawn uniformly within those ranges,
    independently per pixel and member (PET, plant cover and land cover are not perturbed), and runs every
    pixel × member at once. Differences and rates are computed within each member before the statistics,
    so their spread is that of the difference, not of two independent stocks. Draws depend only on
    ``seed`` and ``pixel_ids`` ((P,) non-negative integers keying each pixel, default 0 … P−1).

    Returns (P,) arrays ``{name}_mean`` and ``{name}_sd`` (sample SD, ddof = 1) for every output of
    :func:`compute_pixels`, in the order of :func:`uncertainty_spec`. Memory scales with members × P.
    """
    pixels = _checked(
        soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup,
        _parameter_problems(years, increases, depth_cm) + _member_problems(members, seed, allow_zero=False),
    )  # fmt: skip
    n = len(pixels.soc)
    ids = np.arange(n) if pixel_ids is None else np.asarray(pixel_ids)
    if ids.shape != (n,) or not np.issubdtype(ids.dtype, np.integer) or (ids < 0).any():
        _raise_if([f"pixel_ids: expected ({n},) non-negative integers, got {ids.dtype} {ids.shape}"])
    runs = _simulate(_perturbed(pixels, members, seed, ids), years, _fractions(increases), depth_cm)
    out = {}
    for name, values in runs.items():
        values = values.reshape(members, n)
        out[f"{name}_mean"] = values.mean(axis=0)
        out[f"{name}_sd"] = values.std(axis=0, ddof=1)
    return out


# --- xarray + Dask -------------------------------------------------------------------------------------

#: Dataset variables of :func:`run` and their dims; the optional ones follow.
GRID_VARIABLES = {
    "soc_t0": ("y", "x"),
    "clay": ("y", "x"),
    "land_cover": ("y", "x"),
    "temperature": ("month", "y", "x"),
    "precipitation": ("month", "y", "x"),
    "pet": ("month", "y", "x"),
}
OPTIONAL_VARIABLES = {"plant_cover": ("month", "y", "x")} | {
    f"warmup_{k}": ("time", "y", "x") for k in WARMUP_FIELDS
}


def _dataset_problems(ds: xr.Dataset) -> list[str]:
    """Missing variables, wrong dims or sizes of a :func:`run` dataset."""
    missing = [name for name in GRID_VARIABLES if name not in ds.data_vars]
    problems = [f"missing variable(s): {', '.join(missing)}"] if missing else []
    for name, dims in (GRID_VARIABLES | OPTIONAL_VARIABLES).items():
        if name in ds.data_vars and sorted(ds[name].dims) != sorted(dims):
            problems.append(f"{name}: has dims {ds[name].dims}, expected {dims}")
    if "month" in ds.dims and ds.sizes["month"] != 12:
        problems.append(f"month: {ds.sizes['month']} entries, expected 12 (January … December)")
    elif "month" in ds.coords and not np.array_equal(ds["month"].values, np.arange(1, 13)):
        problems.append(f"month: coordinate {ds['month'].values.tolist()}, expected 1 … 12")
    warmup = [f"warmup_{k}" for k in WARMUP_FIELDS]
    given = [name for name in warmup if name in ds.data_vars]
    if given and len(given) < len(warmup):
        problems.append(
            f"warm-up: {', '.join(sorted(set(warmup) - set(given)))} missing (give all three or none)"
        )
    if given and (ds.sizes.get("time", 0) < 12 or ds.sizes["time"] % 12):
        problems.append(f"time: the warm-up has {ds.sizes.get('time', 0)} months, expected a multiple of 12")
    return problems


def _namer(ds: xr.Dataset) -> Callable[[tuple[int, ...]], str]:
    """Names a (y, x) index by its coordinates when the dataset has them."""

    def coordinate(dim, i):
        if dim not in ds.coords:
            return f"{dim} index {i}"
        value = ds[dim].values[i]
        return f"{dim}={value:g}" if np.issubdtype(np.asarray(value).dtype, np.number) else f"{dim}={value}"

    return lambda index: ", ".join(coordinate(d, i) for d, i in zip(("y", "x"), index, strict=True))


def _block(*arrays, names, n_x, years, increases, members, seed):
    """apply_ufunc kernel: a (y, x) block of every input (monthly ones with the month last) → (y, x, K)."""
    *fields, iy, ix = arrays
    shape = fields[0].shape[:2]
    n = shape[0] * shape[1]
    flat = {
        name: a.reshape(n) if a.ndim == 2 else np.moveaxis(a, -1, 0).reshape(a.shape[-1], n)
        for name, a in zip(names, fields, strict=True)
    }
    warmup = {k: flat.pop(f"warmup_{k}") for k in WARMUP_FIELDS} if "warmup_pet" in flat else None
    options = dict(plant_cover=flat.pop("plant_cover", None), warmup=warmup, years=years, increases=increases)
    out = compute_pixels(**flat, **options)
    if members:
        ids = np.broadcast_to(iy * n_x + ix, shape).reshape(n)
        out |= compute_uncertainty(**flat, **options, members=members, seed=seed, pixel_ids=ids)
    return np.stack(list(out.values()), axis=-1).reshape(*shape, len(out))


def run(
    dataset: xr.Dataset,
    *,
    years: int = 20,
    increases: Sequence[float] = SSM_INCREASES,
    members: int = 0,
    seed: int = 0,
) -> xr.Dataset:
    """Sequestration-potential maps of a grid: :func:`compute_pixels` (and, with ``members`` ≥ 2,
    :func:`compute_uncertainty`) applied block by block over (y, x).

    ``dataset``: ``soc_t0``, ``clay``, ``land_cover`` (y, x); ``temperature``, ``precipitation``, ``pet``
    (month, y, x) with months January … December; optional ``plant_cover`` (month, y, x) and a warm-up series
    ``warmup_temperature``, ``warmup_precipitation``, ``warmup_pet`` (time, y, x), 12·Y months from January.
    Units as :func:`compute_pixels`. numpy-backed variables are computed now; Dask-backed ones give a lazy
    result computed chunk by chunk (memory ∝ chunk size × (months + outputs), × members with
    uncertainty; the month and time dims are merged into one chunk). The value checks are one pass of
    reductions over the inputs, computed before the lazy result is built.

    Returns a dataset of (y, x) variables named as :func:`output_spec` (and :func:`uncertainty_spec`), each
    with ``units`` and ``long_name``, NaN where a pixel is not modelled, with provenance attributes.
    Raises :class:`GridInputError` listing every problem (variables, dims, parameters, values).
    """
    _raise_if(
        _dataset_problems(dataset)
        + _parameter_problems(years, increases, DEPTH_CM)
        + _member_problems(members, seed, allow_zero=True)
    )
    names = [n for n in GRID_VARIABLES | OPTIONAL_VARIABLES if n in dataset.data_vars]
    dims = GRID_VARIABLES | OPTIONAL_VARIABLES
    fields = {name: dataset[name].transpose(*dims[name]) for name in names}
    _raise_if(_value_problems({name: a.data for name, a in fields.items()}, _namer(dataset)))

    increases = _fractions(increases)
    spec = output_spec(years, increases) | (uncertainty_spec(years, increases, members) if members else {})
    n_y, n_x = dataset.sizes["y"], dataset.sizes["x"]
    kernel = functools.partial(
        _block, names=names, n_x=n_x, years=years, increases=increases, members=members, seed=seed
    )
    result = xr.apply_ufunc(
        kernel,
        *fields.values(),
        xr.DataArray(np.arange(n_y), dims="y"),
        xr.DataArray(np.arange(n_x), dims="x"),
        input_core_dims=[[d for d in dims[n] if d not in ("y", "x")] for n in names] + [[], []],
        output_core_dims=[["output"]],
        dask="parallelized",
        output_dtypes=[float],
        dask_gufunc_kwargs={"output_sizes": {"output": len(spec)}, "allow_rechunk": True},
    )
    out = result.assign_coords(output=list(spec)).to_dataset(dim="output")
    for name, (long_name, units) in spec.items():
        out[name].attrs = {"long_name": long_name, "units": units}
    out.attrs = _provenance(dataset, years, increases, members, seed)
    return out


def _provenance(dataset: xr.Dataset, years, increases, members, seed) -> dict[str, Any]:
    attrs = {
        "title": "Soil organic carbon sequestration potential (GSOCseq method)",
        "model": "RothC-26.3",
        "model_reference": "Coleman & Jenkinson (1996), doi:10.1007/978-3-642-61094-3_17",
        "method_reference": "FAO (2020) GSOCseq v1.1 technical manual: Global Soil Organic Carbon "
        "Sequestration Potential Map",
        "method": METHOD,
        "software": f"permille {__version__}",
        "permille_version": __version__,
        "depth_cm": DEPTH_CM,
        "forward_years": years,
        "ssm_input_increases": list(increases),
        "warmup_years": dataset.sizes["time"] // 12 if "warmup_temperature" in dataset.data_vars else 0,
        "uncertainty_members": members,
    }
    if members:
        attrs["uncertainty_seed"] = seed
        attrs["uncertainty_method"] = (
            "Monte Carlo, FAO GSOCseq manual Table 12.1: temperature, precipitation, clay and SOC scaled by "
            "factors uniform on 1 ± 2, 5, 10, 20 %, independent per pixel and member; differences and "
            "rates within each member; SD with ddof = 1"
        )
    if "title" in dataset.attrs:
        attrs["source_title"] = dataset.attrs["title"]
    if "comment" in dataset.attrs:
        attrs["comment"] = dataset.attrs["comment"]
    return attrs


__all__ = [
    "CROPLAND_COVER",
    "DEPTH_CM",
    "DPM_RPM",
    "GRID_VARIABLES",
    "OPTIONAL_VARIABLES",
    "SSM_INCREASES",
    "UNCERTAINTY",
    "GridInputError",
    "compute_pixels",
    "compute_uncertainty",
    "output_spec",
    "run",
    "uncertainty_spec",
]
