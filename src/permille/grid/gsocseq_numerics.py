"""The numerics of the official FAO GSOCseq R scripts, for side-by-side comparison only
(``pipeline.run(..., numerics="gsocseq-scripts")``, ``permille grid run --gsocseq --scripts-numerics``).

The pipeline's default numerics are RothC-26.3 as the official Rothamsted code has it: the exact monthly
exponential step, the periodic equilibrium of the 12-month climatology, the temperature modifier
47.91 / (exp(106.06 / (T + 18.27)) + 1) (0 below −5 °C) and a carried-over soil-moisture deficit. The
GSOCseq scripts (FAO-SID/GSOCseq-scripts: ``ROTH_C_SPIN_UP``, ``WARM_UP`` and ``FOWARD`` scripts, which run
SoilR's and soilassessment's RothC) differ, and this module reproduces those differences:

* temperature modifier of SoilR's ``fT.RothC``: 47.9 / (1 + exp(106 / (T + 18.3))), no −5 °C cut-off,
  undefined (NA, here NaN: the pixel is not modelled) below −18.3 °C;
* moisture modifier of the scripts' ``fw1func``: the deficit restarts every year in January (the first
  month is not capped), the maximum deficit of bare months is divided by 1.8, and the modifier of every
  month uses the maximum deficit of December;
* explicit Euler integration with one-month steps (soilassessment ``carbonTurnover(..., "euler")``): each
  month the pools change by dt × (input + ξ K C), dt = 1/12 yr, ξ the month's combined modifier; the
  annual input is spread evenly over the 12 months;
* spin-up: the equilibrium of that Euler scheme on the repeated climatology (the limit of the manual's
  equilibrium runs of ≥ 500 years), with IOM from Falloon et al. (1998).

Kept as in the pipeline, so that the comparison isolates the numerics: the input anchoring to the stock,
the BAU input (anchored, or ``carbon_input``), the warm-up NPP scaling, the paddy factor 0.4, the cover
(0.6 covered, 1 bare, from the 0/1 plant cover) and the clay partition. Not checked against an R run:
soilassessment's exact time alignment (its output series starts at t = 1/12, which may mean 12·years − 1
Euler steps where this module takes 12·years).
"""

import numpy as np

from permille.models.rothc.constants import RATE_CONSTANTS, SMD_1BAR_FRACTION, TSTEP
from permille.models.rothc.soil import iom_falloon, partition

#: SoilR ``fT.RothC``: 47.9 / (1 + exp(106 / (T + 18.3))), NA below −18.3 °C.
SOILR_TEMPERATURE = (47.9, 106.0, 18.3)
#: Divisor of the maximum deficit of a bare month in the scripts' ``fw1func``.
BARE_DIVISOR = 1.8


