"""Thornthwaite PET (permille.models.pet): the formula's fixed points and the daylight geometry."""

import numpy as np
import pytest

from permille.models.pet import DAYS_IN_MONTH, daylight_hours, thornthwaite


def test_daylight_hours():
    assert daylight_hours(0.0) == pytest.approx(np.full(12, 12.0))  # the equator
    north, south = daylight_hours(50.0), daylight_hours(-50.0)
    assert north[5] > 16 > 8 > north[11] and north + south == pytest.approx(np.full(12, 24.0))
    assert daylight_hours(70.0)[5] == 24.0 and daylight_hours(70.0)[11] == 0.0  # midnight sun, polar night


def test_thornthwaite_fixed_points():
    # a month whose temperature is a tenth of the heat index I gives 16 mm per 30 days of 12 h, whatever a
    tmp = np.array([0.0] + [20.0] * 8 + [-3.0] * 3)
    for _ in range(100):  # I depends on that month too: iterate to the fixed point T = I / 10
        tmp[0] = ((np.maximum(tmp, 0) / 5.0) ** 1.514).sum() / 10.0
    pet = thornthwaite(tmp, 0.0)
    assert pet[0] == pytest.approx(16.0 * DAYS_IN_MONTH[0] / 30.0, rel=1e-9)
    assert (pet[9:] == 0).all()  # months below 0 °C
    hot = thornthwaite(np.full(12, 28.0), 0.0)
    assert hot == pytest.approx((-415.85 + 32.24 * 28 - 0.43 * 28**2) * DAYS_IN_MONTH / 30.0)
    grid = thornthwaite(np.full((12, 2, 3), 15.0), np.array([[0.0, 30.0, 60.0]] * 2))
    assert grid.shape == (12, 2, 3) and grid[5, 0, 2] > grid[5, 0, 0]  # longer June days in the north
