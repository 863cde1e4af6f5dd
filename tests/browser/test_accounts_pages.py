"""Browser journeys of accounts (Playwright on Debian's Chromium) with a real SMTP server (aiosmtpd) in
the test process: (a) an organisation applies → the Secretariat approves → the invitation e-mail → set
a password → sign in; (c) forgotten password → the reset link → a new password → the old token is
refused; the member's review loop on "My organisation"; the pages at 390 px. Screenshots in docs/img/."""

import httpx
import pytest

from tests.browser.conftest import choose_language, ready, shot, sign_in, sign_out
from tests.mailserver import link_in

pytestmark = pytest.mark.mail  # the server sends its e-mail to the module's SMTP server (conftest)
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "copper heron lagoon sketchbook"


def test_apply_approve_invitation_sign_in(page, server, mailserver, page_errors):
    page_errors.allow(r"/api/applications$")  # the bad e-mail below, refused on purpose
    page_errors.allow(r"/api/me/tokens$")  # the profile hides its sessions where the server lists none
    contact = "kofi@terres-vivantes.example.org"
    page.goto(f"{server.url}/#/monitoring")
    page.click('.site-nav a[href="#/apply"]')  # the header offers it to visitors
    ready(page, "apply")
    page.fill('[name="organisation_name"]', "Terres Vivantes Ghana")
    page.select_option('[name="membership"]', "partner")
    page.select_option('[name="org_type"]', "farmers_organisation")
    page.select_option('[name="region"]', "Africa")
    page.fill('[name="country_iso3"]', "gha")
    page.fill('[name="contact_name"]', "Kofi Mensah")
    page.fill('[name="contact_email"]', "not an address")
    page.fill('[name="motivation"]', "Cooperatives of cocoa growers restoring soil organic matter.")
    page.click('main button[type="submit"]')
    # the server's 422 is shown next to the field, under its label, and the field gets the focus
    error = page.locator('[data-field="contact_email"] .field-error')
    error.wait_for()
    assert page.evaluate("document.activeElement.name") == "contact_email"
    assert page.input_value('[name="motivation"]').startswith("Cooperatives")  # nothing typed is lost
    page.fill('[name="contact_email"]', contact)
    page.click('main button[type="submit"]')
    page.wait_for_selector(f"main p.notice:has-text('{contact}')")
    shot(page, "accounts-apply")
    assert "Terres Vivantes Ghana" in mailserver.wait_for(contact)[0].get_body(("plain",)).get_content()

    secretariat = server.account("secretariat")
    sign_in(page, secretariat.email, secretariat.password)
    page.click('.site-nav a[href="#/review"]')
    ready(page, "review")
    card = page.locator("article[data-application]", has_text="Terres Vivantes Ghana")
    shot(page, "accounts-review-application")
    card.locator("button", has_text="Approve").click()
    page.click('dialog.confirm-dialog button[value="yes"]')
    page.wait_for_selector("main p.notice:has-text('Approved')")
    assert page.locator("article[data-application]", has_text="Terres Vivantes Ghana").count() == 0

    invitation = mailserver.wait_for(contact, 2)[1]
    assert invitation["Subject"] == "Your account on the «4 per 1000» platform"
    link = link_in(invitation)
    assert link.startswith(f"{server.url}/#/accept-invitation?token=")
    sign_out(page)
    page.goto(link)
    ready(page, "accept-invitation")
    page.wait_for_selector(f"main p:has-text('{contact}')")
    page.fill('[name="password"]', NEW_PASSWORD)
    page.fill('[name="confirm_password"]', NEW_PASSWORD + "!")
    page.click('main button[type="submit"]')
    page.locator('[data-field="confirm_password"] .field-error').wait_for()
    page.fill('[name="confirm_password"]', NEW_PASSWORD)
    shot(page, "accounts-invitation")
    page.click('main button[type="submit"]')
    page.wait_for_selector("main p.notice:has-text('password is set')")
    assert "token=" not in page.url  # the used link is kept out of the history
    page.click("main .actions button")  # "Sign in"
    page.fill("#signin-email", contact)
    page.fill("#signin-password", NEW_PASSWORD)
    page.click('#signin-form button[type="submit"]')
    page.wait_for_selector("#user-name:has-text('Kofi Mensah')")
    page.click('.site-nav a[href="#/my-organisation"]')
    ready(page, "my-organisation")
    page.wait_for_selector("main p.lead:has-text('Terres Vivantes Ghana')")
    assert page.locator('[data-group="members"] li', has_text=contact).count() == 1


