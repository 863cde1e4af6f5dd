"""RothC-26.3 for N sites at once: forward runs, exact equilibrium, its inverse, the official spin-up.

Coleman & Jenkinson (1996) doi:10.1007/978-3-642-61094-3_17; numbers as the official code
(Rothamsted-Models/RothC_Code). Pools in t C/ha, deficits in mm.
"""

import os

import numpy as np

from ...i18n import Text
from . import kernels, prep_kernels
from .constants import SPINUP_TOLERANCE
from .inputs import Forcing, Prepared, Soil, prepare
from .soil import iom_falloon, soc_with_falloon_iom
from .state import Result, State

#: Sites per parallel work item: small enough to keep a chunk's state in cache.
CHUNK = int(os.environ.get("PERMILLE_ROTHC_CHUNK", 1024))


def run(soil: Soil, forcing: Forcing, initial: State | None = None, *, output: str = "monthly") -> Result:
    """Run RothC month by month from ``initial`` (default: empty active pools, SMD 0) through ``forcing``.

    ``output``: ``"monthly"`` records every month, ``"yearly"`` every 12th month from the start (the
    Decembers when the forcing starts in January), ``"final"`` only the last month. The final state
    is always in ``Result.final``.
    """
    prep = prepare(soil, forcing)
    state = _initial_state(prep, soil, initial)
    t = np.arange(prep.n_months)
    months = {"monthly": t, "yearly": t[11::12], "final": t[-1:]}.get(output)
    if months is None:
        raise ValueError(
            Text("output must be 'monthly', 'yearly' or 'final', not {output}", output=repr(output))
        )
    record = np.full(prep.n_months, -1, dtype=np.int64)
    record[months] = np.arange(len(months))

    n = prep.n_sites
    pools, smd, co2 = state.pools.copy(), state.smd.copy(), np.zeros(n)
    c14 = state.c14.copy() if prep.with_c14 else np.zeros((4, n))
    out = np.empty((kernels.N_OUT, len(months), n))
    out_c14 = np.empty((4, len(months), n) if prep.with_c14 else (4, 0, 0))
    kernels.simulate(
        *prep.forcing, *prep.soil, pools, smd, co2, c14, prep.with_c14, record, out, out_c14, CHUNK
    )
    return Result(
        months=months,
        out=out,
        out_c14=out_c14 if prep.with_c14 else None,
        inputs=prep.cumulative_input(months, CHUNK),
        initial=state,
        final=State(pools, state.iom, smd, c14 if prep.with_c14 else None),
    )


def run_years(soil: Soil, climate: Forcing, initial: State | None = None, *, years: int) -> State:
    """The state on 31 December after ``years`` repetitions of the 12-month ``climate`` from ``initial``.

    Equals :func:`run` on the climate tiled ``years`` times, to rounding, for the cost of about one year:
    the deficit does not depend on carbon, and given a year's deficits the four pools evolve by an affine
    map x → A x + b (as in :func:`equilibrium`), applied once a year and rebuilt only when the deficit on
    1 January changes (once on a periodic deficit cycle, such as an equilibrium state's). The inputs are
    checked once. Radiocarbon is not tracked (use :func:`run`). Pools t C/ha, deficit mm.
    """
    prep = prepare(soil, climate, n_months=12)
    if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 0:
        prep.checker.add(Text("years: {value} is not a whole number ≥ 0", value=repr(years)))
    if prep.with_c14:
        prep.checker.add(Text("modern_percent: run_years does not track radiocarbon; use run()"))
    prep.checker.raise_if_any()
    state = _initial_state(prep, soil, initial)
    pools, smd = np.array(state.pools, dtype=float, order="C"), np.array(state.smd, dtype=float, order="C")
    kernels.repeat_year(*prep.forcing, *prep.soil, pools, smd, int(years), CHUNK)
    return State(pools, state.iom, smd)


def equilibrium(soil: Soil, climate: Forcing, *, max_years: int = 10_000) -> State:
    """The exact periodic steady state on 31 December of a repeated 12-month ``climate`` (and inputs).

    What the official spin-up approaches after thousands of years, without iterating the pools: the
    deficit's yearly cycle is found first, by iterating its year from field capacity as the official
    spin-up does (usually 2 years; a deficit that drifts by the same amount every year without reaching
    a limit is moved straight to the year before it does), then one year is an affine map of the four
    pools, solved in closed form. IOM from ``soil.iom`` or, if ``None``, from Falloon's equation on the
    equilibrium total.
    """
    prep = prepare(soil, climate, n_months=12)
    x_plant, x_fym, c_plant, c_fym, smd = _annual_fixed_points(prep, max_years)
    pools = x_plant + x_fym
    iom = prep.iom if prep.iom is not None else iom_falloon(soc_with_falloon_iom(pools.sum(axis=0)))
    return State(pools, iom, smd, c_plant + c_fym if prep.with_c14 else None)


