"""A project's soil carbon balance — with minus without — by IPCC Tier 1, IPCC Tier 2 and RothC side by
side, with Monte Carlo uncertainty, and the 4‰ indicator.

Stocks are t C/ha on 31 December (0–30 cm). Every quantity is computed for each of N Monte Carlo draws
at once: the draws vary the IPCC coefficients (within their tabulated 95 % ranges), the Tier 2
parameters, and the user's activity data (area, carbon inputs). Baseline and project share every draw,
so their difference carries only the uncertainty that does not cancel.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..i18n import Text, joined
from . import rothc
from .ipcc import tier1, tier2
from .ipcc.categories import ClimateZone, GrasslandManagement, Guidelines, LandUse, SoilClass, Tillage
from .rothc.constants import PAN_COEFFICIENT

MODELS = ("IPCC Tier 1", "IPCC Tier 2", "RothC")
SCENARIOS = ("without", "with")
SCENARIO_WORDS = {"without": Text("without"), "with": Text("with")}
"""Each scenario as a word of the reader's language (in a message)."""
FOUR_PER_MILLE = 0.004  # yr⁻¹
CO2_PER_C = tier1.CO2_PER_C


@dataclass(frozen=True)
class Management:
    """A period of management from 1 January of ``start_year``: the IPCC categories of the practice and
    the quantities the process models need. plant_input: residues and roots returned to the soil,
    t C/ha/yr; manure: t C/ha/yr; lignin, nitrogen: fractions of the input dry matter (Tier 2);
    plant_cover: 12 monthly flags, 1 = soil covered (RothC)."""

    start_year: int
    practice: tier1.Practice
    plant_input: float = 0.0
    manure: float = 0.0
    lignin: float = 0.073
    nitrogen: float = 0.0083
    plant_cover: tuple[int, ...] = (1,) * 12
    drained: tier1.DrainedLandUse | None = None  # organic soils: land use if drained, None if not (rewetted)
    organic_subcategory: tier1.OrganicSubcategory = tier1.OrganicSubcategory.ANY

    def dpm_rpm(self) -> float:
        """RothC's DPM/RPM ratio for the land use (RothC description 1.3; GSOCseq Table 6.1)."""
        p = self.practice
        if p.land_use in (LandUse.NATIVE, LandUse.PERENNIAL_CROP):
            return 0.25
        if p.land_use is LandUse.GRASSLAND and p.grazing is not GrasslandManagement.IMPROVED:
            return 0.67
        return 1.44

    def tillage(self) -> Tillage:
        """Tillage for Tier 2: the practice's on cropland, none elsewhere."""
        cropland = self.practice.land_use in (LandUse.CROPLAND, LandUse.PADDY_RICE)
        return self.practice.tillage if cropland else Tillage.NO


@dataclass(frozen=True)
class Climate:
    """Monthly normals: temperature °C, precipitation mm, potential evapotranspiration mm (12 each)."""

    temperature: Sequence[float]
    precipitation: Sequence[float]
    pet: Sequence[float]


@dataclass(frozen=True)
class Area:
    """A homogeneous area of the project with its two management histories.

    An organic soil (``organic_soc_t_c_ha`` given) loses carbon while drained at the IPCC Wetlands
    Supplement rates (CO2 on-site + DOC, Tier 1) and none when undrained or rewetted (the Supplement's
    small rewetted-soil factors are not tabulated yet); Tier 2 and RothC model mineral soils only, so
    their columns carry the same Tier 1 estimate for such an area.
    """

    name: str
    area_ha: float
    zone: ClimateZone
    soil_class: SoilClass
    clay: float  # %
    sand: float  # %
    climate: Climate
    baseline: Sequence[Management]
    project: Sequence[Management]
    area_uncertainty_pct: float = 0.0  # ± % (95 %) of the area
    input_uncertainty_pct: float = 0.0  # ± % (95 %) of the carbon inputs
    organic_soc_t_c_ha: float | None = None  # organic soil: SOC at the start of the project, t C/ha

    def history(self, scenario: str) -> Sequence[Management]:
        return self.baseline if scenario == "without" else self.project


