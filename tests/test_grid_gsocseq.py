"""GSOCseq conformity of the grid pipeline: every FAO land-cover class, the paddy decomposition factor, soil
cover from NDVI, the official min/max envelope against explicit site-engine runs of the official formula,
and the official product set written by ``permille grid run --gsocseq``."""

import math

import numpy as np
import pytest
import xarray as xr
import yaml
from typer.testing import CliRunner

from permille.cli import app
from permille.grid import gsocseq, pipeline
from permille.grid import io as grid_io
from permille.grid.synthetic import synthetic_grid
from permille.models import rothc

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")

#: FAO GSOCseq technical manual (2020) Table 6.1 (shared/reference/gsocseq/Table_6.1.csv), stated here
#: independently of the code: the classes with a DPM/RPM ratio, and those without ("/").
TABLE_6_1 = {2: 1.44, 3: 0.67, 4: 0.25, 5: 0.67, 6: 0.67, 8: 0.67, 12: 1.44, 13: 1.44}
NOT_MODELLED = (1, 7, 9, 10, 11)
CROP_CALENDAR = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=float)
#: A temperate month-by-month climate (°C, mm, mm PET) written down for these tests.
TEMPERATURE = np.array([3.0, 3.8, 6.5, 9.0, 12.8, 15.9, 18.0, 17.7, 14.9, 11.2, 6.8, 3.9])
PRECIPITATION = np.array([70.0, 55.0, 60.0, 55.0, 65.0, 60.0, 55.0, 60.0, 60.0, 75.0, 75.0, 80.0])
PET = np.array([10.0, 18.0, 38.0, 62.0, 92.0, 110.0, 120.0, 103.0, 66.0, 35.0, 14.0, 8.0])


def _pixels(classes, soc=45.0, clay=25.0):
    n = len(classes)
    return dict(
        soc_t0=np.full(n, soc), clay=np.full(n, clay), land_cover=np.asarray(classes, dtype=float),
        temperature=np.repeat(TEMPERATURE[:, None], n, 1), precipitation=np.repeat(PRECIPITATION[:, None], n, 1),
        pet=np.repeat(PET[:, None], n, 1),
    )  # fmt: skip


def test_every_fao_land_cover_class_gives_a_finite_result():
    classes = [*TABLE_6_1, *NOT_MODELLED]
    out = pipeline.compute_pixels(**_pixels(classes))
    u = pipeline.compute_uncertainty(**_pixels(classes), members=4)
    env = pipeline.compute_envelope(**_pixels(classes))
    modelled = np.isin(classes, list(TABLE_6_1))
    for result in (out, u, env):
        for name, values in result.items():
            assert np.isfinite(values[modelled]).all(), name
            assert np.isnan(values[~modelled]).all(), name
    assert pipeline.DPM_RPM == TABLE_6_1
    # same ratio and the same default cover (covered all year): grassland, shrub and herbaceous agree
    by_class = dict(zip(classes, out["soc_ssm_10"], strict=True))
    assert by_class[3] == by_class[5] == by_class[6]
    assert by_class[8] != by_class[3]  # sparse vegetation: bare all year by default


def _site(classes_cover_factor, dpm_rpm, clay, temperature, rain, pet, cover, pattern):
    soil = rothc.Soil(clay=[clay], depth=30.0, decomposition_factor=classes_cover_factor)
    forcing = rothc.Forcing(
        temperature[:, None], rain[:, None], pet[:, None] / 0.75, plant_cover=cover[:, None],
        plant_input=pattern[:, None], dpm_rpm=dpm_rpm,
    )  # fmt: skip
    return soil, forcing


