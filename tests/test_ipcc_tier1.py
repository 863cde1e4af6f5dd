"""IPCC Tier 1 against the published tables and hand-computed cases."""

import numpy as np
import pytest

from permille.models.ipcc.categories import (
    CarbonInput,
    ClimateZone,
    GrasslandManagement,
    Guidelines,
    LandUse,
    SoilClass,
    Tillage,
)
from permille.models.ipcc.coefficients import socref, stock_change_factor
from permille.models.ipcc.tier1 import (
    DrainedLandUse,
    Draws,
    OrganicSubcategory,
    Period,
    Practice,
    check_history,
    drained_organic_ef,
    equilibria,
    stocks,
)

WTM, HAC = ClimateZone.WARM_TEMPERATE_MOIST, SoilClass.HAC
V19, V06 = Guidelines.IPCC_2019, Guidelines.IPCC_2006


@pytest.mark.parametrize(
    ("args", "version", "value", "error"),
    [  # IPCC 2019 Refinement Vol 4 Ch 2 Table 2.3 and Ch 5 Table 5.5; IPCC 2006 Table 2.3 / 5.5
        ((WTM, HAC), V19, 64.0, 5.0),
        ((ClimateZone.TROPICAL_MOIST, SoilClass.LAC), V19, 38.0, 5.0),
        ((ClimateZone.COOL_TEMPERATE_MOIST, SoilClass.SANDY), V19, 51.0, 13.0),
        ((WTM, HAC), V06, 88.0, 90.0),
        ((ClimateZone.TROPICAL_MOIST, SoilClass.LAC), V06, 47.0, 90.0),
    ],
)
def test_socref_published_values(args, version, value, error):
    c = socref(*args, version=version)
    assert (c.value, c.error_pct_95) == (value, error)
    assert c.verified and "Table 2.3" in c.source


@pytest.mark.parametrize(
    ("factor", "land_use", "zone", "kw", "version", "value"),
    [
        ("FLU", LandUse.CROPLAND, WTM, {}, V19, 0.69),
        ("FLU", LandUse.CROPLAND, ClimateZone.TROPICAL_MOIST, {}, V19, 0.83),
        ("FLU", LandUse.CROPLAND, ClimateZone.TROPICAL_MOIST, {}, V06, 0.48),
        ("FMG", LandUse.CROPLAND, WTM, {"tillage": Tillage.NO}, V19, 1.10),
        ("FMG", LandUse.CROPLAND, WTM, {"tillage": Tillage.NO}, V06, 1.15),
        ("FMG", LandUse.CROPLAND, ClimateZone.WARM_TEMPERATE_DRY, {"tillage": Tillage.REDUCED}, V19, 0.99),
        ("FI", LandUse.CROPLAND, WTM, {"carbon_input": CarbonInput.HIGH_WITH_MANURE}, V19, 1.44),
        ("FI", LandUse.CROPLAND, WTM, {"carbon_input": CarbonInput.LOW}, V19, 0.92),
        ("FMG", LandUse.GRASSLAND, WTM, {"grazing": GrasslandManagement.SEVERELY_DEGRADED}, V19, 0.70),
        ("FMG", LandUse.GRASSLAND, WTM, {"grazing": GrasslandManagement.HIGH_INTENSITY_GRAZING}, V19, 0.90),
        ("FMG", LandUse.GRASSLAND, WTM, {"grazing": GrasslandManagement.HIGH_INTENSITY_GRAZING}, V06, 0.95),
        (
            "FMG",
            LandUse.GRASSLAND,
            ClimateZone.TROPICAL_WET,
            {"grazing": GrasslandManagement.IMPROVED},
            V19,
            1.17,
        ),
        (
            "FI",
            LandUse.GRASSLAND,
            WTM,
            {"grazing": GrasslandManagement.IMPROVED, "carbon_input": CarbonInput.HIGH},
            V19,
            1.11,
        ),
        (
            "FI",
            LandUse.GRASSLAND,
            WTM,
            {"grazing": GrasslandManagement.NOMINAL, "carbon_input": CarbonInput.HIGH},
            V19,
            1.0,
        ),
        ("FLU", LandUse.NATIVE, WTM, {}, V19, 1.0),
        ("FMG", LandUse.SET_ASIDE, WTM, {"tillage": Tillage.NO}, V19, 1.0),
    ],
)
def test_stock_change_factors_published_values(factor, land_use, zone, kw, version, value):
    assert stock_change_factor(factor, land_use, zone, version=version, **kw).value == value


def test_unverified_rows_say_so():
    c = stock_change_factor("FLU", LandUse.PERENNIAL_CROP, ClimateZone.TROPICAL_MOIST)
    assert not c.verified and c.note.startswith("UNVERIFIED")
    assert stock_change_factor("FLU", LandUse.PERENNIAL_CROP, WTM).verified
    on_site, doc = drained_organic_ef(DrainedLandUse.GRASSLAND, ClimateZone.TROPICAL_WET)
    assert (on_site.value, on_site.verified) == (9.6, False) and "from memory" in on_site.note


