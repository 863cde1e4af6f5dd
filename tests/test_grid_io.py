"""Raster I/O of permille.grid: GeoTIFF/COG, NetCDF and Zarr round-trips with CF metadata, and alignment."""

import numpy as np
import pytest
import rasterio
import xarray as xr
from affine import Affine

from permille import __version__
from permille.grid.io import (
    CF_CONVENTIONS,
    GridMismatchError,
    align,
    open_dataset,
    open_layer,
    write_cog,
    write_netcdf,
    write_zarr,
)

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # affine's `*` inside rioxarray

TRANSFORM = Affine(0.5, 0.0, -5.0, 0.0, -0.5, 10.0)
"""0.5° cells, upper-left corner at 5° W, 10° N."""

FORMATS = [
    pytest.param(".nc", write_netcdf, id="netcdf"),
    pytest.param(".zarr", write_zarr, id="zarr"),
]


def grid(values, *, transform=TRANSFORM, crs="EPSG:4326", name="soc") -> xr.DataArray:
    """A (y, x) layer of ``values`` with cell centres from ``transform`` and the given CRS."""
    values = np.asarray(values, dtype=np.float32)
    ny, nx = values.shape[-2:]
    x = transform.c + transform.a * (np.arange(nx) + 0.5)
    y = transform.f + transform.e * (np.arange(ny) + 0.5)
    dims = ("month", "y", "x") if values.ndim == 3 else ("y", "x")
    coords = {"y": y, "x": x} | ({"month": np.arange(1, values.shape[0] + 1)} if values.ndim == 3 else {})
    da = xr.DataArray(values, dims=dims, coords=coords, name=name)
    da.attrs.update(units="t C/ha", long_name="soil organic carbon stock 0-30 cm")
    return da.rio.write_crs(crs)


@pytest.fixture
def layer() -> xr.DataArray:
    values = np.arange(48, dtype=np.float32).reshape(6, 8)
    values[2, 3] = np.nan
    return grid(values)


def assert_same_grid(da: xr.DataArray, expected: xr.DataArray):
    assert da.rio.crs == expected.rio.crs
    assert da.rio.transform() == expected.rio.transform()
    np.testing.assert_allclose(da["x"], expected["x"], rtol=1e-12)  # recomputed from the transform
    np.testing.assert_allclose(da["y"], expected["y"], rtol=1e-12)


def test_geotiff_round_trip(tmp_path, layer):
    layer.rio.write_nodata(np.nan, encoded=True).rio.to_raster(tmp_path / "soc.tif")
    opened = open_layer(tmp_path / "soc.tif")
    assert opened.dims == ("y", "x")
    assert opened.rio.transform() == TRANSFORM
    assert opened.rio.crs.to_epsg() == 4326
    assert_same_grid(opened, layer)
    np.testing.assert_array_equal(opened.values, layer.values)  # NaN where NaN


def test_twelve_bands_are_months(tmp_path):
    monthly = grid(np.arange(12 * 4 * 5).reshape(12, 4, 5)).rename(month="band")
    monthly.rio.to_raster(tmp_path / "rain.tif")
    opened = open_layer(tmp_path / "rain.tif")
    assert opened.dims == ("month", "y", "x")
    np.testing.assert_array_equal(opened["month"], np.arange(1, 13))
    np.testing.assert_array_equal(opened.values, monthly.values)


def test_open_layer_with_chunks_is_lazy_and_equal(tmp_path, layer):
    layer.rio.to_raster(tmp_path / "soc.tif")
    lazy = open_layer(tmp_path / "soc.tif", chunks={"x": 4, "y": 3})
    assert lazy.chunks == ((3, 3), (4, 4))
    np.testing.assert_array_equal(lazy.compute().values, open_layer(tmp_path / "soc.tif").values)


def test_write_cog_is_a_valid_cog(tmp_path):
    values = np.linspace(0.0, 90.0, 600 * 600).reshape(600, 600)
    values[0, 0] = np.nan
    layer = grid(values, transform=Affine(0.01, 0.0, 0.0, 0.0, -0.01, 50.0)).astype(np.float64)
    write_cog(layer, tmp_path / "soc.tif")
    with rasterio.open(tmp_path / "soc.tif") as src:
        assert src.driver == "GTiff"
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.profile["tiled"]
        assert src.overviews(1)  # larger than one 512-pixel tile
        assert src.dtypes == ("float32",)
        assert np.isnan(src.nodata)
        assert src.tags()["units"] == "t C/ha"
        assert src.tags()["long_name"] == "soil organic carbon stock 0-30 cm"
    opened = open_layer(tmp_path / "soc.tif")
    assert_same_grid(opened, layer)
    np.testing.assert_array_equal(opened.values, layer.values.astype(np.float32))
    assert opened.attrs["units"] == "t C/ha"


def test_write_cog_needs_units_and_crs(tmp_path, layer):
    with pytest.raises(ValueError, match="units and long_name"):
        write_cog(layer.drop_attrs(), tmp_path / "a.tif")
    with pytest.raises(ValueError, match="no CRS"):
        write_cog(layer.drop_vars("spatial_ref"), tmp_path / "a.tif")


