"""KPIs: the status rule on constructed cases, live values that follow the records added through the API,
manual values entered only by the Secretariat, the CSV export — on SQLite and PostgreSQL."""

import csv
import datetime
import io

import pytest
from sqlalchemy import select

from permille.api.security import issue_token
from permille.registry import kpis
from permille.registry.accounts import hash_password
from permille.registry.db import session_factory
from permille.registry.kpis import Indicator, Range
from permille.registry.orm import AuditLog, User

TODAY = datetime.date.today()


def indicator(baseline=None, t2030=None, t2050=None, baseline_year=2020) -> Indicator:
    r = lambda v: None if v is None else Range(*v) if isinstance(v, tuple) else Range(v, v)  # noqa: E731
    return Indicator("x", "A1", "countries", "registry", r(baseline), baseline_year, r(t2030), r(t2050))


def test_status_against_the_straight_line_from_baseline_to_target():
    ind = indicator(baseline=1, t2030=5, t2050=10)  # line: 1 (2020) → 5 (2030) → 10 (2050)
    assert kpis.expected(ind, 2025, 2030) == pytest.approx(3.0)
    assert kpis.status(ind, 3.0, 2025, 2030) == "on track"  # on the line counts as on track
    assert kpis.status(ind, 2.99, 2025, 2030) == "behind"
    assert kpis.status(ind, 5.0, 2025, 2030) == "achieved"
    assert kpis.expected(ind, 2040, 2050) == pytest.approx(7.5)  # through the 2030 target
    assert kpis.status(ind, 7.4, 2040, 2050) == "behind"
    assert kpis.status(ind, 7.5, 2040, 2050) == "on track"
    assert kpis.status(ind, 4.9, 2031, 2030) == "behind"  # past the target year the line is the target
    assert kpis.status(ind, None, 2025, 2030) == "no data since the baseline"
    assert kpis.expected(ind, 2015, 2030) == 1.0  # before the baseline year: the baseline


def test_status_of_ranges_missing_baselines_and_targets():
    ranged = indicator(baseline=(5, 10), t2030=(10, 20), t2050=50)  # projects: 5–10 → 10–20 → 50
    assert kpis.status(ranged, 10, 2024, 2030) == "achieved"  # the lower end of the target range
    assert kpis.expected(ranged, 2025, 2030) == pytest.approx(7.5)  # from the lower end of the baseline
    assert kpis.status(ranged, 7, 2025, 2030) == "behind"
    assert kpis.status(ranged, 8, 2025, 2030) == "on track"
    no_baseline = indicator(t2030=196)  # counts as 0 in 2020
    assert kpis.expected(no_baseline, 2025, 2030) == pytest.approx(98.0)
    assert kpis.status(no_baseline, 97, 2025, 2030) == "behind"
    only_2050 = indicator(baseline=13, t2050=196, baseline_year=2019)
    assert kpis.status(only_2050, 50, 2025, 2030) == "no target"
    assert kpis.expected(only_2050, 2019 + 31, 2050) == pytest.approx(196.0)


def test_trend_from_the_last_two_years():
    h = lambda *v: [{"year": 2020 + i, "value": x} for i, x in enumerate(v)]  # noqa: E731
    assert kpis.trend(h(1, 2)) == "up"
    assert kpis.trend(h(3, 2)) == "down"
    assert kpis.trend(h(2, 5, 5)) == "steady"
    assert kpis.trend(h(4)) is None
    assert kpis.trend(h(4, None)) is None


def test_the_plan_has_24_objectives_and_every_indicator_a_counting_rule():
    goals, objectives = kpis.plan()
    assert list(goals) == list("ABCDEF")
    assert len(objectives) == 24
    names = kpis.indicators()
    manual = {n for n, i in names.items() if i.source == "manual"} | {"farmer_associations_contacted_pct"}
    assert set(kpis.manual_indicators()) == manual  # farmers: the registry lacks the denominator
    for name in names:
        rule = kpis._rule_text(name)
        assert all(rule["text"][lang] for lang in ("en", "fr", "es")), name


def _indicator(report: dict, name: str) -> dict:
    return next(i for o in report["objectives"] for i in o["indicators"] if i["name"] == name)


def _kpi(client, name: str) -> dict:
    response = client.get("/api/kpis")
    assert response.status_code == 200, response.text
    return _indicator(response.json(), name)


