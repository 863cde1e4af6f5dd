"""The grid pipeline (GSOCseq method) against the RothC site engine run scenario by scenario, with and
without Dask, its uncertainty propagation and its input checks; on small synthetic grids."""

import dask.array
import numpy as np
import pytest
import xarray as xr
from distributed import Client, LocalCluster

from permille import __version__
from permille.grid import pipeline
from permille.grid.synthetic import synthetic_grid
from permille.models import rothc

YEARS = 20
INCREASES = (0.05, 0.10, 0.20)
#: FAO GSOCseq technical manual (2020) Table 6.1, stated here independently of the code under test.
DPM_RPM = {2: 1.44, 3: 0.67, 4: 0.25}
#: The documented default: cropland covered March–October, other classes all year; south of the equator
#: cropland is covered September–April.
CROPLAND_COVER = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=float)
CROPLAND_COVER_SOUTH = np.array([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1], dtype=float)


@pytest.fixture(scope="module")
def grid():
    """12 × 15 pixels, default plant cover, no warm-up."""
    return synthetic_grid(12, 15, seed=3).drop_vars("plant_cover")


@pytest.fixture(scope="module")
def grid_warmup():
    """12 × 15 pixels with plant cover from the climate and a 3-year warm-up series."""
    return synthetic_grid(12, 15, seed=4, warmup_years=3)


@pytest.fixture(scope="module")
def grid_south():
    """12 × 15 pixels from 25° N to 25° S, default plant cover."""
    ds = synthetic_grid(12, 15, seed=5).drop_vars("plant_cover")
    ds = ds.assign_coords(y=ds.y - 25.0)
    assert (ds.y < 0).sum() == 6 and ((ds.land_cover == 2) & (ds.y < 0)).sum() > 0
    return ds


@pytest.fixture(scope="module")
def grid_given_inputs():
    """The warm-up grid with a yearly NPP layer (t C/ha/yr) and a BAU carbon input (t C/ha/yr)."""
    ds = synthetic_grid(12, 15, seed=6, warmup_years=3)
    rng = np.random.default_rng(6)
    npp = rng.uniform(2.0, 9.0, (3, 12, 15))
    return ds.assign(
        npp=(("year", "y", "x"), npp, {"units": "t C ha-1 yr-1"}),
        carbon_input=(("y", "x"), rng.uniform(0.5, 6.0, (12, 15)), {"units": "t C ha-1 yr-1"}),
    )


@pytest.fixture(scope="module")
def grid_npp_layer(grid_warmup):
    """The warm-up grid with one NPP layer for every warm-up year (the input is then held constant)."""
    return grid_warmup.assign(npp=(("y", "x"), np.full((12, 15), 4.0)))


