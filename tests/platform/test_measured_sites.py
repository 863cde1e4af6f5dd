"""Measured sites on the map (issue 18, point 4): the Rothamsted 0–23 cm stocks count, converted to 0–30
cm with the conversion's uncertainty (the measured depth and stock kept); the United Kingdom has a measured
stock; a site's answer compares its latest stock with the mapped pixel of the bundled Sanderman 2017 layer,
read through the reference-layer mechanism (checked here on a small GeoTIFF of known values), or says
"no mapped layer" when the layer is absent."""

import json
import math

import numpy as np
import pytest

from permille.measure import depth_conversion
from permille.monitoring import mapped
from permille.registry import reference_layers, rothamsted


def test_rothamsted_sites_are_points_with_their_converted_latest_stock(seeded_client):
    answer = seeded_client.get("/api/monitoring/sites.geojson")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/geo+json")
    collection = answer.json()
    points = {f["properties"]["name"]: f for f in collection["features"]}
    f23 = depth_conversion.factor(23.0)
    for treatment in rothamsted.treatments():
        point = points[treatment.name]
        p = point["properties"]
        year, stock = treatment.series[-1]
        assert p["country_iso3"] == "GBR" and p["date"].startswith(str(year)) and p["converted"]
        assert p["measured_depth_cm"] == [0.0, 23.0] and p["measured_stock_t_c_ha"] == pytest.approx(stock)
        assert p["stock_t_c_ha"] == pytest.approx(stock * f23.mean)
        assert p["sd_t_c_ha"] == pytest.approx(stock * f23.sd)
        assert point["geometry"]["type"] == "Point" and -1 < point["geometry"]["coordinates"][0] < 0
    assert "Jobbágy" in collection["conversion"] and collection["units"] == "t C ha-1"
    measured = {m["zone"]: m for m in seeded_client.get("/api/monitoring/measured").json()["items"]}
    assert measured["GBR"]["n_sites"] >= len(rothamsted.treatments())  # every Rothamsted site counts
    gbr = seeded_client.get("/api/monitoring/countries/GBR").json()
    assert any("converted to 0–30 cm" in c for c in gbr["caveats"])


def _site_id(client, name: str) -> int:
    items = client.get("/api/sites", params={"country_iso3": "GBR", "page_size": 200}).json()["items"]
    return next(s["id"] for s in items if s["name"] == name)


def test_site_answer_compares_with_the_mapped_pixel_or_says_no_layer(seeded_client):
    site = seeded_client.get(
        f"/api/monitoring/sites/{_site_id(seeded_client, 'Hoosfield — unmanured (plot 11)')}"
    )
    body = site.json()
    assert body["measured"][-1]["converted"]
    if not (reference_layers.LAYERS / mapped.LAYER / "item.json").is_file():
        assert body["mapped"]["available"] is False and body["mapped"]["message"].startswith(
            "no mapped layer"
        )
        assert body["comparison"] is None
        return
    import rasterio  # the bundled layer: its pixel read independently

    item = json.loads((reference_layers.LAYERS / mapped.LAYER / "item.json").read_text())
    with rasterio.open(
        reference_layers.LAYERS / mapped.LAYER / item["assets"][mapped.STOCK_ASSET]["href"]
    ) as src:
        expected = float(next(src.sample([(body["lon"], body["lat"])]))[0])
    assert body["mapped"]["available"] and body["mapped"]["stock_t_c_ha"] == pytest.approx(expected)
    c = body["comparison"]
    assert c["difference_t_c_ha"] == pytest.approx(body["measured"][-1]["stock_t_c_ha"] - expected)


@pytest.fixture
def small_layer(tmp_path, monkeypatch):
    """A bundled-layer folder with a 1° stock grid (value = 10 × row + col) and two error grids of 2 and
    4 kg C/m³, nodata −32767 at row 0, col 0."""
    import rasterio
    from rasterio.transform import from_origin

    folder = tmp_path / mapped.LAYER
    folder.mkdir()
    profile = {"driver": "GTiff", "height": 180, "width": 360, "count": 1, "dtype": "int16", "crs": "EPSG:4326",
               "transform": from_origin(-180, 90, 1, 1), "nodata": -32767}  # fmt: skip
    stock = (10 * np.arange(180)[:, None] + np.arange(360)[None, :]) % 30000
    stock[0, 0] = -32767
    for name, values in (
        ("stock.tif", stock),
        ("e0.tif", np.full((180, 360), 2)),
        ("e30.tif", np.full((180, 360), 4)),
    ):
        with rasterio.open(folder / name, "w", **profile) as dst:
            dst.write(values.astype("int16"), 1)
    item = {"properties": {"title": "Test stock", "permille:source": "a test grid", "license": "CC0",
                           "resolution": "1°"},
            "assets": {mapped.STOCK_ASSET: {"href": "stock.tif"}, "ocd_error_0cm": {"href": "e0.tif"},
                       "ocd_error_30cm": {"href": "e30.tif"}}}  # fmt: skip
    (folder / "item.json").write_text(json.dumps(item))
    monkeypatch.setattr(reference_layers, "LAYERS", tmp_path)
    reference_layers.item.cache_clear()
    yield
    reference_layers.item.cache_clear()


def test_mapped_pixel_value_centre_and_sd(small_layer):
    # (lat 51.81, lon −0.376): row 38 (90 − 51.81 = 38.19), col 179 (−0.376 + 180 = 179.62)
    answer = mapped.mapped_stock(51.81, -0.376)
    assert answer["available"] and answer["stock_t_c_ha"] == 10 * 38 + 179
    assert answer["pixel_centre"] == {"lat": 51.5, "lon": -0.5}
    assert answer["sd_t_c_ha"] == pytest.approx(math.sqrt(math.pi / 2) * 10 * 0.30 * (2 + 4) / 2)
    assert answer["source"] == "Test stock — a test grid (CC0)"
    assert mapped.mapped_stock(89.5, -179.5)["available"] is False  # nodata pixel
    measured = [{"date": "2015-10-01", "stock_t_c_ha": 600.0, "sd_t_c_ha": 3.0, "converted": True}]
    c = mapped.comparison(measured, answer)
    assert c["difference_t_c_ha"] == pytest.approx(600 - 559) and c["ratio"] == pytest.approx(600 / 559)
    assert c["difference_sd_t_c_ha"] == pytest.approx(np.hypot(3.0, answer["sd_t_c_ha"]))


def test_no_mapped_layer(tmp_path, monkeypatch):
    monkeypatch.setattr(reference_layers, "LAYERS", tmp_path)
    answer = mapped.mapped_stock(51.81, -0.376)
    assert answer == {"available": False, "layer": mapped.LAYER, "message": mapped.NO_LAYER}
    assert mapped.comparison([{"date": None, "stock_t_c_ha": 1.0, "sd_t_c_ha": 0.0}], answer) is None
