"""The real default atlas from the bundled layers: the STAC items and their mapping tables, the stock-error
conversion, country means against an independent computation from the SOURCE rasters of ../shared/data (true
ellipsoidal cell areas, polygons rasterized here), the 4‰ target and Tier 1 arithmetic, and the pixel
maps, point values and areas of interest of the API."""

import csv
import hashlib
import json
from importlib.resources import files

import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
from fastapi.testclient import TestClient
from rasterio.features import rasterize
from shapely.geometry import shape
from sqlalchemy import create_engine

from permille.api.app import create_app
from permille.grid import layer_files, real_atlas, real_layers
from permille.models.ipcc.categories import ClimateZone, SoilClass
from permille.models.ipcc.coefficients import socref

from .conftest import shared_path

LAYERS = files("permille") / "data" / "layers"
NEW = ("sanderman2017_soc_stocks", "zobler1986_ipcc_soil_class", "gldas_topsoil_clay", "modis_mcd12c1_2019")
SUMMARY = files("permille") / "data" / "atlas_real" / "summary.csv"


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return pd.read_csv(SUMMARY, keep_default_na=False, na_values=[""], dtype={"depth_cm": str, "region": str})


def _get(summary, zone, quantity, cover="all", depth="0-30"):
    row = summary[
        (summary.zone == zone)
        & (summary.quantity == quantity)
        & (summary.cover == cover)
        & (summary.depth_cm == depth)
    ]
    assert len(row) == 1, (zone, quantity, cover, depth)
    return row.iloc[0]


@pytest.mark.parametrize("layer_id", NEW)
def test_items_have_source_licence_units_resolution_and_checksums(layer_id):
    item = json.loads((LAYERS / layer_id / "item.json").read_text(encoding="utf-8"))
    p = item["properties"]
    assert (
        p["permille:synthetic"] is False
        and p["license"]
        and p["permille:source"]
        and p["units"]
        and p["resolution"]
    )
    assert (LAYERS / layer_id / "PROVENANCE.md").is_file()
    for asset in item["assets"].values():
        digest = hashlib.sha256((LAYERS / layer_id / asset["href"]).read_bytes()).hexdigest()
        assert asset["file:checksum"] == f"sha256:{digest}", asset["href"]


def test_package_data_stays_under_40_mb():
    root = files("permille") / "data"
    total = sum(f.stat().st_size for folder in (*NEW, "atlas_real") for f in _walk(root, folder))
    assert total < 40e6, total


def _walk(root, folder):
    from pathlib import Path

    return [
        p
        for p in Path(str(root / "layers" / folder if folder in NEW else root / folder)).rglob("*")
        if p.is_file()
    ]


def test_zobler_mapping_has_a_class_and_a_reason_for_every_unit_of_the_grid():
    rows = list(
        csv.DictReader((LAYERS / "zobler1986_ipcc_soil_class" / "fao74_to_ipcc.csv").read_text().splitlines())
    )
    by_code = {int(r["code"]): r for r in rows}
    with rasterio.open(
        shared_path("data/zobler1986-fao74-soil-units-1deg/zobler_fao_soil_units_106_1deg.tif")
    ) as src:
        units = set(np.unique(src.read(1)).tolist()) - {src.nodata}
    assert units <= set(by_code)
    assert all(r["reason"] for r in rows)
    classes = {r["name"].split()[-1]: r["ipcc_soil_class"] for r in rows if r["ipcc_soil_class"]}
    assert (
        classes["PODZOL"] == "spodic" and classes["ANDOSOL"] == "volcanic" and classes["ARENOSOL"] == "sandy"
    )
    assert (
        classes["GLEYSOL"] == "wetland" and classes["FERRALSOL"] == "LAC" and classes["HISTOSOL"] == "organic"
    )
    assert classes["CHERNOZEM"] == "HAC"


def test_igbp_table_maps_every_class():
    table = layer_files.igbp_table()
    assert sorted(table.index) == list(range(17))
    assert table.at[12, "atlas_cover"] == "cropland" and table.at[10, "atlas_cover"] == "grassland"
    assert table.at[2, "atlas_cover"] == "forest" and table.at[15, "atlas_cover"] == ""


def test_glaciers_are_masked_in_the_clay_layer():
    fine = real_layers.fine_layers()
    rows, cols = real_layers.centres(fine.transform, fine.shape)
    r, c = np.argmin(np.abs(rows - 75.0)), np.argmin(np.abs(cols + 40.0))  # central Greenland ice sheet
    assert np.isnan(fine.clay[r, c]) and fine.igbp[r, c] == 15
    r, c = np.argmin(np.abs(rows - 41.5)), np.argmin(np.abs(cols + 93.5))  # Iowa
    assert 15 < fine.clay[r, c] < 40


def test_stock_sd_from_the_oc_density_errors():
    sd30, sd100 = layer_files.stock_sd(np.array([20.0]), np.array([10.0]))
    # mean density error 15 kg/m³ over 0.3 m = 4.5 kg/m² = 45 t/ha of expected |error|; SD = √(π/2) × that
    assert sd30[0] == pytest.approx(np.sqrt(np.pi / 2) * 45.0)
    assert sd100[0] == pytest.approx(sd30[0] + np.sqrt(np.pi / 2) * 70.0)


