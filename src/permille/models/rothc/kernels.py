"""Compiled RothC-26.3 kernels (numba), parallel over chunks of sites and SIMD-vectorised within a chunk.

Forcings are C-contiguous 2-D arrays of shape (months or 1, sites or 1): a forcing shared by all sites or
constant in time is stored once. For every month, a chunk's forcings are copied into contiguous buffers
and one branch-free loop over the chunk's sites advances the state; that loop compiles to AVX/AVX-512
code. It needs exponentials that vectorise, so :func:`exp_unit` evaluates exp on [−1, 1] with a Taylor
polynomial (relative error < 5e-16, checked against ``math.exp`` in the tests) and larger arguments are
scaled and squared. Units: pools t C/ha, deficits mm, temperature °C.
"""

import numpy as np
from numba import njit, prange, types

from .constants import (
    C14_DECAY,
    FYM_DPM,
    FYM_HUM,
    FYM_RPM,
    K_BIO,
    K_DPM,
    K_HUM,
    K_RPM,
    PAN_COEFFICIENT,
    RM_PC_BARE,
    RM_PC_COVERED,
    TEMP_A,
    TEMP_B,
    TEMP_C,
    TEMP_MIN,
    TSTEP,
)

_OPTS = dict(cache=True, error_model="numpy")  # numpy error model: no exception branches, so loops vectorise

#: Rows of the ``out`` array of :func:`simulate`: pools, cumulative CO2, deficit and rate modifiers.
OUT_DPM, OUT_RPM, OUT_BIO, OUT_HUM, OUT_CO2, OUT_SMD, OUT_RM_TEMP, OUT_RM_MOIST, OUT_RM_PC = range(9)
N_OUT = 9


@njit(inline="always", **_OPTS)
def exp_unit(z):
    """exp(z) for |z| ≤ 1: Taylor polynomial of degree 18 (truncation < 1e-17), Horner form."""
    p = 1.5619206968586225e-16
    p = p * z + 2.8114572543455206e-15
    p = p * z + 4.779477332387385e-14
    p = p * z + 7.647163731819816e-13
    p = p * z + 1.1470745597729725e-11
    p = p * z + 1.6059043836821613e-10
    p = p * z + 2.08767569878681e-09
    p = p * z + 2.505210838544172e-08
    p = p * z + 2.755731922398589e-07
    p = p * z + 2.7557319223985893e-06
    p = p * z + 2.48015873015873e-05
    p = p * z + 0.0001984126984126984
    p = p * z + 0.001388888888888889
    p = p * z + 0.008333333333333333
    p = p * z + 0.041666666666666664
    p = p * z + 0.16666666666666666
    p = p * z + 0.5
    p = p * z + 1.0
    return p * z + 1.0


@njit(inline="always", **_OPTS)
def rm_temperature(temp):
    """Temperature rate modifier (−): 47.91 / (exp(106.06 / (T + 18.27)) + 1), 0 below −5 °C.

    For −5…60 °C the exponent is 1.35…8.0, evaluated as exp(y/8)⁸.
    """
    y = TEMP_B / (max(temp, TEMP_MIN) + TEMP_C)
    e = exp_unit(y * 0.125)
    e = e * e
    e = e * e
    e = e * e
    return 0.0 if temp < TEMP_MIN else TEMP_A / (e + 1.0)


@njit(inline="always", **_OPTS)
def moisture_step(smd, rain, evap, pc, smd_max, smd_1bar, smd_bare, rm_min):
    """New topsoil moisture deficit (mm, ≤ 0) and its rate modifier (−); ``pc`` 1 covered, 0 bare."""
    wetter = min(0.0, smd + rain - PAN_COEFFICIENT * evap)
    smd = max(smd_max, wetter) if pc > 0.5 else max(min(smd_bare, smd), wetter)
    slope = rm_min + (1.0 - rm_min) * (smd_max - smd) / (smd_max - smd_1bar)
    return smd, 1.0 if smd > smd_1bar else (slope if smd > smd_max else rm_min)