def _site_reference(ds: xr.Dataset, iy: int, ix: int, depth_cm: float = 30.0) -> dict[str, float]:
    """Every output of one pixel from the site engine: inputs_for_stock, then one explicit month-by-month
    run per scenario (no linearity shortcut, no annual map)."""
    px = ds.isel(y=iy, x=ix)
    land_cover = int(px.land_cover)
    if "plant_cover" in ds:
        cover = px.plant_cover.values
    elif land_cover == 2:
        cover = CROPLAND_COVER if float(px.y) >= 0 else CROPLAND_COVER_SOUTH
    else:
        cover = np.ones(12)
    pattern = cover / cover.sum() if cover.any() else np.full(12, 1 / 12)  # documented: all 12 if none
    soil = rothc.Soil(clay=[float(px.clay)], depth=depth_cm)

    def forcing(temperature, rain, pet, plant_cover, plant_input):
        def column(a):
            return np.asarray(a, dtype=float)[:, None]

        return rothc.Forcing(
            column(temperature), column(rain), column(pet) / 0.75, plant_cover=column(plant_cover),
            plant_input=column(plant_input), dpm_rpm=DPM_RPM[land_cover],
        )  # fmt: skip

    climate = [px[v].values for v in ("temperature", "precipitation", "pet")]
    annual, state = rothc.inputs_for_stock(soil, forcing(*climate, cover, pattern), [float(px.soc_t0)])
    monthly = annual[0] * pattern
    if "warmup_temperature" in ds:
        n = ds.sizes["time"] // 12
        series = [px[f"warmup_{v}"].values for v in ("temperature", "precipitation", "pet")]

        def miami(t, p):  # Lieth (1975): g DM/m²/yr from annual mean temperature and annual precipitation
            return min(3000 / (1 + np.exp(1.315 - 0.119 * t)), 3000 * (1 - np.exp(-0.000664 * p)))

        reference = miami(climate[0].mean(), climate[1].sum())
        scale = [miami(series[0][12 * y : 12 * y + 12].mean(), series[1][12 * y : 12 * y + 12].sum()) / reference
                 for y in range(n)]  # fmt: skip
        if "npp" in ds:  # the given NPP relative to its warm-up mean
            npp = np.broadcast_to(px.npp.values, (n,)) if px.npp.ndim == 0 else px.npp.values
            scale = npp / npp.mean()
        warm_input = np.concatenate([monthly * r for r in scale])
        state = rothc.run(soil, forcing(*series, np.tile(cover, n), warm_input), state).final
    soc_t0 = state.soc[0]
    bau_input = float(px.carbon_input) if "carbon_input" in ds else annual[0]

    def forward(scale):
        repeated = [np.tile(a, YEARS) for a in (*climate, cover, bau_input * pattern * scale)]
        return rothc.run(soil, forcing(*repeated), state, output="monthly").soc[-1, 0]

    bau = forward(1.0)
    out = {"soc_t0": soc_t0, "input_t0": bau_input, "soc_bau": bau, "rate_bau": (bau - soc_t0) / YEARS}
    for f in INCREASES:
        ssm, x = forward(1.0 + f), f"{100 * f:g}"
        out |= {f"soc_ssm_{x}": ssm, f"diff_ssm_{x}": ssm - bau, f"rate_ssm_{x}": (ssm - soc_t0) / YEARS}
        out[f"rel_diff_ssm_{x}"] = 100.0 * (ssm - bau) / bau
    return out


def _sample(ds: xr.Dataset, per_class: int = 4) -> list[tuple[int, int]]:
    """A few pixels of each modelled class, always including the warmest one."""
    rng = np.random.default_rng(0)
    land_cover = ds.land_cover.values
    warmest = np.unravel_index(
        np.nanargmax(np.where(land_cover >= 2, ds.temperature.max("month"), np.nan)), land_cover.shape
    )
    picks = [tuple(int(i) for i in warmest)]
    south = np.argwhere((land_cover == 2) & (ds.y.values < 0)[:, None])
    picks += [tuple(int(i) for i in p) for p in south[:2]]  # southern crop calendar, where there is one
    for c in DPM_RPM:
        where = np.argwhere(land_cover == c)
        picks += [tuple(int(i) for i in p) for p in where[rng.choice(len(where), per_class, replace=False)]]
    return picks


@pytest.mark.parametrize(
    ("name", "depth_cm"),
    [("grid", 30.0), ("grid_warmup", 30.0), ("grid_south", 30.0), ("grid_given_inputs", 30.0),
     ("grid_npp_layer", 30.0), ("grid_warmup", 20.0)],
)  # fmt: skip
def test_every_output_equals_the_site_engine_run_scenario_by_scenario(name, depth_cm, request):
    ds = request.getfixturevalue(name)
    out = pipeline.run(ds, years=YEARS, increases=INCREASES, depth_cm=depth_cm)
    assert out.attrs["depth_cm"] == depth_cm
    for iy, ix in _sample(ds):
        expected = _site_reference(ds, iy, ix, depth_cm)
        assert set(expected) == set(out.data_vars)
        stock = expected["soc_t0"]
        for key, want in expected.items():
            got = float(out[key][iy, ix])
            # 1e-9 relative; rates and differences, small differences of stocks, to 1e-9 of the stock
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9 * stock), (name, iy, ix, key)


