"""Equivalent soil mass against the example designs and expected outputs of von Haden, Yang & DeLucia (2020,
doi:10.1111/gcb.15124), and the interpolation methods' properties."""

import numpy as np
import pandas as pd
import pytest

from permille.measure.esm import (
    LAYOUT,
    Interpolation,
    ReferenceMass,
    cumulative_profile,
    esm_core,
    esm_table,
    fixed_depth_table,
    fmm_slopes,
    hyman_filter,
    interpolate,
    reference_masses,
)
from tests.conftest import shared_path

DESIGNS = ["a_temporal_paired", "b_temporal_random", "c_comparative", "d_protocol"]
KEYS = ["Type", "ID", "Rep", "Upper_cm", "Lower_cm"]
NUMERIC = [c for c in LAYOUT if c not in ("Type", "ID", "Ref_ID", "Rep")]
ESM_DEPTHS_CM = [10, 30, 50, 100]  # the reference cores' sample boundaries, as in the authors' script


def example(name: str) -> pd.DataFrame:
    return pd.read_csv(shared_path(f"reference/mrv/esm-von-haden-example/{name}.csv"))


def expected(name: str, kind: str) -> pd.DataFrame:
    return pd.read_csv(shared_path(f"reference/mrv/esm-von-haden-example/expected/{name}__{kind}.csv"))


def authors_esm(name: str) -> pd.DataFrame:
    """The settings of the authors' outputs: R's spline(method="hyman"), extrapolation on, mean reference."""
    return esm_table(example(name), ESM_DEPTHS_CM, method=Interpolation.FMM_HYMAN, extrapolate=True)


def assert_same_table(ours: pd.DataFrame, theirs: pd.DataFrame):
    """Same rows in the same order, every numeric column within 1e-6 (g cm⁻², %, g cm⁻³)."""
    pd.testing.assert_frame_equal(ours[KEYS], theirs[KEYS], check_dtype=False)
    np.testing.assert_allclose(
        ours[NUMERIC].to_numpy(float), theirs[NUMERIC].to_numpy(float), rtol=0, atol=1e-6
    )


@pytest.mark.parametrize("name", DESIGNS)
def test_fixed_depth_reproduces_expected(name):
    ours = fixed_depth_table(example(name))
    assert_same_table(ours, expected(name, "FD"))
    assert ours.Ref_ID.isna().all()
    np.testing.assert_allclose(ours.SOC_t_ha, 100 * ours.SOC_g_cm2, rtol=1e-12)


@pytest.mark.parametrize("name", DESIGNS)
def test_esm_reproduces_expected(name):
    ours, theirs = authors_esm(name), expected(name, "ESM")
    assert_same_table(ours, theirs)
    assert (ours.Ref_ID == theirs.Ref_ID).all()
    assert (ours.Method == "fmm_hyman").all()
    np.testing.assert_allclose(ours.Cum_SOC_t_ha, 100 * ours.Cum_SOC_g_cm2, rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "n_beyond"), [("a_temporal_paired", 0), ("b_temporal_random", 2), ("d_protocol", 6)]
)
def test_extrapolation_is_flagged_where_the_reference_mass_is_beyond_the_core(name, n_beyond):
    ours, fixed = authors_esm(name), expected(name, "FD")
    deepest = fixed.groupby(["ID", "Rep"]).Cum_Min_Soil_g_cm2.max()
    beyond = (
        ours.Cum_Min_Soil_g_cm2.to_numpy() > deepest.loc[list(zip(ours.ID, ours.Rep, strict=True))].to_numpy()
    )
    assert (ours.Extrapolated.to_numpy() == beyond).all() and beyond.sum() == n_beyond
    off = esm_table(example(name), ESM_DEPTHS_CM, method=Interpolation.FMM_HYMAN)
    assert not off.Extrapolated.any()
    assert off.Cum_SOC_g_cm2[beyond].isna().all()
    np.testing.assert_allclose(off.Cum_SOC_g_cm2[~beyond], ours.Cum_SOC_g_cm2[~beyond], rtol=0, atol=1e-15)


