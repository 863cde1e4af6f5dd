"""Compiled RothC-26.3 kernels (numba), parallel over sites.

These are the only loops of the engine. Forcings are 2-D arrays indexed ``[month, site]`` with any
strides, so a forcing shared by all sites is passed as a zero-stride broadcast view and costs nothing.
Sites are processed in chunks: for every month the inner loop walks a chunk of adjacent sites, which
keeps reads and writes contiguous and the chunk's state in cache. Units: pools t C/ha, deficits mm,
temperature °C.
"""

import math

import numpy as np
from numba import njit, prange, types

from .constants import (
    C14_DECAY,
    FYM_DPM,
    FYM_HUM,
    FYM_RPM,
    PAN_COEFFICIENT,
    RM_PC_BARE,
    RM_PC_COVERED,
    TEMP_A,
    TEMP_B,
    TEMP_C,
    TEMP_MIN,
    TSTEP,
)

#: exp(−λ/12): radioactive decay of 14C over one month.
C14_MONTH = math.exp(-C14_DECAY * TSTEP)

# Explicit signatures: one compiled version serves C-contiguous, strided and zero-stride (broadcast)
# inputs alike, and is cached on disk after the first import.
_IN1 = types.Array(types.float64, 1, "A", readonly=True)
_IN2 = types.Array(types.float64, 2, "A", readonly=True)
_F1, _F2, _F3 = (types.Array(types.float64, d, "C") for d in (1, 2, 3))
_I1 = types.Array(types.int64, 1, "C")
_FORCINGS_AND_SOIL = (_IN2,) * 9 + (_IN1,) * 8  # forcings; soil parameters and rate constants

#: Rows of the ``out`` array of :func:`simulate`.
OUT_DPM, OUT_RPM, OUT_BIO, OUT_HUM, OUT_CO2, OUT_SMD, OUT_RM_TEMP, OUT_RM_MOIST, OUT_RM_PC = range(9)
N_OUT = 9


@njit(cache=True, inline="always")
def rm_temperature(temp):
    """Temperature rate modifier (−); 0 below −5 °C."""
    if temp < TEMP_MIN:
        return 0.0
    return TEMP_A / (math.exp(TEMP_B / (temp + TEMP_C)) + 1.0)


@njit(cache=True, inline="always")
def moisture_step(smd, rain, evap, pc, smd_max, smd_1bar, smd_15bar, smd_bare, rm_min):
    """New topsoil moisture deficit (mm, ≤ 0) and its rate modifier (−)."""
    wetter = min(0.0, smd + rain - PAN_COEFFICIENT * evap)
    if pc > 0.5:
        smd = max(smd_max, wetter)
    else:
        smd = max(min(smd_bare, smd), wetter)
    if smd > smd_1bar:
        rm = 1.0
    elif smd > smd_15bar:
        rm = rm_min + (1.0 - rm_min) * (smd_15bar - smd) / (smd_15bar - smd_1bar)
    else:
        rm = rm_min
    return smd, rm


@njit(cache=True, inline="always")
def decompose(d, r, b, h, e_d, e_r, e_b, e_h, f_bio, f_hum):
    """One month of decay with retention factors ``e_*``; returns new pools and decayed carbon."""
    d1 = d * e_d
    r1 = r * e_r
    b1 = b * e_b
    h1 = h * e_h
    lost = (d - d1) + (r - r1) + (b - b1) + (h - h1)
    return d1, r1, b1 + lost * f_bio, h1 + lost * f_hum, lost


