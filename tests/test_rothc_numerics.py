"""RothC building blocks against the official description's worked examples and against math.exp."""

import math

import numpy as np
import pandas as pd
import pytest

from permille.models import rothc
from permille.models.rothc import kernels, plain
from permille.models.rothc.constants import C14_DECAY, RATE_CONSTANTS, TEMP_MIN, TSTEP
from tests.conftest import shared_path


def test_polynomial_exp_is_accurate_on_its_domain():
    z = np.linspace(-1.0, 1.0, 20_001)
    got = np.array([kernels.exp_unit(v) for v in z])
    assert np.max(np.abs(got / np.exp(z) - 1.0)) < 5e-16


@pytest.mark.parametrize("temp", np.r_[np.linspace(-90, 60, 1501), TEMP_MIN, TEMP_MIN - 1e-9, 45.0])
def test_temperature_modifier_equals_the_official_formula(temp):
    expected = 0.0 if temp < -5.0 else 47.91 / (math.exp(106.06 / (temp + 18.27)) + 1.0)
    assert kernels.rm_temperature(temp) == pytest.approx(expected, rel=5e-15, abs=0)


@pytest.mark.parametrize("rate", np.linspace(0.0, 18.0, 361))
def test_monthly_retention_is_the_exact_exponential(rate):
    got = kernels.retention(rate)
    for g, k in zip(got, RATE_CONSTANTS, strict=True):
        assert g == pytest.approx(math.exp(-rate * k * TSTEP), rel=2e-14, abs=0)


def test_co2_partition_at_the_official_clay():
    # RothC_description.pdf: x = 3.5142 at 23.4 % clay
    assert rothc.co2_ratio(23.4) == pytest.approx(3.5142, abs=5e-5)
    f_bio, f_hum = rothc.partition(23.4)
    assert f_bio / f_hum == pytest.approx(0.46 / 0.54)
    assert 1 - f_bio - f_hum == pytest.approx(3.5142 / 4.5142, abs=1e-5)


def test_moisture_deficit_reproduces_table_2_of_the_description():
    table = pd.read_csv(shared_path("reference/rothc/tsmd_example_rothamsted_table2.csv"), comment="#")
    soil = rothc.Soil(clay=23.4, depth=23.0, iom=0.0)
    forcing = rothc.Forcing(
        temperature=10.0,
        rain=table.rain_mm.to_numpy(),
        evaporation=table.open_pan_evap_mm.to_numpy(),
        plant_cover=1,
    )
    result = rothc.run(soil, forcing)
    np.testing.assert_allclose(result.smd[:, 0], table.acc_TSMD_mm, atol=0.006)
    np.testing.assert_allclose(result.rm_moist[:, 0], table.RM_Moist, atol=1e-4)
    smd_max, smd_1bar, smd_bare = rothc.moisture_thresholds(23.4, 23.0)
    assert (smd_max, smd_1bar, smd_bare) == pytest.approx((-44.94, -19.955, -24.989), abs=0.005)


def test_one_month_of_the_hoosfield_worked_example():
    """RothC_description.pdf 2.2: 31 Dec 1851 → 31 Jan 1852 at a·b·c = 0.3561 with no input."""
    ex = pd.read_csv(
        shared_path("reference/rothc/hoosfield_worked_example_from_RothC_description.csv"), comment="#"
    )
    ex = ex.set_index("pool")
    pools = ex.loc[["DPM", "RPM", "BIO", "HUM"]]
    c = [np.array([v]) for v in pools.C_31Dec1851_t_ha]
    c14 = [np.array([v * math.exp(-C14_DECAY * a)]) for v, a in zip(c, pools.age_31Dec1851_yr, strict=True)]
    f_bio, f_hum = (np.atleast_1d(f) for f in rothc.partition(23.4))
    zero, rate = np.zeros(1), np.array([0.3561])
    kernels._decay(rate, zero, zero, zero, zero, f_bio, f_hum, *c, zero.copy())
    kernels._decay_c14(rate, zero, zero, zero, zero, zero, f_bio, f_hum, *c14)
    np.testing.assert_allclose(np.ravel(c), pools.C_31Jan1852_t_ha, atol=1.5e-4)
    ages = rothc.radiocarbon_age(np.ravel(c), np.ravel(c14))
    np.testing.assert_allclose(ages, pools.age_31Jan1852_yr, atol=0.02)
    total = ex.loc["Total"]
    assert rothc.delta14c(total.age_31Dec1851_yr) == pytest.approx(total.delta14C_31Dec1851, abs=0.01)


