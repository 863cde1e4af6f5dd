"""Browser journeys of the member directory, the calendar and the twin-regions pilot (Playwright on
Debian's Chromium) over the demo platform: filters and the country map, an organisation's page, nothing
unpublished shown; registering for an event and cancelling, the event's .ics downloaded and parsed back;
the twin pairs with their map, and the Secretariat recording an exchange. Screenshots in docs/img/ (en, fr,
es, and a 390 px phone)."""

import datetime

import httpx
from icalendar import Calendar
from sqlalchemy.orm import Session

from permille.registry.orm import Municipality, Organisation
from permille.registry.seed import DEMO_ACCOUNTS
from tests.browser.conftest import IMAGES

PHONE = {"width": 390, "height": 844}
PASSWORDS = {email: password for email, _, password in DEMO_ACCOUNTS}


def shot(page, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)


def goto(page, server, hash_: str, name: str) -> None:
    page.goto(f"{server.url}/{hash_}")
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]')


def sign_in(page, email: str) -> None:
    page.click("#signin-button")
    page.fill("#signin-email", email)
    page.fill("#signin-password", PASSWORDS[email])
    page.click('#signin-form button[type="submit"]')
    page.wait_for_selector("#user-name:not([hidden])")


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is wider than the phone ({width} px)"


def test_the_directory_filters_maps_and_shows_an_organisation(page, server):
    with Session(server.engine) as session:
        session.add(Organisation(name="Unpublished Soil Agency", membership="member", org_type="ngo",
                                 country_iso3="SEN", published=False))  # fmt: skip
        session.commit()
    listed = httpx.get(f"{server.url}/api/directory/organisations").json()
    goto(page, server, "#/directory", "directory")
    cards = page.locator("[data-organisation] h3 a")
    assert sorted(cards.all_inner_texts()) == sorted(o["name"] for o in listed)
    assert "Unpublished Soil Agency" not in page.inner_text("main")
    page.wait_for_selector(".directory-map[data-countries]")
    assert "SEN" in page.get_attribute(".directory-map", "data-countries").split()
    shot(page, "directory-en")

    page.select_option('.directory-filters [name="region"]', "Africa")
    page.click('.directory-filters button[type="submit"]')
    page.wait_for_function("() => location.hash.includes('region=Africa')")
    africa = [o["name"] for o in listed if o["region"] == "Africa"]
    page.wait_for_function(f"() => document.querySelectorAll('[data-organisation]').length === {len(africa)}")
    assert sorted(cards.all_inner_texts()) == sorted(africa)
    assert set(page.get_attribute(".directory-map", "data-countries").split()) == {
        o["country_iso3"] for o in listed if o["region"] == "Africa"
    }
    page.reload()  # the filters are the permalink
    page.wait_for_selector('main .page[data-page="directory"][data-state="ready"]')
    assert page.locator('.directory-filters [name="region"]').input_value() == "Africa"
    assert page.locator("[data-organisation]").count() == len(africa)

    page.click("text=Demo Ministry of Agriculture of Senegal")
    page.wait_for_selector('main .page[data-page="directory"][data-state="ready"] .org-projects')
    assert "Demo: cover crops in the Groundnut Basin" in page.inner_text(".org-projects")
    assert "Africa" in page.inner_text("dl.details")
    shot(page, "directory-organisation-en")

    for language, title in (("fr", "Annuaire des membres"), ("es", "Directorio de miembros")):
        goto(page, server, "#/directory", "directory")
        page.select_option("#lang-select", language)
        page.wait_for_function(f"() => document.querySelector('main h1')?.textContent === {title!r}")
        page.wait_for_selector(".directory-map[data-countries]")
        assert (
            "Sénégal" in page.inner_text(".directory-list")
            if language == "fr"
            else "Senegal" in page.inner_text(".directory-list")
        )
        shot(page, f"directory-{language}")
    page.select_option("#lang-select", "en")

    page.set_viewport_size(PHONE)
    goto(page, server, "#/directory?region=Europe", "directory")
    page.wait_for_selector(".directory-map[data-countries]")
    fits_the_phone(page)
    shot(page, "directory-390")


