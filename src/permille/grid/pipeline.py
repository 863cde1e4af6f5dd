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
   anchored input scaled year by year with NPP (the manual's equation 7): by the MIAMI NPP of each year's
   climate relative to the climatology's, or by a given ``npp`` layer relative to its warm-up mean.
3. Forward (phase 3): ``years`` years on the repeated climatology under business as usual (BAU: the anchored
   input, or a given ``carbon_input``, in which case T0 anchoring only sets the initial pools) and under
   sustainable soil management (SSM: BAU input × (1 + f) for every increase f).

For a given climate RothC is affine in (initial pools, inputs) and its moisture deficit does not depend on
carbon, so an SSM run equals BAU + f × R, where R is ONE response run from empty pools (and the BAU
deficit) with the BAU input: two runs whatever the number of scenarios, equal to separate runs to rounding.
On the repeated climatology each year of a run is one affine map of the pools
(:func:`permille.models.rothc.run_years`), so the forward cost hardly depends on ``years``.

Model: Coleman, K. & Jenkinson, D. S. (1996), RothC-26.3, doi:10.1007/978-3-642-61094-3_17. Stocks in
t C/ha over ``depth_cm`` (0–30 cm in GSOCseq), inputs and rates in t C/ha/yr.
"""

import dataclasses
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

#: DPM/RPM ratio of the plant input by FAO aggregated land-cover class: FAO GSOCseq technical manual (2020)
#: Table 6.1 (2 cropland 1.44, 3 grassland 0.67, 4 tree covered 0.25, 5 shrub covered 0.67, 6 herbaceous
#: vegetation 0.67, 8 sparse vegetation 0.67, 12 cropland – tree crops 1.44, 13 paddy fields 1.44). The
#: classes the table gives no ratio ("/": 1 artificial, 7 mangroves, 9 bare soil, 10 snow, 11 water), and
#: NaN, are not modelled (NaN outputs).
DPM_RPM = {2: 1.44, 3: 0.67, 4: 0.25, 5: 0.67, 6: 0.67, 8: 0.67, 12: 1.44, 13: 1.44}

#: Further decomposition-rate modifier by land-cover class: 0.4 for paddy fields (class 13), as the FAO
#: GSOCseq RothC scripts set it (``fPR``, after Shirato & Yokozawa 2005); 1 for every other class.
DECOMPOSITION_FACTOR = {13: 0.4}

#: Classes on the default crop calendar (:data:`CROPLAND_COVER`): cropland and paddy fields. Tree crops and
#: the natural classes are covered all year, sparse vegetation (< 15 % cover) bare all year.
CROP_CALENDAR_CLASSES = (2, 13)
BARE_CLASSES = (8,)

#: NDVI at or above which a month counts as covered, when soil cover comes from a monthly NDVI layer: 0.4,
#: the threshold of the FAO GSOCseq vegetation-cover script (MODIS MOD13A2 NDVI > 4000 × 1e-4).
NDVI_COVER_THRESHOLD = 0.4

#: Carbon-input increases of the low, medium and high SSM scenarios of phase 3 (FAO GSOCseq technical
#: manual (2020) Table 5.1): +5, +10 and +20 % over the BAU input.
SSM_INCREASES = (0.05, 0.10, 0.20)

#: Topsoil depth of the GSOCseq stocks, cm (FAO GSOCseq technical manual (2020) Table 6.2: SOC 0–30 cm).
DEPTH_CM = 30.0
#: Deepest layer accepted, cm: RothC is a topsoil model (its reference depth is 23 cm).
MAX_DEPTH_CM = 100.0

#: Default plant cover of cropland in the northern hemisphere, January … December: covered March–October,
#: bare November–February (a temperate crop calendar; give ``plant_cover`` where it does not fit, e.g. from
#: NDVI as the manual's section 3.3.4 describes). Grassland and tree cover are covered all year.
CROPLAND_COVER = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=float)

#: The same calendar shifted by 6 months for pixels south of the equator: covered September–April.
CROPLAND_COVER_SOUTH = np.roll(CROPLAND_COVER, 6)

#: Input uncertainties of FAO GSOCseq technical manual (2020) Table 12.1: temperature, precipitation, clay and
#: SOC vary by factors 1 ± r (± 2, 5, 10, 20 %); the SSM carbon-input increase by ± 15 percentage points of
#: the BAU input, as the official forward script has it (``Cinputs × (1.10 ± 0.15)`` for +10 %): a +10 %
#: scenario spans BAU input × 0.95 … 1.25.
UNCERTAINTY = {"temperature": 0.02, "precipitation": 0.05, "clay": 0.10, "soc_t0": 0.20, "ssm_increase": 0.15}

#: Largest plausible annual carbon input or NPP, t C/ha/yr (above it the data are probably in kg or g/m²).
MAX_ANNUAL_CARBON = 50.0

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
    "ndvi": (lambda v: (v < -1.0) | (v > 1.0), "outside [-1, 1] (NDVI scaled by 10 000?)"),
    "npp": (
        lambda v: (v <= 0.0) | (v > MAX_ANNUAL_CARBON),
        f"outside (0, {MAX_ANNUAL_CARBON:g}] t C/ha/yr (kg or g/m²?)",
    ),
    "carbon_input": (
        lambda v: (v < 0.0) | (v > MAX_ANNUAL_CARBON),
        f"outside [0, {MAX_ANNUAL_CARBON:g}] t C/ha/yr (kg or g/m²?)",
    ),
}

METHOD = (
    "GSOCseq phases (FAO 2020 technical manual): T0 anchoring by the analytical RothC equilibrium "
    "(annual plant input whose equilibrium under the climatology equals soc_t0; IOM by Falloon et al. "
    "1998; DPM/RPM by land cover, Table 6.1; paddy fields decompose at 0.4 x the rate; input spread evenly "
    "over covered months); optional warm-up "
    "over a year-to-year series with that input scaled each year by NPP (MIAMI ratio to the climatology, "
    "or a given npp layer relative to its warm-up mean); forward run on the repeated climatology, BAU (the "
    "anchored input, or a given carbon_input: then anchoring sets the initial pools only) and SSM "
    "(BAU input x (1 + f)). SSM = BAU + f x response run (RothC is affine in pools and inputs for a given "
    "climate): exact to rounding; each forward year is one annual affine map of the pools. Evaporation = "
    "PET / 0.75 (open pan). Exact monthly exponential step."
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
        "input_t0": (
            "Annual plant carbon input of the BAU run: the input sustaining the anchored stock, or the "
            "given carbon_input",
            _RATE,
        ),
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
    mm PET) and plant cover (0/1); warm-up (temperature, precipitation, PET), each (12·Y, P), or None;
    ``npp`` (Y or 1, P) t C/ha/yr or None (MIAMI); ``carbon_input`` (P,) BAU input, t C/ha/yr, or None
    (the anchored input); ``ssm_shift`` (P,) added to every SSM increase (uncertainty members: ± 0.15 of
    the BAU input) or None; ``forward_climate`` (temperature factor, precipitation factor) applied in the
    warm-up and forward phases only (the GSOCseq min/max envelope) or None; ``input_scale`` (P,) factor on
    a given ``carbon_input`` or None."""

    soc: np.ndarray
    clay: np.ndarray
    land_cover: np.ndarray
    temperature: np.ndarray
    precipitation: np.ndarray
    pet: np.ndarray
    plant_cover: np.ndarray
    warmup: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    npp: np.ndarray | None = None
    carbon_input: np.ndarray | None = None
    ssm_shift: np.ndarray | None = None
    forward_climate: tuple[float, float] | None = None
    input_scale: np.ndarray | None = None
    numerics: str = "exact"
    bau_input: str = "anchored"

    def modelled(self) -> np.ndarray:
        """(P,) True where the pixel is simulated: a class of :data:`DPM_RPM`, every input finite, and a warmest month of
        at least −5 °C (below it nothing decomposes and no equilibrium exists)."""
        ok = _modelled_class(self.land_cover) & np.isfinite(self.soc) & np.isfinite(self.clay)
        if self.carbon_input is not None:
            ok &= np.isfinite(self.carbon_input)
        monthly = (self.temperature, self.precipitation, self.pet, self.plant_cover, *(self.warmup or ()))
        for a in (*monthly, *(() if self.npp is None else (self.npp,))):
            ok &= np.isfinite(a).all(axis=0)
        return ok & (self.temperature.max(axis=0, initial=-np.inf) >= TEMP_MIN)

    def take(self, mask: np.ndarray) -> "_Pixels":
        """The pixels where ``mask`` (P,) is True; C-contiguous (``compress``, unlike ``a[:, mask]``)."""

        def pick(a):
            return None if a is None else a.compress(mask, axis=-1)

        return _Pixels(
            *(pick(a) for a in (self.soc, self.clay, self.land_cover)),
            *(pick(a) for a in (self.temperature, self.precipitation, self.pet, self.plant_cover)),
            None if self.warmup is None else tuple(pick(a) for a in self.warmup),
            pick(self.npp),
            pick(self.carbon_input),
            pick(self.ssm_shift),
            self.forward_climate,
            pick(self.input_scale),
            self.numerics,
            self.bau_input,
        )


def _modelled_class(land_cover):
    """True where the land-cover class has a DPM/RPM ratio (numpy or Dask arrays)."""
    return functools.reduce(operator.or_, (land_cover == c for c in DPM_RPM))


def _default_plant_cover(land_cover: np.ndarray, latitude: np.ndarray | None) -> np.ndarray:
    """(12, P): cropland and paddy fields (:data:`CROP_CALENDAR_CLASSES`) covered March–October
    (:data:`CROPLAND_COVER`), or September–April south of the equator (latitude < 0° N,
    :data:`CROPLAND_COVER_SOUTH`); sparse vegetation (:data:`BARE_CLASSES`) bare; every other class covered
    all year."""
    cover = np.ones((12, len(land_cover)))
    crops = np.isin(land_cover, CROP_CALENDAR_CLASSES)
    cover[:, crops] = CROPLAND_COVER[:, None]
    if latitude is not None:
        cover[:, crops & (latitude < 0.0)] = CROPLAND_COVER_SOUTH[:, None]
    cover[:, np.isin(land_cover, BARE_CLASSES)] = 0.0
    return cover


def cover_from_ndvi(ndvi):
    """Monthly plant cover (1 covered, 0 bare; NaN where NDVI is NaN) from monthly mean NDVI:
    NDVI ≥ :data:`NDVI_COVER_THRESHOLD`. numpy or Dask arrays."""
    return np.where(np.isfinite(ndvi), (ndvi >= NDVI_COVER_THRESHOLD).astype(float), np.nan)


def _as_pixels(
    soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup,
    npp=None, carbon_input=None, latitude=None, ndvi=None,
) -> tuple[_Pixels | None, dict[str, np.ndarray], list[str]]:  # fmt: skip
    """Float arrays of the right shapes, the fields as given (for the value checks), and shape problems."""
    soc = np.asarray(soc_t0, dtype=float)
    n = len(soc) if soc.ndim == 1 else -1
    problems = [] if soc.ndim == 1 else [f"soc_t0: has shape {soc.shape}, expected (P,) pixels"]
    fields = {"soc_t0": soc}

    def field(name, value, months=12, check=True):
        a = np.asarray(value, dtype=float)
        expected = (n,) if months is None else (months, n)
        if n >= 0 and a.shape != expected:
            problems.append(f"{name}: has shape {a.shape}, expected {expected}")
        if check:
            fields[name] = a
        return a

    clay, land_cover = field("clay", clay, None), field("land_cover", land_cover, None)
    climate = [field(k, v) for k, v in zip(WARMUP_FIELDS, (temperature, precipitation, pet), strict=True)]
    cover = None if plant_cover is None else field("plant_cover", plant_cover)
    if ndvi is not None:
        ndvi = field("ndvi", ndvi)
        if cover is None:
            cover = cover_from_ndvi(ndvi)
    lat = None if latitude is None else field("latitude", latitude, None, check=False)
    series, years = None, 0
    if warmup is not None:
        if not isinstance(warmup, Mapping) or set(warmup) != set(WARMUP_FIELDS):
            given = sorted(warmup) if isinstance(warmup, Mapping) else type(warmup).__name__
            problems.append(f"warmup: expected a mapping with keys {list(WARMUP_FIELDS)}, got {given}")
        else:
            months = np.shape(warmup["temperature"])[0] if np.ndim(warmup["temperature"]) else 0
            if months < 12 or months % 12:
                problems.append(f"warmup: {months} months, expected a positive multiple of 12 (Jan … Dec)")
            years = months // 12
            series = tuple(field(f"warmup_{k}", warmup[k], months) for k in WARMUP_FIELDS)
    if npp is not None:
        if warmup is None:
            problems.append("npp: scales the warm-up inputs, but no warm-up series is given")
        npp = field("npp", npp, years if np.ndim(npp) == 2 else None)
    if carbon_input is not None:
        carbon_input = field("carbon_input", carbon_input, None)
    if problems:
        return None, fields, problems
    cover = _default_plant_cover(land_cover, lat) if cover is None else cover
    npp = None if npp is None else np.atleast_2d(npp)
    pixels = _Pixels(soc, clay, land_cover, *climate, cover, series, npp, carbon_input)
    return pixels, fields, []


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
    number = isinstance(depth_cm, int | float | np.integer | np.floating) and not isinstance(depth_cm, bool)
    if not number or not 0.0 < depth_cm <= MAX_DEPTH_CM:
        problems.append(f"depth_cm: {depth_cm!r} is not a depth in (0, {MAX_DEPTH_CM:g}] cm")
    return problems


#: Numerics of the pipeline: "exact" (RothC-26.3 as the official Rothamsted code) or "gsocseq-scripts" (the
#: FAO GSOCseq R scripts' SoilR temperature function, moisture function and Euler integration, for
#: side-by-side comparison only: :mod:`permille.grid.gsocseq_numerics`).
NUMERICS = ("exact", "gsocseq-scripts")


#: The forward BAU input without a given ``carbon_input``: "anchored" (the input whose equilibrium is the
#: stock) or "warmup-mean" (the mean input of the warm-up years, as the GSOCseq forward script takes it,
#: ``Cin_mean``; the same as "anchored" without a warm-up).
BAU_INPUTS = ("anchored", "warmup-mean")


def _numerics_problems(numerics, bau_input="anchored") -> list[str]:
    problems = [] if numerics in NUMERICS else [f"numerics: {numerics!r} is not one of {', '.join(NUMERICS)}"]
    if bau_input not in BAU_INPUTS:
        problems.append(f"bau_input: {bau_input!r} is not one of {', '.join(BAU_INPUTS)}")
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
        if len(index) == spatial:
            step = ""
        elif name == "npp":
            step = f"warm-up year {index[0] + 1}, "
        else:
            step = f"{'warm-up ' * ('warmup' in name)}month {index[0] + 1}, "
        span = f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
        problems.append(f"{name}: {count} value(s) {text} ({span}), first at {step}{where(index[-spatial:])}")
    return problems


def _checked(
    soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup, npp, carbon_input,
    latitude, extra, ndvi=None,
) -> _Pixels:  # fmt: skip
    """The inputs as :class:`_Pixels`, after every check (``extra``: parameter problems found by the caller)."""
    pixels, fields, problems = _as_pixels(
        soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup, npp, carbon_input,
        latitude, ndvi,
    )  # fmt: skip
    if problems:  # values are checked once the shapes are right
        _raise_if(problems + extra)
    _raise_if(extra + _value_problems(fields, lambda i: f"pixel {i[0]}"))
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
        dpm_rpm=np.reshape(dpm_rpm, (1, -1)),
    )


