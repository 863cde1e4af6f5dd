"""Carbon stocks read in one unit, t C/ha, wherever a user reads them: a measured stock (stored in the
canonical "Mg/ha") on its site page and in the observations' record list, in English and French."""

import httpx
import pytest

pytestmark = pytest.mark.toolkit  # its site pages compute a nowcast in the toolkit process (conftest)


def test_a_measured_stock_reads_in_t_c_per_ha(page, server):
    sites = httpx.get(f"{server.url}/api/sites", params={"country_iso3": "GBR", "page_size": 200}).json()[
        "items"
    ]
    site = next(s for s in sites if s["name"] == "Hoosfield — FYM every year since 1852 (plot 72)")
    stored = httpx.get(
        f"{server.url}/api/observations", params={"site_id": site["id"], "page_size": 5}
    ).json()
    assert {o["unit"] for o in stored["items"] if o["property"] == "soc_stock"} == {"Mg/ha"}  # what is stored

    page.goto(f"{server.url}/#/site?id={site['id']}")
    page.wait_for_selector('main .page[data-page="site"][data-state="ready"]', timeout=120_000)
    for lang in ("en", "fr"):
        page.select_option("#lang-select", lang)
        page.wait_for_selector('main .page[data-page="site"][data-state="ready"]', timeout=120_000)
        text = page.inner_text("main")
        assert "t C/ha" in text and "Mg/ha" not in text and "Mg C/ha" not in text

    page.goto(f"{server.url}/#/records?kind=observations&site_id={site['id']}")
    page.wait_for_selector("main table tbody tr")
    text = page.inner_text("main table")
    assert "t C/ha" in text and "Mg/ha" not in text
