"""What a field user can trust on the toolkit page, in Chromium: a result never stays beside inputs it does
not belong to, unlikely values are flagged, a loss gives no credits, disagreeing models are named; every
page fits a 390 px phone without sideways scrolling; the page speaks French and Spanish without an English
sentence. Screenshots go to docs/img/."""

import re
from pathlib import Path

import pytest

from permille import i18n
from tests.browser.conftest import IMAGES
from tests.browser.test_toolkit_page import open_toolkit, run_example

pytestmark = pytest.mark.toolkit  # its server computes in a toolkit process (conftest)

REPO = Path(__file__).resolve().parents[2]
DOCS_IMG = IMAGES
PHONE = {"width": 390, "height": 844}
CALCULATORS = ("rothc", "balance", "stocks", "sampling", "credits")
RUN_TIMEOUT_MS = 90_000  # a calculation waits for a worker process; a busy machine is slow


def english_messages() -> set[str]:
    """The English messages of the pages of four words or more (without placeholders) whose French and
    Spanish differ from them (the one catalogue, src/permille/locale)."""
    fr, es = i18n.web_catalogue("fr"), i18n.web_catalogue("es")
    found = set()
    for key, value in i18n.web_catalogue("en").items():
        if not isinstance(value, str) or value in (fr.get(key), es.get(key)):
            continue
        text = re.sub(r"\{[A-Za-z]+\}", " ", value)
        if len(text.split()) >= 4:
            found.add(" ".join(text.split()))
    return found


def results_shown(page) -> bool:
    return page.locator(".tk-results").is_visible() and page.locator(".tk-results button.export").count() > 0


def test_a_result_is_cleared_when_an_input_changes_or_a_run_fails(page, server):
    page.set_default_timeout(RUN_TIMEOUT_MS)
    open_toolkit(page, server, "rothc")
    run_example(page, "rothc")
    assert results_shown(page)
    page.fill("#tk-clay_pct", "30")
    assert not results_shown(page) and page.locator(".tk-results").get_attribute("data-state") == "stale"
    assert "run again" in page.locator('#tk-panel > p[role="status"]').inner_text()
    page.locator('[data-action="run"]').click()
    page.wait_for_selector('.tk-results[data-state="done"]')
    page.fill("#tk-years", "")
    page.locator('[data-action="run"]').click()
    page.locator('[role="alert"]:not([hidden])').wait_for()
    assert not results_shown(page)  # no download of numbers that do not match the form


def test_unlikely_values_are_flagged(page, server):
    page.set_default_timeout(RUN_TIMEOUT_MS)
    open_toolkit(page, server, "rothc")
    page.locator('[data-action="example"]').click()
    page.wait_for_function("() => document.querySelector('#tk-clay_pct').value !== ''")
    page.select_option("#tk-climate_preset", "custom")
    page.fill("#tk-temperature_c", ", ".join(["60"] * 12))
    page.fill("#tk-precipitation_mm", ", ".join(["50"] * 12))
    page.fill("#tk-pet_mm", ", ".join(["100"] * 12))
    page.locator('[data-action="run"]').click()
    page.wait_for_selector('.tk-results[data-state="done"]')
    warning = page.locator(".tk-warnings")
    assert warning.is_visible() and "60 °C" in warning.inner_text() and "unlikely" in warning.inner_text()


def test_a_loss_gives_no_credits(page, server):
    page.set_default_timeout(RUN_TIMEOUT_MS)
    open_toolkit(page, server, "credits")
    page.locator('[data-action="example"]').click()
    page.wait_for_function("() => document.querySelector('#tk-changes').value !== ''")
    page.fill("#tk-changes", "A, 2021–2026, 40, -0.5, 0.1, 6")
    page.locator('[data-action="run"]').click()
    page.wait_for_selector('.tk-results[data-state="done"]')
    outcome = page.locator('[data-outcome="no-credits"]')
    assert "No credits: the stock decreased" in outcome.inner_text()
    assert re.search(r"[-−]0\.500 t C/ha", outcome.inner_text())
    assert not page.locator(".tk-results .chart").is_visible()  # no waterfall of negative removals
    assert "Uncertainty deduction" not in page.locator(".tk-results").inner_text()


def test_models_that_disagree_are_named(page, server):
    page.set_default_timeout(RUN_TIMEOUT_MS)
    open_toolkit(page, server, "balance")
    run_example(page, "balance")
    notice = page.locator("[data-disagree]").first
    assert "disagree beyond their 95 % intervals" in notice.inner_text()
    assert "IPCC Tier 1" in notice.get_attribute("data-disagree")


def test_the_stocks_chart_has_no_separate_interval_bar_and_says_how(page, server):
    page.set_default_timeout(RUN_TIMEOUT_MS)
    open_toolkit(page, server, "stocks")
    run_example(page, "stocks")
    datasets = page.evaluate(
        "() => Chart.getChart(document.querySelector('.tk-results canvas')).data.datasets"
    )
    assert len(datasets) == 1 and len(datasets[0]["intervals"]) == len(datasets[0]["data"])
    methods = page.locator(".tk-results dl.methods").inner_text()  # how the numbers were made, in words
    assert "natural cubic spline (Wendt & Hauser 2013); reference mass" in methods and "t interval" in methods


def pages_to_visit(page, server) -> list[str]:
    page.goto(server.url + "/")
    page.wait_for_selector(".site-nav a[data-page]", state="attached")  # folded under "Menu" at 390 px
    links = page.eval_on_selector_all(
        ".site-nav a[data-page]", "links => links.map(a => a.getAttribute('href'))"
    )
    return [*links, *(f"#/toolkit?calc={c}" for c in CALCULATORS)]


def test_no_page_scrolls_sideways_at_390_px(browser, server):
    context = browser.new_context(viewport=PHONE, locale="en-GB", device_scale_factor=1)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    try:
        wide = []
        for href in pages_to_visit(page, server):
            page.goto(f"{server.url}/{href}")
            page.wait_for_selector("main .page[data-state]", timeout=20_000)
            if "calc=" in href:
                run_example(page, href.split("=")[1])
            width = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if width[0] > width[1]:
                wide.append((href, width))
        assert not wide, wide
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_toolkit_speaks_french_and_spanish(browser, server, lang):
    english = english_messages()
    assert len(english) > 40
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale=lang)
        context.set_default_timeout(RUN_TIMEOUT_MS)
        page = context.new_page()
        page.add_init_script(f"localStorage.setItem('permille.lang', '{lang}')")
        try:
            for calc in CALCULATORS:
                open_toolkit(page, server, calc)
                run_example(page, calc)
                text = " ".join(page.locator("main").inner_text().split())
                left = [s for s in english if s in text]
                assert not left, (calc, left)
                path = str(DOCS_IMG / f"toolkit-{calc}-{lang}-{name}.png")
                if calc == "balance":  # its form is 16,000 px long: the docs show its results
                    page.locator(".tk-results").screenshot(path=path)
                elif calc == "credits" or name == "desktop":
                    page.screenshot(path=path, full_page=True)
        finally:
            context.close()


def test_the_pdf_report_is_in_the_page_language(browser, server):
    import io

    import pypdf

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr", accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script("localStorage.setItem('permille.lang', 'fr')")
    try:
        open_toolkit(page, server, "credits")
        run_example(page, "credits")
        with page.expect_download() as info:
            page.locator('.tk-results button[data-format="pdf"]').click()
        text = " ".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(open(info.value.path(), "rb").read())).pages
        )
        assert "Rapport de vérification" in text and "Crédits émissibles" in text
    finally:
        context.close()
