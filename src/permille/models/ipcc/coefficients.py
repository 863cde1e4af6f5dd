"""IPCC coefficient tables, packaged as data (``permille/data/ipcc``, provenance in ``PROVENANCE.md``).

Each value carries its 95 % uncertainty (± % of the value, IPCC convention), its source and whether it
was verified; rows the transcription flags as doubtful are ``verified=False`` and say why.
"""

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from ...i18n import Text
from .categories import CarbonInput, ClimateZone, GrasslandManagement, Guidelines, LandUse, SoilClass, Tillage

DATA = files("permille") / "data" / "ipcc"


@dataclass(frozen=True)
class Coefficient:
    """A tabulated value with its uncertainty: ``error_pct_95`` is the half-width of the 95 % interval
    in % of the value (0 for reference levels, which are 1 by definition)."""

    name: str
    value: float
    error_pct_95: float
    source: str
    verified: bool = True
    note: str = ""

    @property
    def sd(self) -> float:
        """Standard deviation of a normal with that 95 % half-width (same unit as ``value``)."""
        return abs(self.value) * self.error_pct_95 / 100.0 / 1.959964

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from the normal (value, sd), truncated at zero (coefficients are positive)."""
        draws = rng.normal(self.value, self.sd, n)
        return np.maximum(draws, 1e-6 * self.value) if self.value > 0 else draws


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def _socref_table() -> dict:
    return {(r["version"], r["climate_zone"], r["soil_class"]): r for r in _rows("socref_mineral_0-30cm.csv")}


@cache
def _factor_table() -> dict:
    return {
        (r["version"], r["system"], r["factor"], r["level"], r["climate_zone"]): r
        for r in _rows("stock_change_factors_mineral.csv")
    }


def _coefficient(name: str, row: dict, error_key: str) -> Coefficient:
    return Coefficient(
        name=name,
        value=float(row["value"]),
        error_pct_95=float(row[error_key] or 0.0),
        source=row["source"],
        verified=row["verified"] == "True",
        note=row["note"],
    )


def socref(zone: ClimateZone, soil: SoilClass, version: Guidelines = Guidelines.IPCC_2019) -> Coefficient:
    """Reference SOC stock of native vegetation, 0–30 cm, t C/ha (Vol 4 Ch 2 Table 2.3)."""
    zone, soil, version = ClimateZone(zone), SoilClass(soil), Guidelines(version)
    row = _socref_table().get((version.value, zone.value, soil.value))
    if row is None:
        raise LookupError(f"IPCC {version} Table 2.3 has no SOCref for {soil} soils in the {zone} zone")
    return _coefficient(f"SOCref {zone}, {soil}", row, "uncertainty_pct_95")


def _level(land_use: LandUse, factor: str, tillage, grazing, carbon_input) -> str | None:
    """The table level of ``factor`` for a practice; None where the factor is 1 by construction."""
    if land_use is LandUse.NATIVE:
        return None
    if factor == "FLU":
        return land_use.value
    if land_use is LandUse.GRASSLAND:
        if factor == "FMG":
            return GrasslandManagement(grazing).value
        if GrasslandManagement(grazing) is not GrasslandManagement.IMPROVED:
            return None  # inputs only modify improved grassland
        level = {CarbonInput.MEDIUM: "medium", CarbonInput.HIGH: "high"}.get(CarbonInput(carbon_input))
        if level is None:
            raise ValueError(
                Text(
                    "improved grassland takes carbon input 'medium' or 'high', not {value}",
                    value=repr(CarbonInput(carbon_input).value),
                )
            )
        return f"{level} (improved grassland)"
    if land_use is LandUse.SET_ASIDE:
        return None  # set-aside land has its FLU only
    return Tillage(tillage).value if factor == "FMG" else CarbonInput(carbon_input).value


def stock_change_factor(
    factor: str,
    land_use: LandUse,
    zone: ClimateZone,
    *,
    tillage: Tillage = Tillage.FULL,
    grazing: GrasslandManagement = GrasslandManagement.NOMINAL,
    carbon_input: CarbonInput = CarbonInput.MEDIUM,
    version: Guidelines = Guidelines.IPCC_2019,
) -> Coefficient:
    """FLU, FMG or FI (−) for a practice in a climate zone (Vol 4 Ch 5 Table 5.5, Ch 6 Table 6.2).

    Native vegetation and factors that do not apply (set-aside FMG/FI, FI of non-improved grassland)
    are 1 exactly.
    """
    if factor not in ("FLU", "FMG", "FI"):
        raise ValueError(f"factor must be FLU, FMG or FI, not {factor!r}")
    land_use, zone, version = LandUse(land_use), ClimateZone(zone), Guidelines(version)
    level = _level(land_use, factor, tillage, grazing, carbon_input)
    if level is None:
        return Coefficient(f"{factor} {land_use}", 1.0, 0.0, "reference level: 1 by definition")
    row = _factor_table().get((version.value, land_use.system, factor, level, zone.value))
    if row is None:
        raise LookupError(
            f"IPCC {version} has no {factor} for '{level}' ({land_use.system}) in the {zone} zone"
        )
    return _coefficient(f"{factor} {level}, {zone}", row, "error_pct_95")
