"""Every indicator's counting rule (counting-rules.yaml, permille.registry.counting) on constructed records,
on SQLite and PostgreSQL: records that must count move the value; the same records unpublished, demo,
unverified, out of period, or a record of another indicator's kind do not."""

import datetime

import pytest
from sqlalchemy import update

from permille.registry import counting, kpis, service
from permille.registry.accounts import hash_password, record_sign_in
from permille.registry.orm import SignIn, ToolkitUsage, User, utcnow

TODAY = datetime.date.today()
Y = TODAY.year
COUNTRIES = ("SEN", "FRA", "BRA", "IND", "USA", "JPN")
"""One country per case, each of another region except JPN (Asia, like IND): a case counted by mistake
changes a count of countries, Parties or regions."""
VARIANTS = ("unpublished", "demo", "unverified", "out_of_period")


def create(s, kind: str, **payload):
    return service.create(s, kind, {"published": True, **payload}, service.SYSTEM)


def organisation(s, country: str, i: int, **extra):
    return create(s, "organisations", name=f"Org {country} {i}", membership="member", org_type="research",
                  country_iso3=country, **extra)  # fmt: skip


def spatial(country: str) -> dict:
    return {"lon": 0.0, "lat": 0.0, "country_iso3": country}


def _ndc(s, c, i):
    return [create(s, "ndcs", country_iso3=c, ndc_version=f"NDC {i}", year=Y, refers_soc=True,
                   refers_soil_health=False, refers_peatlands_wetlands=False)]  # fmt: skip


def _tools(s, c, i):
    org = organisation(s, c, i)
    user = s.get(User, _user(s, org, c, i))
    rows = []
    for tool in ("rothc", "balance"):  # 2 of the toolkit's 5 calculators: 40 %
        row = ToolkitUsage(tool=tool, country_iso3=c, at=utcnow(), actor=f"user:{user.id}", day=TODAY,
                           organisation_id=org.id)  # fmt: skip
        s.add(row)
        rows.append(row)
    s.commit()
    return [org, *rows]


def _user(s, org, c, i) -> int:
    user = User(email=f"u{i}{c.lower()}@example.org", role="member", password_hash=hash_password("x" * 12),
                organisation_id=org.id)  # fmt: skip
    s.add(user)
    s.commit()
    return user.id


def _active(s, c, i):
    org = organisation(s, c, i)
    record_sign_in(s, s.get(User, _user(s, org, c, i)), TODAY)
    s.commit()
    return [org]


def _observations(s, c, i):
    site = create(s, "sites", name=f"Site {c}", land_use="cropland", **spatial(c))
    obs = create(s, "observations", site_id=site.id, upper_cm=0, lower_cm=30, property="soc", value=1.5,
                 unit="%", date=datetime.date(Y, 1, 2).isoformat())  # fmt: skip
    return [site, obs]


def _twins(s, c, i):
    first = create(s, "municipalities", name=f"M {c} {i} a", **spatial(c))
    other = COUNTRIES[(i + 3) % len(COUNTRIES)] if i else "KEN"
    second = create(s, "municipalities", name=f"M {c} {i} b", twin_id=first.id, **spatial(other))
    return [first, second]


def _meeting(meeting_type, **extra):
    def make(s, c, i):
        return [create(s, "meetings", title=f"Meeting {c} {i}", meeting_type=meeting_type,
                       date=datetime.date(Y, 1, 2).isoformat(), country_iso3=c, **extra)]  # fmt: skip

    return make


def _network(**fields):
    def make(s, c, i):
        org = organisation(s, c, i)
        return [create(s, "networks", name=f"Network {c} {i}", organisation_id=org.id, **fields)]

    return make


WORKFLOW_METHODS = ("selected_in_calls", "helpdesks_answering")
"""Rules counted from the workflows' own steps (A2, B3): tested through the workflows in
tests/platform/test_workflows_api.py."""

