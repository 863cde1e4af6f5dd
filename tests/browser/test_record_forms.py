"""The record pages and their forms in Chromium (js/forms.js, js/pages/records.js): every kind walked as each
role (a control for each write the role may do, none for the others); a member's site, project and CSV of
observations (one bad row refused, nothing stored) published by the Secretariat and then seen by the
public; a stale edit; numbers typed in French. Screenshots go to docs/img/ (the README's journeys)."""

import os
import re
import secrets
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from permille.registry import review, service
from permille.registry.kinds import KINDS
from permille.registry.orm import Layer, Observation, Organisation, ReviewState, User
from permille.registry.permissions import Role, allowed
from tests.platform.test_api_permissions import sample

from .conftest import LAPTOP, SCREENSHOTS, Account

pytestmark = pytest.mark.toolkit  # its server computes in a toolkit process (conftest)

ROLES = ("public", "member", "partner", "stc", "secretariat")
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PHONE = {"width": 390, "height": 844}


def organisation(server, name: str) -> int:
    with Session(server.engine) as session:
        org = Organisation(
            name=name, membership="member", org_type="research", country_iso3="FRA", website=""
        )
        session.add(org)
        session.commit()
        return org.id


def account_in(server, role: str, organisation_id: int | None) -> tuple[Account, SimpleNamespace]:
    """A new user of ``role`` in the organisation, and what permissions.allowed needs of them."""
    account = server.account(role)
    with Session(server.engine) as session:
        user = session.scalar(select(User).where(User.email == account.email))
        user.organisation_id = organisation_id
        session.commit()
        return account, SimpleNamespace(id=user.id, role=role, organisation_id=organisation_id)


def use(page, server, account: Account | None, lang: str = "en"):
    """Open the records page as ``account`` (None: the public) in ``lang``."""
    page.goto(f"{server.url}/#/records")
    page.evaluate("(lang) => localStorage.setItem('permille.lang', lang)", lang)
    token = account.headers["Authorization"].removeprefix("Bearer ") if account else ""
    page.evaluate("(t) => t ? sessionStorage.setItem('permille.token', t) : sessionStorage.clear()", token)
    page.reload()
    wait_ready(page)


def wait_ready(page):
    page.wait_for_selector('main .page[data-page="records"][data-state="ready"]:not([data-stale])')


def open_records(page, server, query: str):
    page.evaluate("document.querySelector('main .page')?.setAttribute('data-stale', '1')")
    url = f"{server.url}/#/records?{query}"
    if page.url == url:
        page.reload()  # the same address: no hash change, so no new rendering
    else:
        page.goto(url)
    wait_ready(page)


def shot(page, name: str, full_page: bool = True):
    """A screenshot in test-artifacts/screenshots/, and in docs/img/ (the README's) with PERMILLE_DOCS_IMG=1."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
    if os.environ.get("PERMILLE_DOCS_IMG") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMG / f"{name}.png"), full_page=full_page)


def current_id(page) -> int:
    page.wait_for_url(re.compile(r"[?&]id=\d+"))
    return int(re.search(r"[?&]id=(\d+)", page.url).group(1))


def record(server, kind: str, record_id: int) -> dict:
    with Session(server.engine) as session:
        return service.public_dict(KINDS[kind], service.get(session, kind, record_id, service.SYSTEM))


# ---------------------------------------------------------------- every kind as each role


@pytest.fixture(scope="module")
def walk(server):
    """Users of every role (member and partner in two organisations) and one published record of each kind
    owned by the member's organisation."""
    member_org, partner_org = (
        organisation(server, "Walk member org"),
        organisation(server, "Walk partner org"),
    )
    users = {"public": (None, None)}
    users["member"] = account_in(server, "member", member_org)
    users["partner"] = account_in(server, "partner", partner_org)
    users["stc"] = account_in(server, "stc", None)
    users["secretariat"] = account_in(server, "secretariat", None)
    records = {}
    with Session(server.engine) as session:
        refs = {}
        for kind in ("projects", "sites"):
            made = service.create(session, kind, sample(kind, {}) | {"published": True}, service.SYSTEM)
            refs[f"{kind[:-1]}_id"] = made.id
        for kind in KINDS:
            payload = sample(kind, refs) | {"organisation_id": member_org, "published": True}
            if kind == "users":
                payload |= {"email": f"walk-{secrets.token_hex(4)}@example.org"}
            made = service.create(session, kind, payload, service.SYSTEM)
            records[kind] = SimpleNamespace(id=made.id, organisation_id=member_org, published=True)
    return users, records


