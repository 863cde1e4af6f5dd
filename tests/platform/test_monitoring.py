"""Monitoring API: zone layers equal the pipeline's zonal statistics, and measured aggregates follow the
observations posted through the API at once (both databases)."""

import datetime
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from permille.api.app import create_app
from permille.grid import atlas, pipeline, zonal
from permille.registry import zones

TODAY = datetime.date.today()


@pytest.fixture
def demo_client(engine):
    """The seeded app showing the SYNTHETIC atlas (``demo_layers=True``): these tests check its numbers."""
    with TestClient(create_app(engine, seed=True, demo_layers=True)) as client:
        yield client


@pytest.fixture(scope="module")
def germany_recomputed():
    """Germany's BAU stock and +20 % gain at the last year, recomputed by the pipeline on the cells of a box
    around Germany of the bundled grid (the deterministic values do not depend on the box)."""
    params = atlas.AtlasParameters()
    grid = atlas.global_synthetic_grid(
        params.resolution_deg,
        seed=params.seed,
        warmup_years=params.warmup_years,
        start_year=params.start_year,
    )
    ids = atlas.zone_rasters(grid["soc_t0"])["country"]
    box = {"y": slice(56.0, 47.0), "x": slice(5.0, 16.0)}
    result = pipeline.run(grid.sel(box), years=params.years, increases=params.increases)
    local = ids.sel(box)
    expected = {}
    for layer in ("soc_t0", "soc_bau", "diff_ssm_20"):
        table = zonal.zonal_stats(
            result[layer], local.where(local == local.attrs["zone_names"].index("DEU") + 1, 0)
        )
        expected[layer] = table.loc["DEU"]
    return expected, params


def test_zone_layers_equal_the_pipeline(demo_client, germany_recomputed):
    expected, params = germany_recomputed
    final = params.start_year + params.years
    for layer, year in (("soc_t0", params.start_year), ("soc_bau", final), ("diff_ssm_20", final)):
        answer = demo_client.get(f"/api/monitoring/zones?level=country&layer={layer}").json()
        assert answer["year"] == year and answer["synthetic"] is True
        item = next(i for i in answer["items"] if i["zone"] == "DEU")
        assert item["mean"] == pytest.approx(expected[layer]["mean_t_c_ha"], rel=1e-5)
        assert item["total"] == pytest.approx(expected[layer]["total_mt_c"], rel=1e-5)
        assert item["area_ha"] == pytest.approx(expected[layer]["area_ha"], rel=1e-5)
        assert item["mean_low"] < item["mean"] < item["mean_high"]
    assert answer["units"] == {"mean": "t C ha-1", "total": "Mt C"}
    country = demo_client.get("/api/monitoring/countries/DEU").json()
    gain = country["scenarios"]["ssm_20"]["difference"]
    assert gain["mean"] == pytest.approx(expected["diff_ssm_20"]["mean_t_c_ha"], rel=1e-5)
    fan = country["scenarios"]["bau"]["fan"]
    assert [p["year"] for p in fan] == list(range(params.start_year, final + 1))
    assert fan[0]["mean"] == pytest.approx(expected["soc_t0"]["mean_t_c_ha"], rel=1e-5)
    assert fan[-1]["mean"] == pytest.approx(expected["soc_bau"]["mean_t_c_ha"], rel=1e-5)


