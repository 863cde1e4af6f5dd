"""Honest defaults of the monitoring API (both databases): without ``demo_layers`` no number of the
synthetic atlas appears in any default answer, the default dataset is the real atlas of the bundled layers,
and every answer names its source; with ``demo_layers`` the synthetic numbers appear, labelled demonstration
data; a real zone dataset, once loaded, is shown instead of the synthetic one, never mixed with it."""

import csv
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from permille.api.app import create_app
from permille.models.ipcc.coefficients import socref
from permille.registry import zones

NUMBERS = ("mean", "sd_mean", "mean_low", "mean_high", "total", "sd_total", "total_low", "total_high")
DEFAULT_PAGES = {
    "/api/monitoring/global": ("WLD", "Africa", "Asia", "Europe"),
    "/api/monitoring/measured": ("FRA", "DEU"),
    "/api/monitoring/countries/DEU": ("DEU",),
    "/api/monitoring/countries/FRA": ("FRA",),
    "/api/monitoring/countries/BRA": ("BRA",),
}
"""Default answers → the zones whose synthetic numbers they must not show."""


def _key(value: float) -> str:
    return f"{value:.6g}"


@pytest.fixture(scope="module")
def synthetic_numbers() -> dict[str, set[str]]:
    """zone → its modelled numbers in the bundled synthetic atlas that have 6 significant digits, as the
    table writes them (shorter ones, such as 154.56, could be a real number by chance)."""

    def numbers(folder: str) -> dict[str, set[str]]:
        text = (files("permille") / "data" / folder / "zone_statistics.csv").read_text()
        out: dict[str, set[str]] = {}
        for row in csv.DictReader(text.splitlines()):
            for key in NUMBERS:
                cell = row[key]
                if cell and len(cell.replace("-", "").replace(".", "").lstrip("0").split("e")[0]) >= 6:
                    out.setdefault(row["zone"], set()).add(_key(float(cell)))
        return out

    real = numbers("atlas_real/monitoring")  # a real figure equal to a synthetic one by chance is no leak
    return {zone: values - real.get(zone, set()) for zone, values in numbers("monitoring").items()}


def _numbers(answer) -> list[float]:
    if isinstance(answer, dict):
        return [n for value in answer.values() for n in _numbers(value)]
    if isinstance(answer, list):
        return [n for value in answer for n in _numbers(value)]
    if isinstance(answer, float | int) and not isinstance(answer, bool):
        return [float(answer)]
    return []


def test_default_answers_hold_no_synthetic_number(seeded_client, synthetic_numbers):
    for path, zone_names in DEFAULT_PAGES.items():
        answer = seeded_client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        synthetic = set().union(*(synthetic_numbers[z] for z in zone_names))
        found = [n for n in _numbers(answer.json()) if _key(n) in synthetic]
        assert not found, f"{path} shows synthetic numbers {found[:5]}"
        assert "SYNTHETIC" not in answer.text and "demonstration data" not in answer.text
    # the default dataset is the real atlas of the bundled layers (permille/data/atlas_real)
    world = seeded_client.get("/api/monitoring/global").json()
    assert world["dataset"]["synthetic"] is False and world["dataset"]["name"].startswith("atlas-real-")
    assert world["stock_t0"]["mean"] > 0
    start = world["stock_t0"]["year"]  # the scenarios' start; the stock there is the 2010 map, and says so
    assert f"the stock of {start}, where the scenarios start, is the 2010 map of Sanderman" in world["caveat"]
    for path in (
        "/api/monitoring/zones?layer=soc_t0",
        "/api/monitoring/regions/Europe",
        "/api/monitoring/zones.geojson",
    ):
        answer = seeded_client.get(path)
        assert answer.status_code == 200 and "atlas-real-" in answer.text, path
    germany = seeded_client.get("/api/monitoring/countries/DEU").json()
    assert germany["dataset"]["synthetic"] is False and set(germany["scenarios"]) == {
        "bau",
        "ssm_5",
        "ssm_10",
        "ssm_20",
    }
    assert any(
        s.startswith("Climate zones: IPCC climate zone from the ERA5 climatology 2000–2025")
        for s in germany["sources"]
    )
    assert not any("SYNTHETIC" in s for s in germany["sources"])


