"""RothC-26.3 runs of a long-term field experiment: management as periods, response to the plant input.

A treatment is a sequence of :class:`Period` (a crop calendar, its manure months, its plant input relative
to the calibrated one) after a pre-experiment equilibrium, with whole-field fallow years and, optionally, a
:class:`SectionFallow` (sections of the field fallowed in turn or in their recorded years: the plot is the
weighted mean of the sections' runs, the weights per member). The annual plant carbon input during the
experiment is rarely recorded, but RothC is linear in its pools and inputs once the weather and the
calendar are given (the moisture deficit does not depend on carbon), so the SOC of a treatment receiving
``p`` t C/ha/yr of plant carbon is exactly

    SOC(t) = base(t) + p × unit(t)

with ``base`` the run from the initial state with the manure and no plant input, and ``unit`` the run from
empty pools (no IOM) with 1 t C/ha/yr of plant input (times each period's ``input_factor``) and no manure.
:func:`response` computes both for N members at once (Monte Carlo over soil, weather, manure, the starting
stock and, optionally, the sections' weights), :func:`fit_plant_input` the least-squares ``p`` of each member
against measured stocks (closed form), and :func:`leave_one_out` the prediction of each measurement by the
model calibrated on the others — an out-of-sample test of the model with one calibrated parameter.

The initial state is the RothC equilibrium of the pre-experiment land use whose total SOC equals the
starting stock (the field's stock when the experiment began), found by the exact inverse
:func:`permille.models.rothc.inputs_for_stock` (RothC's "inverse mode"). Units: t C/ha for stocks,
t C/ha/yr for inputs, °C, mm/month, %.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..i18n import Text, joined
from . import rothc

MONTHS = 12


@dataclass(frozen=True)
class Crop:
    """A yearly calendar, January → December: ``cover`` 1 (vegetated) or 0 (bare) by month, ``input`` the
    share of the year's plant carbon entering the soil each month (sums to 1, or to 0 for a bare fallow)
    and ``dpm_rpm`` of the plant input; ``season_start``: the month a harvest year's season begins — a
    fallow year y is bare, without input or manure, from that month of y − 1 to the month before it in y
    (1: the calendar year; 9 for a winter crop harvested in August: September to August)."""

    cover: Sequence[float]
    input: Sequence[float]
    dpm_rpm: float = 1.44
    season_start: int = 1

    def __post_init__(self):
        problems = []
        if not 1 <= self.season_start <= MONTHS:
            problems.append(Text("season_start: {value} is not a month 1–12", value=self.season_start))
        for name in ("cover", "input"):
            if len(getattr(self, name)) != MONTHS:
                n = len(getattr(self, name))
                problems.append(
                    Text("{name}: {n} month, expected 12", "{name}: {n} months, expected 12", n=n, name=name)
                )
        total = float(np.sum(self.input))
        if not (abs(total - 1.0) < 1e-9 or total == 0.0):
            problems.append(
                Text("input: the monthly shares sum to {total:g}, not 1 (or 0 for a fallow)", total=total)
            )
        if problems:
            raise ValueError(Text("crop: {problems}", problems=joined(problems)))


@dataclass(frozen=True)
class Period:
    """Years ``first_year`` … ``last_year`` (inclusive; None: to the end) under ``crop``; ``fym``: the
    months (1–12) receiving the experiment's yearly manure dose, as (month, doses) pairs (empty: no
    manure); ``input_factor``: the plant input of these years relative to the calibrated one."""

    first_year: int
    crop: Crop
    fym: tuple[tuple[int, float], ...] = ()
    last_year: int | None = None
    input_factor: float = 1.0

    def __post_init__(self):
        problems = [
            Text("fym: month {month} is not a month 1–12", month=m)
            for m, _ in self.fym
            if not 1 <= m <= MONTHS
        ]
        problems += [
            Text("fym: {doses} doses in month {month} is negative", doses=d, month=m)
            for m, d in self.fym
            if d < 0
        ]
        if not self.input_factor >= 0:
            problems.append(Text("input_factor: {value} is negative", value=self.input_factor))
        if problems:
            raise ValueError(
                Text("period from {year}: {problems}", year=self.first_year, problems=joined(problems))
            )


@dataclass(frozen=True)
class SectionFallow:
    """The field in ``sections`` sections, one fallowed each year in turn from ``first_year`` to
    ``last_year``: section k (0 … sections − 1) is fallow in the years y with (y − first_year) mod
    sections = k — or, with ``recorded`` (one tuple of years per section), each section fallow in the
    years its records give (:meth:`from_records`)."""

    first_year: int
    last_year: int
    sections: int = 5
    recorded: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self):
        if self.sections < 1 or self.last_year < self.first_year:
            raise ValueError(
                Text(
                    "section fallow: {sections} sections from {first} to {last}: needs at least 1 section and a "
                    "last year not before the first",
                    sections=self.sections,
                    first=self.first_year,
                    last=self.last_year,
                )
            )
        if self.recorded and len(self.recorded) != self.sections:
            raise ValueError(
                Text(
                    "section fallow: {recorded} recorded sections for {sections}",
                    recorded=len(self.recorded),
                    sections=self.sections,
                )
            )

    @classmethod
    def from_records(cls, years: Sequence[Sequence[int]]) -> "SectionFallow":
        """Sections fallow in the recorded ``years`` (one sequence per section, each not empty)."""
        if not years or not all(years):
            raise ValueError(Text("section fallow: every section needs at least one recorded fallow year"))
        recorded = tuple(tuple(sorted(int(y) for y in s)) for s in years)
        every = [y for s in recorded for y in s]
        return cls(min(every), max(every), len(recorded), recorded)

    def years(self, k: int) -> list[int]:
        """The fallow years of section ``k``."""
        if self.recorded:
            return list(self.recorded[k])
        return list(range(self.first_year + k, self.last_year + 1, self.sections))


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
            raise ValueError(
                Text(
                    "years {years} are outside the run {first}–{last}",
                    years=outside.tolist(),
                    first=int(self.years[0]),
                    last=int(self.years[-1]),
                )
            )
        return years - self.years[0]


def management(
    periods: Sequence[Period], start_year: int, end_year: int, fallow_years: Sequence[int] = ()
) -> dict[str, np.ndarray]:
    """Monthly ``cover``, ``input`` (share of the calibrated annual plant input, times the period's
    ``input_factor``), ``dpm_rpm`` and ``fym`` (doses of the yearly manure) from January ``start_year`` to
    December ``end_year``; a (harvest) year in ``fallow_years`` is bare, without plant input or manure,
    over its crop's season (:class:`Crop` ``season_start``). Every year must fall in exactly one period."""
    years = np.arange(start_year, end_year + 1)
    owner = np.full(years.size, -1)
    problems = []
    for i, period in enumerate(periods):
        last = end_year if period.last_year is None else period.last_year
        inside = (years >= period.first_year) & (years <= last)
        overlap = years[inside & (owner >= 0)]
        if overlap.size:
            problems.append(
                Text("period {i} overlaps an earlier one in {years}", i=i + 1, years=overlap.tolist())
            )
        owner[inside & (owner < 0)] = i
    if (owner < 0).any():
        problems.append(Text("no period covers {years}", years=years[owner < 0].tolist()))
    if problems:
        raise ValueError(Text("management: {problems}", problems=joined(problems)))
    out = {k: np.zeros((years.size, MONTHS)) for k in ("cover", "input", "dpm_rpm", "fym")}
    for row, i in enumerate(owner):
        period = periods[i]
        out["dpm_rpm"][row] = period.crop.dpm_rpm
        out["cover"][row] = period.crop.cover
        out["input"][row] = np.multiply(period.crop.input, period.input_factor)
        for month, doses in period.fym:
            out["fym"][row, month - 1] += doses
    bare = np.zeros(years.size * MONTHS, dtype=bool)  # the months of the fallow years' seasons
    for year in fallow_years:
        if start_year <= year <= end_year:
            start = periods[owner[year - start_year]].crop.season_start
            first = (year - start_year) * MONTHS + start - 1 - (MONTHS if start > 1 else 0)
            bare[max(first, 0) : first + MONTHS] = True
    for k in ("cover", "input", "fym"):
        out[k].reshape(-1)[bare] = 0.0
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
    section_fallow: SectionFallow | None = None,
    section_weights=None,
    iom=None,
    depth: float = 23.0,
) -> Response:
    """The response of a treatment for N members: clay (%), anchor_soc (t C/ha on 31 Dec of
    ``start_year − 1``), fym_t_c_ha_yr (t C/ha per dose) and iom (t C/ha; None: Falloon et al. 1998 from
    ``anchor_soc``), each a scalar or (N,); ``weather`` shared or per member. Runs January ``start_year`` →
    December ``end_year``. With ``section_fallow``, each section is run from January of the year before its
    first year and the plot is the mean of the sections weighted by ``section_weights`` ((N, sections), rows summing
    to 1; default: equal weights, the field mean)."""
    n = max(
        np.size(clay),
        np.size(anchor_soc),
        np.size(fym_t_c_ha_yr),
        1 if iom is None else np.size(iom),
        0 if section_weights is None else np.shape(section_weights)[0],
        *(np.shape(w)[1] if np.ndim(w) == 2 else 1 for w in vars(weather).values()),
    )

    def members(value):
        return np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()

    def climate(value):
        a = np.asarray(value, dtype=float)
        return np.broadcast_to(a[:, None] if a.ndim == 1 else a, (MONTHS, n))

    clay, anchor, fym = members(clay), members(anchor_soc), members(fym_t_c_ha_yr)
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

    # variants: the plot as one (no section fallow) or each section; run in two segments when the
    # sections start after the experiment (shared first segment, then every section from its state)
    # (from January of the year before the first section fallow: a fallow's season may begin in it)
    split = start_year if section_fallow is None else max(start_year, section_fallow.first_year - 1)
    sections = 1 if section_fallow is None else section_fallow.sections
    if section_weights is None:
        weights = np.full((n, sections), 1.0 / sections)
    else:
        weights = np.asarray(section_weights, dtype=float)
        if weights.shape[-1] != sections:
            raise ValueError(
                Text(
                    "section_weights: {columns} columns for {sections} sections",
                    columns=weights.shape[-1],
                    sections=sections,
                )
            )
        weights = np.broadcast_to(weights, (n, sections))
        if not np.allclose(weights.sum(axis=1), 1.0) or (weights < 0).any():
            raise ValueError(Text("section_weights: each member's weights must be ≥ 0 and sum to 1"))
    zeros = np.zeros(n)

    def segment(first: int, last: int, state: rothc.State, fallows: list[list[int]]) -> rothc.Result:
        """Years first … last for each variant's extra fallow years: columns (variant, base|unit, member)."""
        years = last - first + 1
        plans = [management(periods, first, last, [*fallow_years, *extra]) for extra in fallows]
        v = len(plans)

        def tiled(a):  # (12, n) climatology → (months, v·2n)
            return np.tile(np.hstack([a, a] * v), (years, 1))

        def by_month(key, base, unit):  # plans' (months,) → (months, v·2n)
            return np.hstack([np.hstack([np.outer(p[key], base), np.outer(p[key], unit)]) for p in plans])

        ones = np.ones(n)
        forcing = rothc.Forcing(
            temperature=tiled(t),
            rain=tiled(r),
            evaporation=tiled(e),
            plant_cover=by_month("cover", ones, ones),
            plant_input=by_month("input", zeros, ones),
            fym=by_month("fym", fym, zeros),
            dpm_rpm=by_month("dpm_rpm", ones, ones),
        )
        both = rothc.Soil(clay=np.tile(clay, 2 * v), depth=depth, iom=state.iom)
        return rothc.run(both, forcing, state, output="yearly")

    initial = rothc.State(
        pools=np.hstack([start.pools, np.zeros_like(start.pools)]),
        iom=np.concatenate([start.iom, zeros]),
        smd=np.concatenate([start.smd, start.smd]),
    )
    parts, state = [], initial
    if split > start_year:
        first = segment(start_year, split - 1, initial, [[]])
        parts.append(np.tile(first.soc, (1, sections)))
        state = first.final
    if split <= end_year:
        extra = [[]] if section_fallow is None else [section_fallow.years(k) for k in range(sections)]
        v = len(extra)
        state = rothc.State(
            pools=np.tile(state.pools, (1, v)), iom=np.tile(state.iom, v), smd=np.tile(state.smd, v)
        )
        parts.append(segment(split, end_year, state, extra).soc)
    soc = np.vstack(parts).reshape(end_year - start_year + 1, sections, 2, n)  # 31 December
    plot = np.einsum("yvbn,nv->ybn", soc, weights)
    return Response(
        years=np.arange(start_year, end_year + 1),
        base=plot[:, 0],
        unit=plot[:, 1],
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
        raise ValueError(Text("leave-one-out needs at least 2 measurements, got {n}", n=int(y.size)))
    b, u = resp.base[rows, member], resp.unit[rows, member]
    suy, suu = np.sum(u * (y - b)), np.sum(u * u)
    p = np.maximum((suy - u * (y - b)) / (suu - u * u), 0.0)
    return b + p * u
