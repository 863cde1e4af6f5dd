"""The RothC engine's parallel preparation (permille.models.rothc.prep_kernels): the same answers as the
serial numpy steps it replaced, on arrays large enough to take the parallel path, and results that do not
depend on the number of threads."""

import numba
import numpy as np
import pytest

from permille.models import rothc
from permille.models.rothc import RothCInputError, prep_kernels

N_SITES = 12_000  # × 24 months = 288,000 values: above prep_kernels.PARALLEL_MIN
MONTHS = 24


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    temperature = rng.uniform(-5.0, 30.0, (MONTHS, N_SITES))
    rain = rng.uniform(0.0, 200.0, (MONTHS, N_SITES))
    soil = rothc.Soil(clay=rng.uniform(5.0, 60.0, N_SITES), iom=rng.uniform(1.0, 5.0, N_SITES))
    forcing = rothc.Forcing(
        temperature=temperature, rain=rain, evaporation=rng.uniform(0.0, 120.0, MONTHS),
        plant_input=rng.uniform(0.0, 0.5, (MONTHS, N_SITES)), fym=np.tile([0.0, 0.3], MONTHS // 2),
    )  # fmt: skip
    return soil, forcing


@pytest.mark.parametrize("lo_open", [False, True])
def test_bounds_check_agrees_with_numpy(lo_open):
    rng = np.random.default_rng(1)
    base = rng.uniform(0.0, 10.0, 300_000)
    cases = {"fine": base.copy()}
    for label, value in [("nan", np.nan), ("inf", np.inf), ("-inf", -np.inf), ("high", 10.5), ("low", -0.1)]:
        a = base.copy()
        a[rng.integers(len(a))] = value
        cases[label] = a
    edge = base.copy()
    edge[7] = 0.0  # on the lower bound: allowed unless the interval is open there
    cases["edge"] = edge
    for label, a in cases.items():
        with np.errstate(invalid="ignore"):
            expected = bool(
                np.isfinite(a).all() and ((a > 0.0) if lo_open else (a >= 0.0)).all() and (a <= 10.0).all()
            )
        assert prep_kernels.all_within(a, 0.0, 10.0, lo_open) is expected, label
    assert prep_kernels.all_within(base[:100], 0.0, 10.0, lo_open) is None  # small: numpy's path


def test_checker_still_names_the_bad_value():
    soil, forcing = _inputs()
    rain = forcing.rain.copy()
    rain[5, 1234] = -3.0
    with pytest.raises(RothCInputError, match=r"rain: month 6, site 1234: -3 is outside \[0, 10000\] mm"):
        rothc.run(soil, rothc.Forcing(forcing.temperature, rain, forcing.evaporation, plant_input=0.1))


def test_float32_and_strided_forcings_are_converted_exactly():
    a = np.random.default_rng(2).uniform(0.0, 1.0, (MONTHS, 2 * N_SITES)).astype(np.float32)
    converted = prep_kernels.as_float64(a)
    assert converted.dtype == np.float64 and converted.flags.c_contiguous
    np.testing.assert_array_equal(converted, a.astype(np.float64))
    strided = prep_kernels.contiguous(a.astype(np.float64)[:, ::2])
    assert strided.flags.c_contiguous
    np.testing.assert_array_equal(strided, a.astype(np.float64)[:, ::2])


@pytest.mark.parametrize("shape", [(MONTHS, N_SITES), (MONTHS, 1), (1, N_SITES), (1, 1)])
def test_cumulative_input_equals_numpy_cumsum(shape):
    rng = np.random.default_rng(3)
    plant = rng.uniform(0.0, 0.5, shape)
    fym = rng.uniform(0.0, 0.2, (MONTHS, 1))
    rows = np.array([0, 5, 11, 23])
    got = prep_kernels.cumulative_input(plant, fym, rows, N_SITES, 1024)
    expected = np.cumsum(np.broadcast_to(plant + fym, (MONTHS, N_SITES)), axis=0)[rows]
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)
    assert prep_kernels.cumulative_input(plant, fym, np.array([], dtype=int), N_SITES, 1024).shape == (
        0,
        N_SITES,
    )


def test_results_do_not_depend_on_the_thread_count():
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba may start one thread only here")
    soil, forcing = _inputs()
    climate = rothc.Forcing(
        forcing.temperature[:12],
        forcing.rain[:12],
        forcing.evaporation[:12],
        plant_input=forcing.plant_input[:12],
    )
    before = numba.get_num_threads()
    answers = []
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            run = rothc.run(soil, forcing, output="yearly")
            eq = rothc.equilibrium(soil, climate)
            answers.append((run.out, run.inputs, run.final.pools, eq.pools, eq.smd))
    finally:
        numba.set_num_threads(before)
    for one, two in zip(*answers, strict=True):
        np.testing.assert_array_equal(one, two)
    assert answers[0][1].shape == (2, N_SITES) and np.isfinite(answers[0][1]).all()