def test_t0_anchoring_reproduces_the_given_stock_and_bau_stays_there(grid):
    out = pipeline.run(grid)
    modelled = out.soc_t0.notnull()
    np.testing.assert_allclose(out.soc_t0.values[modelled], grid.soc_t0.values[modelled], rtol=1e-12)
    np.testing.assert_allclose(out.soc_bau.values[modelled], grid.soc_t0.values[modelled], rtol=1e-10)


def test_masked_pixels_stay_nan_and_others_are_finite_with_units(grid):
    out = pipeline.run(grid)
    modelled = grid.land_cover.isin([2, 3, 4]).values
    assert 0 < modelled.sum() < modelled.size and np.isnan(grid.soc_t0.values).any()  # ocean present
    for name, var in out.data_vars.items():
        assert var.dims == ("y", "x")
        assert np.isfinite(var.values[modelled]).all(), name
        assert np.isnan(var.values[~modelled]).all(), name
        assert var.attrs["units"] and var.attrs["long_name"]
    assert out.diff_ssm_20.attrs["units"] == "t C ha-1" and out.rel_diff_ssm_20.attrs["units"] == "%"
    assert out.rate_bau.attrs["units"] == "t C ha-1 yr-1"
    assert out.attrs["model"] == "RothC-26.3" and out.attrs["permille_version"] == __version__
    assert out.attrs["comment"] == "SYNTHETIC — not real data"  # the input's label travels with the maps
    np.testing.assert_allclose(out.diff_ssm_20.values[modelled], 4 * out.diff_ssm_5.values[modelled])
    assert (out.diff_ssm_5.values[modelled] > 0).all()


def test_pixels_at_27_to_35_degrees_are_finite(grid_warmup):
    out = pipeline.run(grid_warmup)
    warmest = grid_warmup.temperature.max("month")
    hot = (grid_warmup.land_cover.isin([2, 3, 4]) & (warmest >= 27) & (warmest <= 35)).values
    assert hot.sum() >= 20
    for name, var in out.data_vars.items():
        assert np.isfinite(var.values[hot]).all(), name
    # constant 27–35 °C all year, arid to wet, every class
    n = 9 * 3
    t = np.repeat(np.linspace(27.0, 35.0, 9), 3)
    rain = np.tile([5.0, 80.0, 400.0], 9)
    flat = pipeline.compute_pixels(
        np.full(n, 40.0), np.full(n, 30.0), np.tile(t, (12, 1)), np.tile(rain, (12, 1)),
        np.full((12, n), 180.0), np.tile([2, 3, 4], 9),
    )  # fmt: skip
    for name, values in flat.items():
        assert np.isfinite(values).all(), name


@pytest.mark.parametrize("members", [0, 6])
def test_dask_chunks_give_identical_results(grid_warmup, members):
    eager = pipeline.run(grid_warmup, members=members, seed=1)
    lazy = pipeline.run(grid_warmup.chunk({"y": 5, "x": 4, "month": 6, "time": 12}), members=members, seed=1)
    assert isinstance(lazy.soc_bau.data, dask.array.Array)
    xr.testing.assert_identical(eager, lazy.compute())


