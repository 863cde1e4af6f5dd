"""IPCC 2019 Tier 2 steady-state method: a hand computation, published numbers, and properties."""

import dataclasses
import math

import numpy as np
import pytest

from permille.models.ipcc.tier2 import (
    Tier2Parameters,
    Tier2Pools,
    Tillage,
    parameter_sources,
    run,
    steady_state,
    temperature_factor,
    water_factor,
)

# A temperate site written down for these tests (western-European-like): monthly mean temperature (°C),
# precipitation and potential evapotranspiration (mm).
TEMPERATURE = [3.0, 3.8, 6.5, 9.0, 12.8, 15.9, 18.0, 17.7, 14.9, 11.2, 6.8, 3.9]
PRECIPITATION = [70.0, 55.0, 60.0, 55.0, 65.0, 60.0, 55.0, 60.0, 60.0, 75.0, 75.0, 80.0]
PET = [10.0, 18.0, 38.0, 62.0, 92.0, 110.0, 120.0, 103.0, 66.0, 35.0, 14.0, 8.0]
SITE = dict(temperature=TEMPERATURE, precipitation=PRECIPITATION, pet=PET)
# The Refinement's default residue contents (Table 5.5b): lignin 0.073, nitrogen 0.0083 of dry matter.
CASE = dict(carbon_input=3.0, lignin=0.073, nitrogen=0.0083, sand=0.3, tillage=Tillage.FULL, **SITE)


def test_steady_state_matches_a_hand_computation():
    """Eqs 5.0B–5.0G written out with plain floats for one site under full tillage."""
    kfac_a, kfac_s, kfac_p = 7.4, 0.209, 0.00689
    f_1, f_2_full, f_3, f_5, f_6, f_7, f_8 = 0.378, 0.368, 0.455, 0.0855, 0.0504, 0.42, 0.45
    tillage_factor_full, t_max, t_opt, water_slope = 3.036, 45.0, 33.69, 1.331
    c, lignin, nitrogen, sand = 3.0, 0.073, 0.0083, 0.3

    # Eq 5.0E: mean over the months of x^0.2 exp(0.2/2.63 (1 - x^2.63)), x = (Tmax - T) / (Tmax - Topt).
    tfac = 0.0
    for t in TEMPERATURE:
        x = (t_max - t) / (t_max - t_opt)
        tfac += x**0.2 * math.exp(0.2 / 2.63 * (1.0 - x**2.63)) / 12.0
    # Eq 5.0F: 1.5 x mean of 0.2129 + slope MAPPET - 0.2413 MAPPET^2, MAPPET = min(1.25, P / PET).
    wsum = 0.0
    for p, e in zip(PRECIPITATION, PET, strict=True):
        mappet = min(1.25, p / e)
        wsum += 0.2129 + water_slope * mappet - 0.2413 * mappet * mappet
    wfac = 1.5 * wsum / 12.0
    # Eq 5.0C: f_4; Eq 5.0G: beta and alpha.
    f_4 = 1.0 - f_5 - (0.17 + 0.68 * sand)
    beta = c * (0.85 - 0.018 * (lignin / nitrogen))
    numerator = beta * f_1 + (c * (1.0 - lignin) - beta) * f_2_full + c * lignin * f_3 * (f_7 + f_6 * f_8)
    alpha = numerator / (1.0 - f_4 * f_7 - f_5 * f_8 - f_4 * f_6 * f_8)
    # Eqs 5.0B, 5.0C, 5.0D: decay rates and steady states.
    k_a = kfac_a * tfac * wfac * (0.25 + 0.75 * sand) * tillage_factor_full
    k_s = kfac_s * tfac * wfac * tillage_factor_full
    k_p = kfac_p * tfac * wfac
    active = alpha / k_a
    slow = (c * lignin * f_3 + active * k_a * f_4) / k_s
    passive = (active * k_a * f_5 + slow * k_s * f_6) / k_p

    assert float(temperature_factor(TEMPERATURE)) == pytest.approx(tfac, rel=1e-12)
    assert float(water_factor(PRECIPITATION, PET)) == pytest.approx(wfac, rel=1e-12)
    result = steady_state(**CASE)
    expected = dict(active=active, slow=slow, passive=passive, k_a=k_a, k_s=k_s, k_p=k_p, alpha=alpha)
    for name, value in expected.items():
        assert float(getattr(result, name)) == pytest.approx(value, rel=1e-12), name
    assert float(result.total) == pytest.approx(active + slow + passive, rel=1e-12)
    assert 20.0 < float(result.total) < 120.0  # a plausible 0-30 cm cropland stock


