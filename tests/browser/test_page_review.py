"""What a reader saw on the pages' screenshots (French and Spanish, laptop and phone): a record page that
failed said nothing, English left in the progress cards (the phone map's legends: test_ndc_and_sites_pages.py),
bullets beside cards."""

import re

from tests.browser.conftest import choose_language, ready, sign_in

PHONE = {"width": 390, "height": 844}


def test_a_missing_record_says_why_instead_of_a_blank_page(page, server, page_errors):
    page_errors.allow(r"/api/working-groups/999999$")
    page.goto(f"{server.url}/#/groups?id=999999")
    page.wait_for_selector('main .page[data-page="groups"][data-state="error"]')
    message = page.locator("main .page .error[role=alert]")
    assert message.count() == 1
    assert "999999" in message.inner_text(), "the server's reason is shown"
    # the shell re-raises the page's error (so a broken page fails its test): expected here
    page_errors.problems[:] = [p for p in page_errors.problems if "no working group 999999" not in p]


def test_progress_cards_write_their_period_and_labels_in_french(page, server):
    page.goto(f"{server.url}/#/progress")
    ready(page, "progress")
    choose_language(page, "fr")
    page.wait_for_function("() => document.querySelector('main h1')?.textContent.includes('Progrès')")
    ready(page, "progress")
    text = page.inner_text("main").replace("\u202f", " ").replace("\xa0", " ")
    assert "as of" not in text and "calendar year to date" not in text, "the count's period is in French"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "dates are written the French way"
    assert re.search(r"fiches comptées \((au \d+ \S+ \d{4}|année civile en cours, jusqu’à ce jour)\)", text)
    assert "Tendance :" in text and "Tendance:" not in text
    assert "Règle de calcul :" in text and "État 2030 :" in text


def test_lists_of_cards_have_no_bullets(page, server):
    page.goto(f"{server.url}/#/calls")
    ready(page, "calls")
    card = page.locator(".calls-list > li.card").first
    assert card.evaluate("li => getComputedStyle(li).listStyleType") == "none"
    assert card.bounding_box()["x"] - page.locator(".calls-list").bounding_box()["x"] < 1, (
        "no indent left for a bullet"
    )


def test_stc_recommendation_is_a_data_table_that_fits_a_phone(browser, server):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/#/calls")
        ready(page, "calls")
        page.click(".nav-toggle")
        sign_in(page, "demo.stc@example.org", "demo-stc-password")
        page.goto(f"{server.url}/#/calls?application=1")
        table = page.locator("main section.recommendation table")
        table.wait_for()
        assert "data" in table.get_attribute("class").split(), (
            "styled like the other tables (rows, numbers right)"
        )
        assert table.locator("tbody td.num").count() == 3 * table.locator("tbody tr").count()
        # the table scrolls inside its frame; the page itself is not wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        header = table.locator("tbody th").first
        assert header.evaluate("th => getComputedStyle(th).whiteSpace") == "normal", (
            "a criterion's name wraps"
        )
    finally:
        context.close()
