"""Comparing two groups of cores by fixed depth and by equivalent soil mass."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from permille.measure.comparison import compare
from permille.measure.soildata import FRAME_COLUMNS


def _cores(group, n, bd, rng):
    """Cores of one soil whose SOC falls linearly with cumulative mass, 3 − 0.03 m % (m in g cm⁻²), at
    uniform bulk density ``bd``: a denser (compacted) group holds the same soil in less depth."""
    rows = []
    for i in range(n):
        noise = rng.uniform(0.95, 1.05)
        for upper in (0, 10, 20, 30):
            soc = (3.0 - 0.03 * bd * (upper + 5.0)) * noise  # mean over the layer's mass range
            rows.append(dict(site="S", field=group, profile=f"{group}{i}", upper_cm=upper, lower_cm=upper + 10,
                             soc_pct=soc, som_pct=np.nan, bd_g_cm3=bd))  # fmt: skip
    return rows


def _frame(compacted_bd):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(_cores("control", 8, 1.2, rng) + _cores("compacted", 8, compacted_bd, rng))
    return frame.reindex(columns=FRAME_COLUMNS)


def test_compaction_shows_in_fixed_depth_but_not_in_esm():
    result = compare(_frame(1.4), treatment="compacted", control="control", depths_cm=(30,))
    d = result.differences.set_index("method")
    assert d.loc["fixed depth", "low_t_c_ha"] > 0  # more soil in 0–30 cm looks like more carbon
    assert d.loc["ESM", "low_t_c_ha"] < 0 < d.loc["ESM", "high_t_c_ha"]  # same soil, same carbon
    assert abs(d.loc["ESM", "mean_t_c_ha"]) < 0.2 * d.loc["fixed depth", "mean_t_c_ha"]


def test_group_means_and_welch_difference_by_hand():
    frame = _frame(1.2)
    result = compare(frame, treatment="compacted", control="control", depths_cm=(20, 40), confidence=0.95)
    fd = frame[frame.lower_cm <= 40].assign(stock=lambda f: f.soc_pct * f.bd_g_cm3 * 10)  # t C/ha per layer
    per_core = fd.groupby(["field", "profile"]).stock.sum()
    a, b = per_core["compacted"].to_numpy(), per_core["control"].to_numpy()
    row = result.differences[
        (result.differences.method == "fixed depth") & (result.differences.depth_cm == 40)
    ].iloc[0]
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert row.mean_t_c_ha == pytest.approx(a.mean() - b.mean())
    assert row.mean_t_c_ha / row.se_t_c_ha == pytest.approx(welch.statistic)
    assert row.df == pytest.approx(welch.df)
    q = stats.t.ppf(0.975, welch.df)
    assert row.high_t_c_ha - row.low_t_c_ha == pytest.approx(2 * q * row.se_t_c_ha)
    cumulative = result.cumulative[
        (result.cumulative.method == "fixed depth") & (result.cumulative.depth_cm == 40)
    ]
    assert cumulative.set_index("group").loc["control", "mean_t_c_ha"] == pytest.approx(b.mean())


def test_cores_missing_values_are_left_out_and_named():
    frame = _frame(1.2)
    frame.loc[(frame.profile == "control3") & (frame.upper_cm == 10), "bd_g_cm3"] = np.nan
    result = compare(frame, treatment="compacted", control="control", depths_cm=(30,))
    assert result.dropped == ["control/control3: missing bulk density"]
    assert result.cumulative.set_index(["group", "method"]).loc[("control", "ESM"), "n"] == 7
    with pytest.raises(ValueError, match="field has no 'hedge' cores"):
        compare(frame, treatment="hedge", control="control")
