"""Issue 18 in Chromium: the measured sites on the monitoring map as points with their latest stock, the
Rothamsted ones converted from 0–23 cm and the United Kingdom coloured; a site page comparing the measured
stock with the mapped pixel (or "no mapped layer"); a country page with the NDC content of the Party (facts
with sources) and its FAOSTAT cropland and grassland chart; the NDC tracker listing the 198 Parties.
Screenshots: docs/img/monitoring-sites.png, docs/img/country-ndc.png."""

import re

import pytest

from permille.registry import rothamsted

from .conftest import IMAGES

pytestmark = pytest.mark.toolkit  # its site pages compute a nowcast in the toolkit process (conftest)

DOCS_IMG = IMAGES


def wait_ready(page, name):
    page.wait_for_selector(
        f'main .page[data-page="{name}"][data-state="ready"]', timeout=60_000
    )  # a loaded machine


def api(page, server, path: str) -> dict:
    response = page.request.get(f"{server.url}/api/{path}")
    assert response.ok, response.text()
    return response.json()


def test_measured_sites_on_the_map_and_the_site_comparison(page, server):
    page.goto(f"{server.url}/#/monitoring?region=Europe")
    wait_ready(page, "monitoring")
    sites = api(page, server, "monitoring/sites.geojson")["features"]
    assert page.locator("#mon-map path.measured-site").count() == len(sites)
    converted = page.locator("#mon-map path.measured-site.converted")
    assert converted.count() == len(rothamsted.treatments())
    assert f"({len(sites)})" in page.inner_text("#mon-sites-legend")
    uk = page.locator("#mon-map path.country-GBR").get_attribute("fill")
    assert uk and uk != page.locator("#mon-map path.country-ISL").get_attribute(
        "fill"
    )  # GBR measured, Iceland not
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.locator("#mon-map").screenshot(path=str(DOCS_IMG / "monitoring-sites.png"))

    hoosfield = next(f for f in sites if f["properties"]["name"] == "Hoosfield — unmanured (plot 11)")
    marker = page.locator(f"#mon-map path.measured-site-{hoosfield['properties']['id']}")
    marker.dispatch_event("mouseover")  # the plots of one experiment share their coordinates: markers overlap
    tooltip = page.locator(".leaflet-tooltip").last.inner_text()
    assert "Hoosfield" in tooltip and "measured over 0–23 cm" in tooltip
    marker.dispatch_event("click")
    wait_ready(page, "site")
    measured = page.inner_text("#site-map-measured")
    assert "converted from 0–23 cm" in measured and "t C/ha" in measured
    answer = api(page, server, f"monitoring/sites/{hoosfield['properties']['id']}")
    if answer["mapped"]["available"]:
        assert page.locator("#site-map-mapped").count() == 1 and "Sanderman" in page.inner_text(
            "#site-mapped"
        )
    else:
        assert page.inner_text("#site-map-none").startswith("No mapped layer")


def test_the_map_legends_do_not_cover_each_other_on_a_phone(page, server):
    """At 390 px the stock legend and the measured sites' legend both fit on the map, apart."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server.url}/#/monitoring")
    wait_ready(page, "monitoring")
    page.wait_for_selector("#mon-sites-legend")
    stock, sites = (page.locator(s).bounding_box() for s in ("#mon-legend", "#mon-sites-legend"))
    apart = (
        stock["x"] + stock["width"] <= sites["x"]
        or sites["x"] + sites["width"] <= stock["x"]
        or stock["y"] + stock["height"] <= sites["y"]
        or sites["y"] + sites["height"] <= stock["y"]
    )
    assert apart, (stock, sites)


def test_country_page_ndc_facts_and_land_use_chart(page, server):
    page.goto(f"{server.url}/#/country?iso3=KEN")
    wait_ready(page, "country")
    answer = api(page, server, "ndc/countries/KEN")
    facts = [f for f in answer["party"]["facts"] if f["answered"]]
    assert page.locator("#country-ndc-facts tbody tr").count() == len(facts)
    assert page.locator('#country-ndc-facts tr[data-source="cait2018"]').count() >= 1
    sources = page.inner_text("#country-ndc-sources")
    assert "Climate Watch / CAIT" in sources and "2018-06" in sources and "NDC Explorer 2022" in sources
    assert page.locator("#country-ndc-tracker tbody tr").count() == len(answer["tracker"]) >= 1
    tier1 = page.locator('.export[data-format="tier1.csv"]')  # its own table, by name, in words
    assert tier1.inner_text() == "Download the Tier 1 table (CSV)"
    assert tier1.get_attribute("data-url").endswith("table=tier1&header=labels")
    mentions = page.inner_text("#country-ndc-mentions")
    assert re.search(r"soils: (yes|no)", mentions)
    land = answer["land_use"]
    chart = page.evaluate(
        "() => Chart.getChart(document.getElementById('country-land-use')).data.datasets.map((d) => d.data)"
    )
    crop = [
        {"x": y, "y": v} for y, v in zip(land["years"], land["cropland_kha"], strict=True) if v is not None
    ]
    assert chart[0] == crop and len(chart[1]) > 50
    assert "Cropland and grassland area (1000 ha)" in page.inner_text(
        "#country-ndc"
    ) and "FAOSTAT" in page.inner_text("#country-land-use-source")
    assert page.inner_text("#country-land-use-latest").startswith(f"{land['years'][-1]}: cropland")
    page.locator("#country-ndc").screenshot(path=str(DOCS_IMG / "country-ndc.png"))

    page.select_option("#lang-select", "fr")
    page.wait_for_function("() => document.querySelector('#country-ndc h2')?.textContent.startsWith('CDN')")
    assert "Surfaces cultivées et prairies (1000 ha)" in page.inner_text("#country-ndc")
    assert page.inner_text("#country-land-use-latest").startswith(f"{land['years'][-1]} : terres cultivées")


def test_ndc_tracker_lists_the_198_parties(page, server):
    parties = api(page, server, "ndc/parties")
    assert parties["n_parties"] == 198 and all(
        p["covered_by"] or p["iso3"] in ("EUU", "VAT") for p in parties["items"]
    )
    page.goto(f"{server.url}/#/registries?tab=ndc")
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
    total = int(re.sub(r"\D", "", page.locator("#reg-panel p[role=status]").inner_text()))
    assert total == api(page, server, "ndcs?page_size=1")["total"] >= 198
