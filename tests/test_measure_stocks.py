"""Fixed-depth and core-mass stocks, SOM → SOC, unit conversions, harmonisation and input checks."""

import numpy as np
import pandas as pd
import pytest

from permille.measure.stocks import (
    GLOBALSOILMAP_INTERVALS,
    TOPSOIL_0_30,
    core_mass_stock,
    fine_earth_bulk_density,
    fixed_depth_stock,
    g_cm2_to_t_ha,
    harmonise,
    layer_problems,
    layer_stocks,
    mass_per_area,
    soc_from_som,
    validate_layers,
)
from tests.conftest import shared_path


def test_fixed_depth_stock_by_hand():
    # 2 % × 1.3 g cm⁻³ × 30 cm × (1 − 0.10) = 70.2 t C/ha
    assert fixed_depth_stock(2.0, 1.3, 30.0, 0.10) == pytest.approx([70.2], rel=1e-12)
    assert fixed_depth_stock([2.0, 1.0], 1.3, 30.0) == pytest.approx([78.0, 39.0], rel=1e-12)


def test_layer_stocks_of_a_profile():
    stocks = layer_stocks([0, 10, 30], [10, 30, 50], [2.0, 1.5, 1.0], [1.2, 1.3, 1.4], [0.0, 0.1, 0.2])
    assert stocks == pytest.approx([2.0 * 1.2 * 10, 1.5 * 1.3 * 20 * 0.9, 1.0 * 1.4 * 20 * 0.8], rel=1e-12)


def test_core_mass_stock_by_hand():
    # 126.6 g of fine earth in a 100 cm³, 10 cm core: 10 cm² → 12.66 g cm⁻²; 2.31 % of it = 29.2446 t C/ha
    assert mass_per_area(126.6, volume_cm3=100.0, thickness_cm=10.0) == pytest.approx([12.66], rel=1e-12)
    assert core_mass_stock(2.31, 126.6, area_cm2=10.0) == pytest.approx([29.2446], rel=1e-12)
    assert core_mass_stock(2.31, 126.6, volume_cm3=100.0, thickness_cm=10.0) == pytest.approx(
        [29.2446], rel=1e-12
    )
    assert fine_earth_bulk_density(126.6, 100.0) == pytest.approx([1.266], rel=1e-12)
    with pytest.raises(ValueError, match="area_cm2, or volume_cm3"):
        mass_per_area(126.6, area_cm2=10.0, volume_cm3=100.0, thickness_cm=10.0)
    with pytest.raises(ValueError, match="SOC_pct = 120"):
        core_mass_stock(120.0, 126.6, area_cm2=10.0)


def test_core_mass_and_fixed_depth_stocks_agree_on_cumbria_cores():
    """The same cores two ways: SOC × fine mass per area, and SOC × fine-earth BD (per total volume) × depth."""
    cores = pd.read_csv(shared_path("reference/mrv/esm-cumbria-hedgerows/Cumbria_Hedgerows.csv"))
    cores = cores.dropna(subset=["fine_mass_g", "soc_perc"])
    thickness = cores.depth_at_bottom_cm - cores.depth_at_top_cm
    by_mass = core_mass_stock(
        cores.soc_perc, cores.fine_mass_g, volume_cm3=cores.total_volume_cm3, thickness_cm=thickness
    )
    bd = fine_earth_bulk_density(cores.fine_mass_g, cores.total_volume_cm3)
    assert len(cores) > 100
    assert by_mass == pytest.approx(fixed_depth_stock(cores.soc_perc, bd, thickness), rel=1e-12)
    with pytest.raises(ValueError, match="fine mass"):
        mass_per_area([126.6, np.nan], area_cm2=10.0)


def test_soc_from_som():
    assert soc_from_som([10.0, 1.724]) == pytest.approx([5.8, 0.99992], rel=1e-12)
    assert soc_from_som(10.0, factor=0.5) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="factor"):
        soc_from_som(10.0, factor=1.724)


def test_soc_from_som_reproduces_the_von_haden_examples():
    """The example cores' SOC was made from their SOM with the van Bemmelen factor."""
    samples = pd.read_csv(shared_path("reference/mrv/esm-von-haden-example/a_temporal_paired.csv"))
    assert soc_from_som(samples.SOM_pct) == pytest.approx(samples.SOC_pct.to_numpy(), rel=1e-9)


