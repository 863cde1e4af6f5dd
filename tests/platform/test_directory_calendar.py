"""The member directory, the calendar (registration, reminders, iCalendar) and the twin-regions pilot
through the API, on SQLite and PostgreSQL; reminders received by a real SMTP server (aiosmtpd)."""

import datetime
import json
import threading

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from permille import cli
from permille.registry import calendar, counting
from permille.registry.db import session_factory
from permille.registry.orm import (
    HelpdeskExpert,
    Meeting,
    Municipality,
    Notification,
    Organisation,
    Practice,
    Project,
    User,
    utcnow,
)
from permille.registry.service import Conflict
from tests.mailserver import text_of

from .conftest import add_user

TODAY = datetime.datetime.now(datetime.UTC).date()


@pytest.fixture
def client(mailed_client):
    return mailed_client


def _org(session, name, published=True, **values):
    row = Organisation(
        name=name, membership=values.pop("membership", "member"), org_type=values.pop("org_type", "research"),
        published=published, **values,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _project(session, organisation, name, published):
    row = Project(
        name=name, country_iso3="FRA", area_ha=12.5, stage="proposed", lon=2.0, lat=46.0,
        organisation_id=organisation.id, published=published,
    )  # fmt: skip
    session.add(row)
    return row


def test_the_directory_shows_published_organisations_and_nothing_private(client, session):
    inra = _org(session, "Soil Institute of France", org_type="research", country_iso3="FRA")
    _org(session, "Sahel Farmers Union", org_type="farmers_organisation", country_iso3="SEN",
                membership="partner", region="Africa")  # fmt: skip
    hidden = _org(session, "Unpublished Agency", published=False, country_iso3="FRA")
    _project(session, inra, "Cover crops in Beauce", True)
    _project(session, inra, "Secret pilot in Brie", False)
    _project(session, hidden, "Hidden agency project", True)
    session.add(Practice(name="Hedgerows", category="agroforestry", evidence_level="field_trials",
                         organisation_id=inra.id, published=True))  # fmt: skip
    session.add(Practice(name="Unpublished biochar", category="biochar", evidence_level="modelled",
                         organisation_id=inra.id, published=False))  # fmt: skip
    expert = add_user(session, "expert.private@inra.test", "partner", inra.id, name="Private Expert")
    session.add(HelpdeskExpert(user_id=expert.id, regions=["Europe"], topics=["monitoring"]))
    session.commit()

    listed = client.get("/api/directory/organisations")
    assert listed.status_code == 200, listed.text
    assert [o["name"] for o in listed.json()] == ["Sahel Farmers Union", "Soil Institute of France"]
    france = next(o for o in listed.json() if o["country_iso3"] == "FRA")
    assert france["region"] == "Europe"  # from the country when the organisation names none
    assert (france["projects"], france["practices"]) == (1, 1)  # published ones only

    def names(**query):
        answer = client.get("/api/directory/organisations", params=query)
        assert answer.status_code == 200, answer.text
        return [o["name"] for o in answer.json()]

    assert names(region="Africa") == ["Sahel Farmers Union"]
    assert names(region="Europe") == ["Soil Institute of France"]
    assert names(country_iso3="SEN") == ["Sahel Farmers Union"]
    assert names(org_type="research") == ["Soil Institute of France"]
    assert names(membership="partner") == ["Sahel Farmers Union"]
    assert names(q="soil FRANCE") == ["Soil Institute of France"]
    assert names(q="agency") == []
    assert client.get("/api/directory/organisations", params={"region": "Mars"}).status_code == 422

    page = client.get(f"/api/directory/organisations/{inra.id}")
    assert page.status_code == 200, page.text
    body = page.json()
    assert [p["name"] for p in body["project_list"]] == ["Cover crops in Beauce"]
    assert [p["name"] for p in body["practice_list"]] == ["Hedgerows"]
    assert body["expertise"] == ["agroforestry", "monitoring"]  # practices' categories, experts' topics
    text = json.dumps(body) + listed.text
    for private in ("expert.private@inra.test", "Private Expert", "Secret pilot", "biochar", "Hidden agency"):
        assert private not in text
    assert client.get(f"/api/directory/organisations/{hidden.id}").status_code == 404


def _meeting(session, title, days, published=True, capacity=None, meeting_type="webinar"):
    row = Meeting(
        title=title, meeting_type=meeting_type, date=TODAY + datetime.timedelta(days=days), region="Europe",
        location="Montpellier", notes="Soil carbon and water", published=published, capacity=capacity,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row


def test_registration_with_capacity_and_cancel(client, auth, session):
    member, partner, stc = auth("member"), auth("partner"), auth("stc")
    event = _meeting(session, "Webinar on cover crops", 3, capacity=1)
    past = _meeting(session, "Forum last month", -30)
    draft = _meeting(session, "Unpublished meeting", 5, published=False)
    notes = _meeting(session, "Minutes of the Bureau", 1, meeting_type="notes")

    listed = client.get("/api/calendar/events").json()
    assert [e["title"] for e in listed] == ["Forum last month", "Webinar on cover crops"]
    upcoming = client.get("/api/calendar/events", params={"start": TODAY.isoformat()}).json()
    assert [e["id"] for e in upcoming] == [event.id]

    url = f"/api/calendar/events/{event.id}"
    assert client.post(f"{url}/register").status_code == 401
    first = client.post(f"{url}/register", headers=member)
    assert first.status_code == 200, first.text
    assert (first.json()["registered"], first.json()["seats_left"], first.json()["mine"]) == (1, 0, True)
    assert client.post(f"{url}/register", headers=member).status_code == 409  # already registered
    full = client.post(f"{url}/register", headers=partner)
    assert full.status_code == 409 and "full" in full.json()["error"]["message"]
    assert client.get(url, headers=partner).json()["mine"] is False
    assert client.post(f"{url}/cancel", headers=partner).status_code == 404  # holds no seat
    cancelled = client.post(f"{url}/cancel", headers=member)
    assert cancelled.status_code == 200 and cancelled.json()["seats_left"] == 1
    assert client.post(f"{url}/register", headers=partner).status_code == 200  # the seat is free again
    assert client.post(f"{url}/register", headers=member).status_code == 409  # full again
    assert client.post(f"/api/calendar/events/{past.id}/register", headers=stc).status_code == 409
    for hidden in (draft, notes):
        assert client.post(f"/api/calendar/events/{hidden.id}/register", headers=stc).status_code == 404
        assert client.get(f"/api/calendar/events/{hidden.id}").status_code == 404
    assert client.get(f"{url}/registrations", headers=partner).status_code == 403
    seats = client.get(f"{url}/registrations", headers=auth("secretariat")).json()
    assert [s["email"] for s in seats] == ["partner@test.example.org"]


def test_the_ics_feed_parses_back(client, session):
    event = _meeting(session, "Regional event: Sahel", 10, meeting_type="regional_event")
    _meeting(session, "Unpublished meeting", 5, published=False)
    _meeting(session, "Minutes of the Bureau", 1, meeting_type="notes")
    answer = client.get("/api/calendar/events.ics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    feed = Calendar.from_ical(answer.content)
    assert str(feed["VERSION"]) == "2.0" and "permille" in str(feed["PRODID"])
    vevents = feed.walk("VEVENT")
    assert len(vevents) == 1
    vevent = vevents[0]
    assert str(vevent["SUMMARY"]) == "Regional event: Sahel"
    assert vevent.decoded("DTSTART") == event.date  # an all-day event: a DATE
    assert vevent.decoded("DTEND") == event.date + datetime.timedelta(days=1)  # exclusive end
    assert str(vevent["UID"]) == f"meeting-{event.id}@platform.test"
    assert str(vevent["LOCATION"]) == "Montpellier"
    assert str(vevent["URL"]) == f"http://platform.test/#/calendar?event={event.id}"
    one = Calendar.from_ical(client.get(f"/api/calendar/events/{event.id}/event.ics").content)
    assert [str(e["UID"]) for e in one.walk("VEVENT")] == [str(vevent["UID"])]
    assert (
        Calendar.from_ical(client.get("/api/calendar/events.ics?region=Africa").content).walk("VEVENT") == []
    )


def test_reminders_are_sent_once_by_the_daily_command(client, auth, session, mailserver, db_url):
    member = auth("member")
    tomorrow = _meeting(session, "Webinar tomorrow", 1)
    later = _meeting(session, "Forum next month", 30)
    for row in (tomorrow, later):
        assert client.post(f"/api/calendar/events/{row.id}/register", headers=member).status_code == 200
    ran = CliRunner().invoke(
        cli.app, ["notifications", "reminders", "--public-url", "http://platform.test"],
        env={"PERMILLE_DATABASE_URL": db_url},
    )  # fmt: skip
    assert ran.exit_code == 0 and "1 reminder(s) sent" in ran.output, ran.output
    again = CliRunner().invoke(
        cli.app, ["notifications", "reminders", "--public-url", "http://platform.test"],
        env={"PERMILLE_DATABASE_URL": db_url},
    )  # fmt: skip
    assert again.exit_code == 0 and "already done" in again.output, again.output
    assert calendar.send_reminders(session, "http://platform.test") == 0  # each registration once
    client.app.state.courier.deliver()
    mail = mailserver.wait_for("member@test.example.org")[0]
    assert "Webinar tomorrow" in mail["Subject"] and f"#/calendar?event={tomorrow.id}" in text_of(mail)
    session.expire_all()
    inbox = session.scalars(select(Notification).where(Notification.kind == "reminder")).all()
    assert [n.link for n in inbox] == [f"/#/calendar?event={tomorrow.id}"]


def _municipality(session, name, iso3, twin=None, published=True, verified=True, demo=False, org=None):
    row = Municipality(
        name=name, country_iso3=iso3, lon=0.0, lat=0.0, twin_id=twin.id if twin else None,
        published=published, verified_at=utcnow() if verified else None, verified_by="s@x" if verified else None,
        demo=demo, organisation_id=org,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row


def _f1(session) -> counting.Count:
    """KPI F1 as the KPIs page counts it (its own transaction, ended at once: SQLite locks)."""
    with Session(session.get_bind()) as reader:
        return counting.evaluate(reader, "countries_with_twin_region_municipalities", TODAY)


def test_twin_pairs_their_activities_and_kpi_f1(client, auth, session):
    before = _f1(session).by_year[TODAY.year] or 0
    owner = auth("member")
    ours = auth.organisation_id("member")
    cahors = _municipality(session, "Cahors", "FRA", org=ours)
    kayes = _municipality(session, "Kayes", "MLI", twin=cahors)
    _municipality(session, "Lonely", "ESP")
    selfish = _municipality(session, "Selfish", "DEU")
    selfish.twin_id = selfish.id  # naming itself makes no pair
    draft = _municipality(session, "Draft town", "BEN", published=False)
    _municipality(session, "Twin of a draft", "COD", twin=draft)
    demo_a = _municipality(session, "Demo A", "ARG", demo=True)
    _municipality(session, "Demo B", "CHL", twin=demo_a, demo=True)
    session.commit()

    shown = client.get("/api/twins").json()
    assert [[m["name"] for m in p["municipalities"]] for p in shown] == [
        ["Cahors", "Kayes"],
        ["Demo A", "Demo B"],
    ]
    assert [p["counted"] for p in shown] == [True, False]
    assert [p["published"] for p in shown] == [True, True]

    exchange = {"municipality_id": cahors.id, "partner_id": kayes.id, "activity_type": "exchange",
                "date": "2026-05-04", "title": "Visit of Kayes farmers to Cahors"}  # fmt: skip
    assert client.post("/api/twins/activities", json=exchange).status_code == 401
    assert client.post("/api/twins/activities", json=exchange, headers=auth("partner")).status_code == 403
    assert client.post("/api/twins/activities", json=exchange, headers=auth("stc")).status_code == 403
    made = client.post("/api/twins/activities", json=exchange, headers=owner)
    assert made.status_code == 201, made.text
    not_twins = exchange | {"partner_id": selfish.id}
    refused = client.post("/api/twins/activities", json=not_twins, headers=auth("secretariat"))
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["loc"][-1] == "partner_id"
    assert (
        client.post(
            "/api/twins/activities", json=exchange | {"activity_type": "party"}, headers=owner
        ).status_code
        == 422
    )
    pair = client.get("/api/twins").json()[0]
    assert [a["title"] for a in pair["activities"]] == ["Visit of Kayes farmers to Cahors"]

    count = _f1(session)
    assert count.by_year[TODAY.year] - before == 2  # France and Mali; not the draft's, the demo, nor alone
    assert count.demo_records == 2  # the demo pair is shown apart


def test_an_organisation_sees_its_own_unpublished_pair_and_the_public_does_not(client, auth, session):
    figeac = _municipality(session, "Figeac", "FRA", published=False, org=auth.organisation_id("member"))
    _municipality(session, "Ségou", "MLI", twin=figeac)
    hidden = _municipality(session, "Porto-Novo", "BEN", published=False, org=auth.organisation_id("partner"))
    _municipality(session, "Kisangani", "COD", twin=hidden)
    _municipality(session, "Tours", "FRA", twin=_municipality(session, "Ouahigouya", "BFA"))

    def shown(role: str) -> dict[tuple, tuple]:
        answer = client.get("/api/twins", headers=auth(role))
        assert answer.status_code == 200, answer.text
        return {
            tuple(m["name"] for m in p["municipalities"]): (p["published"], p["counted"])
            for p in answer.json()
        }

    public = {("Ouahigouya", "Tours"): (True, True)}
    ours = {("Figeac", "Ségou"): (False, False)}  # never counted by KPI F1 while unpublished
    theirs = {("Porto-Novo", "Kisangani"): (False, False)}
    assert shown("public") == public
    assert shown("member") == public | ours
    assert shown("partner") == public | theirs
    assert shown("secretariat") == shown("stc") == public | ours | theirs


def test_the_demo_municipalities_do_not_repeat_their_country(seeded_client):
    """The pages write a municipality as "name (country)": a name holding its country would read twice."""
    pairs = seeded_client.get("/api/twins").json()
    assert len(pairs) == 3
    for municipality in (m for p in pairs for m in p["municipalities"]):
        names = {municipality["country_iso3"], *municipality["country"].values()}
        assert not any(name in municipality["name"] for name in names), municipality


def test_two_users_racing_for_the_last_seat(engine, auth, session):
    """Two registrations at once for the last seat: the meeting row is locked (PostgreSQL) or the write
    lock held (SQLite) while a seat is counted and taken, so exactly one gets it."""
    event = _meeting(session, "Field day with one seat", 2, capacity=1)
    users = [auth.user("member"), auth.user("partner")]
    sessions, start, outcomes = session_factory(engine), threading.Barrier(2), []

    def register(user) -> None:
        with sessions() as own:
            start.wait()
            try:
                calendar.register(own, own.get(User, user.id), event.id)
                outcomes.append("seat")
            except Conflict as refused:
                outcomes.append(str(refused))

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["seat", "the event is full (1 seat)"]
    session.rollback()
    assert calendar.get_event(session, None, event.id)["registered"] == 1
