"""The record pages and their forms in Chromium (js/forms.js, js/pages/records.js): every kind walked as each
role (a control for each write the role may do, none for the others); a member's site, project and CSV of
observations (one bad row refused, nothing stored) published by the Secretariat and then seen by the
public; a stale edit; numbers typed in French. Screenshots go to docs/img/ (the README's journeys)."""

import json
import re
import secrets
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from permille.registry import service
from permille.registry.kinds import KINDS
from permille.registry.orm import Layer, Observation, Organisation, User
from permille.registry.permissions import allowed
from tests.platform.test_api_permissions import sample

from .conftest import CHROMIUM_ARGS, LAPTOP, Account

ROLES = ("public", "member", "partner", "stc", "secretariat")
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PHONE = {"width": 390, "height": 844}


def organisation(server, name: str) -> int:
    with Session(server.engine) as session:
        org = Organisation(name=name, membership="member", org_type="research", country_iso3="FRA", website="")
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
    page.goto(f"{server.url}/#/records?{query}")
    wait_ready(page)


def shot(page, name: str, full_page: bool = True):
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
    member_org, partner_org = organisation(server, "Walk member org"), organisation(server, "Walk partner org")
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
        assert page.locator('[data-action="withdraw"], [data-action="publish"]').count() == int(may_publish), (
            kind,
            "publish",
        )
        checked += 1
    assert checked >= len(KINDS) - 4  # every kind but the restricted ones is readable by all roles
