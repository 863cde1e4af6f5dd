"""Seed data: the bundled plan and countries agree with their sources, the catalogues carry citations and
uncertainties, demo records say they are demo, and seeding is idempotent and audited — on both databases."""

import json
import os
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from permille.registry import kpis, orm, rothamsted, seed

DATA = files("permille") / "data"
SHARED_PLAN = Path(__file__).resolve().parents[3] / "shared" / "strategic-plan" / "objectives.yaml"


def _yaml(path: str) -> dict:
    return yaml.safe_load((DATA / path).read_text(encoding="utf-8"))


def test_the_bundled_plan_is_the_shared_one():
    if not SHARED_PLAN.exists():  # the reference data beside the repository (tests/conftest.py: shared_path)
        message = f"reference data missing: {SHARED_PLAN}"
        pytest.fail(message) if os.environ.get("CI", "").lower() == "true" else pytest.skip(message)
    shared = SHARED_PLAN.read_bytes()
    assert (DATA / "strategic-plan" / "objectives.yaml").read_bytes() == shared


def test_countries_agree_with_the_bundled_boundaries():
    countries = _yaml("registry/countries.yaml")["countries"]
    by_iso3 = {c["iso3"]: c for c in countries}
    assert len(by_iso3) == len(countries)  # no duplicates
    boundaries = json.loads((DATA / "boundaries" / "countries_50m.geojson").read_text(encoding="utf-8"))
    coded = {
        f["properties"]["iso3"]: f["properties"] for f in boundaries["features"] if f["properties"]["iso3"]
    }
    for iso3, props in coded.items():
        assert by_iso3[iso3]["region"] == props["region"], iso3
        assert by_iso3[iso3]["iso_numeric"] == props["iso_numeric"], iso3
    assert set(by_iso3) - set(coded) == {"TUV"}  # Tuvalu: a Party without a 1:50m boundary
    regions = set(kpis.plan_regions())
    assert {c["region"] for c in countries} == regions
    for c in countries:
        assert len(c["iso2"]) == 2 and c["iso2"].isalpha() and c["iso2"].isupper(), c
        assert all(c["name"][lang] for lang in ("en", "fr", "es")), c
    parties = [c["iso3"] for c in countries if c["unfccc_party"]]
    assert len(parties) == 197  # 193 UN members + Cook Islands, Niue, State of Palestine, Holy See
    assert {"COK", "NIU", "PSE", "VAT", "TUV"} <= set(parties) and "GRL" not in parties
    assert by_iso3["NOR"]["iso2"] == "NO"  # quoted: not YAML's false


def test_catalogue_entries_carry_citations_and_uncertainty():
    practices = _yaml("registry/practices.yaml")["practices"]
    tools = _yaml("registry/tools.yaml")["tools"]
    assert len(practices) >= 14 and len(tools) >= 12
    for entry in practices + tools:
        assert entry["references"], entry["name"]
        for ref in entry["references"]:
            assert ref["authors"] and ref["year"] and ref["title"] and (ref.get("doi") or ref.get("url")), ref
        assert isinstance(entry["verified"], bool)
    for p in practices:
        effect = p["effect"]
        # an effect without an interval must say so
        assert effect["uncertainty"] is not None or effect["note"], p["key"]
        payload = seed.practice_payload(p)
        if payload["effect_t_c_ha_yr"] is not None:
            assert payload["effect_uncertainty_t_c_ha_yr"] > 0
        assert "Reported effect:" in payload["description"]
        assert ("UNVERIFIED" in payload["evidence"]) == (not p["verified"])
    cover = next(p for p in practices if p["key"] == "cover-crops")  # Poeplau & Don (2015)
    assert (cover["effect"]["value"], cover["effect"]["uncertainty"]) == (0.32, 0.08)


def test_demo_records_say_they_are_demo():
    demo = _yaml("registry/demo.yaml")
    labels = ("name", "title", "subject", "label")
    count = 0
    for section, rows in demo.items():
        for row in rows:
            label = next((row[k] for k in labels if k in row), None)
            if label is not None:
                assert label.startswith("Demo"), (section, label)
                count += 1
            elif section == "observations":
                assert row["method"].startswith("Demo"), row
            elif section == "kpi_values":
                assert row["source"].startswith("Demo"), row
    assert count >= 60
    assert [role for _, role, _ in seed.DEMO_ACCOUNTS] == ["member", "partner", "stc", "stc", "secretariat"]
    assert all(password.startswith("demo-") for *_, password in seed.DEMO_ACCOUNTS)