def _ellipsoid_row_areas_ha(transform, ny: int) -> np.ndarray:
    """Area of one cell per row on the WGS84 ellipsoid (pyproj.Geod polygon areas), ha."""
    geod = pyproj.Geod(ellps="WGS84")
    out = np.empty(ny)
    for row in range(ny):
        north, south = transform.f + transform.e * row, transform.f + transform.e * (row + 1)
        lons = [0.0, transform.a, transform.a, 0.0]
        out[row] = abs(geod.polygon_area_perimeter(lons, [south, south, north, north])[0]) / 1e4
    return out


@pytest.mark.parametrize("iso3", ["FRA", "KEN", "BRA", "DEU", "IND"])
def test_country_means_equal_an_independent_computation_from_the_source_raster(summary, iso3):
    source = shared_path("data/sanderman2017-soc-stocks-5arcmin/SOCS_0_30cm_year_2010AD_10km.tif")
    with rasterio.open(source) as src:
        values = src.read(1).astype(float)
        values[values == src.nodata] = np.nan
        transform = src.transform
    boundaries = json.loads((files("permille") / "data" / "boundaries" / "countries_50m.geojson").read_text())
    geometries = [shape(f["geometry"]) for f in boundaries["features"] if f["properties"]["iso3"] == iso3]
    inside = rasterize([(g, 1) for g in geometries], out_shape=values.shape, transform=transform) == 1
    area = np.broadcast_to(_ellipsoid_row_areas_ha(transform, values.shape[0])[:, None], values.shape)
    valid = inside & np.isfinite(values)
    expected = (values[valid] * area[valid]).sum() / area[valid].sum()
    mean = _get(summary, iso3, "stock_mean")
    assert mean["estimate"] == pytest.approx(expected, rel=0.02)
    assert mean["low"] < mean["estimate"] < mean["high"]
    total = _get(summary, iso3, "stock_total")
    assert total["estimate"] == pytest.approx((values[valid] * area[valid]).sum() / 1e6, rel=0.02)


def test_the_target_is_0_4_percent_of_the_agricultural_topsoil_stock(summary):
    for zone in ("FRA", "WLD", "Africa"):
        stock = sum(
            _get(summary, zone, "stock_total", cover)["estimate"] for cover in ("cropland", "grassland")
        )
        target = _get(summary, zone, "target_c", "cropland+grassland")
        assert target["estimate"] == pytest.approx(0.004 * stock, rel=1e-4)
        assert _get(summary, zone, "target_co2e", "cropland+grassland")["estimate"] == pytest.approx(
            target["estimate"] * 44 / 12, rel=1e-4
        )


def test_tier1_of_a_forest_pixel_is_its_socref():
    fine = real_layers.fine_layers()
    forest = np.argwhere((fine.igbp == 2) & (fine.soil_class == 2) & (fine.climate_zone == 1))[
        0
    ]  # LAC, tropical wet
    rows, cols = slice(forest[0], forest[0] + 1), slice(forest[1], forest[1] + 1)
    table = real_atlas.summarise_window(real_atlas.Window(rows, cols, np.ones((1, 1), dtype=np.int32), ["p"]), "area",
                                        ["p"], [""], _potential())  # fmt: skip
    row = table[(table.quantity == "tier1_mean") & (table.cover == "all")].iloc[0]
    assert row["estimate"] == pytest.approx(socref(ClimateZone.TROPICAL_WET, SoilClass.LAC).value)


def _potential():
    from permille.grid import atlas_maps

    return atlas_maps.potential()


def test_potential_grows_with_the_input_increase(summary):
    gains = [
        _get(summary, "FRA", f"potential_total_{s}", "modelled")["estimate"] for s in real_atlas.SCENARIOS
    ]
    assert 0 < gains[0] < gains[1] < gains[2]
    assert gains[1] == pytest.approx(2 * gains[0], rel=0.05)  # RothC is affine in the input


# --- the API -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    path = tmp_path_factory.mktemp("atlas") / "registry.db"
    engine = create_engine(f"sqlite:///{path}")
    with TestClient(create_app(engine)) as client:
        yield client
    engine.dispose()


def test_country_summary_has_stock_target_tier1_and_potential_with_sources(api):
    answer = api.get("/api/atlas/summary/FRA").json()
    assert answer["synthetic"] is False and answer["name"] == "France"
    stock = answer["figures"]["stock_mean"]["all"]["0-30"]
    assert stock["low"] < stock["estimate"] < stock["high"] and stock["units"] == "t C ha-1"
    assert answer["figures"]["target_co2e"]["cropland+grassland"]["0-30"]["estimate"] > 0
    assert answer["figures"]["tier1_mean"]["all"]["0-30"]["estimate"] > 0
    assert set(answer["sources"]) == {"stock", "debt", "target", "tier1", "potential"}
    assert "Sanderman" in answer["sources"]["stock"]
    assert api.get("/api/atlas/summary/XXX").status_code == 404


