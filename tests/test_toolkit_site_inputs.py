"""GET /api/toolkit/site-inputs: the calculator inputs of a point against an independent read of the bundled
arrays (rasterio's own point sampling, the stock SD formula written out), Rothamsted's station normals, and
clear refusals (out of range, over the sea)."""

from importlib.resources import files

import numpy as np
import pytest
import rasterio
from fastapi.testclient import TestClient

from permille.api.app import create_app
from permille.registry.db import make_engine

LAYERS = files("permille") / "data" / "layers"
ROTHAMSTED = (51.81, -0.36)
ROTHAMSTED_1991_2020_TMP = [4.31, 4.54, 6.56, 8.94, 11.91, 14.86, 17.16, 16.97, 14.36, 10.91, 7.16, 4.69]
"""Rothamsted's station normals 1991–2020, mean temperature °C (Rothamsted Research e-RA, CC BY 4.0;
shared/reference/rothamsted/rothamsted_30yr_means_1991-2020.csv)."""


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('site') / 'site.db'}")
    with TestClient(create_app(engine, seed=False, toolkit_workers=0)) as client:
        yield client
    engine.dispose()


def sample(layer: str, name: str, lat: float, lon: float) -> np.ndarray:
    """Every band at (lat, lon) by rasterio's ``sample`` (scaled; NaN for nodata)."""
    with rasterio.open(str(LAYERS / layer / name)) as source:
        raw = next(source.sample([(lon, lat)]))
        values = raw.astype(float) * np.asarray(source.scales)
        values[raw == source.nodata] = np.nan
        return values


@pytest.mark.parametrize(("lat", "lon"), [(48.0, 2.0), ROTHAMSTED, (-3.1, -60.0), (30.0, 31.2)])
def test_values_equal_an_independent_read_of_the_layers(api, lat, lon):
    answer = api.get(f"/api/toolkit/site-inputs?lat={lat}&lon={lon}")
    assert answer.status_code == 200, answer.text
    fields = answer.json()["fields"]
    tmp = sample("era5_climatology_2000_2025", "tmp_monthly_0p5deg.tif", lat, lon)
    pre = sample("era5_climatology_2000_2025", "pre_monthly_0p5deg.tif", lat, lon)
    assert fields["temperature_c"]["value"] == pytest.approx(tmp, abs=0.051)
    assert fields["precipitation_mm"]["value"] == pytest.approx(pre, abs=0.051)
    assert len(fields["pet_mm"]["value"]) == 12 and min(fields["pet_mm"]["value"]) >= 0
    zone = sample("ipcc_climate_zone_era5", "ipcc_climate_zone_5arcmin.tif", lat, lon)[0]
    zones = dict(np.loadtxt(LAYERS / "ipcc_climate_zone_era5" / "zones.csv", delimiter=",", skiprows=1,
                            dtype=str))  # fmt: skip
    assert fields["climate_zone"]["value"] == zones[str(int(zone))]
    stock = sample("sanderman2017_soc_stocks", "SOCS_0_30cm_year_2010AD_10km.tif", lat, lon)[0]
    if np.isfinite(stock):
        e0 = sample("sanderman2017_soc_stocks", "abs_error_OCDENS_0cm_2010AD_10km_ll.tif", lat, lon)[0]
        e30 = sample("sanderman2017_soc_stocks", "abs_error_OCDENS_30cm_2010AD_10km_ll.tif", lat, lon)[0]
        assert fields["soc_t_c_ha"]["value"] == stock and fields["soc_t_c_ha"]["depth_cm"] == 30
        sd = np.sqrt(np.pi / 2) * 10 * 0.3 * (e0 + e30) / 2  # t C/ha, docs/atlas.md
        assert fields["soc_t_c_ha"]["sd"] == pytest.approx(sd, abs=0.051)
    clay = sample("gldas_topsoil_clay", "clay_pct_0p25deg.tif", lat, lon)[0]
    assert fields["clay_pct"]["value"] == pytest.approx(clay, abs=0.051)
    for name, field in fields.items():
        assert field["source"] and field["units"] and field["cell_deg"] > 0, name


def test_the_classes_of_known_places(api):
    beauce = api.get("/api/toolkit/site-inputs?lat=48.0&lon=2.0").json()["fields"]
    assert beauce["land_cover"]["value"] == "cropland"
    assert beauce["land_cover"]["tier1_land_use"] == "long-term cultivated (annual crops)"
    assert beauce["climate_zone"]["value"] == "warm temperate moist"
    manaus = api.get("/api/toolkit/site-inputs?lat=-3.1&lon=-60.0").json()["fields"]
    assert manaus["climate_zone"]["value"] == "tropical wet"
    assert manaus["land_cover"]["igbp"] == "Urban and Built-up Lands"
    amazon = api.get("/api/toolkit/site-inputs?lat=-5&lon=-65").json()["fields"]["land_cover"]
    assert amazon["value"] == "forest" and amazon["tier1_land_use"] == "forest or native vegetation"


def test_the_climate_agrees_with_the_rothamsted_station(api):
    lat, lon = ROTHAMSTED
    fields = api.get(f"/api/toolkit/site-inputs?lat={lat}&lon={lon}").json()["fields"]
    cell = np.array(fields["temperature_c"]["value"])
    assert np.abs(cell - ROTHAMSTED_1991_2020_TMP).max() < 1.5  # a 0.5° cell, 2000–2025 against 1991–2020
    assert 500 < sum(fields["pet_mm"]["value"]) < 800 and "ERA5" in fields["temperature_c"]["source"]
    assert "Thornthwaite" in fields["pet_mm"]["source"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("lat=0&lon=-30", "location", "outside land"),  # the Atlantic
        ("lat=95&lon=0", "latitude", "outside −90 … 90"),
        ("lat=10&lon=-181", "longitude", "outside −180 … 180"),
        ("lat=nan&lon=0", "latitude", "outside −90 … 90"),
    ],
)
def test_points_the_layers_cannot_answer_for_are_refused_by_name(api, query, field, words):
    answer = api.get(f"/api/toolkit/site-inputs?{query}")
    assert answer.status_code == 422
    body = answer.json()["error"]
    assert words in body["message"] and body["details"][0]["loc"] == [field]


def test_missing_coordinates_are_refused(api):
    assert api.get("/api/toolkit/site-inputs?lat=10").status_code == 422
    assert api.get("/api/toolkit/site-inputs?lat=abc&lon=0").status_code == 422
