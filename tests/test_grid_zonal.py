"""Zonal statistics of permille.grid: cell areas, zones rasterized from polygons, and per-zone totals and
means with their uncertainty, checked by hand on tiny grids."""

import json
import math

import numpy as np
import pandas as pd
import pyproj
import pytest
import xarray as xr
from affine import Affine
from shapely.geometry import box, mapping

from permille.grid.io import GridMismatchError
from permille.grid.zonal import (
    COLUMNS,
    EARTH_AUTHALIC_RADIUS_M,
    cell_area_ha,
    rasterize_zones,
    to_records,
    zonal_stats,
)

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # affine's `*` inside rioxarray

R = EARTH_AUTHALIC_RADIUS_M
COARSE = Affine(30.0, 0.0, -60.0, 0.0, -30.0, 90.0)
"""30° cells: columns 60° W–60° E, rows 90–60° N, 60–30° N, 30–0° N."""


def grid(values, transform: Affine, crs="EPSG:4326") -> xr.DataArray:
    """A (y, x) layer of ``values`` on the grid of ``transform``."""
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    x = transform.c + transform.a * (np.arange(nx) + 0.5)
    y = transform.f + transform.e * (np.arange(ny) + 0.5)
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, attrs={"units": "t C/ha"})
    return da.rio.write_crs(crs) if crs else da


def test_one_degree_cell_at_the_equator():
    one_degree = Affine(1.0, 0, 0.0, 0, -1.0, 1.0)
    area = cell_area_ha(grid([[0.0]], one_degree).rio.write_transform(one_degree))
    by_hand_m2 = R**2 * math.radians(1.0) * (math.sin(math.radians(1.0)) - math.sin(0.0))
    assert area.item() == pytest.approx(by_hand_m2 / 1e4, rel=1e-12)
    assert area.item() / 100 == pytest.approx(12_364, abs=1)  # km²
    assert area.attrs["units"] == "ha"


def test_the_globe_sums_to_the_sphere():
    area = cell_area_ha(grid(np.zeros((180, 360)), Affine(1.0, 0, -180.0, 0, -1.0, 90.0)))
    assert area.sum().item() == pytest.approx(4 * math.pi * R**2 / 1e4, rel=1e-12)
    np.testing.assert_allclose(area[:, 0], area[:, 179])  # rows of equal area
    assert area[89, 0] > area[0, 0] * 50  # equatorial cells dwarf polar ones


def test_projected_cell_areas():
    laea = cell_area_ha(grid(np.zeros((2, 3)), Affine(250.0, 0, 4e6, 0, -500.0, 3e6), crs="EPSG:3035"))
    np.testing.assert_array_equal(laea, 12.5)  # 250 m × 500 m = 12.5 ha
    assert laea.dims == ("y", "x")
    feet = cell_area_ha(grid(np.zeros((2, 2)), Affine(1000.0, 0, 9e5, 0, -1000.0, 2e5), crs="EPSG:2263"))
    np.testing.assert_allclose(feet, (1000 * 1200 / 3937) ** 2 / 1e4, rtol=1e-12)  # US survey feet


@pytest.mark.parametrize(
    ("crs", "message"),
    [(None, "no CRS"), ("EPSG:4807", r"units \['grad'\]")],  # NTF (Paris) is in grads
)
def test_cell_areas_need_known_units(crs, message):
    with pytest.raises(ValueError, match=message):
        cell_area_ha(grid(np.zeros((2, 2)), COARSE, crs=crs))


# The hand-checked example: 3 × 4 cells of 30°, zone "west" the two left columns, "east" the two right ones,
# one NaN cell in the west. Cell areas by row (spherical zones): R² · π/6 · Δ sin φ.
VALUES = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, np.nan, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])
SD = np.array([[0.5, 0.5, 1.0, 1.0], [0.5, 0.5, 1.0, 1.0], [2.0, 2.0, 1.0, 1.0]])
ROW_AREA_HA = R**2 * (math.pi / 6) * np.array([1 - math.sqrt(3) / 2, math.sqrt(3) / 2 - 0.5, 0.5]) / 1e4
ZONES = np.array([[1, 1, 2, 2]] * 3)


def test_a_one_row_grid_needs_its_transform():
    row = grid(np.zeros((1, 4)), COARSE)
    with pytest.raises(ValueError, match="one row or column needs its transform stored"):
        cell_area_ha(row)
    np.testing.assert_allclose(cell_area_ha(row.rio.write_transform(COARSE)), ROW_AREA_HA[0], rtol=1e-12)


