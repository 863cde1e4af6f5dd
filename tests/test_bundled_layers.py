"""The real layers bundled as catalogue items (``permille/data/layers``): STAC items of contract 6 whose
checksums match their files, a Köppen-Geiger grid that places known places in their textbook classes, and
an IPCC climate-zone grid that is exactly the Köppen grid through the documented mapping table."""

import csv
import hashlib
import json
from importlib.resources import files

import numpy as np
import pytest
import rasterio

from permille.models.ipcc.categories import ClimateZone

LAYERS = files("permille") / "data" / "layers"
BUNDLED = ("koppen_geiger_1986_2010", "ipcc_climate_zone_koppen")
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


def _read(layer_id: str, name: str):
    with rasterio.open(LAYERS / layer_id / name) as source:
        assert source.crs.to_epsg() == 4326 and source.res == pytest.approx((1 / 12, 1 / 12))
        return source.read(1), source.tags(1), source.index


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
    classes, tags, index = _read("koppen_geiger_1986_2010", "koppen_geiger_5arcmin.tif")
    row, col = index(lon, lat)
    assert tags[f"class_{classes[row, col]}"] == koppen, place


def test_ipcc_zones_are_the_koppen_grid_through_the_mapping_table():
    koppen, koppen_tags, _ = _read("koppen_geiger_1986_2010", "koppen_geiger_5arcmin.tif")
    ipcc, ipcc_tags, _ = _read("ipcc_climate_zone_koppen", "ipcc_climate_zone_5arcmin.tif")
    mapping = {
        r["koppen"]: r["ipcc_climate_zone"]
        for r in _csv(LAYERS / "koppen_geiger_1986_2010" / "koppen_to_ipcc.csv")
    }
    zones = {
        r["ipcc_climate_zone"]: int(r["code"])
        for r in _csv(LAYERS / "ipcc_climate_zone_koppen" / "zones.csv")
    }
    assert set(zones) == {z.value for z in ClimateZone} and set(mapping.values()) <= set(zones)
    lookup = np.zeros(256, dtype=np.uint8)
    for key, name in koppen_tags.items():
        if key.startswith("class_"):
            lookup[int(key.removeprefix("class_"))] = zones[mapping[name]]
    assert np.array_equal(lookup[koppen], ipcc)
    assert {ipcc_tags[f"class_{code}"] for code in zones.values()} == set(zones)
    assert 0.25 < (koppen > 0).mean() < 0.35  # land is about 29 % of the globe


def test_country_shares_add_up():
    for layer_id, column in (
        ("koppen_geiger_1986_2010", "class"),
        ("ipcc_climate_zone_koppen", "ipcc_climate_zone"),
    ):
        totals: dict[str, float] = {}
        for row in _csv(LAYERS / layer_id / "country_shares.csv"):
            totals[row["iso3"]] = totals.get(row["iso3"], 0.0) + float(row["land_fraction"])
            assert row[column]
        assert len(totals) > 180  # of 233: the smallest islands have no 100″ land cell
        assert all(abs(total - 1.0) < 0.005 for total in totals.values()), layer_id