@pytest.mark.parametrize("role", ROLES)
def test_every_kind_shows_a_control_for_each_write_the_role_may_do_and_none_for_the_others(
    page, server, walk, role
):
    users, records = walk
    account, user = users[role]
    use(page, server, account)
    assert page.locator(".kind-list li").count() == sum(
        allowed(user, "read", k, public_kind=not KINDS[k].restricted) for k in KINDS
    )
    checked = 0
    for kind, rec in records.items():
        public_kind = not KINDS[kind].restricted
        open_records(page, server, f"kind={kind}")
        own = SimpleNamespace(organisation_id=user.organisation_id if user else None, published=False)
        may_create = allowed(user, "create", kind, own, public_kind=public_kind)
        assert page.locator('[data-action="create"]').count() == int(may_create), (kind, "create")
        if kind == "observations":
            assert page.locator("#rec-upload").count() == int(may_create), (kind, "upload")
        if not allowed(user, "read", kind, rec, public_kind=public_kind):
            continue
        open_records(page, server, f"kind={kind}&id={rec.id}")
        may_update = allowed(user, "update", kind, rec, public_kind=public_kind)
        may_publish = allowed(user, "publish", kind, rec, public_kind=public_kind)
        assert page.locator('[data-action="update"]').count() == int(may_update), (kind, "update")
        assert page.locator('[data-action="withdraw"], [data-action="publish"]').count() == int(
            may_publish
        ), (
            kind,
            "publish",
        )
        checked += 1
    assert checked >= len(KINDS) - 4  # every kind but the restricted ones is readable by all roles


@pytest.fixture(scope="module")
def in_review(server, walk):
    """For each reviewed kind, a draft and a record awaiting review of the walk's member organisation."""
    users, records = walk
    member_org = records["sites"].organisation_id
    made = {}
    with Session(server.engine) as session:
        refs = {"project_id": records["projects"].id, "site_id": records["sites"].id}
        for kind in review.REVIEWABLE:
            for state in ("draft", "submitted"):
                payload = sample(kind, refs) | {"organisation_id": member_org, "published": False}
                record_id = service.create(session, kind, payload, service.SYSTEM).id
                if state == "submitted":
                    session.add(
                        ReviewState(
                            kind=kind,
                            record_id=record_id,
                            organisation_id=member_org,
                            state="submitted",
                            comment="",
                        )
                    )
                    session.commit()
                made[kind, state] = SimpleNamespace(id=record_id, organisation_id=member_org, published=False)
    return made


@pytest.mark.parametrize("role", ROLES)
def test_every_reviewed_kind_shows_submit_approve_and_return_to_whom_the_api_allows(
    page, server, walk, in_review, role
):
    """Submit for review: who may change the record and may not publish it; approve and return: the
    deciders of the kind (assessments: the STC and the Secretariat; else the Secretariat), on a record
    awaiting review. The rules are the API's own (permissions.allowed, review.deciders)."""
    users, _ = walk
    account, user = users[role]
    use(page, server, account)
    checked = 0
    for (kind, state), rec in in_review.items():
        public_kind = not KINDS[kind].restricted
        if not allowed(user, "read", kind, rec, public_kind=public_kind):
            continue
        open_records(page, server, f"kind={kind}&id={rec.id}")
        may_submit = allowed(user, "update", kind, rec, public_kind=public_kind) and not allowed(
            user, "publish", kind, rec, public_kind=public_kind
        )
        decides = user is not None and Role(role) in review.deciders(kind)
        assert page.locator("#rec-review").get_attribute("data-state") == (
            state
            if decides or may_submit or allowed(user, "update", kind, rec, public_kind=public_kind)
            else "unpublished"
        ), (kind, state)
        assert page.locator('[data-action="submit"]').count() == int(may_submit and state == "draft"), (
            kind,
            state,
        )
        for action in ("approve", "return"):
            assert page.locator(f'[data-action="{action}"]').count() == int(
                decides and state == "submitted"
            ), (
                kind,
                state,
                action,
            )
        checked += 1
    expected = {"public": 0, "partner": 0}.get(role, 2 * len(review.REVIEWABLE))
    assert checked == expected