def by_hand(zone_id: int, correlation: str) -> dict[str, float]:
    """The statistics of one zone, cell by cell."""
    cells = [(i, j) for i in range(3) for j in range(4) if ZONES[i, j] == zone_id]
    valid = [(i, j) for i, j in cells if not math.isnan(VALUES[i, j])]
    area = sum(ROW_AREA_HA[i] for i, _ in valid)
    total_t = sum(VALUES[i, j] * ROW_AREA_HA[i] for i, j in valid)
    sd_terms = [SD[i, j] * ROW_AREA_HA[i] for i, j in valid]
    sd_total_t = math.sqrt(sum(t * t for t in sd_terms)) if correlation == "independent" else sum(sd_terms)
    return {
        "n_cells": len(cells),
        "n_valid": len(valid),
        "zone_area_ha": sum(ROW_AREA_HA[i] for i, _ in cells),
        "area_ha": area,
        "total_mt_c": total_t / 1e6,
        "mean_t_c_ha": total_t / area,
        "sd_total_mt_c": sd_total_t / 1e6,
        "sd_mean_t_c_ha": sd_total_t / area,
    }


@pytest.fixture
def zones() -> xr.DataArray:
    return grid(ZONES, COARSE).astype(np.int32).assign_attrs(zone_names=["west", "east"])


@pytest.mark.parametrize("correlation", ["independent", "full"])
def test_zonal_stats_by_hand(zones, correlation):
    table = zonal_stats(grid(VALUES, COARSE), zones, sd_t_c_ha=grid(SD, COARSE), correlation=correlation)
    assert list(table.index) == ["west", "east"]
    assert list(table.columns) == list(COLUMNS)
    assert table.attrs["correlation"] == correlation
    for name, zone_id in (("west", 1), ("east", 2)):
        row, expected = table.loc[name], by_hand(zone_id, correlation)
        assert row["zone_id"] == zone_id
        for column, value in expected.items():
            assert row[column] == pytest.approx(value, rel=1e-12), column
        assert row["covered_fraction"] == pytest.approx(
            expected["area_ha"] / expected["zone_area_ha"], rel=1e-12
        )
        half_width = 1.959964 * expected["sd_total_mt_c"]
        assert row["total_low_mt_c"] == pytest.approx(expected["total_mt_c"] - half_width, rel=1e-6)
        assert row["total_high_mt_c"] == pytest.approx(expected["total_mt_c"] + half_width, rel=1e-6)
        half_width = 1.959964 * expected["sd_mean_t_c_ha"]
        assert row["mean_low_t_c_ha"] == pytest.approx(expected["mean_t_c_ha"] - half_width, rel=1e-6)
        assert row["mean_high_t_c_ha"] == pytest.approx(expected["mean_t_c_ha"] + half_width, rel=1e-6)
    assert table.loc["west", "n_valid"] == 5
    assert table.loc["west", "covered_fraction"] < 1.0
    assert table.loc["east", "covered_fraction"] == 1.0


def test_full_correlation_widens_the_interval(zones):
    value, sd = grid(VALUES, COARSE), grid(SD, COARSE)
    independent = zonal_stats(value, zones, sd_t_c_ha=sd, correlation="independent")
    full = zonal_stats(value, zones, sd_t_c_ha=sd, correlation="full")
    assert (full["sd_total_mt_c"] > independent["sd_total_mt_c"]).all()
    pd.testing.assert_series_equal(full["total_mt_c"], independent["total_mt_c"])


def test_without_sd_no_uncertainty_columns(zones):
    table = zonal_stats(grid(VALUES, COARSE), zones)
    assert list(table.columns) == list(COLUMNS)[:8]
    assert table.loc["east", "mean_t_c_ha"] == pytest.approx(by_hand(2, "full")["mean_t_c_ha"], rel=1e-12)


def test_zones_without_names_are_the_ids_present():
    zones = grid(np.where(ZONES == 2, 7, 0), COARSE).astype(np.int32)
    table = zonal_stats(grid(VALUES, COARSE), zones)
    assert list(table.index) == [7]
    assert table.loc[7, "total_mt_c"] == pytest.approx(by_hand(2, "full")["total_mt_c"], rel=1e-12)


def test_dask_and_numpy_give_equal_tables(zones):
    value, sd = grid(VALUES, COARSE), grid(SD, COARSE)
    eager = zonal_stats(value, zones, sd_t_c_ha=sd)
    lazy = zonal_stats(value.chunk({"x": 2, "y": 2}), zones, sd_t_c_ha=sd.chunk({"x": 3}))
    pd.testing.assert_frame_equal(lazy, eager, check_exact=False, rtol=1e-12)


