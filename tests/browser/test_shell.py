"""The web shell in Chromium: every page loads without errors, the language switch changes labels and number
formatting, permalinks restore the view, the keyboard reaches the navigation and the language switch, and
the layout fits a phone-sized window."""

import pytest

from tests.browser.conftest import sign_in

PHONE = {"width": 375, "height": 800}
PAGES = ["monitoring", "progress", "toolkit", "registries"]
NAV = {  # a visitor's header: the sections (the community's under one button), then "Join" (js/account-nav.js)
    "en": [
        "Monitoring",
        "Progress",
        "Toolkit",
        "Registries",
        "Records",
        "Community",
        "Calls",
        "Helpdesk",
        "Groups",
        "Directory",
        "Calendar",
        "Twin regions",
        "Join",
    ],
    "fr": [
        "Suivi",
        "Progrès",
        "Boîte à outils",
        "Registres",
        "Fiches",
        "Communauté",
        "Appels",
        "Assistance",
        "Groupes",
        "Annuaire",
        "Agenda",
        "Jumelages",
        "Adhérer",
    ],
    "es": [
        "Seguimiento",
        "Progreso",
        "Herramientas",
        "Registros",
        "Fichas",
        "Comunidad",
        "Convocatorias",
        "Ayuda",
        "Grupos",
        "Directorio",
        "Agenda",
        "Hermanamientos",
        "Adherirse",
    ],
}


def open_page(page, server, route: str):
    """Go to ``#/<route>`` and wait until the page module has rendered (data-state="ready")."""
    page.goto(f"{server.url}/#/{route}")
    name = route.split("?")[0] or "monitoring"
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]')


def nav_labels(page) -> list[str]:
    labels = page.locator(".site-nav :is(a, .nav-group-toggle)").evaluate_all(
        "xs => xs.map(x => x.textContent)"
    )
    return [text.strip() for text in labels]


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors(page, server, screenshot, name):
    open_page(page, server, name)
    assert page.locator(f'.site-nav a[data-page="{name}"]').get_attribute("aria-current") == "page"
    assert page.locator("main h1").count() >= 1, "each page has a heading"
    page.wait_for_timeout(300)  # late errors of the page's requests are caught by the page fixture
    screenshot(page, f"page-{name}")


def test_default_page_is_monitoring(page, server):
    page.goto(server.url + "/")
    page.wait_for_selector('main .page[data-page="monitoring"][data-state="ready"]')


def test_unknown_page_says_so(page, server, page_errors):
    page_errors.allow(r"/js/pages/no-such-page\.js$")
    page.goto(f"{server.url}/#/no-such-page")
    page.wait_for_selector('main .page[data-state="error"]')
    assert "no-such-page" in page.inner_text("main")
    # the shell re-raises the failed import (so a broken page module fails its test): expected here
    page_errors.problems[:] = [p for p in page_errors.problems if "no-such-page" not in p]


def test_language_switch_changes_labels_and_number_formatting(page, server):
    open_page(page, server, "registries")
    assert nav_labels(page) == NAV["en"]
    assert page.evaluate("document.documentElement.lang") == "en"
    english = page.evaluate("import('/js/i18n.js').then((m) => m.fmt.number(1234.5, 1))")
    assert english == "1,234.5"

    page.select_option("#lang-select", "fr")
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
    assert nav_labels(page) == NAV["fr"]
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("main h1").inner_text() == "Registres", "the page re-renders in French"
    french = page.evaluate("import('/js/i18n.js').then((m) => m.fmt.number(1234.5, 1))")
    assert french.replace("\u202f", " ").replace("\xa0", " ") == "1 234,5"
    summary = page.locator("#reg-panel p[role=status]").inner_text()
    assert "fiches" in summary

    page.select_option("#lang-select", "es")
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
    assert nav_labels(page) == NAV["es"]
    spanish = page.evaluate("import('/js/i18n.js').then((m) => m.fmt.number(1234.5, 1))")
    assert spanish.replace("\xa0", " ") in {"1234,5", "1.234,5"}


