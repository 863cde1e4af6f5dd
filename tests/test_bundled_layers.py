"""The real layers bundled as catalogue items (``permille/data/layers``): STAC items of contract 6 whose
checksums match their files, a Köppen-Geiger grid that places known places in their textbook classes, an
ERA5 climatology that agrees with Rothamsted's station normals, and an IPCC climate-zone grid that follows
the IPCC rules from that climatology."""

import csv
import hashlib
import json
from importlib.resources import files

import numpy as np
import pytest
import rasterio

from permille.models.ipcc.categories import ClimateZone

LAYERS = files("permille") / "data" / "layers"
BUNDLED = ("koppen_geiger_1986_2010", "era5_climatology_2000_2025", "ipcc_climate_zone_era5")
PROPERTIES = (
    "title", "description", "variable", "units", "depth_cm", "resolution", "start_datetime", "end_datetime",
    "license", "version", "providers", "sci:doi", "permille:source", "permille:uncertainty_layer",
    "permille:date_added", "permille:synthetic",
)  # fmt: skip


def _item(layer_id: str) -> dict:
    return json.loads((LAYERS / layer_id / "item.json").read_text(encoding="utf-8"))


def _csv(path) -> list[dict]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.mark.parametrize("layer_id", BUNDLED)
def test_items_follow_the_catalogue_contract(layer_id):
    item = _item(layer_id)
    assert item["type"] == "Feature" and item["stac_version"] == "1.0.0" and item["id"] == layer_id
    assert set(PROPERTIES) <= set(item["properties"]) and item["properties"]["permille:synthetic"] is False
    assert (LAYERS / layer_id / "PROVENANCE.md").is_file()
    for asset in item["assets"].values():
        digest = hashlib.sha256((LAYERS / layer_id / asset["href"]).read_bytes()).hexdigest()
        assert asset["file:checksum"] == f"sha256:{digest}", asset["href"]


def _read(layer_id: str, name: str, resolution: float = 1 / 12):
    with rasterio.open(LAYERS / layer_id / name) as source:
        assert source.crs.to_epsg() == 4326 and source.res == pytest.approx((resolution, resolution))
        return source.read(), source.tags() | source.tags(1), source.index, source.scales[0]


@pytest.mark.parametrize(
    ("place", "lat", "lon", "koppen"),
    [
        ("Manaus", -3.1, -60.0, "Af"),
        ("Cairo", 30.0, 31.2, "BWh"),
        ("Rothamsted", 51.8, -0.36, "Cfb"),
        ("Seville", 37.4, -6.0, "Csa"),
        ("Moscow", 55.75, 37.6, "Dfb"),
        ("Darwin", -12.46, 130.84, "Aw"),
    ],
)
def test_koppen_grid_places_known_places(place, lat, lon, koppen):
    classes, tags, index, _ = _read("koppen_geiger_1986_2010", "koppen_geiger_5arcmin.tif")
    row, col = index(lon, lat)
    assert tags[f"class_{classes[0, row, col]}"] == koppen, place


ROTHAMSTED_1991_2020 = {
    "tmp": [4.31, 4.54, 6.56, 8.94, 11.91, 14.86, 17.16, 16.97, 14.36, 10.91, 7.16, 4.69],
    "pre": [74.1, 56.9, 47.1, 54.0, 53.3, 54.8, 55.5, 72.0, 57.7, 81.3, 81.2, 75.6],
}
"""Rothamsted's station normals 1991–2020, mean temperature (°C) and rain (mm) by month (Rothamsted
Research e-RA, CC BY 4.0; shared/reference/rothamsted/rothamsted_30yr_means_1991-2020.csv)."""