def test_zonal_stats_checks_its_inputs(zones):
    value = grid(VALUES, COARSE)
    with pytest.raises(ValueError, match="unknown correlation 'some'"):
        zonal_stats(value, zones, sd_t_c_ha=value, correlation="some")
    shifted = grid(ZONES, COARSE * Affine.translation(1, 0))
    with pytest.raises(GridMismatchError, match="zones: transform"):
        zonal_stats(value, shifted)


def test_rasterize_zones_from_polygons_by_cell_centre():
    like = grid(VALUES, COARSE)
    zones = rasterize_zones(
        {
            "west": box(-60, 0, 0, 90),
            "east": box(0, 0, 60, 90),
            "sliver": box(-60, 0, -50, 90),  # covers a third of column 0 but no cell centre
        },
        like,
    )
    expected = np.array([[1, 1, 2, 2]] * 3)
    np.testing.assert_array_equal(zones.values, expected)
    assert zones.attrs["zone_names"] == ["west", "east", "sliver"]
    assert zones.rio.crs == like.rio.crs
    table = zonal_stats(like, zones)
    assert table.loc["sliver", "n_cells"] == 0
    assert math.isnan(table.loc["sliver", "total_mt_c"])
    assert table.loc["sliver", "zone_area_ha"] == 0.0


def test_rasterize_zones_from_geojson():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"region": "west"}, "geometry": mapping(box(-60, 30, 0, 90))},
            {"type": "Feature", "properties": {"region": "west"}, "geometry": mapping(box(-60, 0, -30, 30))},
            {"type": "Feature", "properties": {"region": "east"}, "geometry": mapping(box(0, 0, 60, 90))},
        ],
    }
    zones = rasterize_zones(collection, grid(VALUES, COARSE), name_property="region")
    assert zones.attrs["zone_names"] == ["west", "east"]
    np.testing.assert_array_equal(zones.values, [[1, 1, 2, 2], [1, 1, 2, 2], [1, 0, 2, 2]])
    with pytest.raises(ValueError, match="feature 0 has no 'name' property"):
        rasterize_zones(collection, grid(VALUES, COARSE))


def test_rasterize_zones_reprojects_lon_lat_polygons():
    mercator = grid(np.zeros((8, 8)), Affine(250e3, 0, -1e6, 0, -250e3, 1e6), crs="EPSG:3857")
    zones = rasterize_zones({"square": box(0, 0, 5, 5)}, mercator, geometry_crs="EPSG:4326")
    to_lon_lat = pyproj.Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    x, y = np.meshgrid(mercator["x"], mercator["y"])
    lon, lat = to_lon_lat.transform(x, y)
    inside = (lon > 0) & (lon < 5) & (lat > 0) & (lat < 5)
    assert inside.sum() == 4
    np.testing.assert_array_equal(zones.values, inside.astype(int))


def test_records_are_json_ready(zones):
    value = grid(VALUES, COARSE)
    table = zonal_stats(value, rasterize_zones({"west": box(-60, 0, 0, 90), "tiny": box(0, 0, 1, 1)}, value))
    records = to_records(table)
    assert [record["zone"] for record in records] == ["west", "tiny"]
    assert records[1]["total_mt_c"] is None
    assert records[0]["n_valid"] == 5
    json.dumps(records, allow_nan=False)


def test_bundled_countries_and_the_initiatives_five_regions():
    from permille.grid.zonal import builtin_zones

    countries, name = builtin_zones("countries")
    props = {f["properties"]["name"]: f["properties"] for f in countries["features"]}
    assert name == "name" and props["France"]["region"] == "Europe" and props["Kenya"]["region"] == "Africa"
    assert props["Brazil"]["region"] == "Latin America and the Caribbean"
    assert props["Australia"]["region"] == props["Canada"]["region"] == "North America and Oceania"
    regions, name = builtin_zones("regions")
    assert name == "region" and {f["properties"]["region"] for f in regions["features"]} == {
        "Africa", "Asia", "Europe", "Latin America and the Caribbean", "North America and Oceania"
    }  # fmt: skip
    lon = np.arange(-179.5, 180, 1.0)
    lat = np.arange(89.5, -90, -1.0)
    globe = xr.DataArray(np.ones((lat.size, lon.size)), coords={"y": lat, "x": lon}, dims=("y", "x"))
    globe = globe.rio.write_crs("EPSG:4326")
    ids = rasterize_zones(regions, globe, name_property="region")
    table = zonal_stats(globe, ids)
    africa_mha = table.loc["Africa", "area_ha"] / 1e6
    assert 2800 < africa_mha < 3200  # Africa is about 30 million km²
    assert (table.area_ha > 0).all()
    with pytest.raises(ValueError, match="unknown zones 'continents'"):
        builtin_zones("continents")