CASES = {
    "parties_with_soc_in_ndc": _ndc,
    "parties_member_or_partner": lambda s, c, i: [organisation(s, c, i)],
    "studies_reviews_per_year": lambda s, c, i: [
        create(s, "studies", title=f"Study {c}", year=Y, study_type="study", country_iso3=c)
    ],
    "regional_meetings_per_year": _meeting("webinar", region="Africa"),
    "periodical_notes_per_year": _meeting("notes"),
    "compensation_schemes_reviewed": lambda s, c, i: [
        create(s, "schemes", name=f"Scheme {c}", scheme_type="voluntary", year=Y, country_iso3=c)
    ],
    "regions_using_certified_scheme": lambda s, c, i: [
        create(
            s,
            "schemes",
            name=f"4p1000 {c}",
            scheme_type="other",
            year=Y,
            country_iso3=c,
            recognised_4p1000=True,
        )  # fmt: skip
    ],
    "countries_with_soil_health_strategy": lambda s, c, i: [
        create(
            s,
            "strategies",
            title=f"Strategy {c}",
            strategy_type="national_strategy",
            country_iso3=c,
            year=Y,
            status="adopted",
        )  # fmt: skip
    ],
    "regions_covered_by_practice_database": lambda s, c, i: [
        create(s, "practices", name=f"Practice {c}", evidence_level="field_trials", country_iso3=c)
    ],
    "countries_using_20pct_of_tools": _tools,
    "countries_using_40pct_of_tools": _tools,
    "global_food_businesses_contacted": lambda s, c, i: [
        create(s, "contacts", name=f"Contact {c}", affiliation=f"Food company {c}", audience="private_sector")
    ],
    "funding_institutions_reached": lambda s, c, i: [
        create(s, "contacts", name=f"Funder {c}", affiliation=f"Bank {c}", audience="policy")
    ],
    "operational_branding_mechanisms": lambda s, c, i: [
        create(s, "brandings", name=f"Label {c}", branding_type="label", country_iso3=c)
    ],
    "organisations_active_on_platform_pct": _active,
    "regional_network_meetings_per_year": _meeting("regional_event"),
    "regions_with_youth_senior_partnership": _network(
        network_type="network", scope="regional", audience="youth"
    ),
    "signed_global_partnerships": _network(network_type="partnership", scope="global"),
    "monitoring_tools_in_catalogue": lambda s, c, i: [
        create(
            s,
            "monitoring-tools",
            name=f"Tool {c}",
            category="sensor",
            scale="field",
            cost="low",
            mrv_suitability="high",
        )  # fmt: skip
    ],
    "countries_with_monitoring_data": _observations,
    "tool_developer_collaborations": _network(
        network_type="partnership", scope="global", develops_tools=True
    ),
    "countries_with_twin_region_municipalities": _twins,
    "annual_budget_eur": lambda s, c, i: [
        create(
            s,
            "budget-lines",
            objective="F2",
            label=f"Line {c}",
            year=Y,
            amount=1000.0 * (i + 1),
            status="committed",
        )  # fmt: skip
    ],
}


def test_every_indicator_has_a_rule_on_structured_fields():
    names = set(kpis.indicators())
    assert set(counting.rules()["rules"]) == names
    counted = {n for n in names if counting.rule(n)["method"] not in ("manual", "indicator_share")}
    moved_by_workflows = {n for n in counted if counting.rule(n)["method"] in WORKFLOW_METHODS}
    assert moved_by_workflows == {"projects_selected_and_implemented", "regions_with_active_helpdesk"}
    assert counted - moved_by_workflows == set(CASES)
    for name in counted - moved_by_workflows:
        spec = counting.rule(name)
        model = service.kind_of(spec["kind"]).model
        for field in spec.get("where") or {}:
            column = getattr(model, field).property.columns[0]
            assert field not in ("name", "title", "description", "label", "notes"), (name, field)
            assert column.type.python_type in (bool, str, int), (name, field)  # enum/boolean, not free text
        assert {"en", "fr", "es"} <= set(spec["text"]), name


def _current(s, name):
    return counting.evaluate(s, name, TODAY).by_year[Y]


def _mutate(s, records, variant: str, name: str):
    for record in records:
        model = type(record)
        if variant == "unpublished":
            values = {"published": False}
        elif variant == "demo":
            values = {"demo": True}
        elif variant == "unverified":
            values = {"verified_at": None, "verified_by": None}
        else:  # dated next year: out of the period of this year's value
            values = {"created_at": datetime.datetime(Y + 1, 1, 2, tzinfo=datetime.UTC)}
            for field in ("year", "start_year"):
                if hasattr(record, field) and getattr(record, field) is not None:
                    values[field] = Y + 1
            for field in ("date", "at"):
                if hasattr(record, field) and getattr(record, field) is not None:
                    values[field] = datetime.date(Y + 1, 1, 2) if field == "date" else values["created_at"]
        if name == "organisations_active_on_platform_pct" and variant == "out_of_period":  # 200 days ago
            s.execute(update(SignIn).values(day=TODAY - datetime.timedelta(days=200))
                      .where(SignIn.user_id.in_(
                          s.query(User.id).filter(User.organisation_id == record.id).scalar_subquery())))  # fmt: skip
            continue
        s.execute(update(model).where(model.id == record.id).values(**values))
    s.commit()


