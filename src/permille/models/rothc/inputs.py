"""RothC inputs: the soil of N sites and their monthly forcing, checked and shaped for the kernels."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ...i18n import Text
from . import prep_kernels
from .constants import RM_MOIST_MIN
from .soil import moisture_thresholds, partition
from .validation import Checker

#: Plausible monthly mean air temperature, °C: outside it the data are probably in kelvin or °F.
TEMPERATURE_RANGE = (-90.0, 60.0)
#: Largest plausible monthly rain or evaporation, mm (the world record month is about 9,300 mm).
MAX_MONTHLY_WATER = 10_000.0
#: Measured pan evaporation can be negative in winter (dew, condensation; the official Rothamsted example
#: has −20.7 mm), so evaporation may go down to −MAX_DEW mm.
MAX_DEW = 100.0


@dataclass(frozen=True)
class Soil:
    """Soil of N sites; each field a scalar or an array (N,).

    clay: clay content, % (0–100). depth: topsoil depth modelled, cm (> 0; RothC's reference is 23 cm).
    iom: inert organic matter, t C/ha; ``None`` lets the equilibrium functions derive it from total SOC
    with Falloon et al. (1998). bare_rule: driest deficit of bare soil, ``"classic"`` (0.556 × 15-bar,
    official ``opt_SMDbare=1``) or ``"15bar"`` (``opt_SMDbare=2``). site_ids: names used in messages.
    decomposition_factor: a further rate modifier multiplying every pool's decay rate, in (0, 1]; 1 in
    RothC-26.3 (0.4 for paddy fields in the FAO GSOCseq scripts, after Shirato & Yokozawa 2005).
    """

    clay: ArrayLike
    depth: ArrayLike = 23.0
    iom: ArrayLike | None = None
    bare_rule: str = "classic"
    site_ids: Sequence[str] | None = None
    decomposition_factor: ArrayLike = 1.0


@dataclass(frozen=True)
class Forcing:
    """Monthly forcing of N sites; each field a scalar, an array (months,) shared by all sites,
    (months, N), or (1, N) constant in time.

    temperature: mean air temperature, °C. rain: rainfall, mm/month. evaporation: open-pan evaporation,
    mm/month (RothC uses rain − 0.75 × pan; give PET / 0.75 if you have PET). plant_cover: 1 if the soil
    is vegetated that month, else 0. plant_input: plant carbon input, t C/ha/month. fym: farmyard-manure
    carbon, t C/ha/month. dpm_rpm: DPM/RPM ratio of the plant input (1.44 crops and improved grassland,
    0.67 unimproved grassland and scrub, 0.25 tropical woodland). modern_percent: 14C activity of the new
    carbon, % modern; ``None`` skips the radiocarbon calculation.
    """

    temperature: ArrayLike
    rain: ArrayLike
    evaporation: ArrayLike
    plant_cover: ArrayLike = 1.0
    plant_input: ArrayLike = 0.0
    fym: ArrayLike = 0.0
    dpm_rpm: ArrayLike = 1.44
    modern_percent: ArrayLike | None = None


@dataclass(frozen=True)
class Prepared:
    """Checked inputs in kernel order and form: each forcing a C-contiguous array (months or 1, N or 1)."""

    n_months: int
    n_sites: int
    forcing: tuple  # temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern: (months or 1, N or 1)
    soil: tuple  # f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, decomposition factor: (N,)
    iom: np.ndarray | None
    with_c14: bool
    checker: Checker

    @property
    def smd_max(self) -> np.ndarray:
        return self.soil[2]

    def cumulative_input(self, rows: np.ndarray, chunk: int = 1024) -> np.ndarray:
        """Plant + manure carbon added from the first month up to each month in ``rows``, t C/ha, (R, N):
        summed month after month, sites in parallel (:func:`prep_kernels.cumulative_input`)."""
        plant, fym = self.forcing[4], self.forcing[7]
        return prep_kernels.cumulative_input(plant, fym, rows, self.n_sites, chunk)


def _length(value, axis: int) -> int | None:
    a = np.asarray(value)
    return a.shape[axis] if a.ndim > axis else None


def prepare(soil: Soil, forcing: Forcing, *, n_months: int | None = None) -> Prepared:
    """Check ``soil`` and ``forcing`` (every problem reported at once) and shape them for the kernels.

    ``n_months`` fixes the number of months (12 for a climatology).
    """
    check = Checker(soil.site_ids)
    fields = {
        "temperature": forcing.temperature,
        "rain": forcing.rain,
        "evaporation": forcing.evaporation,
        "plant_cover": forcing.plant_cover,
        "plant_input": forcing.plant_input,
        "fym": forcing.fym,
        "dpm_rpm": forcing.dpm_rpm,
    }
    if forcing.modern_percent is not None:
        fields["modern_percent"] = forcing.modern_percent

    site_lengths = {
        name: _length(v, 0)
        for name, v in (
            ("clay", soil.clay),
            ("depth", soil.depth),
            ("iom", soil.iom),
            ("decomposition_factor", soil.decomposition_factor),
        )
    }
    site_lengths |= {name: _length(v, 1) for name, v in fields.items()}
    n_sites = max([n for n in site_lengths.values() if n and n > 1] or [1])
    lengths = {name: _length(v, 0) for name, v in fields.items()}
    given = sorted({n for n in lengths.values() if n is not None})
    if n_months is None:
        n_months = given[-1] if given else 0
    if n_months < 1:
        check.add(Text("forcing: no monthly series given (at least one field must be an array of months)"))
    check.raise_if_any()

    clay = check.sites("clay", soil.clay, n_sites)
    depth = check.sites("depth", soil.depth, n_sites)
    check.finite_range("clay", clay, 0.0, 100.0, unit="%")
    check.finite_range("depth", depth, 0.0, lo_open=True, unit="cm")
    decomposition = check.sites("decomposition_factor", soil.decomposition_factor, n_sites)
    check.finite_range("decomposition_factor", decomposition, 0.0, 1.0, lo_open=True)
    iom = None
    if soil.iom is not None:
        iom = check.sites("iom", soil.iom, n_sites)
        check.finite_range("iom", iom, 0.0, unit="t C/ha")

    rules = {
        "temperature": dict(lo=TEMPERATURE_RANGE[0], hi=TEMPERATURE_RANGE[1], unit="°C"),
        "rain": dict(lo=0.0, hi=MAX_MONTHLY_WATER, unit="mm"),
        "evaporation": dict(lo=-MAX_DEW, hi=MAX_MONTHLY_WATER, unit="mm"),
        "plant_cover": dict(lo=0.0, hi=1.0),
        "plant_input": dict(lo=0.0, unit="t C/ha"),
        "fym": dict(lo=0.0, unit="t C/ha"),
        "dpm_rpm": dict(lo=0.0, lo_open=True),
        "modern_percent": dict(lo=0.0, unit="%"),
    }
    arrays = {}
    for name, value in fields.items():
        a = check.monthly(name, value, n_months, n_sites)
        if a is None:
            continue
        where = check.month_site(a)
        check.finite_range(name, a, **rules[name], where=where)
        if name == "plant_cover":
            partial = np.isfinite(a) & (a != 0.0) & (a != 1.0)
            if partial.any():
                check.check(name, a, Text("is neither 0 (bare) nor 1 (covered)"), partial, where)
        arrays[name] = a
    check.raise_if_any()

    ratio = arrays["dpm_rpm"]
    plant = arrays["plant_input"]
    modern = arrays.get("modern_percent", np.zeros((1, 1))) / 100.0
    f_bio, f_hum = partition(clay)
    smd_max, smd_1bar, smd_bare = moisture_thresholds(clay, depth, soil.bare_rule)
    return Prepared(
        n_months=n_months,
        n_sites=n_sites,
        forcing=tuple(
            prep_kernels.contiguous(a)
            for a in (
                arrays["temperature"],
                arrays["rain"],
                arrays["evaporation"],
                arrays["plant_cover"],
                plant,
                ratio / (ratio + 1.0),
                1.0 / (ratio + 1.0),
                arrays["fym"],
                modern,
            )
        ),
        soil=(f_bio, f_hum, smd_max, smd_1bar, smd_bare, np.full(n_sites, RM_MOIST_MIN), decomposition),
        iom=iom,
        with_c14=forcing.modern_percent is not None,
        checker=check,
    )