def test_language_choice_is_kept_on_reload(page, server):
    open_page(page, server, "registries")
    page.select_option("#lang-select", "fr")
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
    page.reload()
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
    assert page.locator("#lang-select").input_value() == "fr"
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert nav_labels(page) == NAV["fr"]


def test_permalink_restores_the_view(page, server):
    open_page(page, server, "registries?tab=ndc&sort=-year")
    assert page.locator("#reg-tab-ndc").get_attribute("aria-selected") == "true"
    assert page.locator('th[aria-sort="descending"]').inner_text().strip().startswith("Year")
    # the navigation keeps the permalink in the address bar
    page.locator(".site-nav a[data-page=registries]").click()
    page.wait_for_url("**/#/registries")
    page.go_back()
    page.wait_for_selector('#reg-tab-ndc[aria-selected="true"]')


def test_keyboard_reaches_the_navigation_and_the_language_switch(page, server):
    open_page(page, server, "registries")
    page.reload()  # nothing focused: Tab starts at the top of the document
    page.wait_for_selector('main .page[data-state="ready"]')
    reached = []
    for _ in range(16):  # the skip link, the brand, the sections, the account link, the language
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "document.activeElement.dataset.page || document.activeElement.id || document.activeElement.className"
            )
        )
        if reached[-1] == "lang-select":
            break
    assert reached[0] == "skip-link", "the skip link comes first"
    assert [r for r in reached if r in PAGES] == PAGES
    assert reached[-1] == "lang-select"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "keyboard focus is visible"

    # Enter on a navigation link goes to its page; the skip link moves the focus to the content
    page.locator('.site-nav a[data-page="progress"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/#/progress")
    page.reload()
    page.wait_for_selector('main .page[data-state="ready"]')
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_control_has_a_label(page, server):
    for name in PAGES:
        open_page(page, server, name)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea, button')]
                .filter((c) => c.type !== 'hidden' && !c.closest('[hidden], dialog:not([open])'))
                .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                    && !c.getAttribute('aria-labelledby') && !(c.tagName === 'BUTTON' && c.textContent.trim())
                    && !c.getAttribute('title'))
                .map((c) => c.outerHTML.slice(0, 120))"""
        )
        assert unlabelled == [], f"controls without a label on {name}: {unlabelled}"


@pytest.mark.parametrize("name", ["monitoring", "registries"])
def test_phone_sized_window(page, server, screenshot, name):
    page.set_viewport_size(PHONE)
    open_page(page, server, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is wider than the phone ({width} px)"
    page.click(".nav-toggle")  # the links and the language are under "Menu"
    for label in ["Monitoring", "Registries"]:
        assert page.get_by_role("link", name=label, exact=True).is_visible()
    assert page.locator("#lang-select").is_visible()
    screenshot(page, "home-phone" if name == "monitoring" else f"{name}-phone", full_page=False)


def test_sign_in_dialog_reports_a_wrong_password(page, server, page_errors):
    page_errors.allow(r"/api/auth/token$")
    open_page(page, server, "registries")
    page.get_by_role("button", name="Sign in").click()
    dialog = page.locator("#signin-dialog")
    dialog.get_by_label("E-mail").fill("nobody@example.org")
    dialog.get_by_label("Password").fill("not the password at all")
    dialog.locator("button[type=submit]").click()
    error = page.locator("#signin-error")
    error.wait_for()
    assert error.inner_text().strip()
    assert page.evaluate("sessionStorage.getItem('permille.token')") is None


def test_sign_in_and_out(page, server):
    account = server.account("stc")
    open_page(page, server, "registries")
    page.get_by_role("button", name="Sign in").click()
    dialog = page.locator("#signin-dialog")
    dialog.get_by_label("E-mail").fill(account.email)
    dialog.get_by_label("Password").fill(account.password)
    dialog.locator("button[type=submit]").click()
    page.locator("#user-name").wait_for()
    assert page.locator("#user-name").inner_text() == "Browser test stc"
    assert page.evaluate("sessionStorage.getItem('permille.token')")
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert page.evaluate("sessionStorage.getItem('permille.token')") is None


def test_the_page_fixture_catches_javascript_errors_and_failed_requests(page, server, page_errors):
    open_page(page, server, "registries")
    page.evaluate("setTimeout(() => { throw new Error('boom from the test'); }, 0)")
    page.evaluate("fetch('/api/no-such-kind').catch(() => {})")
    page.wait_for_timeout(500)
    assert any("boom from the test" in problem for problem in page_errors.problems)
    assert any("HTTP 404" in problem and "/api/no-such-kind" in problem for problem in page_errors.problems)
    page_errors.problems.clear()  # provoked on purpose


def test_phone_menu_opens_navigates_and_closes(browser, server):
    """At 390 px the header shows the brand and "Menu" (the links, language and account are folded); the
    menu opens, a link goes to its page and folds the menu again; a desktop window shows no "Menu"."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/#/monitoring")
        toggle = page.locator(".nav-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator('.site-nav a[data-page="progress"]').is_visible()
        assert not page.locator("#lang-select").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#lang-select").is_visible()
        page.click('.site-nav a[data-page="progress"]')
        page.wait_for_selector('main .page[data-page="progress"]', state="attached")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator('.site-nav a[data-page="toolkit"]').is_visible()
        page.set_viewport_size({"width": 1366, "height": 900})
        assert not toggle.is_visible()
        assert page.locator('.site-nav a[data-page="toolkit"]').is_visible()
    finally:
        context.close()


def test_community_links_open_under_one_button(page, server):
    """The six community pages sit under "Community" (a disclosure): hidden until it is opened; choosing
    one goes there, folds the list and marks the button; Escape and a click elsewhere fold it too."""
    open_page(page, server, "registries")
    toggle = page.locator(".nav-group-toggle")
    calendar = page.locator('.site-nav a[data-page="calendar"]')
    assert toggle.get_attribute("aria-expanded") == "false" and not calendar.is_visible()
    header_height = page.locator(".site-header").bounding_box()["height"]
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and calendar.is_visible()
    assert page.locator(".site-header").bounding_box()["height"] == header_height, (
        "the list opens over the page"
    )
    calendar.click()
    page.wait_for_selector('main .page[data-page="calendar"][data-state="ready"]')
    assert toggle.get_attribute("aria-expanded") == "false" and not calendar.is_visible()
    assert calendar.get_attribute("aria-current") == "page"
    assert "current" in page.locator(".nav-group").get_attribute("class")
    toggle.click()
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('nav-group-toggle')")
    toggle.click()
    page.click("main h1")
    assert toggle.get_attribute("aria-expanded") == "false"
    open_page(page, server, "progress")
    assert "current" not in page.locator(".nav-group").get_attribute("class")


def test_the_header_is_two_lines_for_the_secretariat(page, server):
    """Signed in as the Secretariat (the most links) at 1366 px, in the longest language: the brand and the
    account on one line, every link on the next; the sign-in is announced with the role's name."""
    account = server.account("secretariat")
    open_page(page, server, "registries")
    page.select_option("#lang-select", "fr")
    sign_in(page, account.email, account.password)
    page.wait_for_selector("#live-status:has-text('Secrétariat')")
    tops = page.locator(".site-nav > ul > li").evaluate_all(
        "xs => xs.filter(x => x.offsetParent).map(x => Math.round(x.getBoundingClientRect().top))"
    )
    assert len(tops) >= 10 and len(set(tops)) == 1, tops
    brand = page.locator(".brand").bounding_box()
    sign_out_button = page.locator("#signout-button").bounding_box()
    assert abs(brand["y"] - sign_out_button["y"]) < brand["height"] + 20
    assert tops[0] > brand["y"] + brand["height"] - 1


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_server_writes_numbers_as_the_page_does(page, server, lang):
    """A number in a server's sentence (Babel) and the same number on the page (Intl) are written alike,
    grouping included (Spanish: 2328,4 but 12.328,4)."""
    from permille import i18n

    open_page(page, server, "registries")
    values = [0.5, 999.5, 2328.4, -2328.4, 12328.4, 1234567.0]
    written = page.evaluate(
        "([lang, values]) => values.map((v) => new Intl.NumberFormat(lang, "
        "{ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v))",
        [lang, values],
    )
    assert [i18n.number(v, 1, lang).replace("-", "−") for v in values] == [
        w.replace("-", "−") for w in written
    ]