def test_compiled_engine_equals_the_plain_python_statement_of_the_equations():
    rng = np.random.default_rng(7)
    n, months = 5, 60
    clay, depth = rng.uniform(0, 100, n), rng.uniform(5, 60, n)
    temp = rng.uniform(-20, 40, (months, n))
    rain, evap = rng.uniform(0, 300, (months, n)), rng.uniform(-5, 250, (months, n))
    pc = rng.integers(0, 2, (months, n)).astype(float)
    plant, fym = (
        rng.uniform(0, 1, (months, n)),
        rng.uniform(0, 0.5, (months, n)) * (rng.random((months, n)) < 0.2),
    )
    ratio = rng.uniform(0.1, 3, (months, n))
    start = rng.uniform(0, 20, (4, n))
    soil = rothc.Soil(clay=clay, depth=depth, iom=1.0)
    forcing = rothc.Forcing(temp, rain, evap, pc, plant, fym, ratio)
    got = rothc.run(soil, forcing, rothc.State(start, np.ones(n), np.zeros(n)))
    for i in range(n):
        history, smd = plain.run(
            list(start[:, i]),
            0.0,
            clay[i],
            depth[i],
            *(a[:, i] for a in (temp, rain, evap, pc, plant, fym, ratio)),
        )
        np.testing.assert_allclose(got.pools[:, :, i].T, history, rtol=1e-12, atol=1e-13)
        assert got.final.smd[i] == pytest.approx(smd, abs=1e-12)
    climate = rothc.Forcing(temp[:12], rain[:12], evap[:12], pc[:12], plant[:12], fym[:12], ratio[:12])
    eq = rothc.equilibrium(soil, climate)
    for i in range(n):
        pools, smd = plain.equilibrium(
            clay[i], depth[i], *(a[:12, i] for a in (temp, rain, evap, pc, plant, fym, ratio))
        )
        np.testing.assert_allclose(eq.pools[:, i], pools, rtol=1e-11)
        assert eq.smd[i] == smd


def test_falloon_iom_and_its_fixed_point():
    assert rothc.iom_falloon(40.0) == pytest.approx(0.049 * 40.0**1.139)
    from permille.models.rothc.soil import soc_with_falloon_iom

    active = np.array([0.0, 1.0, 30.0, 300.0])
    soc = soc_with_falloon_iom(active)
    np.testing.assert_allclose(soc - rothc.iom_falloon(soc), active, atol=1e-12)


@pytest.mark.parametrize("cover", [1.0, 0.0])
def test_a_deficit_drifting_a_millionth_of_a_mm_a_month_still_finds_its_cycle(cover):
    # rain just below 0.75 × pan evaporation: the soil dries by 1.2e-5 mm a year and needs millions of
    # years to reach its driest limit; the equilibrium must sit there, not wherever iteration stopped
    soil = rothc.Soil(clay=23.4, depth=23.0, iom=1.0)
    climate = rothc.Forcing(
        temperature=10.0, rain=np.full(12, 30.0 - 1e-6), evaporation=40.0, plant_cover=cover, plant_input=0.1
    )
    eq = rothc.equilibrium(soil, climate)
    smd_max, _, smd_bare = rothc.moisture_thresholds(23.4, 23.0)
    assert eq.smd[0] == (smd_max if cover else smd_bare)
    year = rothc.run(soil, climate, eq, output="final").final
    assert year.smd[0] == eq.smd[0]
    np.testing.assert_allclose(year.pools, eq.pools, rtol=1e-12)