def test_values_follow_the_records_added_through_the_api(client, auth):
    admin = auth("secretariat")
    assert _kpi(client, "projects_selected_and_implemented")["current"] is None  # no records: no data
    project = {"country_iso3": "SEN", "lon": -16.0, "lat": 14.0, "area_ha": 100.0, "published": True}
    for name, stage in (("P1", "selected"), ("P2", "proposed"), ("P3", "implemented")):
        r = client.post("/api/projects", json={**project, "name": name, "stage": stage}, headers=admin)
        assert r.status_code == 201, r.text
    projects = _kpi(client, "projects_selected_and_implemented")
    assert projects["current"] is None  # stages set by hand: A2 counts only selections made through a call
    assert projects["rule"]["kind"] == "projects" and "call for projects" in projects["rule"]["text"]["en"]
    assert projects["status"]["2030"] == "no data since the baseline"

    organisation = {"membership": "member", "org_type": "country", "published": True}
    for name, iso3 in (("O1", "SEN"), ("O2", "FRA"), ("O3", "SEN"), ("O4", "GRL")):
        r = client.post(
            "/api/organisations", json={**organisation, "name": name, "country_iso3": iso3}, headers=admin
        )
        assert r.status_code == 201, r.text
    # distinct UNFCCC Parties: Senegal and France; Greenland is not a Party in its own right
    assert _kpi(client, "parties_member_or_partner")["current"] == 2.0

    meeting = {"meeting_type": "webinar", "region": "Africa", "published": True}
    for title, date in (("M1", TODAY), ("M2", TODAY.replace(year=TODAY.year - 1)), ("M3", TODAY)):
        r = client.post(
            "/api/meetings", json={**meeting, "title": title, "date": date.isoformat()}, headers=admin
        )
        assert r.status_code == 201, r.text
    r = client.post(
        "/api/meetings",
        json={"title": "M4", "meeting_type": "webinar", "date": TODAY.isoformat()},
        headers=admin,
    )
    assert r.status_code == 201, r.text  # no region: not a regional meeting
    meetings = _kpi(client, "regional_meetings_per_year")
    assert meetings["current"] == 2.0  # this calendar year
    history = {h["year"]: h["value"] for h in meetings["history"]}
    assert history[TODAY.year - 1] == 1.0 and history[TODAY.year] == 2.0
    assert meetings["trend"] == "up"


def test_monitoring_countries_follow_observations(client, auth):
    member = auth("member")
    assert _kpi(client, "countries_with_monitoring_data")["current"] is None
    site = {"name": "S", "country_iso3": "URY", "lon": -56.0, "lat": -33.0, "land_use": "grassland"}
    r = client.post("/api/sites", json=site, headers=member)
    assert r.status_code == 201, r.text
    site_id = r.json()["id"]
    assert _kpi(client, "countries_with_monitoring_data")["current"] is None  # a site without observations
    observation = {
        "site_id": site_id,
        "upper_cm": 0,
        "lower_cm": 30,
        "property": "soc",
        "value": 2.1,
        "unit": "%",
        "uncertainty": 0.1,
    }
    r = client.post("/api/observations", json={**observation, "date": "2024-05-01"}, headers=member)
    assert r.status_code == 201, r.text
    # a member's records count once the Secretariat has published (verified) them
    assert _kpi(client, "countries_with_monitoring_data")["current"] is None
    admin = auth("secretariat")
    obs = r.json()
    assert client.patch(f"/api/sites/{site_id}", json={"published": True}, headers=admin).status_code == 200
    r = client.patch(f"/api/observations/{obs['id']}", json={"published": True, "version": obs["version"]},
                     headers=admin)  # fmt: skip
    assert r.status_code == 200, r.text
    countries = _kpi(client, "countries_with_monitoring_data")
    assert countries["current"] == 1.0
    assert {h["year"]: h["value"] for h in countries["history"]}[2024] == 1.0


@pytest.mark.parametrize("role, status", [("public", 401), ("member", 403), ("partner", 403), ("stc", 403)])
def test_manual_values_are_refused_to_all_but_the_secretariat(client, auth, role, status):
    body = {"value": 40, "date": TODAY.isoformat(), "source": "survey"}
    r = client.post("/api/kpis/assisted_awareness/values", json=body, headers=auth(role))
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] in ("unauthorized", "forbidden")
    assert _kpi(client, "assisted_awareness")["current"] is None


def _second_secretariat(engine) -> dict:
    with session_factory(engine)() as s:
        user = User(
            email="second@test.example.org", role="secretariat", password_hash=hash_password("x" * 12)
        )
        s.add(user)
        s.flush()
        token, _ = issue_token(s, user)
        s.commit()
    return {"Authorization": f"Bearer {token}"}


