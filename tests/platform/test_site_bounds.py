"""A site page cannot stall the server (issue 19, point 8): sampling dates are bounded at the boundary
(1800-01-01 to today) for single writes, updates and the bulk ingest, and the site nowcast — a RothC
Monte Carlo run over every month since the first sample — runs in a toolkit worker process, not in the
process serving requests. SQLite and PostgreSQL."""

import datetime
import os

import pytest
from fastapi.testclient import TestClient

from permille.api.app import create_app
from permille.toolkit.pool import ComputePool

SITE = {"name": "Dated", "country_iso3": "FRA", "lon": 6.2, "lat": 48.7, "land_use": "grassland"}
TODAY = datetime.date.today()


def _observation(site_id: int, prop: str, value: float, unit: str, date: str) -> dict:
    return {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": prop, "value": value,
            "unit": unit, "date": date, "published": True}  # fmt: skip


class RecordingPool(ComputePool):
    """Threads (size 0) that record what the server hands them."""

    def __init__(self):
        super().__init__(0)
        self.calls: list[str] = []

    def call(self, function, *args):
        self.calls.append(function.__name__)
        return super().call(function, *args)


@pytest.fixture
def app_client(engine):
    with TestClient(create_app(engine, seed=True, toolkit_workers=0)) as client:
        yield client


@pytest.mark.parametrize(
    "date", ["0001-01-01", "1799-12-31", (TODAY + datetime.timedelta(days=3)).isoformat()]
)
def test_implausible_sampling_dates_are_refused_everywhere(app_client, auth, date):
    admin = auth("secretariat")
    site_id = app_client.post("/api/sites", json=SITE, headers=admin).json()["id"]
    answer = app_client.post(
        "/api/observations", json=_observation(site_id, "soc", 2.0, "%", date), headers=admin
    )
    assert answer.status_code == 422, answer.text
    assert "date" in answer.text and "1800-01-01" in answer.text
    good = app_client.post(
        "/api/observations", json=_observation(site_id, "soc", 2.0, "%", "1843-10-01"), headers=admin
    )
    assert good.status_code == 201, good.text
    update = app_client.patch(
        f"/api/observations/{good.json()['id']}", json={"date": date, "version": 1}, headers=admin
    )
    assert update.status_code == 422, update.text
    csv = f"site_id,upper_cm,lower_cm,property,value,unit,date\n{site_id},0,30,soc,2,%,{date}\n"
    ingest = app_client.post(
        "/api/observations/ingest", files={"file": ("o.csv", csv.encode(), "text/csv")}, headers=admin
    )
    assert ingest.status_code == 422, ingest.text
    assert ingest.json()["error"]["details"][0]["column"] == "date"


def test_the_site_nowcast_is_computed_by_the_toolkit_pool(app_client, auth):
    admin = auth("secretariat")
    pool = app_client.app.state.toolkit = RecordingPool()
    site_id = app_client.post("/api/sites", json=SITE | {"published": True}, headers=admin).json()["id"]
    for prop, value, unit in (("soc", 2.0, "%"), ("bulk_density", 1.2, "g/cm3"), ("clay", 25.0, "%")):
        body = _observation(site_id, prop, value, unit, "1850-06-01")
        assert app_client.post("/api/observations", json=body, headers=admin).status_code == 201
    detail = app_client.get(f"/api/monitoring/sites/{site_id}").json()
    assert pool.calls == ["nowcast"]
    assert detail["nowcast"]["points"][0]["date"] == "1850-06-01"
    assert len(detail["nowcast"]["points"]) == -(-((TODAY.year - 1850) * 12 + TODAY.month - 6 + 1) // 3)


def test_a_call_of_the_pool_runs_in_another_process():
    pool = ComputePool(1)
    try:
        assert pool.call(os.getpid) != os.getpid()
    finally:
        pool.close()