def inputs_for_stock(
    soil: Soil, climate: Forcing, soc, *, max_years: int = 10_000
) -> tuple[np.ndarray, State]:
    """The annual plant carbon input (t C/ha/yr) whose equilibrium SOC equals the observed ``soc``.

    ``climate.plant_input`` gives the monthly pattern of the input (its scale is irrelevant), ``fym`` is
    kept as given. The equilibrium is linear in the plant input, so the answer is closed form:
    input = (SOC − IOM − SOC_fym) / SOC per unit input. IOM from ``soil.iom`` or, if ``None``,
    0.049 × SOC^1.139 (Falloon et al. 1998). Returns the annual input (N,) and the equilibrium State.
    """
    prep = prepare(soil, climate, n_months=12)
    check = prep.checker
    soc = check.sites("soc", soc, prep.n_sites)
    check.finite_range("soc", soc, 0.0, lo_open=True, unit="t C/ha")
    check.raise_if_any()
    pattern = sum(np.broadcast_to(prep.forcing[4], (12, prep.n_sites)))  # t C/ha/yr; month after month
    for n in np.flatnonzero(pattern <= 0):
        check.add(
            Text(
                "plant_input: {site}: the monthly pattern sums to 0; give its shape (any scale)",
                site=check.site(n),
            )
        )
    check.raise_if_any()
    x_plant, x_fym, c_plant, c_fym, smd = _annual_fixed_points(prep, max_years)
    iom = prep.iom if prep.iom is not None else iom_falloon(soc)
    scale = (soc - iom - x_fym.sum(axis=0)) / x_plant.sum(axis=0)
    for n in np.flatnonzero(scale < 0):
        check.add(
            Text(
                "soc: {site}: {soc:g} t C/ha is below what IOM and manure alone sustain ({sustained:g} t C/ha)",
                site=check.site(n),
                soc=float(soc[n]),
                sustained=float(soc[n] - scale[n] * x_plant[:, n].sum()),
            )
        )
    check.raise_if_any()
    pools = scale * x_plant + x_fym
    c14 = scale * c_plant + c_fym if prep.with_c14 else None
    return scale * pattern, State(pools, iom, smd, c14)


def spin_up(
    soil: Soil, climate: Forcing, *, tolerance: float = SPINUP_TOLERANCE, max_years: int = 1_000_000
) -> tuple[State, np.ndarray]:
    """The official iterative spin-up, kept for comparison with :func:`equilibrium`.

    From empty pools and SMD 0, repeat the 12 months until total active carbon on 31 December changes
    by ≤ ``tolerance`` t C/ha in a year. Returns the state and the number of months run per site.
    """
    prep = prepare(soil, climate, n_months=12)
    if prep.iom is None:
        prep.checker.add(
            Text("iom: the official spin-up needs IOM given (or use equilibrium() with Falloon's IOM)")
        )
        prep.checker.raise_if_any()
    state = State.empty(prep.iom, c14=prep.with_c14)
    pools, smd = state.pools.copy(), state.smd.copy()
    c14 = np.zeros((4, prep.n_sites))
    months = np.zeros(prep.n_sites, dtype=np.int64)
    kernels.spin_up(
        *prep.forcing, *prep.soil, pools, smd, c14, prep.with_c14, float(tolerance), int(max_years), months
    )
    return State(pools, prep.iom, smd, c14 if prep.with_c14 else None), months


def _annual_fixed_points(prep: Prepared, max_years: int):
    """Equilibrium pools from the plant input and from the manure, their 14C ((4, N) each; the 14C
    (4, 0) without radiocarbon), and the deficit on 31 December of the yearly cycle (N,)."""
    n = prep.n_sites
    x_plant, x_fym = np.empty((4, n)), np.empty((4, n))  # every site written by the kernel
    c_plant, c_fym = (np.empty((4, n if prep.with_c14 else 0)) for _ in range(2))
    smd = np.zeros(n)
    years = np.zeros(n, dtype=np.int64)
    kernels.equilibrium(
        *prep.forcing,
        *prep.soil,
        smd,
        int(max_years),
        prep.with_c14,
        x_plant,
        x_fym,
        c_plant,
        c_fym,
        years,
        CHUNK,
    )
    finite = prep_kernels.all_within(x_plant, -np.inf, np.inf, False) and prep_kernels.all_within(
        x_fym, -np.inf, np.inf, False
    )  # in parallel; None (small arrays) takes numpy's check
    frozen = None if finite else ~np.isfinite(x_plant).all(axis=0) | ~np.isfinite(x_fym).all(axis=0)
    if frozen is not None and frozen.any():
        temperature = np.broadcast_to(prep.forcing[0], (12, n)).max(axis=0)
        rule = Text("°C is the warmest month: below −5 °C nothing decomposes and no equilibrium exists")
        prep.checker.check("temperature", temperature, rule, frozen, prep.checker.site_of)
    prep.checker.raise_if_any()
    return x_plant, x_fym, c_plant, c_fym, smd


def _initial_state(prep: Prepared, soil: Soil, initial: State | None) -> State:
    check = prep.checker
    n = prep.n_sites
    if initial is None:
        if prep.iom is None:
            check.add(Text("iom: give Soil.iom, or start from a State (e.g. from equilibrium())"))
            check.raise_if_any()
        return State.empty(prep.iom, c14=prep.with_c14)
    if initial.pools.shape != (4, n) or initial.smd.shape != (n,) or initial.iom.shape != (n,):
        check.add(
            Text(
                "initial: state of {state} sites, forcing and soil have {sites}",
                state=initial.n_sites,
                sites=n,
            )
        )
        check.raise_if_any()
    check.finite_range("initial.pools", initial.pools, 0.0, unit="t C/ha")
    check.finite_range("initial.iom", initial.iom, 0.0, unit="t C/ha")
    check.finite_range("initial.smd", initial.smd, hi=0.0, unit="mm")
    below = initial.smd < prep.smd_max - 1e-9
    if below.any():
        rule = Text("mm is drier than the soil's maximum deficit")
        check.check("initial.smd", initial.smd, rule, below, check.site_of)
    if prep.iom is not None and not np.array_equal(prep.iom, initial.iom):
        check.add(Text("iom: Soil.iom differs from the initial state's IOM; give one of them"))
    if prep.with_c14 and initial.c14 is None:
        check.add(
            Text("initial.c14: radiocarbon is asked for (modern_percent) but the initial state has none")
        )
    check.raise_if_any()
    return initial
