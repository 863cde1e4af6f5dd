"""The toolkit page in Chromium: each calculator runs from its example and its result downloads (the file's
content checked against the API), invalid input lists every problem, the keyboard moves between tabs,
and the page speaks French."""

import csv
import io
import json
import urllib.request

import pytest

from permille.io import csv_header

pytestmark = pytest.mark.toolkit  # its server computes in a toolkit process (conftest)

DOWNLOADS = {  # calculator → the formats downloaded and checked
    "rothc": ("csv", "json"),
    "balance": ("json", "pdf"),
    "stocks": ("csv",),
    "sampling": ("csv",),
    "credits": ("pdf", "csv"),
}


def open_toolkit(page, server, calculator: str):
    page.goto(f"{server.url}/#/toolkit?calc={calculator}")
    page.wait_for_selector('main .page[data-page="toolkit"][data-state="ready"]')


def run_example(page, calculator: str):
    """Load the example into the form, run it and wait for the results."""
    page.locator('[data-action="example"]').click()
    filled = {"rothc": "#tk-clay_pct", "balance": "#tk-b-name", "stocks": "#tk-mapping",
              "sampling": "#tk-sd_t_c_ha", "credits": "#tk-changes"}[calculator]  # fmt: skip
    page.wait_for_function(f"() => document.querySelector('{filled}').value !== ''")
    page.locator('[data-action="run"]').click()
    page.wait_for_selector('.tk-results[data-state="done"]')


def download(page, fmt: str):
    with page.expect_download(timeout=90_000) as info:  # a PDF report is typeset by WeasyPrint: seconds
        page.locator(f'.tk-results button[data-format="{fmt}"]').click()
    value = info.value
    assert value.suggested_filename.endswith(f".{fmt}")
    return open(value.path(), "rb").read()


def csv_rows(data: bytes, lang: str = "en") -> list[dict]:
    """The rows of a downloaded CSV keyed by the columns' machine names; its header row must be their
    labels with units in ``lang`` (``?header=labels``, :mod:`permille.io.csv_header`), every column labelled."""
    codes = [*csv_header.LABELS, *(f"{q}_{s}" for q in csv_header.QUANTITIES for s in csv_header.STATISTICS)]
    codes += [f"{series}_{s}_t_c_ha" for series in csv_header.SERIES for s in csv_header.STATISTICS]
    by_label = {csv_header.label(code, lang): code for code in codes}
    reader = csv.reader(io.StringIO(data.decode()))
    header = next(reader)
    assert set(header) <= set(by_label), f"not labels in {lang}: {sorted(set(header) - set(by_label))}"
    return [dict(zip([by_label[h] for h in header], row, strict=True)) for row in reader]


def example(server, calculator: str) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/toolkit/examples/{calculator}") as answer:
        return json.load(answer)


@pytest.mark.parametrize("calculator", list(DOWNLOADS))
def test_each_calculator_runs_its_example_and_downloads_the_result(page, server, screenshot, calculator):
    open_toolkit(page, server, calculator)
    run_example(page, calculator)
    results = page.locator(".tk-results")
    assert results.locator("table.data").count() >= 1
    assert results.locator("canvas").count() == 1
    files = {fmt: download(page, fmt) for fmt in DOWNLOADS[calculator]}
    if calculator == "rothc":
        rows = csv_rows(files["csv"])
        ex = example(server, "rothc")
        assert len(rows) == ex["years"] + 1 and rows[0]["year"] == str(ex["start_year"])
        assert float(rows[0]["scenario_central_t_c_ha"]) == pytest.approx(ex["soc_t_c_ha"])
        last = rows[-1]
        low, central, high = (float(last[f"scenario_{k}_t_c_ha"]) for k in ("low95", "central", "high95"))
        assert low < central < high and central > ex["soc_t_c_ha"]  # +20 % input: the stock grows
        result = json.loads(files["json"])
        assert result["stocks_t_c_ha"]["scenario"]["central"][-1] == pytest.approx(central)
        screenshot(page, "toolkit")
    elif calculator == "balance":
        result = json.loads(files["json"])
        assert set(result["estimates"]) == {"IPCC Tier 1", "IPCC Tier 2", "RothC"}
        assert result["n_draws"] == example(server, "balance")["monte_carlo"]["draws"]
        assert files["pdf"].startswith(b"%PDF")
    elif calculator == "stocks":
        rows = csv_rows(files["csv"])
        assert {r["method"] for r in rows} == {"fixed depth", "ESM"}
        assert {r["depth_cm"] for r in rows} == {"30.0", "50.0"}
        assert (
            "control/GF3" in page.locator(".tk-results .notice").inner_text()
        )  # a profile left out, said so
    elif calculator == "sampling":
        rows = csv_rows(files["csv"])
        assert [r["stratum"] for r in rows] == ["A", "B", "C"]
        assert sum(int(r["neyman"]) for r in rows) == int(rows[0]["n_total"])
    else:
        assert files["pdf"].startswith(b"%PDF")
        rows = csv_rows(files["csv"])
        assert [r["stratum"] for r in rows] == ["A", "B", "C"]
        issuable = sum(float(r["issuable_t_co2e"]) for r in rows)
        shown = page.locator(".tk-results table.data").nth(1).inner_text()
        assert f"{issuable:,.1f}" in shown  # the waterfall table shows the same total (en-GB)


def test_invalid_input_lists_every_problem(page, server, page_errors):
    page_errors.allow(r"/api/toolkit/rothc$")
    open_toolkit(page, server, "rothc")
    page.locator('[data-action="example"]').click()
    page.wait_for_function("() => document.querySelector('#tk-clay_pct').value !== ''")
    page.fill("#tk-clay_pct", "150")
    page.fill("#tk-years", "0")
    page.locator('[data-action="run"]').click()
    alert = page.locator('[role="alert"]:not([hidden])')
    alert.wait_for()
    text = alert.inner_text()
    assert "clay_pct" in text and "years" in text


def test_keyboard_reaches_the_calculators(page, server):
    open_toolkit(page, server, "rothc")
    page.locator("#tk-tab-rothc").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_selector('main .page[data-page="toolkit"][data-state="ready"] form[data-calc="balance"]')
    assert "calc=balance" in page.url
    assert page.locator("label[for='tk-b-name']").count() == 1  # every control has its label


def test_toolkit_in_french(page, server):
    open_toolkit(page, server, "sampling")
    page.select_option("#lang-select", "fr")
    page.wait_for_selector('main .page[data-page="toolkit"][data-state="ready"]')
    assert page.locator("main h1").inner_text() == "Boîte à outils"
    run_example(page, "sampling")
    assert "Points nécessaires" in page.locator(".tk-results").inner_text()
    data = download(page, "csv")
    assert data.decode().startswith("Strate,")  # the header row in French, with units
    rows = csv_rows(data, "fr")
    assert [r["stratum"] for r in rows] == ["A", "B", "C"]
    assert sum(int(r["neyman"]) for r in rows) == int(rows[0]["n_total"])