def _counts(session) -> dict[str, int]:
    models = [m.class_ for m in orm.Base.registry.mappers if hasattr(m.class_, "__tablename__")]
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in models}


def test_seeding_is_complete_idempotent_audited_and_usable(seeded_client, session):
    first = _counts(session)  # seeded by the app on first start
    demo = _yaml("registry/demo.yaml")
    assert first["practice"] == len(_yaml("registry/practices.yaml")["practices"]) + len(demo["practices"])
    assert first["monitoring_tool"] == len(_yaml("registry/tools.yaml")["tools"])
    assert first["ndc_entry"] == len(_yaml("registry/ndcs.yaml")["ndcs"]) + 198  # one per UNFCCC Party
    assert first["app_user"] == len(seed.DEMO_ACCOUNTS)
    long_term = sum(len(t.series) + 1 for t in rothamsted.treatments())  # SOC stocks and clay, always seeded
    assert first["observation"] == len(demo["observations"]) + long_term
    assert first["kpi_value"] == len(demo["kpi_values"])
    not_records = ("audit_log", "record_version", "layer", "zone_statistic", "api_token")
    # the demo call, question and twin activities: their steps are audited as the demo users who take them
    workflows = ("project_call", "call_application", "call_review", "helpdesk_expert", "helpdesk_question",
                 "helpdesk_message", "notification", "notification_preference", "mail_message", "twin_activity")  # fmt: skip
    records = sum(n for table, n in first.items() if table not in not_records + workflows)
    actors = dict(
        session.execute(select(orm.AuditLog.actor, func.count()).group_by(orm.AuditLog.actor)).all()
    )
    assert actors.pop("system") == records  # every seeded row was written through the audited service
    steps = session.execute(
        select(orm.AuditLog.kind, orm.AuditLog.action).where(orm.AuditLog.actor != "system")
    )
    assert {"call_application", "helpdesk_question", "twin_activity"} <= {kind for kind, _ in steps}
    assert set(actors) <= {email for email, _, _ in seed.DEMO_ACCOUNTS} | {"anonymous"}
    assert ("call_application", "select") in set(
        session.execute(select(orm.AuditLog.kind, orm.AuditLog.action)).all()
    )  # A2 moved by the workflow's own step
    seed.seed(session)
    assert _counts(session) == first  # nothing added twice
    member = session.scalar(select(orm.User).where(orm.User.email == "demo.member@example.org"))
    assert member.organisation_id is not None and member.role == "member"
    assert (
        len(session.scalars(select(orm.Municipality).where(orm.Municipality.twin_id.is_not(None))).all()) == 3
    )

    for email, role, password in seed.DEMO_ACCOUNTS:
        r = seeded_client.post("/api/auth/token", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        me = seeded_client.get("/api/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
        assert me.json()["role"] == role
    practices = seeded_client.get("/api/practices", params={"q": "cover crops"}).json()["items"]
    assert any(p["effect_t_c_ha_yr"] == 0.32 and p["effect_uncertainty_t_c_ha_yr"] == 0.08 for p in practices)
    assert seeded_client.get("/api/contacts").status_code in (401, 403)  # restricted demo records stay hidden

    report = seeded_client.get("/api/kpis").json()  # the demo gives every objective something to show,
    shown = lambda i: i["current"] is not None or "demo" in i["current_source"]  # noqa: E731
    assert [o["id"] for o in report["objectives"] if not any(shown(i) for i in o["indicators"])] == []
    # A2 and B3 count only what the call and helpdesk workflows did: the demo seed runs one call to
    # "selected" and answers one question, shown apart as demo and never counted
    for objective in ("A2", "B3"):
        (indicator,) = next(o for o in report["objectives"] if o["id"] == objective)["indicators"]
        assert "demo" in indicator["current_source"] and not indicator["current"], indicator
    demo_only = [i for o in report["objectives"] for i in o["indicators"] if "demo" in i["current_source"]]
    assert demo_only  # labelled demo, apart from the values (which demo records never move)
    indicators = [i for o in report["objectives"] for i in o["indicators"]]
    with_value = [i for i in indicators if i["current"] is not None]
    share = next(i for i in indicators if i["name"] == kpis.SELF)["current"]
    assert share == pytest.approx(100 * (len(with_value) - 1) / (len(indicators) - 1))
