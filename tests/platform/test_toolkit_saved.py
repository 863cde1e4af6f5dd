"""Saved calculations (/api/toolkit/saved) on SQLite and PostgreSQL: save, list, reopen, rename, overwrite,
duplicate, delete; inputs checked by the calculator's schema (nothing stored when refused); bounds; sharing
with the organisation read-only, and refusal across organisations and to the public."""

import pytest
from sqlalchemy import func, select

from permille import __version__
from permille.api.security import issue_token
from permille.registry import permissions, saved_calculations
from permille.registry.orm import SavedCalculation

from .conftest import add_user

SAVED = "/api/toolkit/saved"


def colleague_of(engine, auth, role: str) -> dict[str, str]:
    """Headers of a second user of ``role``'s organisation."""
    from permille.registry.db import session_factory

    organisation_id = auth.organisation_id(role)
    with session_factory(engine)() as session:
        user = add_user(
            session, f"colleague-{role}@test.example.org", role, organisation_id, name="Colleague"
        )
        token, _ = issue_token(session, user)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def rothc(client) -> dict:
    return client.get("/api/toolkit/examples/rothc").json()


def save(client, headers, name="Hoosfield +20 %", inputs=None, **extra):
    body = {"name": name, "calculator": "rothc", "inputs": inputs, "summary": {"change_t_c_ha": 3.2}, **extra}
    return client.post(SAVED, json=body, headers=headers)


def count(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(SavedCalculation))


def test_save_list_reopen_rename_overwrite_duplicate_delete(client, auth, rothc, engine):
    member = auth("member")
    answer = save(client, member, inputs=rothc)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["software_version"] == __version__ and created["inputs"] == rothc and created["mine"]
    items = client.get(SAVED, headers=member).json()["items"]
    assert [i["name"] for i in items] == ["Hoosfield +20 %"] and "inputs" not in items[0]
    reopened = client.get(f"{SAVED}/{created['id']}", headers=member).json()
    assert reopened["inputs"] == rothc and reopened["summary"] == {"change_t_c_ha": 3.2}

    changed = {**rothc, "input_change_pct": 35.0}
    answer = client.patch(f"{SAVED}/{created['id']}", json={"name": "Hoosfield +35 %", "inputs": changed,
                                                            "summary": {"change_t_c_ha": 5.1}}, headers=member)  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["inputs"]["input_change_pct"] == 35.0 and answer.json()["name"] == "Hoosfield +35 %"

    copy = client.post(f"{SAVED}/{created['id']}/duplicate", headers=member)
    assert copy.status_code == 201 and copy.json()["name"] == "Hoosfield +35 % (copy)"
    again = client.post(f"{SAVED}/{created['id']}/duplicate", headers=member).json()
    assert again["name"] == "Hoosfield +35 % (copy 2)" and again["inputs"] == changed
    assert len(client.get(SAVED, headers=member).json()["items"]) == 3
    assert client.get(f"{SAVED}?calculator=balance", headers=member).json()["items"] == []

    assert client.delete(f"{SAVED}/{created['id']}", headers=member).status_code == 204
    assert client.get(f"{SAVED}/{created['id']}", headers=member).status_code == 404
    assert count(engine) == 2


def test_bad_inputs_are_refused_by_the_calculators_schema_and_nothing_is_stored(client, auth, rothc, engine):
    member = auth("member")
    bad = {**rothc, "clay_pct": 140, "years": 0}
    answer = save(client, member, inputs=bad)
    assert answer.status_code == 422
    locs = {tuple(d["loc"]) for d in answer.json()["error"]["details"]}
    assert ("inputs", "clay_pct") in locs and ("inputs", "years") in locs
    assert save(client, member, inputs=rothc, calculator="nope").status_code == 422
    assert save(client, member, name="   ", inputs=rothc).status_code == 422
    assert count(engine) == 0
    assert save(client, member, inputs=rothc).status_code == 201
    duplicate_name = save(client, member, inputs=rothc)
    assert duplicate_name.status_code == 409 and "already" in duplicate_name.json()["error"]["message"]
    assert count(engine) == 1


def test_a_balance_and_a_stocks_upload_can_be_saved(client, auth):
    member = auth("member")
    balance = client.get("/api/toolkit/examples/balance").json()
    answer = client.post(
        SAVED, json={"name": "farm", "calculator": "balance", "inputs": balance}, headers=member
    )
    assert answer.status_code == 201, answer.text
    stocks = client.get("/api/toolkit/examples/stocks").json()
    inputs = {"csv": stocks["csv"], "filename": stocks["filename"], "mapping": stocks["mapping"],
              "depths_cm": [30.0], "method": stocks["method"]}  # fmt: skip
    answer = client.post(
        SAVED, json={"name": "cores", "calculator": "stocks", "inputs": inputs}, headers=member
    )
    assert answer.status_code == 201, answer.text
    assert (
        client.get(f"{SAVED}/{answer.json()['id']}", headers=member).json()["inputs"]["csv"] == stocks["csv"]
    )


def test_bounds_per_user_and_per_calculation(client, auth, rothc, monkeypatch, engine):
    member = auth("member")
    monkeypatch.setattr(saved_calculations, "MAX_PER_USER", 2)
    first = save(client, member, "a", rothc).json()
    assert save(client, member, "b", rothc).status_code == 201
    full = save(client, member, "c", rothc)
    assert full.status_code == 422 and "the most a user keeps (2)" in full.json()["error"]["message"]
    assert client.post(f"{SAVED}/{first['id']}/duplicate", headers=member).status_code == 422
    monkeypatch.setattr(saved_calculations, "MAX_PER_USER", 100)
    monkeypatch.setattr(saved_calculations, "MAX_SUMMARY_BYTES", 100)
    big = save(client, member, "d", rothc, summary={"note": "x" * 200})
    assert big.status_code == 413 and big.json()["error"]["details"][0]["loc"] == ["summary"]
    assert count(engine) == 2


