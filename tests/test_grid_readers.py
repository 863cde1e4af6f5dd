"""Readers of the real datasets' layouts on byte-faithful reproductions of their files (tests/formats.py):
values decoded in the platform's units with the documented conversion factors, nodata as NaN, resampling
onto the atlas grid, and a LayerReadError naming the file and the layer for every mismatch."""

import numpy as np
import pytest
import rasterio

from permille.grid import readers, regrid

from . import formats

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def _belgium():
    return regrid.atlas_grid(0.5, regrid.country_bbox("BEL"))


def test_gsocmap_float32_nodata_decodes_to_nan_in_t_c_per_ha(tmp_path):
    path = formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif")
    with rasterio.open(path) as src:
        raw = src.read(1)
        assert (
            src.dtypes[0] == "float32" and src.nodata == formats.FLOAT32_NODATA and src.crs.to_epsg() == 4326
        )
    da = readers.read_gsocmap(path, layer="gsocmap")
    assert da.attrs["units"] == "t C ha-1" and da.attrs["layer"] == "gsocmap"
    assert np.isnan(da.values[0, :3]).all() and np.isfinite(da.values[1:]).all()
    np.testing.assert_array_equal(da.values[1:], raw[1:].astype(np.float64))


def test_float32_nodata_as_minus_flt_max_is_accepted_too(tmp_path):
    flt_max = float(-np.finfo(np.float32).max)
    da = readers.read_gsocmap(formats.gsocmap(tmp_path / "g.tif", nodata=flt_max), layer="g")
    assert np.isnan(da.values[0, :3]).all() and np.isfinite(da.values[1:]).all()


def test_gsocseq_file_names_are_parsed():
    assert readers.gsocseq_product("GSOCseq_T0_Map030.tif") == {
        "product": "T0", "uncertainty": False, "depth_cm": (0, 30),
    }  # fmt: skip
    assert readers.gsocseq_product("x/GSOCseq_finalSOC_BAU_Map030.tif")["product"] == "finalSOC_BAU"
    assert readers.gsocseq_product("GSOCseq_T0_UncertaintyMap030.tif")["uncertainty"] is True
    assert readers.gsocseq_product("GSOCmap_1.5.0.tif") is None


@pytest.mark.parametrize(
    ("soil_property", "units", "divisor", "variable"),
    [("clay", "g/kg", 10, "clay"), ("bdod", "cg/cm³", 100, "bulk_density"), ("soc", "dg kg-1", 10, "soc_content"),
     ("ocs", "t/ha", 1, "soc_stock")],
)  # fmt: skip
def test_soilgrids_int16_homolosine_mapped_units_are_converted(
    tmp_path, soil_property, units, divisor, variable
):
    path = formats.soilgrids(tmp_path, soil_property, "0-30cm" if soil_property == "ocs" else "0-5cm")
    with rasterio.open(path) as src:
        raw = src.read(1)
        assert src.dtypes[0] == "int16" and src.nodata == -32768 and "Homolosine" in src.crs.to_wkt()
    da = readers.read_soilgrids(path, layer="sg", units=units)
    assert da.name == variable and np.isnan(da.values[0, 0])
    np.testing.assert_allclose(da.values[1:], raw[1:] / divisor)


def test_worldclim_twelve_monthly_files_form_a_climatology(tmp_path):
    paths = formats.worldclim(tmp_path, "tavg")
    da = readers.read_worldclim(paths[::-1], layer="wc-tavg", variable="tmp", units="°C")
    assert da.dims == ("month", "y", "x") and list(da["month"].values) == list(range(1, 13))
    assert np.isnan(da.values[:, -1, -1]).all()
    with rasterio.open(paths[6]) as src:
        np.testing.assert_array_equal(da.sel(month=7).values[:-1], src.read(1)[:-1].astype(np.float64))
    prec = readers.read_worldclim(
        formats.worldclim(tmp_path, "prec"), layer="wc-prec", variable="pre", units="mm"
    )
    assert prec.attrs["units"] == "mm month-1" and np.isnan(prec.values[0, -1, -1])


