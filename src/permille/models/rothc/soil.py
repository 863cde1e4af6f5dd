"""Soil-dependent RothC-26.3 parameters: CO2/(BIO+HUM) partition, moisture thresholds, Falloon IOM.

Source: the official code (Rothamsted-Models/RothC_Code ``RothC.for``: ``decomp`` and ``RMF_Moist``)
and the model description (Coleman & Jenkinson 1996, doi:10.1007/978-3-642-61094-3_17).
"""

import numpy as np

from ...i18n import Text
from .constants import (
    BIO_SHARE,
    FALLOON_A,
    FALLOON_B,
    HUM_SHARE,
    SMD_1BAR_FRACTION,
    SMD_BARE_FRACTION,
    SMD_REFERENCE_DEPTH,
)


def co2_ratio(clay):
    """x = CO2 / (BIO + HUM) released by decomposition (−) for ``clay`` (%): x(23.4 %) = 3.5142."""
    return 1.67 * (1.85 + 1.60 * np.exp(-0.0786 * np.asarray(clay, dtype=float)))


def partition(clay):
    """Fractions of decomposed carbon going to BIO and HUM (−); the rest, x/(x+1), is CO2."""
    x = co2_ratio(clay)
    return BIO_SHARE / (x + 1.0), HUM_SHARE / (x + 1.0)


def moisture_thresholds(clay, depth, bare_rule: str = "classic"):
    """Topsoil moisture deficits (mm, negative) of the classic RothC moisture function.

    Returns ``(smd_max, smd_1bar, smd_bare)``: the depth-adjusted 15-bar maximum deficit
    −(20 + 1.3 clay − 0.01 clay²) × depth/23, the deficit below which decomposition slows (0.444 of
    it), and the driest a bare soil gets by evaporation — 0.556 of it (``bare_rule="classic"``,
    official ``opt_SMDbare=1``) or the full 15-bar deficit (``"15bar"``, ``opt_SMDbare=2``).
    ``clay`` in %, ``depth`` in cm.
    """
    clay = np.asarray(clay, dtype=float)
    smd_max = -(20.0 + 1.3 * clay - 0.01 * clay * clay) * np.asarray(depth, dtype=float) / SMD_REFERENCE_DEPTH
    if bare_rule == "classic":
        smd_bare = SMD_BARE_FRACTION * smd_max
    elif bare_rule == "15bar":
        smd_bare = smd_max
    else:
        raise ValueError(Text("bare_rule must be 'classic' or '15bar', not {value}", value=repr(bare_rule)))
    return smd_max, SMD_1BAR_FRACTION * smd_max, smd_bare


def iom_falloon(soc):
    """Inert organic matter (t C/ha) from total SOC (t C/ha): 0.049 × SOC^1.139 (Falloon et al. 1998,
    doi:10.1016/S0038-0717(97)00256-3)."""
    return FALLOON_A * np.asarray(soc, dtype=float) ** FALLOON_B


def soc_with_falloon_iom(active):
    """Total SOC S (t C/ha) with S = active + 0.049 S^1.139, for active-pool carbon ``active`` (t C/ha).

    Newton's method from S = active: g(S) = S − 0.049 S^1.139 − active is increasing and concave for any
    soil stock (S < 10⁸ t C/ha) and negative at the start, so the iterates rise monotonically to the root.
    """
    active = np.asarray(active, dtype=float)
    target = np.where(active > 0, active, 1.0)  # empty soils: solved harmlessly, then set to 0
    s = target
    for _ in range(100):
        step = (s - iom_falloon(s) - target) / (1.0 - FALLOON_A * FALLOON_B * s ** (FALLOON_B - 1.0))
        s = s - step
        if np.all(np.abs(step) <= 1e-13 * np.maximum(s, 1.0)):
            break
    return np.where(active > 0, s, 0.0)