# HESTIA's own test cases for the climate factors (hestia-earth-models, test of
# ipcc2019/organicCarbonPerHa_tier_2: test_calc_annual_temperature_factors and
# test_calc_calc_annual_water_factors). The "ipcc" series are year 1959 of the IPCC Tier 2 example
# workbook (the same numbers, rounded, are in Holos' H.Core.Test/Resources/Tier2TestData.csv).
HESTIA_IPCC_TEMPERATURE = [
    *(22.71129032258065, 20.310714285714287, 19.479032258064514, 14.993333333333334),
    *(11.206451612903225, 9.055, 8.008064516129034, 11.254838709677419),
    *(11.276666666666666, 14.148387096774192, 19.980000000000004, 16.372580645161293),
]
HESTIA_IPCC_PRECIPITATION = [4.8, 23.9, 24.7, 3.6, 11.3, 11.2, 27.4, 53, 30.7, 39.3, 9.4, 41.8]
HESTIA_IPCC_PET = [253.8, 214.4, 176.6, 104.2, 62.8, 41.6, 45.6, 64.8, 91.6, 140.0, 190.0, 233.0]


@pytest.mark.parametrize(
    ("temperature", "expected", "atol"),
    [
        ([-100.0] * 12, 1.4946486e-27, 1e-34),
        ([0.0] * 12, 0.0803555, 1e-7),
        ([33.69] * 12, 1.0, 1e-12),
        ([45.0] * 12, 0.0, 0.0),
        ([50.0] * 12, 0.0, 0.0),
        (HESTIA_IPCC_TEMPERATURE, 0.4904241436936742, 1e-12),
    ],
    ids=["-100", "0", "33.69", "45", "50", "ipcc"],
)
def test_temperature_factor_hestia_cases(temperature, expected, atol):
    assert float(temperature_factor(temperature)) == pytest.approx(expected, abs=atol)


@pytest.mark.parametrize(
    ("precipitation", "pet", "expected", "atol"),
    [
        ([1.0] * 12, [10000.0] * 12, 0.3195496, 1e-7),
        ([10000.0] * 12, [1.0] * 12, 2.24942813, 1e-8),
        (HESTIA_IPCC_PRECIPITATION, HESTIA_IPCC_PET, 0.7793321739983536, 1e-12),
    ],
    ids=["1/10000", "10000/1", "ipcc"],
)
def test_water_factor_hestia_cases(precipitation, pet, expected, atol):
    assert float(water_factor(precipitation, pet)) == pytest.approx(expected, abs=atol)


def test_irrigated_months_take_the_irrigated_water_term():
    assert float(water_factor(PRECIPITATION, PET, irrigated=True)) == pytest.approx(1.5 * 0.775, rel=1e-15)
    summer = np.array([False] * 5 + [True] * 3 + [False] * 4)
    terms = [
        0.2129 + 1.331 * min(1.25, p / e) - 0.2413 * min(1.25, p / e) ** 2
        for p, e in zip(PRECIPITATION, PET, strict=True)
    ]
    expected = 1.5 * np.mean(np.where(summer, 0.775, terms))
    assert float(water_factor(PRECIPITATION, PET, irrigated=summer)) == pytest.approx(expected, rel=1e-12)