def test_unknown_categories_and_missing_rows_are_clear():
    with pytest.raises(ValueError, match="'mediterranean'"):
        socref("mediterranean", HAC)
    with pytest.raises(LookupError, match="no SOCref for spodic soils in the tropical dry zone"):
        socref(ClimateZone.TROPICAL_DRY, SoilClass.SPODIC)
    with pytest.raises(ValueError, match="improved grassland takes carbon input"):
        stock_change_factor(
            "FI", LandUse.GRASSLAND, WTM, grazing=GrasslandManagement.IMPROVED, carbon_input=CarbonInput.LOW
        )


def _history(*periods):
    return [Period(year, Practice(LandUse.CROPLAND, **kw)) for year, kw in periods]


def test_a_single_change_ramps_linearly_over_20_years():
    history = _history((1990, {}), (2020, {"tillage": Tillage.NO}))
    eq = equilibria(history, WTM, HAC, V19, Draws())
    np.testing.assert_allclose(eq[:, 0], [64 * 0.69, 64 * 0.69 * 1.10])
    years = np.arange(2018, 2045)
    soc = stocks(history, eq, years)[:, 0]
    expected = 44.16 + 4.416 * np.clip((years + 1 - 2020) / 20, 0, 1)
    np.testing.assert_allclose(soc, expected, rtol=1e-12)
    assert np.diff(soc)[years[1:] == 2025][0] == pytest.approx(4.416 / 20)  # 0.2208 t C/ha/yr


def test_a_second_change_before_20_years_stacks_on_the_first():
    history = _history(
        (1990, {}),
        (2020, {"tillage": Tillage.NO}),
        (2030, {"tillage": Tillage.NO, "carbon_input": CarbonInput.HIGH_WITH_MANURE}),
    )
    eq = equilibria(history, WTM, HAC, V19, Draws())[:, 0]
    a, b, c = 64 * 0.69, 64 * 0.69 * 1.10, 64 * 0.69 * 1.10 * 1.44
    np.testing.assert_allclose(eq, [a, b, c])
    soc = dict(zip(range(2019, 2056), stocks(history, eq[:, None], np.arange(2019, 2056))[:, 0], strict=True))
    # by hand: end of 2035 = a + (b − a)·16/20 + (c − b)·6/20; 2039: first ramp complete; 2049: both
    assert soc[2035] == pytest.approx(a + (b - a) * 16 / 20 + (c - b) * 6 / 20, rel=1e-12)
    assert soc[2039] == pytest.approx(b + (c - b) * 10 / 20, rel=1e-12)
    assert soc[2049] == pytest.approx(c, rel=1e-12) and soc[2055] == pytest.approx(c, rel=1e-12)
    # a change back before the end of a ramp
    back = _history((1990, {}), (2020, {"tillage": Tillage.NO}), (2025, {}))
    s = stocks(back, equilibria(back, WTM, HAC, V19, Draws()), np.arange(2019, 2050))[:, 0]
    assert s.max() == pytest.approx(a + (b - a) * 5 / 20) and s[-1] == pytest.approx(a)


def test_land_use_change_from_native_to_cropland_and_back():
    history = [Period(2000, Practice(LandUse.NATIVE)), Period(2001, Practice(LandUse.CROPLAND))]
    soc = stocks(
        history, equilibria(history, ClimateZone.TROPICAL_MOIST, SoilClass.LAC, V19, Draws()), [2000, 2030]
    )
    np.testing.assert_allclose(soc[:, 0], [38.0, 38.0 * 0.83])


def test_history_out_of_order_is_refused():
    problems = check_history(_history((2000, {}), (2000, {}), (1990, {})), "baseline")
    assert problems == [
        "baseline: period 2 starts in 2000, not after the previous one (2000); periods must be in order",
        "baseline: period 3 starts in 1990, not after the previous one (2000); periods must be in order",
    ]
    with pytest.raises(ValueError, match="must be in order"):
        stocks(_history((2000, {}), (1990, {})), np.ones((2, 1)), [2000])


def test_monte_carlo_draws_follow_the_table_uncertainty_and_are_shared():
    draws = Draws(np.random.default_rng(1), 200_000)
    c = socref(WTM, HAC)
    d = draws(c)
    assert d is draws(c)  # the same coefficient drawn once
    assert d.mean() == pytest.approx(64.0, rel=2e-3)
    assert d.std() == pytest.approx(64.0 * 0.05 / 1.96, rel=1e-2)
    assert (np.percentile(d, 97.5) - np.percentile(d, 2.5)) / 2 / 64 == pytest.approx(0.05, rel=2e-2)


def test_drained_organic_soil_factors():
    on_site, doc = drained_organic_ef(DrainedLandUse.CROPLAND, ClimateZone.COOL_TEMPERATE_MOIST)
    assert (on_site.value, doc.value) == (7.9, 0.31)
    assert on_site.error_pct_95 == pytest.approx((9.4 - 6.5) / 2 / 7.9 * 100)
    rich, _ = drained_organic_ef(
        DrainedLandUse.GRASSLAND, WTM, OrganicSubcategory.NUTRIENT_RICH_SHALLOW_DRAINED
    )
    assert rich.value == 3.6
    with pytest.raises(LookupError, match="no single CO2 on-site factor"):
        drained_organic_ef(DrainedLandUse.GRASSLAND, WTM)