def test_unit_conversions():
    assert g_cm2_to_t_ha(1.0) == pytest.approx(100.0)
    # the stock formula's unit factor: % × g cm⁻³ × cm = 0.01 g cm⁻²
    assert g_cm2_to_t_ha(2.0 / 100 * 1.3 * 30) == pytest.approx(fixed_depth_stock(2.0, 1.3, 30.0)[0])


PROFILE = ([0, 10, 25, 40], [10, 25, 40, 80], [30.0, 24.0, 12.0, 20.0])  # cm, cm, t C/ha


def test_harmonise_to_0_30_by_hand_and_preserving_the_total():
    upper, lower, stock = PROFILE
    assert harmonise(upper, lower, stock, TOPSOIL_0_30) == pytest.approx([30 + 24 + 12 * 5 / 15])
    assert harmonise(upper, lower, stock, [(0, 80)]) == pytest.approx([sum(stock)])
    fine = harmonise(upper, lower, stock, GLOBALSOILMAP_INTERVALS[:4] + ((60, 80),))
    assert fine.sum() == pytest.approx(sum(stock), rel=1e-12)
    assert fine[:3].sum() == pytest.approx(harmonise(upper, lower, stock, TOPSOIL_0_30)[0], rel=1e-12)
    assert fine[0] == pytest.approx(15.0)  # half of 0–10


def test_harmonise_refuses_uncovered_intervals():
    upper, lower, stock = PROFILE
    with pytest.raises(ValueError, match=r"100–200 cm.*the data cover 0–80 cm") as error:
        harmonise(upper, lower, stock, GLOBALSOILMAP_INTERVALS)
    assert "60–100 cm" in str(error.value) and "30–60" not in str(error.value)
    with pytest.raises(ValueError, match=r"0–30 cm.*the data cover 0–10, 20–30 cm"):
        harmonise([0, 20], [10, 30], [1.0, 1.0], TOPSOIL_0_30)
    with pytest.raises(
        ValueError, match=r"interval\(s\) 0–5 cm not covered by the layers: the data cover 5–30 cm"
    ):
        harmonise([5], [30], [1.0], [(5, 10), (0, 5)])


def test_bad_layers_are_all_named():
    problems = layer_problems(
        [0, 10, 25, 40, 60],
        [10, 30, 40, 35, 80],
        soc_pct=[np.nan, 120.0, 1.0, 1.0, -0.1],
        bd_g_cm3=[1.2, 1.3, 2.8, 0.0, 1.4],
        coarse_fraction=[0.0, 0.1, 0.2, 0.3, 1.0],
    )
    expected = [
        ("layer 0 ", "SOC_pct is NaN"),
        ("layer 1 ", "SOC_pct = 120"),
        ("layer 2 ", "Upper_cm 25 above the Lower_cm 30 of layer 1"),
        ("layer 2 ", "BD_g_cm3 = 2.8"),
        ("layer 3 ", "thickness"),
        ("layer 3 ", "BD_g_cm3 = 0"),
        ("layer 4 ", "SOC_pct = -0.1"),
        ("layer 4 ", "coarse_fraction = 1"),
    ]
    assert len(problems) == len(expected)
    for layer, field in expected:
        assert any(layer in p and field in p for p in problems), (layer, field, problems)
    with pytest.raises(ValueError, match="8 problem") as error:
        validate_layers(
            [0, 10, 25, 40, 60],
            [10, 30, 40, 35, 80],
            soc_pct=[np.nan, 120.0, 1.0, 1.0, -0.1],
            bd_g_cm3=[1.2, 1.3, 2.8, 0.0, 1.4],
            coarse_fraction=[0.0, 0.1, 0.2, 0.3, 1.0],
        )
    assert "layer 4 (60–80 cm): coarse_fraction = 1 outside [0, 1)" in str(error.value)


def test_negative_depths_and_bad_stock_inputs():
    assert any("Upper_cm = -5" in p for p in layer_problems([-5], [10]))
    assert layer_problems([0, 10], [10, 30], soc_pct=[1, 2], bd_g_cm3=2.65) == []
    with pytest.raises(ValueError, match=r"layer 1: BD_g_cm3 = 2.7.*layer 1: coarse_fraction = -0.1"):
        fixed_depth_stock([1.0, 1.0], [1.2, 2.7], 10.0, [0.0, -0.1])
    with pytest.raises(ValueError, match="layer 0: thickness_cm = 0"):
        fixed_depth_stock(1.0, 1.2, 0.0)
    with pytest.raises(ValueError, match="layer 1: stock is NaN"):
        harmonise([0, 10], [10, 30], [1.0, np.nan], TOPSOIL_0_30)