# ---------------------------------------------------------------- a member's records, published


def count_observations(server, site_id: int) -> int:
    with Session(server.engine) as session:
        return session.scalar(
            select(func.count()).select_from(Observation).join(Layer).where(Layer.site_id == site_id)
        )


def observation_ids(server, site_id: int) -> list[int]:
    with Session(server.engine) as session:
        return list(
            session.scalars(
                select(Observation.id).join(Layer).where(Layer.site_id == site_id).order_by(Observation.id)
            )
        )


def fill(page, values: dict):
    for field, value in values.items():
        control = page.locator(f"#rec-{field}")
        if control.evaluate("(c) => c.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def submit(page):
    page.locator("form.record-form button[type=submit]").click()


def confirm(page):
    page.locator("dialog.confirm-dialog button[value=yes]").click()


def test_a_member_adds_a_site_a_project_and_observations_submits_them_the_secretariat_approves_the_public_sees_them(
    browser, server, tmp_path
):
    org = organisation(server, "Journey organisation")
    member, _ = account_in(server, "member", org)
    secretariat, _ = account_in(server, "secretariat", None)
    name = f"Journey site {secrets.token_hex(3)}"
    contexts = []

    def new_page(viewport=LAPTOP):
        context = browser.new_context(viewport=viewport, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
        return tab

    try:
        page = new_page()
        use(page, server, member)
        open_records(page, server, "kind=sites&view=new")
        fill(page, {"name": name, "country_iso3": "FRA", "land_use": "cropland"})
        picker = page.locator(".map-picker")
        picker.scroll_into_view_if_needed()
        box = picker.bounding_box()
        picker.click(position={"x": box["width"] * 0.52, "y": box["height"] * 0.35})
        lon, lat = (float(page.locator(f"#rec-{f}").input_value()) for f in ("lon", "lat"))
        shot(page, "forms-site-new-en")
        submit(page)
        site_id = current_id(page)
        wait_ready(page)
        stored = record(server, "sites", site_id)
        assert (stored["name"], stored["lon"], stored["lat"], stored["published"]) == (name, lon, lat, False)

        open_records(page, server, "kind=projects&view=new")
        project = f"Journey project {secrets.token_hex(3)}"
        fill(page, {"name": project, "country_iso3": "FRA", "area_ha": "1,250.5", "stage": "proposed"})
        fill(page, {"lon": "2.35", "lat": "48.85", "practices": "cover crops\nno-till"})
        submit(page)
        project_id = current_id(page)
        stored = record(server, "projects", project_id)
        assert (stored["area_ha"], stored["practices"]) == (1250.5, ["cover crops", "no-till"])

        header = "site_id,upper_cm,lower_cm,property,value,unit,uncertainty\n"
        bad = (
            header
            + f"{site_id},0,30,soc,1.8,%,0.1\n{site_id},30,60,soc,180,%,0.1\n{site_id},0,30,bulk_density,1.3,g/cm3,0.05\n"
        )
        page_file = tmp_path / "observations.csv"
        page_file.write_text(bad)
        open_records(page, server, "kind=observations")
        page.locator("#rec-upload-file").set_input_files(str(page_file))
        page.locator("#rec-upload button[type=submit]").click()
        errors = page.locator("#rec-upload-errors tbody tr")
        errors.first.wait_for()
        assert errors.count() == 1
        assert errors.first.locator("td").first.inner_text() == "3"  # the file's line 3
        assert "180 % is outside [0, 100] %" in errors.first.inner_text()
        shot(page, "forms-observations-csv-errors-en")
        assert count_observations(server, site_id) == 0, "nothing stored from a file with a bad row"

        page_file.write_text(bad.replace(",180,", ",1.2,"))
        page.locator("#rec-upload-file").set_input_files(str(page_file))
        page.locator("#rec-upload button[type=submit]").click()
        page.get_by_text("3 observations stored.").wait_for()
        assert count_observations(server, site_id) == 3
        page.locator('[data-action="submit-upload"]').click()
        page.get_by_text("3 observations submitted for review.").wait_for()

        for kind, record_id in (("sites", site_id), ("projects", project_id)):
            open_records(page, server, f"kind={kind}&id={record_id}")
            assert page.locator("#rec-review").get_attribute("data-state") == "draft"
            page.locator('[data-action="submit"]').click()
            confirm(page)
            page.locator('#rec-review[data-state="submitted"]').wait_for()
            assert page.locator('[data-action="submit"]').count() == 0
            assert record(server, kind, record_id)["published"] is False
        shot(page, "forms-submitted-en")

        office = new_page()
        use(office, server, secretariat)
        # the Secretariat returns the project from its page, with a comment; the member sees it, resubmits
        open_records(office, server, f"kind=projects&id={project_id}")
        assert office.locator('[data-action="approve"]').count() == 1
        office.locator('[data-action="return"]').click()
        office.locator("#rec-dialog-text").fill("Give the start year of the practices.")
        shot(office, "forms-record-return-en", full_page=False)
        office.locator('dialog.confirm-dialog button[value="yes"]').click()
        office.locator('#rec-review[data-state="returned"]').wait_for()
        assert office.locator('[data-action="approve"]').count() == 0
        open_records(page, server, f"kind=projects&id={project_id}")
        assert "Give the start year of the practices." in page.locator("#rec-review").inner_text()
        page.locator('[data-action="submit"]').click()
        confirm(page)
        page.locator('#rec-review[data-state="submitted"]').wait_for()

        office.goto(f"{server.url}/#/review")
        office.wait_for_selector('main .page[data-page="review"][data-state="ready"]')
        mine = office.locator(f'.review-item[data-record="sites/{site_id}"]')
        mine.wait_for()
        assert name in mine.inner_text()
        shot(office, "forms-review-queue-en")
        observations = observation_ids(server, site_id)
        for kind, record_id in [("sites", site_id), ("projects", project_id)] + [
            ("observations", i) for i in observations
        ]:
            item = office.locator(f'.review-item[data-record="{kind}/{record_id}"]')
            item.locator('[data-action="approve"]').click()
            office.locator('dialog.confirm-dialog button[value="yes"]').click()
            item.wait_for(state="detached")
            assert record(server, kind, record_id)["published"] is True
        open_records(office, server, f"kind=sites&id={site_id}&view=history")
        history = office.locator("#rec-history li").all_inner_texts()
        assert [h.split(" — ")[1].split(" (")[0].split(" by ")[0] for h in history] == [
            "created",
            "submitted for review",
            "approved",
            "publication changed",
        ], history
        assert member.email in history[0] and "Published" in history[3]

        # signed out: the public map, the registries and the indicator show what was approved
        public = new_page()
        use(public, server, None)
        open_records(public, server, f"kind=sites&q={name.split()[-1]}")
        assert public.locator("#rec-list tbody tr").all_inner_texts()[0].startswith(f"{site_id}\t{name}")
        geojson = public.locator('.export[data-format="geojson"]').get_attribute("data-url")
        assert geojson.startswith("/api/sites/export.geojson?") and f"q={name.split()[-1]}" in geojson
        public.goto(f"{server.url}/#/registries?tab=projects&q={project.split()[-1]}")
        public.wait_for_selector('main .page[data-page="registries"][data-state="ready"]')
        public.locator("#reg-list").get_by_text(project).wait_for()
        public.goto(f"{server.url}/#/monitoring")
        public.wait_for_selector('main .page[data-page="monitoring"][data-state="ready"]')
        marker = public.locator(f".measured-site-{site_id}")
        marker.wait_for()
        marker.hover()
        public.get_by_text(re.compile(rf"{re.escape(name)} \(.*t C/ha")).wait_for()
        shot(public, "forms-public-map-en", full_page=False)
        public.goto(f"{server.url}/#/progress")
        public.wait_for_selector('main .page[data-page="progress"][data-state="ready"]')
        indicator = public.locator('.kpi-indicator[data-indicator="countries_with_monitoring_data"]')
        indicator.locator("details.kpi-records summary").click()
        indicator.locator(".kpi-records-list").get_by_text(name).wait_for()

        # a change to the published site waits for review; the public still reads the published one
        open_records(page, server, f"kind=sites&id={site_id}&view=edit")
        page.locator("#rec-edit-review").wait_for()
        page.locator("#rec-description").fill("Maize since 1990")
        submit(page)
        page.locator('#rec-review[data-state="pending"]').wait_for()
        assert "Maize since 1990" in page.locator("#rec-proposed").inner_text()
        shot(page, "forms-pending-change-en")
        assert record(server, "sites", site_id)["description"] == ""
        open_records(public, server, f"kind=sites&id={site_id}")
        assert public.locator("#rec-proposed").count() == 0 and "Maize" not in public.inner_text("main")

        for lang, words in (("fr", "Soumettre à la relecture"), ("es", "Enviar a revisión")):
            use(page, server, member, lang)
            open_records(page, server, "kind=sites&view=new")
            shot(page, f"forms-site-new-{lang}")
            open_records(page, server, f"kind=sites&id={site_id}")
            assert page.locator('[data-action="submit"]').inner_text() == words
            shot(page, f"forms-pending-change-{lang}")
        phone = new_page(PHONE)
        use(phone, server, member, "fr")
        open_records(phone, server, "kind=projects&view=new")
        shot(phone, "forms-project-new-fr-390px")
        open_records(phone, server, f"kind=projects&id={project_id}")
        shot(phone, "forms-project-detail-fr-390px")
        open_records(phone, server, f"kind=sites&id={site_id}")
        button = phone.locator('[data-action="submit"]').bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= PHONE["width"], (
            "the control fits the phone"
        )
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(phone, "forms-pending-change-fr-390px")
    finally:
        for context in contexts:
            context.close()


# ---------------------------------------------------------------- a stale edit


def test_two_pages_edit_one_record_the_second_save_shows_the_conflict_and_can_reapply(
    browser, page, server, page_errors
):
    org = organisation(server, "Conflict organisation")
    member, _ = account_in(server, "member", org)
    with Session(server.engine) as session:
        made = service.create(
            session, "sites", sample("sites", {}) | {"organisation_id": org}, service.SYSTEM
        )
        site_id = made.id
    page_errors.allow(rf"/api/sites/{site_id}$")
    other = browser.new_context(viewport=LAPTOP, locale="en-GB")
    try:
        second = other.new_page()
        for tab in (page, second):
            use(tab, server, member)
            open_records(tab, server, f"kind=sites&id={site_id}&view=edit")
        page.locator("#rec-description").fill("Changed on the first page")
        submit(page)
        current_id(page)
        page.wait_for_url(re.compile(r"^(?!.*view=edit)"))

        second.locator("#rec-name").fill("Renamed on the second page")
        submit(second)
        conflict = second.locator("#rec-conflict")
        conflict.wait_for()
        assert "version 2" in conflict.inner_text()
        rows = conflict.locator("tbody tr")
        assert rows.count() == 1 and "Description" in rows.first.inner_text()
        assert "Changed on the first page" in rows.first.inner_text()
        assert second.locator("#rec-name").input_value() == "Renamed on the second page", "nothing typed lost"
        shot(second, "forms-conflict-en")
        second.locator('[data-action="reapply"]').click()
        second.wait_for_url(re.compile(r"^(?!.*view=edit)"))
        stored = record(server, "sites", site_id)
        assert (stored["name"], stored["description"], stored["version"]) == (
            "Renamed on the second page",
            "Changed on the first page",
            3,
        )
    finally:
        other.close()


# ---------------------------------------------------------------- numbers in French


def test_numbers_typed_in_french_are_read_in_french_and_errors_name_the_fields_in_french(
    page, server, page_errors
):
    org = organisation(server, "Organisation française")
    member, _ = account_in(server, "member", org)
    page_errors.allow(r"/api/projects$")
    use(page, server, member, "fr")
    open_records(page, server, "kind=projects&view=new")
    name = f"Projet {secrets.token_hex(3)}"
    fill(page, {"name": name, "country_iso3": "fra", "area_ha": "4x5", "stage": "proposed"})
    fill(page, {"lon": "2,35", "lat": "48,85"})
    submit(page)
    area = page.locator("#rec-area_ha")
    assert area.evaluate("(c) => c === document.activeElement"), "the first bad field gets the focus"
    assert area.get_attribute("aria-invalid") == "true"
    assert "pas un nombre" in page.locator("#rec-area_ha-error").inner_text()
    assert "Surface (ha)" in page.locator(".form-errors").inner_text()

    area.fill("45,5")
    submit(page)
    country = page.locator("#rec-country_iso3")
    page.locator("#rec-country_iso3-error").wait_for()
    assert country.evaluate("(c) => c === document.activeElement")
    summary = page.locator(".form-errors").inner_text()
    assert "Pays (ISO 3166 alpha-3) : pas sous la forme attendue" in summary.replace(": ", " : ", 1)
    assert "country_iso3" not in summary
    assert (area.input_value(), page.locator("#rec-lon").input_value()) == ("45,5", "2,35"), "nothing lost"
    shot(page, "forms-errors-fr")

    country.fill("FRA")
    submit(page)
    project_id = current_id(page)
    stored = record(server, "projects", project_id)
    assert (stored["area_ha"], stored["lon"], stored["lat"]) == (45.5, 2.35, 48.85)


def test_the_toolkit_reads_numbers_in_the_page_language(page, server):
    """A number typed «45,5» in French reaches the calculator as 45.5 (a browser number input read it by the
    browser's locale: 455 in English)."""
    page.goto(f"{server.url}/#/toolkit?calc=rothc")
    page.wait_for_selector('main .page[data-page="toolkit"][data-state="ready"]')  # done storing its language
    page.evaluate("localStorage.setItem('permille.lang', 'fr')")
    page.reload()
    page.wait_for_function("() => document.documentElement.lang === 'fr'")
    page.wait_for_selector('main .page[data-page="toolkit"][data-state="ready"]')
    page.wait_for_load_state("networkidle")
    page.locator('[data-action="example"]').click()
    page.wait_for_function("() => document.querySelector('#tk-clay_pct').value !== ''")
    shown = page.eval_on_selector_all("input[inputmode=decimal]", "(inputs) => inputs.map((i) => i.value)")
    assert any("," in value for value in shown) and not any("." in value for value in shown), shown
    page.fill("#tk-clay_pct", "45,5")
    with page.expect_response(lambda r: r.url.endswith("/api/toolkit/rothc"), timeout=120_000) as answer:
        page.locator('[data-action="run"]').click()
    assert answer.value.request.post_data_json["clay_pct"] == 45.5
    assert answer.value.ok


PARSED = [  # (text, language, value or None for an error)
    ("45,5", "fr", 45.5),
    ("45,5", "es", 45.5),
    ("45.5", "fr", 45.5),
    ("1 234,5", "fr", 1234.5),
    ("1\u202f234,5", "fr", 1234.5),
    ("1.234,5", "es", 1234.5),
    ("\u22122,35", "fr", -2.35),
    ("1e3", "fr", 1000),
    ("12.345", "es", None),  # thousands or decimals? refused rather than guessed
    ("45,5", "en", None),  # never 455
    ("1,234.5", "en", 1234.5),
    ("45.5", "en", 45.5),
    ("4x5", "fr", None),
    ("1,2,3", "fr", None),
    (",", "fr", None),
    ("", "fr", "empty"),
]


def test_numbers_are_parsed_in_the_page_language(page, server):
    page.goto(f"{server.url}/#/records")
    wait_ready(page)
    answers = page.evaluate(
        """async (cases) => {
            const { parseNumber, formatNumber } = await import('/js/forms.js');
            return { parsed: cases.map(([text, lang]) => parseNumber(text, lang)),
                     shown: [formatNumber(45.5, 'fr'), formatNumber(45.5, 'es'), formatNumber(45.5, 'en')] };
        }""",
        PARSED,
    )
    for (text, lang, expected), got in zip(PARSED, answers["parsed"], strict=True):
        if expected is None:
            assert "error" in got, (text, lang, got)
        elif expected == "empty":
            assert got == {"value": None}
        else:
            assert got == {"value": expected}, (text, lang, got)
    assert answers["shown"] == ["45,5", "45,5", "45.5"]
