"""Browser journeys of documents and working groups (Playwright on Debian's Chromium): a member attaches a
PDF to an unpublished project, a file whose bytes are not an accepted type is refused whatever its name,
the document downloads for its organisation and not for another organisation or the public; the member
comments in the project's thread. The Secretariat creates a working group and adds a member, who uploads
the minutes and comments in French on a 390 px phone; the public sees the group, not its library.
Screenshots in docs/img/."""

import io
from pathlib import Path

import httpx
import pytest
from pypdf import PdfWriter
from sqlalchemy.orm import Session

from permille.registry.accounts import hash_password
from permille.registry.orm import Organisation, User
from tests.browser.conftest import IMAGES, _serve, choose_language

PASSWORD = "copper heron lagoon sketchbook"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeded_database):
    yield from _serve(tmp_path_factory, seeded_database())


@pytest.fixture(scope="module")
def people(server):
    """A member of "Sols Vivants Sénégal", a member of another organisation, a partner and the Secretariat."""
    with Session(server.engine) as session:
        mine = Organisation(name="Sols Vivants Sénégal", membership="member", org_type="ngo", region="Africa")
        other = Organisation(name="Terres du Sahel", membership="member", org_type="ngo", region="Africa")
        session.add_all([mine, other])
        session.flush()
        rows = {}
        for key, role, org_id, name in (
            ("awa", "member", mine.id, "Awa Ndiaye"),
            ("other", "member", other.id, "Ibrahima Fall"),
            ("fatou", "partner", other.id, "Fatou Sarr"),
            ("secretariat", "secretariat", None, "Secretariat"),
        ):
            rows[key] = User(email=f"{key}@docs.example.org", name=name, role=role, organisation_id=org_id,
                             password_hash=hash_password(PASSWORD), active=True)  # fmt: skip
            session.add(rows[key])
        session.commit()
        return {k: {"id": u.id, "email": u.email} for k, u in rows.items()}


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=300, height=300)
    writer.add_metadata({"/Title": "Baseline soil survey"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def shot(page, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)


def ready(page, name: str) -> None:
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]')


def sign_in(page, email: str) -> None:
    page.click("#signin-button")
    page.fill("#signin-email", email)
    page.fill("#signin-password", PASSWORD)
    page.click('#signin-form button[type="submit"]')
    page.wait_for_selector("#user-name:not([hidden])")


def api(server, email: str | None) -> httpx.Client:
    headers = {}
    if email:
        token = httpx.post(f"{server.url}/api/auth/token", json={"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return httpx.Client(base_url=f"{server.url}/api", headers=headers)


def test_a_document_on_an_unpublished_project(page, server, people, page_errors, tmp_path):
    page_errors.allow(r"/api/documents/projects/\d+\?name=")  # the disguised file, refused on purpose
    project = api(server, people["awa"]["email"]).post("/projects", json={
        "name": "Agroforestry parklands of Kaffrine", "country_iso3": "SEN", "lon": -15.5, "lat": 14.1,
        "area_ha": 250.0, "stage": "proposed"}).json()  # fmt: skip
    assert project["published"] is False
    page.goto(f"{server.url}/#/records?kind=projects")
    ready(page, "records")
    sign_in(page, people["awa"]["email"])
    page.goto(f"{server.url}/#/records?kind=projects&id={project['id']}")
    ready(page, "records")
    library = page.locator("section[data-library]")
    pdf = _pdf()
    library.locator('input[type="file"]').set_input_files(
        {"name": "Baseline soil survey.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    library.locator('button[type="submit"]').click()
    library.locator("li.document:has-text('Baseline soil survey.pdf')").wait_for()

    disguised = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    library.locator('input[type="file"]').set_input_files(
        {"name": "Annex.pdf", "mimeType": "application/pdf", "buffer": disguised}
    )
    library.locator('button[type="submit"]').click()
    error = library.locator(".form-error")
    error.wait_for()
    assert "judged from its content" in error.inner_text()
    assert library.locator("li.document").count() == 1

    thread = page.locator("section[data-thread]")
    thread.locator("textarea").fill("Survey done with the Kaffrine cooperative; the lab results follow.")
    thread.locator('button[type="submit"]').click()
    thread.locator("li[data-comment]:has-text('Kaffrine cooperative')").wait_for()

    with page.expect_download() as download:
        library.locator('[data-action="download"]').first.click()
    assert download.value.suggested_filename == "Baseline soil survey.pdf"
    assert Path(download.value.path()).read_bytes() == pdf
    shot(page, "documents-project")

    documents = api(server, people["awa"]["email"]).get(f"/documents/projects/{project['id']}").json()
    url = documents[0]["url"].removeprefix("/api")
    assert api(server, people["awa"]["email"]).get(url).content == pdf
    for outsider in (people["other"]["email"], None):  # another organisation, the public
        refused = api(server, outsider).get(url)
        assert refused.status_code == 404 and refused.content != pdf


def test_a_working_group_on_a_phone_in_french(browser, page, server, people, page_errors):
    page.goto(f"{server.url}/#/groups")
    sign_in(page, people["secretariat"]["email"])
    ready(page, "groups")
    page.fill('[name="name"]', "Groupe régional Afrique de l'Ouest")
    page.fill('[name="slug"]', "afrique-ouest")
    page.select_option('[name="group_type"]', "regional")
    page.select_option('[name="region"]', "Africa")
    page.fill('[name="description"]', "Sols des pays sahéliens : pratiques, suivi et projets.")
    page.click('main form button[type="submit"]')
    page.wait_for_selector("main h1:has-text('Afrique de l')")
    ready(page, "groups")
    group_id = page.url.split("id=")[1]
    page.click("details.add-member summary")
    page.fill('[name="user_id"]', str(people["fatou"]["id"]))
    page.select_option('[name="role"]', "chair")
    page.click('details.add-member button[type="submit"]')
    page.wait_for_selector(f'li[data-member="{people["fatou"]["id"]}"]')

    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    phone = context.new_page()
    for event, handler in (("pageerror", page_errors.on_page_error), ("response", page_errors.on_response),
                           ("console", page_errors.on_console)):  # fmt: skip
        phone.on(event, handler)
    try:
        phone.goto(f"{server.url}/#/groups?id={group_id}")
        ready(phone, "groups")
        choose_language(phone, "fr")
        ready(phone, "groups")
        assert phone.locator("main").inner_text().count("Les documents et la discussion de ce groupe") == 1
        assert phone.locator("li[data-member]").count() == 0  # the public sees no members
        sign_in(phone, people["fatou"]["email"])
        ready(phone, "groups")
        library = phone.locator("section[data-library]")
        assert library.locator("h2").inner_text() == "Documents"
        library.locator('input[type="file"]').set_input_files({"name": "participants.csv", "mimeType": "text/csv",
            "buffer": "nom;organisation\nAwa Ndiaye;Sols Vivants Sénégal\nFatou Sarr;Terres du Sahel\n".encode()})  # fmt: skip
        library.locator('button[type="submit"]').click()
        library.locator("li.document:has-text('participants.csv')").wait_for()
        thread = phone.locator("section[data-thread]")
        thread.locator("textarea").fill(
            "Réunion le 12 mars à Dakar : l'ordre du jour est dans les documents."
        )
        thread.locator('button[type="submit"]').click()
        thread.locator("li[data-comment]:has-text('Réunion le 12 mars')").wait_for()
        assert "Publier le commentaire" in thread.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing overflows
        shot(phone, "working-group-fr-390px")
    finally:
        context.close()

    other = api(server, people["other"]["email"])
    assert other.get(f"/working-groups/{group_id}").json()["members"][0]["name"] == "Fatou Sarr"
    assert other.get(f"/documents/working-groups/{group_id}").status_code == 403  # not a member
