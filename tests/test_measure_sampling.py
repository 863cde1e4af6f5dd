"""Sampling statistics against the reference examples (textbook formulas) and hand checks."""

import json

import numpy as np
import pytest
from scipy import stats

from permille.measure.sampling import (
    Estimate,
    ci_half_width_pct,
    composite_variance,
    difference,
    integer_allocation,
    lower_bound,
    mdd,
    n_for_mdd,
    neyman_allocation,
    paired_change,
    proportional_allocation,
    random_points_in_strata,
    satterthwaite_df,
    simple_estimate,
    stratified_estimate,
    t_quantile,
    uncertainty_fraction,
)
from tests.conftest import shared_path

REL = 1e-9


@pytest.fixture(scope="module")
def example() -> dict:
    return json.loads(shared_path("reference/mrv/sampling_statistics_examples.json").read_text())


@pytest.fixture(scope="module")
def estimate(example) -> Estimate:
    return stratified_estimate(example["inputs"]["diffs"], example["inputs"]["area_ha"])


# --- reference example ----------------------------------------------------------------------------------


def test_stsi_estimate(example, estimate):
    expected = example["outputs"]["stsi"]
    for field in ("mean", "var_mean", "se", "df"):
        assert getattr(estimate, field) == pytest.approx(expected[field], rel=REL), field


@pytest.mark.parametrize(("key", "probability"), [("poe60_lower_bound", 0.60), ("poe667_lower_bound", 2 / 3)])
def test_poe_lower_bounds(example, estimate, key, probability):
    bound = lower_bound(estimate, probability)
    assert bound.value == pytest.approx(example["outputs"][key], rel=REL)
    assert bound.quantile == pytest.approx(stats.t.ppf(probability, estimate.df), rel=REL)
    assert (bound.mean, bound.se, bound.df) == (estimate.mean, estimate.se, estimate.df)


def test_poe667_is_two_thirds_not_0_667(example, estimate):
    assert lower_bound(estimate, 0.667).value != pytest.approx(
        example["outputs"]["poe667_lower_bound"], rel=1e-6
    )


def test_vm0042_uncertainty_fraction(example, estimate):
    unc = uncertainty_fraction(estimate)
    assert unc.value == pytest.approx(example["outputs"]["vm0042_UNC_fraction"], rel=REL)
    assert estimate.mean * (1 - unc.value) == pytest.approx(example["outputs"]["poe667_lower_bound"], rel=REL)


def test_ci90_half_width_pct(example, estimate):
    half = ci_half_width_pct(estimate, 0.90)
    assert half.value == pytest.approx(example["outputs"]["ci90_halfwidth_pct"], rel=REL)
    assert half.probability == pytest.approx(0.95)


def test_neyman_allocation(example):
    diffs, areas = example["inputs"]["diffs"], example["inputs"]["area_ha"]
    sds = {k: float(np.std(v, ddof=1)) for k, v in diffs.items()}
    allocation = neyman_allocation(30, areas, sds)
    assert allocation == pytest.approx(example["outputs"]["neyman_n30"], rel=REL)
    assert integer_allocation(30, allocation) == {"A": 21, "B": 6, "C": 3}


def test_power(example):
    assert n_for_mdd(3.0, 4.0) == example["outputs"]["n_for_mdd_S4_mdd3"]
    assert mdd(20, 4.0) == pytest.approx(example["outputs"]["mdd_S4_n20"], rel=REL)


def test_composite_variance(example):
    expected = example["outputs"]["composite_var_sigma2_25_k10_lab1"]
    assert composite_variance(25.0, 10, lab_var=1.0) == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(("key", "probability"), [("t_0_60_large_df", 0.60), ("t_0_667_large_df", 2 / 3)])
def test_t_quantiles_large_df(example, key, probability):
    assert t_quantile(probability, 1e9) == pytest.approx(example["outputs"][key], rel=REL)
    assert t_quantile(probability, np.inf) == pytest.approx(stats.norm.ppf(probability), rel=REL)


# --- hand checks ------------------------------------------------------------------------------------------


