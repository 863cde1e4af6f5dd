"""Working groups and comment threads, on SQLite and PostgreSQL: the permission table of a working group
(data/workflows/working_group.yaml) against the table expected here, written independently, with every
action tried through the API by every role; the STC's group holds only STC members; comments are told
to the thread's followers; threads on practices and helpdesk questions follow their record's rule."""

import io
import itertools

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from permille.registry import working_groups
from permille.registry.orm import HelpdeskExpert, HelpdeskQuestion, Notification, User, WorkingGroupMember

from .conftest import add_user

ACTORS = ("public", "member", "partner", "stc", "secretariat", "group_member", "group_chair")
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"public"}
INSIDE = frozenset({"group_member", "group_chair", "secretariat"})
EXPECTED = {
    "list": EVERYONE,
    "see_members": SIGNED_IN,
    "read": INSIDE,
    "comment": INSIDE,
    "upload": INSIDE,
    "add_member": frozenset({"group_chair", "secretariat"}),
    "remove_member": frozenset({"group_chair", "secretariat"}),
    "create": frozenset({"secretariat"}),
}
"""Who may take each action: group_member is a member-role user in the group, group_chair a partner-role
user chairing it; member, partner and stc are users outside the group."""
_serial = itertools.count()


@pytest.fixture(autouse=True)
def public_url(monkeypatch):
    """The platform's address in the e-mailed notifications (a deployment's database needs it)."""
    monkeypatch.setenv("PERMILLE_PUBLIC_URL", "http://platform.test")


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_table_is_the_expected_one():
    table = working_groups.table()
    assert set(table) == set(EXPECTED)
    for action, roles in EXPECTED.items():
        # group_member and group_chair hold a platform role too (member, partner): the table lists the
        # roles that grant the action; the actors expected are those holding one of them
        held = {"group_member": {"member", "group_member"}, "group_chair": {"partner", "group_chair"}}
        assert {a for a in ACTORS if held.get(a, {a}) & table[action]} == roles, action


def _user(world, email, role, organisation_id=None):
    with world.session() as session:
        return add_user(session, email, role, organisation_id, name=email.split("@")[0]).id


def _headers(world, user_id):
    from permille.api.security import issue_token

    with world.session() as session:
        token, _ = issue_token(session, session.get(User, user_id))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def group(world):
    """A new regional group with a member (member role) and a chair (partner role); the actors' headers."""
    n = next(_serial)
    secretariat = world.auth("secretariat")
    created = world.client.post(
        "/api/working-groups",
        json={
            "slug": f"africa-{n}",
            "name": f"Africa group {n}",
            "group_type": "regional",
            "region": "Africa",
        },
        headers=secretariat,
    )
    assert created.status_code == 201, created.text
    gid = created.json()["id"]
    member_id = _user(world, f"gm{n}@test.example.org", "member", world.auth.organisation_id("member"))
    chair_id = _user(world, f"gc{n}@test.example.org", "partner", world.auth.organisation_id("partner"))
    for uid, role in ((member_id, "member"), (chair_id, "chair")):
        added = world.client.put(f"/api/working-groups/{gid}/members", json={"user_id": uid, "role": role},
                                 headers=secretariat)  # fmt: skip
        assert added.status_code == 200, added.text
    headers = {role: world.auth(role) for role in ("public", "member", "partner", "stc", "secretariat")}
    headers["group_member"] = _headers(world, member_id)
    headers["group_chair"] = _headers(world, chair_id)
    return gid, headers, {"group_member": member_id, "group_chair": chair_id}


def _try(world, gid, action, headers, n):
    """Take ``action`` in group ``gid`` with ``headers``; the status answered."""
    client = world.client
    if action == "list":
        return client.get("/api/working-groups", headers=headers).status_code
    if action == "see_members":
        answer = client.get(f"/api/working-groups/{gid}", headers=headers)
        assert answer.status_code == 200  # the group itself is public
        return 200 if answer.json()["members"] is not None else "hidden"
    if action == "read":
        documents = client.get(f"/api/documents/working-groups/{gid}", headers=headers).status_code
        thread = client.get(f"/api/comments/working-groups/{gid}", headers=headers).status_code
        assert documents == thread
        return documents
    if action == "comment":
        answer = client.post(
            f"/api/comments/working-groups/{gid}", json={"text": f"note {n}"}, headers=headers
        )
        return answer.status_code
    if action == "upload":
        return client.post(f"/api/documents/working-groups/{gid}", params={"name": "minutes.pdf"},
                           content=_pdf(), headers=headers).status_code  # fmt: skip
    if action in ("add_member", "remove_member"):
        uid = _user(world, f"x{n}@test.example.org", "member")
        if action == "add_member":
            return client.put(
                f"/api/working-groups/{gid}/members", json={"user_id": uid}, headers=headers
            ).status_code
        with world.session() as session:
            session.add(WorkingGroupMember(group_id=gid, user_id=uid, role="member"))
            session.commit()
        return client.delete(f"/api/working-groups/{gid}/members/{uid}", headers=headers).status_code
    if action == "create":
        return client.post("/api/working-groups", json={"slug": f"bureau-{n}", "name": "Bureau",
                           "group_type": "bureau"}, headers=headers).status_code  # fmt: skip
    raise AssertionError(action)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_action_by_every_role(world, group, action):
    gid, headers, _ = group
    for actor in ACTORS:
        status = _try(world, gid, action, headers[actor], next(_serial))
        if actor in EXPECTED[action]:
            assert status in (200, 201), (action, actor, status)
        else:
            refused = "hidden" if action == "see_members" else 401 if actor == "public" else 403
            assert status == refused, (action, actor, status)