def test_paddy_fields_decompose_at_0_4_times_the_rate():
    """Class 13 against an explicit site run with the decomposition factor 0.4; and the factor itself
    against a property independent of the code: moisture does not depend on temperature, so scaling every
    rate by 0.4 equals running at the temperature T' whose official rate modifier is 0.4 × that of T."""
    out = pipeline.compute_pixels(**_pixels([13, 2]), years=10)
    pattern = CROP_CALENDAR / CROP_CALENDAR.sum()
    soil, forcing = _site(0.4, 1.44, 25.0, TEMPERATURE, PRECIPITATION, PET, CROP_CALENDAR, pattern)
    annual, state = rothc.inputs_for_stock(soil, forcing, [45.0])
    repeated = rothc.Forcing(**{**forcing.__dict__, **{
        k: np.tile(getattr(forcing, k), (10, 1)) for k in ("temperature", "rain", "evaporation", "plant_cover")
    }, "plant_input": np.tile(pattern[:, None] * annual, (10, 1))})  # fmt: skip
    bau = rothc.run(soil, repeated, state).soc[-1, 0]
    assert out["input_t0"][0] == pytest.approx(annual[0], rel=1e-12)
    assert out["soc_bau"][0] == pytest.approx(bau, rel=1e-10)
    assert out["input_t0"][0] < 0.5 * out["input_t0"][1]  # slower turnover: less input keeps 45 t C/ha

    def modifier(t):  # official RothC: 47.91 / (exp(106.06 / (T + 18.27)) + 1)
        return 47.91 / (math.exp(106.06 / (t + 18.27)) + 1.0)

    warm = TEMPERATURE + 8.0  # every T' stays above −5 °C
    slowed = np.array([106.06 / math.log(47.91 / (0.4 * modifier(t)) - 1.0) - 18.27 for t in warm])
    ones = np.ones(12)
    a = rothc.equilibrium(*_site(0.4, 1.44, 25.0, warm, PRECIPITATION, PET, ones, ones / 12))
    b = rothc.equilibrium(*_site(1.0, 1.44, 25.0, slowed, PRECIPITATION, PET, ones, ones / 12))
    np.testing.assert_allclose(a.pools, b.pools, rtol=1e-9)


def test_soil_cover_from_a_monthly_ndvi_layer():
    ndvi = np.array([0.2, 0.25, 0.3, 0.45, 0.6, 0.8, 0.85, 0.7, 0.5, 0.39, 0.3, 0.2])
    args = _pixels([2, 3, 12])
    stack = np.repeat(ndvi[:, None], 3, 1)
    with_ndvi = pipeline.compute_pixels(**args, ndvi=stack)
    cover = (ndvi >= 0.4).astype(float)
    with_cover = pipeline.compute_pixels(**args, plant_cover=np.repeat(cover[:, None], 3, 1))
    for name in with_ndvi:
        np.testing.assert_array_equal(with_ndvi[name], with_cover[name])
    assert with_ndvi["input_t0"][0] != pipeline.compute_pixels(**args)["input_t0"][0]  # not the calendar
    with pytest.raises(
        pipeline.GridInputError, match=r"ndvi: 3 value\(s\) outside \[-1, 1\].*month 5, pixel 0"
    ):
        pipeline.compute_pixels(**args, ndvi=np.where(stack == 0.6, 6000.0, stack))


def _envelope_reference(land_cover, side, soc, clay, years=20, increase=0.10):
    """The official min/max run of one pixel, written out from the scripts with the site engine: spin-up
    (T0 anchoring) with SOC × 0.8 and clay × 0.9 on the climatology, then the forward run with temperature
    × 1.02, precipitation × 0.95 and the inputs anchored × (1 + f − 0.15) (the mirror for "max")."""
    s = -1.0 if side == "min" else 1.0
    soc, clay = soc * (1 + 0.2 * s), min(clay * (1 + 0.1 * s), 100.0)
    t, p = TEMPERATURE * (1 - 0.02 * s), PRECIPITATION * (1 + 0.05 * s)
    cover = CROP_CALENDAR if land_cover == 2 else np.ones(12)
    pattern = cover / cover.sum()
    soil, forcing = _site(1.0, TABLE_6_1[land_cover], clay, TEMPERATURE, PRECIPITATION, PET, cover, pattern)
    annual, state = rothc.inputs_for_stock(soil, forcing, [soc])

    def forward(scale):
        _, f = _site(1.0, TABLE_6_1[land_cover], clay, t, p, PET, cover, pattern * annual[0] * scale)
        series = rothc.Forcing(**{**f.__dict__, **{
            k: np.tile(getattr(f, k), (years, 1))
            for k in ("temperature", "rain", "evaporation", "plant_cover", "plant_input")
        }})  # fmt: skip
        return rothc.run(soil, series, state).soc[-1, 0]

    return state.soc[0], forward(1.0), forward(1.0 + increase + 0.15 * s)