@njit(inline="always", **_OPTS)
def retention(rate):
    """Fractions of DPM, RPM, BIO, HUM left after a month at combined rate modifier ``rate`` = a·b·c:
    exp(−rate·k/12). Exact for ``rate`` ≤ 18 (every argument within [−1, 0]; DPM's is scaled by 1/16 and
    squared four times); temperatures up to 60 °C give at most 9.8."""
    x = rate * TSTEP
    e_d = exp_unit(-x * (K_DPM / 16.0))
    e_d = e_d * e_d
    e_d = e_d * e_d
    e_d = e_d * e_d
    e_d = e_d * e_d
    return e_d, exp_unit(-x * K_RPM), exp_unit(-x * K_BIO), exp_unit(-x * K_HUM)


#: exp(−λ/12): radioactive decay of 14C over one month.
C14_MONTH = float(np.exp(-C14_DECAY * TSTEP))


# One month for one chunk of sites, in passes that each write few arrays (so that LLVM vectorises them);
# every argument is a contiguous 1-D array over the chunk.


@njit(**_OPTS)
def _moisture(rain, evap, pc, smd_max, smd_1bar, smd_bare, rm_min, smd, rm_m):
    for j in range(smd.shape[0]):
        smd[j], rm_m[j] = moisture_step(
            smd[j], rain[j], evap[j], pc[j], smd_max[j], smd_1bar[j], smd_bare[j], rm_min[j]
        )


@njit(**_OPTS)
def _rate(temp, pc, rm_m, rm_other, rm_t, rm_c, rate):
    for j in range(rate.shape[0]):
        rm_t[j] = rm_temperature(temp[j])
        rm_c[j] = RM_PC_COVERED if pc[j] > 0.5 else RM_PC_BARE
        rate[j] = rm_t[j] * rm_m[j] * rm_c[j] * rm_other[j]


@njit(**_OPTS)
def _decay(rate, plant, dpm_frac, rpm_frac, fym, f_bio, f_hum, dpm, rpm, bio, hum, co2):
    for j in range(rate.shape[0]):
        e_d, e_r, e_b, e_h = retention(rate[j])
        d, r, b, h = dpm[j], rpm[j], bio[j], hum[j]
        d1, r1, b1, h1 = d * e_d, r * e_r, b * e_b, h * e_h
        lost = (d - d1) + (r - r1) + (b - b1) + (h - h1)
        co2[j] += lost * (1.0 - f_bio[j] - f_hum[j])
        m = fym[j]
        dpm[j] = d1 + plant[j] * dpm_frac[j] + FYM_DPM * m
        rpm[j] = r1 + plant[j] * rpm_frac[j] + FYM_RPM * m
        bio[j] = b1 + lost * f_bio[j]
        hum[j] = h1 + lost * f_hum[j] + FYM_HUM * m


@njit(**_OPTS)
def _decay_c14(rate, plant, dpm_frac, rpm_frac, fym, modern, f_bio, f_hum, dpm, rpm, bio, hum):
    """14C content decays with the carbon and radioactively; new carbon enters with the month's ``modern``
    fraction (equivalent to the official bookkeeping through pool ages)."""
    for j in range(rate.shape[0]):
        e_d, e_r, e_b, e_h = retention(rate[j])
        d, r, b, h = dpm[j], rpm[j], bio[j], hum[j]
        d1, r1, b1, h1 = d * e_d, r * e_r, b * e_b, h * e_h
        lost = (d - d1) + (r - r1) + (b - b1) + (h - h1)
        m = fym[j]
        dpm[j] = d1 * C14_MONTH + modern[j] * (plant[j] * dpm_frac[j] + FYM_DPM * m)
        rpm[j] = r1 * C14_MONTH + modern[j] * (plant[j] * rpm_frac[j] + FYM_RPM * m)
        bio[j] = (b1 + lost * f_bio[j]) * C14_MONTH
        hum[j] = (h1 + lost * f_hum[j]) * C14_MONTH + modern[j] * FYM_HUM * m