def test_cru_pet_mm_per_day_times_days_of_each_month(tmp_path):
    path = formats.cru(tmp_path, "pet", years=(2003, 2004))  # 2004 is a leap year
    da = readers.read_cru(path, layer="cru-pet", variable="pet", units="mm/day")
    per_day = formats.cru_value("pet", formats.pd.DatetimeIndex(["2003-02-16"]), 0.0, 50.0)[0, 0, 0]
    assert da.sel(month=2).values[1, 1] == pytest.approx(per_day * (28 + 29) / 2, rel=1e-6)
    assert da.attrs["units"] == "mm month-1" and da.attrs["period"] == [2003, 2004]
    assert np.isnan(da.sel(month=1).values[0, 0])  # the missing north-west cell (north first now)
    assert float(da["y"][0]) > float(da["y"][-1])


def test_cru_period_selects_whole_years(tmp_path):
    path = formats.cru(tmp_path, "tmp", years=(2001, 2003))
    assert readers.read_cru(
        path, layer="t", variable="tmp", units="degrees Celsius", period=(2002, 2002)
    ).attrs["period"] == [2002, 2002]
    with pytest.raises(readers.LayerReadError, match="no whole years"):
        readers.read_cru(path, layer="t", variable="tmp", units="degC", period=(1990, 1991))


def test_land_cover_classes_map_to_fao_classes_by_the_table(tmp_path):
    esa = readers.read_land_cover(formats.esacci(tmp_path / "esa.tif"), layer="esa", scheme="esacci")
    assert set(np.unique(esa.values[np.isfinite(esa.values)])) == {1.0, 2.0, 3.0, 4.0}  # 190, 10/30, 130, 60
    assert np.isnan(esa.values[0, 0])
    modis = readers.read_land_cover(formats.modis(tmp_path / "modis.tif"), layer="modis", scheme="modis")
    assert set(np.unique(modis.values[np.isfinite(modis.values)])) == {2.0, 4.0}  # croplands 12, forest 4
    table = readers.land_cover_mapping("esacci")
    assert table[130] == 3 and table[10] == 2 and table[60] == 4 and len(table) == 37


def test_resampling_onto_the_atlas_grid(tmp_path):
    grid = _belgium()
    soc = regrid.resample(readers.read_gsocmap(formats.gsocmap(tmp_path / "g.tif"), layer="g"), grid, "stock")
    lon, lat = np.meshgrid(grid["x"].values, grid["y"].values)
    np.testing.assert_allclose(soc.values, formats.soc_by_cell(lon, lat))  # constant on each atlas cell
    land = regrid.resample(
        readers.read_land_cover(formats.esacci(tmp_path / "e.tif"), layer="e", scheme="esacci"), grid, "class"
    )
    column = np.floor((lon + 180.0) / 0.5).astype(int) % 4
    np.testing.assert_array_equal(land.values, np.array([2.0, 3.0, 4.0, 1.0])[column])  # the 75 % class
    cru = readers.read_cru(formats.cru(tmp_path, "tmp"), layer="c", variable="tmp", units="degC")
    on_grid = regrid.resample(cru, grid, "climate")
    assert on_grid.attrs["resampling"] == "bilinear"  # same 0.5° lattice: the cell values themselves
    np.testing.assert_allclose(on_grid.values, cru.sel(y=grid["y"], x=grid["x"]).values, rtol=1e-6)
    wc = readers.read_worldclim(formats.worldclim(tmp_path, "tavg"), layer="w", variable="tmp", units="degC")
    assert regrid.resample(wc, grid, "climate").attrs["resampling"] == "average"  # 10′ onto 0.5°
    sg = readers.read_soilgrids(formats.soilgrids(tmp_path, "clay"), layer="s", units="g/kg")
    clay = regrid.resample(sg, grid, "stock")
    assert np.isfinite(clay.values).all() and 15.0 <= clay.values.min() and clay.values.max() <= 35.0


def test_atlas_grid_snaps_to_the_global_lattice():
    grid = regrid.atlas_grid(0.5, (2.6, 49.6, 6.4, 51.4))
    assert grid.rio.bounds() == (2.5, 49.5, 6.5, 51.5) and grid.shape == (4, 8)
    assert regrid.atlas_grid(10.0).shape == (18, 36)
    with pytest.raises(ValueError, match="must divide 180"):
        regrid.atlas_grid(0.7)
    with pytest.raises(ValueError, match="unknown country"):
        regrid.country_bbox("XXX")


# --- every mismatch is an error naming the file and the layer ---------------------------------------


def _gsoc(tmp_path, **kwargs):
    return formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif", **kwargs)


