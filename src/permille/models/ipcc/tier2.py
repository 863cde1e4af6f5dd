"""IPCC 2019 Refinement, Tier 2 steady-state method for mineral soils (0–30 cm), vectorised.

Vol 4 Ch 5 section 5.2.3 and Eqs 5.0A–5.0G of the 2019 Refinement to the 2006 IPCC Guidelines. The soil
organic carbon of each site is split into an active, a slow and a passive pool. Every year the method
computes a steady state of each pool from the year's carbon input, its lignin and nitrogen contents, the
soil's sand fraction, the tillage and the monthly climate, and each pool moves towards its steady state by
the fraction min(1, k) of the gap, k being the pool's decay rate (yr⁻¹).

Units: carbon input t C/ha/yr; pools t C/ha (0–30 cm); decay rates yr⁻¹; temperature °C (monthly mean);
precipitation and potential evapotranspiration (PET) mm per month; lignin, nitrogen and sand as fractions.
Every function takes scalars or arrays of shape (N,) — N sites, or N Monte Carlo draws — and every
parameter of :class:`Tier2Parameters` may be a scalar or an (N,) array, so that draws broadcast.
Monthly climate has the month on the first axis: (12,) or (12, N).

Equations are numbered as in the Refinement (and in HESTIA's docstrings):
5.0A total SOC = active + slow + passive; 5.0B active pool (stock update, steady state, decay rate);
5.0C slow pool (idem, and f_4); 5.0D passive pool (idem); 5.0E temperature factor; 5.0F water factor;
5.0G alpha (carbon flowing into the active pool) and beta (carbon input to the metabolic litter).
Computing the carbon input itself from residues and manure (Eq 5.0H and after) is left to the caller.

Checked against HESTIA (hestia-earth-models, ``ipcc2019/organicCarbonPerHa_tier_2.py``, read and not
copied) and against the numbers of the IPCC Tier 2 example workbook as bundled in Holos' tests. Points
where this module makes a choice the Refinement does not spell out, or where sources differ:

* slow steady state: the structural litter entering the slow pool is C_input × lignin × f_3 (lignin
  fraction), as in HESTIA and the IPCC example workbook — not C_input × (1 − lignin) × f_3;
* f_2 = 0.368 whatever the tillage, as the Refinement's Table 5.5a (p. 5.31) gives it (one calibrated value,
  sd 0.0998, range 0.007–0.5; Holos' transcription) and the IPCC example workbook uses it; HESTIA's 0.455 /
  0.477 / 0.5 by tillage come from the IPCC steady-state spreadsheet without statistics and are not the
  default (the four ``f_2_*`` fields remain, so a caller can set them; see ``tier2_parameters.csv``);
* unknown tillage takes the full-tillage disturbance factor (HESTIA's choice);
* an irrigated month has its monthly water term set to 0.775 (before the × 1.5 of Eq 5.0F), as in HESTIA;
* beta = C_input × (0.85 − 0.018 × L:N) turns negative for L:N above 47.2; it is not clamped (nor is it
  in HESTIA).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import NamedTuple

import numpy as np

from ...i18n import Text, joined
from .categories import Tillage

ArrayLike = float | np.ndarray | Sequence[float]

# Eq 5.0E: monthly temperature effect on decomposition.
_TEMPERATURE_SHAPE, _TEMPERATURE_EXPONENT = 0.2, 2.63
# Eq 5.0F: monthly water effect from the ratio of precipitation to PET (MAPPET).
_WATER_INTERCEPT, _WATER_QUADRATIC, _MAX_MAPPET = 0.2129, 0.2413, 1.25
_WATER_IRRIGATED_MONTH, _WATER_SCALE = 0.775, 1.5
# Eq 5.0G: share of the input going to metabolic litter, 0.85 − 0.018 × L:N.
_METABOLIC_INTERCEPT, _METABOLIC_SLOPE = 0.85, 0.018
# Eq 5.0C: f_4 = 1 − f_5 − (0.17 + 0.68 × sand).
_F4_INTERCEPT, _F4_SAND = 0.17, 0.68
# Eq 5.0B: sand modifier of the active decay rate, 0.25 + 0.75 × sand.
_ACTIVE_SAND_INTERCEPT, _ACTIVE_SAND_SLOPE = 0.25, 0.75

_MONTHS = 12
_MAX_REPORTED = 10


class _Row(NamedTuple):
    value: float
    sd: float
    low: float
    high: float
    shared_draw: str = ""


@functools.cache
def _parameter_table() -> dict[str, _Row]:
    """The packaged CSV as {lower-case name: (value, sd, min, max, shared draw)}; a blank sd, min or max
    means fixed; rows with the same ``shared_draw`` are one parameter (f_2 by tillage), drawn once."""
    text = (files("permille") / "data" / "ipcc" / "tier2_parameters.csv").read_text(encoding="utf-8")
    table = {}
    for record in csv.DictReader(io.StringIO(text)):
        value = float(record["value"])
        table[record["parameter"].lower()] = _Row(
            value=value,
            sd=float(record["sd"] or 0.0),
            low=float(record["min"] or value),
            high=float(record["max"] or value),
            shared_draw=record["shared_draw"],
        )
    return table


@functools.cache
def parameter_sources() -> dict[str, dict[str, str]]:
    """{lower-case parameter: {"table", "page", "page_source", "verification", "source"}} of the packaged
    CSV: the Refinement's table and page of each default, the copy the page was read in, and how far the
    value was checked ("UNVERIFIED: …" where it could not be)."""
    text = (files("permille") / "data" / "ipcc" / "tier2_parameters.csv").read_text(encoding="utf-8")
    keys = ("table", "page", "page_source", "verification", "source")
    return {r["parameter"].lower(): {k: r[k] for k in keys} for r in csv.DictReader(io.StringIO(text))}


@dataclass(frozen=True, eq=False)
class Tier2Parameters:
    """Parameters of the steady-state method (Refinement Vol 4 Ch 5 Table 5.5a, p. 5.31, and 5.5b, p. 5.32).

    Each field is a float or an (N,) array (one value per Monte Carlo draw). Decay factors in yr⁻¹,
    temperatures in °C, the rest dimensionless. The ``default_*_content`` fields are HESTIA's default
    carbon, nitrogen and lignin contents of crop residues (fractions of dry matter; unverified against
    Table 5.5b, see the CSV's ``verification`` column), kept for callers that lack measured contents; the
    equations here do not use them. :func:`parameter_sources` gives each value's table, page and
    verification.
    """

    active_decay_factor: float | np.ndarray
    slow_decay_factor: float | np.ndarray
    passive_decay_factor: float | np.ndarray
    f_1: float | np.ndarray
    f_2_full_tillage: float | np.ndarray
    f_2_reduced_tillage: float | np.ndarray
    f_2_no_tillage: float | np.ndarray
    f_2_unknown_tillage: float | np.ndarray
    f_3: float | np.ndarray
    f_5: float | np.ndarray
    f_6: float | np.ndarray
    f_7: float | np.ndarray
    f_8: float | np.ndarray
    tillage_factor_full_tillage: float | np.ndarray
    tillage_factor_reduced_tillage: float | np.ndarray
    tillage_factor_no_tillage: float | np.ndarray
    maximum_temperature: float | np.ndarray
    optimum_temperature: float | np.ndarray
    water_factor_slope: float | np.ndarray
    default_carbon_content: float | np.ndarray
    default_nitrogen_content: float | np.ndarray
    default_lignin_content: float | np.ndarray

    @classmethod
    def default(cls) -> Tier2Parameters:
        """The default values of the packaged ``tier2_parameters.csv``."""
        return cls(**{name: row.value for name, row in _parameter_table().items()})

    def sample(self, rng: np.random.Generator, n: int) -> Tier2Parameters:
        """Draw n values of each parameter, as (n,) arrays.

        A parameter with sd > 0 in the packaged CSV is drawn from a normal distribution centred on this
        instance's value with the CSV's sd, truncated to the CSV's [min, max] by resampling the draws that
        fall outside (a true truncated normal; no mass piles up on the bounds). Fields of one ``shared_draw``
        group (f_2 by tillage: one parameter of Table 5.5a) get the same draws when their values are equal.
        Parameters without an sd (the default contents, the fixed ones) are repeated. The ± uncertainty of the
        default nitrogen and lignin contents is not sampled: those are input defaults, not parameters of
        the equations. Fields are drawn in declaration order, so a seeded ``rng`` gives the same draws.
        """
        table = _parameter_table()
        drawn, shared = {}, {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if np.ndim(value) != 0:
                raise ValueError(
                    f"sample() needs scalar parameters; {field.name} has shape {np.shape(value)}"
                )
            row = table[field.name]
            if row.sd > 0:
                if not row.low <= value <= row.high:
                    raise ValueError(f"{field.name} = {value} lies outside its range [{row.low}, {row.high}]")
                key = (row.shared_draw or field.name, float(value))
                if key not in shared:
                    shared[key] = _truncated_normal(rng, float(value), row.sd, row.low, row.high, n)
                drawn[field.name] = shared[key].copy()
            else:
                drawn[field.name] = np.full(n, float(value))
        return Tier2Parameters(**drawn)


def _truncated_normal(
    rng: np.random.Generator, mean: float, sd: float, low: float, high: float, n: int
) -> np.ndarray:
    draws = rng.normal(mean, sd, n)
    outside = (draws < low) | (draws > high)
    while outside.any():
        draws[outside] = rng.normal(mean, sd, int(outside.sum()))
        outside = (draws < low) | (draws > high)
    return draws


@dataclass(frozen=True, eq=False)
class Tier2Pools:
    """Active, slow and passive SOC pools, t C/ha (0–30 cm), arrays of one shape.

    From :func:`steady_state` the pools are the steady states and ``k_a``, ``k_s``, ``k_p`` (yr⁻¹) and
    ``alpha`` (t C/ha/yr, carbon entering the active pool) come with them; from :func:`run` every field is
    a (Y, N) array. Built by hand (e.g. as ``initial`` of :func:`run`) only the pools are needed.
    """

    active: np.ndarray
    slow: np.ndarray
    passive: np.ndarray
    k_a: np.ndarray | None = None
    k_s: np.ndarray | None = None
    k_p: np.ndarray | None = None
    alpha: np.ndarray | None = None

    @property
    def total(self) -> np.ndarray:
        """Total SOC, t C/ha (Eq 5.0A)."""
        return self.active + self.slow + self.passive


# --- climate factors ------------------------------------------------------------------------------


def temperature_factor(temperature_monthly_c: ArrayLike, params: Tier2Parameters | None = None) -> np.ndarray:
    """Annual temperature effect on decomposition, dimensionless in [0, 1] (Eq 5.0E).

    ``temperature_monthly_c``: monthly mean air temperature, °C, shape (12,) or (12, N). For each month,
    with x = (T_max − T) / (T_max − T_opt), the effect is x^0.2 × exp(0.2 / 2.63 × (1 − x^2.63)), and 0
    for months at or above T_max (``maximum_temperature``, 45 °C; T_opt = ``optimum_temperature``,
    33.69 °C); the annual factor is the mean of the 12 months. Returns a scalar array or shape (N,).
    """
    params = Tier2Parameters.default() if params is None else params
    problems: list[Text] = []
    temperature = _monthly("temperature_monthly_c", temperature_monthly_c, problems)
    _site_shape(problems, params=params, temperature_monthly_c=np.shape(temperature)[:-1])
    _raise(problems)
    return _temperature_factor(temperature, params)


def water_factor(
    precipitation_mm: ArrayLike,
    pet_mm: ArrayLike,
    params: Tier2Parameters | None = None,
    irrigated: bool | ArrayLike = False,
) -> np.ndarray:
    """Annual water effect on decomposition, dimensionless in [0.32, 2.25] (Eq 5.0F).

    ``precipitation_mm`` and ``pet_mm``: monthly totals, mm, shape (12,) or (12, N). For each month
    MAPPET = min(1.25, precipitation / PET) and the water term is 0.2129 + slope × MAPPET − 0.2413 × MAPPET²
    (slope = ``water_factor_slope``, 1.331); in an irrigated month the term is 0.775 instead. The annual
    factor is 1.5 × the mean of the 12 terms. ``irrigated``: a bool, or an array of bools of shape (12,)
    (by month) or (12, N). Returns a scalar array or shape (N,).
    """
    params = Tier2Parameters.default() if params is None else params
    problems: list[Text] = []
    precipitation = _monthly("precipitation_mm", precipitation_mm, problems)
    pet = _monthly("pet_mm", pet_mm, problems)
    irrigation = _monthly_flags("irrigated", irrigated, problems)
    _site_shape(
        problems,
        params=params,
        precipitation_mm=np.shape(precipitation)[:-1],
        pet_mm=np.shape(pet)[:-1],
        irrigated=np.shape(irrigation)[:-1],
    )
    _raise(problems)
    return _water_factor(precipitation, pet, irrigation, params)


def _temperature_factor(temperature: np.ndarray, params: Tier2Parameters) -> np.ndarray:
    """Eq 5.0E on a months-last array."""
    t_max = np.asarray(params.maximum_temperature)[..., None]
    t_opt = np.asarray(params.optimum_temperature)[..., None]
    x = np.maximum((t_max - temperature) / (t_max - t_opt), 0.0)  # x = 0 gives an effect of 0
    effect = x**_TEMPERATURE_SHAPE * np.exp(
        _TEMPERATURE_SHAPE / _TEMPERATURE_EXPONENT * (1.0 - x**_TEMPERATURE_EXPONENT)
    )
    return effect.mean(axis=-1)


def _water_factor(
    precipitation: np.ndarray, pet: np.ndarray, irrigated: np.ndarray, params: Tier2Parameters
) -> np.ndarray:
    """Eq 5.0F on months-last arrays."""
    slope = np.asarray(params.water_factor_slope)[..., None]
    mappet = np.minimum(precipitation / pet, _MAX_MAPPET)
    term = _WATER_INTERCEPT + slope * mappet - _WATER_QUADRATIC * mappet**2
    return _WATER_SCALE * np.where(irrigated, _WATER_IRRIGATED_MONTH, term).mean(axis=-1)


# --- steady state ---------------------------------------------------------------------------------


def steady_state(
    *,
    carbon_input: ArrayLike,
    lignin: ArrayLike,
    nitrogen: ArrayLike,
    sand: ArrayLike,
    tillage: Tillage | str | Sequence[Tillage | str],
    temperature: ArrayLike,
    precipitation: ArrayLike,
    pet: ArrayLike,
    irrigated: bool | ArrayLike = False,
    params: Tier2Parameters | None = None,
) -> Tier2Pools:
    """Steady-state active, slow and passive pools, t C/ha (Eqs 5.0B–5.0G).

    ``carbon_input``: carbon entering the soil, t C/ha/yr. ``lignin`` and ``nitrogen``: lignin and nitrogen
    contents of that input as fractions of dry matter (mass-weighted over the input sources, as HESTIA
    does and as the defaults of Table 5.5b are given); the equations use lignin as the lignin fraction of
    the carbon input and both in the ratio L:N. ``sand``: sand fraction of the 0–30 cm soil, 0–1.
    ``tillage``: a :class:`Tillage` (or its value), or a sequence of N of them (one per site).
    ``temperature`` (°C), ``precipitation`` and ``pet`` (mm): monthly, shape (12,) or (12, N);
    ``irrigated`` as in :func:`water_factor`. Scalars and (N,) arrays broadcast together.

    With tfac, wfac the climate factors (5.0E, 5.0F) and tillfac the tillage factor:
    k_a = kfac_a × tfac × wfac × (0.25 + 0.75 × sand) × tillfac, k_s = kfac_s × tfac × wfac × tillfac,
    k_p = kfac_p × tfac × wfac; active* = alpha / k_a; slow* = (C × L × f_3 + active* × k_a × f_4) / k_s;
    passive* = (active* × k_a × f_5 + slow* × k_s × f_6) / k_p. Returns the pools with k_a, k_s, k_p
    (yr⁻¹) and alpha (t C/ha/yr), all of the broadcast shape.
    """
    params = Tier2Parameters.default() if params is None else params
    problems: list[Text] = []
    inputs = {
        name: _values(name, value, problems, max_ndim=1)
        for name, value in {
            "carbon_input": carbon_input,
            "lignin": lignin,
            "nitrogen": nitrogen,
            "sand": sand,
        }.items()
    }
    codes = _tillage_codes("tillage", tillage, problems, max_ndim=1)
    climate = {
        "temperature": _monthly("temperature", temperature, problems),
        "precipitation": _monthly("precipitation", precipitation, problems),
        "pet": _monthly("pet", pet, problems),
        "irrigated": _monthly_flags("irrigated", irrigated, problems),
    }
    shape = _site_shape(
        problems,
        params=params,
        tillage=np.shape(codes),
        **{name: np.shape(value) for name, value in inputs.items()},
        **{name: np.shape(value)[:-1] for name, value in climate.items()},
    )
    _raise(problems)
    pools = _steady_state(
        **inputs,
        tillage_codes=codes,
        tfac=_temperature_factor(climate["temperature"], params),
        wfac=_water_factor(climate["precipitation"], climate["pet"], climate["irrigated"], params),
        params=params,
    )
    return Tier2Pools(
        **{f.name: np.broadcast_to(getattr(pools, f.name), shape).copy() for f in dataclasses.fields(pools)}
    )


def _steady_state(
    *,
    carbon_input: np.ndarray,
    lignin: np.ndarray,
    nitrogen: np.ndarray,
    sand: np.ndarray,
    tillage_codes: np.ndarray,
    tfac: np.ndarray,
    wfac: np.ndarray,
    params: Tier2Parameters,
) -> Tier2Pools:
    """Eqs 5.0B–5.0D (steady states and decay rates) and 5.0G, on broadcastable arrays."""
    f_2, tillage_factor = _tillage_coefficients(tillage_codes, params)
    f_4 = 1.0 - params.f_5 - (_F4_INTERCEPT + _F4_SAND * sand)
    alpha = _alpha(carbon_input, lignin, nitrogen, f_2, f_4, params)
    climate = tfac * wfac
    k_a = (
        params.active_decay_factor
        * climate
        * (_ACTIVE_SAND_INTERCEPT + _ACTIVE_SAND_SLOPE * sand)
        * tillage_factor
    )
    k_s = params.slow_decay_factor * climate * tillage_factor
    k_p = params.passive_decay_factor * climate
    active = alpha / k_a
    slow = (carbon_input * lignin * params.f_3 + active * k_a * f_4) / k_s
    passive = (active * k_a * params.f_5 + slow * k_s * params.f_6) / k_p
    return Tier2Pools(active=active, slow=slow, passive=passive, k_a=k_a, k_s=k_s, k_p=k_p, alpha=alpha)


def _alpha(
    carbon_input: np.ndarray,
    lignin: np.ndarray,
    nitrogen: np.ndarray,
    f_2: np.ndarray,
    f_4: np.ndarray,
    params: Tier2Parameters,
) -> np.ndarray:
    """Carbon entering the active pool at steady state, t C/ha/yr (Eq 5.0G).

    beta = C × (0.85 − 0.018 × L:N) is the metabolic litter; the structural non-lignin litter
    C × (1 − L) − beta feeds the active pool through f_2, the lignin C × L the slow pool through f_3; the
    denominator closes the loops slow → active (f_7) and passive → active (f_8).
    """
    p = params
    beta = carbon_input * (_METABOLIC_INTERCEPT - _METABOLIC_SLOPE * lignin / nitrogen)
    from_litter = (
        beta * p.f_1
        + (carbon_input * (1.0 - lignin) - beta) * f_2
        + carbon_input * lignin * p.f_3 * (p.f_7 + p.f_6 * p.f_8)
    )
    return from_litter / (1.0 - f_4 * p.f_7 - p.f_5 * p.f_8 - f_4 * p.f_6 * p.f_8)


_TILLAGES = tuple(Tillage)


def _tillage_coefficients(codes: np.ndarray, params: Tier2Parameters) -> tuple[np.ndarray, np.ndarray]:
    """f_2 and the tillage factor for tillage codes (indices into ``Tillage``); unknown → full-tillage factor."""
    f_2 = {
        Tillage.FULL: params.f_2_full_tillage,
        Tillage.REDUCED: params.f_2_reduced_tillage,
        Tillage.NO: params.f_2_no_tillage,
        Tillage.UNKNOWN: params.f_2_unknown_tillage,
    }
    factor = {
        Tillage.FULL: params.tillage_factor_full_tillage,
        Tillage.REDUCED: params.tillage_factor_reduced_tillage,
        Tillage.NO: params.tillage_factor_no_tillage,
        Tillage.UNKNOWN: params.tillage_factor_full_tillage,
    }
    conditions = [codes == i for i in range(len(_TILLAGES))]
    return (
        np.select(conditions, [f_2[t] for t in _TILLAGES]),
        np.select(conditions, [factor[t] for t in _TILLAGES]),
    )


# --- yearly run -----------------------------------------------------------------------------------


def run(
    *,
    carbon_input: ArrayLike,
    lignin: ArrayLike,
    nitrogen: ArrayLike,
    sand: ArrayLike,
    tillage: Tillage | str | Sequence[Tillage | str],
    temperature: ArrayLike,
    precipitation: ArrayLike,
    pet: ArrayLike,
    irrigated: bool | ArrayLike = False,
    params: Tier2Parameters | None = None,
    initial: Tier2Pools | None = None,
) -> Tier2Pools:
    """Yearly active, slow and passive pools over Y years, t C/ha, each of shape (Y, N) (Eqs 5.0A–5.0G).

    ``carbon_input`` (t C/ha/yr): shape (Y,) or (Y, N); it sets Y. ``lignin`` and ``nitrogen`` (fractions of
    dry matter, see :func:`steady_state`): a scalar, (Y,) or (Y, N). ``sand`` (0–1): a scalar or (N,), the
    same every year. ``tillage``: one :class:`Tillage` for every year, or a sequence of Y of them.
    ``temperature`` (°C), ``precipitation``, ``pet`` (mm) and ``irrigated``: monthly, (Y, 12) or (Y, 12, N),
    or (12,) / (12, N) repeated every year (``irrigated`` may also be one bool). A 2-D array of shape
    (Y, 12) is read as one row per year.

    Each year y, each pool moves towards the year's steady state (Eqs 5.0B–5.0D, time step 1 yr):
    C_y = C_(y−1) + (C*_y − C_(y−1)) × min(1, k_y). C_(−1) is ``initial`` (pools of shape (N,) or scalars,
    the stocks at the end of the year before the first), or if None the steady state of the first year,
    which the first year then keeps. HESTIA instead starts from the steady state of the inputs averaged
    over a 5-year run-in, whose last year is its first reported year; to mimic it, pass as ``initial`` the
    :func:`steady_state` of the run-in means. N is 1 when no input has a site axis. The returned pools
    carry the yearly k_a, k_s, k_p and alpha too; ``total`` is Eq 5.0A.
    """
    params = Tier2Parameters.default() if params is None else params
    problems: list[Text] = []
    carbon = _values("carbon_input", carbon_input, problems, max_ndim=2)
    n_years = carbon.shape[0] if carbon.ndim else 0
    if n_years == 0:
        problems.append(Text("carbon_input: needs a year axis with at least one year, shape (Y,) or (Y, N)"))
    yearly = {
        "carbon_input": _by_year("carbon_input", carbon, n_years, problems),
        "lignin": _by_year("lignin", _values("lignin", lignin, problems, max_ndim=2), n_years, problems),
        "nitrogen": _by_year(
            "nitrogen", _values("nitrogen", nitrogen, problems, max_ndim=2), n_years, problems
        ),
    }
    sand_ = _values("sand", sand, problems, max_ndim=1)
    codes = _yearly_tillage(tillage, n_years, problems)
    climate = {
        "temperature": _by_year_monthly(
            "temperature", _values("temperature", temperature, problems), n_years, problems
        ),
        "precipitation": _by_year_monthly(
            "precipitation", _values("precipitation", precipitation, problems), n_years, problems
        ),
        "pet": _by_year_monthly("pet", _values("pet", pet, problems), n_years, problems),
        "irrigated": _by_year_monthly_flags(irrigated, n_years, problems),
    }
    start = _initial_pools(initial, problems)
    site = _site_shape(
        problems,
        params=params,
        sand=np.shape(sand_),
        **{name: np.shape(value)[1:] for name, value in yearly.items()},
        **{name: np.shape(value)[1:-1] for name, value in climate.items()},
        **{f"initial.{name}": np.shape(value) for name, value in start.items()},
    )
    _raise(problems)

    targets = _steady_state(
        **yearly,
        sand=sand_,
        tillage_codes=codes,
        tfac=_temperature_factor(climate["temperature"], params),
        wfac=_water_factor(climate["precipitation"], climate["pet"], climate["irrigated"], params),
        params=params,
    )
    shape = (n_years, *(site or (1,)))
    target = {f.name: np.broadcast_to(getattr(targets, f.name), shape) for f in dataclasses.fields(targets)}
    pools = {
        name: _approach(target[name], target[rate], start.get(name))
        for name, rate in (("active", "k_a"), ("slow", "k_s"), ("passive", "k_p"))
    }
    return Tier2Pools(**pools, **{name: target[name].copy() for name in ("k_a", "k_s", "k_p", "alpha")})


def _approach(steady: np.ndarray, rate: np.ndarray, initial: np.ndarray | None) -> np.ndarray:
    """Eqs 5.0B–5.0D part 1: yearly stocks moving towards their steady states by min(1, k) of the gap."""
    fraction = np.minimum(1.0, rate)
    stocks = np.empty(steady.shape)
    previous = steady[0] if initial is None else initial
    for year in range(steady.shape[0]):
        previous = previous + (steady[year] - previous) * fraction[year]
        stocks[year] = previous
    return stocks


# --- input checks ---------------------------------------------------------------------------------

# Range rules by input name: (out-of-range test, how to say it).
_NEGATIVE = Text("negative")
_RANGES = {
    "carbon_input": (lambda a: a < 0, _NEGATIVE),
    "lignin": (lambda a: (a <= 0) | (a >= 1), Text("outside (0, 1)")),
    "nitrogen": (lambda a: (a <= 0) | (a >= 1), Text("outside (0, 1)")),
    "sand": (lambda a: (a < 0) | (a > 1), Text("outside [0, 1]")),
    "precipitation": (lambda a: a < 0, _NEGATIVE),
    "pet": (lambda a: a <= 0, Text("not > 0")),
    "initial.active": (lambda a: a < 0, _NEGATIVE),
    "initial.slow": (lambda a: a < 0, _NEGATIVE),
    "initial.passive": (lambda a: a < 0, _NEGATIVE),
}


def _raise(problems: list[Text]) -> None:
    if problems:
        raise ValueError(Text("invalid Tier 2 input: {problems}", problems=joined(problems)))


def _index(index: tuple[int, ...]) -> str:
    return f"[{', '.join(str(i) for i in index)}]" if index else ""


def _report(name: str, array: np.ndarray, bad: np.ndarray, what: Text, problems: list[Text]) -> None:
    """One line per bad element (at most ``_MAX_REPORTED``, then a count), with its index."""
    where = [tuple(int(i) for i in index) for index in np.argwhere(bad)]
    for index in where[:_MAX_REPORTED]:
        value = repr(array[index].item())
        problems.append(
            Text("{name} = {value}: {what}", name=f"{name}{_index(index)}", value=value, what=what)
        )
    if len(where) > _MAX_REPORTED:
        more = len(where) - _MAX_REPORTED
        problems.append(
            Text(
                "{name}: {n} more value: {what}",
                "{name}: {n} more values: {what}",
                n=more,
                name=name,
                what=what,
            )
        )


def _values(name: str, value: object, problems: list[Text], max_ndim: int | None = None) -> np.ndarray:
    """``value`` as a float array, with its non-finite and out-of-range elements reported by index."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        problems.append(Text("{name}: not numeric ({value})", name=name, value=repr(value)))
        return np.zeros(())
    if max_ndim is not None and array.ndim > max_ndim:
        problems.append(
            Text(
                "{name}: {dimensions} dimensions, at most {most} allowed (shape {shape})",
                name=name,
                dimensions=array.ndim,
                most=max_ndim,
                shape=array.shape,
            )
        )
    finite = np.isfinite(array)
    _report(name, array, ~finite, Text("not a finite number"), problems)
    rule = _RANGES.get(name.removesuffix("_mm"))
    if rule is not None:
        test, what = rule
        _report(name, array, finite & test(np.where(finite, array, 0.5)), what, problems)
    return array


def _flags(name: str, value: object, problems: list[Text]) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biu":
        problems.append(
            Text("{name}: expected booleans, got dtype {dtype}", name=name, dtype=str(array.dtype))
        )
        return np.zeros((), dtype=bool)
    return array.astype(bool)


def _monthly(name: str, value: object, problems: list[Text]) -> np.ndarray:
    """A (12,) or (12, N) monthly input as a months-last array (12,) or (N, 12)."""
    return _months_last(name, _values(name, value, problems), problems)


def _monthly_flags(name: str, value: object, problems: list[Text]) -> np.ndarray:
    """A bool or a (12,) / (12, N) array of bools as a months-last array."""
    flags = _flags(name, value, problems)
    return flags if flags.ndim == 0 else _months_last(name, flags, problems)


def _months_last(name: str, array: np.ndarray, problems: list[Text]) -> np.ndarray:
    if array.ndim in (1, 2) and array.shape[0] == _MONTHS:
        return np.moveaxis(array, 0, -1)
    problems.append(Text("{name}: shape {shape}, expected (12,) or (12, N)", name=name, shape=array.shape))
    return np.zeros(_MONTHS)


def _by_year(name: str, array: np.ndarray, n_years: int, problems: list[Text]) -> np.ndarray:
    """A scalar, (Y,) or (Y, N) yearly input as (Y or 1, N or 1)."""
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.shape[0] == n_years:
        return array.reshape(n_years, 1) if array.ndim == 1 else array
    problems.append(
        Text(
            "{name}: shape {shape}, expected (Y,) or (Y, N) with Y = {years}",
            name=name,
            shape=array.shape,
            years=n_years,
        )
    )
    return np.zeros((1, 1))


def _by_year_monthly(name: str, array: np.ndarray, n_years: int, problems: list[Text]) -> np.ndarray:
    """A monthly input, (12,), (12, N), (Y, 12) or (Y, 12, N), as (Y or 1, N or 1, 12)."""
    if array.ndim == 2 and array.shape == (n_years, _MONTHS):
        return array.reshape(n_years, 1, _MONTHS)
    if array.ndim in (1, 2) and array.shape[0] == _MONTHS:
        return np.moveaxis(array, 0, -1).reshape(1, -1, _MONTHS)
    if array.ndim == 3 and array.shape[:2] == (n_years, _MONTHS):
        return np.moveaxis(array, 1, 2)
    problems.append(
        Text(
            "{name}: shape {shape}, expected (12,), (12, N), (Y, 12) or (Y, 12, N) with Y = {years}",
            name=name,
            shape=array.shape,
            years=n_years,
        )
    )
    return np.zeros((1, 1, _MONTHS))


def _by_year_monthly_flags(value: object, n_years: int, problems: list[Text]) -> np.ndarray:
    """``irrigated`` of :func:`run`: one bool, or monthly bools shaped as any monthly input."""
    flags = _flags("irrigated", value, problems)
    return flags if flags.ndim == 0 else _by_year_monthly("irrigated", flags, n_years, problems)


def _tillage_codes(name: str, tillage: object, problems: list[Text], max_ndim: int) -> np.ndarray:
    """Tillage values as indices into ``Tillage`` (same shape), each unknown value reported."""
    values = np.asarray(tillage, dtype=object)
    if values.ndim > max_ndim:
        problems.append(
            Text(
                "{name}: {dimensions} dimensions, at most {most} allowed",
                name=name,
                dimensions=values.ndim,
                most=max_ndim,
            )
        )
    codes = np.zeros(values.shape, dtype=int)
    for index, value in np.ndenumerate(values):
        try:
            codes[index] = _TILLAGES.index(Tillage(value))
        except ValueError:
            allowed = ", ".join(repr(t.value) for t in _TILLAGES)
            problems.append(
                Text(
                    "{name}: {value} is not one of {allowed}",
                    name=f"{name}{_index(index)}",
                    value=repr(value),
                    allowed=allowed,
                )
            )
    return codes


def _yearly_tillage(tillage: object, n_years: int, problems: list[Text]) -> np.ndarray:
    """One tillage, or a sequence of Y, as codes of shape (1, 1) or (Y, 1)."""
    codes = _tillage_codes("tillage", tillage, problems, max_ndim=1)
    if codes.ndim == 0:
        return codes.reshape(1, 1)
    if codes.shape[0] == n_years:
        return codes.reshape(n_years, 1)
    if n_years:  # without years, carbon_input is reported instead
        problems.append(
            Text("tillage: {values} values for {years} years", values=codes.shape[0], years=n_years)
        )
    return np.zeros((1, 1), dtype=int)


def _initial_pools(initial: Tier2Pools | None, problems: list[Text]) -> dict[str, np.ndarray]:
    if initial is None:
        return {}
    return {
        name: _values(f"initial.{name}", getattr(initial, name), problems, max_ndim=1)
        for name in ("active", "slow", "passive")
    }


def _site_shape(
    problems: list[Text], *, params: Tier2Parameters, **shapes: tuple[int, ...]
) -> tuple[int, ...]:
    """The broadcast shape of the site axes of every input and parameter; a problem if they clash."""
    shapes = {
        **shapes,
        **{f"params.{f.name}": np.shape(getattr(params, f.name)) for f in dataclasses.fields(params)},
    }
    try:
        shape = np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{name} {shape}" for name, shape in shapes.items() if shape)
        problems.append(Text("mismatched shapes (site axis): {shapes}", shapes=listed))
        return ()
    if len(shape) > 1:
        problems.append(Text("the site axis must be one-dimensional, got {shape}", shape=shape))
    return shape
