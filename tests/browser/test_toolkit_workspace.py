"""The toolkit's site picker, balance form and saved calculations in Chromium: a point picked on the map fills
the climate, climate zone, clay and SOC with their sources (the numbers of GET /api/toolkit/site-inputs); the
balance form built from the request's schema runs examples/project.yaml with every area; a signed-in member
runs, saves and reopens a calculation (the result computed again). Screenshots in en/fr/es, desktop and 390 px
(docs/img/toolkit-site-*.png)."""

import json
import urllib.request

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.browser.conftest import IMAGES
from tests.browser.test_toolkit_page import open_toolkit

pytestmark = pytest.mark.toolkit  # its server computes in a toolkit process (conftest)

DOCS_IMG = IMAGES
PHONE = {"width": 390, "height": 844}
RUN_TIMEOUT_MS = 90_000
FILL_TIMEOUT_MS = (
    60_000  # the first fill imports rasterio and pandas in the server: seconds on a busy machine
)
BEAUCE = (48.0, 2.0)  # cropland south of Paris
WIDE_ELEMENTS = """() => [...document.querySelectorAll('main *')]
  .filter((e) => !e.closest('.leaflet-container') && e.getBoundingClientRect().right > innerWidth + 1)
  .filter((e) => { for (let a = e.parentElement; a; a = a.parentElement)
    if (['auto', 'hidden', 'scroll'].includes(getComputedStyle(a).overflowX)) return false; return true; })
  .slice(0, 5).map((e) => `${e.tagName}.${e.className} ${(e.innerText || '').slice(0, 40)}`)"""
"""What makes a page scroll sideways (elements past the window, outside any scrolling box)."""


def site_inputs(server, lat: float, lon: float) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/toolkit/site-inputs?lat={lat}&lon={lon}") as answer:
        return json.load(answer)["fields"]


def member_of_an_organisation(server):
    from permille.registry.orm import Organisation, User

    account = server.account("member")
    with Session(server.engine) as session:
        organisation = Organisation(
            name=f"Farm advisers {account.email[:18]}", membership="member", org_type="ngo"
        )
        session.add(organisation)
        session.flush()
        session.scalar(select(User).where(User.email == account.email)).organisation_id = organisation.id
        session.commit()
    return account


def sign_in(page, server, account, lang: str):
    page.goto(f"{server.url}/#/toolkit")
    page.evaluate("(lang) => localStorage.setItem('permille.lang', lang)", lang)
    page.evaluate("(t) => sessionStorage.setItem('permille.token', t)", account.headers["Authorization"][7:])


def pick_and_fill(page, lat: float, lon: float, lang: str):
    mark = "," if lang != "en" else "."
    page.fill("#site-lat", str(lat).replace(".", mark))
    page.fill("#site-lon", str(lon).replace(".", mark))
    page.locator('[data-action="site-fill"]').click()
    page.wait_for_selector("[data-site-status][data-filled]", timeout=FILL_TIMEOUT_MS)


