"""The toolkit's RothC scenario for one site: the pools matching today's stock (exact inverse of the
equilibrium, :func:`permille.models.rothc.inputs_for_stock`), then the baseline and the scenario input run
year by year (:func:`permille.models.rothc.run`), with a Monte Carlo band over inputs, clay and climate
(one RothC "site" per draw, seeded) and the 4‰ comparison.

Stocks in t C/ha (0–``depth_cm``) on 31 December; inputs t C/ha/yr; climate °C and mm/month.
"""

from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from ..io import rothc_files
from ..models import rothc
from ..models.balance import CO2_PER_C, FOUR_PER_MILLE, Estimate
from ..models.rothc.constants import PAN_COEFFICIENT
from ..models.rothc.inputs import MAX_MONTHLY_WATER, TEMPERATURE_RANGE
from .schemas import MonthlyClimate, RothcScenarioIn

Z95 = 1.959964  # a ± x % (95 %) range is x / Z95 % standard deviations


@cache
def climate_presets() -> dict[str, MonthlyClimate]:
    """Named climates: ``rothamsted`` — monthly means 1939–2007 of the bundled official RothC example
    (Hoosfield, Rothamsted; RothC_R v2.0.0), PET = open-pan evaporation × 0.75."""
    data = rothc_files.read_input(files("permille") / "data" / "rothc" / "RothC_input.dat")
    weather = data.months.iloc[12:]  # the 828 months after the 12 spin-up months
    means = weather.groupby("month")[["temp", "rain", "evap"]].mean()
    return {
        "rothamsted": MonthlyClimate(
            temperature_c=means.temp.round(2).tolist(),
            precipitation_mm=means.rain.round(1).tolist(),
            pet_mm=(means.evap * PAN_COEFFICIENT).round(1).tolist(),
        )
    }


def _draws(rng: np.random.Generator, n: int, sd: float, *, multiplicative: bool) -> np.ndarray:
    """n draws plus the central value last: multipliers N(1, sd) truncated above 0, or shifts N(0, sd)."""
    centre = 1.0 if multiplicative else 0.0
    x = rng.normal(centre, sd, n) if sd > 0 else np.full(n, centre)
    if multiplicative:
        x = np.maximum(x, 1e-6)
    return np.append(x, centre)


