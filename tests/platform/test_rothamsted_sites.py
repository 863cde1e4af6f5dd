"""The Rothamsted long-term experiments as seeded monitoring sites (SQLite and PostgreSQL): real records
owned by the e-RA organisation, idempotent seeding, and the measured vs modelled answer of the API."""

import datetime

import pytest
from sqlalchemy import func, select

from permille.registry import orm, rothamsted, seed

ORGANISATION = "Rothamsted Research (e-RA)"


def _rothamsted_sites(client) -> dict[str, dict]:
    items = client.get("/api/sites", params={"q": "", "country_iso3": "GBR", "page_size": 200}).json()[
        "items"
    ]
    return {s["name"]: s for s in items}


def test_sites_are_seeded_once_as_real_published_records(seeded_client, session):
    org = session.scalar(select(orm.Organisation).where(orm.Organisation.name == ORGANISATION))
    assert org is not None and org.published and org.country_iso3 == "GBR"
    sites = session.scalars(select(orm.Site).where(orm.Site.organisation_id == org.id)).all()
    expected = rothamsted.treatments()
    assert sorted(s.name for s in sites) == sorted(t.name for t in expected)
    assert all(s.published and s.country_iso3 == "GBR" and "Demo" not in s.name for s in sites)
    stocks = session.execute(
        select(orm.Layer.site_id, func.count())
        .join(orm.Observation, orm.Observation.layer_id == orm.Layer.id)
        .where(orm.Observation.property == "soc_stock", orm.Layer.upper_cm == 0, orm.Layer.lower_cm == 23)
        .group_by(orm.Layer.site_id)
    ).all()
    by_name = {s.id: s.name for s in sites}
    assert {by_name[i]: n for i, n in stocks} == {t.name: len(t.series) for t in expected}
    counts = (session.scalar(select(func.count()).select_from(orm.Site)),
              session.scalar(select(func.count()).select_from(orm.Observation)))  # fmt: skip
    rothamsted.seed(session)
    seed.seed(session)
    session.commit()
    assert counts == (session.scalar(select(func.count()).select_from(orm.Site)),
                      session.scalar(select(func.count()).select_from(orm.Observation)))  # fmt: skip
    # the public reads them (published), with their real coordinates
    public = _rothamsted_sites(seeded_client)
    hoosfield = public["Hoosfield — unmanured (plot 11)"]
    assert (hoosfield["lat"], hoosfield["lon"]) == (51.811, -0.376)
    assert "10.23637/KeyRefOAHBsoc" in hoosfield["description"]


def test_long_term_answer_measured_modelled_and_validation(seeded_client):
    sites = _rothamsted_sites(seeded_client)
    name = "Broadbalk — FYM since 1843 (plot 2.2)"
    answer = seeded_client.get(f"/api/monitoring/sites/{sites[name]['id']}/long-term")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["available"] and body["treatment"] == name
    t = rothamsted.treatment(name)
    assert [(m["year"], m["soc_t_c_ha"]) for m in body["measured"]] == list(t.series)
    assert body["measured"][0]["role"] == "starting stock"
    points = body["modelled"]["points"]
    assert (
        points[0]["year"] == 1842
        and points[1]["year"] == 1843
        and points[-1]["year"] == max(2015, datetime.date.today().year - 1)
    )
    assert all(p["low_t_c_ha"] <= p["soc_t_c_ha"] <= p["high_t_c_ha"] for p in points[1:])
    stats = body["validation"]["statistics"]
    assert stats["n"] == len(t.series) - 1 and stats["rmse"] > 0
    assert "Nash" in body["validation"]["formulas"]["efficiency"]
    assert any("10.23637/BROADBALK-SOC-OA" in s for s in body["sources"])
    # the set-up choices with their sources; plot 2.1 starts from the field's 1843 stock, 1893 validated
    assert {r["key"] for r in body["setup"]} >= {"start", "calendar", "manure", "fallows"}
    plot21 = "Broadbalk — FYM since 1885, N since 1968 (plot 2.1)"
    other = seeded_client.get(f"/api/monitoring/sites/{sites[plot21]['id']}/long-term").json()
    first = other["modelled"]["points"][0]
    assert first["year"] == 1842 and first["soc_t_c_ha"] == pytest.approx(28.8)
    assert [m["role"] for m in other["measured"]] == ["calibration and validation"] * len(other["measured"])
    assert other["validation"]["pairs"][0]["year"] == 1893


def test_a_new_measurement_enters_the_validation_at_once(seeded_client, auth):
    sites = _rothamsted_sites(seeded_client)
    site_id = sites["Fosters — continuous arable"]["id"]
    before = seeded_client.get(f"/api/monitoring/sites/{site_id}/long-term").json()
    body = {"site_id": site_id, "upper_cm": 0, "lower_cm": 23, "property": "soc_stock", "value": 3.8,
            "unit": "kg/m2", "date": datetime.date(1990, 10, 1).isoformat(), "published": True}  # fmt: skip
    created = seeded_client.post("/api/observations", json=body, headers=auth("secretariat"))
    assert created.status_code == 201, created.text
    after = seeded_client.get(f"/api/monitoring/sites/{site_id}/long-term").json()
    assert after["validation"]["statistics"]["n"] == before["validation"]["statistics"]["n"] + 1
    assert {"year": 1990, "soc_t_c_ha": 38.0, "role": "calibration and validation"} in after["measured"]


def test_other_sites_have_no_long_term_series(seeded_client, auth):
    site = {"name": "Not an experiment", "country_iso3": "GBR", "lon": -0.376, "lat": 51.811,
            "land_use": "cropland", "published": True}  # fmt: skip
    created = seeded_client.post("/api/sites", json=site, headers=auth("secretariat")).json()
    answer = seeded_client.get(f"/api/monitoring/sites/{created['id']}/long-term")
    assert answer.status_code == 200 and answer.json() == {"site_id": created["id"], "available": False}
    # a site with a Rothamsted treatment's name but another owner is not the experiment
    copy = site | {"name": "Hoosfield — unmanured (plot 11)"}
    other = seeded_client.post("/api/sites", json=copy, headers=auth("secretariat")).json()
    assert seeded_client.get(f"/api/monitoring/sites/{other['id']}/long-term").json()["available"] is False
    assert seeded_client.get("/api/monitoring/sites/999999/long-term").status_code == 404