@pytest.mark.parametrize(("suffix", "writer"), FORMATS)
def test_cf_round_trip(tmp_path, layer, suffix, writer):
    dataset = layer.to_dataset()
    dataset["sd"] = (layer * 0.1).assign_attrs(units="t C/ha", long_name="standard deviation of soc")
    path = writer(dataset, tmp_path / f"map{suffix}", history="test map", source="unit test")
    opened = open_dataset(path)
    assert opened.rio.crs == layer.rio.crs
    assert opened.rio.transform() == TRANSFORM
    for name in ("soc", "sd"):
        np.testing.assert_array_equal(opened[name].values, dataset[name].values)
        assert_same_grid(opened[name], layer)
        assert opened[name].encoding["grid_mapping"] == "spatial_ref"
        assert opened[name].attrs["units"] == "t C/ha"
        assert opened[name].attrs["long_name"] == dataset[name].attrs["long_name"]
    assert "crs_wkt" in opened["spatial_ref"].attrs
    assert opened["spatial_ref"].attrs["grid_mapping_name"] == "latitude_longitude"
    assert opened["y"].attrs["standard_name"] == "latitude"
    assert opened["y"].attrs["units"] == "degrees_north"
    assert opened["x"].attrs["standard_name"] == "longitude"
    assert opened["x"].attrs["units"] == "degrees_east"
    assert opened.attrs["Conventions"] == CF_CONVENTIONS
    assert opened.attrs["history"].endswith("Z: test map")
    assert opened.attrs["source"] == "unit test"
    assert opened.attrs["institution"]
    assert opened.attrs["permille_version"] == __version__
    assert "Conventions" not in dataset.attrs  # the input is left as it was


@pytest.mark.parametrize(("suffix", "writer"), FORMATS)
def test_projected_round_trip_and_lazy_open(tmp_path, suffix, writer):
    laea = grid(
        np.arange(20.0).reshape(4, 5), transform=Affine(1000.0, 0, 4e6, 0, -1000.0, 3e6), crs="EPSG:3035"
    )
    path = writer(laea.chunk({"x": 2}).to_dataset(), tmp_path / f"laea{suffix}")
    lazy = open_dataset(path, chunks={"x": 2})
    assert lazy["soc"].chunks == ((4,), (2, 2, 1))
    assert lazy.rio.crs == laea.rio.crs
    np.testing.assert_array_equal(lazy["soc"].compute().values, laea.values)
    assert lazy["x"].attrs["standard_name"] == "projection_x_coordinate"
    assert lazy["y"].attrs["standard_name"] == "projection_y_coordinate"
    assert "written by permille" in lazy.attrs["history"]
    assert lazy.attrs["source"] == f"permille {__version__}"


def test_zarr_rewrite_of_a_rechunked_store(tmp_path, layer):
    write_zarr(layer.to_dataset(), tmp_path / "a.zarr")
    rechunked = open_dataset(tmp_path / "a.zarr", chunks={}).chunk({"x": 3})
    write_zarr(rechunked, tmp_path / "b.zarr")
    reopened = open_dataset(tmp_path / "b.zarr")
    np.testing.assert_array_equal(reopened["soc"].values, layer.values)
    assert reopened.attrs["history"].count("written by permille") == 2


def test_cf_writer_lists_variables_without_units(tmp_path, layer):
    dataset = layer.to_dataset()
    dataset["bare"] = layer.drop_attrs()
    with pytest.raises(ValueError, match="bare lacks units, long_name"):
        write_zarr(dataset, tmp_path / "a.zarr")


def test_open_dataset_rejects_unknown_formats(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset format"):
        open_dataset(tmp_path / "map.grib")


def test_align_lists_every_mismatch(layer):
    other = grid(np.zeros((4, 4)), transform=Affine(1000.0, 0, 0.0, 0, -1000.0, 1e6), crs="EPSG:3857")
    with pytest.raises(GridMismatchError) as error:
        align({"soc": layer, "clay": other, "same": layer.copy()})
    assert isinstance(error.value, ValueError)
    assert len(error.value.mismatches) == 3
    message = str(error.value)
    assert "'soc'" in message
    assert "clay: CRS EPSG:3857 vs EPSG:4326 of soc" in message
    assert (
        "clay: transform (1000.0, 0.0, 0.0, 0.0, -1000.0, 1000000.0) vs (0.5, 0.0, -5.0, 0.0, -0.5, 10.0)"
        in message
    )
    assert "clay: shape (4, 4) vs (6, 8) of soc" in message
    assert "same" not in message


def test_align_on_one_grid_gives_a_dataset(layer):
    aligned = align({"soc": layer, "sd": layer * 0.1})
    assert list(aligned.data_vars) == ["soc", "sd"]
    assert aligned.rio.crs == layer.rio.crs


def test_align_resamples_onto_the_first_grid(layer):
    mercator = grid(
        np.full((40, 40), 7.0), transform=Affine(50e3, 0, -1.0e6, 0, -50e3, 2.0e6), crs="EPSG:3857"
    )
    aligned = align({"soc": layer, "clay": mercator}, resampling="nearest")
    assert_same_grid(aligned["clay"], layer)
    assert aligned["clay"].shape == layer.shape
    np.testing.assert_array_equal(aligned["clay"].values, 7.0)


def test_nearest_upsampling_copies_the_coarse_cells(layer):
    coarse = grid(
        [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]],
        transform=TRANSFORM * Affine.scale(2),
    )
    aligned = align({"soc": layer, "coarse": coarse}, resampling="nearest")
    expected = np.repeat(np.repeat(coarse.values, 2, axis=0), 2, axis=1)
    np.testing.assert_array_equal(aligned["coarse"].values, expected)


def test_align_rejects_unknown_resampling(layer):
    with pytest.raises(ValueError, match="unknown resampling 'cubicish'"):
        align({"soc": layer}, resampling="cubicish")