def scenario(p: RothcScenarioIn) -> dict:
    """Yearly stocks of the baseline and the scenario with their 95 % band, and the 4‰ comparison.

    Each Monte Carlo draw varies the inputs (one multiplier shared by baseline and scenario), clay, the
    monthly temperature (one shift) and precipitation (one multiplier); the last RothC site is the central
    run. Without ``baseline_input_t_c_ha_yr`` the baseline input of each draw is the one that sustains
    today's stock at equilibrium (so the baseline stays flat); with it, the run starts from the pools of
    that equilibrium and follows the given input.
    """
    rng = np.random.default_rng(p.seed)
    n = p.draws
    clim = p.monthly_climate()
    clay = np.clip(
        p.clay_pct * _draws(rng, n, p.clay_uncertainty_pct / 100 / Z95, multiplicative=True), 0, 100
    )
    shift = _draws(rng, n, p.temperature_uncertainty_c / Z95, multiplicative=False)
    wet = _draws(rng, n, p.precipitation_uncertainty_pct / 100 / Z95, multiplicative=True)
    inputs = _draws(rng, n, p.input_uncertainty_pct / 100 / Z95, multiplicative=True)

    cover = np.asarray(p.plant_cover, dtype=float)
    pattern = cover / cover.sum()  # monthly share of the annual plant input
    soil = rothc.Soil(clay=clay, depth=p.depth_cm)
    # draws are kept within the ranges the engine accepts (°C, mm/month)
    temperature = np.clip(np.asarray(clim.temperature_c)[:, None] + shift[None, :], *TEMPERATURE_RANGE)
    rain = np.minimum(np.asarray(clim.precipitation_mm)[:, None] * wet[None, :], MAX_MONTHLY_WATER)
    evaporation = np.asarray(clim.pet_mm) / PAN_COEFFICIENT

    def forcing(annual: np.ndarray, years: int) -> rothc.Forcing:
        return rothc.Forcing(
            temperature=np.tile(temperature, (years, 1)),
            rain=np.tile(rain, (years, 1)),
            evaporation=np.tile(evaporation, years),
            plant_cover=np.tile(cover, years),
            plant_input=np.tile(pattern, years)[:, None] * annual[None, :],
            dpm_rpm=p.dpm_rpm,
        )

    sustaining, start = rothc.inputs_for_stock(soil, forcing(np.ones(n + 1), 1), np.full(n + 1, p.soc_t_c_ha))
    given = p.baseline_input_t_c_ha_yr
    baseline_input = sustaining if given is None else given * inputs
    scenario_input = baseline_input * (1 + p.input_change_pct / 100)
    stocks = {}
    for name, annual in (("baseline", baseline_input), ("scenario", scenario_input)):
        run = rothc.run(soil, forcing(annual, p.years), start, output="yearly")
        stocks[name] = np.vstack([start.soc[None, :], run.soc])  # (years + 1, draws + 1)
    stocks["difference"] = stocks["scenario"] - stocks["baseline"]

    years = p.start_year + np.arange(p.years + 1)
    target = p.soc_t_c_ha * (1 + FOUR_PER_MILLE * (years - years[0]))
    relative = (stocks["scenario"][-1] - p.soc_t_c_ha) / p.soc_t_c_ha / p.years
    due = stocks["difference"][-1] / p.soc_t_c_ha / p.years
    quantities = {
        "baseline_input_t_c_ha_yr": baseline_input,
        "scenario_input_t_c_ha_yr": scenario_input,
        "end_baseline_t_c_ha": stocks["baseline"][-1],
        "end_scenario_t_c_ha": stocks["scenario"][-1],
        "difference_t_c_ha_yr": stocks["difference"][-1] / p.years,
        "difference_t_co2e_ha_yr": stocks["difference"][-1] / p.years * CO2_PER_C,
        "relative_change_per_yr": relative,
        "share_of_4permille": relative / FOUR_PER_MILLE,
        "relative_difference_per_yr": due,
        "difference_share_of_4permille": due / FOUR_PER_MILLE,
    }
    return {
        "calculator": "rothc",
        "years": years.tolist(),
        "stocks_t_c_ha": {name: _band(s, n) for name, s in stocks.items()}
        | {"four_per_mille_target": {"central": target.tolist()}},
        "summary": {name: _summary(v, n) for name, v in quantities.items()},
        "n_draws": n,
        "seed": p.seed,
        "interval": "95 % (2.5–97.5 percentiles of the draws)",
        "climate": clim.model_dump(),
        "methods": METHODS,
    }


METHODS = {
    "model": "RothC-26.3 (permille.models.rothc); IOM from Falloon et al. (1998)",
    "start": "pools of the equilibrium that matches today's stock (exact inverse of the equilibrium)",
    "evaporation": "open-pan evaporation = PET / 0.75",
    "uncertainty": "Monte Carlo over inputs, clay, temperature and precipitation; ± ranges are 95 %",
    "4 per 1000": "relative change per year = (end − start) / start / years, against 0.004/yr",
}


def _summary(values: np.ndarray, n: int) -> dict[str, float]:
    """The central run (last site) and, over the draws, mean, sd and 95 % interval."""
    e = Estimate.of(values[:-1] if n else values)
    return {"central": float(values[-1]), "mean": e.mean, "sd": e.sd, "low95": e.low, "high95": e.high}


def _band(stocks: np.ndarray, n: int) -> dict[str, list[float]]:
    """Per year: central run, mean and 2.5/97.5 percentiles over the draws (years, sites)."""
    draws = stocks[:, :-1] if n else stocks
    low, high = np.percentile(draws, [2.5, 97.5], axis=1)
    return {
        "central": stocks[:, -1].tolist(),
        "mean": draws.mean(axis=1).tolist(),
        "low95": low.tolist(),
        "high95": high.tolist(),
    }


def yearly_table(result: dict) -> pd.DataFrame:
    """The yearly stocks of :func:`scenario` as a table: one row per year, t C/ha."""
    table = {"year": result["years"]}
    for name, series in result["stocks_t_c_ha"].items():
        for stat, values in series.items():
            table[f"{name}_{stat}_t_c_ha"] = values
    return pd.DataFrame(table)
