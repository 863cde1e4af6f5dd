"""Monitoring in Chromium: by default only real data (the real atlas of the bundled layers, the climate-zone
layer and IPCC Tier 1 reference stocks, no synthetic number in the page text); with
``demo_layers`` the synthetic atlas labelled demonstration data, global → region → country → site, and an
observation posted through the API showing on the open country page without a reload within 2 s."""

import csv
import datetime
import re
from importlib.resources import files

import httpx

UPDATE_MS = 2000


def wait_ready(page, name):
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]')


def _texts(folder: str, zone: str) -> set[str]:
    text = (files("permille") / "data" / folder / "zone_statistics.csv").read_text()
    out = set()
    for row in csv.DictReader(text.splitlines()):
        if row["zone"] == zone and row["layer"] in ("soc_t0", "diff_ssm_20") and row["mean"]:
            mean = float(row["mean"])
            out |= {f"{mean:.2f} t C/ha", f"{mean:.1f} t C/ha", f"{float(row['total']):,.0f} Mt C"}
    return out


def _shown(figure: str, text: str) -> bool:
    """Whether ``figure`` (e.g. "5.8 t C/ha") stands in ``text`` as a whole number (not inside "75.8 t C/ha")."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}", text) is not None


def _synthetic_texts(zone: str) -> set[str]:
    """The zone's T0 stock and +20 % gain in the synthetic atlas as the pages write them (1 and 2 decimals),
    less those the real atlas writes too (an equal rounded figure is no leak)."""
    summary = (files("permille") / "data" / "atlas_real" / "summary.csv").read_text()
    real = {
        f"{float(row['estimate']):.{digits}f} t C/ha"
        for row in csv.DictReader(summary.splitlines())
        if row["zone"] == zone and row["units"] == "t C ha-1" and row["estimate"]
        for digits in (1, 2)
    }
    return _texts("monitoring", zone) - _texts("atlas_real/monitoring", zone) - real


def test_default_pages_show_only_real_data(page, server, screenshot):
    page.goto(f"{server.url}/#/monitoring")
    wait_ready(page, "monitoring")
    assert page.locator("#mon-map path.country").count() > 150
    assert "No real SOC stock layer is loaded" not in page.inner_text("#mon-status")
    assert page.locator("#mon-synthetic").count() == 0
    text = page.inner_text("main")
    assert "SYNTHETIC" not in text and "demonstration data" not in text
    assert not [s for s in _synthetic_texts("WLD") if _shown(s, text)]
    year = page.inner_text("#mon-summary").split(",")[1].split(":")[0].strip()  # "World, 2020: …"
    assert f"the stock of {year}, where the scenarios start, is the 2010 map" in page.inner_text("#mon-caveat")
    screenshot(page, "monitoring-real")

    page.locator("#mon-map path.country-DEU").click()
    wait_ready(page, "country")
    assert page.inner_text("#country-name") == "Germany"
    assert page.locator("#country-synthetic").count() == 0
    tier1 = page.locator("#country-tier1 tbody tr")
    assert tier1.count() >= 4  # SOCref of the soil classes of Germany's main climate zone(s)
    assert page.locator('#country-tier1 tr[data-zone="cool temperate moist"]').count() >= 1
    assert "Cool temperate moist" in page.inner_text("#country-tier1")  # the zone's name in the language
    source = page.inner_text("#country-tier1-source")
    assert "IPCC 2019 Refinement" in source and "ERA5" in source
    text = page.inner_text("main")
    assert "SYNTHETIC" not in text and "demonstration data" not in text
    assert not [s for s in _synthetic_texts("DEU") if _shown(s, text)]
    screenshot(page, "country-real")


def test_map_country_site_and_live_update(page, demo_layers_server, screenshot):
    server = demo_layers_server
    page.goto(f"{server.url}/#/monitoring")
    wait_ready(page, "monitoring")
    assert page.locator("#mon-map path.country").count() > 150
    assert "t C/ha" in page.inner_text("#mon-legend")
    assert "SYNTHETIC" in page.inner_text("#mon-synthetic")
    assert "(demonstration data)" in page.inner_text("#mon-legend")
    assert page.inner_text("#mon-summary").endswith("(demonstration data)")
    assert "SYNTHETIC" in page.inner_text("#mon-source")
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
    assert page.inner_text("#country-stock").endswith("(demonstration data)")
    assert "SYNTHETIC" in page.inner_text("#country-modelled-source")
    assert any(s in page.inner_text("#country-stock") for s in _synthetic_texts("DEU"))
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
    for prop, value, unit in (("soc", 2.0, "%"), ("bulk_density", 1.2, "g/cm3"), ("clay", 25.0, "%")):
        body = {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": prop, "value": value,
                "unit": unit, "uncertainty": 0.1, "date": datetime.date.today().isoformat(), "published": True}  # fmt: skip
        answer = httpx.post(f"{server.url}/api/observations", json=body, headers=admin)
        assert answer.status_code == 201, answer.text
    row = page.wait_for_selector(
        f"#country-observed-table tr[data-year='{datetime.date.today().year}']", timeout=UPDATE_MS
    )
    assert "72.0" in row.inner_text()  # 2 % × 1.2 g/cm3 × 30 cm = 72 t C/ha, one site
    assert "Measured: 1 site in" in page.inner_text("#country-sentences")
    screenshot(page, "country")

    page.click(f'#country-sites tr[data-site="{site_id}"] a')
    wait_ready(page, "site")
    assert page.inner_text("#site-name") == "Browser test site"
    assert page.locator("#site-observations tbody tr").count() == 3
    assert page.locator("#site-nowcast").count() == 1 and "RothC" in page.inner_text("#site-nowcast-note")
    screenshot(page, "site")