@dataclass(frozen=True)
class Project:
    """Areas assessed over ``first_year``…``last_year`` (the crediting or assessment period)."""

    name: str
    areas: Sequence[Area]
    first_year: int
    last_year: int
    guidelines: Guidelines = Guidelines.IPCC_2019


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate: mean, standard deviation, median and the 95 % interval (2.5–97.5
    percentiles). Where a model is non-linear in its parameters (Tier 2's pools go as 1/k) the
    distribution is skewed and the mean sits above the central-value run; the median stays close."""

    mean: float
    sd: float
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, draws: np.ndarray) -> "Estimate":
        draws = np.asarray(draws, dtype=float).ravel()
        low, median, high = np.percentile(draws, [2.5, 50.0, 97.5])
        sd = float(draws.std(ddof=1)) if draws.size > 1 else 0.0
        return cls(float(draws.mean()), sd, float(median), float(low), float(high))


@dataclass(frozen=True)
class AreaResult:
    """Stocks of one area, t C/ha on 31 December of ``years``: ``stocks[model][scenario]`` (years, draws);
    ``area_ha`` (draws,)."""

    area: Area
    years: np.ndarray
    stocks: dict
    area_ha: np.ndarray


@dataclass
class ProjectResult:
    project: Project
    n_draws: int
    areas: list[AreaResult] = field(default_factory=list)

    def quantities(self, model: str) -> dict[str, np.ndarray]:
        """Every reported quantity of ``model`` over the project period, as draws (N,).

        Per ha, area-weighted over the project: stock at the start and end (with / without), balance
        (with − without, t C/ha), its annual rate (t C/ha/yr and t CO2e/ha/yr), the total over all areas
        (t CO2e), and the 4‰ indicator: annual relative change of the stock with the project, and the
        share of the 4‰ aspiration it reaches (and the same for the part due to the project).
        """
        p = self.project
        n_years = p.last_year - p.first_year + 1
        total_area = sum(a.area_ha for a in self.areas)
        out: dict[str, np.ndarray] = dict.fromkeys(
            ("start_with", "end_with", "start_without", "end_without"), 0.0
        )
        change_total = 0.0
        for a in self.areas:
            i0, i1 = _index(a.years, p.first_year - 1), _index(a.years, p.last_year)
            s = a.stocks[model]
            for scenario in SCENARIOS:
                out[f"start_{scenario}"] = out[f"start_{scenario}"] + s[scenario][i0] * a.area_ha
                out[f"end_{scenario}"] = out[f"end_{scenario}"] + s[scenario][i1] * a.area_ha
            balance = (s["with"][i1] - s["with"][i0]) - (s["without"][i1] - s["without"][i0])
            change_total = change_total + balance * a.area_ha
        for key in list(out):
            out[key] = out[key] / total_area
        out["balance_t_c_ha"] = change_total / total_area
        out["balance_t_c_ha_yr"] = out["balance_t_c_ha"] / n_years
        out["balance_t_co2e_ha_yr"] = out["balance_t_c_ha_yr"] * CO2_PER_C
        out["total_t_co2e"] = change_total * CO2_PER_C
        out["area_ha"] = total_area
        out["relative_change_per_yr"] = (out["end_with"] - out["start_with"]) / out["start_with"] / n_years
        out["share_of_4permille"] = out["relative_change_per_yr"] / FOUR_PER_MILLE
        out["relative_balance_per_yr"] = out["balance_t_c_ha"] / out["start_with"] / n_years
        out["balance_share_of_4permille"] = out["relative_balance_per_yr"] / FOUR_PER_MILLE
        return {k: np.broadcast_to(v, (self.n_draws,)) for k, v in out.items()}

    def summary(self) -> dict[str, dict[str, Estimate]]:
        """``summary()[model][quantity]`` → :class:`Estimate`."""
        return {m: {k: Estimate.of(v) for k, v in self.quantities(m).items()} for m in MODELS}

    def yearly(self, model: str, scenario: str) -> tuple[np.ndarray, np.ndarray]:
        """Area-weighted stock (t C/ha) per year for one scenario: years (Y,), draws (Y, N)."""
        years = self.areas[0].years
        total = sum(a.area_ha for a in self.areas)
        return years, sum(a.stocks[model][scenario] * a.area_ha for a in self.areas) / total


def _index(years: np.ndarray, year: int) -> int:
    return int(np.flatnonzero(years == year)[0])


def _active(history: Sequence[Management], years: np.ndarray) -> np.ndarray:
    """Index of the management period in force in each year (the first period before it starts)."""
    starts = np.array([m.start_year for m in history])
    return np.maximum(np.searchsorted(starts, years, side="right") - 1, 0)


def _multiplier(rng: np.random.Generator, pct: float, n: int) -> np.ndarray:
    """Multiplicative draws with a ± ``pct`` % 95 % range, truncated at zero."""
    if n == 0 or pct == 0:
        return np.ones(max(n, 1))
    return np.maximum(rng.normal(1.0, pct / 100.0 / 1.959964, n), 1e-6)


def check(project: Project) -> list[Text]:
    """Every problem of a project that the models would otherwise trip on."""
    problems = []
    if project.last_year < project.first_year:
        problems.append(
            Text(
                "last_year {last} is before first_year {first}",
                last=project.last_year,
                first=project.first_year,
            )
        )
    for a in project.areas:
        for scenario in SCENARIOS:
            history = a.history(scenario)
            label = Text("{area}: {scenario}", area=a.name, scenario=SCENARIO_WORDS[scenario])
            problems += tier1.check_history([tier1.Period(m.start_year, m.practice) for m in history], label)
            if history and history[0].start_year >= project.first_year:
                problems.append(
                    Text(
                        "{label}: the first period must start before the project ({first}) so that the starting "
                        "stock is known",
                        label=label,
                        first=project.first_year,
                    )
                )
    return problems


def simulate(project: Project, *, draws: int = 1000, seed: int = 0) -> ProjectResult:
    """Run the three models on both scenarios of every area; ``draws = 0`` uses the central values."""
    problems = check(project)
    if problems:
        raise ValueError(joined(problems))
    rng = np.random.default_rng(seed)
    result = ProjectResult(project, max(draws, 1))
    start = min(m[0].start_year for a in project.areas for m in (a.baseline, a.project))
    years = np.arange(start, project.last_year + 1)  # one calendar for all areas
    for area in project.areas:
        coefficients = tier1.Draws(rng, draws)
        params = tier2.Tier2Parameters.default()
        if draws:
            params = params.sample(rng, draws)
        inputs = _multiplier(rng, area.input_uncertainty_pct, draws)
        stocks = {m: {} for m in MODELS}
        for scenario in SCENARIOS:
            history = area.history(scenario)
            if area.organic_soc_t_c_ha is not None:
                organic = _organic(area, history, years, project.first_year, coefficients)
                for model in MODELS:
                    stocks[model][scenario] = organic
                continue
            stocks["IPCC Tier 1"][scenario] = _tier1(area, history, years, project.guidelines, coefficients)
            stocks["IPCC Tier 2"][scenario] = _tier2(area, history, years, inputs, params)
            stocks["RothC"][scenario] = _rothc(area, history, years, inputs)
        area_ha = area.area_ha * _multiplier(rng, area.area_uncertainty_pct, draws)
        result.areas.append(AreaResult(area, years, stocks, area_ha))
    return result


def _organic(area, history, years, first_year, coefficients) -> np.ndarray:
    """SOC of an organic soil on 31 December, (years, draws): the stock given for the start of the
    project (31 December before ``first_year``) less the yearly CO2-C losses (on-site and DOC) of the
    years it is drained since then (more before it)."""
    losses = []
    for m in history:
        if m.drained is None:
            losses.append(0.0)
        else:
            on_site, doc = tier1.drained_organic_ef(m.drained, area.zone, m.organic_subcategory)
            losses.append(coefficients(on_site) + coefficients(doc))
    per_year = [losses[i] for i in _active(history, years)]
    loss = np.cumsum(np.broadcast_arrays(*per_year), axis=0)
    return area.organic_soc_t_c_ha - (loss - loss[_index(years, first_year - 1)])


def _tier1(area, history, years, guidelines, coefficients) -> np.ndarray:
    periods = [tier1.Period(m.start_year, m.practice) for m in history]
    eq = tier1.equilibria(periods, area.zone, area.soil_class, guidelines, coefficients)
    return tier1.stocks(periods, eq, years)


def _tier2(area, history, years, inputs, params) -> np.ndarray:
    active = _active(history, years)
    per_year = [history[i] for i in active]
    c_input = np.array([m.plant_input + m.manure for m in per_year])[:, None] * inputs[None, :]
    pools = tier2.run(
        carbon_input=c_input,
        lignin=np.array([m.lignin for m in per_year])[:, None] * np.ones_like(inputs),
        nitrogen=np.array([m.nitrogen for m in per_year])[:, None] * np.ones_like(inputs),
        sand=np.full(len(inputs), area.sand / 100.0),
        tillage=[m.tillage() for m in per_year],
        temperature=np.asarray(area.climate.temperature, dtype=float),
        precipitation=np.asarray(area.climate.precipitation, dtype=float),
        pet=np.asarray(area.climate.pet, dtype=float),
        params=params,
    )
    return pools.total


def _rothc(area, history, years, inputs) -> np.ndarray:
    """RothC, 0–30 cm, from the equilibrium of the first period (IOM from Falloon et al.), one run per
    draw. Plant input is spread evenly over the covered months, manure over the year; PET / 0.75 stands
    for open-pan evaporation."""
    climate = area.climate
    soil = rothc.Soil(clay=np.full(len(inputs), area.clay), depth=30.0)

    def forcing(periods: Sequence[Management]) -> rothc.Forcing:
        cover = np.concatenate([np.asarray(m.plant_cover, dtype=float) for m in periods])
        plant = np.concatenate(
            [
                np.asarray(m.plant_cover, dtype=float) * m.plant_input / max(sum(m.plant_cover), 1)
                for m in periods
            ]
        )
        return rothc.Forcing(
            temperature=np.tile(np.asarray(climate.temperature, dtype=float), len(periods)),
            rain=np.tile(np.asarray(climate.precipitation, dtype=float), len(periods)),
            evaporation=np.tile(np.asarray(climate.pet, dtype=float) / PAN_COEFFICIENT, len(periods)),
            plant_cover=cover,
            plant_input=plant[:, None] * inputs[None, :],
            fym=np.repeat([m.manure / 12.0 for m in periods], 12)[:, None] * inputs[None, :],
            dpm_rpm=np.repeat([m.dpm_rpm() for m in periods], 12),
        )

    start = rothc.equilibrium(soil, forcing([history[0]]))
    per_year = [history[i] for i in _active(history, years)]
    run = rothc.run(soil, forcing(per_year), start, output="yearly")
    return run.soc
