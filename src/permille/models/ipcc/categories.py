"""IPCC categories for mineral-soil carbon (Vol 4, Ch 2–6): enums, never free strings.

The values are the labels of the packaged coefficient tables (``permille/data/ipcc``), so a category
is its own lookup key.
"""

from enum import StrEnum


class Guidelines(StrEnum):
    """Which coefficient set: the 2006 Guidelines or the 2019 Refinement."""

    IPCC_2006 = "2006"
    IPCC_2019 = "2019"


class ClimateZone(StrEnum):
    """IPCC 2019 climate zones (Vol 4 Ch 3 Fig 3A.5.1); 2006 values are mapped onto them."""

    BOREAL_DRY = "boreal dry"
    BOREAL_MOIST = "boreal moist"
    COOL_TEMPERATE_DRY = "cool temperate dry"
    COOL_TEMPERATE_MOIST = "cool temperate moist"
    WARM_TEMPERATE_DRY = "warm temperate dry"
    WARM_TEMPERATE_MOIST = "warm temperate moist"
    TROPICAL_DRY = "tropical dry"
    TROPICAL_MOIST = "tropical moist"
    TROPICAL_WET = "tropical wet"
    TROPICAL_MONTANE = "tropical montane"
    POLAR_DRY = "polar dry"
    POLAR_MOIST = "polar moist"


class SoilClass(StrEnum):
    """IPCC mineral soil classes (Vol 4 Ch 3 Annex 3A.5)."""

    HAC = "HAC"  # high-activity clay
    LAC = "LAC"  # low-activity clay
    SANDY = "sandy"
    SPODIC = "spodic"
    VOLCANIC = "volcanic"
    WETLAND = "wetland"


class LandUse(StrEnum):
    """Land uses with their own FLU (forest and native vegetation are the reference, FLU = 1)."""

    CROPLAND = "long-term cultivated (annual crops)"
    PADDY_RICE = "paddy rice"
    PERENNIAL_CROP = "perennial/tree crop"
    SET_ASIDE = "set aside (<20 yr)"
    GRASSLAND = "all grassland"
    NATIVE = "forest or native vegetation"

    @property
    def system(self) -> str:
        """The table the factors come from: "cropland", "grassland" or "native"."""
        if self is LandUse.GRASSLAND:
            return "grassland"
        return "native" if self is LandUse.NATIVE else "cropland"


class Tillage(StrEnum):
    """Cropland tillage: the management level (FMG) of Tier 1 and the disturbance of Tier 2.
    ``UNKNOWN`` exists in Tier 2 only (f_2 = 0.368, full-tillage disturbance)."""

    FULL = "full tillage"
    REDUCED = "reduced tillage"
    NO = "no tillage"
    UNKNOWN = "unknown"


class GrasslandManagement(StrEnum):
    """Grassland management (FMG). The 2019 Refinement calls the 2006 'moderately degraded' level
    'high-intensity grazing'."""

    NOMINAL = "nominally managed (non-degraded)"
    HIGH_INTENSITY_GRAZING = "moderately degraded (2006) / high-intensity grazing (2019)"
    SEVERELY_DEGRADED = "severely degraded"
    IMPROVED = "improved grassland"


class CarbonInput(StrEnum):
    """Carbon input level (FI): the four cropland levels; improved grassland takes medium or high."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high without manure"
    HIGH_WITH_MANURE = "high with manure"
