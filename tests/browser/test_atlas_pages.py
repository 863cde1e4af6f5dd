"""The real default atlas in Chromium (no flags): the monitoring map coloured for every country from the
real layers with the pixel map beneath (layer switch, legend, point values with sources, a drawn area of
interest with its statistics); France's page gives the stock with its interval, the 4‰ target, the Tier 1
estimate beside it and the potential of the three scenarios, each with its source, and its own pixel map.
Screenshots to docs/img/."""

import re

from .conftest import IMAGES, choose_language


def wait_ready(page, name):
    """The page ready; generous: the first answers read the real dataset's 20 000 rows into the read model."""
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]', timeout=60_000)


def _docs_image(locator, name):
    locator.screenshot(path=str(IMAGES / f"{name}.png"))


def test_default_map_is_coloured_from_the_real_atlas(page, server, screenshot):
    page.goto(f"{server.url}/#/monitoring")
    wait_ready(page, "monitoring")
    countries = page.locator("#mon-map path.country")
    assert countries.count() > 150
    fills = page.eval_on_selector_all("#mon-map path.country", "ps => ps.map(p => getComputedStyle(p).fill)")
    coloured = [f for f in fills if f not in ("none", "rgb(204, 204, 204)", "rgb(221, 221, 221)")]
    assert len(set(coloured)) > 5 and len(coloured) > 150, set(fills)
    text = page.inner_text("main")
    assert (
        "SYNTHETIC" not in text and "demonstration data" not in text and "No real SOC stock layer" not in text
    )
    page.wait_for_selector('#atlas-map[data-ready="1"]', timeout=120_000)  # first use reads the 5′ layers
    assert "t C/ha" in page.inner_text("#atlas-legend") and "Sanderman" in page.inner_text("#atlas-legend")
    page.select_option("#atlas-layer", "potential_10")
    page.wait_for_selector('#atlas-map[data-layer="potential_10"]')
    assert "GSOCseq" in page.inner_text("#atlas-legend")
    # a click on France gives every layer's value with its source
    page.locator("#atlas-map").scroll_into_view_if_needed()
    box = page.locator("#atlas-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.52, box["y"] + box["height"] * 0.32)
    page.wait_for_selector("#atlas-point-table", timeout=60_000)
    assert page.locator("#atlas-point-table tbody tr").count() >= 12
    # an area of interest drawn by clicks
    page.click("#atlas-area-draw")
    page.locator("#atlas-map").scroll_into_view_if_needed()
    box = page.locator("#atlas-map").bounding_box()  # the page scrolled to the button
    for fx, fy in ((0.50, 0.30), (0.56, 0.30), (0.56, 0.36), (0.50, 0.36)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.click("#atlas-area-finish")
    page.wait_for_function(
        """() => document.querySelector('#atlas-area-stock tbody tr')
                 || document.querySelector('#atlas-area-status').dataset.error""",
        timeout=60_000,
    )
    assert page.locator("#atlas-area-stock tbody tr").count() > 0, page.inner_text("#atlas-area-status")
    assert re.search(r"\d \[\d", page.inner_text("#atlas-area-stock"))
    assert "Mt C/yr" in page.inner_text("#atlas-area-target")
    assert page.locator("#atlas-area-csv").count() == 1 and page.locator("#atlas-area-geojson").count() == 1
    screenshot(page, "atlas-monitoring")
    _docs_image(page.locator("#mon-map"), "atlas_world_map")
    _docs_image(page.locator("#atlas-section"), "atlas_pixel_map_and_area")


def test_france_page_shows_stock_target_tier1_and_potential_with_sources(page, server, screenshot):
    page.goto(f"{server.url}/#/country?iso3=FRA")
    wait_ready(page, "country")
    page.wait_for_selector("#country-atlas-stock tbody tr")
    stock = page.inner_text('#country-atlas-stock tr[data-depth="0-30"][data-cover="all"]')
    assert re.search(r"\d+\.\d \[\d+\.\d–\d+\.\d\]", stock), stock
    assert "Mt CO2e/yr" in page.inner_text("#country-atlas-target")
    assert page.locator("#country-atlas-tier1 tbody tr").count() >= 4
    assert "Tier 1" in page.inner_text("#country-atlas-tier1-explain")
    assert page.locator("#country-atlas-potential tbody tr").count() == 3
    sources = page.inner_text("#country-atlas-section")
    for needle in ("Sanderman", "IPCC 2019", "GSOCseq", "4 per 1000"):
        assert needle in sources, needle
    assert "SYNTHETIC" not in page.inner_text("main")
    page.wait_for_selector('#country-atlas-map[data-ready="1"]', timeout=120_000)
    screenshot(page, "atlas-country-france")
    _docs_image(page.locator("#country-atlas-section"), "atlas_country_france")
    choose_language(page, "fr")  # the source lines as French writes them: "Sources : …", "Mises en garde : …"
    page.wait_for_selector("#country-atlas-section [data-source]:has-text('Mises en garde')")
    line = page.locator("#country-atlas-section [data-source]").first.inner_text()
    assert line.startswith("Sources : Sanderman") and ". Mises en garde : " in line, line
    page.wait_for_selector(".leaflet-control-attribution:has-text('atlas permille (couches réelles intégrées)')")

