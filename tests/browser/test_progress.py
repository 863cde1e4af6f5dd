"""The Progress page in Chromium: 24 objective cards with status labels, each indicator's counting rule and
the records behind its value, the goal filter in the permalink, the language switch (labels and number
format), the CSV export, and a live update when a record arrives."""

import datetime

from tests.browser.conftest import IMAGES

DOCS_IMG = IMAGES

PROGRESS = "main .page[data-page='progress'][data-state='ready']"


def open_progress(page, server, query: str = ""):
    page.goto(f"{server.url}/#/progress{query}")
    page.wait_for_selector(PROGRESS)


def current_text(page, indicator: str) -> str:
    return page.inner_text(f"[data-indicator='{indicator}'] .kpi-current .num").strip()


def api_current(page, server, indicator: str) -> float:
    report = page.request.get(f"{server.url}/api/kpis").json()
    return next(i for o in report["objectives"] for i in o["indicators"] if i["name"] == indicator)["current"]


def intl(page, lang: str, value: float, digits: int = 0) -> str:
    options = f"{{minimumFractionDigits: {digits}, maximumFractionDigits: {digits}}}"
    return page.evaluate(f"new Intl.NumberFormat('{lang}', {options}).format({value})")


def test_every_objective_has_a_card_with_status_labels(page, server, screenshot):
    open_progress(page, server)
    cards = page.locator(".kpi-card")
    assert cards.count() == 24
    assert page.locator(".kpi-card[data-objective='A1'] .kpi-title").inner_text().startswith("A1")
    statuses = page.locator(".kpi-status")
    assert statuses.count() == 2 * 30  # 2030 and 2050 for each of the 30 indicators
    for badge in statuses.all()[:10]:  # a colour class AND a text label
        assert "status-" in badge.get_attribute("class")
        assert badge.locator("strong").inner_text().strip() in {
            "achieved",
            "on track",
            "behind",
            "no data since the baseline",
            "no target",
        }
    assert page.locator(".sparkline").count() == 30
    screenshot(page, "progress")


def test_goal_filter_is_in_the_permalink(page, server):
    open_progress(page, server)
    page.select_option("#progress-goal", "B")
    assert page.locator(".kpi-card").count() == 4
    assert all(
        g == "B" for g in page.locator(".kpi-card").evaluate_all("cards => cards.map(c => c.dataset.goal)")
    )
    assert "goal=B" in page.url
    open_progress(page, server, "?goal=E")
    assert page.locator(".kpi-card").count() == 3
    assert page.input_value("#progress-goal") == "E"


def test_every_card_shows_its_counting_rule_and_opens_the_records_behind_its_value(page, server, screenshot):
    open_progress(page, server, "?goal=E")
    assert page.locator(".kpi-rule").count() == page.locator(".kpi-indicator").count() == 3
    tools = page.locator("[data-indicator='monitoring_tools_in_catalogue']")
    assert "monitoring-tools" in tools.locator(".kpi-rule").inner_text()
    tools.locator(".kpi-records summary").click()
    page.wait_for_selector("[data-indicator='monitoring_tools_in_catalogue'] .kpi-record")
    listed = tools.locator(".kpi-record").count()
    assert listed > 0 and str(listed) in tools.locator(".kpi-source").inner_text()
    assert "verified by system" in tools.locator(".kpi-record").first.inner_text()
    screenshot(page, "progress-records")
    page.locator("[data-indicator='monitoring_tools_in_catalogue']").screenshot(
        path=str(DOCS_IMG / "progress-card-records.png")
    )
    open_progress(page, server, "?goal=C")  # a restricted kind: a count, no names
    contacts = page.locator("[data-indicator='global_food_businesses_contacted']")
    contacts.locator(".kpi-records summary").click()
    page.wait_for_selector("[data-indicator='global_food_businesses_contacted'] .kpi-restricted")
    assert contacts.locator(".kpi-record").count() == 0
    assert "demo" in contacts.locator(".kpi-demo-line").inner_text()  # demo contacts: shown apart, labelled


def demo_text(page, indicator: str) -> str:
    return page.inner_text(f"[data-indicator='{indicator}'] .kpi-demo-line")


