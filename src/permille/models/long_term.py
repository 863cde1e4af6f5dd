"""RothC-26.3 runs of a long-term field experiment: management as periods, response to the plant input.

A treatment is a sequence of :class:`Period` (a crop calendar, with or without farmyard manure) after a
pre-experiment equilibrium. The annual plant carbon input during the experiment is rarely recorded, but
RothC is linear in its pools and inputs once the weather is given (the moisture deficit does not depend on
carbon), so the SOC of a treatment receiving ``p`` t C/ha/yr of plant carbon is exactly

    SOC(t) = base(t) + p × unit(t)

with ``base`` the run from the initial state with the manure and no plant input, and ``unit`` the run from
empty pools (no IOM) with 1 t C/ha/yr of plant input and no manure. :func:`response` computes both for N
members at once (Monte Carlo over soil, weather, manure and the starting stock), :func:`fit_plant_input`
the least-squares ``p`` of each member against measured stocks (closed form), and
:func:`leave_one_out` the prediction of each measurement by the model calibrated on the others — an
out-of-sample test of the model with one calibrated parameter.

The initial state is the RothC equilibrium of the pre-experiment land use whose total SOC equals the
first (starting) measurement, found by the exact inverse :func:`permille.models.rothc.inputs_for_stock`
(RothC's "inverse mode"). Units: t C/ha for stocks, t C/ha/yr for inputs, °C, mm/month, %.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import rothc

MONTHS = 12


@dataclass(frozen=True)
class Crop:
    """A yearly calendar, January → December: ``cover`` 1 (vegetated) or 0 (bare) by month, ``input`` the
    share of the year's plant carbon entering the soil each month (sums to 1, or to 0 for a bare fallow),
    ``dpm_rpm`` of the plant input and the month (1–12) of the manure."""

    cover: Sequence[float]
    input: Sequence[float]
    dpm_rpm: float = 1.44
    fym_month: int = 1

    def __post_init__(self):
        problems = []
        for name in ("cover", "input"):
            if len(getattr(self, name)) != MONTHS:
                problems.append(f"{name}: {len(getattr(self, name))} months, expected 12")
        total = float(np.sum(self.input))
        if not (abs(total - 1.0) < 1e-9 or total == 0.0):
            problems.append(f"input: the monthly shares sum to {total:g}, not 1 (or 0 for a fallow)")
        if not 1 <= self.fym_month <= MONTHS:
            problems.append(f"fym_month: {self.fym_month} is not a month 1–12")
        if problems:
            raise ValueError("crop: " + "; ".join(problems))


@dataclass(frozen=True)
class Period:
    """Years ``first_year`` … ``last_year`` (inclusive; None: to the end) under ``crop``, with the
    experiment's yearly manure when ``fym``."""

    first_year: int
    crop: Crop
    fym: bool = False
    last_year: int | None = None


@dataclass(frozen=True)
class Weather:
    """Monthly climatology of N members: temperature (°C), rain and open-pan evaporation (mm/month), each
    (12,) shared or (12, N)."""

    temperature: np.ndarray
    rain: np.ndarray
    evaporation: np.ndarray


@dataclass(frozen=True)
class Response:
    """SOC on 31 December of each year of the experiment for N members, t C/ha: ``base`` (Y, N) and
    ``unit`` (Y, N) as in the module text; ``years`` (Y,); the initial state's ``start_soc`` (t C/ha on
    31 Dec before the first year), ``pre_input`` (t C/ha/yr of that equilibrium) and ``iom`` (N,)."""

    years: np.ndarray
    base: np.ndarray
    unit: np.ndarray
    start_soc: np.ndarray
    pre_input: np.ndarray
    iom: np.ndarray

    def soc(self, plant_input) -> np.ndarray:
        """SOC (Y, N) with ``plant_input`` t C/ha/yr (scalar or (N,)) during the experiment."""
        return self.base + np.asarray(plant_input, dtype=float) * self.unit

    def rows(self, years) -> np.ndarray:
        """Row indices of ``years``; ValueError names the years outside the run."""
        years = np.asarray(years, dtype=int)
        outside = years[(years < self.years[0]) | (years > self.years[-1])]
        if outside.size:
            raise ValueError(f"years {outside.tolist()} are outside the run {self.years[0]}–{self.years[-1]}")
        return years - self.years[0]


def management(
    periods: Sequence[Period], start_year: int, end_year: int, fallow_years: Sequence[int] = ()
) -> dict[str, np.ndarray]:
    """Monthly ``cover``, ``input`` share (of the annual plant input), ``dpm_rpm`` and ``fym`` (1 in the
    manure month of a manured year, else 0) from January ``start_year`` to December ``end_year``; a year in
    ``fallow_years`` is bare, without plant input or manure. Every year must fall in exactly one period."""
    years = np.arange(start_year, end_year + 1)
    owner = np.full(years.size, -1)
    problems = []
    for i, period in enumerate(periods):
        last = end_year if period.last_year is None else period.last_year
        inside = (years >= period.first_year) & (years <= last)
        overlap = years[inside & (owner >= 0)]
        if overlap.size:
            problems.append(f"period {i + 1} overlaps an earlier one in {overlap.tolist()}")
        owner[inside & (owner < 0)] = i
    if (owner < 0).any():
        problems.append(f"no period covers {years[owner < 0].tolist()}")
    if problems:
        raise ValueError("management: " + "; ".join(problems))
    out = {k: np.zeros((years.size, MONTHS)) for k in ("cover", "input", "dpm_rpm", "fym")}
    fallow = set(fallow_years)
    for row, (year, i) in enumerate(zip(years, owner, strict=True)):
        period = periods[i]
        crop = period.crop
        out["dpm_rpm"][row] = crop.dpm_rpm
        if year in fallow:
            continue
        out["cover"][row], out["input"][row] = crop.cover, crop.input
        if period.fym:
            out["fym"][row, crop.fym_month - 1] = 1.0
    return {k: v.reshape(-1) for k, v in out.items()}


