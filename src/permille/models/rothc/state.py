"""RothC states and results: carbon pools (t C/ha), moisture deficit (mm) and radiocarbon."""

from dataclasses import dataclass

import numpy as np

from ...i18n import Text
from .constants import C14_DECAY, C14_MEAN_LIFE, IOM_AGE, POOLS
from .kernels import OUT_CO2, OUT_RM_MOIST, OUT_RM_PC, OUT_RM_TEMP, OUT_SMD


def radiocarbon_age(carbon, c14):
    """Radiocarbon age, yr, of ``carbon`` (t C/ha) holding ``c14`` t C/ha of modern-equivalent 14C:
    ln(C / 14C) / λ with λ = ln 2 / 5568 yr⁻¹; 0 for an empty pool, as the official code does."""
    carbon, c14 = np.asarray(carbon, dtype=float), np.asarray(c14, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(carbon > 0.0, np.log(carbon / c14) / C14_DECAY, 0.0)


def delta14c(age):
    """Δ14C, ‰, of carbon of radiocarbon ``age`` (yr): (exp(−age/8035) − 1) × 1000."""
    return (np.exp(-np.asarray(age, dtype=float) / C14_MEAN_LIFE) - 1.0) * 1000.0


def iom_c14(iom):
    """14C content (t C/ha modern-equivalent) of inert organic matter, whose age is 50,000 yr."""
    return np.asarray(iom, dtype=float) * np.exp(-C14_DECAY * IOM_AGE)


@dataclass(frozen=True)
class State:
    """The state of N sites at the end of a month.

    pools: (4, N) DPM, RPM, BIO, HUM, t C/ha. iom: (N,) inert organic matter, t C/ha.
    smd: (N,) topsoil moisture deficit, mm (≤ 0). c14: (4, N) 14C content of the pools, t C/ha of
    modern-equivalent carbon, or ``None`` when radiocarbon is not tracked.
    """

    pools: np.ndarray
    iom: np.ndarray
    smd: np.ndarray
    c14: np.ndarray | None = None

    @classmethod
    def empty(cls, iom, *, c14: bool = False) -> "State":
        """No carbon in the active pools and a soil at field capacity: where the official spin-up starts."""
        iom = np.atleast_1d(np.asarray(iom, dtype=float))
        n = len(iom)
        return cls(np.zeros((4, n)), iom, np.zeros(n), np.zeros((4, n)) if c14 else None)

    @property
    def n_sites(self) -> int:
        return len(self.iom)

    @property
    def active(self) -> np.ndarray:
        """Carbon in DPM + RPM + BIO + HUM, t C/ha, (N,)."""
        return self.pools.sum(axis=0)

    @property
    def soc(self) -> np.ndarray:
        """Total soil organic carbon including IOM, t C/ha, (N,)."""
        return self.active + self.iom

    def age(self) -> dict[str, np.ndarray]:
        """Radiocarbon age of each pool and of the total (``"SOC"``), yr."""
        return _ages(self.pools, self.c14, self.iom)


def _ages(pools, c14, iom) -> dict[str, np.ndarray]:
    if c14 is None:
        raise ValueError(Text("radiocarbon was not tracked: give Forcing.modern_percent"))
    ages = {name: radiocarbon_age(pools[i], c14[i]) for i, name in enumerate(POOLS)}
    ages["SOC"] = radiocarbon_age(sum(pools) + iom, sum(c14) + iom_c14(iom))
    return ages


@dataclass(frozen=True)
class Result:
    """Outputs of :func:`permille.models.rothc.run` for R recorded months and N sites.

    months: (R,) index (0-based) of each recorded month in the forcing. Arrays of shape (R, N):
    pools (via :attr:`dpm`, :attr:`rpm`, :attr:`bio`, :attr:`hum`) and :attr:`soc` in t C/ha;
    :attr:`co2`, CO2-C released since the start, t C/ha; :attr:`inputs`, carbon added since the start,
    t C/ha; :attr:`smd`, mm; the rate modifiers of the recorded month (−).
    """

    months: np.ndarray
    out: np.ndarray  # (9, R, N): kernels.OUT_* rows
    out_c14: np.ndarray | None  # (4, R, N)
    inputs: np.ndarray
    initial: State
    final: State

    @property
    def iom(self) -> np.ndarray:
        return self.initial.iom

    @property
    def pools(self) -> np.ndarray:
        """(4, R, N): DPM, RPM, BIO, HUM, t C/ha."""
        return self.out[:4]

    dpm = property(lambda self: self.out[0], doc="Decomposable plant material, t C/ha, (R, N).")
    rpm = property(lambda self: self.out[1], doc="Resistant plant material, t C/ha, (R, N).")
    bio = property(lambda self: self.out[2], doc="Microbial biomass, t C/ha, (R, N).")
    hum = property(lambda self: self.out[3], doc="Humified organic matter, t C/ha, (R, N).")
    co2 = property(lambda self: self.out[OUT_CO2], doc="CO2-C released since the start, t C/ha, (R, N).")
    smd = property(lambda self: self.out[OUT_SMD], doc="Topsoil moisture deficit, mm, (R, N).")
    rm_temp = property(lambda self: self.out[OUT_RM_TEMP], doc="Temperature rate modifier a (−), (R, N).")
    rm_moist = property(lambda self: self.out[OUT_RM_MOIST], doc="Moisture rate modifier b (−), (R, N).")
    rm_pc = property(lambda self: self.out[OUT_RM_PC], doc="Plant-cover rate modifier c (−), (R, N).")

    @property
    def active(self) -> np.ndarray:
        """DPM + RPM + BIO + HUM, t C/ha, (R, N)."""
        return self.out[:4].sum(axis=0)

    @property
    def soc(self) -> np.ndarray:
        """Total SOC including IOM, t C/ha, (R, N)."""
        return self.active + self.iom

    def mass_balance_residual(self) -> np.ndarray:
        """inputs − (Δ stock + CO2) since the start, t C/ha, (R, N): zero to rounding."""
        return self.inputs - (self.active - self.initial.active) - self.co2

    def age(self) -> dict[str, np.ndarray]:
        """Radiocarbon age of each pool and of total SOC (``"SOC"``), yr, each (R, N)."""
        return _ages(self.out[:4], self.out_c14, self.iom)

    def delta14c(self) -> np.ndarray:
        """Δ14C of total SOC, ‰, (R, N)."""
        return delta14c(self.age()["SOC"])