def test_language_switch_changes_labels_and_number_format(page, server):
    open_progress(page, server)
    report = page.request.get(f"{server.url}/api/kpis").json()
    budget = next(
        i for o in report["objectives"] for i in o["indicators"] if i["name"] == "annual_budget_eur"
    )
    assert budget["current"] is None  # only demo budget lines: no value …
    demo = budget["current_source"]["demo"]["value"]
    assert demo >= 1000  # … but the demo value, labelled demo, shown apart
    assert intl(page, "en", demo) in demo_text(page, "annual_budget_eur")
    assert page.inner_text("main h1") == "Progress of the Initiative"
    for lang, title, baseline, rule in (
        ("fr", "Progrès de l’Initiative", "Référence", "Règle de calcul"),
        ("es", "Progreso de la Iniciativa", "Línea de base", "Regla de cálculo"),
    ):
        page.select_option("#lang-select", lang)
        page.wait_for_selector(PROGRESS)
        assert page.inner_text("main h1") == title
        assert baseline in page.inner_text(".kpi-card[data-objective='A2']")
        assert rule in page.inner_text(".kpi-card[data-objective='A2'] .kpi-rule")
        assert intl(page, lang, demo) in demo_text(page, "annual_budget_eur")
    assert intl(page, "fr", demo) != intl(page, "en", demo)  # the format did change
    page.select_option("#lang-select", "en")
    page.wait_for_selector(PROGRESS)


def test_csv_export(page, server):
    open_progress(page, server)
    with page.expect_download() as download:
        page.click(".export[data-format='csv']")
    path = download.value.path()
    lines = open(path, encoding="utf-8").read().strip().splitlines()
    assert lines[0].startswith(
        "Objective,Goal,Indicator,Unit,Source,Baseline,"
    )  # labels, the page's language
    assert len(lines) == 1 + 30


def test_the_open_page_updates_when_a_study_arrives(page, server):
    open_progress(page, server, "?goal=A")
    name = "studies_reviews_per_year"
    before = api_current(page, server, name)
    assert current_text(page, name) == (intl(page, "en", before) if before else "–")
    admin = server.account("secretariat")
    study = {"title": "Browser test: a study", "study_type": "study", "country_iso3": "KEN",
             "year": datetime.date.today().year, "published": True}  # fmt: skip
    answer = page.request.post(f"{server.url}/api/studies", data=study, headers=admin.headers)
    assert answer.status == 201, answer.text()
    expected = intl(page, "en", (before or 0) + 1)
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.textContent.trim() === text",
        arg=[f"[data-indicator='{name}'] .kpi-current .num", expected],
        timeout=5000,
    )
    assert page.url.endswith("#/progress?goal=A")  # no reload, no navigation


def test_a_second_secretariat_user_approves_a_manual_value_in_the_page(page, server):
    enters, approves = server.account("secretariat"), server.account("secretariat")
    body = {"value": 2, "date": datetime.date.today().isoformat(), "source": "Browser test: framework v2"}
    answer = page.request.post(
        f"{server.url}/api/kpis/reference_framework_version/values", data=body, headers=enters.headers
    )
    assert answer.status == 201, answer.text()
    open_progress(page, server, "?goal=A")
    page.get_by_role("button", name="Sign in").click()
    dialog = page.locator("#signin-dialog")
    dialog.get_by_label("E-mail").fill(approves.email)
    dialog.get_by_label("Password").fill(approves.password)
    dialog.locator("button[type=submit]").click()
    page.locator("#user-name").wait_for()
    page.wait_for_selector(PROGRESS)
    block = page.locator("[data-indicator='reference_framework_version']")
    assert "Unapproved value 2" in block.locator(".kpi-source").inner_text()  # shown, not used
    assert current_text(page, "reference_framework_version") == "–"
    block.locator(".kpi-records summary").click()
    block.locator(".kpi-approve").click()
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.textContent.trim() === text",
        arg=["[data-indicator='reference_framework_version'] .kpi-current .num", "2"],
        timeout=5000,
    )
    assert f"approved by {approves.email}" in block.locator(".kpi-source").inner_text()