def test_forgotten_password_reset_refuses_the_old_token(page, server, mailserver, page_errors):
    member = server.account("member")
    assert httpx.get(f"{server.url}/api/me", headers=member.headers).status_code == 200
    page.goto(f"{server.url}/#/monitoring")
    page.click("#signin-button")
    page.click("#signin-dialog a.forgot-link")
    ready(page, "forgot-password")
    page.fill('[name="email"]', member.email)
    page.click('main button[type="submit"]')
    page.wait_for_selector("main p.notice:has-text('valid 1 hour')")
    shot(page, "accounts-forgotten-password")

    link = link_in(mailserver.wait_for(member.email)[0])
    page.goto(link)
    ready(page, "reset-password")
    page.fill('[name="password"]', "password")
    page.fill('[name="confirm_password"]', "password")
    page_errors.allow(r"/api/password-reset/confirm$")
    page.click('main button[type="submit"]')
    page.locator('[data-field="password"] .field-error').wait_for()  # the policy, on its field
    page.fill('[name="password"]', NEW_PASSWORD)
    page.fill('[name="confirm_password"]', NEW_PASSWORD)
    page.click('main button[type="submit"]')
    page.wait_for_selector("main p.notice:has-text('every session')")
    shot(page, "accounts-reset-password")

    assert httpx.get(f"{server.url}/api/me", headers=member.headers).status_code == 401  # the old token
    page_errors.allow(r"/api/password-reset/")
    page.goto(link)  # the link is used up
    ready(page, "reset-password")
    page.wait_for_selector("main p.error:has-text('not valid')")
    sign_in(page, member.email, NEW_PASSWORD)


def test_pages_at_phone_width(browser, server, page_errors):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/#/apply")
        choose_language(page, "fr")
        ready(page, "apply")
        page.wait_for_selector("main h1:has-text('Demande d’adhésion')")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"
        shot(page, "accounts-apply-phone-fr")
    finally:
        context.close()


def member_of_new_organisation(server, name: str):
    """A member (the organisation's admin) of a new organisation, with a password and a token."""
    import secrets

    from sqlalchemy.orm import Session

    from permille.api.security import issue_token
    from permille.registry.accounts import hash_password
    from permille.registry.orm import Organisation, User
    from tests.browser.conftest import Account

    password = secrets.token_urlsafe(16)
    with Session(server.engine) as session:
        organisation = Organisation(name=name, membership="member", org_type="research", published=True)
        session.add(organisation)
        session.flush()
        user = User(
            email=f"admin-{secrets.token_hex(3)}@example.org",
            name=f"Admin of {name}",
            role="member",
            password_hash=hash_password(password),
            organisation_id=organisation.id,
            org_admin=True,
        )
        session.add(user)
        session.flush()
        token, _ = issue_token(session, user)
        session.commit()
        return Account(user.email, password, {"Authorization": f"Bearer {token}"})