@pytest.mark.parametrize("land_cover", [2, 3])
def test_envelope_bounds_equal_the_official_formula(land_cover):
    env = pipeline.compute_envelope(**_pixels([land_cover], soc=52.0, clay=31.0))
    for side in ("min", "max"):
        t0, bau, ssm = _envelope_reference(land_cover, side, 52.0, 31.0)
        assert env[f"soc_t0_{side}"][0] == pytest.approx(t0, rel=1e-10)
        assert t0 == pytest.approx(52.0 * (0.8 if side == "min" else 1.2), rel=1e-12)
        assert env[f"soc_bau_{side}"][0] == pytest.approx(bau, rel=1e-9)
        assert env[f"soc_ssm_10_{side}"][0] == pytest.approx(ssm, rel=1e-9)
    nominal = pipeline.compute_pixels(**_pixels([land_cover], soc=52.0, clay=31.0))
    assert env["soc_bau_min"][0] < nominal["soc_bau"][0] < env["soc_bau_max"][0]
    # the +5 % scenario's low end is below BAU's: 1.05 − 0.15 = 0.90 of the anchored input
    assert env["soc_ssm_5_min"][0] < env["soc_bau_min"][0]


def test_official_products_names_units_and_formulas():
    grid = synthetic_grid(8, 10, seed=9).drop_vars("plant_cover")
    result = pipeline.run(grid, envelope=True)
    official = gsocseq.products(result, grid["land_cover"])
    expected = [f"GSOCseq_{p}_Map030" for p in (
        "T0", "finalSOC_BAU", "finalSOC_SSM1", "finalSOC_SSM2", "finalSOC_SSM3", "AbsDiff_BAU", "AbsDiff_SSM1",
        "AbsDiff_SSM2", "AbsDiff_SSM3", "ASR_BAU", "ASR_SSM1", "ASR_SSM2", "ASR_SSM3", "RelDiff_SSM1",
        "RelDiff_SSM2", "RelDiff_SSM3", "RSR_SSM1", "RSR_SSM2", "RSR_SSM3",
    )] + [f"GSOCseq_{p}_UncertaintyMap030" for p in (
        "T0", "BAU", "SSM", "ASR_BAU", "ASR_SSM1", "ASR_SSM2", "ASR_SSM3", "RSR_SSM1", "RSR_SSM2", "RSR_SSM3",
    )]  # fmt: skip
    assert list(official.data_vars) == expected
    units = {name: official[name].attrs["units"] for name in expected}
    assert {units[n] for n in expected if "Uncertainty" in n} == {"%"}
    assert {units[n] for n in expected if "_ASR_" in n or "_RSR_" in n} - {"%"} == {"t C ha-1 yr-1"}
    assert units["GSOCseq_T0_Map030"] == units["GSOCseq_RelDiff_SSM2_Map030"] == "t C ha-1"

    keep = grid["land_cover"].isin([2, 3]).values  # the synthetic grid has classes 1-4
    r = {k: result[k].values[keep] for k in result.data_vars}
    o = {k: official[k].values[keep] for k in official.data_vars}
    np.testing.assert_allclose(o["GSOCseq_ASR_SSM3_Map030"], (r["soc_ssm_20"] - r["soc_t0"]) / 20, rtol=1e-12)
    np.testing.assert_allclose(o["GSOCseq_RSR_SSM1_Map030"], (r["soc_ssm_5"] - r["soc_bau"]) / 20, rtol=1e-12)
    u_bau = 100 * (r["soc_bau_max"] - r["soc_bau_min"]) / (2 * r["soc_bau"])
    u_ssm = 100 * (r["soc_ssm_10_max"] - r["soc_ssm_10_min"]) / (2 * r["soc_ssm_10"])  # the medium scenario
    np.testing.assert_allclose(o["GSOCseq_BAU_UncertaintyMap030"], u_bau, rtol=1e-12)
    np.testing.assert_allclose(o["GSOCseq_SSM_UncertaintyMap030"], u_ssm, rtol=1e-12)
    rsr = np.sqrt((u_ssm * r["soc_ssm_20"]) ** 2 + (u_bau * r["soc_bau"]) ** 2) / (
        r["soc_ssm_20"] + r["soc_bau"]
    )
    np.testing.assert_allclose(o["GSOCseq_RSR_SSM3_UncertaintyMap030"], rsr, rtol=1e-12)
    assert np.all(o["GSOCseq_T0_UncertaintyMap030"] == pytest.approx(20.0))  # SOC × 0.8 … 1.2, no warm-up
    # tree-covered land: T0 only (the official forward script has no scenario for class 4)
    trees = (grid["land_cover"] == 4).values
    assert trees.any() and np.isfinite(official["GSOCseq_T0_Map030"].values[trees]).all()
    assert np.isnan(official["GSOCseq_finalSOC_BAU_Map030"].values[trees]).all()
    with pytest.raises(ValueError, match="envelope=True"):
        gsocseq.products(pipeline.run(grid, years=20))


