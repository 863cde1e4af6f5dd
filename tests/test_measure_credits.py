"""Scheme profiles, the credit chain and model validation."""

import json

import numpy as np
import pytest
from scipy import stats

from permille.measure import credits, schemes
from permille.measure.validation import validate
from tests.conftest import shared_path


def _example():
    data = json.loads(shared_path("reference/mrv/sampling_statistics_examples.json").read_text())
    s = data["outputs"]["stsi"]
    area = sum(data["inputs"]["area_ha"].values())
    return data["outputs"], credits.ChangeEstimate("project", "2026–2031", area, s["mean"], s["se"], s["df"])


def test_shipped_profiles_load_and_cite_their_sources():
    profiles = schemes.builtin_profiles()
    assert set(profiles) == {"vm0042", "au-soil-carbon", "label-bas-carbone", "4p1000"}
    for p in profiles.values():
        assert p.follows and p.simplifies and p.crediting_period_years > 0
    assert profiles["vm0042"].uncertainty.probability == pytest.approx(2 / 3)
    assert profiles["au-soil-carbon"].uncertainty.probability == 0.60
    assert not profiles["label-bas-carbone"].verified


@pytest.mark.parametrize(
    ("scheme", "bound_key"), [("vm0042", "poe667_lower_bound"), ("au-soil-carbon", "poe60_lower_bound")]
)
def test_credit_chain_by_hand_with_the_poe_rule(scheme, bound_key):
    expected, estimate = _example()
    profile = schemes.profile(scheme)
    (line,) = credits.credit_chain([estimate], profile)
    kept = expected[bound_key]
    assert line.conservative_t_c_ha == pytest.approx(kept, rel=1e-9)
    assert line.gross_t_co2e == pytest.approx(0.85 * 200 * 44 / 12, rel=1e-12)
    after = kept * 200 * 44 / 12
    assert line.after_uncertainty_t_co2e == pytest.approx(after, rel=1e-9)
    assert line.uncertainty_deduction_t_co2e == pytest.approx(line.gross_t_co2e - after, rel=1e-9)
    leak = after * profile.leakage_pct / 100
    buffer = (after - leak) * profile.buffer_pct / 100
    assert line.buffer_t_co2e == pytest.approx(buffer, rel=1e-12)
    assert line.issuable_t_co2e == pytest.approx(after - leak - buffer, rel=1e-12)
    if scheme == "vm0042":  # the VM0042 deduction fraction of the worked example
        assert 1 - line.conservative_t_c_ha / line.mean_t_c_ha == pytest.approx(
            expected["vm0042_UNC_fraction"]
        )


def test_credit_chain_with_the_ci90_rule_and_leakage():
    expected, estimate = _example()
    (line,) = credits.credit_chain([estimate], schemes.profile("label-bas-carbone"))
    assert 1 - line.conservative_t_c_ha / 0.85 == pytest.approx(
        expected["ci90_halfwidth_pct"] / 100, rel=1e-9
    )
    (line,) = credits.credit_chain([estimate], schemes.profile("4p1000"))
    assert line.leakage_t_co2e == pytest.approx(0.05 * line.after_uncertainty_t_co2e)
    assert line.buffer_t_co2e == pytest.approx(0.20 * line.after_leakage_t_co2e)


def test_no_credits_for_a_loss_or_an_uncertain_gain():
    profile = schemes.profile("vm0042")
    loss = credits.ChangeEstimate("A", "p1", 10.0, -0.5, 0.1, 10)
    noisy = credits.ChangeEstimate("B", "p1", 10.0, 0.1, 1.0, 3)
    for line in credits.credit_chain([loss, noisy], profile):
        assert line.conservative_t_c_ha == 0.0 and line.issuable_t_co2e == 0.0 and line.buffer_t_co2e == 0.0
    with pytest.raises(ValueError, match="area_ha = -1.0 must be > 0"):
        credits.ChangeEstimate("C", "p1", -1.0, 0.1, 0.1, 3)


def test_bad_profiles_and_unknown_schemes_are_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: x\nversion: '1'\nfollows: []\nsimplifies: [a]\ncrediting_period_years: 0\n"
                   "uncertainty: {rule: poe}\nleakage_pct: 120\nbuffer_pct: 10\n"
                   "sampling: {min_samples_per_stratum: 3, min_depth_cm: 30, max_remeasurement_interval_years: 5}\n"
                   "model_validation: {required_for_models: true, bias_test: vmd0053, alpha: 0.1}\n")  # fmt: skip
    with pytest.raises(ValueError) as info:
        schemes.load_profile(bad)
    text = str(info.value)
    for field in ("follows", "crediting_period_years", "uncertainty", "leakage_pct"):
        assert field in text
    with pytest.raises(ValueError, match="unknown scheme 'verra'"):
        schemes.profile("verra")


def test_validation_statistics_by_hand():
    observed = np.array([30.0, 32.0, 35.0, 40.0, 45.0])
    predicted = observed + np.array([1.0, -1.0, 2.0, 0.0, 1.0])
    v = validate(predicted, observed)
    assert v.n == 5 and v.bias == pytest.approx(0.6)
    assert v.rmse == pytest.approx(np.sqrt((1 + 1 + 4 + 0 + 1) / 5))
    assert v.efficiency == pytest.approx(1 - 7 / np.sum((observed - observed.mean()) ** 2))
    ref = stats.ttest_1samp(predicted - observed, 0.0)
    assert (v.t, v.p) == pytest.approx((ref.statistic, ref.pvalue))
    assert v.passes_bias_test and v.bias_low < 0 < v.bias_high
    biased = validate(observed + 3.0 + np.array([0.1, -0.1, 0.2, 0.0, -0.2]), observed)
    assert not biased.passes_bias_test and biased.p < 0.10
    with pytest.raises(ValueError, match="4 predictions for 5 observations"):
        validate(predicted[:4], observed)
