"""A 0–d cm stock converted to 0–30 cm (permille.measure.depth_conversion): the bounds are the steepest
Jobbágy & Jackson (2000) exponential profile and a uniform density, computed here independently (scipy's
root finder on the same published shares); the factor is 1 at 30 cm and refused outside 20–30 cm."""

import math

import pytest
from scipy.optimize import brentq

from permille.measure import depth_conversion


def _beta(share: float) -> float:
    return brentq(lambda b: (1 - b**20) - share * (1 - b**100), 0.5, 1 - 1e-12, xtol=1e-15)


@pytest.mark.parametrize("share", [0.33, 0.42, 0.5])
def test_beta_matches_an_independent_root(share):
    assert depth_conversion.beta(share) == pytest.approx(_beta(share), abs=1e-12)


@pytest.mark.parametrize("depth", [20.0, 23.0, 27.5])
def test_factor_bounds_mean_and_sd(depth):
    steepest = _beta(max(depth_conversion.constants()["top_shares"].values()))
    low, high = (1 - steepest**30) / (1 - steepest**depth), 30 / depth
    f = depth_conversion.factor(depth)
    assert (f.low, f.high) == (pytest.approx(low, rel=1e-12), pytest.approx(high, rel=1e-12))
    assert 1 < f.low < f.mean < f.high
    assert f.mean == pytest.approx((low + high) / 2) and f.sd == pytest.approx((high - low) / math.sqrt(12))


def test_rothamsted_plough_layer_and_uncertainty():
    stock, sd = depth_conversion.to_topsoil(40.0, 2.0, 23.0)
    f = depth_conversion.factor(23.0)
    assert stock == pytest.approx(40.0 * f.mean)
    assert sd == pytest.approx(math.sqrt((2.0 * f.mean) ** 2 + (40.0 * f.sd) ** 2))
    assert depth_conversion.to_topsoil(40.0, 2.0, 30.0) == (40.0, 2.0)


@pytest.mark.parametrize("depth", [10.0, 19.9, 30.1])
def test_depths_outside_the_range_are_refused(depth):
    with pytest.raises(ValueError, match="converts to 0–30 cm only from 20–30 cm"):
        depth_conversion.factor(depth)