def test_summary_stocks_in_mg_c_per_ha():
    summary = pd.read_csv(
        shared_path("reference/mrv/esm-von-haden-example/expected/summary_a_temporal_paired_Mg_C_ha.csv")
    )
    fixed, esm = fixed_depth_table(example("a_temporal_paired")), authors_esm("a_temporal_paired")
    for column, table, year in (
        ("Y0_FD_Mg_C_ha", fixed, "Y0"),
        ("Y5_FD_Mg_C_ha", fixed, "Y5"),
        ("Y5_ESM_Mg_C_ha", esm, "Y5"),
    ):
        ids = year + "_T1_P1_" + summary.station
        rows = table.set_index(["ID", "Lower_cm"]).loc[list(zip(ids, summary.depth_cm, strict=True))]
        np.testing.assert_allclose(rows.Cum_SOC_t_ha, summary[column], rtol=0, atol=5.1e-5)  # 4 decimals


def uncompacted_pairs(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cores 4–6 of each design (year Y5 or treatment T2) are cores 1–3 (Y0, T1) with 1.5 cm of surface
    compaction (metadata.csv); returns (uncompacted, compacted) rows aligned by core and depth."""
    table = table[table.ID != "PROTOCOL_1"]
    compacted = table[table.ID.str.startswith(("Y5", "T2"))].reset_index(drop=True)
    twin = compacted.ID.str.replace("Y5", "Y0").str.replace("T2", "T1")
    keyed = table.set_index(["ID", "Rep", "Lower_cm"])
    original = keyed.loc[list(zip(twin, compacted.Rep, compacted.Lower_cm, strict=True))].reset_index()
    assert len(compacted) == len(original) == 12
    return original, compacted


@pytest.mark.parametrize("name", DESIGNS)
def test_compaction_changes_fixed_depth_stocks_but_not_esm_stocks(name):
    """The authors' point: the compacted cores hold the same SOC per mineral mass, so their ESM stocks match
    the uncompacted cores' (to 1 %: what remains is the error of interpolating the cumulative curve between
    4 samples, at most 0.6 %, at 100 cm in design d where the protocol's 148 g cm⁻² is extrapolated), while
    fixed depths count the extra soil pressed into the top layer: +11–12 % at 10 cm, 3–4 % at 30 cm."""
    fixed_0, fixed_1 = uncompacted_pairs(fixed_depth_table(example(name)))
    esm_0, esm_1 = uncompacted_pairs(authors_esm(name))
    assert (fixed_1.BD_g_cm3 > fixed_0.BD_g_cm3)[fixed_1.Upper_cm == 0].all()  # the compacted cores
    fixed_change = fixed_1.Cum_SOC_g_cm2 / fixed_0.Cum_SOC_g_cm2 - 1
    esm_change = esm_1.Cum_SOC_g_cm2 / esm_0.Cum_SOC_g_cm2 - 1
    assert (esm_change.abs() < 0.01).all(), esm_change.tolist()
    assert (fixed_change[fixed_0.Lower_cm == 10] > 0.09).all()
    assert (fixed_change[fixed_0.Lower_cm == 30] > 0.03).all()
    if name != "d_protocol":  # with the cores' own (interpolated) reference masses ESM wins at every depth
        assert (esm_change.abs() < fixed_change.abs()).all()


def test_reference_masses_of_the_random_design():
    cores = example("b_temporal_random")
    reference = cores[cores.ID == "Y0_T1_P1"]
    profiles = [
        cumulative_profile(c.Upper_cm, c.Lower_cm, c.SOC_pct, c.BD_g_cm3, c.SOM_pct)
        for _, c in reference.groupby("Rep")
    ]
    at_10 = [p.mineral_g_cm2[1] for p in profiles]
    assert reference_masses(profiles, [10])[0] == pytest.approx(11.96813419, abs=1e-8)  # expected ESM file
    assert reference_masses(profiles, [10, 30], ReferenceMass.MINIMUM)[0] == pytest.approx(min(at_10))
    assert reference_masses(profiles, [10], ReferenceMass.MAXIMUM)[0] == pytest.approx(max(at_10))
    with pytest.raises(ValueError, match="no layer boundary at 20 cm"):
        reference_masses(profiles, [20])


def test_given_reference_masses_equal_a_protocol_core():
    """Design d's protocol core fixes 12, 38, 68, 148 g cm⁻²; giving these masses directly is the same."""
    cores = example("d_protocol")
    given = esm_table(
        cores.drop(columns="Ref_ID"),
        ESM_DEPTHS_CM,
        method=Interpolation.FMM_HYMAN,
        extrapolate=True,
        reference=[12.0, 38.0, 68.0, 148.0],
    )
    assert_same_table(given.assign(Type="ESM"), expected("d_protocol", "ESM"))


def test_default_esm_depths_are_the_reference_boundaries():
    cores = example("a_temporal_paired")
    default = esm_table(cores, method=Interpolation.FMM_HYMAN, extrapolate=True)
    pd.testing.assert_frame_equal(default, authors_esm("a_temporal_paired"))


def test_esm_of_a_core_on_its_own_masses_is_its_fixed_depth_stock():
    cores = example("a_temporal_paired")
    core = cores[cores.ID == "Y0_T1_P1_S2"]
    profile = cumulative_profile(core.Upper_cm, core.Lower_cm, core.SOC_pct, core.BD_g_cm3, core.SOM_pct)
    for method in Interpolation:
        result = esm_core(profile, profile.mineral_g_cm2[1:], method=method)
        np.testing.assert_allclose(result.cum_soc_g_cm2, profile.soc_g_cm2[1:], rtol=1e-13)
        np.testing.assert_allclose(result.soc_t_ha, 100 * np.diff(profile.soc_g_cm2), rtol=1e-12)
        assert result.method is method and not result.extrapolated.any()


def test_methods_agree_at_samples_and_differ_between():
    cores = example("a_temporal_paired")
    core = cores[cores.ID == "Y5_T1_P1_S3"]
    profile = cumulative_profile(core.Upper_cm, core.Lower_cm, core.SOC_pct, core.BD_g_cm3, core.SOM_pct)
    mass, soc = profile.mineral_g_cm2, profile.soc_g_cm2
    midpoints = (mass[:-1] + mass[1:]) / 2
    between = {}
    for method in Interpolation:
        at_samples, flagged = interpolate(mass, soc, mass, method)
        np.testing.assert_allclose(at_samples, soc, rtol=1e-13, atol=1e-15)
        assert not flagged.any()
        between[method] = interpolate(mass, soc, midpoints, method)[0]
    methods = list(Interpolation)
    for i, first in enumerate(methods):
        for second in methods[i + 1 :]:
            assert np.abs(between[first] - between[second]).max() > 1e-3, (first, second)


def test_extrapolation_rules():
    mass, value = np.array([0.0, 1.0, 2.0, 4.0]), np.array([0.0, 2.0, 3.0, 3.5])
    values, flagged = interpolate(mass, value, [3.0, 5.0], Interpolation.LINEAR)
    assert np.isnan(values[1]) and flagged.tolist() == [False, True]
    linear, _ = interpolate(mass, value, [5.0], Interpolation.LINEAR, extrapolate=True)
    assert linear == pytest.approx([3.75])  # the last segment's slope 0.25
    natural, _ = interpolate(
        mass, value, [4.0 + 1e-6, 5.0, 6.0], Interpolation.NATURAL_SPLINE, extrapolate=True
    )
    assert natural[2] - natural[1] == pytest.approx(natural[1] - natural[0], rel=1e-5)  # a straight line
    with pytest.raises(ValueError, match="strictly increasing"):
        interpolate([0.0, 1.0, 1.0], [0.0, 1.0, 2.0], [0.5], Interpolation.LINEAR)


def test_fmm_end_conditions_reproduce_a_cubic():
    """The FMM spline of points on a cubic is that cubic (its end conditions hold for it); the natural one is not."""
    x = np.array([0.0, 1.0, 2.5, 3.0, 4.5, 6.0])
    cubic = np.polynomial.Polynomial([1.0, -2.0, 0.5, 0.3])
    np.testing.assert_allclose(fmm_slopes(x, cubic(x)), cubic.deriv()(x), rtol=1e-12, atol=1e-12)
    grid = np.linspace(0, 6, 61)
    natural, _ = interpolate(x, cubic(x), grid, Interpolation.NATURAL_SPLINE)
    assert np.abs(natural - cubic(grid)).max() > 1e-2
    parabola = np.polynomial.Polynomial([1.0, -2.0, 0.5])
    np.testing.assert_allclose(fmm_slopes(x[:3], parabola(x[:3])), parabola.deriv()(x[:3]), rtol=1e-12)
    assert fmm_slopes([0.0, 2.0], [1.0, 2.0]) == pytest.approx([0.5, 0.5])


def test_hyman_filter_keeps_monotone_data_monotone():
    x, y = np.array([0.0, 1.0, 2.0, 3.0, 4.0]), np.array([0.0, 0.0, 1.0, 1.0, 1.0])
    raw = fmm_slopes(x, y)
    assert np.abs(raw).max() > 0.1  # the plain spline wiggles through the flat parts
    assert hyman_filter(x, y, raw) == pytest.approx(np.zeros(5))
    rng = np.random.default_rng(1983)
    for _ in range(200):
        x = np.cumsum(rng.uniform(0.1, 20.0, 7)) - 0.1
        y = np.cumsum(rng.exponential(1.0, 7) * (rng.uniform(size=7) < 0.7))
        y = y if rng.uniform() < 0.5 else -y
        grid = np.linspace(x[0], x[-1], 2001)
        steps = np.diff(interpolate(x, y, grid, Interpolation.FMM_HYMAN)[0])
        assert (steps * np.sign(y[-1] - y[0]) >= -1e-12).all()
    with pytest.raises(ValueError, match="monotone"):
        interpolate([0.0, 1.0, 2.0], [0.0, 1.0, 0.5], [1.5], Interpolation.FMM_HYMAN)


def test_bad_samples_are_all_named():
    cores = example("b_temporal_random")
    cores.loc[1, "BD_g_cm3"] = 3.0  # Y0 rep 1, 10–30 cm
    cores.loc[6, "SOC_pct"] = np.nan  # Y0 rep 2, 30–50 cm
    cores.loc[14, "Upper_cm"] = 32.0  # Y5 rep 1: gap below 30 cm
    cores.loc[20, "SOM_pct"] = 101.0  # Y5 rep 3, 0–10 cm
    with pytest.raises(ValueError, match="4 problem") as error:
        esm_table(cores)
    message = str(error.value)
    for where, what in (
        ("core Y0_T1_P1 rep 1, layer 1 (10–30 cm)", "BD_g_cm3 = 3 outside (0, 2.65]"),
        ("core Y0_T1_P1 rep 2, layer 2 (30–50 cm)", "SOC_pct is NaN"),
        ("core Y5_T1_P1 rep 1, layer 2", "gap between 30 and 32 cm"),
        ("core Y5_T1_P1 rep 3, layer 0 (0–10 cm)", "SOM_pct = 101 outside [0, 100]"),
    ):
        assert f"{where}: {what}" in message
    french = error.value.args[0].render("fr")  # a catalogue message: numbers and intervals the French way
    assert french.startswith("4 problèmes dans les échantillons : ")
    assert "carotte Y0_T1_P1 répétition 1, couche 1 (10–30 cm) : BD_g_cm3 = 3 hors de ]0 ; 2,65]" in french
    assert "carotte Y5_T1_P1 répétition 1, couche 2 : vide entre 30 et 32 cm" in french
    with pytest.raises(ValueError, match="missing column"):
        esm_table(example("a_temporal_paired").drop(columns="Ref_ID"))
    with pytest.raises(ValueError, match="Ref_ID Y9 names no core"):
        esm_table(example("a_temporal_paired").assign(Ref_ID="Y9"))
    with pytest.raises(ValueError, match="one depth per mass"):
        esm_table(example("a_temporal_paired"), [10, 30], reference=[12.0])