def test_levels_and_exports(demo_client):
    table, _ = atlas.read_atlas()
    regions = demo_client.get("/api/monitoring/zones?level=region&layer=rate_ssm_20").json()
    assert {i["zone"] for i in regions["items"]} == set(table[table.level == "region"].zone)
    assert regions["units"] == {"mean": "t C ha-1 yr-1", "total": "Mt C yr-1"}
    world = demo_client.get("/api/monitoring/global").json()
    assert world["name"] == "World" and len(world["regions"]) == 5
    europe = demo_client.get("/api/monitoring/regions/Europe").json()
    assert europe["countries"] and {c["region"] for c in europe["countries"]} == {"Europe"}
    csv = demo_client.get("/api/monitoring/zones?level=country&layer=soc_t0&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("zone,name,region,layer,scenario,year,mean,sd_mean")
    assert len(csv.text.splitlines()) == 1 + len(atlas.country_index())
    shapes = demo_client.get("/api/monitoring/boundaries.geojson").json()
    assert {"DEU", "BRA", "AUS"} <= {f["properties"]["iso3"] for f in shapes["features"]}
    mapped = demo_client.get("/api/monitoring/zones.geojson?layer=diff_ssm_20").json()
    germany = next(f for f in mapped["features"] if f["properties"]["iso3"] == "DEU")
    assert germany["properties"]["layer"] == "diff_ssm_20" and germany["properties"]["mean"] > 0
    empty = table[(table.level == "country") & (table.layer == "soc_t0") & (table.n_valid == 0)].zone.iloc[0]
    tiny = demo_client.get(f"/api/monitoring/countries/{empty}").json()
    assert tiny["stock_t0"]["mean"] is None and "no cell of the model grid" in tiny["sentences"]["en"][0]
    for bad in (
        "/api/monitoring/zones?layer=nope",
        "/api/monitoring/countries/XXX",
        "/api/monitoring/sites/999999",
    ):
        answer = demo_client.get(bad)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def _stock(soc_pct, bd):
    return soc_pct * bd * 30.0  # t C/ha over 0–30 cm: % × g/cm3 × cm


def test_posted_observation_changes_the_country_aggregate(demo_client, auth):
    admin = auth("secretariat")
    site = {
        "name": "Test site Lorraine",
        "country_iso3": "FRA",
        "lon": 6.2,
        "lat": 48.7,
        "land_use": "grassland",
    }
    created = demo_client.post("/api/sites", json=site | {"published": True}, headers=admin)
    assert created.status_code == 201, created.text
    site_id = created.json()["id"]
    before = demo_client.get("/api/monitoring/countries/FRA").json()
    this_year = [o for o in before["observed"] if o["year"] == TODAY.year]
    n_before = this_year[0]["n_sites"] if this_year else 0
    mean_before = this_year[0]["mean_t_c_ha"] if this_year else 0.0

    for prop, value, unit in (("soc", 2.0, "%"), ("bulk_density", 1.2, "g/cm3")):
        body = {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": prop, "value": value,
                "unit": unit, "uncertainty": 0.1, "date": TODAY.isoformat(), "published": True}  # fmt: skip
        answer = demo_client.post("/api/observations", json=body, headers=admin)
        assert answer.status_code == 201, answer.text

    after = demo_client.get("/api/monitoring/countries/FRA").json()
    row = next(o for o in after["observed"] if o["year"] == TODAY.year)
    assert row["n_sites"] == n_before + 1
    expected = (mean_before * n_before + _stock(2.0, 1.2)) / (n_before + 1)
    assert row["mean_t_c_ha"] == pytest.approx(expected, rel=1e-12)
    assert row["low_t_c_ha"] < row["mean_t_c_ha"] < row["high_t_c_ha"]
    listed = next(s for s in after["sites"] if s["id"] == site_id)
    assert listed["latest_stock_t_c_ha"] == pytest.approx(_stock(2.0, 1.2))
    assert any("Measured" in sentence for sentence in after["sentences"]["en"])
    assert after["sentences"]["fr"][0].startswith("En France") and "t C/ha" in after["sentences"]["es"][0]
    assert after["sentences"]["es"][0].startswith("En Francia")  # country names in the page's language

    detail = demo_client.get(f"/api/monitoring/sites/{site_id}").json()
    assert [o["property"] for o in detail["observations"]] == ["bulk_density", "soc"]
    assert detail["measured"][0]["stock_t_c_ha"] == pytest.approx(_stock(2.0, 1.2))
    # no clay measured and no real clay layer: no nowcast, and the answer says which input is missing
    assert detail["nowcast"] is None and detail["nowcast_missing"]["input"] == "clay"

    body = {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": "clay", "value": 25.0,
            "unit": "%", "date": TODAY.isoformat(), "published": True}  # fmt: skip
    assert demo_client.post("/api/observations", json=body, headers=admin).status_code == 201
    detail = demo_client.get(f"/api/monitoring/sites/{site_id}").json()
    assert detail["nowcast_missing"] is None and detail["nowcast"]["clay_pct"] == 25.0
    assert "ERA5" in detail["nowcast"]["climate"] and "SYNTHETIC" not in json.dumps(detail)
    nowcast = detail["nowcast"]["points"]
    assert nowcast[0]["soc_t_c_ha"] == pytest.approx(_stock(2.0, 1.2), rel=0.05)
    assert all(p["low_t_c_ha"] < p["soc_t_c_ha"] < p["high_t_c_ha"] for p in nowcast)


def test_unpublished_observations_stay_out_of_the_public_aggregate(seeded_client, auth):
    member = auth("member")
    site = {"name": "Member site", "country_iso3": "URY", "lon": -56.0, "lat": -33.0, "land_use": "cropland"}
    site_id = seeded_client.post("/api/sites", json=site, headers=member).json()["id"]
    for prop, value, unit in (("soc", 1.5, "%"), ("bulk_density", 1.3, "g/cm3")):
        body = {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": prop, "value": value,
                "unit": unit, "date": TODAY.isoformat()}  # fmt: skip
        assert seeded_client.post("/api/observations", json=body, headers=member).status_code == 201
    public = seeded_client.get("/api/monitoring/countries/URY").json()
    own = seeded_client.get("/api/monitoring/countries/URY", headers=member).json()
    assert site_id not in {s["id"] for s in public["sites"]}
    assert site_id in {s["id"] for s in own["sites"]}
    assert seeded_client.get(f"/api/monitoring/sites/{site_id}").status_code == 404


def test_bundled_statistics_load_once(session):
    added = zones.load_bundled(session)
    session.commit()
    table, _ = atlas.read_atlas()
    assert added == len(table)
    assert zones.load_bundled(session) == 0
    rows = zones.statistics(session, level="global", layer="soc_t0")
    assert len(rows) == 1 and rows[0].synthetic is True
    assert np.isclose(
        rows[0].total, table[(table.level == "global") & (table.layer == "soc_t0")].total.item()
    )