def test_sharing_is_read_only_for_colleagues_and_invisible_to_other_organisations(
    client, auth, rothc, engine
):
    member, partner, secretariat = auth("member"), auth("partner"), auth("secretariat")
    colleague = colleague_of(engine, auth, "member")
    private = save(client, member, "private", rothc).json()
    shared = save(client, member, "shared", rothc, shared=True).json()

    assert [i["name"] for i in client.get(SAVED, headers=colleague).json()["items"]] == ["shared"]
    seen = client.get(f"{SAVED}/{shared['id']}", headers=colleague).json()
    assert seen["inputs"] == rothc and seen["mine"] is False and seen["owner"] == "Test member"
    assert client.get(f"{SAVED}/{private['id']}", headers=colleague).status_code == 404
    assert (
        client.patch(f"{SAVED}/{shared['id']}", json={"name": "mine now"}, headers=colleague).status_code
        == 403
    )
    assert client.delete(f"{SAVED}/{shared['id']}", headers=colleague).status_code == 403
    copy = client.post(f"{SAVED}/{shared['id']}/duplicate", headers=colleague)
    assert copy.status_code == 201 and copy.json()["mine"] and copy.json()["shared"] is False

    for stranger in (partner, secretariat):  # another organisation; the Secretariat has no organisation
        assert client.get(SAVED, headers=stranger).json()["items"] == []
        for target in (shared, private):
            assert client.get(f"{SAVED}/{target['id']}", headers=stranger).status_code == 404
            assert (
                client.patch(f"{SAVED}/{target['id']}", json={"shared": False}, headers=stranger).status_code
                == 404
            )
            assert client.delete(f"{SAVED}/{target['id']}", headers=stranger).status_code == 404
            assert client.post(f"{SAVED}/{target['id']}/duplicate", headers=stranger).status_code == 404
    assert client.get(SAVED).status_code == 401
    assert save(client, {}, "anonymous", rothc).status_code == 401
    no_organisation = save(client, secretariat, "to share", rothc, shared=True)
    assert no_organisation.status_code == 422 and "no organisation" in no_organisation.text

    assert client.patch(f"{SAVED}/{shared['id']}", json={"shared": False}, headers=member).status_code == 200
    assert client.get(f"{SAVED}/{shared['id']}", headers=colleague).status_code == 404
    with engine.connect() as connection:
        names = set(connection.scalars(select(SavedCalculation.name)))
    assert names == {"private", "shared", "shared (copy)"}


def test_the_workspace_rule_is_the_one_authorisation_path_of_the_registry():
    """permissions.allowed answers for saved calculations as the API behaves above: the owner reads and
    changes, a colleague reads what is shared, nobody else — not the Secretariat, not the STC; nobody
    publishes or administers a workspace."""
    from types import SimpleNamespace as Row

    owner = Row(id=1, role="member", organisation_id=10)
    colleague = Row(id=2, role="member", organisation_id=10)
    stranger = Row(id=3, role="partner", organisation_id=20)
    secretariat = Row(id=4, role="secretariat", organisation_id=None)
    stc = Row(id=5, role="stc", organisation_id=10)  # even in the owner's organisation: only if shared
    private, shared = (Row(user_id=1, user=owner, shared=s) for s in (False, True))

    def may(user, action, row=None):
        return permissions.allowed(user, action, saved_calculations.KIND, row)

    assert [may(owner, a, private) for a in permissions.ACTIONS] == [True, True, True, False, False]
    assert [may(colleague, a, shared) for a in permissions.ACTIONS] == [True, False, False, False, False]
    assert not may(colleague, "read", private) and may(stc, "read", shared) and not may(stc, "read", private)
    for user in (stranger, secretariat, None):
        assert not any(may(user, a, row) for a in permissions.ACTIONS for row in (private, shared))
    assert may(owner, "create") and may(secretariat, "create") and may(secretariat, "read")  # their own
    assert not may(None, "create") and not may(None, "read")


def test_the_workspace_list_is_what_allowed_lets_each_user_read(engine):
    """The list's SQL condition (permissions.workspace_filter) and permissions.allowed agree for every user
    and every saved calculation: owners, colleagues, another organisation, no organisation, the STC."""
    from permille.registry.db import session_factory
    from permille.registry.orm import Organisation

    with session_factory(engine)() as session:
        orgs = [Organisation(name=f"Workspace org {n}", membership="member", org_type="ngo") for n in (1, 2)]
        session.add_all(orgs)
        session.flush()
        people = [
            add_user(session, f"ws-{n}@test.example.org", role, org.id if org else None)
            for n, (role, org) in enumerate(
                [("member", orgs[0]), ("member", orgs[0]), ("partner", orgs[1]), ("stc", orgs[0]),
                 ("secretariat", None), ("stc", None)]
            )
        ]  # fmt: skip
        for owner in people:
            for shared in (False, True):
                session.add(SavedCalculation(user_id=owner.id, name=f"{owner.email} {shared}", calculator="rothc",
                                             inputs={}, summary={}, software_version=__version__, shared=shared))  # fmt: skip
        session.flush()
        rows = session.scalars(select(SavedCalculation).where(SavedCalculation.name.like("ws-%"))).all()
        for user in people:
            listed = {item["id"] for item in saved_calculations.listing(session, user)}
            readable = {r.id for r in rows if permissions.allowed(user, "read", saved_calculations.KIND, r)}
            assert listed == readable and len(readable) in (2, 3, 4), user.email
        session.rollback()