def test_grid_run_gsocseq_writes_the_official_products(tmp_path):
    grid = synthetic_grid(6, 8, seed=2).drop_vars("plant_cover")
    paths = {}
    for name in pipeline.GRID_VARIABLES:
        layer = grid[name].astype("float32")
        paths[name] = grid_io.write_cog(layer, tmp_path / f"{name}.tif", units="-", long_name=name)
    config = {"inputs": {k: p.name for k, p in paths.items()}, "output": "out"}
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump(config))
    result = CliRunner().invoke(app, ["grid", "run", str(tmp_path / "grid.yaml"), "--gsocseq"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "gsocseq"
    names = gsocseq.product_spec()
    assert len(names) == 29
    for name in names:
        assert (folder / f"{name}.tif").exists(), name
    written = xr.open_dataset(folder / "GSOCseq_products.nc", engine="h5netcdf")
    expected = gsocseq.products(pipeline.run(grid.astype("float32").astype("float64"), envelope=True),
                                grid["land_cover"])  # fmt: skip
    for name, (_, units) in names.items():
        assert written[name].attrs["units"] == units
        np.testing.assert_allclose(written[name], expected[name], rtol=1e-9, equal_nan=True)
    assert "min/max envelope" in written.attrs["gsocseq_uncertainty"]

    config["years"] = 10
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump(config))
    refused = CliRunner().invoke(app, ["grid", "run", str(tmp_path / "grid.yaml"), "--gsocseq"])
    assert refused.exit_code == 2 and "20 years" in " ".join(refused.output.split())


def _scripts_reference(land_cover, soc, clay, temperature, years=20, increase=0.10):
    """One pixel with the GSOCseq R scripts' numerics written out with plain floats: SoilR's fT.RothC, the
    scripts' fw1func, monthly explicit Euler steps of the RothC equations (input spread over 12 months), the
    equilibrium by a 12,000-year Euler spin-up, IOM by Falloon, the input anchored to the stock."""
    k = (10.0, 0.3, 0.66, 0.02)
    x = 1.67 * (1.85 + 1.6 * math.exp(-0.0786 * clay))
    f_bio, f_hum = 0.46 / (x + 1), 0.54 / (x + 1)
    covered = CROP_CALENDAR if land_cover in (2, 13) else np.ones(12)  # the default calendar of crops, paddy
    max_tsmd = -(20 + 1.3 * clay - 0.01 * clay**2) * (30 / 23)
    maxima = [max_tsmd / (1.8 if c == 0 else 1.0) for c in covered]
    acc = [min(PRECIPITATION[0] - PET[0], 0.0)]
    for i in range(1, 12):
        acc.append(max(min(acc[-1] + PRECIPITATION[i] - PET[i], 0.0), maxima[i]))
    dec = maxima[11]
    fw = [1.0 if a > 0.444 * dec else max(0.2, 0.2 + 0.8 * (dec - a) / (dec - 0.444 * dec)) for a in acc]
    ft = [47.9 / (1 + math.exp(106 / (t + 18.3))) for t in temperature]
    xi = [
        ft[m] * fw[m] * (0.6 if covered[m] else 1.0) * (0.4 if land_cover == 13 else 1.0) for m in range(12)
    ]
    share = TABLE_6_1[land_cover] / (TABLE_6_1[land_cover] + 1)

    def euler(pools, annual, n_years):
        d, r, b, h = pools
        for _ in range(n_years):
            for m in range(12):
                out = [xi[m] * kk * p for kk, p in zip(k, (d, r, b, h), strict=True)]
                total = sum(out)
                d += (annual * share - out[0]) / 12
                r += (annual * (1 - share) - out[1]) / 12
                b += (f_bio * total - out[2]) / 12
                h += (f_hum * total - out[3]) / 12
        return d, r, b, h

    unit = euler((0.0, 0.0, 0.0, 0.0), 1.0, 12000)
    iom = 0.049 * soc**1.139
    anchored = (soc - iom) / sum(unit)
    start = tuple(anchored * u for u in unit)
    bau = sum(euler(start, anchored, years)) + iom
    ssm = sum(euler(start, anchored * (1 + increase), years)) + iom
    return anchored, bau, ssm


@pytest.mark.parametrize("land_cover", [2, 13])
def test_scripts_numerics_reproduce_the_r_scripts_written_out(land_cover):
    args = _pixels([land_cover], soc=60.0, clay=35.0)
    args["temperature"] = args["temperature"] - 2.0
    got = pipeline.compute_pixels(**args, numerics="gsocseq-scripts")
    anchored, bau, ssm = _scripts_reference(land_cover, 60.0, 35.0, TEMPERATURE - 2.0)
    assert got["input_t0"][0] == pytest.approx(anchored, rel=1e-9)
    assert got["soc_bau"][0] == pytest.approx(bau, rel=1e-9)
    assert got["soc_ssm_10"][0] == pytest.approx(ssm, rel=1e-9)
    exact = pipeline.compute_pixels(**args)
    assert got["input_t0"][0] != pytest.approx(exact["input_t0"][0], rel=1e-3)  # a real difference
    # SoilR's temperature function: no −5 °C cut-off, undefined below −18.3 °C
    from permille.grid.gsocseq_numerics import temperature_modifier

    assert temperature_modifier(-10.0) == pytest.approx(47.9 / (1 + math.exp(106 / 8.3)))
    assert np.isnan(temperature_modifier(-20.0))
    with pytest.raises(pipeline.GridInputError, match="numerics: 'euler'"):
        pipeline.compute_pixels(**args, numerics="euler")


def test_grid_run_scripts_numerics_writes_a_second_product_set(tmp_path):
    grid = synthetic_grid(4, 5, seed=1).drop_vars("plant_cover")
    paths = {
        name: grid_io.write_cog(
            grid[name].astype("float32"), tmp_path / f"{name}.tif", units="-", long_name=name
        )
        for name in pipeline.GRID_VARIABLES
    }
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump({"inputs": {k: p.name for k, p in paths.items()}}))
    refused = CliRunner().invoke(app, ["grid", "run", str(tmp_path / "grid.yaml"), "--scripts-numerics"])
    assert refused.exit_code == 2 and "--gsocseq" in refused.output
    result = CliRunner().invoke(
        app, ["grid", "run", str(tmp_path / "grid.yaml"), "--gsocseq", "--scripts-numerics"]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "results" / "grid"
    exact = xr.open_dataset(out / "gsocseq" / "GSOCseq_products.nc", engine="h5netcdf")
    scripts = xr.open_dataset(out / "gsocseq-scripts-numerics" / "GSOCseq_products.nc", engine="h5netcdf")
    assert exact.attrs["numerics"] == "exact" and scripts.attrs["numerics"] == "gsocseq-scripts"
    assert list(exact.data_vars) == list(scripts.data_vars)
    t0 = "GSOCseq_T0_Map030"
    np.testing.assert_allclose(exact[t0], scripts[t0], rtol=1e-12, equal_nan=True)  # same anchored stock
    bau = "GSOCseq_ASR_BAU_Map030"
    assert np.nanmax(np.abs(exact[bau] - scripts[bau])) > 0  # different numerics, different rates


def test_envelope_with_a_warm_up_scales_inputs_by_npp_of_the_perturbed_years():
    """The warm-up of the official min run: each year's input is the anchored (min) input × MIAMI NPP of
    that year's perturbed climate / MIAMI NPP of the unperturbed climatology (the script divides by
    NPP_81_00), run under temperature × 1.02 and precipitation × 0.95."""
    warm_t = np.concatenate([TEMPERATURE, TEMPERATURE + 1.5])
    warm_p = np.concatenate([PRECIPITATION, PRECIPITATION * 0.8])
    warm_e = np.concatenate([PET, PET * 1.1])
    args = _pixels([3], soc=52.0, clay=31.0)
    warmup = {"temperature": warm_t[:, None], "precipitation": warm_p[:, None], "pet": warm_e[:, None]}
    env = pipeline.compute_envelope(**args, warmup=warmup, years=5)

    def miami(t, p):  # Lieth (1975), g DM m-2 yr-1
        return min(3000 / (1 + math.exp(1.315 - 0.119 * t)), 3000 * (1 - math.exp(-0.000664 * p)))

    pattern = np.full(12, 1 / 12)
    soil, forcing = _site(1.0, 0.67, 31.0 * 0.9, TEMPERATURE, PRECIPITATION, PET, np.ones(12), pattern)
    annual, state = rothc.inputs_for_stock(soil, forcing, [52.0 * 0.8])
    reference = miami(TEMPERATURE.mean(), PRECIPITATION.sum())
    t, p = warm_t * 1.02, warm_p * 0.95
    ratio = [miami(t[12 * y : 12 * y + 12].mean(), p[12 * y : 12 * y + 12].sum()) / reference for y in (0, 1)]
    monthly = np.concatenate([pattern * annual[0] * r for r in ratio])
    _, series = _site(1.0, 0.67, 31.0 * 0.9, t, p, warm_e, np.ones(24), monthly)
    state = rothc.run(soil, series, state).final
    assert env["soc_t0_min"][0] == pytest.approx(state.soc[0], rel=1e-10)
    _, f = _site(1.0, 0.67, 31.0 * 0.9, TEMPERATURE * 1.02, PRECIPITATION * 0.95, PET, np.ones(12), pattern)
    tiled = {k: np.tile(getattr(f, k), (5, 1)) for k in ("temperature", "rain", "evaporation", "plant_cover")}
    forward = rothc.Forcing(
        **{**f.__dict__, **tiled, "plant_input": np.tile(pattern[:, None] * annual, (5, 1))}
    )
    assert env["soc_bau_min"][0] == pytest.approx(rothc.run(soil, forward, state).soc[-1, 0], rel=1e-9)


def test_gsocseq_forward_input_is_the_mean_warm_up_input():
    """The forward script's BAU input is Cin_mean, the mean of the warm-up years' inputs (anchored × MIAMI
    NPP ratio of each year); ``bau_input="warmup-mean"`` takes it, the default keeps the anchored input."""
    warm_t = np.concatenate([TEMPERATURE, TEMPERATURE + 2.0, TEMPERATURE - 1.0])
    warm_p = np.concatenate([PRECIPITATION, PRECIPITATION * 0.7, PRECIPITATION * 1.2])
    warmup = {
        "temperature": warm_t[:, None],
        "precipitation": warm_p[:, None],
        "pet": np.tile(PET, 3)[:, None],
    }
    args = _pixels([2])
    anchored = pipeline.compute_pixels(**args, warmup=warmup)
    mean = pipeline.compute_pixels(**args, warmup=warmup, bau_input="warmup-mean")
    npp = [
        pipeline.npp_miami(warm_t[12 * y : 12 * y + 12].mean(), warm_p[12 * y : 12 * y + 12].sum())
        for y in range(3)
    ]
    ratio = np.mean(npp) / pipeline.npp_miami(TEMPERATURE.mean(), PRECIPITATION.sum())
    assert mean["input_t0"][0] == pytest.approx(anchored["input_t0"][0] * ratio, rel=1e-12)
    assert mean["soc_t0"][0] == anchored["soc_t0"][0] and mean["soc_bau"][0] != anchored["soc_bau"][0]
    no_warmup = pipeline.compute_pixels(**args, bau_input="warmup-mean")
    assert no_warmup["input_t0"][0] == pipeline.compute_pixels(**args)["input_t0"][0]
    with pytest.raises(pipeline.GridInputError, match="bau_input: 'mean'"):
        pipeline.compute_pixels(**args, bau_input="mean")


def test_products_mask_final_stocks_outside_0_to_300_as_the_forward_script():
    """A hand-made run result: the forward script sets BAU, scenario and medium-envelope stocks outside
    0–300 t C/ha to NA, and every product derived from them follows."""
    stocks = {"soc_t0": [40.0, 280.0, 50.0], "soc_bau": [41.0, 310.0, 49.0]}
    stocks |= {"soc_ssm_5": [42.0, 312.0, 50.0], "soc_ssm_10": [43.0, 314.0, 51.0]}
    stocks["soc_ssm_20"] = [45.0, 318.0, -1.0]
    data = {}
    for name, values in stocks.items():
        data[name] = ("x", np.array(values))
        data[f"{name}_min"] = ("x", 0.9 * np.array(values))
        data[f"{name}_max"] = ("x", 1.1 * np.array(values))
    result = xr.Dataset(data, attrs={"forward_years": 20, "ssm_input_increases": [0.05, 0.1, 0.2]})
    official = gsocseq.products(result)
    assert official["GSOCseq_T0_Map030"].values.tolist() == [40.0, 280.0, 50.0]
    bau = official["GSOCseq_finalSOC_BAU_Map030"].values
    assert bau[0] == 41.0 and np.isnan(bau[1]) and bau[2] == 49.0
    assert np.isnan(official["GSOCseq_ASR_BAU_Map030"].values[1])
    high = official["GSOCseq_RSR_SSM3_Map030"].values
    assert high[0] == pytest.approx((45.0 - 41.0) / 20) and np.isnan(high[1:]).all()  # 318 and −1 masked
    assert official["GSOCseq_BAU_UncertaintyMap030"].values[0] == pytest.approx(10.0)


def test_run_takes_an_ndvi_layer_lazily():
    grid = synthetic_grid(6, 7, seed=4).drop_vars("plant_cover")
    rng = np.random.default_rng(4)
    ndvi = xr.DataArray(rng.uniform(0.0, 0.9, (12, 6, 7)), dims=("month", "y", "x"))
    with_ndvi = pipeline.run(grid.assign(ndvi=ndvi).chunk({"y": 3, "x": 4}), years=5).compute()
    cover = (ndvi >= 0.4).astype(float)
    with_cover = pipeline.run(grid.assign(plant_cover=cover), years=5)
    for name in with_ndvi.data_vars:
        np.testing.assert_array_equal(with_ndvi[name].values, with_cover[name].values)
    assert "NDVI" in with_ndvi.attrs["plant_cover"]