def _input_pattern(cover: np.ndarray) -> np.ndarray:
    """(12, P) monthly share of the annual plant input: even over the covered months (all 12 if none)."""
    covered = cover.sum(axis=0)
    return np.where(covered > 0, cover / np.maximum(covered, 1.0), 1.0 / 12.0)


def _decomposition(land_cover: np.ndarray) -> np.ndarray:
    """(P,) the decomposition-rate modifier of each pixel's class (:data:`DECOMPOSITION_FACTOR`, else 1)."""
    return np.select(
        [land_cover == c for c in DECOMPOSITION_FACTOR], list(DECOMPOSITION_FACTOR.values()), 1.0
    )


def _forward(px: _Pixels, monthly_input, dpm_rpm, start: rothc.State, years: int, depth_cm: float):
    """Total SOC after ``years`` of BAU from ``start`` (P,), and the active carbon of the response run: same
    climate and input from empty pools and ``start``'s deficit (P,); t C/ha.

    Both run as one engine call of 2P sites (12-month forcing, memory (12, 2P)), each year one annual
    affine map of the pools (:func:`permille.models.rothc.run_years`).
    """
    n = len(px.soc)

    def twice(a):
        return np.concatenate([a, a], axis=-1)

    soil = rothc.Soil(
        clay=twice(px.clay), depth=depth_cm, decomposition_factor=twice(_decomposition(px.land_cover))
    )
    climate = (twice(px.temperature), twice(px.precipitation), twice(px.pet))
    forcing = _forcing(*climate, twice(px.plant_cover), twice(monthly_input), twice(dpm_rpm))
    empty = np.zeros_like(start.pools)
    iom = np.concatenate([start.iom, np.zeros(n)])
    state = rothc.State(np.concatenate([start.pools, empty], axis=1), iom, twice(start.smd))
    state = rothc.run_years(soil, forcing, state, years=years)
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

    def by_month(a):  # (12, years, P)
        return np.asarray(a, dtype=float).reshape(years, 12, -1).swapaxes(0, 1)

    t, p = _rows_sum(by_month(warmup_temperature)) / 12.0, _rows_sum(by_month(warmup_precipitation))
    reference = npp_miami(_rows_sum(np.asarray(temperature, dtype=float)) / 12.0, _rows_sum(precipitation))
    return npp_miami(t, p) / reference


