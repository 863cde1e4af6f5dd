"""The grid commands: a synthetic demo, and a configured run from GeoTIFF inputs on a Dask scheduler."""

import numpy as np
import pytest
import xarray as xr
import yaml
from typer.testing import CliRunner

from permille.cli import app
from permille.grid import io as grid_io
from permille.grid import pipeline
from permille.grid.synthetic import synthetic_grid

runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def test_demo_writes_maps_and_zonal_tables_every_one_marked_synthetic(tmp_path):
    import pandas as pd
    import rasterio

    result = runner.invoke(
        app, ["grid", "demo", "--ny", "12", "--nx", "16", "--chunks", "8", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "SYNTHETIC_diff_ssm_20.tif", "SYNTHETIC_potential.nc", "SYNTHETIC_potential.zarr",
        "SYNTHETIC_rate_bau.tif", "SYNTHETIC_soc_bau.tif", "SYNTHETIC_soc_t0.tif", "SYNTHETIC_zonal.csv",
    ]  # fmt: skip
    maps = xr.open_dataset(tmp_path / "SYNTHETIC_potential.nc", engine="h5netcdf")
    assert maps.attrs["Conventions"].startswith("CF-") and maps["diff_ssm_20"].attrs["units"] == "t C ha-1"
    assert "SYNTHETIC" in maps.attrs["comment"]
    for tif in tmp_path.glob("*.tif"):
        with rasterio.open(tif) as raster:
            assert raster.tags()["long_name"].startswith("SYNTHETIC — not real data: "), tif.name
    zonal = pd.read_csv(tmp_path / "SYNTHETIC_zonal.csv")
    assert set(zonal["data"]) == {"SYNTHETIC — not real data"}
    # the modelled cells in no region are a row of their own: the rows add up to every modelled cell
    t0 = zonal[zonal["layer"] == "soc_t0"].set_index("zone")
    assert "outside every region" in t0.index
    assert t0["n_valid"].sum() == int(maps["soc_t0"].notnull().sum())
    lines = [line for line in result.output.splitlines() if line.strip()]
    status = [
        line for line in lines if not line.startswith(("┏", "┃", "┡", "│", "└", "wrote", "no modelled"))
    ]
    assert all(line.startswith("SYNTHETIC — not real data: ") for line in status), status
    assert not any(word in result.output for word in ("NaN", "nan", "e+0"))
    assert "Mha" in result.output or " ha " in result.output


def test_areas_read_as_people_write_them():
    from permille.grid.summary import readable_area

    assert readable_area(1.181643e09) == "1,181.6 Mha"
    assert readable_area(13_875_714.2) == "13.88 Mha"
    assert readable_area(52_345.0) == "52,300 ha"
    assert readable_area(712.4) == "712 ha"
    assert readable_area(0.0) == readable_area(float("nan")) == "none"


def _inputs(tmp_path):
    grid = synthetic_grid(10, 12).drop_vars("plant_cover")
    paths = {}
    for name in pipeline.GRID_VARIABLES:
        layer = grid[name].astype("float32")
        paths[name] = grid_io.write_cog(layer, tmp_path / f"{name}.tif", units="-", long_name=name)
    return grid, paths


def test_configured_run_from_geotiffs_on_a_distributed_scheduler(tmp_path):
    from distributed import LocalCluster

    grid, paths = _inputs(tmp_path)
    config = {"inputs": {k: p.name for k, p in paths.items()}, "chunks": 8, "years": 5, "output": "out"}
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump(config))
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        result = runner.invoke(
            app, ["grid", "run", str(tmp_path / "grid.yaml"), "--scheduler", cluster.scheduler_address]
        )
    assert result.exit_code == 0, result.output
    got = xr.open_dataset(tmp_path / "out" / "potential.nc", engine="h5netcdf")
    expected = pipeline.run(grid.astype("float32").astype("float64"), years=5)
    np.testing.assert_allclose(got["diff_ssm_10"], expected["diff_ssm_10"], rtol=1e-9, equal_nan=True)


def test_misaligned_inputs_are_refused_clearly(tmp_path):
    _, paths = _inputs(tmp_path)
    other = synthetic_grid(10, 13)["clay"].astype("float32")
    grid_io.write_cog(other, tmp_path / "clay.tif", units="%", long_name="clay")
    config = {"inputs": {k: p.name for k, p in paths.items()}, "output": "out"}
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["grid", "run", str(tmp_path / "grid.yaml")])
    assert result.exit_code == 2 and "clay" in result.output and "shape" in result.output
    assert not (tmp_path / "out").exists()


