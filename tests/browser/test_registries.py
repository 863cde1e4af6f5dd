"""The Registries page in Chromium, checked against the API it shows: search, filters, sorting, pagination,
the detail view of a project (expected impact with its interval, STC assessments), permalinks, exports of
the filtered list and live updates."""

import csv
import io
import json
import re
import time
from urllib.parse import urlencode

PAGE_SIZE = 20  # rows per page of the Registries page (PAGE_SIZE in registries.js)


def api(page, server, path: str, /, **params) -> dict:
    response = page.request.get(f"{server.url}/api/{path}?{urlencode(params)}")
    assert response.ok, response.text()
    return response.json()


def open_registry(page, server, query: str = ""):
    page.goto(f"{server.url}/#/registries{'?' + query if query else ''}")
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')


def column(page, index: int) -> list[str]:
    return [
        text.strip() for text in page.locator(f"#reg-list tbody tr td:nth-child({index})").all_inner_texts()
    ]


def summary_total(page) -> int:
    text = page.locator("#reg-panel p[role=status]").inner_text()
    return int(re.sub(r"\D", "", text))


def wait_for_total(page, total: int):
    page.wait_for_function(
        "(n) => Number(document.querySelector('#reg-panel p[role=status]').textContent.replace(/\\D/g, '')) === n",
        arg=total,
    )