@pytest.mark.parametrize("name", sorted(CASES))
def test_records_that_count_and_records_that_do_not(session, name):
    make = CASES[name]
    assert counting.evaluate(session, name, TODAY).records == []  # nothing yet
    if name == "organisations_active_on_platform_pct":
        organisation(session, "KEN", 9)  # an organisation without sign-in: the share is 50 %, not 100 %
    counted = make(session, COUNTRIES[0], 0)
    value = _current(session, name)
    assert value and value > 0, (name, value)
    evaluated = counting.evaluate(session, name, TODAY)
    behind = {(r.kind, r.id) for r in counting.counted_in(evaluated, name, Y)}
    assert {i for _, i in behind} & {r.id for r in counted}  # the records behind the value are listed
    for i, variant in enumerate(VARIANTS, start=1):
        records = make(session, COUNTRIES[i], i)
        _mutate(session, records, variant, name)
        now = counting.evaluate(session, name, TODAY)
        assert {(r.kind, r.id) for r in counting.counted_in(now, name, Y)} == behind, (name, variant)
        if (name, variant) == ("organisations_active_on_platform_pct", "out_of_period"):
            assert now.by_year[Y] == pytest.approx(100 / 3)  # a member without a recent sign-in: inactive
            value = now.by_year[Y]
            continue
        assert now.by_year[Y] == value, (name, variant)
    other = next(n for n, m in CASES.items() if counting.rule(n)["kind"] != counting.rule(name)["kind"]
                 and m is not make and counting.rule(n)["method"] == "records")  # fmt: skip
    CASES[other](session, COUNTRIES[5], 5)  # another indicator's kind
    assert _current(session, name) == value, (name, "other kind", other)
    demo = counting.evaluate(session, name, TODAY)
    assert demo.demo_records >= 1 and demo.demo_by_year is not None  # the demo record is shown apart


def test_anonymous_runs_are_shown_apart_and_never_counted(session):
    for n in range(41):
        session.add(ToolkitUsage(tool="rothc", country_iso3="SEN", at=utcnow(), actor=f"client:{n:064x}",
                                 day=TODAY))  # fmt: skip
    session.commit()
    count = counting.evaluate(session, "countries_using_20pct_of_tools", TODAY)
    assert count.by_year[Y] == 0.0 and count.records == []
    assert count.extra["anonymous_runs"] == 41


def test_budget_lines_are_converted_to_eur_at_the_year_rate(session):
    create(
        session, "budget-lines", objective="F2", label="EUR line", year=2023, amount=1000.0, status="spent"
    )
    create(session, "budget-lines", objective="F2", label="USD line", year=2023, amount=1081.3, currency="USD",
           status="spent")  # fmt: skip
    create(session, "budget-lines", objective="F2", label="XYZ line", year=2023, amount=5.0, currency="XYZ",
           status="spent")  # fmt: skip
    count = counting.evaluate(session, "annual_budget_eur", TODAY)
    assert count.by_year[2023] == pytest.approx(2000.0)  # 1081.3 USD at 1.0813 USD per EUR (ECB, 2023)
    assert count.extra["left_out_currencies"] == {"XYZ": 1}
    assert count.extra["rates"]["USD 2023"] == {"per_eur": 1.0813, "rate_year": 2023}
    assert counting.eur_rate("USD", 2031) == (1.0824, 2024)  # the latest year listed, said so
    assert counting.eur_rate("XOF", 2020) == (655.957, 1999)  # fixed parity


def test_every_baseline_of_the_plan_is_explained_in_three_languages():
    for name, indicator in kpis.indicators().items():
        if indicator.baseline is not None:
            explained = counting.rule(name).get("baseline") or {}
            assert all(explained.get(lang) for lang in ("en", "fr", "es")), name