@njit(cache=True)
def run_sites(
    lo, hi, temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_15bar, smd_bare, rm_min, k,
    pools, smd, co2, c14, with_c14, record, out, out_c14,
):  # fmt: skip
    """Run all months for sites ``lo:hi``, serially; see :func:`simulate`."""
    kd, kr, kb, kh = k[0] * TSTEP, k[1] * TSTEP, k[2] * TSTEP, k[3] * TSTEP
    for t in range(temp.shape[0]):
        slot = record[t]
        for n in range(lo, hi):
            p = pc[t, n]
            s, rm_m = moisture_step(
                smd[n], rain[t, n], evap[t, n], p, smd_max[n], smd_1bar[n], smd_15bar[n], smd_bare[n], rm_min[n]
            )
            smd[n] = s
            rm_t = rm_temperature(temp[t, n])
            rm_c = RM_PC_COVERED if p > 0.5 else RM_PC_BARE
            rate = rm_t * rm_m * rm_c
            e_d = math.exp(-rate * kd)
            e_r = math.exp(-rate * kr)
            e_b = math.exp(-rate * kb)
            e_h = math.exp(-rate * kh)
            d, r, b, h, lost = decompose(
                pools[n, 0], pools[n, 1], pools[n, 2], pools[n, 3], e_d, e_r, e_b, e_h, f_bio[n], f_hum[n]
            )
            co2[n] += lost * (1.0 - f_bio[n] - f_hum[n])
            m = fym[t, n]
            p_dpm = plant[t, n] * dpm_frac[t, n]
            p_rpm = plant[t, n] * rpm_frac[t, n]
            pools[n, 0] = d + p_dpm + FYM_DPM * m
            pools[n, 1] = r + p_rpm + FYM_RPM * m
            pools[n, 2] = b
            pools[n, 3] = h + FYM_HUM * m
            if with_c14:
                mod = modern[t, n]
                d, r, b, h, lost = decompose(
                    c14[n, 0], c14[n, 1], c14[n, 2], c14[n, 3], e_d, e_r, e_b, e_h, f_bio[n], f_hum[n]
                )
                c14[n, 0] = d * C14_MONTH + mod * (p_dpm + FYM_DPM * m)
                c14[n, 1] = r * C14_MONTH + mod * (p_rpm + FYM_RPM * m)
                c14[n, 2] = b * C14_MONTH
                c14[n, 3] = h * C14_MONTH + mod * FYM_HUM * m
            if slot >= 0:
                for i in range(4):
                    out[i, slot, n] = pools[n, i]
                    if with_c14:
                        out_c14[i, slot, n] = c14[n, i]
                out[OUT_CO2, slot, n] = co2[n]
                out[OUT_SMD, slot, n] = s
                out[OUT_RM_TEMP, slot, n] = rm_t
                out[OUT_RM_MOIST, slot, n] = rm_m
                out[OUT_RM_PC, slot, n] = rm_c


