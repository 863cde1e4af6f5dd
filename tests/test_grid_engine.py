"""The engine entry point the grid pipeline's forward runs use: rothc.run_years (a year as one affine map of
the pools) against the month-by-month rothc.run on the tiled climate, on random sites."""

import numpy as np
import pytest

from permille.models import rothc


@pytest.fixture(scope="module")
def sites():
    """300 random sites: −5…35 °C, arid to wet, bare and covered months, plant and manure inputs; the state
    starts off the equilibrium (scaled pools, a deficit between 0 and the cycle's), so that the deficit's
    year changes over the first years."""
    rng = np.random.default_rng(11)
    n = 300
    soil = rothc.Soil(clay=rng.uniform(5, 60, n), depth=rng.uniform(15, 40, n))
    climate = rothc.Forcing(
        temperature=rng.uniform(-5, 35, (12, n)),
        rain=rng.uniform(0, 200, (12, n)),
        evaporation=rng.uniform(0, 250, (12, n)),
        plant_cover=(rng.uniform(size=(12, n)) > 0.3).astype(float),
        plant_input=rng.uniform(0, 0.5, (12, n)),
        fym=rng.uniform(0, 0.1, (12, n)),
        dpm_rpm=rng.uniform(0.2, 1.5, (1, n)),  # one value per site for every month
    )
    eq = rothc.equilibrium(soil, climate)
    start = rothc.State(eq.pools * rng.uniform(0.3, 2.0, (4, n)), eq.iom, eq.smd * rng.uniform(0, 1, n))
    return soil, climate, start


def _tiled(climate: rothc.Forcing, years: int) -> rothc.Forcing:
    fields = ("temperature", "rain", "evaporation", "plant_cover", "plant_input", "fym")
    tiled = {f: np.tile(getattr(climate, f), (years, 1)) for f in fields}
    return rothc.Forcing(**tiled, dpm_rpm=np.broadcast_to(climate.dpm_rpm, tiled["rain"].shape))


@pytest.mark.parametrize("years", [1, 3, 25])
def test_run_years_equals_the_month_by_month_run(sites, years):
    soil, climate, start = sites
    fast = rothc.run_years(soil, climate, start, years=years)
    slow = rothc.run(soil, _tiled(climate, years), start, output="final").final
    np.testing.assert_allclose(fast.pools, slow.pools, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(fast.smd, slow.smd)  # the deficit takes the same steps
    np.testing.assert_array_equal(fast.iom, start.iom)
    assert not np.allclose(fast.pools, start.pools)


def test_run_years_from_empty_pools_and_zero_years(sites):
    soil, climate, start = sites
    bare = rothc.Soil(clay=soil.clay, depth=soil.depth, iom=0.0)
    fast = rothc.run_years(bare, climate, years=4)
    slow = rothc.run(bare, _tiled(climate, 4), output="final").final
    np.testing.assert_allclose(fast.pools, slow.pools, rtol=1e-12, atol=1e-14)
    same = rothc.run_years(soil, climate, start, years=0)
    np.testing.assert_array_equal(same.pools, start.pools)


def test_run_years_reports_its_problems(sites):
    soil, climate, start = sites
    with pytest.raises(rothc.RothCInputError) as error:
        rothc.run_years(soil, rothc.Forcing(**{**vars(climate), "modern_percent": 100.0}), start, years=-1)
    assert error.value.problems == [
        "years: -1 is not a whole number ≥ 0",
        "modern_percent: run_years does not track radiocarbon; use run()",
    ]