# IPCC Tier 2 example workbook, years 1970-1974, as bundled in Holos' tests (holos-aafc/Holos,
# H.Core.Test/Resources/Tier2TestData.csv for the monthly climate, outputs.csv for the results; the
# workbook prints 2-3 decimals and the monthly temperatures to 0.1 °C). Sand 0.25, lignin 0.111,
# nitrogen 0.021, full-tillage factor with f_2 = 0.368, i.e. Tillage.UNKNOWN here; the stocks of the year
# before (1969) are 0.34, 3.61 and 58.80 t C/ha (the workbook's 1970 differences).
WORKBOOK_TEMPERATURE = [
    [19.5, 21.7, 17.1, 15.9, 11.0, 10.6, 8.6, 8.1, 9.9, 13.2, 16.9, 18.6],
    [20.8, 22.6, 21.2, 17.6, 11.6, 9.4, 8.5, 8.9, 11.1, 13.0, 15.5, 18.0],
    [20.3, 21.1, 17.3, 15.7, 12.2, 9.4, 9.5, 10.1, 12.1, 14.8, 17.3, 20.0],
    [23.5, 21.2, 18.4, 15.9, 13.0, 8.5, 10.0, 10.6, 12.8, 15.1, 16.4, 20.2],
    [22.5, 19.7, 20.8, 15.0, 11.4, 9.5, 9.6, 10.2, 10.4, 13.6, 15.6, 18.4],
]
WORKBOOK_PRECIPITATION = [
    [27.0, 0.0, 7.2, 30.7, 45.1, 53.3, 48.7, 87.4, 64.3, 6.4, 26.4, 34.4],
    [5.1, 0.8, 36.8, 83.3, 77.4, 85.8, 54.3, 94.0, 75.2, 27.4, 48.8, 31.2],
    [41.9, 20.5, 0.0, 38.9, 25.0, 19.1, 73.3, 89.8, 25.5, 17.9, 20.6, 12.7],
    [15.5, 100.1, 27.4, 45.5, 28.8, 75.8, 68.9, 78.4, 63.8, 100.3, 29.0, 21.6],
    [87.4, 51.0, 54.0, 80.8, 83.2, 35.8, 110.4, 49.0, 66.6, 125.3, 4.0, 8.6],
]
WORKBOOK_PET = [
    [233.6, 244.6, 169.4, 112.8, 64.6, 55.6, 59.0, 59.2, 90.0, 157.8, 208.1, 244.8],
    [270.9, 236.7, 202.2, 113.4, 60.8, 37.1, 38.5, 56.4, 88.4, 151.3, 154.0, 229.4],
    [223.0, 214.3, 195.5, 123.6, 76.2, 62.4, 57.8, 65.6, 118.6, 160.8, 204.4, 256.8],
    [269.2, 185.6, 162.6, 113.8, 74.4, 38.0, 46.3, 61.9, 88.1, 127.5, 169.2, 211.5],
    [199.4, 159.2, 152.2, 62.4, 41.8, 35.8, 44.4, 60.2, 74.8, 100.7, 171.3, 221.8],
]
WORKBOOK_CARBON_INPUT = [3.569, 3.718, 3.096, 3.702, 3.635]
WORKBOOK = {  # columns of outputs.csv
    "tfac": [0.467, 0.489, 0.492, 0.510, 0.483],
    "wfac": [1.053, 1.322, 0.913, 1.302, 1.521],
    "alpha": [1.80, 1.88, 1.56, 1.87, 1.84],
    "k_a": [4.829, 6.351, 4.417, 6.534, 7.223],
    "k_s": [0.312, 0.410, 0.285, 0.422, 0.466],
    "k_p": [0.0034, 0.0045, 0.0031, 0.0046, 0.0051],
    "active*": [0.37, 0.30, 0.35, 0.29, 0.25],
    "slow*": [3.90, 3.09, 3.70, 2.99, 2.66],
    "passive*": [63.61, 50.39, 60.34, 48.76, 43.32],
    "active": [0.37, 0.30, 0.35, 0.29, 0.25],
    "slow": [3.70, 3.45, 3.52, 3.29, 3.00],
    "passive": [58.82, 58.78, 58.78, 58.74, 58.66],
    "total": [62.89, 62.52, 62.66, 62.32, 61.91],
}
WORKBOOK_SITE = dict(lignin=0.111, nitrogen=0.021, sand=0.25, tillage=Tillage.UNKNOWN)


def test_ipcc_example_workbook_factors_and_steady_states():
    """The five years as five columns of one vectorised steady-state call."""
    climate = dict(
        temperature=np.transpose(WORKBOOK_TEMPERATURE),
        precipitation=np.transpose(WORKBOOK_PRECIPITATION),
        pet=np.transpose(WORKBOOK_PET),
    )
    tfac = temperature_factor(climate["temperature"])
    wfac = water_factor(climate["precipitation"], climate["pet"])
    np.testing.assert_allclose(tfac, WORKBOOK["tfac"], atol=1.5e-3)  # temperatures rounded to 0.1 °C
    np.testing.assert_allclose(wfac, WORKBOOK["wfac"], atol=1e-3)
    result = steady_state(carbon_input=WORKBOOK_CARBON_INPUT, **WORKBOOK_SITE, **climate)
    np.testing.assert_allclose(result.alpha, WORKBOOK["alpha"], atol=6e-3)
    np.testing.assert_allclose(result.k_a, WORKBOOK["k_a"], rtol=2e-3)
    np.testing.assert_allclose(result.k_s, WORKBOOK["k_s"], atol=1e-3)
    np.testing.assert_allclose(result.k_p, WORKBOOK["k_p"], atol=1e-4)
    np.testing.assert_allclose(result.active, WORKBOOK["active*"], atol=6e-3)
    np.testing.assert_allclose(result.slow, WORKBOOK["slow*"], rtol=3e-3, atol=5e-3)
    np.testing.assert_allclose(result.passive, WORKBOOK["passive*"], rtol=3e-3)