def test_proportional_allocation_sums_to_n():
    areas = {"a": 13.0, "b": 7.5, "c": 1.2, "d": 40.0}
    real = proportional_allocation(37, areas)
    assert sum(real.values()) == pytest.approx(37)
    assert real["d"] == pytest.approx(37 * 40 / 61.7)
    whole = integer_allocation(37, areas)
    assert sum(whole.values()) == 37
    assert min(whole.values()) >= 2


def test_integer_allocation_keeps_minimum_and_reshares():
    assert integer_allocation(10, {"big": 100.0, "s1": 1.0, "s2": 1.0}) == {"big": 6, "s1": 2, "s2": 2}
    assert integer_allocation(10, {"big": 100.0, "s1": 1.0, "s2": 0.0}, minimum=3) == {
        "big": 4,
        "s1": 3,
        "s2": 3,
    }


def test_neyman_favours_the_more_variable_stratum():
    allocation = neyman_allocation(20, {"calm": 50.0, "wild": 50.0}, {"calm": 1.0, "wild": 3.0})
    assert allocation == pytest.approx({"calm": 5.0, "wild": 15.0})
    whole = integer_allocation(20, allocation)
    assert whole["wild"] > whole["calm"]


def test_neyman_minimises_stsi_variance():
    areas, sds = {"a": 10.0, "b": 30.0, "c": 60.0}, {"a": 5.0, "b": 1.0, "c": 2.0}
    total = sum(areas.values())

    def var(alloc):
        return sum((areas[k] / total) ** 2 * sds[k] ** 2 / alloc[k] for k in areas)

    assert var(neyman_allocation(30, areas, sds)) < var(proportional_allocation(30, areas))


def test_paired_change_equals_variance_of_differences():
    rng = np.random.default_rng(1)
    t0 = rng.normal(50, 8, 25)
    t1 = t0 + rng.normal(1.5, 2, 25)
    change, d = paired_change(t0, t1), t1 - t0
    assert change.mean == pytest.approx(d.mean(), rel=REL)
    assert change.var_mean == pytest.approx(d.var(ddof=1) / d.size, rel=REL)
    assert change.df == d.size - 1
    assert change.var_mean < (t0.var(ddof=1) + t1.var(ddof=1)) / d.size  # pairing pays off


def test_difference_is_welch():
    rng = np.random.default_rng(2)
    project, control = rng.normal(2.0, 3.0, 12), rng.normal(0.5, 1.0, 20)
    result = difference(simple_estimate(project), simple_estimate(control))
    welch = stats.ttest_ind(project, control, equal_var=False)
    assert result.df == pytest.approx(welch.df, rel=REL)
    assert result.mean / result.se == pytest.approx(welch.statistic, rel=REL)


def test_single_stratum_is_simple_random_sampling():
    x = [1.0, 4.0, 2.5, 3.0]
    assert stratified_estimate({"only": x}, {"only": 7.0}) == simple_estimate(x)


def test_satterthwaite_without_variance_pools_df():
    assert satterthwaite_df([0.0, 0.0], [3, 4]) == 7
    assert stratified_estimate({"a": [1.0, 1.0], "b": [2.0, 2.0, 2.0]}, {"a": 1.0, "b": 1.0}).df == 3


@pytest.mark.parametrize("sd", [0.7, 4.0, 12.0])
@pytest.mark.parametrize("target", [0.5, 3.0, 10.0])
@pytest.mark.parametrize("two_sided", [True, False])
def test_mdd_of_n_for_mdd_reaches_target(sd, target, two_sided):
    n = n_for_mdd(target, sd, two_sided=two_sided)
    assert mdd(n, sd, two_sided=two_sided) <= target
    assert n == 2 or mdd(n - 1, sd, two_sided=two_sided) > target


def test_one_sided_mdd_is_smaller():
    assert mdd(15, 4.0, two_sided=False) < mdd(15, 4.0)
    assert mdd(15, 4.0, two_sided=False) == pytest.approx(mdd(15, 4.0, alpha=0.10), rel=REL)