def test_a_manual_value_counts_once_a_second_secretariat_user_approves_it(client, auth, session, engine):
    admin = auth("secretariat")
    earlier = {"value": 25, "date": TODAY.replace(year=TODAY.year - 1).isoformat(), "source": "Survey 1"}
    later = {"value": 40, "date": TODAY.isoformat(), "source": "Survey 2"}
    ids = []
    for body in (later, earlier):  # entry order does not matter: the latest date is the current value
        r = client.post("/api/kpis/assisted_awareness/values", json=body, headers=admin)
        assert r.status_code == 201, r.text
        assert r.json()["state"] == "unapproved"
        ids.append(r.json()["id"])
    awareness = _kpi(client, "assisted_awareness")
    assert awareness["current"] is None  # unapproved: shown, not used for the status
    assert awareness["current_source"]["unapproved"]["value"] == 40.0  # the latest by date
    assert awareness["status"]["2030"] == kpis.NO_DATA
    second = _second_secretariat(engine)
    r = client.post(f"/api/kpis/values/{ids[0]}/approve", headers=admin)
    assert r.status_code == 403, r.text  # the one who entered it, with a second Secretariat user around
    for value_id in ids:
        r = client.post(f"/api/kpis/values/{value_id}/approve", headers=second)
        assert r.status_code == 200, r.text
        assert (r.json()["approved_by"], r.json()["self_approved"]) == ("second@test.example.org", False)
    assert client.post(f"/api/kpis/values/{ids[0]}/approve", headers=second).status_code == 409
    awareness = _kpi(client, "assisted_awareness")
    assert awareness["current"] == 40.0
    source = awareness["current_source"]
    assert (source["source"], source["entered_by"], source["approved_by"]) == (
        "Survey 2", "secretariat@test.example.org", "second@test.example.org"
    )  # fmt: skip
    assert [h["value"] for h in awareness["history"]] == [25.0, 40.0]
    # 40 % against 100 % in 2030 from 0 in 2020: on track only if the line has not passed 40
    assert awareness["status"]["2030"] == ("on track" if TODAY.year <= 2024 else "behind")
    history = client.get("/api/kpis/assisted_awareness/records").json()["values"]
    assert [(v["value"], v["entered_by"], v["approved_by"]) for v in history] == [
        (25.0, "secretariat@test.example.org", "second@test.example.org"),
        (40.0, "secretariat@test.example.org", "second@test.example.org"),
    ]
    audit = session.scalars(select(AuditLog).where(AuditLog.kind == "kpi-values")).all()
    assert [a.action for a in audit] == ["create", "create", "approve", "approve"]


def test_a_single_secretariat_user_self_approves_labelled_so(client, auth):
    admin = auth("secretariat")
    body = {"value": 3, "date": TODAY.isoformat(), "source": "Framework v3 adopted by the STC"}
    r = client.post("/api/kpis/reference_framework_version/values", json=body, headers=admin)
    r = client.post(f"/api/kpis/values/{r.json()['id']}/approve", headers=admin)
    assert r.status_code == 200 and r.json()["self_approved"] is True, r.text
    assert _kpi(client, "reference_framework_version")["current_source"]["self_approved"] is True


def test_a_bad_manual_value_is_refused_with_every_problem(client, auth):
    admin = auth("secretariat")
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    r = client.post(
        "/api/kpis/assisted_awareness/values",
        json={"value": 150, "date": future, "source": "x"},
        headers=admin,
    )
    assert r.status_code == 422, r.text
    locations = sorted(d["loc"][0] for d in r.json()["error"]["details"])
    assert locations == ["date", "value"]
    r = client.post(
        "/api/kpis/projects_selected_and_implemented/values",
        json={"value": 3, "date": TODAY.isoformat(), "source": "x"},
        headers=admin,
    )
    assert r.status_code == 422 and "computed from the records" in r.text
    r = client.post(
        "/api/kpis/no_such_indicator/values",
        json={"value": 3, "date": TODAY.isoformat(), "source": "x"},
        headers=admin,
    )
    assert r.status_code == 422 and "unknown indicator" in r.text
    assert _kpi(client, "assisted_awareness")["current"] is None


def test_one_objective_and_the_csv_export(client):
    r = client.get("/api/kpis/A2")
    assert r.status_code == 200, r.text
    assert [i["name"] for i in r.json()["indicators"]] == ["projects_selected_and_implemented"]
    assert client.get("/api/kpis/F9").status_code == 404
    r = client.get("/api/kpis/export.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(kpis.indicators()) == 30
    projects = next(row for row in rows if row["indicator"] == "projects_selected_and_implemented")
    assert (projects["baseline_min"], projects["target_2030_max"], projects["target_2050"]) == (
        "5.0",
        "20.0",
        "50.0",
    )
    assert projects["status_2030"] == "no data since the baseline"


def test_restricted_records_behind_a_value_are_a_count_but_for_the_secretariat_and_the_stc(client, auth):
    admin = auth("secretariat")
    contact = {"name": "C", "affiliation": "Food company", "audience": "private_sector", "published": True}
    assert client.post("/api/contacts", json=contact, headers=admin).status_code == 201
    path = "/api/kpis/global_food_businesses_contacted/records"
    for role in ("public", "member", "partner"):
        answer = client.get(path, headers=auth(role)).json()
        assert (answer["count"], answer["restricted"], "records" in answer) == (1, True, False), role
    for role in ("stc", "secretariat"):
        answer = client.get(path, headers=auth(role)).json()
        assert [r["label"] for r in answer["records"]] == ["C"], role
    assert client.get("/api/kpis/no_such_indicator/records").status_code == 404
