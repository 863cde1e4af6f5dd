"""Monitoring in Chromium: the map with its legend, global → region → country → site, and an observation
posted through the API showing on the open country page without a reload within 2 s."""

import datetime

import httpx

UPDATE_MS = 2000


def wait_ready(page, name):
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]')


def test_map_country_site_and_live_update(page, server, screenshot):
    page.goto(f"{server.url}/#/monitoring")
    wait_ready(page, "monitoring")
    assert page.locator("#mon-map path.country").count() > 150
    assert "t C/ha" in page.inner_text("#mon-legend")
    assert "SYNTHETIC" in page.inner_text("#mon-synthetic")
    page.select_option("#mon-show", "uncertainty")
    wait_ready(page, "monitoring")
    assert "Uncertainty" in page.inner_text("#mon-legend") and "show=uncertainty" in page.url
    page.select_option("#mon-region", "Europe")
    wait_ready(page, "monitoring")
    assert page.inner_text("#mon-summary").startswith("Europe")
    assert page.locator('#mon-countries tr[data-iso3="BRA"]').count() == 0
    screenshot(page, "monitoring")

    page.locator("#mon-map path.country-DEU").click()
    wait_ready(page, "country")
    assert page.inner_text("#country-name") == "Germany" and "iso3=DEU" in page.url
    assert page.inner_text("#country-sentences").count("In Germany, the topsoil (0–30 cm) holds") == 1
    assert page.locator("#country-fan").count() == 1 and page.locator("#country-observed-table").count() == 0

    admin = server.account("secretariat").headers
    site = {
        "name": "Browser test site",
        "country_iso3": "DEU",
        "lon": 10.0,
        "lat": 51.0,
        "land_use": "cropland",
    }
    created = httpx.post(f"{server.url}/api/sites", json=site | {"published": True}, headers=admin)
    assert created.status_code == 201, created.text
    site_id = created.json()["id"]
    page.wait_for_selector(f'#country-sites tr[data-site="{site_id}"]', timeout=UPDATE_MS)
    for prop, value, unit in (("soc", 2.0, "%"), ("bulk_density", 1.2, "g/cm3")):
        body = {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": prop, "value": value,
                "unit": unit, "uncertainty": 0.1, "date": datetime.date.today().isoformat(), "published": True}  # fmt: skip
        answer = httpx.post(f"{server.url}/api/observations", json=body, headers=admin)
        assert answer.status_code == 201, answer.text
    row = page.wait_for_selector(
        f"#country-observed-table tr[data-year='{datetime.date.today().year}']", timeout=UPDATE_MS
    )
    assert "72.0" in row.inner_text()  # 2 % × 1.2 g/cm3 × 30 cm = 72 t C/ha, one site
    assert "Measured: 1 site(s)" in page.inner_text("#country-sentences")
    screenshot(page, "country")

    page.click(f'#country-sites tr[data-site="{site_id}"] a')
    wait_ready(page, "site")
    assert page.inner_text("#site-name") == "Browser test site"
    assert page.locator("#site-observations tbody tr").count() == 2
    assert page.locator("#site-nowcast").count() == 1 and "RothC" in page.inner_text("#site-nowcast-note")
    screenshot(page, "site")