def test_poe_bound_decreases_with_probability(estimate):
    bounds = [lower_bound(estimate, p).value for p in (0.51, 0.6, 2 / 3, 0.8, 0.9, 0.99)]
    assert all(b > c for b, c in zip(bounds, bounds[1:], strict=False))
    assert bounds[0] < estimate.mean


def test_ci_half_width_pct_by_hand():
    est = Estimate(mean=2.0, var_mean=0.25, se=0.5, df=10.0)
    assert ci_half_width_pct(est).value == pytest.approx(100 * stats.t.ppf(0.95, 10) * 0.5 / 2.0, rel=REL)


def test_composite_averages_field_not_lab_variance():
    assert composite_variance(25.0, 1) == 25.0
    values = [composite_variance(25.0, k, lab_var=1.0) for k in (1, 5, 20, 1000)]
    assert all(b < a for a, b in zip(values, values[1:], strict=False))
    assert values[-1] > 1.0


def test_random_points_in_strata():
    bboxes = {"a": (0.0, 0.0, 10.0, 5.0), "b": (100.0, -3.0, 101.0, 3.0)}
    points = random_points_in_strata({"a": 50, "b": 7}, bboxes, np.random.default_rng(3))
    for k, (xmin, ymin, xmax, ymax) in bboxes.items():
        p = points[k]
        assert (p[:, 0] >= xmin).all() and (p[:, 0] <= xmax).all()
        assert (p[:, 1] >= ymin).all() and (p[:, 1] <= ymax).all()
    assert points["a"].shape == (50, 2) and points["b"].shape == (7, 2)
    again = random_points_in_strata({"a": 50, "b": 7}, bboxes, np.random.default_rng(3))
    assert np.array_equal(points["a"], again["a"])


# --- input checks -----------------------------------------------------------------------------------------


def test_bad_strata_are_all_named():
    values = {"A": [1.0, float("nan"), 2.0], "B": [0.5], "C": [1.0, 2.0], "D": [3.0, 4.0]}
    areas = {"A": 10.0, "B": 5.0, "C": -1.0, "E": 2.0}
    with pytest.raises(ValueError) as error:
        stratified_estimate(values, areas)
    message = str(error.value)
    for expected in (
        "stratum 'A': values: NaN at position [1]",
        "stratum 'B': values: 1 observation;",
        "stratum 'C': area_ha = -1.0",
        "stratum 'D': no area_ha given",
        "stratum 'E': area_ha given but no stratum",
    ):
        assert expected in message


@pytest.mark.parametrize("p", [0.5, 1.0, 0.3, float("nan")])
def test_probability_outside_half_to_one(estimate, p):
    with pytest.raises(ValueError, match="probability"):
        lower_bound(estimate, p)
    with pytest.raises(ValueError, match="probability"):
        uncertainty_fraction(estimate, p)


def test_other_bad_inputs_are_all_named():
    with pytest.raises(ValueError) as error:
        neyman_allocation(0, {"a": 0.0, "b": 1.0}, {"a": -1.0, "c": 1.0})
    message = str(error.value)
    for expected in (
        "n = 0",
        "stratum 'a': area_ha = 0.0",
        "stratum 'a': sd = -1.0",
        "stratum 'b': no sd",
        "'c': sd given",
    ):
        assert expected in message
    with pytest.raises(ValueError, match="fewer than 2 per stratum"):
        integer_allocation(5, {"a": 1.0, "b": 1.0, "c": 1.0})
    with pytest.raises(ValueError, match=r"sd = -1.*alpha = 1.5.*power = 0.4"):
        mdd(10, -1.0, alpha=1.5, power=0.4)
    with pytest.raises(ValueError, match="pairs must match"):
        paired_change([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="must be positive"):
        uncertainty_fraction(Estimate(mean=-1.0, var_mean=1.0, se=1.0, df=5.0))
    with pytest.raises(ValueError, match=r"count = -1.*bbox"):
        random_points_in_strata({"a": -1}, {"a": (1.0, 0.0, 0.0, 1.0)}, np.random.default_rng(0))
