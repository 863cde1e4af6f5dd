"""Project balance: with minus without by Tier 1, Tier 2 and RothC, Monte Carlo, 4‰ indicator, files."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from permille.cli import app
from permille.io.project_file import ProjectFileError, parse_project, read_project
from permille.models import balance
from permille.models.ipcc.categories import CarbonInput, ClimateZone, LandUse, SoilClass, Tillage
from permille.models.ipcc.tier1 import Practice
from tests.conftest import REPO  # noqa: I001

CLIMATE = balance.Climate(
    temperature=[6.0, 7.1, 10.0, 12.5, 16.2, 20.1, 22.4, 22.4, 19.0, 15.1, 9.7, 6.6],
    precipitation=[52, 42, 49, 67, 72, 57, 38, 45, 49, 55, 53, 52],
    pet=[14, 24, 50, 72, 103, 127, 143, 123, 83, 48, 21, 13],
)
CONVENTIONAL = balance.Management(1990, Practice(LandUse.CROPLAND), plant_input=2.2)


def _project(project_periods, area_ha=100.0, **area_kw):
    area = balance.Area(
        "field", area_ha, ClimateZone.WARM_TEMPERATE_MOIST, SoilClass.HAC, 28.0, 30.0, CLIMATE,
        baseline=(CONVENTIONAL,), project=(CONVENTIONAL, *project_periods), **area_kw,
    )  # fmt: skip
    return balance.Project("test", (area,), 2026, 2045)


NO_TILL = balance.Management(2026, Practice(LandUse.CROPLAND, Tillage.NO, carbon_input=CarbonInput.HIGH), 3.0)
MANURE = balance.Management(
    2031, Practice(LandUse.CROPLAND, Tillage.NO, carbon_input=CarbonInput.HIGH_WITH_MANURE), 3.0, manure=1.0
)


def test_tier1_balance_by_hand():
    result = balance.simulate(_project((NO_TILL, MANURE)), draws=0)
    q = result.quantities("IPCC Tier 1")
    e0, e1, e2 = 64 * 0.69, 64 * 0.69 * 1.10 * 1.11, 64 * 0.69 * 1.10 * 1.44
    end = e0 + (e1 - e0) * 1.0 + (e2 - e1) * 15 / 20  # end of 2045: 20 and 15 years of ramps
    assert q["start_with"][0] == pytest.approx(e0) and q["end_without"][0] == pytest.approx(e0)
    assert q["balance_t_c_ha"][0] == pytest.approx(end - e0, rel=1e-12)
    assert q["balance_t_co2e_ha_yr"][0] == pytest.approx((end - e0) / 20 * 44 / 12, rel=1e-12)
    assert q["total_t_co2e"][0] == pytest.approx((end - e0) * 100 * 44 / 12, rel=1e-12)
    assert q["relative_change_per_yr"][0] == pytest.approx((end - e0) / e0 / 20, rel=1e-12)
    assert q["share_of_4permille"][0] == pytest.approx((end - e0) / e0 / 20 / 0.004, rel=1e-12)


def test_all_models_see_more_carbon_with_more_input_and_none_without_change():
    same = balance.simulate(_project(()), draws=50, seed=3)
    more = balance.simulate(_project((NO_TILL, MANURE)), draws=50, seed=3)
    for model in balance.MODELS:
        assert np.all(same.quantities(model)["balance_t_c_ha"] == 0.0), model
        assert np.all(more.quantities(model)["balance_t_c_ha"] > 0.0), model
        years, with_ = more.yearly(model, "with")
        assert with_.shape == (len(years), 50) and np.all(np.isfinite(with_))


def test_monte_carlo_centres_on_the_central_values_and_has_an_interval():
    project = _project((NO_TILL, MANURE), area_uncertainty_pct=5.0, input_uncertainty_pct=20.0)
    central = balance.simulate(project, draws=0).summary()
    mc = balance.simulate(project, draws=4000, seed=1).summary()
    for model in balance.MODELS:
        c, e = central[model]["balance_t_c_ha"], mc[model]["balance_t_c_ha"]
        assert e.low < c.mean < e.high, model
        # Tier 1 and RothC are (nearly) linear in what is drawn; Tier 2's pools go as 1/k, so its draws
        # are skewed upwards and only the interval is required to hold the central run
        assert e.mean == pytest.approx(c.mean, rel=0.05 if model != "IPCC Tier 2" else 0.25), model
        assert e.sd > 0 and e.low < e.mean < e.high
    again = balance.simulate(project, draws=4000, seed=1).summary()
    assert again == mc  # seeded: reproducible


def test_project_must_start_after_its_histories():
    bad = balance.Project("x", _project(()).areas, 1980, 2000)
    with pytest.raises(ValueError, match="must start before the project"):
        balance.simulate(bad, draws=0)


def test_example_file_runs_end_to_end(tmp_path):
    spec = read_project(REPO / "examples" / "project.yaml")
    assert spec.monte_carlo.draws == 2000 and len(spec.areas) == 3
    result = CliRunner().invoke(
        app, ["balance", str(REPO / "examples" / "project.yaml"), "-o", str(tmp_path), "--draws", "300"]
    )
    assert result.exit_code == 0, result.output
    assert "t CO2e/ha/yr" in result.output and "share of 4‰" in result.output and "RothC" in result.output
    doc = json.loads((tmp_path / "balance.json").read_text())
    assert doc["monte_carlo_draws"] == 300
    for model in balance.MODELS:
        e = doc["estimates"][model]["balance_t_co2e_ha_yr"]
        assert e["low"] < e["mean"] < e["high"] and e["mean"] > 0
    yearly = pd.read_csv(tmp_path / "yearly.csv")
    assert list(yearly.columns[:5]) == ["model", "scenario", "year", "stock_t_c_ha_mean", "stock_t_c_ha_sd"]
    balance_2045 = yearly[(yearly.scenario == "balance") & (yearly.year == 2045)].set_index("model")
    assert (balance_2045.change_t_co2e_ha_yr_mean > 0).all()
    np.testing.assert_allclose(  # the CSV keeps 3 decimals
        balance_2045.change_t_co2e_ha_yr_mean, balance_2045.change_t_c_ha_yr_mean * 44 / 12, atol=2e-3
    )
    assert (yearly.select_dtypes("float").round(3) == yearly.select_dtypes("float")).all().all()
    assert (tmp_path / "balance.pdf").read_bytes()[:5] == b"%PDF-"
    assert "Soil carbon balance of a project" in (tmp_path / "balance.html").read_text(encoding="utf-8")


def test_bad_project_files_list_every_problem():
    data = {
        "name": "bad",
        "first_year": 2026,
        "last_year": 2020,
        "areas": [
            {
                "name": "north",
                "area_ha": -5,
                "climate_zone": "mediterranean",
                "soil_class": "HAC",
                "clay_pct": 30,
                "sand_pct": 30,
                "climate": {"temperature_c": [10] * 12, "precipitation_mm": [50] * 11, "pet_mm": [40] * 12},
                "baseline": [{"year": 2000, "land_use": "cropland", "tillage": "chisel"}],
                "project": [{"year": 2000, "land_use": "cropland"}, {"year": 1995, "land_use": "cropland"}],
            }
        ],
    }
    with pytest.raises(ProjectFileError) as info:
        parse_project(data, "bad.yaml")
    text = str(info.value)
    for expected in (
        "areas[0] ('north') → area_ha: Input should be greater than 0",
        "areas[0] ('north') → climate_zone: Value error, unknown ClimateZone 'mediterranean'",
        "areas[0] ('north') → climate → precipitation_mm",
        "areas[0] ('north') → baseline[0] → tillage: Value error, unknown Tillage 'chisel'; one of: full, reduced, no",
    ):
        assert expected in text, text


def test_years_out_of_order_and_wrong_period(tmp_path):
    data = json.loads(json.dumps(_valid()))
    data["areas"][0]["project"][1]["year"] = 1980
    with pytest.raises(
        ProjectFileError, match=r"project: period years \[1990, 1980, 2031\] must be strictly increasing"
    ):
        parse_project(data)
    data = _valid()
    data["last_year"] = 2000
    with pytest.raises(ProjectFileError, match="last_year 2000 is before first_year 2026"):
        parse_project(data)
    path = tmp_path / "p.yaml"
    path.write_text("name: [unclosed")
    with pytest.raises(ProjectFileError, match="not valid YAML"):
        read_project(path)


def _valid():
    import yaml

    return yaml.safe_load((REPO / "examples" / "project.yaml").read_text())


def test_rewetting_a_drained_organic_soil():
    from permille.models.ipcc.tier1 import DrainedLandUse, drained_organic_ef

    drained = balance.Management(1990, Practice(LandUse.GRASSLAND), drained=DrainedLandUse.CROPLAND)
    rewetted = balance.Management(2026, Practice(LandUse.NATIVE), drained=None)
    area = balance.Area(
        "peat", 10.0, ClimateZone.COOL_TEMPERATE_MOIST, SoilClass.HAC, 20.0, 20.0, CLIMATE,
        baseline=(drained,), project=(drained, rewetted), organic_soc_t_c_ha=300.0,
    )  # fmt: skip
    result = balance.simulate(balance.Project("peat", (area,), 2026, 2035), draws=0)
    on_site, doc = drained_organic_ef(DrainedLandUse.CROPLAND, ClimateZone.COOL_TEMPERATE_MOIST)
    q = result.quantities("IPCC Tier 1")
    assert q["start_with"][0] == q["start_without"][0] == 300.0
    assert q["end_without"][0] == pytest.approx(300.0 - 10 * (on_site.value + doc.value))  # 7.9 + 0.31 t C/yr
    assert q["end_with"][0] == 300.0
    assert q["balance_t_co2e_ha_yr"][0] == pytest.approx((7.9 + 0.31) * 44 / 12)
    for model in balance.MODELS:  # the mineral-soil models carry the Tier 1 estimate for organic soils
        assert result.quantities(model)["balance_t_c_ha"][0] == q["balance_t_c_ha"][0]
    mc = balance.simulate(balance.Project("peat", (area,), 2026, 2035), draws=2000, seed=2).summary()
    e = mc["IPCC Tier 1"]["balance_t_co2e_ha_yr"]
    assert e.low < (7.9 + 0.31) * 44 / 12 < e.high and e.sd > 0
