"""A topsoil SOC stock measured from the surface to a depth d (20 ≤ d < 30 cm, e.g. the 0–23 cm plough
layer of the Rothamsted experiments) converted to 0–30 cm, with the uncertainty of the conversion.

The factor F = stock(0–30) / stock(0–d) is taken uniform between the steepest exponential depth profile of
Jobbágy & Jackson (2000) (cumulative fraction 1 − β^z, β fitted to their share of the first metre's SOC in
the top 20 cm) and a uniform SOC density to 30 cm (F = 30/d): mean the midpoint, SD (high − low)/√12.
Constants and source: ``data/monitoring/depth_conversion.yaml``."""

import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from ..i18n import Text


@dataclass(frozen=True)
class Factor:
    """F = stock(0–target) / stock(0–depth): ``mean``, ``sd``, the bounds ``low`` and ``high``."""

    depth_cm: float
    mean: float
    sd: float
    low: float
    high: float


@cache
def constants() -> dict:
    """``depth_conversion.yaml``: target and minimum depths, the top shares and the source."""
    text = (files("permille") / "data" / "monitoring" / "depth_conversion.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def beta(top_share: float, top_cm: float = 20.0, profile_cm: float = 100.0) -> float:
    """β of the exponential profile 1 − β^z whose top ``top_cm`` hold ``top_share`` of the first
    ``profile_cm`` (bisection: 1 − β^top = share × (1 − β^profile) has one root in (0, 1) for
    top/profile < share < 1)."""
    low, high = 1e-9, 1.0 - 1e-12
    for _ in range(200):
        mid = 0.5 * (low + high)
        if (1 - mid**top_cm) - top_share * (1 - mid**profile_cm) > 0:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def factor(depth_cm: float) -> Factor:
    """The conversion factor of a stock measured over 0–``depth_cm`` to 0–30 cm (1 at 30 cm); ValueError
    outside [min_depth_cm, 30] cm."""
    c = constants()
    target, shallowest = float(c["target_depth_cm"]), float(c["min_depth_cm"])
    if not shallowest <= depth_cm <= target:
        raise ValueError(
            Text(
                "depth {depth:g} cm: a stock converts to 0–{target:g} cm only from {shallowest:g}–{target:g} cm",
                depth=depth_cm,
                target=target,
                shallowest=shallowest,
            )
        )
    steepest = beta(max(c["top_shares"].values()), c["top_share_depth_cm"], c["profile_depth_cm"])
    low = (1 - steepest**target) / (1 - steepest**depth_cm)
    high = target / depth_cm
    return Factor(depth_cm, 0.5 * (low + high), (high - low) / math.sqrt(12.0), low, high)


def to_topsoil(stock: float, sd: float, depth_cm: float) -> tuple[float, float]:
    """A 0–``depth_cm`` stock and its SD (t C/ha) as a 0–30 cm stock and its SD: stock × F, the SDs of
    the measurement and of F combined (independent)."""
    f = factor(depth_cm)
    return stock * f.mean, math.hypot(sd * f.mean, stock * f.sd)
