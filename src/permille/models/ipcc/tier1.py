"""IPCC Tier 1 for mineral soils (Vol 4 Ch 2, Eq 2.24–2.25) and drained organic soils (2013 Wetlands
Supplement Ch 2).

SOC = SOCref × FLU × FMG × FI (t C/ha, 0–30 cm) is the equilibrium of a practice; after a change the
stock moves linearly towards the new equilibrium over D = 20 years (Eq 2.25: ΔC = (SOC₀ − SOC₍₀₋T₎)/D).
Changes stack: each change adds its own 20-year ramp, so a practice changed again before 20 years
leaves the unfinished part of the first ramp running. Everything is vectorised over Monte Carlo draws.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import numpy as np

from ...i18n import Text, joined
from .categories import CarbonInput, ClimateZone, GrasslandManagement, Guidelines, LandUse, SoilClass, Tillage
from .coefficients import DATA, Coefficient, socref, stock_change_factor

#: IPCC default time to reach a new equilibrium, years.
TRANSITION_YEARS = 20

#: t CO2 per t C.
CO2_PER_C = 44.0 / 12.0


@dataclass(frozen=True)
class Practice:
    """A land use and its management; fields that do not apply to the land use are ignored."""

    land_use: LandUse
    tillage: Tillage = Tillage.FULL
    grazing: GrasslandManagement = GrasslandManagement.NOMINAL
    carbon_input: CarbonInput = CarbonInput.MEDIUM

    def factors(self, zone: ClimateZone, version: Guidelines) -> tuple[Coefficient, Coefficient, Coefficient]:
        """FLU, FMG, FI of this practice (−)."""
        kw = dict(tillage=self.tillage, grazing=self.grazing, carbon_input=self.carbon_input, version=version)
        return tuple(stock_change_factor(f, self.land_use, zone, **kw) for f in ("FLU", "FMG", "FI"))


@dataclass(frozen=True)
class Period:
    """``practice`` from 1 January of ``start_year`` until the next period starts."""

    start_year: int
    practice: Practice


class Draws:
    """Monte Carlo draws of coefficients, one array (n,) per distinct coefficient, reused wherever the
    same coefficient appears (so baseline and project share them and their difference is not blurred).
    ``n = 0`` gives the tabulated values as arrays of shape (1,)."""

    def __init__(self, rng: np.random.Generator | None = None, n: int = 0):
        self.rng, self.n = rng, n
        self._drawn: dict[str, np.ndarray] = {}

    def __call__(self, c: Coefficient) -> np.ndarray:
        if self.n == 0:
            return np.array([c.value])
        if c.name not in self._drawn:
            self._drawn[c.name] = c.sample(self.rng, self.n)
        return self._drawn[c.name]


def check_history(history: Sequence[Period], label: str = Text("history")) -> list[Text]:
    """Problems with a management history: empty, or start years not strictly increasing."""
    if not history:
        return [Text("{label}: no period given", label=label)]
    years = [p.start_year for p in history]
    return [
        Text(
            "{label}: period {i} starts in {year}, not after the previous one ({previous}); periods must be in order",
            label=label,
            i=i + 1,
            year=b,
            previous=a,
        )
        for i, (a, b) in enumerate(zip(years, years[1:], strict=False), start=1)
        if b <= a
    ]


def equilibria(
    history: Sequence[Period], zone: ClimateZone, soil: SoilClass, version: Guidelines, draws: Draws
) -> np.ndarray:
    """Equilibrium SOC of each period's practice, t C/ha, shape (periods, draws)."""
    ref = draws(socref(zone, soil, version))
    return np.array(
        [ref * np.prod([draws(f) for f in p.practice.factors(zone, version)], axis=0) for p in history]
    )


def stocks(
    history: Sequence[Period],
    equilibrium: np.ndarray,
    years: np.ndarray,
    transition_years: int = TRANSITION_YEARS,
) -> np.ndarray:
    """SOC stock on 31 December of each of ``years``, t C/ha, shape (years, draws).

    Before the history the first practice is at equilibrium; each change at the start of year t adds
    (new − previous equilibrium) × min(1, (y + 1 − t)/D) by the end of year y.
    """
    problems = check_history(history)
    if problems:
        raise ValueError(joined(problems))
    starts = np.array([p.start_year for p in history[1:]], dtype=float)
    ramp = np.clip(
        (np.asarray(years, dtype=float)[:, None] + 1.0 - starts[None, :]) / transition_years, 0.0, 1.0
    )
    return equilibrium[0] + ramp @ np.diff(equilibrium, axis=0)


# --- drained organic soils -----------------------------------------------------------------------------


class DrainedLandUse(StrEnum):
    """Land uses of drained organic soils (2013 Wetlands Supplement Table 2.1)."""

    CROPLAND = "Cropland drained"
    GRASSLAND = "Grassland drained"
    FOREST = "Forest land drained"
    PLANTATION = "Plantation drained"
    PEAT_EXTRACTION = "Peat extraction"


class OrganicSubcategory(StrEnum):
    """Subcategories of Table 2.1; ``ANY`` where the table has a single row."""

    ANY = ""
    NUTRIENT_POOR = "nutrient-poor"
    NUTRIENT_RICH = "nutrient-rich"
    NUTRIENT_RICH_DEEP_DRAINED = "nutrient-rich deep-drained"
    NUTRIENT_RICH_SHALLOW_DRAINED = "nutrient-rich shallow-drained"
    RICE = "incl. rice"
    OIL_PALM = "oil palm"
    ACACIA = "acacia"
    SAGO_PALM = "sago palm"


def _organic_climate(zone: ClimateZone) -> str:
    z = ClimateZone(zone).value
    return "tropical" if z.startswith("tropical") else "temperate" if "temperate" in z else "boreal"


@cache
def _organic_rows() -> list[dict]:
    with (DATA / "organic_soils_drained_ef.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def drained_organic_ef(
    land_use: DrainedLandUse, zone: ClimateZone, subcategory: OrganicSubcategory = OrganicSubcategory.ANY
) -> tuple[Coefficient, Coefficient]:
    """CO2-C emission factors of a drained organic soil, t C/ha/yr: on-site (Table 2.1) and off-site via
    dissolved organic carbon (Table 2.2). The 95 % range of the table becomes a symmetric ± %."""
    land_use, subcategory, climate = (
        DrainedLandUse(land_use),
        OrganicSubcategory(subcategory),
        _organic_climate(zone),
    )

    def pick(gas: str, land: str, sub: str) -> Coefficient:
        rows = [
            r
            for r in _organic_rows()
            if r["gas"] == gas
            and r["land_use"] == land
            and climate in r["climate"].split("+")
            and r["subcategory"] == sub
        ]
        if len(rows) != 1:
            raise LookupError(
                f"the Wetlands Supplement has no single {gas} factor for {land} ({sub or 'no subcategory'}) "
                f"in the {climate} zone"
            )
        r = rows[0]
        value, low, high = float(r["ef_value"]), float(r["ci95_low"]), float(r["ci95_high"])
        return Coefficient(
            name=f"{gas} {land} {sub} {climate}",
            value=value,
            error_pct_95=(high - low) / 2.0 / value * 100.0,
            source=f"IPCC 2013 Wetlands Supplement {r['table']}; {r['verification_note']}",
            verified=r["verified"] == "True",
            note="" if r["verified"] == "True" else "UNVERIFIED: " + r["verification_note"],
        )

    return pick("CO2 on-site", land_use.value, subcategory.value), pick(
        "DOC off-site CO2", "All drained organic soils", ""
    )