def test_ipcc_example_workbook_yearly_stocks():
    result = run(
        carbon_input=WORKBOOK_CARBON_INPUT,
        temperature=WORKBOOK_TEMPERATURE,
        precipitation=WORKBOOK_PRECIPITATION,
        pet=WORKBOOK_PET,
        initial=Tier2Pools(active=0.34, slow=3.61, passive=58.80),
        **WORKBOOK_SITE,
    )
    assert result.active.shape == (5, 1)
    for name in ("active", "slow", "passive", "total"):
        np.testing.assert_allclose(
            getattr(result, name)[:, 0], WORKBOOK[name], rtol=2e-3, atol=5e-3, err_msg=name
        )


def test_steady_state_balances_the_pool_fluxes():
    """At steady state each pool's decay equals its inflows (the transfers of Eqs 5.0B-5.0D and 5.0G)."""
    p = Tier2Parameters.default()
    c, lignin, nitrogen, sand = CASE["carbon_input"], CASE["lignin"], CASE["nitrogen"], CASE["sand"]
    s = steady_state(**CASE)
    f_4 = 1.0 - p.f_5 - (0.17 + 0.68 * sand)
    beta = c * (0.85 - 0.018 * lignin / nitrogen)
    litter_to_active = beta * p.f_1 + (c * (1 - lignin) - beta) * p.f_2_full_tillage
    decay_a, decay_s, decay_p = s.k_a * s.active, s.k_s * s.slow, s.k_p * s.passive
    assert decay_a == pytest.approx(litter_to_active + p.f_7 * decay_s + p.f_8 * decay_p, rel=1e-12)
    assert decay_s == pytest.approx(c * lignin * p.f_3 + f_4 * decay_a, rel=1e-12)
    assert decay_p == pytest.approx(p.f_5 * decay_a + p.f_6 * decay_s, rel=1e-12)


def test_steady_state_is_linear_in_carbon_input():
    one, two = steady_state(**CASE), steady_state(**{**CASE, "carbon_input": 6.0})
    for name in ("active", "slow", "passive", "alpha"):
        assert float(getattr(two, name)) == pytest.approx(2 * float(getattr(one, name)), rel=1e-12)
    for name in ("k_a", "k_s", "k_p"):
        assert float(getattr(two, name)) == float(getattr(one, name))


def test_less_tillage_raises_the_steady_state():
    totals = [
        float(steady_state(**{**CASE, "tillage": t}).total)
        for t in (Tillage.FULL, Tillage.REDUCED, Tillage.NO)
    ]
    assert totals[0] < totals[1] < totals[2]


def test_run_from_the_steady_state_stays_there():
    years = 30
    expected = steady_state(**CASE)
    yearly = {**CASE, "carbon_input": np.full(years, 3.0)}
    for initial in (None, Tier2Pools(active=expected.active, slow=expected.slow, passive=expected.passive)):
        result = run(**yearly, initial=initial)
        for name in ("active", "slow", "passive", "total", "k_a", "alpha"):
            np.testing.assert_allclose(
                getattr(result, name), np.full((years, 1), getattr(expected, name)), rtol=1e-12
            )


def test_run_moves_each_pool_by_min_one_k_of_the_gap():
    """Eqs 5.0B-5.0D part 1 for one year, by hand; the active pool (k_a > 1) lands on its steady state."""
    target = steady_state(**CASE)
    start = Tier2Pools(active=0.5, slow=10.0, passive=40.0)
    result = run(**{**CASE, "carbon_input": [3.0]}, initial=start)
    assert float(target.k_a) > 1.0
    assert result.active[0, 0] == pytest.approx(float(target.active), rel=1e-12)
    for name, k in (("slow", target.k_s), ("passive", target.k_p)):
        old = getattr(start, name)
        assert getattr(result, name)[0, 0] == pytest.approx(
            old + (float(getattr(target, name)) - old) * float(k), rel=1e-12
        )