def test_review_loop_users_and_outbox_pages(page, server, mailserver):
    member = member_of_new_organisation(server, "Sahel Soil Lab")
    site = httpx.post(
        f"{server.url}/api/sites",
        json={
            "name": "Niakhar long-term trial",
            "country_iso3": "SEN",
            "lon": -16.4,
            "lat": 14.5,
            "land_use": "cropland",
        },
        headers=member.headers,
    ).json()
    page.goto(f"{server.url}/#/monitoring")
    sign_in(page, member.email, member.password)
    page.click('.site-nav a[href="#/my-organisation"]')
    ready(page, "my-organisation")
    row = page.locator(f'[data-group="drafts"] tr[data-record="sites/{site["id"]}"]')
    assert row.locator("a").get_attribute("href") == f"#/records?kind=sites&id={site['id']}"  # opens it
    row.locator("button").click()
    page.wait_for_selector(f'[data-group="submitted"] tr[data-record="sites/{site["id"]}"]')
    sign_out(page)

    secretariat = server.account("secretariat")
    sign_in(page, secretariat.email, secretariat.password)
    page.click('.site-nav a[href="#/review"]')
    ready(page, "review")
    card = page.locator(f'article[data-record="sites/{site["id"]}"]')
    assert card.locator("table.changes th", has_text="name").count() == 1
    shot(page, "accounts-review-submission")
    card.locator("button", has_text="Return with a comment").click()
    page.fill("dialog.confirm-dialog textarea", "Add the year the trial started.")
    page.click('dialog.confirm-dialog button[value="yes"]')
    page.wait_for_selector("main p.notice:has-text('Returned')")
    told = mailserver.wait_for(member.email)[0]
    assert "Add the year the trial started." in told.get_body(("plain",)).get_content()

    page.click('.site-nav a[href="#/outbox"]')
    ready(page, "outbox")
    page.wait_for_selector(f"main td:has-text('{member.email}')")  # the queue: sent by SMTP
    shot(page, "accounts-outbox")
    page.click('.site-nav a[href="#/users"]')
    ready(page, "users")
    page.fill("#users-q", member.email)
    page.wait_for_selector("main p:has-text('Users found: 1')")
    shot(page, "accounts-users")
    sign_out(page)

    sign_in(page, member.email, member.password)
    page.click('.site-nav a[href="#/my-organisation"]')
    ready(page, "my-organisation")
    returned = page.locator(f'[data-group="returned"] tr[data-record="sites/{site["id"]}"]')
    assert "Add the year the trial started." in returned.inner_text()
    shot(page, "accounts-my-organisation")
    returned.locator("button").click()  # submit again
    page.wait_for_selector(f'[data-group="submitted"] tr[data-record="sites/{site["id"]}"]')
    assert httpx.get(f"{server.url}/api/sites/{site['id']}").status_code == 404  # not public yet
    approved = httpx.post(f"{server.url}/api/review/sites/{site['id']}/approve", headers=secretariat.headers)
    assert approved.status_code == 200
    assert httpx.get(f"{server.url}/api/sites/{site['id']}").json()["published"] is True
    sign_out(page)

    # the Secretariat deactivates the member, after a confirmation: the member's token stops working
    sign_in(page, secretariat.email, secretariat.password)
    page.goto(f"{server.url}/#/users?q={member.email}")
    ready(page, "users")
    user_row = page.locator(f'form.user-row[data-user="{member.email}"]')
    user_row.locator("button", has_text="Deactivate").click()
    page.click('dialog.confirm-dialog button[value="no"]')  # cancelled: nothing happens
    assert httpx.get(f"{server.url}/api/me", headers=member.headers).status_code == 200
    user_row.locator("button", has_text="Deactivate").click()
    page.click('dialog.confirm-dialog button[value="yes"]')
    page.wait_for_selector(f'form.user-row[data-user="{member.email}"] .status-bad')
    assert httpx.get(f"{server.url}/api/me", headers=member.headers).status_code == 401


def test_profile_name_and_password(page, server, page_errors):
    page_errors.allow(r"/api/me/tokens$")  # the sessions section is shown only where the server lists them
    page_errors.allow(r"/api/me/password$")  # the wrong current password below, refused on purpose
    member = member_of_new_organisation(server, "Profile Test Cooperative")
    page.goto(f"{server.url}/#/monitoring")
    sign_in(page, member.email, member.password)
    page.click('.site-nav a[href="#/profile"]')
    ready(page, "profile")
    page.fill('[name="name"]', "Fatou Sarr")
    page.select_option('[name="language"]', "fr")
    page.locator("form", has=page.locator('[name="name"]')).locator('button[type="submit"]').click()
    page.wait_for_selector("#user-name:has-text('Fatou Sarr')")
    assert httpx.get(f"{server.url}/api/me", headers=member.headers).json()["language"] == "fr"

    password_form = page.locator("form", has=page.locator('[name="current_password"]'))
    page.fill('[name="current_password"]', "not my password")
    page.fill('[name="new_password"]', NEW_PASSWORD)
    page.fill('[name="confirm_password"]', NEW_PASSWORD)
    password_form.locator('button[type="submit"]').click()
    page.locator('[data-field="current_password"] .field-error').wait_for()
    assert page.evaluate("document.activeElement.name") == "current_password"
    page.fill('[name="current_password"]', member.password)
    password_form.locator('button[type="submit"]').click()
    page.wait_for_selector("main p.notice:has-text('other sessions were signed out')")
    shot(page, "accounts-profile")
    assert httpx.get(f"{server.url}/api/me", headers=member.headers).status_code == 401  # the old token
    page.reload()  # this session carries on with the new token
    ready(page, "profile")
    assert page.input_value('[name="name"]') == "Fatou Sarr"
    sign_out(page)
    sign_in(page, member.email, NEW_PASSWORD)
