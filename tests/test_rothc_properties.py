"""Properties of the RothC engine over random soils, climates and inputs (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from permille.models import rothc


def _values(shape, lo, hi):
    return arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False, allow_infinity=False))


@st.composite
def cases(draw, months=None):
    n = draw(st.integers(1, 5))
    t = months or draw(st.integers(1, 36))
    soil = rothc.Soil(
        clay=draw(_values(n, 0, 100)), depth=draw(_values(n, 1, 100)), iom=draw(_values(n, 0, 10))
    )
    forcing = rothc.Forcing(
        temperature=draw(_values((t, n), -40, 45)),
        rain=draw(_values((t, n), 0, 1000)),
        evaporation=draw(_values((t, n), -20, 1000)),
        plant_cover=draw(arrays(np.float64, (t, n), elements=st.sampled_from([0.0, 1.0]))),
        plant_input=draw(_values((t, n), 0, 5)),
        fym=draw(_values((t, n), 0, 5)),
        dpm_rpm=draw(_values((t, n), 0.05, 5)),
        modern_percent=draw(_values((t, n), 80, 200)),
    )
    start = rothc.State(
        draw(_values((4, n), 0, 100)), np.asarray(soil.iom), np.zeros(n), draw(_values((4, n), 0, 100))
    )
    return soil, forcing, start


@settings(max_examples=150, deadline=None)
@given(cases())
def test_mass_balance_closes_every_month(case):
    soil, forcing, start = case
    r = rothc.run(soil, forcing, start)
    scale = 1.0 + r.inputs + start.active
    assert np.all(np.abs(r.mass_balance_residual()) <= 1e-12 * scale)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_no_nan_or_negative_pools_from_minus_40_to_plus_45_degrees(case):
    soil, forcing, start = case
    r = rothc.run(soil, forcing, start)
    for a in (r.pools, r.co2, r.smd, r.rm_temp, r.rm_moist, r.out_c14):
        assert np.all(np.isfinite(a))
    assert np.all(r.pools >= 0) and np.all(r.out_c14 >= 0)
    assert np.all(r.rm_temp <= 7.6) and np.all((r.rm_moist >= 0.2) & (r.rm_moist <= 1.0))
    smd_max = rothc.moisture_thresholds(soil.clay, soil.depth)[0]
    assert np.all((r.smd <= 0) & (r.smd >= smd_max - 1e-12))


@settings(max_examples=100, deadline=None)
@given(cases())
def test_a_vectorised_run_equals_each_site_run_alone(case):
    soil, forcing, start = case
    together = rothc.run(soil, forcing, start)
    for i in range(start.n_sites):
        alone = rothc.run(
            rothc.Soil(*(np.asarray(v)[i : i + 1] for v in (soil.clay, soil.depth, soil.iom))),
            rothc.Forcing(*(np.asarray(getattr(forcing, f))[:, i] for f in forcing.__dataclass_fields__)),
            rothc.State(
                start.pools[:, i : i + 1], start.iom[i : i + 1], start.smd[i : i + 1], start.c14[:, i : i + 1]
            ),
        )
        np.testing.assert_array_equal(together.out[:, :, i], alone.out[:, :, 0])
        np.testing.assert_array_equal(together.out_c14[:, :, i], alone.out_c14[:, :, 0])


@settings(max_examples=100, deadline=None)
@given(cases(months=12), st.floats(0.1, 10))
def test_equilibrium_is_a_fixed_point_linear_in_the_input(case, factor):
    soil, climate, _ = case
    warm = rothc.Forcing(**{**climate.__dict__, "temperature": np.maximum(climate.temperature, -4.0)})
    eq = rothc.equilibrium(soil, warm)
    year = rothc.run(soil, warm, eq, output="final").final
    np.testing.assert_allclose(year.pools, eq.pools, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(year.c14, eq.c14, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(year.smd, eq.smd)
    scaled = rothc.Forcing(
        **{**warm.__dict__, "plant_input": warm.plant_input * factor, "fym": warm.fym * factor}
    )
    np.testing.assert_allclose(
        rothc.equilibrium(soil, scaled).pools, eq.pools * factor, rtol=1e-10, atol=1e-13
    )


@settings(max_examples=100, deadline=None)
@given(cases(months=12), _values(5, 20, 150), st.booleans())
def test_inverse_gives_the_input_whose_equilibrium_is_the_observed_stock(case, soc, falloon):
    soil, climate, _ = case
    n = len(np.atleast_1d(soil.clay))
    soc = soc[:n]
    soil = rothc.Soil(soil.clay, soil.depth, None if falloon else np.minimum(soil.iom, 5.0))
    warm = rothc.Forcing(
        **{**climate.__dict__, "temperature": np.maximum(climate.temperature, -4.0), "fym": 0.0,
           "plant_input": climate.plant_input + 0.01}
    )  # fmt: skip
    annual, state = rothc.inputs_for_stock(soil, warm, soc)
    np.testing.assert_allclose(state.soc, soc, rtol=1e-12)
    pattern = warm.plant_input / warm.plant_input.sum(axis=0)
    again = rothc.equilibrium(soil, rothc.Forcing(**{**warm.__dict__, "plant_input": pattern * annual}))
    np.testing.assert_allclose(again.soc, soc, rtol=1e-10)