def test_switch_to_no_tillage_builds_up_soc():
    tillage = [Tillage.FULL] * 10 + [Tillage.NO] * 20
    result = run(**{**CASE, "carbon_input": np.full(30, 3.0), "tillage": tillage})
    full = float(steady_state(**CASE).total)
    np.testing.assert_allclose(result.total[:10, 0], full, rtol=1e-12)
    assert np.all(np.diff(result.total[9:, 0]) > 0)
    assert result.total[-1, 0] < float(steady_state(**{**CASE, "tillage": Tillage.NO}).total)


def _site_inputs():
    rng = np.random.default_rng(7)
    n = 4
    inputs = dict(
        carbon_input=np.array([1.5, 3.0, 4.2, 6.0]),
        lignin=np.array([0.05, 0.073, 0.12, 0.2]),
        nitrogen=np.array([0.006, 0.0083, 0.02, 0.015]),
        sand=np.array([0.1, 0.3, 0.55, 0.9]),
        tillage=[Tillage.FULL, Tillage.REDUCED, Tillage.NO, Tillage.UNKNOWN],
        temperature=np.array(TEMPERATURE)[:, None] + rng.uniform(-4, 8, (12, n)),
        precipitation=np.array(PRECIPITATION)[:, None] * rng.uniform(0.3, 2.0, (12, n)),
        pet=np.array(PET)[:, None] * rng.uniform(0.8, 1.5, (12, n)),
        irrigated=rng.random((12, n)) < 0.2,
    )
    return inputs, Tier2Parameters.default().sample(rng, n)


def _column(inputs, params, i):
    one = {k: (v[i] if np.ndim(v) == 1 or k == "tillage" else np.asarray(v)[:, i]) for k, v in inputs.items()}
    scalar = Tier2Parameters(
        **{f.name: float(getattr(params, f.name)[i]) for f in dataclasses.fields(params)}
    )
    return one, scalar


def test_vectorised_steady_state_equals_single_calls():
    inputs, params = _site_inputs()
    many = steady_state(**inputs, params=params)
    assert many.active.shape == (4,)
    for i in range(4):
        one, scalar = _column(inputs, params, i)
        single = steady_state(**one, params=scalar)
        for f in dataclasses.fields(single):
            assert getattr(many, f.name)[i] == pytest.approx(float(getattr(single, f.name)), rel=1e-13), (
                f.name,
                i,
            )


def test_vectorised_run_equals_single_runs():
    inputs, params = _site_inputs()
    years = 6
    yearly = {k: v for k, v in inputs.items() if k != "tillage"}
    yearly["carbon_input"] = np.outer(np.linspace(0.8, 1.3, years), inputs["carbon_input"])
    for name in ("lignin", "nitrogen"):  # per-site yearly inputs are (Y, N)
        yearly[name] = np.broadcast_to(inputs[name], (years, 4))
    tillage = [Tillage.FULL, Tillage.FULL, Tillage.NO, Tillage.NO, Tillage.REDUCED, Tillage.UNKNOWN]
    many = run(**yearly, tillage=tillage, params=params)
    assert many.total.shape == (years, 4)
    for i in range(4):
        one = {k: (v[i] if np.ndim(v) == 1 else np.asarray(v)[:, i]) for k, v in yearly.items()}
        _, scalar = _column(inputs, params, i)
        single = run(**one, tillage=tillage, params=scalar)
        np.testing.assert_allclose(many.total[:, i], single.total[:, 0], rtol=1e-13)
        np.testing.assert_allclose(many.slow[:, i], single.slow[:, 0], rtol=1e-13)


def test_run_repeats_a_single_year_of_climate():
    years, n = 4, 3
    carbon = np.full((years, n), 2.5)
    temperature = np.array(TEMPERATURE)[:, None] + np.array([-2.0, 0.0, 3.0])
    common = dict(carbon_input=carbon, lignin=0.073, nitrogen=0.0083, sand=0.4, tillage=Tillage.REDUCED)
    repeated = run(**common, temperature=temperature, precipitation=PRECIPITATION, pet=PET)
    explicit = run(
        **common,
        temperature=np.broadcast_to(temperature, (years, 12, n)),
        precipitation=np.tile(PRECIPITATION, (years, 1)),
        pet=np.tile(PET, (years, 1)),
    )
    np.testing.assert_array_equal(repeated.total, explicit.total)


