"""What a reader sees on the demo platform's record pages, in French and English (Playwright on Debian's
Chromium): stored codes shown by their names (a practice's level of evidence, a country), years without
a thousands separator, an organisation's counted projects, a yearly report's form under its heading."""

import httpx

from permille.registry.seed import DEMO_ACCOUNTS
from tests.browser.conftest import choose_language, ready, sign_in

PASSWORDS = {email: password for email, _, password in DEMO_ACCOUNTS}
MEMBER = "demo.member@example.org"


def open_page(page, server, hash_: str, name: str, lang: str = "fr") -> None:
    page.goto(f"{server.url}/{hash_}")
    ready(page, name)
    if lang != "en":
        choose_language(page, lang)
        page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")
        ready(page, name)


def test_the_practices_registry_names_its_codes(page, server):
    open_page(page, server, "#/registries?tab=practices", "registries")
    page.wait_for_selector("#reg-list table tbody tr")
    page.wait_for_function("() => document.querySelectorAll('#reg-filter-evidence_level option').length > 1")
    table = page.inner_text("#reg-list")
    for code in ("meta_analysis", "expert_judgement", "field_trials"):
        assert code not in table
    assert "Méta-analyse" in table
    assert "Avis d’expert" in table
    cells = page.locator("#reg-list tbody tr td:last-child").all_inner_texts()
    assert "Sénégal" in cells and "SEN" not in cells
    options = page.locator("#reg-filter-evidence_level option").all_inner_texts()
    assert "Méta-analyse" in options and "meta_analysis" not in options
    assert page.locator("#reg-filter-evidence_level option[value='meta_analysis']").count() == 1
    assert "ISO" not in page.inner_text('label[for="reg-filter-country_iso3"]')


def test_a_project_record_writes_its_year_and_names_its_country(page, server):
    project = httpx.get(f"{server.url}/api/projects/1").json()
    assert project["start_year"] >= 1000 and project["country_iso3"] == "SEN"
    open_page(page, server, "#/records?kind=projects&id=1", "records")
    assert page.inner_text('[data-field="start_year"] dd') == str(project["start_year"])
    assert page.inner_text('[data-field="country_iso3"] dd') == "Sénégal (SEN)"


def test_an_organisation_counts_its_projects_and_names_their_country(page, server):
    listed = httpx.get(f"{server.url}/api/directory/organisations").json()
    with_projects = next(o for o in listed if o["projects"] > 0)
    shown = httpx.get(f"{server.url}/api/directory/organisations/{with_projects['id']}").json()
    open_page(page, server, f"#/directory?organisation={with_projects['id']}", "directory")
    headings = page.locator("main h2").all_inner_texts()
    assert not any("{n}" in heading for heading in headings), headings
    count = len(shown["project_list"])
    assert headings[0] == (f"{count} projet" if count < 2 else f"{count} projets")
    first = shown["project_list"][0]
    line = page.inner_text(".org-projects li")
    assert f" {first['country_iso3']} " not in line
    countries = httpx.get(f"{server.url}/api/i18n/fr").json().get("countries", {})
    assert countries[first["country_iso3"]] in line


def test_the_yearly_report_form_is_under_its_heading(page, server):
    page.goto(f"{server.url}/#/monitoring")
    ready(page, "monitoring")
    sign_in(page, MEMBER, PASSWORDS[MEMBER])
    open_page(page, server, "#/calls?application=1", "calls", lang="en")
    page.wait_for_selector('form[data-form="report"]')
    before = page.evaluate(
        """() => {
          let node = document.querySelector('form[data-form="report"]').previousElementSibling;
          while (node && node.tagName !== 'H2') node = node.previousElementSibling;
          return node && node.textContent;
        }"""
    )
    assert before == "Yearly reports"
    order = page.evaluate(
        """() => {
          const form = document.querySelector('form[data-form="report"]');
          const heading = [...document.querySelectorAll('main h2')].find((h) => h.textContent === 'Discussion');
          return Boolean(form.compareDocumentPosition(heading) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert order, "the report form comes before the discussion"