def test_a_distributed_cluster_gives_identical_results(grid):
    eager = pipeline.run(grid, members=4)
    with (
        LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        lazy = pipeline.run(grid.chunk({"y": 6, "x": 8}), members=4)
        remote = client.compute(lazy).result()
    xr.testing.assert_identical(eager, remote)


def _flat(ds: xr.Dataset) -> dict:
    """The pixels of a grid as compute_pixels arguments."""
    monthly = {v: ds[v].values.reshape(12, -1) for v in ("temperature", "precipitation", "pet")}
    return {v: ds[v].values.ravel() for v in ("soc_t0", "clay", "land_cover")} | monthly


def test_uncertainty_propagates_differences_within_members_and_is_reproducible(grid):
    args = _flat(grid)
    u = pipeline.compute_uncertainty(**args, members=40, seed=7)
    assert list(u) == list(pipeline.uncertainty_spec(20, INCREASES, 40))
    modelled = np.isfinite(u["soc_bau_sd"])
    assert modelled.sum() > 50
    for x in ("5", "10", "20"):
        independent = np.hypot(u["soc_bau_sd"], u[f"soc_ssm_{x}_sd"])
        assert (u[f"diff_ssm_{x}_sd"][modelled] < 0.5 * independent[modelled]).all()
        assert (u[f"diff_ssm_{x}_sd"][modelled] > 0).all()
    # the spread of the stock reflects SOC ± 20 %: SD of a uniform on ± 20 % is 0.2 / √3 ≈ 11.5 %
    relative = u["soc_t0_sd"][modelled] / u["soc_t0_mean"][modelled]
    assert 0.05 < np.median(relative) < 0.2
    again = pipeline.compute_uncertainty(**args, members=40, seed=7)
    other = pipeline.compute_uncertainty(**args, members=40, seed=8)
    for name in u:
        np.testing.assert_array_equal(u[name], again[name])
    assert not np.array_equal(u["soc_bau_sd"][modelled], other["soc_bau_sd"][modelled])


def test_uncertainty_draws_follow_the_pixel_not_its_position_in_the_call(grid):
    args = _flat(grid)
    whole = pipeline.compute_uncertainty(**args, members=5, seed=2)
    part = slice(40, 90)
    piece = pipeline.compute_uncertainty(
        **{k: v[..., part] for k, v in args.items()}, members=5, seed=2, pixel_ids=np.arange(180)[part]
    )
    for name, values in piece.items():
        np.testing.assert_array_equal(values, whole[name][part])


def test_dataset_problems_are_all_reported(grid):
    bad = grid.drop_vars(["pet", "clay"]).isel(month=slice(0, 11))
    with pytest.raises(pipeline.GridInputError) as error:
        pipeline.run(bad, years=0, increases=(0.05, -2.0), members=1, seed=-1)
    problems = error.value.problems
    assert problems[0] == "missing variable(s): clay, pet"
    for text in ("month: 11 entries", "years: 0", "increases: -2", "members: 1", "seed: -1"):
        assert any(p.startswith(text) for p in problems), text
    with pytest.raises(ValueError, match=r"soc_t0: has dims \('month', 'y', 'x'\), expected \('y', 'x'\)"):
        pipeline.run(grid.assign(soc_t0=grid.temperature))
    with pytest.raises(ValueError, match="warm-up: warmup_pet, warmup_precipitation missing"):
        pipeline.run(grid.assign(warmup_temperature=grid.temperature.rename(month="time")))


@pytest.mark.parametrize("chunks", [None, {"y": 5, "x": 4}])
def test_value_problems_name_the_variable_the_values_and_the_pixel(grid, chunks):
    modelled = np.argwhere(grid.land_cover.isin([2, 3, 4]).values)
    (ay, ax), (by, bx) = modelled[0], modelled[5]
    other = np.argwhere((grid.land_cover == 1).values)[0]
    clay, soc = grid.clay.values.copy(), grid.soc_t0.values.copy()
    clay[ay, ax], soc[by, bx] = 150.0, -5.0
    clay[tuple(other)] = 500.0  # not modelled (artificial surface): not a problem
    bad = grid.assign(
        clay=(("y", "x"), clay), soc_t0=(("y", "x"), soc), temperature=grid.temperature + 273.15,
        plant_cover=xr.full_like(grid.temperature, 0.5),
    )  # fmt: skip
    with pytest.raises(pipeline.GridInputError) as error:
        pipeline.run(bad.chunk(chunks) if chunks else bad)
    problems = error.value.problems
    assert len(problems) == 4, problems
    y, x = grid.y.values, grid.x.values
    assert problems[0] == f"soc_t0: 1 value(s) ≤ 0 t C/ha (-5), first at y={y[by]:g}, x={x[bx]:g}"
    assert problems[1] == f"clay: 1 value(s) outside [0, 100] % (150), first at y={y[ay]:g}, x={x[ax]:g}"
    assert problems[2].startswith("temperature: ") and "°C (kelvin or °F?)" in problems[2]
    assert problems[3].startswith("plant_cover: ") and "neither 0 (bare) nor 1 (covered) (0.5)" in problems[3]


def test_pixel_problems_of_compute_pixels():
    ones = np.ones((12, 3))
    with pytest.raises(pipeline.GridInputError) as error:
        pipeline.compute_pixels(
            np.ones(3), np.ones(4), ones, np.ones((11, 3)), ones, [2, 2, 2], warmup={"temperature": ones}
        )
    assert error.value.problems == [
        "clay: has shape (4,), expected (3,)",
        "precipitation: has shape (11, 3), expected (12, 3)",
        "warmup: expected a mapping with keys ['temperature', 'precipitation', 'pet'], got ['temperature']",
    ]
    with pytest.raises(pipeline.GridInputError, match="warmest month below -5 °C.*first at pixel 1"):
        pipeline.compute_pixels([50.0] * 3, [20.0] * 3, np.full((12, 3), -6.0), ones, ones, [1, 2, 3])
    frozen_elsewhere = pipeline.compute_pixels(
        [50.0], [20.0], np.full((12, 1), -6.0), ones[:, :1], ones[:, :1], [1]
    )
    assert np.isnan(frozen_elsewhere["soc_bau"]).all()


def test_miami_npp_by_hand():
    # T = 10 °C, P = 800 mm: temperature limit 3000/(1 + e^0.125) = 1406.4, water limit 3000(1 − e^−0.5312) = 1236.3
    assert pipeline.npp_miami(10.0, 800.0) == pytest.approx(3000 * (1 - np.exp(-0.000664 * 800)))
    assert pipeline.npp_miami(10.0, 3000.0) == pytest.approx(3000 / (1 + np.exp(1.315 - 1.19)))
    wet = np.tile(np.full(12, 100.0), 2)[:, None]
    ratio = pipeline.npp_ratio(np.full((24, 1), 10.0), wet * np.r_[np.ones(12), 0.5 * np.ones(12)][:, None],
                               np.full((12, 1), 10.0), np.full((12, 1), 100.0))  # fmt: skip
    assert ratio[0, 0] == pytest.approx(1.0) and ratio[1, 0] < 1.0


def test_ssm_increase_uncertainty_is_15_points_of_the_bau_input(grid, monkeypatch):
    """Table 12.1's last row alone, as the official forward script applies it: the SSM input is
    BAU × (1 + f + d), d uniform on ± 0.15 (``Cinputs × (1.10 ± 0.15)``), so SSM − BAU = (f + d) × R with R
    the response to the BAU input: its SD is 0.15/√3 × R whatever f (± 15 % of the increase would give
    f × 0.15/√3 × R, ten times less at +10 %)."""
    for name in ("temperature", "precipitation", "clay", "soc_t0"):
        monkeypatch.setitem(pipeline.UNCERTAINTY, name, 0.0)
    args = _flat(grid)
    exact = pipeline.compute_pixels(**args)
    u = pipeline.compute_uncertainty(**args, members=400, seed=3)
    modelled = np.isfinite(exact["soc_bau"])
    np.testing.assert_allclose(u["soc_bau_mean"][modelled], exact["soc_bau"][modelled], rtol=1e-12)
    assert (u["soc_bau_sd"][modelled] < 1e-9 * exact["soc_bau"][modelled]).all()
    for f in INCREASES:
        x = f"{100 * f:g}"
        response = exact[f"diff_ssm_{x}"][modelled] / f  # R, t C/ha
        mean, sd = u[f"diff_ssm_{x}_mean"][modelled], u[f"diff_ssm_{x}_sd"][modelled]
        # mean of d: 0 ± 0.15/√3/√400 = 0.0043 (4 SE: 0.018); SD of d: 0.15/√3 = 0.0866
        assert np.all(np.abs(mean / response - f) < 0.018), x
        relative = sd / response
        assert np.all((relative > 0.075) & (relative < 0.098)), (relative.min(), relative.max())
        assert 0.084 < np.median(relative) < 0.089


def test_given_inputs_and_depth_are_checked(grid, grid_warmup):
    bad = grid_warmup.assign(
        npp=(("year", "y", "x"), np.full((3, 12, 15), -1.0)),
        carbon_input=(("y", "x"), np.full((12, 15), 2000.0)),  # kg C/ha/yr
    )
    with pytest.raises(pipeline.GridInputError) as error:
        pipeline.run(bad, depth_cm=0.0)
    problems = error.value.problems
    assert problems[0] == "depth_cm: 0.0 is not a depth in (0, 100] cm"
    assert (
        problems[1].startswith("npp: ")
        and "outside (0, 50] t C/ha/yr (kg or g/m²?) (-1), first at warm-up year 1" in problems[1]
    )
    assert problems[2].startswith("carbon_input: ") and "(2000)" in problems[2]
    assert len(problems) == 3, problems
    with pytest.raises(pipeline.GridInputError) as error:
        pipeline.run(grid.assign(npp=grid.soc_t0 / 10), depth_cm="30")
    assert error.value.problems == [
        "npp: scales the warm-up inputs, but no warm-up series is given",
        "depth_cm: '30' is not a depth in (0, 100] cm",
    ]
    two_years = grid_warmup.assign(npp=(("year", "y", "x"), np.ones((2, 12, 15))))
    with pytest.raises(pipeline.GridInputError, match="npp: 2 years, the warm-up has 3"):
        pipeline.run(two_years)
    with pytest.raises(pipeline.GridInputError, match="npp: has dims"):
        pipeline.run(grid_warmup.assign(npp=grid_warmup.warmup_pet))


def test_default_plant_cover_needs_a_latitude(grid):
    no_crs = grid.drop_vars("spatial_ref").copy(deep=True)
    no_crs["y"].attrs = {}
    with pytest.raises(
        pipeline.GridInputError, match="plant_cover: not given, and the default crop calendar"
    ):
        pipeline.run(no_crs)
    no_crs["y"].attrs = {"units": "degrees_north"}
    xr.testing.assert_equal(pipeline.run(no_crs), pipeline.run(grid).drop_vars("spatial_ref"))


def test_latitude_of_a_projected_grid(grid_south):
    ds = xr.Dataset(coords={"y": [5_000_000.0, -5_000_000.0], "x": [0.0, 1000.0]}).rio.write_crs("EPSG:3857")
    latitude = pipeline.pixel_latitude(ds)
    assert latitude.dims == ("y", "x")
    spherical = np.degrees(2.0 * np.arctan(np.exp(ds.y.values / 6_378_137.0)) - np.pi / 2)  # Web Mercator
    np.testing.assert_allclose(latitude.values, np.repeat(spherical[:, None], 2, axis=1), rtol=1e-9)
    assert latitude.values[0, 0] > 40.0 and latitude.values[1, 0] < -40.0
    # the southern grid in Web Mercator metres: same crop calendars, so the same maps, with or without Dask
    mercator_y = 6_378_137.0 * np.log(np.tan(np.pi / 4 + np.radians(grid_south.y.values) / 2))
    metres = grid_south.assign_coords(y=mercator_y, x=grid_south.x.values * 111_319.49).rio.write_crs(
        "EPSG:3857"
    )
    eager = pipeline.run(metres, years=5)
    lazy = pipeline.run(metres.chunk({"y": 5, "x": 4}), years=5).compute()
    xr.testing.assert_identical(eager, lazy)
    geographic = pipeline.run(grid_south, years=5)
    np.testing.assert_allclose(eager.soc_bau.values, geographic.soc_bau.values, rtol=1e-12)