def test_era5_climatology_agrees_with_the_rothamsted_station():
    tmp, _, index, tmp_scale = _read("era5_climatology_2000_2025", "tmp_monthly_0p5deg.tif", 0.5)
    pre, _, _, pre_scale = _read("era5_climatology_2000_2025", "pre_monthly_0p5deg.tif", 0.5)
    row, col = index(-0.36, 51.81)
    cell_tmp, cell_pre = tmp[:, row, col] * tmp_scale, pre[:, row, col] * pre_scale
    station_tmp, station_pre = np.array(ROTHAMSTED_1991_2020["tmp"]), np.array(ROTHAMSTED_1991_2020["pre"])
    assert abs(cell_tmp.mean() - station_tmp.mean()) < 1.0  # a 0.5° cell, 2000–2025 against 1991–2020
    assert np.abs(cell_tmp - station_tmp).max() < 1.5 and np.corrcoef(cell_tmp, station_tmp)[0, 1] > 0.99
    assert abs(cell_pre.sum() / station_pre.sum() - 1) < 0.15
    assert (tmp[0] == -32768).mean() > 0.6  # ocean cells are nodata


@pytest.mark.parametrize(
    ("place", "lat", "lon", "zone"),
    [
        ("Manaus", -3.1, -60.0, "tropical wet"),
        ("Cairo", 30.0, 31.2, "tropical dry"),
        ("Madrid", 40.42, -3.7, "warm temperate dry"),
        ("Munich", 48.14, 11.58, "cool temperate moist"),
        ("Yakutsk", 62.0, 129.7, "boreal dry"),
        ("Addis Ababa", 9.0, 38.75, "tropical montane"),
    ],
)
def test_ipcc_zones_of_known_places(place, lat, lon, zone):
    zones, tags, index, _ = _read("ipcc_climate_zone_era5", "ipcc_climate_zone_5arcmin.tif")
    row, col = index(lon, lat)
    assert tags[f"class_{zones[0, row, col]}"] == zone, place


def test_ipcc_zones_cover_the_koppen_land_with_the_categories_of_the_models():
    koppen, *_ = _read("koppen_geiger_1986_2010", "koppen_geiger_5arcmin.tif")
    zones, tags, *_ = _read("ipcc_climate_zone_era5", "ipcc_climate_zone_5arcmin.tif")
    assert np.array_equal(koppen > 0, zones > 0)
    table = {
        int(r["code"]): r["ipcc_climate_zone"] for r in _csv(LAYERS / "ipcc_climate_zone_era5" / "zones.csv")
    }
    assert set(table.values()) == {z.value for z in ClimateZone}
    assert {tags[f"class_{code}"] for code in table} == set(table.values())
    assert set(np.unique(zones[zones > 0])) == set(table)  # every zone occurs somewhere
    assert 0.25 < (koppen > 0).mean() < 0.35  # land is about 29 % of the globe


def test_country_shares_add_up():
    for layer_id, column in (
        ("koppen_geiger_1986_2010", "class"),
        ("ipcc_climate_zone_era5", "ipcc_climate_zone"),
    ):
        totals: dict[str, float] = {}
        for row in _csv(LAYERS / layer_id / "country_shares.csv"):
            totals[row["iso3"]] = totals.get(row["iso3"], 0.0) + float(row["land_fraction"])
            assert row[column]
        assert len(totals) > 180  # of 233: the smallest islands have no 100″ land cell
        assert all(abs(total - 1.0) < 0.005 for total in totals.values()), layer_id


def test_monthly_climate_of_a_point():
    from permille.registry.reference_layers import monthly_climate

    rothamsted = monthly_climate(51.81, -0.36)
    assert rothamsted["cell"] == {"lat": 51.75, "lon": -0.25}
    assert np.mean(rothamsted["temperature_c"]) == pytest.approx(
        np.mean(ROTHAMSTED_1991_2020["tmp"]), abs=1.0
    )
    assert 500 < sum(rothamsted["pet_mm"]) < 800 and "ERA5" in rothamsted["source"]
    assert monthly_climate(0.0, -30.0) is None  # the Atlantic
    assert monthly_climate(-3.1, 300.0) == monthly_climate(-3.1, -60.0)  # longitudes east of 180° wrap
