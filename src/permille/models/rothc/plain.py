"""RothC-26.3 for one site in plain Python, as the official code writes it: the readable statement of the
equations, used to cross-check the compiled kernels (which use polynomial exponentials and reordered
sums) and as the baseline of ``benchmarks/``. Units as in :mod:`permille.models.rothc`.
"""

import math

from .constants import (
    BIO_SHARE,
    FYM_DPM,
    FYM_HUM,
    FYM_RPM,
    HUM_SHARE,
    PAN_COEFFICIENT,
    RATE_CONSTANTS,
    RM_MOIST_MIN,
    RM_PC_BARE,
    RM_PC_COVERED,
    SMD_1BAR_FRACTION,
    SMD_BARE_FRACTION,
    SMD_REFERENCE_DEPTH,
    TEMP_A,
    TEMP_B,
    TEMP_C,
    TEMP_MIN,
    TSTEP,
)


def month(pools, smd, clay, depth, temp, rain, evap, pc, plant, fym, dpm_rpm):
    """One month: returns (new pools [DPM, RPM, BIO, HUM], new deficit, CO2-C released), t C/ha and mm."""
    rm_t = 0.0 if temp < TEMP_MIN else TEMP_A / (math.exp(TEMP_B / (temp + TEMP_C)) + 1.0)
    smd_max = -(20.0 + 1.3 * clay - 0.01 * clay * clay) * depth / SMD_REFERENCE_DEPTH
    smd_1bar, smd_bare = SMD_1BAR_FRACTION * smd_max, SMD_BARE_FRACTION * smd_max
    df = rain - PAN_COEFFICIENT * evap
    if pc == 1:
        smd = max(smd_max, min(0.0, smd + df))
    else:
        smd = max(min(smd_bare, smd), min(0.0, smd + df))
    if smd > smd_1bar:
        rm_m = 1.0
    else:
        rm_m = RM_MOIST_MIN + (1.0 - RM_MOIST_MIN) * (smd_max - smd) / (smd_max - smd_1bar)
    rate = rm_t * rm_m * (RM_PC_BARE if pc == 0 else RM_PC_COVERED)

    x = 1.67 * (1.85 + 1.60 * math.exp(-0.0786 * clay))
    decayed = [p - p * math.exp(-rate * k * TSTEP) for p, k in zip(pools, RATE_CONSTANTS, strict=True)]
    lost = sum(decayed)
    new = [p - d for p, d in zip(pools, decayed, strict=True)]
    new[2] += lost * BIO_SHARE / (x + 1.0)
    new[3] += lost * HUM_SHARE / (x + 1.0)
    new[0] += dpm_rpm / (dpm_rpm + 1.0) * plant + FYM_DPM * fym
    new[1] += 1.0 / (dpm_rpm + 1.0) * plant + FYM_RPM * fym
    new[3] += FYM_HUM * fym
    return new, smd, lost * x / (x + 1.0)


def run(pools, smd, clay, depth, temp, rain, evap, pc, plant, fym, dpm_rpm):
    """Run the monthly sequences (lists); returns the pools after each month and the final deficit."""
    history = []
    for t in range(len(temp)):
        pools, smd, _ = month(
            pools, smd, clay, depth, temp[t], rain[t], evap[t], pc[t], plant[t], fym[t], dpm_rpm[t]
        )
        history.append(pools)
    return history, smd


def equilibrium(clay, depth, temp, rain, evap, pc, plant, fym, dpm_rpm, max_years=10_000):
    """Exact periodic steady state on 31 December of a repeated 12-month year, by the same method as the
    compiled kernel: the deficit's cycle, then the annual affine map x → A x + b, then (I − A)⁻¹ b."""
    smd, years, drift_before = 0.0, 0, 0.0
    smd_max = -(20.0 + 1.3 * clay - 0.01 * clay * clay) * depth / SMD_REFERENCE_DEPTH
    for _ in range(max_years):
        start, margin = smd, math.inf
        for t in range(12):
            limit = -math.inf  # the deficit below which this month's drying would be cut off
            if rain[t] - PAN_COEFFICIENT * evap[t] < 0:
                smd_bare = SMD_BARE_FRACTION * smd_max
                limit = smd_max if pc[t] == 1 else (smd_bare if smd > smd_bare else -math.inf)
            _, smd, _ = month([0.0] * 4, smd, clay, depth, temp[t], rain[t], evap[t], pc[t], 0.0, 0.0, 1.0)
            margin = min(margin, smd - limit)
        years += 1
        drift = smd - start
        if drift == 0.0:
            break
        if abs(drift - drift_before) <= 1e-9 * abs(drift) and margin > 0.0:  # steady drift: jump ahead
            years_left = margin / -drift
            if years_left >= 2.0:
                smd += max((math.floor(years_left) - 1.0) * drift, -margin)
                years += int(min(years_left, 1e15))
        drift_before = drift

    def year(pools, with_inputs):
        s = smd
        for t in range(12):
            p, f = (plant[t], fym[t]) if with_inputs else (0.0, 0.0)
            pools, s, _ = month(pools, s, clay, depth, temp[t], rain[t], evap[t], pc[t], p, f, dpm_rpm[t])
        return pools

    b = year([0.0] * 4, True)
    a = [year([1.0 if i == j else 0.0 for i in range(4)], False) for j in range(4)]  # a[j] = A e_j
    m = [[(1.0 if i == j else 0.0) - a[j][i] for j in range(4)] for i in range(4)]  # I − A
    return _solve(m, b), smd


def _solve(m, b):
    """Gaussian elimination with partial pivoting for a small dense system."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(m)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            m[r] = [v - f * w for v, w in zip(m[r], m[c], strict=True)]
    x = [0.0] * n
    for r in reversed(range(n)):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x
