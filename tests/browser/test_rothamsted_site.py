"""A Rothamsted long-term experiment site in Chromium: measured vs modelled SOC chart, the validation
statistics table and the e-RA source line, in English and French."""

import httpx
import pytest

pytestmark = pytest.mark.toolkit  # its site pages compute a nowcast in the toolkit process (conftest)


def wait_ready(page, name):
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]')


def test_long_term_site_shows_chart_statistics_and_source(page, server, screenshot):
    sites = httpx.get(f"{server.url}/api/sites", params={"country_iso3": "GBR", "page_size": 200}).json()[
        "items"
    ]
    site = next(s for s in sites if s["name"] == "Hoosfield — FYM every year since 1852 (plot 72)")
    answer = httpx.get(f"{server.url}/api/monitoring/sites/{site['id']}/long-term").json()

    page.goto(f"{server.url}/#/site?id={site['id']}")
    wait_ready(page, "site")
    assert page.inner_text("#site-name") == site["name"]
    assert page.locator("canvas#site-longterm").count() == 1
    drawn = page.evaluate(
        "() => { const c = Chart.getChart(document.querySelector('#site-longterm'));"
        " return c.data.datasets.map((d) => d.data.length); }"
    )
    assert drawn[2] == len(answer["modelled"]["points"])  # the RothC line
    assert drawn[3] == len(answer["measured"]) - 1  # measured points, the starting stock apart
    rows = page.locator("#site-validation tbody tr")
    assert rows.count() == 8
    efficiency = page.inner_text('#site-validation tr[data-statistic="efficiency"]')
    assert "Nash" in efficiency and f"{answer['validation']['statistics']['efficiency']:.2f}" in efficiency
    rmse = page.inner_text('#site-validation tr[data-statistic="rmse"]')
    assert f"{answer['validation']['statistics']['rmse']:.2f}" in rmse
    source = page.inner_text("#site-longterm-source")
    assert source.startswith("Source:") and "10.23637/KeyRefOAHBsoc" in source
    assert "10.23637/OARES30YrMeans6190" in source
    # every set-up choice with its source, as the answer gives them
    setup = page.locator("#site-setup tbody tr")
    assert setup.count() == len(answer["setup"])
    manure = page.inner_text('#site-setup tr[data-setup="manure"]')
    assert (
        manure.startswith("Farmyard manure")
        and "1931: Feb + Nov" in manure
        and "Jenkinson & Johnston 1977" in manure
    )
    assert page.locator("#site-longterm-fit").count() == 0  # a fit
    screenshot(page, "site_rothamsted")

    page.select_option("#lang-select", "fr")
    wait_ready(page, "site")
    page.wait_for_selector("text=COS mesuré et modélisé")
    assert "Efficience du modèle EF" in page.inner_text("#site-validation")
    assert page.inner_text("#site-longterm-source").startswith("Source :")
    assert page.inner_text('#site-setup tr[data-setup="manure"]').startswith("Fumier")

    # grass ploughed to arable: the model does not fit, and the page says so
    ploughed = next(s for s in sites if s["name"] == "Highfield — grass ploughed to continuous arable")
    page.goto(f"{server.url}/#/site?id={ploughed['id']}")
    wait_ready(page, "site")
    assert page.inner_text("#site-longterm-fit").startswith("Pas d'ajustement : le modèle ne s’ajuste pas")
    page.select_option("#lang-select", "es")
    wait_ready(page, "site")
    assert page.inner_text("#site-longterm-fit").startswith("Sin ajuste: el modelo no se ajusta")
    assert page.inner_text('#site-setup tr[data-setup="fallows"]').startswith("Barbechos")


def test_observations_keep_the_decimals_they_were_recorded_with(page, server):
    sites = httpx.get(f"{server.url}/api/sites", params={"country_iso3": "GBR", "page_size": 200}).json()[
        "items"
    ]
    site = next(s for s in sites if s["name"] == "Hoosfield — unmanured (plot 11)")
    page.goto(f"{server.url}/#/site?id={site['id']}")
    wait_ready(page, "site")
    values = page.locator("tr[data-observation] td:nth-child(4)").all_inner_texts()
    assert "30.7" in values, values  # the 1852 stock, recorded as 30.7 t C/ha: not "30.700"
    assert not any(v.endswith("00") for v in values), values