def response(
    *,
    clay,
    anchor_soc,
    pre_crop: Crop,
    periods: Sequence[Period],
    start_year: int,
    end_year: int,
    weather: Weather,
    fym_t_c_ha_yr,
    fallow_years: Sequence[int] = (),
    iom=None,
    depth: float = 23.0,
) -> Response:
    """The response of a treatment for N members: clay (%), anchor_soc (t C/ha on 31 Dec of
    ``start_year − 1``), fym_t_c_ha_yr and iom (t C/ha; None: Falloon et al. 1998 from ``anchor_soc``),
    each a scalar or (N,); ``weather`` shared or per member. Runs January ``start_year`` → December
    ``end_year``."""
    n = max(
        np.size(clay),
        np.size(anchor_soc),
        np.size(fym_t_c_ha_yr),
        1 if iom is None else np.size(iom),
        *(np.shape(w)[1] if np.ndim(w) == 2 else 1 for w in vars(weather).values()),
    )

    def members(value):
        return np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()

    def climate(value):
        a = np.asarray(value, dtype=float)
        return np.broadcast_to(a[:, None] if a.ndim == 1 else a, (MONTHS, n))

    clay, anchor = members(clay), members(anchor_soc)
    t, r, e = (climate(w) for w in (weather.temperature, weather.rain, weather.evaporation))
    soil = rothc.Soil(clay=clay, depth=depth, iom=None if iom is None else members(iom))
    pre = rothc.Forcing(
        temperature=t,
        rain=r,
        evaporation=e,
        plant_cover=climate(pre_crop.cover),
        plant_input=climate(pre_crop.input),
        dpm_rpm=pre_crop.dpm_rpm,
    )
    pre_input, start = rothc.inputs_for_stock(soil, pre, anchor)

    plan = management(periods, start_year, end_year, fallow_years)
    years = end_year - start_year + 1

    def tiled(a):  # (12, n) climatology → (months, 2n): base members then unit members
        return np.tile(np.hstack([a, a]), (years, 1))

    def by_month(a, base, unit):  # (months,) plan → (months, 2n)
        return np.hstack([np.outer(a, base), np.outer(a, unit)])

    zeros, ones = np.zeros(n), np.ones(n)
    forcing = rothc.Forcing(
        temperature=tiled(t),
        rain=tiled(r),
        evaporation=tiled(e),
        plant_cover=plan["cover"][:, None],
        plant_input=by_month(plan["input"], zeros, ones),
        fym=by_month(plan["fym"], members(fym_t_c_ha_yr), zeros),
        dpm_rpm=plan["dpm_rpm"][:, None],
    )
    initial = rothc.State(
        pools=np.hstack([start.pools, np.zeros_like(start.pools)]),
        iom=np.concatenate([start.iom, zeros]),
        smd=np.concatenate([start.smd, start.smd]),
    )
    both = rothc.Soil(clay=np.concatenate([clay, clay]), depth=depth, iom=initial.iom)
    soc = rothc.run(both, forcing, initial, output="yearly").soc  # (years, 2n), 31 December
    return Response(
        years=np.arange(start_year, end_year + 1),
        base=soc[:, :n],
        unit=soc[:, n:],
        start_soc=start.soc,
        pre_input=pre_input,
        iom=start.iom,
    )


def fit_plant_input(resp: Response, years, observed) -> np.ndarray:
    """Least-squares plant input (t C/ha/yr, ≥ 0) of each member against ``observed`` SOC (t C/ha) on
    31 December of ``years``: p = Σ u (y − b) / Σ u², with b, u the base and unit responses there."""
    rows, y = resp.rows(years), np.asarray(observed, dtype=float)
    b, u = resp.base[rows], resp.unit[rows]
    return np.maximum(np.sum(u * (y[:, None] - b), axis=0) / np.sum(u * u, axis=0), 0.0)


def leave_one_out(resp: Response, years, observed, member: int = 0) -> np.ndarray:
    """Each measurement predicted by member ``member`` calibrated on the other measurements (t C/ha)."""
    rows, y = resp.rows(years), np.asarray(observed, dtype=float)
    if y.size < 2:
        raise ValueError(f"leave-one-out needs at least 2 measurements, got {y.size}")
    b, u = resp.base[rows, member], resp.unit[rows, member]
    suy, suu = np.sum(u * (y - b)), np.sum(u * u)
    p = np.maximum((suy - u * (y - b)) / (suu - u * u), 0.0)
    return b + p * u