def _rows_sum(a) -> np.ndarray:
    """Sum over the leading axis, row after row: the same rounding for a pixel whatever the number of pixels
    beside it (numpy's pairwise summation applies along a contiguous axis, e.g. for a single pixel), so
    that results do not depend on how a grid is chunked."""
    return functools.reduce(operator.add, np.asarray(a, dtype=float))


def _warmup_ratio(px: _Pixels, reference: _Pixels | None = None) -> np.ndarray:
    """(years, P) factor on the anchored input in each warm-up year: the MIAMI :func:`npp_ratio` (relative
    to the climatology of ``reference``, default ``px``), or a given ``npp`` relative to its mean over the
    warm-up (1 every year for a single layer)."""
    if px.npp is None:
        ref = px if reference is None else reference
        return npp_ratio(px.warmup[0], px.warmup[1], ref.temperature, ref.precipitation)
    npp = np.broadcast_to(px.npp, (len(px.warmup[0]) // 12, len(px.soc)))
    return npp / (_rows_sum(npp) / len(npp))


def _later_climate(px: _Pixels) -> _Pixels:
    """``px`` with :attr:`_Pixels.forward_climate` applied to its climatology and warm-up series."""
    if px.forward_climate is None:
        return px
    t, p = px.forward_climate
    warmup = None if px.warmup is None else (px.warmup[0] * t, px.warmup[1] * p, px.warmup[2])
    return dataclasses.replace(
        px, temperature=px.temperature * t, precipitation=px.precipitation * p, warmup=warmup,
        forward_climate=None,
    )  # fmt: skip


def _simulate_modelled(px: _Pixels, years, increases, depth_cm) -> dict[str, np.ndarray]:
    """The three phases for pixels that are all modelled; outputs in :func:`output_spec` order."""
    if px.numerics == "gsocseq-scripts":
        from .gsocseq_numerics import simulate

        return simulate(px, years, increases, depth_cm)
    dpm_rpm = np.select([px.land_cover == c for c in DPM_RPM], list(DPM_RPM.values()))
    soil = rothc.Soil(clay=px.clay, depth=depth_cm, decomposition_factor=_decomposition(px.land_cover))
    pattern = _input_pattern(px.plant_cover)
    climate = _forcing(px.temperature, px.precipitation, px.pet, px.plant_cover, pattern, dpm_rpm)
    anchored, state = rothc.inputs_for_stock(soil, climate, px.soc)
    anchoring, px = px, _later_climate(px)
    if px.warmup is not None:  # MIAMI ratio to the unperturbed climatology, as the GSOCseq scripts have it
        repeat = len(px.warmup[0]) // 12
        ratio = _warmup_ratio(px, anchoring)
        warm_input = (ratio[:, None, :] * (anchored * pattern)).reshape(12 * repeat, -1)
        cover = np.tile(px.plant_cover, (repeat, 1))
        state = rothc.run(soil, _forcing(*px.warmup, cover, warm_input, dpm_rpm), state, output="final").final
    soc_t0 = state.soc
    annual = _bau_input(px, anchored, ratio if px.warmup is not None else None)
    bau, response = _forward(px, annual * pattern, dpm_rpm, state, years, depth_cm)
    return _outputs(px, soc_t0, annual, bau, response, years, increases)


def _bau_input(px: _Pixels, anchored, warmup_ratio) -> np.ndarray:
    """(P,) the forward BAU input, t C/ha/yr: ``carbon_input`` (× ``input_scale`` in the envelope), else the
    anchored input, or with ``bau_input`` "warmup-mean" and a warm-up, its mean over the warm-up years."""
    if px.carbon_input is not None:
        return px.carbon_input if px.input_scale is None else px.carbon_input * px.input_scale
    if px.bau_input == "warmup-mean" and warmup_ratio is not None:
        return anchored * (_rows_sum(warmup_ratio) / len(warmup_ratio))
    return anchored


def _outputs(px: _Pixels, soc_t0, annual, bau, response, years, increases) -> dict[str, np.ndarray]:
    """Every output in :func:`output_spec` order from the T0 stock, the BAU input and final stock, and the
    response R (final stock per unit of input increase): SSM = BAU + (f + shift) × R."""
    shift = 0.0 if px.ssm_shift is None else px.ssm_shift
    diff = {_label(f): (f + shift) * response for f in increases}
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
    npp=None,
    carbon_input=None,
    latitude=None,
    ndvi=None,
    years: int = 20,
    increases: Sequence[float] = SSM_INCREASES,
    depth_cm: float = DEPTH_CM,
    numerics: str = "exact",
    bau_input: str = "anchored",
) -> dict[str, np.ndarray]:
    """Sequestration potential of P pixels: BAU and SSM stocks after ``years`` years, differences and rates.

    Inputs: ``soc_t0`` (P,) SOC stock, t C/ha over ``depth_cm`` (GSOCseq: 0–30 cm); ``clay`` (P,) %;
    ``temperature`` (12, P) monthly mean air temperature, °C; ``precipitation`` (12, P) mm/month; ``pet``
    (12, P) potential evapotranspiration, mm/month (RothC gets PET / 0.75 as open-pan evaporation);
    ``land_cover`` (P,) FAO aggregated class (those of :data:`DPM_RPM`; any other class, or NaN, gives NaN;
    paddy fields, class 13, decompose at :data:`DECOMPOSITION_FACTOR` × the rate); ``plant_cover`` (12, P)
    1 covered / 0 bare, else from ``ndvi`` (12, P) monthly mean NDVI (:func:`cover_from_ndvi`), else the
    default: covered all year except cropland and paddy fields, :data:`CROPLAND_COVER`, or
    :data:`CROPLAND_COVER_SOUTH` where ``latitude`` (P,) °N is negative (without ``latitude`` every pixel
    gets the northern calendar), and sparse vegetation, bare; ``warmup``: optional year-to-year series, a mapping
    of ``temperature``, ``precipitation`` and ``pet`` each (12·Y, P) starting in January; ``npp``: optional
    net primary production, t C/ha/yr, (Y, P) one per warm-up year or (P,) one for all, scaling the warm-up
    input by its ratio to its warm-up mean instead of the MIAMI ratio (:func:`npp_ratio`); ``carbon_input``:
    optional (P,) annual plant carbon input of the BAU forward run, t C/ha/yr, instead of the anchored one
    (T0 anchoring then only sets the initial pools; the warm-up keeps the anchored input); ``increases``:
    SSM input increases (0.05 = +5 %); ``bau_input`` (:data:`BAU_INPUTS`): "warmup-mean" makes the forward
    BAU input the mean warm-up input, as the GSOCseq forward script; ``numerics`` (:data:`NUMERICS`):
    "gsocseq-scripts" for the R scripts' numerics, for comparison only. A pixel with any NaN input is not
    modelled (NaN outputs).

    Returns (P,) arrays, named as in :func:`output_spec`: ``soc_t0`` (stock at the start of the forward
    run: the given stock, or the warm-up's end), ``input_t0`` (BAU input, t C/ha/yr), ``soc_bau``,
    ``soc_ssm_{x}``, ``diff_ssm_{x}`` = SSM − BAU, ``rel_diff_ssm_{x}`` = 100 × (SSM − BAU) / BAU (%),
    ``rate_bau`` and ``rate_ssm_{x}`` = (final − soc_t0) / years (t C/ha/yr); x is the increase in percent
    (5, 10, 20). Raises :class:`GridInputError` listing every problem.
    """
    pixels = _checked(
        soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup, npp, carbon_input,
        latitude, _parameter_problems(years, increases, depth_cm) + _numerics_problems(numerics, bau_input), ndvi,
    )  # fmt: skip
    pixels = dataclasses.replace(pixels, numerics=numerics, bau_input=bau_input)
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
    independent factors uniform on 1 ± r and whose SSM input increases are shifted by a draw uniform on
    ± r (r from :data:`UNCERTAINTY`: ± 0.15 of the BAU input), one per member, pixel and variable, applied to
    every month of the climatology and of the warm-up and to every SSM scenario. Clay is capped at 100 %."""
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
        npp=None if px.npp is None else tile(px.npp),
        carbon_input=None if px.carbon_input is None else tile(px.carbon_input),
        ssm_shift=factor["ssm_increase"] - 1.0,
        numerics=px.numerics,
        bau_input=px.bau_input,
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
    npp=None,
    carbon_input=None,
    latitude=None,
    ndvi=None,
    years: int = 20,
    increases: Sequence[float] = SSM_INCREASES,
    depth_cm: float = DEPTH_CM,
    numerics: str = "exact",
    bau_input: str = "anchored",
    members: int = 100,
    seed: int = 0,
    pixel_ids=None,
) -> dict[str, np.ndarray]:
    """Monte Carlo propagation of the input uncertainties of FAO GSOCseq technical manual (2020) Table 12.1.

    Same inputs as :func:`compute_pixels`. Each of ``members`` members scales temperature (± 2 %),
    precipitation (± 5 %), clay (± 10 %) and SOC (± 20 %) by factors drawn uniformly within those ranges and
    shifts the SSM input increase by ± 15 percentage points of the BAU input (one shift for every scenario
    of a member: +10 % becomes +(10 ± 15) %, the official ``Cinputs × (1.10 ± 0.15)``),
    independently per pixel and member (PET, plant cover, land cover, ``npp`` and ``carbon_input`` are not
    perturbed), and runs every pixel × member at once. Differences and rates are computed within each member before the statistics,
    so their spread is that of the difference, not of two independent stocks. Draws depend only on
    ``seed`` and ``pixel_ids`` ((P,) non-negative integers keying each pixel, default 0 … P−1).

    Returns (P,) arrays ``{name}_mean`` and ``{name}_sd`` (sample SD, ddof = 1) for every output of
    :func:`compute_pixels`, in the order of :func:`uncertainty_spec`. Memory scales with members × P.
    """
    pixels = _checked(
        soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup, npp, carbon_input,
        latitude,
        _parameter_problems(years, increases, depth_cm)
        + _member_problems(members, seed, allow_zero=False)
        + _numerics_problems(numerics, bau_input),
        ndvi,
    )  # fmt: skip
    pixels = dataclasses.replace(pixels, numerics=numerics, bau_input=bau_input)
    n = len(pixels.soc)
    ids = np.arange(n) if pixel_ids is None else np.asarray(pixel_ids)
    if ids.shape != (n,) or not np.issubdtype(ids.dtype, np.integer) or (ids < 0).any():
        _raise_if([f"pixel_ids: expected ({n},) non-negative integers, got {ids.dtype} {ids.shape}"])
    return _uncertainty(pixels, members, seed, ids, years, _fractions(increases), depth_cm)


def _uncertainty(px: _Pixels, members, seed, ids, years, increases, depth_cm) -> dict[str, np.ndarray]:
    """:func:`compute_uncertainty` of checked pixels."""
    n = len(px.soc)
    runs = _simulate(_perturbed(px, members, seed, ids), years, increases, depth_cm)
    out = {}
    for name, values in runs.items():
        values = values.reshape(members, n)
        mean = _rows_sum(values) / members
        out[f"{name}_mean"] = mean
        out[f"{name}_sd"] = np.sqrt(_rows_sum((values - mean) ** 2) / (members - 1))
    return out


# --- the GSOCseq min/max envelope ----------------------------------------------------------------------

#: Sign of each input's shift at the low end of the envelope (FAO GSOCseq technical manual (2020) Eq 12.4:
#: SOC min = Model(SOC_FAO min, Ci min, Temp max, Pp min, Clay min)); the high end is the mirror.
ENVELOPE_LOW_SIGN = {
    "temperature": +1.0,
    "precipitation": -1.0,
    "clay": -1.0,
    "soc_t0": -1.0,
    "ssm_increase": -1.0,
}


def envelope_spec(years: int, increases: Sequence[float] = SSM_INCREASES) -> dict[str, tuple[str, str]]:
    """Outputs of :func:`compute_envelope`: ``{name}_min`` and ``{name}_max`` of the stocks."""
    spec = {}
    for name, (long_name, units) in output_spec(years, increases).items():
        if name.startswith("soc_"):
            for side, label in (("min", "low"), ("max", "high")):
                text = (
                    f"GSOCseq {label} end of the min/max envelope (all inputs at one extreme) of: {long_name}"
                )
                spec[f"{name}_{side}"] = (text, units)
    return spec


def _anchored(px: _Pixels, depth_cm) -> np.ndarray:
    """(P,) the annual plant input whose RothC equilibrium equals ``px.soc`` (T0 anchoring alone)."""
    dpm_rpm = np.select([px.land_cover == c for c in DPM_RPM], list(DPM_RPM.values()))
    soil = rothc.Soil(clay=px.clay, depth=depth_cm, decomposition_factor=_decomposition(px.land_cover))
    pattern = _input_pattern(px.plant_cover)
    climate = _forcing(px.temperature, px.precipitation, px.pet, px.plant_cover, pattern, dpm_rpm)
    return rothc.inputs_for_stock(soil, climate, px.soc)[0]


def _envelope_side(px: _Pixels, side: str, depth_cm) -> _Pixels:
    """``px`` with every input at the ``side`` ("min" or "max") end of its Table 12.1 range, as the official
    scripts apply them: SOC and clay from the T0 anchoring (spin-up) on, temperature and precipitation in the
    warm-up and forward phases, the SSM increase ∓ 15 percentage points; a given ``carbon_input`` scaled as
    the anchored input is."""
    sign = {k: (v if side == "min" else -v) * UNCERTAINTY[k] for k, v in ENVELOPE_LOW_SIGN.items()}
    out = dataclasses.replace(
        px,
        soc=px.soc * (1.0 + sign["soc_t0"]),
        clay=np.minimum(px.clay * (1.0 + sign["clay"]), 100.0),
        ssm_shift=np.full(len(px.soc), sign["ssm_increase"]),
        forward_climate=(1.0 + sign["temperature"], 1.0 + sign["precipitation"]),
    )
    if px.carbon_input is not None:
        out = dataclasses.replace(out, input_scale=_anchored(out, depth_cm) / _anchored(px, depth_cm))
    return out


def _envelope(px: _Pixels, years, increases, depth_cm) -> dict[str, np.ndarray]:
    """:func:`compute_envelope` of checked pixels."""
    out = {}
    for side in ("min", "max"):
        modelled = px.modelled()
        runs = {name: np.full(len(px.soc), np.nan) for name in output_spec(years, increases)}
        if modelled.any():
            some = _envelope_side(px.take(modelled), side, depth_cm)
            for name, values in _simulate_modelled(some, years, increases, depth_cm).items():
                runs[name][modelled] = values
        out |= {f"{name}_{side}": values for name, values in runs.items() if name.startswith("soc_")}
    return {name: out[name] for name in envelope_spec(years, increases)}


def compute_envelope(
    soc_t0,
    clay,
    temperature,
    precipitation,
    pet,
    land_cover,
    *,
    plant_cover=None,
    warmup: Mapping[str, Any] | None = None,
    npp=None,
    carbon_input=None,
    latitude=None,
    ndvi=None,
    years: int = 20,
    increases: Sequence[float] = SSM_INCREASES,
    depth_cm: float = DEPTH_CM,
    numerics: str = "exact",
    bau_input: str = "anchored",
) -> dict[str, np.ndarray]:
    """The official GSOCseq uncertainty envelope (FAO 2020 technical manual Eqs 12.3–12.4, and the RothC
    spin-up, warm-up and forward scripts): two more runs per pixel with every input at its adverse extreme
    together. Low end: SOC × 0.8 and clay × 0.9 from the T0 anchoring on, temperature × 1.02 and
    precipitation × 0.95 in the warm-up and forward phases (the anchoring keeps the climatology, as the
    official analytical spin-up does), the SSM input BAU × (1 + f − 0.15); the high end is the mirror (SOC
    × 1.2, clay × 1.1, temperature × 0.98, precipitation × 1.05, BAU × (1 + f + 0.15)). A warm-up scales the
    input by the MIAMI NPP of each perturbed year relative to the unperturbed climatology, as the scripts
    do. This is NOT a confidence interval: :func:`compute_uncertainty` is the Monte Carlo one.

    Same inputs as :func:`compute_pixels`. Returns (P,) arrays ``{name}_min`` and ``{name}_max`` of every
    stock output (``soc_t0``, ``soc_bau``, ``soc_ssm_{x}``), named as in :func:`envelope_spec`.
    """
    pixels = _checked(
        soc_t0, clay, temperature, precipitation, pet, land_cover, plant_cover, warmup, npp, carbon_input,
        latitude, _parameter_problems(years, increases, depth_cm) + _numerics_problems(numerics, bau_input), ndvi,
    )  # fmt: skip
    pixels = dataclasses.replace(pixels, numerics=numerics, bau_input=bau_input)
    return _envelope(pixels, years, _fractions(increases), depth_cm)


# --- xarray + Dask -------------------------------------------------------------------------------------

#: Dataset variables of :func:`run` and their dims; the optional ones follow (``npp`` may also be
#: ("y", "x"), one layer for every warm-up year).
GRID_VARIABLES = {
    "soc_t0": ("y", "x"),
    "clay": ("y", "x"),
    "land_cover": ("y", "x"),
    "temperature": ("month", "y", "x"),
    "precipitation": ("month", "y", "x"),
    "pet": ("month", "y", "x"),
}
OPTIONAL_VARIABLES = (
    {"plant_cover": ("month", "y", "x"), "ndvi": ("month", "y", "x")}
    | {f"warmup_{k}": ("time", "y", "x") for k in WARMUP_FIELDS}
    | {"npp": ("year", "y", "x"), "carbon_input": ("y", "x")}
)


def _dims(ds: xr.Dataset, name: str) -> tuple[str, ...]:
    """The dims variable ``name`` of a :func:`run` dataset must have (in kernel order)."""
    if name == "npp" and "year" not in ds[name].dims:
        return ("y", "x")
    return (GRID_VARIABLES | OPTIONAL_VARIABLES)[name]


def _dataset_problems(ds: xr.Dataset) -> list[str]:
    """Missing variables, wrong dims or sizes of a :func:`run` dataset."""
    missing = [name for name in GRID_VARIABLES if name not in ds.data_vars]
    problems = [f"missing variable(s): {', '.join(missing)}"] if missing else []
    for name in GRID_VARIABLES | OPTIONAL_VARIABLES:
        if name in ds.data_vars and sorted(ds[name].dims) != sorted(_dims(ds, name)):
            expected = "('year', 'y', 'x') or ('y', 'x')" if name == "npp" else _dims(ds, name)
            problems.append(f"{name}: has dims {ds[name].dims}, expected {expected}")
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
    if "npp" in ds.data_vars:
        if not given:
            problems.append("npp: scales the warm-up inputs, but no warm-up series is given")
        elif "year" in ds["npp"].dims and ds.sizes["year"] * 12 != ds.sizes.get("time", 0):
            problems.append(
                f"npp: {ds.sizes['year']} years, the warm-up has {ds.sizes.get('time', 0) / 12:g} "
                "(give one layer per warm-up year, or a single layer)"
            )
    return problems


def pixel_latitude(dataset: xr.Dataset) -> xr.DataArray | None:
    """Latitude of the cell centres, °N: ``y`` (y,) on a geographic CRS (or, without a CRS, a ``y`` in
    degrees_north); on a projected CRS the cell centres transformed to EPSG:4326, (y, x), lazy and chunked
    as ``soc_t0`` when that is Dask-backed. None when unknown."""
    crs = dataset.rio.crs
    y, x = dataset["y"].reset_coords(drop=True), dataset["x"].reset_coords(drop=True)
    if crs is None:
        units = y.attrs.get("units") in ("degrees_north", "degree_north", "degree_N", "degrees_N")
        return y.astype(float) if units or y.attrs.get("standard_name") == "latitude" else None
    if crs.is_geographic:
        return y.astype(float)
    from pyproj import Transformer

    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    yy, xx = xr.broadcast(y.astype(float), x.astype(float))
    chunks = dataset["soc_t0"].chunksizes if "soc_t0" in dataset.data_vars else {}
    if chunks:
        yy, xx = yy.chunk(chunks), xx.chunk(chunks)
    return xr.apply_ufunc(
        lambda east, north: transformer.transform(east, north)[1], xx, yy, dask="parallelized",
        output_dtypes=[float],
    )  # fmt: skip


def _namer(ds: xr.Dataset) -> Callable[[tuple[int, ...]], str]:
    """Names a (y, x) index by its coordinates when the dataset has them."""

    def coordinate(dim, i):
        if dim not in ds.coords:
            return f"{dim} index {i}"
        value = ds[dim].values[i]
        return f"{dim}={value:g}" if np.issubdtype(np.asarray(value).dtype, np.number) else f"{dim}={value}"

    return lambda index: ", ".join(coordinate(d, i) for d, i in zip(("y", "x"), index, strict=True))


def _block(
    *arrays, names, n_x, years, increases, depth_cm, members, seed, envelope=False, numerics="exact",
    bau_input="anchored",
):  # fmt: skip
    """apply_ufunc kernel: a (y, x) block of every input (monthly ones with the month last) → (y, x, K)."""
    *fields, iy, ix = arrays
    shape = fields[0].shape[:2]
    n = shape[0] * shape[1]
    fields = [
        np.broadcast_to(a, shape) if name == "latitude" else a for name, a in zip(names, fields, strict=True)
    ]
    flat = {  # C-contiguous (months, pixels): the layout every later step and the engine want
        name: a.reshape(n)
        if a.ndim == 2
        else np.ascontiguousarray(np.moveaxis(a, -1, 0)).reshape(a.shape[-1], n)
        for name, a in zip(names, fields, strict=True)
    }
    warmup = {k: flat.pop(f"warmup_{k}") for k in WARMUP_FIELDS} if "warmup_pet" in flat else None
    # shapes are right by construction and run() checked the values of the whole grid: no second check
    cover = flat.pop("plant_cover", None)
    pixels, _, problems = _as_pixels(**flat, plant_cover=cover, warmup=warmup)
    _raise_if(problems)
    pixels = dataclasses.replace(pixels, numerics=numerics, bau_input=bau_input)
    out = _simulate(pixels, years, increases, depth_cm)
    if members:
        ids = np.broadcast_to(iy * n_x + ix, shape).reshape(n)
        out |= _uncertainty(pixels, members, seed, ids, years, increases, depth_cm)
    if envelope:
        out |= _envelope(pixels, years, increases, depth_cm)
    return np.stack(list(out.values()), axis=-1).reshape(*shape, len(out))


def run(
    dataset: xr.Dataset,
    *,
    years: int = 20,
    increases: Sequence[float] = SSM_INCREASES,
    members: int = 0,
    seed: int = 0,
    depth_cm: float = DEPTH_CM,
    envelope: bool = False,
    numerics: str = "exact",
    bau_input: str = "anchored",
) -> xr.Dataset:
    """Sequestration-potential maps of a grid: :func:`compute_pixels` (and, with ``members`` ≥ 2,
    :func:`compute_uncertainty`; with ``envelope``, the official min/max runs of :func:`compute_envelope`)
    applied block by block over (y, x). ``numerics`` "gsocseq-scripts" replaces the exact RothC numerics
    by those of the FAO GSOCseq R scripts, for side-by-side comparison only (:data:`NUMERICS`);
    ``bau_input`` as :func:`compute_pixels`.

    ``dataset``: ``soc_t0`` (t C/ha over ``depth_cm``, default 0–30 cm), ``clay``, ``land_cover`` (y, x);
    ``temperature``, ``precipitation``, ``pet`` (month, y, x) with months January … December; optional
    ``plant_cover`` (month, y, x) or ``ndvi`` (month, y, x) monthly mean NDVI (covered where ≥ 0.4)
    (default: :func:`compute_pixels`'s, the crop calendar shifted by 6 months
    south of the equator, latitude from :func:`pixel_latitude`), a warm-up series ``warmup_temperature``,
    ``warmup_precipitation``, ``warmup_pet`` (time, y, x), 12·Y months from January, ``npp`` (year, y, x)
    with Y layers or (y, x), t C/ha/yr, scaling the warm-up input instead of MIAMI, and ``carbon_input``
    (y, x), t C/ha/yr, the BAU input of the forward run instead of the anchored one. Units as
    :func:`compute_pixels`. numpy-backed variables are computed now; Dask-backed ones give a lazy result
    computed chunk by chunk (memory ∝ chunk size × (months + outputs), × members with uncertainty; the
    month, time and year dims are merged into one chunk). The value checks are one pass of reductions
    over the inputs, computed before the lazy result is built.

    Returns a dataset of (y, x) variables named as :func:`output_spec` (and :func:`uncertainty_spec`), each
    with ``units`` and ``long_name``, NaN where a pixel is not modelled, with provenance attributes.
    Raises :class:`GridInputError` listing every problem (variables, dims, parameters, values).
    """
    problems = _dataset_problems(dataset)
    parameters = _parameter_problems(years, increases, depth_cm)
    parameters += _member_problems(members, seed, allow_zero=True) + _numerics_problems(numerics, bau_input)
    latitude = None
    if not {"plant_cover", "ndvi"} & set(dataset.data_vars) and "y" in dataset.dims:
        latitude = pixel_latitude(dataset)
        if latitude is None:
            problems.append(
                "plant_cover: not given, and the default crop calendar needs each pixel's latitude: give the "
                "dataset a CRS (rio.write_crs) or y in degrees_north, or give plant_cover or ndvi"
            )
    if problems:  # values are checked once the variables are right
        _raise_if(problems + parameters)
    names = [n for n in GRID_VARIABLES | OPTIONAL_VARIABLES if n in dataset.data_vars]
    fields = {name: dataset[name].transpose(*_dims(dataset, name)) for name in names}
    _raise_if(parameters + _value_problems({name: a.data for name, a in fields.items()}, _namer(dataset)))
    if latitude is not None:
        fields["latitude"] = latitude
        names.append("latitude")

    increases = _fractions(increases)
    spec = output_spec(years, increases) | (uncertainty_spec(years, increases, members) if members else {})
    spec |= envelope_spec(years, increases) if envelope else {}
    n_y, n_x = dataset.sizes["y"], dataset.sizes["x"]
    kernel = functools.partial(
        _block, names=names, n_x=n_x, years=years, increases=increases, depth_cm=float(depth_cm),
        members=members, seed=seed, envelope=bool(envelope), numerics=numerics, bau_input=bau_input,
    )  # fmt: skip
    result = xr.apply_ufunc(
        kernel,
        *fields.values(),
        xr.DataArray(np.arange(n_y), dims="y"),
        xr.DataArray(np.arange(n_x), dims="x"),
        input_core_dims=[[d for d in a.dims if d not in ("y", "x")] for a in fields.values()] + [[], []],
        output_core_dims=[["output"]],
        dask="parallelized",
        output_dtypes=[float],
        dask_gufunc_kwargs={"output_sizes": {"output": len(spec)}, "allow_rechunk": True},
    )
    out = result.assign_coords(output=list(spec)).to_dataset(dim="output")
    for name, (long_name, units) in spec.items():
        out[name].attrs = {"long_name": long_name, "units": units}
    out.attrs = _provenance(dataset, years, increases, members, seed, depth_cm)
    out.attrs["numerics"] = numerics
    given = dataset.data_vars
    if bau_input == "warmup-mean" and "warmup_temperature" in given and "carbon_input" not in given:
        out.attrs["bau_input"] = "mean input of the warm-up years (GSOCseq forward script, Cin_mean)"
    if numerics != "exact":
        out.attrs["numerics_note"] = (
            "FAO GSOCseq R scripts' numerics (SoilR temperature function, fw1func moisture, monthly Euler "
            "steps and Euler equilibrium), for side-by-side comparison only; see permille.grid.gsocseq_numerics"
        )
    if envelope:
        out.attrs["envelope_method"] = (
            "FAO GSOCseq min/max envelope (technical manual Eqs 12.3-12.4; official RothC scripts): low end "
            "SOC x 0.8 and clay x 0.9 from the T0 anchoring on, temperature x 1.02 and precipitation x 0.95 "
            "in the warm-up and forward phases, SSM input BAU x (1 + f - 0.15); high end the mirror. Not a "
            "confidence interval (the *_mean/*_sd outputs are the Monte Carlo ones)"
        )
    return out


def _provenance(dataset: xr.Dataset, years, increases, members, seed, depth_cm) -> dict[str, Any]:
    given = dataset.data_vars
    attrs = {
        "title": "Soil organic carbon sequestration potential (GSOCseq method)",
        "model": "RothC-26.3",
        "model_reference": "Coleman & Jenkinson (1996), doi:10.1007/978-3-642-61094-3_17",
        "method_reference": "FAO (2020) GSOCseq v1.1 technical manual: Global Soil Organic Carbon "
        "Sequestration Potential Map",
        "method": METHOD,
        "software": f"permille {__version__}",
        "permille_version": __version__,
        "depth_cm": float(depth_cm),
        "forward_years": years,
        "ssm_input_increases": list(increases),
        "warmup_years": dataset.sizes["time"] // 12 if "warmup_temperature" in given else 0,
        "bau_input": "carbon_input layer (T0 anchoring sets the initial pools only)"
        if "carbon_input" in given
        else "anchored: the input whose RothC equilibrium equals soc_t0",
        "plant_cover": "plant_cover layer"
        if "plant_cover" in given
        else f"monthly NDVI layer: covered where NDVI >= {NDVI_COVER_THRESHOLD:g}"
        if "ndvi" in given
        else "default: cropland and paddy fields covered March-October north of the equator, "
        "September-April south of it; sparse vegetation bare; other classes all year",
        "uncertainty_members": members,
    }
    if "warmup_temperature" in given:
        attrs["warmup_input_scaling"] = (
            "npp layer relative to its warm-up mean"
            if "npp" in given
            else "MIAMI NPP (Lieth 1975) of each warm-up year relative to the climatology's"
        )
    if members:
        attrs["uncertainty_seed"] = seed
        attrs["uncertainty_method"] = (
            "Monte Carlo, FAO GSOCseq manual Table 12.1: temperature, precipitation, clay and SOC scaled by "
            "factors uniform on 1 ± 2, 5, 10, 20 %, the SSM input increase shifted by ± 15 percentage points "
            "of the BAU input (official scripts: Cinputs x (1.10 ± 0.15)), independent per pixel and member; "
            "differences and rates within each member; SD with ddof = 1"
        )
    if "title" in dataset.attrs:
        attrs["source_title"] = dataset.attrs["title"]
    if "comment" in dataset.attrs:
        attrs["comment"] = dataset.attrs["comment"]
    return attrs


__all__ = [
    "BARE_CLASSES",
    "CROPLAND_COVER",
    "CROPLAND_COVER_SOUTH",
    "CROP_CALENDAR_CLASSES",
    "DECOMPOSITION_FACTOR",
    "DEPTH_CM",
    "DPM_RPM",
    "NDVI_COVER_THRESHOLD",
    "NUMERICS",
    "BAU_INPUTS",
    "GRID_VARIABLES",
    "OPTIONAL_VARIABLES",
    "SSM_INCREASES",
    "UNCERTAINTY",
    "GridInputError",
    "compute_envelope",
    "compute_pixels",
    "compute_uncertainty",
    "cover_from_ndvi",
    "envelope_spec",
    "output_spec",
    "pixel_latitude",
    "run",
    "uncertainty_spec",
]