MISMATCHES = {
    "gsocmap nodata": (
        lambda d: _gsoc(d, nodata=-9999.0),
        lambda p: readers.read_gsocmap(p, layer="L"),
        r"nodata -9999; GSOCmap/GSOCseq float32 files use -3\.4e\+38",
    ),
    "gsocmap no nodata": (
        lambda d: _gsoc(d, nodata=None),
        lambda p: readers.read_gsocmap(p, layer="L"),
        "declares no nodata value",
    ),
    "gsocmap dtype": (
        lambda d: _gsoc(d, dtype="int16", nodata=-32768),
        lambda p: readers.read_gsocmap(p, layer="L"),
        "data type int16; GSOCmap/GSOCseq files are float32",
    ),
    "gsocmap crs": (
        lambda d: _gsoc(d, crs="EPSG:3035"),
        lambda p: readers.read_gsocmap(p, layer="L"),
        "CRS .*WGS84 latitude/longitude",
    ),
    "gsocmap units": (
        lambda d: _gsoc(d),
        lambda p: readers.read_gsocmap(p, layer="L", units="kg m-2"),
        "units 'kg m-2' in the catalogue",
    ),
    "soilgrids dtype": (
        lambda d: formats.soilgrids(d, "clay", dtype="float32", nodata=-32768),
        lambda p: readers.read_soilgrids(p, layer="L", units="g/kg"),
        "data type float32; SoilGrids files are int16",
    ),
    "soilgrids nodata": (
        lambda d: formats.soilgrids(d, "clay", nodata=0),
        lambda p: readers.read_soilgrids(p, layer="L", units="g/kg"),
        "nodata 0; SoilGrids int16 files use -32768",
    ),
    "soilgrids crs": (
        lambda d: formats.soilgrids(d, "clay", crs="EPSG:3857"),
        lambda p: readers.read_soilgrids(p, layer="L", units="g/kg"),
        "SoilGrids is Interrupted Goode Homolosine or EPSG:4326",
    ),
    "soilgrids units": (
        lambda d: formats.soilgrids(d, "clay"),
        lambda p: readers.read_soilgrids(p, layer="L", units="%"),
        "units '%' in the catalogue; SoilGrids clay values are in 'g/kg'",
    ),
    "worldclim month missing": (
        lambda d: formats.worldclim(d, "tavg", months=range(1, 12)),
        lambda p: readers.read_worldclim(p, layer="L", variable="tmp", units="degC"),
        r"months \[12\] missing",
    ),
    "worldclim grid": (
        lambda d: formats.worldclim(d, "tavg", shift=0.5),
        lambda p: readers.read_worldclim(p, layer="L", variable="tmp", units="degC"),
        "not on the grid of the January file",
    ),
    "cru units attribute": (
        lambda d: formats.cru(d, "pet", units="mm/month"),
        lambda p: readers.read_cru(p, layer="L", variable="pet", units="mm/day"),
        "pet units 'mm/month'; CRU TS pet is 'mm/day'",
    ),
    "cru missing value": (
        lambda d: formats.cru(d, "tmp", missing=np.float32(-999.0)),
        lambda p: readers.read_cru(p, layer="L", variable="tmp", units="degC"),
        "missing_value .*CRU TS uses 9.96921e\\+36",
    ),
    "cru variable": (
        lambda d: formats.cru(d, "pre"),
        lambda p: readers.read_cru(p, layer="L", variable="tmp", units="degC"),
        "has no variable 'tmp'",
    ),
    "esacci unknown class": (
        lambda d: formats.esacci(d / "esa.tif", extra_class=15),
        lambda p: readers.read_land_cover(p, layer="L", scheme="esacci"),
        r"class value\(s\) \[15\] are not in the esacci mapping table",
    ),
    "modis fill": (
        lambda d: formats.modis(d / "modis.tif", nodata=None),
        lambda p: readers.read_land_cover(p, layer="L", scheme="modis"),
        "declares no nodata value; MCD12Q1 uint8 files use 255",
    ),
}


@pytest.mark.parametrize("case", list(MISMATCHES))
def test_every_mismatch_names_the_file_and_the_layer(tmp_path, case):
    write, read, message = MISMATCHES[case]
    written = write(tmp_path)
    with pytest.raises(readers.LayerReadError, match=message) as caught:
        read(written)
    files = [str(p) for p in (written if isinstance(written, list) else [written])]
    assert caught.value.layer == "L" and caught.value.file in files
    assert caught.value.file in str(caught.value) and "'L'" in str(caught.value)