def temperature_modifier(temperature):
    """SoilR's RothC temperature modifier (−); NaN below −18.3 °C."""
    a, b, c = SOILR_TEMPERATURE
    t = np.asarray(temperature, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        value = a / (1.0 + np.exp(b / (np.maximum(t, -c) + c)))
    return np.where(t >= -c, value, np.nan)


def moisture_modifier(precipitation, pet, covered, clay, depth_cm):
    """The scripts' ``fw1func`` for whole years: (12·Y, P) monthly rain and PET (mm), cover (1/0), (P,)
    clay (%) → (12·Y, P) modifier in [0.2, 1]; the deficit restarts each January."""
    p, e = np.asarray(precipitation, dtype=float), np.asarray(pet, dtype=float)
    years, n = len(p) // 12, p.shape[1]
    m = (p - e).reshape(years, 12, n)
    bare = np.broadcast_to((np.asarray(covered, dtype=float) < 0.5).reshape(-1, 12, n), (years, 12, n))
    largest = -(20.0 + 1.3 * clay - 0.01 * clay**2) * (depth_cm / 23.0)
    maximum = largest / np.where(bare, BARE_DIVISOR, 1.0)  # (Y, 12, P), ≤ 0
    acc = np.empty_like(m)
    acc[:, 0] = np.minimum(m[:, 0], 0.0)
    for i in range(1, 12):
        acc[:, i] = np.maximum(np.minimum(acc[:, i - 1] + m[:, i], 0.0), maximum[:, i])
    december = maximum[:, 11:12]
    slope = 0.2 + 0.8 * (december - acc) / (december - SMD_1BAR_FRACTION * december)
    b = np.where(acc > SMD_1BAR_FRACTION * december, 1.0, slope)
    return np.maximum(b, 0.2).reshape(12 * years, n)


def _modifiers(temperature, precipitation, pet, cover, clay, depth_cm, decomposition):
    """(12·Y, P) combined monthly modifier ξ = fT × fW × fC × fPR."""
    cover_factor = np.where(np.asarray(cover) > 0.5, 0.6, 1.0)
    moisture = moisture_modifier(precipitation, pet, cover, clay, depth_cm)
    return temperature_modifier(temperature) * moisture * cover_factor * decomposition


def _annual_map(xi, f_bio, f_hum, dpm_share):
    """Euler over 12 months of ``xi`` (12, P): the annual affine map x → M x + In × c of the four pools
    (DPM, RPM, BIO, HUM) for an annual input In: M (P, 4, 4), c (P, 4)."""
    n = xi.shape[1]
    k = np.zeros((n, 4, 4))
    for j, rate in enumerate(RATE_CONSTANTS):
        k[:, j, j] -= rate
        k[:, 2, j] += f_bio * rate
        k[:, 3, j] += f_hum * rate
    step_input = TSTEP * np.stack([dpm_share, 1.0 - dpm_share, np.zeros(n), np.zeros(n)], axis=1)
    m, c = np.broadcast_to(np.eye(4), (n, 4, 4)).copy(), np.zeros((n, 4))
    for month in range(12):
        a = np.eye(4) + TSTEP * xi[month][:, None, None] * k
        m = a @ m
        c = np.einsum("pij,pj->pi", a, c) + step_input
    return m, c


def _run(m, c, pools, annual, years):
    """``years`` applications of x → M x + annual × c."""
    for _ in range(years):
        pools = np.einsum("pij,pj->pi", m, pools) + annual[:, None] * c
    return pools


def simulate(px, years, increases, depth_cm):
    """:func:`permille.grid.pipeline._simulate_modelled` with the scripts' numerics (module docstring)."""
    from . import pipeline

    ratio = np.select([px.land_cover == c for c in pipeline.DPM_RPM], list(pipeline.DPM_RPM.values()))
    dpm_share = ratio / (ratio + 1.0)
    f_bio, f_hum = partition(px.clay)
    decomposition = pipeline._decomposition(px.land_cover)

    def annual_map(t, p, e):
        xi = _modifiers(t, p, e, px.plant_cover, px.clay, depth_cm, decomposition)
        return _annual_map(xi, f_bio, f_hum, dpm_share)

    m, c = annual_map(px.temperature, px.precipitation, px.pet)
    unit = np.linalg.solve(np.eye(4) - m, c[..., None])[..., 0]  # Euler equilibrium per unit input
    iom = iom_falloon(px.soc)
    anchored = (px.soc - iom) / unit.sum(axis=1)
    pools = anchored[:, None] * unit
    anchoring, px = px, pipeline._later_climate(px)
    if px.warmup is not None:
        factor = pipeline._warmup_ratio(px, anchoring)
        for y in range(len(factor)):
            rows = slice(12 * y, 12 * y + 12)
            m_y, c_y = annual_map(*(a[rows] for a in px.warmup))
            pools = _run(m_y, c_y, pools, anchored * factor[y], 1)
    soc_t0 = pools.sum(axis=1) + iom
    annual = pipeline._bau_input(px, anchored, factor if px.warmup is not None else None)
    m, c = annual_map(px.temperature, px.precipitation, px.pet)
    bau = _run(m, c, pools, annual, years).sum(axis=1) + iom
    response = _run(m, c, np.zeros_like(pools), annual, years).sum(axis=1)
    return pipeline._outputs(px, soc_t0, annual, bau, response, years, increases)


__all__ = ["SOILR_TEMPERATURE", "moisture_modifier", "simulate", "temperature_modifier"]