def test_temperature_factor_broadcasts_over_parameter_draws():
    params = Tier2Parameters.default().sample(np.random.default_rng(3), 5)
    factors = temperature_factor(TEMPERATURE, params)
    assert factors.shape == (5,)
    for i in range(5):
        one = dataclasses.replace(
            Tier2Parameters.default(), optimum_temperature=params.optimum_temperature[i]
        )
        assert factors[i] == pytest.approx(float(temperature_factor(TEMPERATURE, one)), rel=1e-14)


def test_default_parameters_are_the_packaged_table():
    p = Tier2Parameters.default()
    assert (p.active_decay_factor, p.slow_decay_factor, p.passive_decay_factor) == (7.4, 0.209, 0.00689)
    assert (p.f_2_full_tillage, p.f_2_unknown_tillage, p.tillage_factor_full_tillage) == (0.368, 0.368, 3.036)
    assert (p.maximum_temperature, p.optimum_temperature, p.water_factor_slope) == (45.0, 33.69, 1.331)


# sd, min and max of the parameters drawn by sample() (the packaged table).
DRAWN = {
    "slow_decay_factor": (0.058, 0.3),
    "passive_decay_factor": (0.005, 0.01),
    "f_1": (0.01, 0.8),
    "f_2_full_tillage": (0.007, 0.5),
    "f_2_reduced_tillage": (0.007, 0.5),
    "f_2_no_tillage": (0.007, 0.5),
    "f_2_unknown_tillage": (0.007, 0.5),
    "f_3": (0.1, 0.8),
    "f_5": (0.037, 0.1),
    "f_6": (0.02, 0.19),
    "tillage_factor_full_tillage": (1.4, 4.0),
    "tillage_factor_reduced_tillage": (1.0, 3.0),
    "optimum_temperature": (30.7, 35.34),
    "water_factor_slope": (0.8, 2.0),
}


def test_sample_respects_bounds_and_is_reproducible():
    default = Tier2Parameters.default()
    n = 20_000
    first = default.sample(np.random.default_rng(42), n)
    again = default.sample(np.random.default_rng(42), n)
    other = default.sample(np.random.default_rng(43), n)
    for f in dataclasses.fields(first):
        values = getattr(first, f.name)
        assert values.shape == (n,)
        np.testing.assert_array_equal(values, getattr(again, f.name))
        if f.name in DRAWN:
            low, high = DRAWN[f.name]
            assert values.min() >= low and values.max() <= high, f.name
            assert not np.any((values == low) | (values == high)), f.name  # resampled, not clipped
            assert not np.array_equal(values, getattr(other, f.name))
        else:
            assert np.all(values == getattr(default, f.name)), f.name
    assert first.f_1.mean() == pytest.approx(0.378, abs=0.003)  # bounds far away: mean stays put


def test_sample_draws_feed_the_model():
    params = Tier2Parameters.default().sample(np.random.default_rng(1), 200)
    result = steady_state(**CASE, params=params)
    assert result.total.shape == (200,)
    assert np.all(np.isfinite(result.total)) and np.all(result.total > 0)
    assert np.ptp(result.total) > 1.0


def test_bad_inputs_are_all_reported():
    bad_pet = np.array(PET)
    bad_pet[3] = 0.0
    bad_precipitation = np.array(PRECIPITATION)
    bad_precipitation[5] = np.nan
    with pytest.raises(ValueError) as caught:
        steady_state(
            carbon_input=[-1.0, 2.0],
            lignin=[0.5, 1.2],
            nitrogen=[np.nan, 0.01],
            sand=1.5,
            tillage="ploughed",
            temperature=TEMPERATURE,
            precipitation=bad_precipitation,
            pet=bad_pet,
        )
    message = str(caught.value)
    for expected in (
        "carbon_input[0]",
        "lignin[1]",
        "nitrogen[0]",
        "sand = 1.5",
        "tillage:",
        "precipitation[5]",
        "pet[3]",
    ):
        assert expected in message, expected
    assert "carbon_input[1]" not in message and "lignin[0]" not in message