def test_default_monitoring_dataset_is_the_real_atlas(api):
    answer = api.get("/api/monitoring/global").json()
    assert answer["dataset"]["synthetic"] is False and answer["dataset"]["name"].startswith("atlas-real-")


def test_layer_png_and_legend(api):
    layers = api.get("/api/atlas/layers").json()["items"]
    names = {layer["name"] for layer in layers}
    assert {"stock_0_30", "uncertainty_0_30", "debt_0_30", "potential_10", "land_cover", "soil_class",
            "climate_zone", "clay"} <= names  # fmt: skip
    answer = api.get("/api/atlas/layers/stock_0_30.png?bbox=-5.5,41,10,51.5")
    assert answer.status_code == 200 and answer.content[:8] == b"\x89PNG\r\n\x1a\n"
    west, south, east, north = (float(v) for v in answer.headers["X-Bounds"].split(","))
    assert west <= -5.5 and east >= 10 and south <= 41 and north >= 51.5
    assert api.get("/api/atlas/layers/nope.png").status_code == 404
    assert api.get("/api/atlas/layers/clay.png?bbox=10,0,5,1").status_code == 422


def test_point_values_with_sources(api):
    answer = api.get("/api/atlas/point?lat=48.0&lon=2.0").json()  # Beauce, France: cropland
    values = {v["layer"]: v for v in answer["values"]}
    assert 20 < values["stock_0_30"]["value"] < 150 and values["land_cover"]["label"] == "cropland"
    assert values["soil_class"]["label"] in {
        "HAC",
        "LAC",
        "sandy",
        "spodic",
        "volcanic",
        "wetland",
        "organic",
    }
    assert all(v["source"] for v in answer["values"])
    sea = api.get("/api/atlas/point?lat=0&lon=-30").json()
    assert {v["layer"]: v for v in sea["values"]}["stock_0_30"]["value"] is None
    assert api.get("/api/atlas/point?lat=95&lon=0").status_code == 422


SQUARE = {"type": "Polygon", "coordinates": [[[1, 47], [3, 47], [3, 49], [1, 49], [1, 47]]]}


def test_area_of_interest_statistics_and_downloads(api):
    answer = api.post("/api/atlas/area", json=SQUARE)
    assert answer.status_code == 200, answer.text
    stock = answer.json()["figures"]["stock_mean"]["all"]["0-30"]
    assert stock["low"] < stock["estimate"] < stock["high"]
    assert 3.0e6 < stock["area_ha"] < 3.4e6  # 2° × 2° at 48° N ≈ 3.3 Mha
    fine = real_layers.fine_layers()
    r0, c0 = round((90 - 49) * 12), round((180 + 1) * 12)
    block = fine.stocks["soc_0_30_2010"][r0 : r0 + 24, c0 : c0 + 24]
    assert stock["estimate"] == pytest.approx(
        np.nanmean(block), rel=0.01
    )  # near-equal areas in 2° of latitude
    text = api.post("/api/atlas/area?format=csv", json=SQUARE)
    assert text.headers["content-type"].startswith("text/csv") and "stock_mean" in text.text
    feature = api.post("/api/atlas/area?format=geojson", json={"type": "Feature", "geometry": SQUARE}).json()
    assert feature["type"] == "Feature" and feature["properties"]["statistics"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "Point", "coordinates": [1, 2]}, "geometry 1"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0]]]}, "geometry"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[-170, -60], [170, -60], [170, 80], [-170, 80], [-170, -60]]],
            },
            "geometry",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [0, 1], [0, 0]]]}, "coordinates"),
        ({"type": "FeatureCollection", "features": []}, "features"),
    ],
)
def test_area_of_interest_errors_name_the_field(api, body, field):
    answer = api.post("/api/atlas/area", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["message"].startswith(f"{field}:")


def test_area_vertex_limit(api):
    n = 6000
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = [[2 + np.cos(a), 47 + np.sin(a)] for a in angles] + [[3.0, 47.0]]
    answer = api.post("/api/atlas/area", json={"type": "Polygon", "coordinates": [ring]})
    assert answer.status_code == 422 and "vertices" in answer.json()["error"]["message"]


def test_potential_maps_are_identical_on_a_dask_local_cluster():
    """The distributed scheduler (in-process workers here, with the inputs persisted on them;
    tests/test_grid_cluster.py runs worker processes, benchmarks/bench_real_atlas.py the whole build on
    them) gives the threaded scheduler's results to the bit."""
    from distributed import Client, LocalCluster

    dataset = real_layers.pipeline_inputs(1.0).sel(y=slice(51, 41), x=slice(-5, 10))
    params = real_atlas.Parameters(members=3)
    threads = real_atlas.potential_maps(params, dataset, chunk=(4, 4))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster):
            cluster_result = real_atlas.potential_maps(params, dataset, chunk=(4, 4))
    assert int(np.isfinite(threads["diff_ssm_10"]).sum()) > 50
    for name in ("soc_t0", "diff_ssm_5", "diff_ssm_20", "diff_ssm_10_sd", "rate_bau"):
        np.testing.assert_array_equal(threads[name].values, cluster_result[name].values)