def test_the_stc_group_holds_only_stc_members_and_a_regional_group_names_its_region(world):
    secretariat = world.auth("secretariat")
    n = next(_serial)
    stc = world.client.post("/api/working-groups", json={"slug": f"stc-{n}", "name": "STC", "group_type": "stc"},
                            headers=secretariat).json()  # fmt: skip
    refused = world.client.put(f"/api/working-groups/{stc['id']}/members",
                               json={"user_id": world.auth.user("member").id}, headers=secretariat)  # fmt: skip
    assert refused.status_code == 409 and "not a member of the STC" in refused.json()["error"]["message"]
    ok = world.client.put(f"/api/working-groups/{stc['id']}/members", json={"user_id": world.auth.user("stc").id},
                          headers=secretariat)  # fmt: skip
    assert ok.status_code == 200 and [m["role"] for m in ok.json()["members"]] == ["member"]
    no_region = world.client.post("/api/working-groups", json={"slug": f"r-{n}", "name": "R", "group_type": "regional"},
                                  headers=secretariat)  # fmt: skip
    assert no_region.status_code == 422 and no_region.json()["error"]["details"][0]["loc"] == ["region"]
    taken = world.client.post("/api/working-groups", json={"slug": f"stc-{n}", "name": "STC", "group_type": "stc"},
                              headers=secretariat)  # fmt: skip
    assert taken.status_code == 409


def test_a_comment_is_told_to_the_followers(world, group):
    gid, headers, ids = group
    posted = world.client.post(f"/api/comments/working-groups/{gid}", json={"text": "Draft agenda attached"},
                               headers=headers["group_member"])  # fmt: skip
    assert posted.status_code == 201 and posted.json()[-1]["text"] == "Draft agenda attached"
    with world.session() as session:
        told = {
            n.user_id: n
            for n in session.scalars(select(Notification).where(Notification.kind == "comment",
                                                                Notification.link == f"/#/groups?id={gid}"))
        }  # fmt: skip
    assert set(told) == {ids["group_chair"]}  # the other member; not the author, not outsiders
    assert "Draft agenda attached" in told[ids["group_chair"]].text


def test_threads_on_practices_and_helpdesk_questions_follow_their_record(world):
    client, member, partner = world.client, world.auth("member"), world.auth("partner")
    practice = client.post("/api/practices", json={"name": f"Mulching {next(_serial)}", "evidence_level":
                           "field_trials", "effect_t_c_ha_yr": 0.2, "effect_uncertainty_t_c_ha_yr": 0.1},
                           headers=member).json()  # fmt: skip
    path = f"/api/comments/practices/{practice['id']}"
    assert client.post(path, json={"text": "Trial plots in Thiès"}, headers=member).status_code == 201
    assert client.get(path, headers=partner).status_code == 404  # unpublished: not theirs
    assert client.get(path).status_code == 404
    assert client.post(path, json={"text": "?"}, headers=partner).status_code == 404

    with world.session() as session:
        question = HelpdeskQuestion(region="Africa", topic="practices", language="en", subject="Terraces",
                                    question="How to sample terraces?", asker_email="a@example.org",
                                    asker_token_hash=f"{next(_serial):064d}", state="routed")  # fmt: skip
        session.add(question)
        expert_id = world.auth.user("stc").id
        if session.get(HelpdeskExpert, expert_id) is None:
            session.add(HelpdeskExpert(user_id=expert_id, regions=["Africa"], topics=["practices"]))
        session.commit()
        qid = question.id
    notes = f"/api/comments/helpdesk-questions/{qid}"
    expert_id = _user(world, f"expert{next(_serial)}@test.example.org", "partner")
    named = client.put(f"/api/helpdesks/experts/{expert_id}", json={"regions": ["Africa"]},
                       headers=world.auth("secretariat"))  # fmt: skip
    assert named.status_code == 200, named.text
    expert = _headers(world, expert_id)
    assert (
        client.get(f"/api/helpdesks/questions/{qid}", headers=expert).json()["asker_email"] == "a@example.org"
    )
    assert client.get(notes, headers=expert).status_code == 200, client.get(notes, headers=expert).text
    assert (
        client.post(notes, json={"text": "Ask the Senegal team"}, headers=world.auth("stc")).status_code
        == 201
    )
    assert client.get(notes, headers=world.auth("secretariat")).json()[0]["text"] == "Ask the Senegal team"
    for outsider in (member, partner):
        assert client.get(notes, headers=outsider).status_code == 404
    assert client.get(notes).status_code == 404