def test_mismatched_shapes_are_reported():
    with pytest.raises(ValueError, match="mismatched shapes"):
        steady_state(**{**CASE, "carbon_input": [1.0, 2.0, 3.0], "lignin": [0.1, 0.2]})
    with pytest.raises(ValueError, match=r"temperature: shape \(11,\)"):
        steady_state(**{**CASE, "temperature": TEMPERATURE[:11]})
    with pytest.raises(ValueError, match="tillage: 2 values for 3 years") as caught:
        run(
            **{
                **CASE,
                "carbon_input": [3.0, 3.0, 3.0],
                "tillage": [Tillage.NO, Tillage.NO],
                "pet": np.ones((2, 12)),
            }
        )
    assert "pet: shape (2, 12)" in str(caught.value)


def test_f2_is_table_5_5a_one_value_for_every_tillage_drawn_once():
    """Issue 23 point 10: the Refinement's Table 5.5a gives one stabilisation efficiency f2 = 0.368 (sd
    0.0998, 0.007-0.5) whatever the tillage (Holos' transcription; the IPCC example workbook uses it);
    HESTIA's 0.455 / 0.477 / 0.5 come from the IPCC spreadsheet without statistics and are not the default."""
    p = Tier2Parameters.default()
    f2 = (p.f_2_full_tillage, p.f_2_reduced_tillage, p.f_2_no_tillage, p.f_2_unknown_tillage)
    assert f2 == (0.368,) * 4
    draws = p.sample(np.random.default_rng(5), 1000)
    np.testing.assert_array_equal(draws.f_2_full_tillage, draws.f_2_no_tillage)
    np.testing.assert_array_equal(draws.f_2_reduced_tillage, draws.f_2_unknown_tillage)
    # SD of a normal(0.368, 0.0998) truncated to [0.007, 0.5]: sigma² (1 + (a φ(a) − b φ(b)) / Z − m²)
    lo, hi = (0.007 - 0.368) / 0.0998, (0.5 - 0.368) / 0.0998

    def phi(x):
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    z = (math.erf(hi / math.sqrt(2)) - math.erf(lo / math.sqrt(2))) / 2
    m = (phi(lo) - phi(hi)) / z
    sd = 0.0998 * math.sqrt(1 + (lo * phi(lo) - hi * phi(hi)) / z - m * m)
    assert draws.f_2_full_tillage.std() == pytest.approx(sd, rel=0.08)  # 1000 draws: SE of an SD ≈ 2.2 %
    source = parameter_sources()["f_2_full_tillage"]
    assert source["table"] == "IPCC 2019 Vol 4 Ch 5 Table 5.5a" and source["page"] == "5.31"
    assert "0.368" in source["verification"]
    # the same site under full and no tillage now differs only by the tillage factor on k_a and k_s
    full = steady_state(**CASE)
    none = steady_state(**{**CASE, "tillage": Tillage.NO})
    assert float(full.alpha) == pytest.approx(float(none.alpha), rel=1e-15)


def test_every_parameter_cites_its_table_and_page_and_says_how_far_it_was_verified():
    """Issue 23 point 10: Table 5.5a is on p. 5.31 and Table 5.5b on p. 5.32 of the Refinement's Vol 4 Ch 5,
    as the Gold Standard cover-crop module 402.6 (Table 6-01) cites them, 5.5b also as HESTIA's code does;
    each row names the copy its page was read in and that the Refinement itself was not seen."""
    sources = parameter_sources()
    assert set(sources) == {f.name for f in dataclasses.fields(Tier2Parameters)}
    pages = {"IPCC 2019 Vol 4 Ch 5 Table 5.5a": "5.31", "IPCC 2019 Vol 4 Ch 5 Table 5.5b": "5.32"}
    for name, source in sources.items():
        assert source["page"] == pages[source["table"]], name
        assert "Gold Standard" in source["page_source"] and "Table 6-01" in source["page_source"], name
        assert f"page {source['page']}'" in source["page_source"], name  # the copy's own words
        assert "not seen" in source["page_source"], name
        assert source["verification"], name
    assert sources["default_lignin_content"]["table"].endswith("5.5b")
    assert "hestia-earth-utils" in sources["default_lignin_content"]["page_source"]
    unverified = {n for n, s in sources.items() if s["verification"].startswith("UNVERIFIED")}
    assert unverified == {"default_carbon_content", "default_nitrogen_content", "default_lignin_content"}