#: Rows of the scratch buffer after the nine forcings.
RM_TEMP, RM_MOIST, RM_PC, RATE = range(9, 13)
N_BUF = 13


@njit(inline="always", **_OPTS)
def _fill(buffer, forcing, t, lo, m):
    """Copy month ``t`` of ``forcing`` (months or 1, sites or 1) for sites lo:lo+m into ``buffer``."""
    row = forcing[t if forcing.shape[0] > 1 else 0]
    if forcing.shape[1] > 1:
        buffer[:m] = row[lo : lo + m]
    else:
        buffer[:m] = row[0]


@njit(inline="always", **_OPTS)
def _at(forcing, t, n):
    """Month ``t``, site ``n`` of a forcing of shape (months or 1, sites or 1)."""
    return forcing[t if forcing.shape[0] > 1 else 0, n if forcing.shape[1] > 1 else 0]


@njit(**_OPTS)
def run_chunk(
    lo, hi, temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, rm_other,
    pools, smd, co2, c14, with_c14, record, out, out_c14, buf,
):  # fmt: skip
    """Run every month for sites lo:hi (serially); ``buf`` is (N_BUF, ≥ hi − lo) scratch: the month's
    forcings (rows 0–8, kernel order), then the rate modifiers. ``rm_other`` (N,): a further constant rate
    modifier per site (1, or e.g. 0.4 for paddy fields)."""
    m = hi - lo
    for t in range(record.shape[0]):
        for i, forcing in enumerate((temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern)):
            _fill(buf[i], forcing, t, lo, m)
        soil = slice(lo, hi)
        _moisture(
            buf[1, :m], buf[2, :m], buf[3, :m], smd_max[soil], smd_1bar[soil], smd_bare[soil], rm_min[soil],
            smd[soil], buf[RM_MOIST, :m],
        )  # fmt: skip
        _rate(
            buf[0, :m], buf[3, :m], buf[RM_MOIST, :m], rm_other[soil], buf[RM_TEMP, :m], buf[RM_PC, :m],
            buf[RATE, :m],
        )  # fmt: skip
        _decay(
            buf[RATE, :m], buf[4, :m], buf[5, :m], buf[6, :m], buf[7, :m], f_bio[soil], f_hum[soil],
            pools[0, soil], pools[1, soil], pools[2, soil], pools[3, soil], co2[soil],
        )  # fmt: skip
        if with_c14:
            _decay_c14(
                buf[RATE, :m], buf[4, :m], buf[5, :m], buf[6, :m], buf[7, :m], buf[8, :m], f_bio[soil],
                f_hum[soil], c14[0, soil], c14[1, soil], c14[2, soil], c14[3, soil],
            )  # fmt: skip
        slot = record[t]
        if slot >= 0:
            for i in range(4):
                out[i, slot, lo:hi] = pools[i, lo:hi]
                if with_c14:
                    out_c14[i, slot, lo:hi] = c14[i, lo:hi]
            out[OUT_CO2, slot, lo:hi] = co2[lo:hi]
            out[OUT_SMD, slot, lo:hi] = smd[lo:hi]
            out[OUT_RM_TEMP, slot, lo:hi] = buf[RM_TEMP, :m]
            out[OUT_RM_MOIST, slot, lo:hi] = buf[RM_MOIST, :m]
            out[OUT_RM_PC, slot, lo:hi] = buf[RM_PC, :m]


# Explicit signatures: one compiled version for every input, cached on disk after the first import.
_IN2 = types.Array(types.float64, 2, "C", readonly=True)
_IN1 = types.Array(types.float64, 1, "C", readonly=True)
_F1, _F2, _F3 = (types.Array(types.float64, d, "C") for d in (1, 2, 3))
_I1 = types.Array(types.int64, 1, "C")
_INPUTS = (_IN2,) * 9 + (_IN1,) * 7  # forcings, then soil parameters