def test_configured_run_with_warmup_npp_carbon_input_and_depth(tmp_path):
    """Every optional input from GeoTIFFs (bands: 12 months, 12·Y warm-up months, Y NPP years) and NetCDF,
    read by the loader onto the pipeline's dims, gives the pipeline's result on the same data."""
    grid = synthetic_grid(6, 8, seed=2, warmup_years=2)
    rng = np.random.default_rng(2)
    grid["npp"] = (("year", "y", "x"), rng.uniform(2.0, 8.0, (2, 6, 8)))
    grid["carbon_input"] = (("y", "x"), rng.uniform(1.0, 4.0, (6, 8)))
    grid = grid.astype("float32").astype("float64")
    paths = {}
    for name in [*pipeline.GRID_VARIABLES, *(n for n in pipeline.OPTIONAL_VARIABLES if n in grid)]:
        layer = grid[name].transpose(..., "y", "x").rio.write_crs(grid.rio.crs)
        paths[name] = grid_io.write_cog(layer, tmp_path / f"{name}.tif", units="-", long_name=name)
    nc = grid[["carbon_input"]].assign_coords(spatial_ref=grid.spatial_ref)
    nc["carbon_input"].attrs = {"units": "t C ha-1 yr-1", "long_name": "BAU carbon input"}
    paths["carbon_input"] = grid_io.write_netcdf(nc, tmp_path / "carbon_input.nc")
    loaded = grid_io.open_inputs(paths)
    assert loaded["warmup_pet"].dims == ("time", "y", "x") and loaded.sizes["time"] == 24
    assert loaded["npp"].dims == ("year", "y", "x") and loaded["plant_cover"].dims == ("month", "y", "x")

    config = {"inputs": {k: p.name for k, p in paths.items()}, "years": 4, "depth_cm": 25, "output": "out"}
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["grid", "run", str(tmp_path / "grid.yaml")])
    assert result.exit_code == 0, result.output
    got = xr.open_dataset(tmp_path / "out" / "potential.nc", engine="h5netcdf")
    expected = pipeline.run(grid, years=4, depth_cm=25.0)
    assert got.attrs["depth_cm"] == 25.0 and "carbon_input layer" in got.attrs["bau_input"]
    assert got.attrs["warmup_input_scaling"] == "npp layer relative to its warm-up mean"
    for name in ("soc_t0", "input_t0", "soc_bau", "diff_ssm_10"):
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(got["input_t0"], grid["carbon_input"].where(got["soc_bau"].notnull()))


def test_configuration_problems_are_all_reported(tmp_path):
    config = {"inputs": {"soc_t0": "soc.tif", "evi": "evi.tif"}, "depth_cm": 0, "years": 0}
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["grid", "run", str(tmp_path / "grid.yaml")])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    for problem in ("years:", "depth_cm:", "inputs: lacks clay, land_cover", "unknown variable(s) evi"):
        assert problem in text, problem


def test_the_example_configuration_runs_and_marks_every_output_synthetic(tmp_path):
    import shutil

    import rasterio

    from tests.conftest import REPO

    shutil.copytree(REPO / "examples" / "grid", tmp_path / "examples" / "grid")
    config = tmp_path / "examples" / "grid" / "grid.yaml"
    result = runner.invoke(app, ["grid", "run", str(config), "--gsocseq"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "results" / "grid-example"
    assert sorted(p.name for p in out.iterdir()) == [
        "SYNTHETIC_diff_ssm_20.tif", "SYNTHETIC_gsocseq", "SYNTHETIC_potential.nc", "SYNTHETIC_potential.zarr",
        "SYNTHETIC_rate_bau.tif", "SYNTHETIC_soc_bau.tif", "SYNTHETIC_soc_t0.tif", "SYNTHETIC_zonal.csv",
    ]  # fmt: skip
    for tif in out.rglob("*.tif"):
        with rasterio.open(tif) as raster:
            assert raster.tags()["long_name"].startswith("SYNTHETIC — not real data: "), tif.name
    products = xr.open_dataset(out / "SYNTHETIC_gsocseq" / "GSOCseq_products.nc", engine="h5netcdf")
    assert "SYNTHETIC" in products.attrs["comment"]