def create_practice(page, server, headers: dict, name: str):
    body = {
        "name": name,
        "category": "cropland",
        "evidence_level": "field_trials",
        "effect_t_c_ha_yr": 0.25,
        "effect_uncertainty_t_c_ha_yr": 0.1,
        "published": True,
    }
    response = page.request.post(
        f"{server.url}/api/practices",
        data=json.dumps(body),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.ok, response.text()
    return response.json()


def test_search_and_filters_match_the_api_and_the_permalink_restores_them(page, server, screenshot):
    open_registry(page, server)
    everything = api(page, server, "practices", page_size=100)
    assert summary_total(page) == everything["total"] > 0
    assert column(page, 1) == [item["name"] for item in everything["items"]][:PAGE_SIZE]

    word = everything["items"][0]["name"].split()[0].lower()
    expected = api(page, server, "practices", q=word, page_size=100)
    page.get_by_label("Search").fill(word)
    page.wait_for_url(f"**{urlencode({'q': word})}**")
    wait_for_total(page, expected["total"])
    assert column(page, 1) == [item["name"] for item in expected["items"]][:PAGE_SIZE]

    categories = [
        value for value in page.locator("#reg-filter-category option").all_inner_texts() if value != "Any"
    ]
    assert categories, "the category filter offers the categories of the registry"
    category = next(
        value for value in categories if any(item["category"] == value for item in expected["items"])
    )
    page.select_option("#reg-filter-category", category)
    page.wait_for_url(f"**{urlencode({'category': category})}**")
    filtered = api(page, server, "practices", q=word, category=category, page_size=100)
    wait_for_total(page, filtered["total"])
    assert set(column(page, 2)) == {category}
    screenshot(page, "registries")

    # the permalink restores search box, filter and rows
    permalink = page.url
    page.goto("about:blank")
    page.goto(permalink)
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
    assert page.get_by_label("Search").input_value() == word
    assert page.locator("#reg-filter-category").input_value() == category
    assert column(page, 1) == [item["name"] for item in filtered["items"]][:PAGE_SIZE]


def test_sorting_and_pagination(page, server):
    headers = server.account("secretariat").headers
    total = api(page, server, "practices", page_size=1)["total"]
    for n in range(max(0, PAGE_SIZE + 1 - total)):  # enough records for a second page
        create_practice(page, server, headers, f"Zz paging practice {n}")
    open_registry(page, server, "tab=practices")
    page.get_by_role("button", name="Name", exact=True).click()
    page.wait_for_url("**sort=name**")
    page.locator('th[aria-sort="ascending"]', has_text="Name").wait_for()
    first = api(page, server, "practices", sort="name", page=1, page_size=PAGE_SIZE)
    page.wait_for_function(
        "(name) => document.querySelector('#reg-list tbody td').textContent.trim() === name",
        arg=first["items"][0]["name"],
    )
    assert column(page, 1) == [item["name"] for item in first["items"]]

    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**page=2**")
    second = api(page, server, "practices", sort="name", page=2, page_size=PAGE_SIZE)
    page.wait_for_function(
        "(name) => document.querySelector('#reg-list tbody td').textContent.trim() === name",
        arg=second["items"][0]["name"],
    )
    assert column(page, 1) == [item["name"] for item in second["items"]]
    pages = -(-first["total"] // PAGE_SIZE)
    assert page.locator(".pagination").inner_text().replace("\n", " ").find(f"Page 2 of {pages}") >= 0

    page.get_by_role("button", name="Name", exact=True).click()
    page.wait_for_url("**sort=-name**")
    page.locator('th[aria-sort="descending"]', has_text="Name").wait_for()
    assert "page=" not in page.url, "a new order starts on the first page"
    descending = api(page, server, "practices", sort="-name", page=1, page_size=PAGE_SIZE)
    page.wait_for_function(
        "(name) => document.querySelector('#reg-list tbody td').textContent.trim() === name",
        arg=descending["items"][0]["name"],
    )


def test_project_detail_shows_expected_impact_with_uncertainty_and_assessments(page, server):
    projects = api(page, server, "projects", page_size=100)["items"]
    assessed = {item["project_id"] for item in api(page, server, "assessments", page_size=100)["items"]}
    candidates = [p for p in projects if p["id"] in assessed]
    assert candidates, "the seed has assessed projects"
    # a project with a computed impact when the seed has one
    project = next((p for p in candidates if p.get("expected_impact")), candidates[0])
    open_registry(page, server, "tab=projects")
    page.get_by_role("link", name=project["name"], exact=True).first.click()
    page.wait_for_url(f"**id={project['id']}**")
    detail = page.locator("section[aria-labelledby=reg-detail-title]")
    detail.get_by_role("heading", name=project["name"]).wait_for()
    if project.get("expected_impact"):
        impact = project["expected_impact"]["t_co2e_per_yr"]
        shown = page.evaluate(
            "([m, lo, hi]) => import('/js/i18n.js').then(({fmt}) => `${fmt.number(m, 0)} (${fmt.range(lo, hi, 0)})`)",
            [impact["mean"], impact["low95"], impact["high95"]],
        )
        assert shown in detail.inner_text(), "the expected impact is shown with its 95 % interval"
    else:
        assert "Not computed" in detail.inner_text(), "a missing impact is said, not left blank"
    assessments = api(
        page, server, "assessments", project_id=project["id"], sort="-assessed_on", page_size=100
    )["items"]
    cards = detail.locator("article[data-assessment]")
    assert cards.count() == len(assessments) > 0
    for card, assessment in zip(cards.all(), assessments, strict=True):
        assert card.get_attribute("data-assessment") == str(assessment["id"])
        assert card.locator("tbody tr").count() == len(assessment["scores"]), "one row per criterion"

    # the permalink restores the detail view; the back button returns to the list
    page.reload()
    detail.get_by_role("heading", name=project["name"]).wait_for()
    detail.get_by_role("button", name="Back to the list").click()
    page.locator("#reg-list table").wait_for()
    assert "id=" not in page.url


def test_exports_download_the_filtered_list(page, server):
    expected = api(page, server, "practices", category="cropland", page_size=100)
    open_registry(page, server, "tab=practices&category=cropland")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert len(rows) == expected["total"] > 0
    assert {row["Category"] for row in rows} == {"cropland"}  # the header row in the page's language

    projects = api(page, server, "projects", page_size=100)
    open_registry(page, server, "tab=projects")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download GeoJSON").click()
    collection = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == projects["total"]


def test_list_updates_live_when_a_record_arrives(page, server):
    headers = server.account("secretariat").headers
    with page.expect_response(lambda response: response.url.endswith("/api/events")):
        open_registry(page, server, "tab=practices&q=aardvark")  # the event stream is open once it answers
    wait_for_total(page, 0)
    create_practice(page, server, headers, "Aardvark burrow mulching")
    committed = time.monotonic()
    page.get_by_role("link", name="Aardvark burrow mulching").wait_for(timeout=5_000)
    assert time.monotonic() - committed < 2.0, "open pages update within 2 s"
    wait_for_total(page, 1)


def test_registries_in_french(page, server):
    open_registry(page, server, "tab=practices&sort=-effect_t_c_ha_yr")
    page.select_option("#lang-select", "fr")
    page.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
    tabs = page.locator("[role=tab]").all_inner_texts()
    assert tabs == ["Pratiques", "Outils de suivi", "Projets", "Suivi des CDN"]
    effects = column(page, 4)
    assert any(re.fullmatch(r"\d+,\d\d ± \d+,\d\d", effect) for effect in effects), effects

    # thousands are grouped the French way in the table (1 200 ha, not 1,200)
    big = [p for p in api(page, server, "projects", page_size=100)["items"] if p["area_ha"] >= 1000]
    assert big, "the seed has a project of at least 1000 ha"
    page.get_by_role("tab", name="Projets").click()
    page.wait_for_selector("#reg-tab-projects[aria-selected=true]")
    page.locator("#reg-list table").wait_for()
    areas = column(page, 4)
    assert any(re.fullmatch(r"\d{1,3}([\u202f\xa0]\d{3})+", area) for area in areas), areas
    assert not any("," in area for area in areas), areas