def test_country_tier1_reference_stocks_come_from_the_bundled_layers(seeded_client):
    shares_file = files("permille") / "data" / "layers" / "ipcc_climate_zone_era5" / "country_shares.csv"
    shares = {
        row["ipcc_climate_zone"]: float(row["land_fraction"])
        for row in csv.DictReader(shares_file.read_text().splitlines())
        if row["iso3"] == "BRA"
    }
    brazil = seeded_client.get("/api/monitoring/countries/BRA").json()["tier1"]
    assert [z["zone"] for z in brazil["climate_zones"]] == sorted(shares, key=lambda z: -shares[z])
    assert brazil["climate_zones"][0] == {"zone": "tropical moist", "land_fraction": shares["tropical moist"]}
    rows = {(r["climate_zone"], r["soil_class"]): r for r in brazil["items"]}
    lac = rows[("tropical moist", "LAC")]
    expected = socref("tropical moist", "LAC")
    assert lac["socref_t_c_ha"] == expected.value and lac["source"] == expected.source
    assert lac["low_t_c_ha"] < lac["socref_t_c_ha"] < lac["high_t_c_ha"]
    assert {zone for zone, _ in rows} == {z for z, share in shares.items() if share >= 0.01}
    csv_answer = seeded_client.get("/api/monitoring/countries/BRA?format=csv&table=tier1")
    assert csv_answer.text.splitlines()[0].startswith("climate_zone,land_fraction,soil_class,socref_t_c_ha")
    assert len(csv_answer.text.splitlines()) == 1 + len(rows)


@pytest.fixture
def demo_client(engine):
    with TestClient(create_app(engine, seed=True, demo_layers=True)) as client:
        yield client


def test_demo_layers_show_synthetic_numbers_labelled(demo_client, synthetic_numbers):
    germany = demo_client.get("/api/monitoring/countries/DEU").json()
    assert germany["dataset"] == {
        "name": "atlas-synthetic",
        "synthetic": True,
        "label": "demonstration data",
        "source": germany["sources"][0],
    }
    assert "SYNTHETIC" in germany["sources"][0] and "demonstration data" in germany["sources"][0]
    assert _key(germany["stock_t0"]["mean"]) in synthetic_numbers["DEU"]
    assert germany["sentences"]["en"][-1] == "These modelled figures come from SYNTHETIC demonstration data."
    layer = demo_client.get("/api/monitoring/zones?layer=soc_t0").json()
    assert layer["dataset"]["label"] == "demonstration data" and layer["synthetic"] is True


def test_a_real_dataset_is_shown_instead_of_the_synthetic_one(demo_client, engine, synthetic_numbers):
    """A real build's rows (dataset "gsocmap-test", synthetic=False) replace the synthetic answers whole."""
    with Session(engine) as session:
        rows = zones.statistics(session, level="country", zone="DEU")
        real = [
            {c.name: getattr(r, c.name) for c in zones.ZoneStatistic.__table__.columns if c.name != "id"}
            | {"dataset": "gsocmap-test", "synthetic": False}
            | {k: None if getattr(r, k) is None else getattr(r, k) * 1.5 + 0.123 for k in NUMBERS}
            for r in rows
        ]
        session.execute(zones.ZoneStatistic.__table__.insert(), real)
        session.commit()
        assert zones.real_dataset(session) == "gsocmap-test"
    germany = demo_client.get("/api/monitoring/countries/DEU").json()
    assert germany["dataset"]["name"] == "gsocmap-test" and germany["synthetic"] is False
    assert germany["dataset"]["label"] is None and "gsocmap-test" in germany["sources"][0]
    assert not [n for n in _numbers(germany) if _key(n) in synthetic_numbers["DEU"]]
    assert not any("SYNTHETIC" in s for s in germany["sentences"]["en"])