@njit(
    types.void(*_INPUTS, _F2, _F1, _F1, _F2, types.boolean, types.Array(types.int64, 1, "C", readonly=True),
               _F3, _F3, types.int64),
    parallel=True,
    **_OPTS,
)  # fmt: skip
def simulate(
    temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, rm_other,
    pools, smd, co2, c14, with_c14, record, out, out_c14, chunk,
):  # fmt: skip
    """Run the monthly scheme in place over ``len(record)`` months, chunks of ``chunk`` sites in parallel.

    State, updated in place: ``pools`` (4, N) DPM, RPM, BIO, HUM; ``smd`` (N,); ``co2`` (N,) cumulative
    CO2-C; ``c14`` (4, N) 14C content of the pools, t C/ha of modern carbon (used if ``with_c14``).
    Month ``t`` is written to ``out[:, record[t]]`` (rows ``OUT_*``) and ``out_c14`` when ``record[t] ≥ 0``.
    """
    n_sites = pools.shape[1]
    for c in prange((n_sites + chunk - 1) // chunk):
        lo = c * chunk
        run_chunk(
            lo, min(lo + chunk, n_sites), temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
            f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, rm_other,
            pools, smd, co2, c14, with_c14, record, out, out_c14, np.empty((N_BUF, chunk)),
        )  # fmt: skip


@njit(
    types.void(*_INPUTS, _F2, _F1, _F2, types.boolean, types.float64, types.int64, _I1),
    parallel=True,
    **_OPTS,
)  # fmt: skip
def spin_up(
    temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, rm_other,
    pools, smd, c14, with_c14, tolerance, max_years, months,
):  # fmt: skip
    """The official iterative spin-up: cycle the 12 months until |ΔTOC| over a year ≤ ``tolerance``.

    Starts from the state given (the official code starts from zero pools and SMD = 0; TOC excludes
    IOM); ``months`` (N,) gets the number of months run, which the official year table prints.
    """
    n_sites = pools.shape[1]
    no_record = np.full(12, -1)
    no_out = np.empty((0, 0, 0))
    co2 = np.zeros(n_sites)
    for n in prange(n_sites):
        buf = np.empty((N_BUF, 1))
        toc_before = 0.0
        year = 0
        while year < max_years:
            run_chunk(
                n, n + 1, temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
                f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, rm_other,
                pools, smd, co2, c14, with_c14, no_record, no_out, no_out, buf,
            )  # fmt: skip
            year += 1
            toc = pools[0, n] + pools[1, n] + pools[2, n] + pools[3, n]
            if abs(toc - toc_before) <= tolerance:
                break
            toc_before = toc
        months[n] = 12 * year


@njit(inline="always", **_OPTS)
def _solve_annual_map(a, x, j):
    """Fixed point x = A x + b of RothC's annual map; column ``i`` of A in ``a[i, :4]``, b in ``a[j, :4]``.

    DPM and RPM feed only themselves; BIO and HUM form a 2×2 block solved by Cramer's rule.
    """
    x[0] = a[j, 0] / (1.0 - a[0, 0])
    x[1] = a[j, 1] / (1.0 - a[1, 1])
    r2 = a[j, 2] + a[0, 2] * x[0] + a[1, 2] * x[1]
    r3 = a[j, 3] + a[0, 3] * x[0] + a[1, 3] * x[1]
    m22, m23, m32, m33 = 1.0 - a[2, 2], -a[3, 2], -a[2, 3], 1.0 - a[3, 3]
    det = m22 * m33 - m23 * m32
    x[2] = (r2 * m33 - m23 * r3) / det
    x[3] = (m22 * r3 - m32 * r2) / det


@njit(inline="always", **_OPTS)
def _decay_columns(a, e_d, e_r, e_b, e_h, f_bio, f_hum, radioactive):
    """Apply one month's decay to every column of ``a`` (and radioactive decay if asked)."""
    for j in range(a.shape[0]):
        d, r, b, h = a[j, 0], a[j, 1], a[j, 2], a[j, 3]
        d1, r1, b1, h1 = d * e_d, r * e_r, b * e_b, h * e_h
        lost = (d - d1) + (r - r1) + (b - b1) + (h - h1)
        a[j, 0], a[j, 1], a[j, 2], a[j, 3] = d1, r1, b1 + lost * f_bio, h1 + lost * f_hum
        if radioactive:
            for i in range(4):
                a[j, i] *= C14_MONTH


@njit(inline="always", **_OPTS)
def drying_limit(smd, df, pc, smd_max, smd_bare):
    """The deficit below which this month's drying would be cut off (mm), or −inf if it cannot be.

    While no such limit is reached, and the soil does not saturate, a month adds exactly ``df`` (or,
    bare soil already drier than ``smd_bare``, nothing) to the deficit, whatever the deficit was.
    """
    if df >= 0.0:
        return -np.inf
    if pc > 0.5:
        return smd_max
    return smd_bare if smd > smd_bare else -np.inf


@njit(
    types.void(*_INPUTS, _F1, types.int64, types.boolean, _F2, _F2, _F2, _F2, _I1, types.int64),
    parallel=True,
    **_OPTS,
)  # fmt: skip
def equilibrium(
    temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, rm_other,
    smd, max_years, with_c14, x_plant, x_fym, c14_plant, c14_fym, years, chunk,
):  # fmt: skip
    """Periodic steady state of the monthly scheme over one repeated 12-month year.

    The deficit does not depend on carbon, so its yearly cycle is found first (``smd`` (N,), the
    deficit on 31 December, updated in place from where it starts; ``years`` gets the years it took).
    With the cycle's rate modifiers one year is an affine map x → A x + b of the four pools, and the
    equilibrium on 31 December is (I − A)⁻¹ b, written separately for the plant input (``x_plant``)
    and the manure (``x_fym``), both (4, N), since the equilibrium is linear in each. Same for the
    14C content (A with the monthly radioactive decay, inputs weighted by ``modern``; ``c14_plant`` and
    ``c14_fym`` may be (4, 0) without ``with_c14``).
    """
    n_sites = smd.shape[0]
    for c in prange((n_sites + chunk - 1) // chunk):
        a = np.empty((6, 4))  # rows: images of the unit pools (columns of A), then b_plant, b_fym
        a14 = np.empty((6, 4))
        rates = np.empty(12)
        for n in range(c * chunk, min((c + 1) * chunk, n_sites)):
            # 1. the deficit's yearly cycle: whole years until 31 December repeats
            s = smd[n]
            y = 0  # years of the cycle, jumped ones included
            drift_before = 0.0
            for _ in range(max_years):
                start = s
                margin = np.inf  # how far the year stays above the driest deficit allowed
                for t in range(12):
                    p, r, e = _at(pc, t, n), _at(rain, t, n), _at(evap, t, n)
                    limit = drying_limit(s, r - PAN_COEFFICIENT * e, p, smd_max[n], smd_bare[n])
                    s, rm_m = moisture_step(s, r, e, p, smd_max[n], smd_1bar[n], smd_bare[n], rm_min[n])
                    margin = min(margin, s - limit)
                    rm_c = RM_PC_COVERED if p > 0.5 else RM_PC_BARE
                    rates[t] = rm_temperature(_at(temp, t, n)) * rm_m * rm_c * rm_other[n]
                y += 1
                drift = s - start
                if drift == 0.0:
                    break
                if abs(drift - drift_before) <= 1e-9 * abs(drift) and margin > 0.0:
                    # two years of the same drift: no limit is active, each year shifts the deficit by
                    # ``drift`` until the driest limit is reached; jump to just before that year
                    years_left = margin / -drift  # may overflow to inf for a denormal drift
                    if years_left >= 2.0:
                        s += max((np.floor(years_left) - 1.0) * drift, -margin)
                        y += int(min(years_left, 1e15))
                drift_before = drift
            smd[n] = s
            years[n] = y
            # 2. the annual affine map, month by month
            a[:, :] = 0.0
            for i in range(4):
                a[i, i] = 1.0
            a14[:, :] = a
            for t in range(12):
                e_d, e_r, e_b, e_h = retention(rates[t])
                _decay_columns(a, e_d, e_r, e_b, e_h, f_bio[n], f_hum[n], False)
                p_dpm = _at(plant, t, n) * _at(dpm_frac, t, n)
                p_rpm = _at(plant, t, n) * _at(rpm_frac, t, n)
                m = _at(fym, t, n)
                a[4, 0] += p_dpm
                a[4, 1] += p_rpm
                a[5, 0] += FYM_DPM * m
                a[5, 1] += FYM_RPM * m
                a[5, 3] += FYM_HUM * m
                if with_c14:
                    _decay_columns(a14, e_d, e_r, e_b, e_h, f_bio[n], f_hum[n], True)
                    mod = _at(modern, t, n)
                    a14[4, 0] += mod * p_dpm
                    a14[4, 1] += mod * p_rpm
                    a14[5, 0] += mod * FYM_DPM * m
                    a14[5, 1] += mod * FYM_RPM * m
                    a14[5, 3] += mod * FYM_HUM * m
            # 3. fixed points
            _solve_annual_map(a, x_plant[:, n], 4)
            _solve_annual_map(a, x_fym[:, n], 5)
            if with_c14:
                _solve_annual_map(a14, c14_plant[:, n], 4)
                _solve_annual_map(a14, c14_fym[:, n], 5)


@njit(types.void(*_INPUTS, _F2, _F1, types.int64, types.int64), parallel=True, **_OPTS)
def repeat_year(
    temp, rain, evap, pc, plant, dpm_frac, rpm_frac, fym, modern,
    f_bio, f_hum, smd_max, smd_1bar, smd_bare, rm_min, rm_other,
    pools, smd, years, chunk,
):  # fmt: skip
    """Run a 12-month forcing ``years`` times over, in place: ``pools`` (4, N) and ``smd`` (N,).

    The deficit does not depend on carbon; given a year's deficits (set by the deficit on 1 January) the
    pools evolve by an affine map x → A x + b, built month by month as in :func:`equilibrium` and applied
    once a year. The map is rebuilt only when the deficit on 1 January changes: on a periodic deficit cycle
    it is built once. Radiocarbon is not tracked (``modern`` is unused).
    """
    n_sites = smd.shape[0]
    for c in prange((n_sites + chunk - 1) // chunk):
        a = np.empty((5, 4))  # rows: images of the unit pools (columns of A), then b
        rates = np.empty(12)
        for n in range(c * chunk, min((c + 1) * chunk, n_sites)):
            s = smd[n]
            built_from = np.nan  # deficit on 1 January of the year ``a`` was built for (NaN: none yet)
            built_to = 0.0  # and on 31 December
            for _ in range(years):
                if s == built_from:
                    s = built_to
                else:
                    built_from = s
                    for t in range(12):
                        p = _at(pc, t, n)
                        s, rm_m = moisture_step(
                            s,
                            _at(rain, t, n),
                            _at(evap, t, n),
                            p,
                            smd_max[n],
                            smd_1bar[n],
                            smd_bare[n],
                            rm_min[n],
                        )
                        rm_c = RM_PC_COVERED if p > 0.5 else RM_PC_BARE
                        rates[t] = rm_temperature(_at(temp, t, n)) * rm_m * rm_c * rm_other[n]
                    built_to = s
                    a[:, :] = 0.0
                    for i in range(4):
                        a[i, i] = 1.0
                    for t in range(12):
                        e_d, e_r, e_b, e_h = retention(rates[t])
                        _decay_columns(a, e_d, e_r, e_b, e_h, f_bio[n], f_hum[n], False)
                        p_in, m = _at(plant, t, n), _at(fym, t, n)
                        a[4, 0] += p_in * _at(dpm_frac, t, n) + FYM_DPM * m
                        a[4, 1] += p_in * _at(rpm_frac, t, n) + FYM_RPM * m
                        a[4, 3] += FYM_HUM * m
                d, r, b, h = pools[0, n], pools[1, n], pools[2, n], pools[3, n]
                for i in range(4):
                    pools[i, n] = a[4, i] + d * a[0, i] + r * a[1, i] + b * a[2, i] + h * a[3, i]
            smd[n] = s