@njit(
    types.void(
        *_FORCINGS_AND_SOIL, _F2, _F1, _F1, _F2, types.boolean,
        types.Array(types.int64, 1, "A", readonly=True), _F3, _F3, types.int64,
    ),
    cache=True,
    parallel=True,
)
def simulate(
    temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_15bar, smd_bare, rm_min, k,
    pools, smd, co2, c14, with_c14, record, out, out_c14, chunk,
):  # fmt: skip
    """Run the monthly scheme in place, chunks of ``chunk`` sites in parallel.

    ``pools`` (N, 4), ``smd`` (N,), ``co2`` (N, cumulative CO2-C) and ``c14`` (N, 4: 14C content of
    each pool, t C/ha of modern carbon) are the state, updated in place. Month ``t`` is written to
    ``out[:, record[t], :]`` (rows ``OUT_*``) and ``out_c14[:, record[t], :]`` when ``record[t] >= 0``.
    """
    n_sites = pools.shape[0]
    for c in prange((n_sites + chunk - 1) // chunk):
        run_sites(
            c * chunk, min((c + 1) * chunk, n_sites), temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
            f_bio, f_hum, smd_max, smd_1bar, smd_15bar, smd_bare, rm_min, k,
            pools, smd, co2, c14, with_c14, record, out, out_c14,
        )  # fmt: skip


@njit(cache=True, inline="always")
def _solve_annual_map(a, x, j):
    """Fixed point of x = A x + b for RothC's annual map; A in a[0:4, 0:4], b in a[j, 0:4].

    DPM and RPM feed only themselves; BIO and HUM form a 2×2 block solved by Cramer's rule.
    """
    x[0] = a[j, 0] / (1.0 - a[0, 0])
    x[1] = a[j, 1] / (1.0 - a[1, 1])
    r2 = a[j, 2] + a[0, 2] * x[0] + a[1, 2] * x[1]
    r3 = a[j, 3] + a[0, 3] * x[0] + a[1, 3] * x[1]
    # a[col, row]: column ``col`` of A is the image of unit pool ``col``.
    m22, m23, m32, m33 = 1.0 - a[2, 2], -a[3, 2], -a[2, 3], 1.0 - a[3, 3]
    det = m22 * m33 - m23 * m32
    x[2] = (r2 * m33 - m23 * r3) / det
    x[3] = (m22 * r3 - m32 * r2) / det


@njit(
    types.void(*_FORCINGS_AND_SOIL, _F1, types.int64, types.boolean, _F2, _F2, _F2, _F2, _I1, types.int64),
    cache=True,
    parallel=True,
)
def equilibrium(
    temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_15bar, smd_bare, rm_min, k,
    smd, max_years, with_c14, x_plant, x_fym, c14_plant, c14_fym, years, chunk,
):  # fmt: skip
    """Periodic steady state of the monthly scheme over one repeated 12-month year.

    The deficit does not depend on carbon, so its yearly cycle is found first (``smd`` (N,) is the
    deficit on 31 December, updated in place; ``years`` gets the years it took). With the cycle's rate
    modifiers one year is an affine map x → A x + b of the four pools, and the equilibrium on
    31 December is (I − A)⁻¹ b, written separately for the plant inputs (``x_plant``) and the manure
    (``x_fym``), both (N, 4), since the equilibrium is linear in each. Same for the 14C content
    (A scaled by the monthly radioactive decay, inputs weighted by ``modern``).
    """
    n_sites = smd.shape[0]
    kd, kr, kb, kh = k[0] * TSTEP, k[1] * TSTEP, k[2] * TSTEP, k[3] * TSTEP
    for c in prange((n_sites + chunk - 1) // chunk):
        a = np.empty((6, 4))  # columns of A, then b_plant, b_fym
        a14 = np.empty((6, 4))
        rates = np.empty(12)
        for n in range(c * chunk, min((c + 1) * chunk, n_sites)):
            # 1. yearly deficit cycle: iterate whole years until 31 December repeats
            s = smd[n]
            y = 0
            while y < max_years:
                start = s
                for t in range(12):
                    s, rm_m = moisture_step(
                        s, rain[t, n], evap[t, n], pc[t, n],
                        smd_max[n], smd_1bar[n], smd_15bar[n], smd_bare[n], rm_min[n],
                    )  # fmt: skip
                    rc = RM_PC_COVERED if pc[t, n] > 0.5 else RM_PC_BARE
                    rates[t] = rm_temperature(temp[t, n]) * rm_m * rc
                y += 1
                if s == start:
                    break
            smd[n] = s
            years[n] = y
            # 2. the annual affine map, propagated month by month
            a[:, :] = 0.0
            for i in range(4):
                a[i, i] = 1.0
            a14[:, :] = a
            for t in range(12):
                e_d = math.exp(-rates[t] * kd)
                e_r = math.exp(-rates[t] * kr)
                e_b = math.exp(-rates[t] * kb)
                e_h = math.exp(-rates[t] * kh)
                for j in range(6):
                    d, r, b, h, lost = decompose(
                        a[j, 0], a[j, 1], a[j, 2], a[j, 3], e_d, e_r, e_b, e_h, f_bio[n], f_hum[n]
                    )
                    a[j, 0], a[j, 1], a[j, 2], a[j, 3] = d, r, b, h
                    if with_c14:
                        d, r, b, h, lost = decompose(
                            a14[j, 0], a14[j, 1], a14[j, 2], a14[j, 3], e_d, e_r, e_b, e_h, f_bio[n], f_hum[n]
                        )
                        a14[j, 0], a14[j, 1] = d * C14_MONTH, r * C14_MONTH
                        a14[j, 2], a14[j, 3] = b * C14_MONTH, h * C14_MONTH
                m = fym[t, n]
                p_dpm = plant[t, n] * dpm_frac[t, n]
                p_rpm = plant[t, n] * rpm_frac[t, n]
                a[4, 0] += p_dpm
                a[4, 1] += p_rpm
                a[5, 0] += FYM_DPM * m
                a[5, 1] += FYM_RPM * m
                a[5, 3] += FYM_HUM * m
                if with_c14:
                    mod = modern[t, n]
                    a14[4, 0] += mod * p_dpm
                    a14[4, 1] += mod * p_rpm
                    a14[5, 0] += mod * FYM_DPM * m
                    a14[5, 1] += mod * FYM_RPM * m
                    a14[5, 3] += mod * FYM_HUM * m
            # 3. fixed points
            _solve_annual_map(a, x_plant[n], 4)
            _solve_annual_map(a, x_fym[n], 5)
            if with_c14:
                _solve_annual_map(a14, c14_plant[n], 4)
                _solve_annual_map(a14, c14_fym[n], 5)


@njit(
    types.void(*_FORCINGS_AND_SOIL, _F2, _F1, _F2, types.boolean, types.float64, types.int64, _I1),
    cache=True,
    parallel=True,
)
def spin_up(
    temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_15bar, smd_bare, rm_min, k,
    pools, smd, c14, with_c14, tolerance, max_years, months,
):  # fmt: skip
    """The official iterative spin-up: cycle the 12 months until |ΔTOC| over a year ≤ ``tolerance``.

    Starts from the state given (the official code starts from zero pools and SMD = 0; TOC excludes
    IOM); ``months`` (N,) gets the number of months run, which the official year table prints.
    """
    n_sites = pools.shape[0]
    no_record = np.full(12, -1)
    no_out, no_out_c14 = np.empty((9, 0, 0)), np.empty((4, 0, 0))
    co2 = np.zeros(n_sites)
    for n in prange(n_sites):
        toc_before = 0.0
        year = 0
        while year < max_years:
            run_sites(
                n, n + 1, temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
                f_bio, f_hum, smd_max, smd_1bar, smd_15bar, smd_bare, rm_min, k,
                pools, smd, co2, c14, with_c14, no_record, no_out, no_out_c14,
            )  # fmt: skip
            year += 1
            toc = pools[n, 0] + pools[n, 1] + pools[n, 2] + pools[n, 3]
            if abs(toc - toc_before) <= tolerance:
                break
            toc_before = toc
        months[n] = 12 * year