def test_register_for_an_event_cancel_and_download_its_ics(page, server):
    goto(page, server, "#/calendar", "calendar")
    forum = page.locator("[data-event]", has_text="Demo forum: twin municipalities for soil carbon")
    assert "Sign in to register" in forum.inner_text()
    sign_in(page, "demo.member@example.org")
    page.wait_for_selector('main .page[data-page="calendar"][data-state="ready"]')
    assert "2 of 2 seats left" in forum.inner_text() and "null" not in forum.inner_text()
    forum.locator('[data-action="register"]').click()
    forum.locator('[data-action="cancel"]').wait_for()
    assert "1 of 2 seats left" in forum.inner_text() and "You are registered" in forum.inner_text()
    assert page.locator("[data-event]", has_text="Demo regional webinar: Africa").count() == 0  # past
    shot(page, "calendar-en")

    with page.expect_download() as download:
        forum.locator("a", has_text="Add to my calendar").click()
    event = Calendar.from_ical(download.value.path().read_bytes()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Demo forum: twin municipalities for soil carbon"
    today = datetime.datetime.now(datetime.UTC).date()
    seeded = event.decoded("DTSTART") - datetime.timedelta(
        days=21
    )  # the demo's forum: 21 days after the seed
    assert seeded in {
        today,
        today - datetime.timedelta(days=1),
    }  # the server may have been seeded before midnight
    feed = Calendar.from_ical(httpx.get(f"{server.url}/api/calendar/events.ics").content)
    assert "Demo forum: twin municipalities for soil carbon" in {
        str(e["SUMMARY"]) for e in feed.walk("VEVENT")
    }

    forum.locator('[data-action="cancel"]').click()
    forum.locator('[data-action="register"]').wait_for()
    assert "2 of 2 seats left" in forum.inner_text()

    page.check('[data-field="past"] input')
    page.click('main form button[type="submit"]')
    page.wait_for_function("() => location.hash.includes('past=1')")
    page.wait_for_selector('main .page[data-page="calendar"][data-state="ready"]')
    assert page.locator("[data-event]", has_text="Demo regional webinar: Africa").count() >= 1
    for language, title in (("fr", "Agenda"), ("es", "Agenda")):
        goto(page, server, "#/calendar", "calendar")
        page.select_option("#lang-select", language)
        page.wait_for_function(f"() => document.querySelector('main h1')?.textContent === {title!r}")
        assert ("S'abonner" if language == "fr" else "Suscribirse") in page.inner_text("main")
        shot(page, f"calendar-{language}")
    page.select_option("#lang-select", "en")
    page.set_viewport_size(PHONE)
    goto(page, server, "#/calendar", "calendar")
    fits_the_phone(page)
    shot(page, "calendar-390")


def test_the_twin_pairs_and_an_exchange_recorded(page, server):
    with Session(server.engine) as session:
        draft = Municipality(name="Draft town", country_iso3="SEN", lon=-16.0, lat=14.0, published=False)
        session.add(draft)
        session.flush()
        session.add(Municipality(name="Twin of the draft", country_iso3="PRT", lon=-8.0, lat=40.0,
                                 twin_id=draft.id, published=True))  # fmt: skip
        session.commit()
    goto(page, server, "#/twins", "twins")
    pairs = page.locator("[data-pair]")
    assert pairs.count() == 3  # not the unpublished pair
    page.wait_for_selector('.twins-map[data-pairs="3"]')
    assert all("not counted by KPI F1" in text for text in pairs.all_inner_texts())  # demo pairs
    headings = pairs.locator("h2").all_inner_texts()
    assert any(h.startswith("Demo Municipality E (Spain) ↔ Demo Municipality F (Mali)") for h in headings), (
        headings
    )
    assert (
        "Draft town" not in page.inner_text("main")
        and page.locator('[data-state="unpublished"]').count() == 0
    )
    assert "Demo: exchange visit on compost from market waste" in page.inner_text("main")
    assert page.locator("details", has_text="Record an action or exchange").count() == 0  # the public reads

    sign_in(page, "demo.secretariat@example.org")
    page.wait_for_selector('main .page[data-page="twins"][data-state="ready"]')
    page.wait_for_selector('.twins-map[data-pairs="4"]')  # the Secretariat reads the unpublished pair too
    unpublished = pairs.filter(has_text="Draft town")
    assert unpublished.locator('.badge[data-state="unpublished"]').inner_text().startswith("not published")
    pair = pairs.filter(has_text="Demo Municipality E (Spain)")
    pair.locator("summary").click()
    pair.locator('[name="date"]').fill("2026-06-15")
    pair.locator('[name="title"]').fill("Demo: joint soil sampling day")
    pair.locator('button[type="submit"]').click()
    pair.locator("[data-activity]", has_text="Demo: joint soil sampling day").wait_for()
    shot(page, "twins-en")
    for language, title, spain in (("fr", "Jumelages", "Espagne"), ("es", "Hermanamientos", "España")):
        page.select_option("#lang-select", language)
        page.wait_for_function(f"() => document.querySelector('main h1')?.textContent === {title!r}")
        page.locator("[data-pair] h2", has_text=f"Demo Municipality E ({spain})").wait_for()
        shot(page, f"twins-{language}")
    page.select_option("#lang-select", "en")
    page.set_viewport_size(PHONE)
    goto(page, server, "#/twins", "twins")
    fits_the_phone(page)
    shot(page, "twins-390")