def test_a_point_fills_the_rothc_form_with_sources(page, server):
    open_toolkit(page, server, "rothc")
    box = page.locator(".tk-site-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a click sets the point
    assert page.input_value("#site-lat") != "" and page.input_value("#site-lon") != ""
    pick_and_fill(page, *BEAUCE, "en")
    expected = site_inputs(server, *BEAUCE)
    assert page.input_value("#tk-climate_preset") == "custom"
    temperatures = [float(v) for v in page.input_value("#tk-temperature_c").split(",")]
    assert temperatures == expected["temperature_c"]["value"]
    assert float(page.input_value("#tk-clay_pct")) == expected["clay_pct"]["value"]
    assert float(page.input_value("#tk-soc_t_c_ha")) == expected["soc_t_c_ha"]["value"]
    sources = page.locator(".tk-source")
    assert sources.count() == 5 and "ERA5" in page.locator("#tk-temperature_c-source").inner_text()
    assert "Sanderman" in page.locator("#tk-soc_t_c_ha-source").inner_text()
    page.fill("#tk-clay_pct", "25")  # every value stays editable, and says so
    assert "Edited by you" in page.locator("#tk-clay_pct-source").inner_text()


def test_a_point_at_sea_is_refused_in_words(page, server, page_errors):
    page_errors.allow(r"/api/toolkit/site-inputs\?lat=0&lon=-30")
    open_toolkit(page, server, "rothc")
    page.fill("#site-lat", "0")
    page.fill("#site-lon", "-30")
    page.locator('[data-action="site-fill"]').click()
    page.wait_for_selector("[data-site-status].error")
    assert "outside land" in page.locator("[data-site-status]").inner_text()
    assert page.input_value("#tk-clay_pct") == ""


def test_the_balance_form_runs_the_example_project_with_every_area(page, server, page_errors):
    page_errors.allow(r"/api/toolkit/balance$")  # the 422 of a clay of 140 %
    page.set_default_timeout(RUN_TIMEOUT_MS)
    open_toolkit(page, server, "balance")
    assert page.locator("textarea").count() == 0  # no JSON to write
    page.locator('[data-action="example"]').click()
    page.wait_for_function("() => document.querySelector('#tk-b-name').value !== ''")
    areas = page.locator('.form-list[data-field="areas"] > .form-rows > .form-row')
    assert areas.count() == 3
    with page.expect_response("**/api/toolkit/balance") as answer:
        page.locator('[data-action="run"]').click()
    page.wait_for_selector('.tk-results[data-state="done"]')
    request = json.loads(answer.value.request.post_data)
    with urllib.request.urlopen(f"{server.url}/api/toolkit/forms/balance") as response:
        example = json.load(response)["example"]
    assert [a["name"] for a in request["areas"]] == [a["name"] for a in example["areas"]]
    assert (
        request["areas"][2]["organic_soc_t_c_ha"] == 310 and request["monte_carlo"] == example["monte_carlo"]
    )
    result = answer.value.json()
    assert result["estimates"]["IPCC Tier 1"]["area_ha"]["mean"] == pytest.approx(106, abs=1)

    # an error of the API is shown beside its field, named by its labels; nothing else is touched
    page.fill("input[name='areas.0.clay_pct']", "140")
    page.locator('[data-action="run"]').click()
    page.locator(".form-errors:not([hidden])").wait_for()
    assert "Area 1 › Clay (%)" in page.locator(".form-errors").inner_text()
    assert page.get_attribute("input[name='areas.0.clay_pct']", "aria-invalid") == "true"
    assert page.input_value("input[name='areas.1.clay_pct']") == "35"
    page.fill("input[name='areas.0.clay_pct']", "28")

    # an area added, filled from the map, then removed: the request follows the rows
    page.locator('.form-list[data-field="areas"] > .actions [data-action="add-row"]').click()
    assert areas.count() == 4
    page.select_option("#site-target", "3")
    pick_and_fill(page, *BEAUCE, "en")
    expected = site_inputs(server, *BEAUCE)
    fourth = areas.nth(3)
    assert (
        fourth.locator("select[name='areas.3.climate_zone']").input_value()
        == expected["climate_zone"]["value"]
    )
    assert fourth.locator(".tk-source").count() >= 5
    fourth.locator(':scope > .actions [data-action="remove-row"]').click()
    assert areas.count() == 3


def test_the_stocks_column_mapping_is_a_table(page, server, page_errors):
    page_errors.allow(r"/api/toolkit/stocks$")  # the 422 of an unknown column
    page.set_default_timeout(RUN_TIMEOUT_MS)
    open_toolkit(page, server, "stocks")
    assert page.locator("textarea").count() == 0  # no JSON to write
    page.locator('[data-action="example"]').click()
    page.wait_for_function("() => document.querySelector('#tk-mapping tbody').children.length > 0")
    rows = page.locator("#tk-mapping tbody tr")
    assert rows.count() == 9  # the Cumbria layout: site, field, profile, depths, SOC, SOM, mass, volume
    soc = rows.nth(5)
    assert soc.locator("select").input_value() == "soc"
    assert [soc.locator("input").nth(i).input_value() for i in (0, 1)] == ["soc_perc", "%"]
    with urllib.request.urlopen(f"{server.url}/api/toolkit/examples/stocks") as answer:
        assert (
            page.evaluate("document.querySelector('#tk-mapping').mapping()") == json.load(answer)["mapping"]
        )
    page.locator('[data-action="run"]').click()
    page.wait_for_selector('.tk-results[data-state="done"]')
    soc.locator("input").nth(0).fill("no_such_column")
    page.locator('[data-action="run"]').click()
    page.locator('[role="alert"]:not([hidden])').wait_for()
    assert "no_such_column" in page.locator('[role="alert"]:not([hidden])').inner_text()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_pick_run_save_reopen(browser, server, lang):
    account = member_of_an_organisation(server)
    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale=lang)
        context.set_default_timeout(RUN_TIMEOUT_MS)
        page = context.new_page()
        try:
            sign_in(page, server, account, lang)
            open_toolkit(page, server, "rothc")
            page.reload()
            page.wait_for_selector('main .page[data-page="toolkit"][data-state="ready"] #ws-name')
            page.locator('[data-action="example"]').click()
            page.wait_for_function("() => document.querySelector('#tk-clay_pct').value !== ''")
            pick_and_fill(page, *BEAUCE, lang)
            page.locator('[data-action="run"]').click()
            page.wait_for_selector('.tk-results[data-state="done"]')
            first = page.locator(".tk-results table").inner_text()
            saved_name = f"Beauce {lang} {name}"
            page.fill("#ws-name", saved_name)
            page.locator('[data-action="save"]').click()
            row = page.locator(f'.tk-saved tr:has-text("{saved_name}")')
            row.wait_for()
            width = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            wide = page.evaluate(WIDE_ELEMENTS)
            assert width <= 0, f"{lang} {name}: the page scrolls sideways by {width} px: {wide}"
            page.screenshot(path=str(DOCS_IMG / f"toolkit-site-{lang}-{name}.png"), full_page=True)

            page.fill("#tk-clay_pct", "5")  # the form changes; reopening brings the saved inputs back
            with page.expect_response("**/api/toolkit/rothc") as rerun:
                row.locator('[data-action="open"]').click()
            assert (
                json.loads(rerun.value.request.post_data)["climate"]["temperature_c"]
                == site_inputs(server, *BEAUCE)["temperature_c"]["value"]
            )
            page.wait_for_selector('.tk-results[data-state="done"]')
            assert page.locator(".tk-results table").inner_text() == first  # computed again, same inputs
            assert page.input_value("#tk-clay_pct") != "5"
        finally:
            context.close()
