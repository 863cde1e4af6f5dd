"""Browser journeys of the workflows (Playwright on Debian's Chromium) with a real SMTP server (aiosmtpd):
a whole call for projects (the Secretariat opens it, a member submits, a reviewer of the applicant's
organisation is refused, two STC reviewers score, the applicant sees the STC's feedback, the Secretariat
selects and the applicant is told by e-mail); an anonymous question answered by the region's expert,
published as an FAQ entry and found in French. Screenshots in docs/img/."""

import datetime
import re
import time

import httpx
import pytest
from sqlalchemy.orm import Session

from permille.registry.accounts import hash_password
from permille.registry.orm import Organisation, User
from permille.registry.schemas import Criterion
from tests.browser.conftest import ready, shot, sign_in, sign_out
from tests.mailserver import text_of

pytestmark = pytest.mark.mail  # the server sends its e-mail to the module's SMTP server (conftest)
PASSWORD = "copper heron lagoon sketchbook"
URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def people(server):
    """Signed-in users: a member and an STC member of "Sols Vivants Sénégal", two other STC members, an
    expert partner of the Africa helpdesk and the Secretariat (password :data:`PASSWORD`)."""
    with Session(server.engine) as session:
        org = Organisation(name="Sols Vivants Sénégal", membership="member", org_type="ngo", region="Africa")
        partner = Organisation(
            name="Réseau Sahel Sols", membership="partner", org_type="research", region="Africa"
        )
        session.add_all([org, partner])
        session.flush()
        rows = {}
        for key, role, org_id, name in (
            ("applicant", "member", org.id, "Awa Ndiaye"),
            ("colleague", "stc", org.id, "Moussa Diop"),
            ("stc_a", "stc", None, "Claire Chenu"),
            ("stc_b", "stc", None, "Rattan Lal"),
            ("expert", "partner", partner.id, "Fatou Sarr"),
            ("secretariat", "secretariat", None, "Secretariat"),
        ):
            rows[key] = User(email=f"{key}@wf.example.org", name=name, role=role, organisation_id=org_id,
                             password_hash=hash_password(PASSWORD), active=True)  # fmt: skip
            session.add(rows[key])
        session.commit()
        return {k: {"id": u.id, "email": u.email} for k, u in rows.items()}


def api(server, email: str) -> httpx.Client:
    token = httpx.post(f"{server.url}/api/auth/token", json={"email": email, "password": PASSWORD})
    return httpx.Client(
        base_url=f"{server.url}/api", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )


def wait_until(page, condition, timeout_s: float = 60.0) -> None:
    """Let the page run (its routes are answered while it waits) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the page made no such request"
        page.wait_for_timeout(20)


def goto(page, server, hash_: str, name: str) -> None:
    page.goto(f"{server.url}/{hash_}")
    ready(page, name)


def test_a_whole_call_in_the_pages(page, server, mailserver, people, page_errors):
    page_errors.allow(r"/api/call-applications/\d+/assign$")  # the conflicting reviewer, refused on purpose
    page.goto(f"{server.url}/#/calls")
    ready(page, "calls")
    sign_in(page, people["secretariat"]["email"], PASSWORD)
    ready(page, "calls")
    now = datetime.datetime.now()
    local = lambda d: (now + datetime.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    page.fill('[name="title"]', "Call for projects 2027")
    page.fill('[name="opens_at"]', local(-1))
    page.fill('[name="closes_at"]', local(30))
    page.fill('[name="review_by"]', local(60))
    page.check('[data-region="Africa"]')
    page.click('main button[type="submit"]')
    page.wait_for_selector("main h1:has-text('Call for projects 2027')")
    call_id = re.search(r"call=(\d+)", page.url).group(1)
    sign_out(page)

    applicant = api(server, people["applicant"]["email"])
    project = {"name": "Agroforestry parklands of Kaffrine", "country_iso3": "SEN", "lon": -15.5, "lat": 14.1,
               "area_ha": 250.0, "stage": "proposed"}  # fmt: skip
    assert applicant.post("/projects", json=project).status_code == 201
    sign_in(page, people["applicant"]["email"], PASSWORD)
    goto(page, server, f"#/calls?call={call_id}", "calls")
    page.fill('[name="summary"]', "Faidherbia albida parklands on 250 ha of millet and groundnut.")
    page.click('main button[type="submit"]')
    page.wait_for_selector("main h1:has-text('Agroforestry parklands')")
    ready(page, "calls")
    page.click('main button[data-action="submit"]')
    page.wait_for_selector('main h1 [data-state="submitted"]')
    application_id = re.search(r"application=(\d+)", page.url).group(1)
    sign_out(page)

    sign_in(page, people["secretariat"]["email"], PASSWORD)
    goto(page, server, f"#/calls?application={application_id}", "calls")
    for key in ("colleague", "stc_a"):
        page.select_option('[name="reviewer_id"]', str(people[key]["id"]))
        page.click("main form button[type='submit']")
        if key == "colleague":
            page.wait_for_selector("main p.error:has-text('conflict of interest')")
        else:
            page.wait_for_selector(f'main li[data-reviewer="{people[key]["id"]}"]')
    assert page.locator("main ul.conflicts li").count() == 1
    # Two actions in a row, the page drawn again after the first still waiting for its discussion when the
    # second is taken: only the last drawing is shown, whole (once, two discussions appeared, one on top).
    held = []
    page.route("**/api/comments/call-applications/**", lambda route: held.append(route))
    page.select_option('[name="reviewer_id"]', str(people["stc_b"]["id"]))
    page.click("main form button[type='submit']")
    wait_until(page, lambda: len(held) == 1)
    page.click('main button[data-action="start_review"]')
    wait_until(page, lambda: len(held) == 2)
    finished = []
    page.on("requestfinished", lambda request: finished.append(request.url))
    held[0].continue_()  # the first drawing ends first, then the second
    wait_until(page, lambda: any("/api/comments/" in url for url in finished))
    held[1].continue_()
    wait_until(page, lambda: sum("/api/comments/" in url for url in finished) == 2)
    page.unroute("**/api/comments/call-applications/**")
    page.wait_for_selector('main h1 [data-state="under_review"]')
    page.wait_for_selector(f'main li[data-reviewer="{people["stc_b"]["id"]}"]')
    assert page.locator("main h1").count() == 1
    assert page.locator("main section[data-thread]").count() == 1
    assert page.locator("main section[data-library]").count() == 1
    assert page.locator("main p.notice").all_inner_texts() == ["Done: Start the review."]
    shot(page, "workflows-call-secretariat")
    sign_out(page)
    assert "Agroforestry parklands" in mailserver.wait_for(people["stc_a"]["email"])[0]["Subject"]

    sign_in(page, people["stc_a"]["email"], PASSWORD)
    goto(page, server, f"#/calls?application={application_id}", "calls")
    for n, criterion in enumerate(Criterion):
        page.fill(f'[name="score_{criterion.value}"]', str(3 + n % 3))
        page.fill(
            f'[name="comment_{criterion.value}"]', f"{criterion.value} assessed on the project document"
        )
    page.fill('main [name="comment"]', "Strong soil carbon case; the monitoring plan is thin.")
    shot(page, "workflows-call-reviewer")
    page.click("main form button[type='submit']")
    page.wait_for_selector("main p.notice")
    sign_out(page)
    second = api(server, people["stc_b"]["email"])
    scores = {c.value: {"score": 2, "comment": "needs baseline sampling"} for c in Criterion}
    path = f"/call-applications/{application_id}"
    assert (
        second.post(
            f"{path}/score", json={"scores": scores, "comment": "Sample the baseline first."}
        ).status_code
        == 200
    )
    assert second.post(f"{path}/recommend").json()["state"] == "recommended"

    sign_in(page, people["applicant"]["email"], PASSWORD)
    goto(page, server, f"#/calls?application={application_id}", "calls")
    page.wait_for_selector("main section.recommendation")
    assert "Sample the baseline first." in page.inner_text("main section.recommendation")
    assert page.locator("main ul.reviews").count() == 0  # who scored what stays with the STC
    page.fill('main section[data-thread] [name="text"]', "Thank you: we will sample the baseline this May.")
    page.click("main section[data-thread] button[type='submit']")
    page.wait_for_selector("main section[data-thread] li:has-text('sample the baseline this May')")
    shot(page, "workflows-call-applicant-feedback")
    sign_out(page)

    sign_in(page, people["secretariat"]["email"], PASSWORD)
    goto(page, server, f"#/calls?application={application_id}", "calls")
    page.fill('main form[data-decision="select"] [name="reason"]', "A strong, measurable SOC case.")
    page.click('main form[data-decision="select"] button[type="submit"]')
    page.wait_for_selector('main h1 [data-state="selected"]')
    shot(page, "workflows-call-selected")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "workflows-call-phone")
    page.set_viewport_size({"width": 1366, "height": 800})
    decision = mailserver.wait_for(people["applicant"]["email"])[0]
    assert "is selected" in decision["Subject"] and "A strong, measurable SOC case." in text_of(decision)
    sign_out(page)


def test_an_anonymous_question_answered_in_the_pages(page, server, mailserver, people, page_errors):
    secretariat = api(server, people["secretariat"]["email"])
    assert (
        secretariat.put(
            f"/helpdesks/experts/{people['expert']['id']}", json={"regions": ["Africa"]}
        ).status_code
        == 200
    )
    page.goto(f"{server.url}/#/helpdesk")
    ready(page, "helpdesk")
    page.locator("main section.ask").locator('[name="region"]').select_option("Africa")
    page.fill('main section.ask [name="country_iso3"]', "SEN")
    page.locator("main section.ask").locator('[name="topic"]').select_option("practices")
    page.locator("main section.ask").locator('[name="language"]').select_option("fr")
    page.fill('main section.ask [name="subject"]', "Plantes de couverture au Sahel")
    page.fill('main section.ask [name="question"]', "Quelles plantes de couverture semer avant le mil ?")
    page.fill('main section.ask [name="email"]', "paysan@example.org")
    shot(page, "workflows-helpdesk-ask")
    page.click("main section.ask button[type='submit']")
    page.wait_for_selector("main p.notice:has-text('paysan@example.org')")
    received = mailserver.wait_for("paysan@example.org")[0]
    link = URL.findall(text_of(received))[0]
    assert link.startswith(f"{server.url}/#/helpdesk?question=")
    assert mailserver.wait_for(people["expert"]["email"])  # the region's expert is told

    question_hash = link.split("/", 3)[3]
    sign_in(page, people["expert"]["email"], PASSWORD)
    goto(page, server, question_hash.split("&token")[0], "helpdesk")
    page.click('main button[data-action="take"]')
    page.wait_for_selector('main h1 [data-state="assigned"]')
    page.fill('main [name="text"]', "Le niébé et la crotalaire, semés aux premières pluies.")
    page.click("main form button[type='submit']")
    page.wait_for_selector('main h1 [data-state="answered"]')
    about = page.locator("main h1 + p.muted").inner_text()  # the question's language and country by name
    assert "Africa (Senegal) · Practices · French · paysan@example.org" in about, about
    shot(page, "workflows-helpdesk-expert")
    answered = mailserver.wait_for("paysan@example.org", 2)[1]
    assert "crotalaire" in text_of(answered)
    page.click("main details.propose-faq summary")
    page.locator("main details.propose-faq").locator('[name="question"]').fill(
        "Quelles plantes de couverture au Sahel ?"
    )
    page.locator("main details.propose-faq").locator("button[type='submit']").click()
    # this step's notice (the answer's is still shown while the proposal is sent): the page is rendered
    page.wait_for_selector("main p.notice:has-text('Propose as FAQ entry')")
    sign_out(page)

    page.goto(link)  # the asker, anonymous, with the link of the first e-mail
    ready(page, "helpdesk")
    page.wait_for_selector("main li.message-expert:has-text('crotalaire')")
    assert page.locator("main form").count() == 0 or page.locator('main [data-action="close"]').count() == 1
    shot(page, "workflows-helpdesk-asker")

    sign_in(page, people["secretariat"]["email"], PASSWORD)
    goto(page, server, "#/helpdesk", "helpdesk")
    page.locator("main section.faq-review button", has_text="Publish").click()
    page.wait_for_selector("main .faq-results article:has-text('crotalaire')")  # published: in the FAQ
    assert page.locator("main section.faq-review [data-faq]").count() == 0
    sign_out(page)
    goto(page, server, "#/helpdesk", "helpdesk")
    page.fill('main section.faq [name="q"]', "COUVERTURE")
    page.locator("main section.faq").locator('[name="language"]').select_option("fr")
    page.click("main section.faq button[type='submit']")
    page.wait_for_selector("main .faq-results article:has-text('crotalaire')")
    shot(page, "workflows-helpdesk-faq")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "workflows-helpdesk-phone")
