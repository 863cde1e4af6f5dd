"""Each state machine of the workflows, on SQLite and PostgreSQL: every allowed transition by every role
that may take it reaches its state (and is audited); the same transition by every other role is refused
(403, or 404 for who may not even see the record); every action in every other state is refused (409);
the deadlines refuse late steps. The expected tables are written here, independently of the YAML."""

import datetime
import itertools

import pytest
from sqlalchemy import select

from permille.registry import calls, helpdesk, orm
from permille.registry.schemas import Criterion
from permille.registry.service import Conflict, Forbidden, NotFound
from permille.registry.workflow import machine

NOW = orm.utcnow()
DAY = datetime.timedelta(days=1)
BASE = "http://platform.test"
_n = itertools.count()

# (state, action) → (the roles that may, the state reached)
CALL = {
    ("start", "create"): ({"applicant", "outsider"}, "draft"),
    ("draft", "edit"): ({"applicant"}, "draft"),
    ("draft", "submit"): ({"applicant"}, "submitted"),
    ("submitted", "assign"): ({"secretariat"}, "submitted"),
    ("submitted", "start_review"): ({"secretariat"}, "under_review"),
    ("under_review", "score"): ({"reviewer"}, "under_review"),
    ("under_review", "recommend"): ({"stc", "reviewer", "secretariat"}, "recommended"),
    ("recommended", "select"): ({"secretariat"}, "selected"),
    ("recommended", "reject"): ({"secretariat"}, "not_selected"),
    ("selected", "report"): ({"applicant"}, "implemented"),
    ("implemented", "report"): ({"applicant"}, "implemented"),
    ("implemented", "close"): ({"secretariat"}, "closed"),
    ("not_selected", "close"): ({"secretariat"}, "closed"),
}
CALL_ACTORS = ("public", "applicant", "outsider", "stc", "reviewer", "secretariat")
HELPDESK = {
    ("routed", "assign"): ({"secretariat", "region_expert", "expert"}, "assigned"),
    ("assigned", "assign"): ({"secretariat"}, "assigned"),
    ("assigned", "answer"): ({"expert"}, "answered"),
    ("answered", "answer"): ({"expert"}, "answered"),
    ("answered", "follow_up"): ({"asker"}, "assigned"),
    ("answered", "propose_faq"): ({"expert"}, "answered"),
    ("answered", "close"): ({"asker", "expert", "secretariat"}, "closed"),
    ("routed", "close"): ({"secretariat"}, "closed"),
    ("assigned", "close"): ({"secretariat"}, "closed"),
}
HELPDESK_ACTORS = ("public", "asker", "member", "expert", "region_expert", "other_expert", "secretariat")
FAQ = {
    ("proposed", "publish"): ({"secretariat"}, "published"),
    ("proposed", "decline"): ({"secretariat"}, "declined"),
    ("published", "withdraw"): ({"secretariat"}, "declined"),
}
FAQ_ACTORS = ("public", "member", "stc", "secretariat")


def cases(table: dict, actors: tuple, name: str) -> list:
    """Every allowed transition × every actor, and every action in every state it is not allowed in."""
    states = machine(name).states
    out = [(state, action, actor) for (state, action) in table for actor in actors]
    for action in sorted({a for _, a in table}):  # sorted: the same order in every xdist process
        allowed_somewhere = sorted(set().union(*(r for (s, a), (r, _) in table.items() if a == action)))
        for state in states:
            if (state, action) not in table and state != "start":
                out.append((state, action, allowed_somewhere[0]))
    return out


def test_the_tables_are_those_tested():
    assert {(t.source, t.action) for t in machine("call_application").transitions} == set(CALL)
    # the creating steps of questions and FAQ entries are tested through the API (test_workflows_api.py)
    assert {(t.source, t.action) for t in machine("faq_entry").transitions} == set(FAQ) | {
        ("start", "propose")
    }
    assert {(t.source, t.action) for t in machine("helpdesk_question").transitions} == set(HELPDESK) | {
        ("start", "ask")
    }


@pytest.fixture(scope="module")
def people(world):
    """Users of every role: the applicant's organisation A (member), an outsider (partner of B), three
    STC members, the Secretariat; helpdesk experts of Africa (two partners) and of Asia (STC)."""
    with world.session() as session:
        org_a = orm.Organisation(name="Org A", membership="member", org_type="research")
        org_b = orm.Organisation(name="Org B", membership="partner", org_type="ngo")
        session.add_all([org_a, org_b])
        session.flush()

        def user(key, role, org=None):
            row = orm.User(email=f"{key}@t.org", name=key, role=role, password_hash="x", organisation_id=org)
            session.add(row)
            return row

        users = {
            "applicant": user("applicant", "member", org_a.id),
            "outsider": user("outsider", "partner", org_b.id),
            "member": user("member", "member", org_a.id),
            "reviewer": user("reviewer", "stc"),
            "reviewer2": user("reviewer2", "stc"),
            "stc": user("stc", "stc"),
            "secretariat": user("secretariat", "secretariat"),
            "expert": user("expert", "partner", org_b.id),
            "region_expert": user("region_expert", "partner", org_b.id),
            "other_expert": user("other_expert", "stc"),
        }
        session.flush()
        for key, region in (("expert", "Africa"), ("region_expert", "Africa"), ("other_expert", "Asia")):
            session.add(
                orm.HelpdeskExpert(user_id=users[key].id, regions=[region], topics=list(helpdesk.TOPICS))
            )
        session.commit()
        return {k: v.id for k, v in users.items()} | {"org_a": org_a.id, "org_b": org_b.id}


def _project(session, organisation_id):
    project = orm.Project(
        name=f"P{next(_n)}",
        country_iso3="SEN",
        lon=-16,
        lat=14,
        area_ha=10,
        stage="proposed",
        organisation_id=organisation_id,
    )
    session.add(project)
    session.flush()
    return project


def _application(session, people, state, closes=NOW + 10 * DAY, review_by=NOW + 20 * DAY):
    call = orm.ProjectCall(
        title="Call",
        opens_at=NOW - DAY,
        closes_at=closes,
        review_by=review_by,
        regions=["Africa"],
        criteria=[c.value for c in Criterion],
    )
    session.add(call)
    session.flush()
    row = orm.CallApplication(
        call_id=call.id,
        project_id=_project(session, people["org_a"]).id,
        organisation_id=people["org_a"],
        created_by=people["applicant"],
        region="Africa",
        state=state,
    )
    session.add(row)
    session.flush()
    scored = state not in ("draft", "submitted")
    for key in ("reviewer", "reviewer2"):
        session.add(
            orm.CallReview(
                application_id=row.id,
                reviewer_id=people[key],
                scores=_scores(3) if scored else None,
                scored_at=NOW if scored else None,
            )
        )
    session.commit()
    return call, row


def _scores(value):
    return {c.value: {"score": value, "comment": f"{c.value} ok"} for c in Criterion}


def _user(session, people, actor):
    return None if actor == "public" else session.get(orm.User, people[actor])


def _payload(action, people, actor):
    return {
        "edit": {"summary": "revised"},
        "assign": {"reviewer_id": people["stc"]},
        "score": {"scores": _scores(4), "comment": "sound"},
        "select": {"reason": "strong impact"},
        "reject": {"reason": "weak monitoring"},
        "report": {"year": 2027, "text": "first year", "measured_t_c_ha": 0.4, "uncertainty_t_c_ha": 0.2},
    }.get(action)


def _audited(session, kind, record_id, action):
    return session.scalars(
        select(orm.AuditLog.action).where(orm.AuditLog.kind == kind, orm.AuditLog.record_id == record_id)
    ).all()[-1:] == [action]


@pytest.mark.parametrize(("state", "action", "actor"), cases(CALL, CALL_ACTORS, "call_application"))
def test_call_application_machine(world, people, state, action, actor):
    allowed, target = CALL.get((state, action), (set(), None))
    with world.session() as session:
        user = _user(session, people, actor)
        if state == "start":
            call, _ = _application(session, people, "draft")
            mine = _project(session, user.organisation_id if user else None).id
            session.commit()

            def attempt():
                return calls.apply(session, user, call.id, {"project_id": mine, "region": "Africa"}, NOW)
        else:
            _, row = _application(session, people, state)

            def attempt():
                return calls.act(session, user, row.id, action, _payload(action, people, actor), BASE, NOW)

        if actor in allowed:
            done = attempt()
            assert done.state == target
            assert _audited(session, "call_application", done.id, action)
        else:
            expected = Conflict if (state, action) not in CALL else (Forbidden, NotFound)
            with pytest.raises(expected):
                attempt()
            if state != "start":
                session.expire_all()
                assert session.get(orm.CallApplication, row.id).state == state


@pytest.mark.parametrize(
    ("action", "state", "deadline"),
    [("create", "start", "closes"), ("edit", "draft", "closes"), ("submit", "draft", "closes"),
     ("score", "under_review", "review_by")],
)  # fmt: skip
def test_call_deadlines_refuse_late_steps(world, people, action, state, deadline):
    with world.session() as session:
        past = (
            {"closes": NOW - DAY / 2}
            if deadline == "closes"
            else {"review_by": NOW - DAY / 4, "closes": NOW - DAY / 2}
        )
        call, row = _application(session, people, "draft" if state == "start" else state, **past)
        actor = "reviewer" if action == "score" else "applicant"
        user = _user(session, people, actor)
        with pytest.raises(Conflict, match="deadline"):
            if action == "create":
                project = _project(session, user.organisation_id).id
                session.commit()
                calls.apply(session, user, call.id, {"project_id": project, "region": "Africa"}, NOW)
            else:
                calls.act(session, user, row.id, action, _payload(action, people, actor), BASE, NOW)


def _question(session, people, state):
    row, token = helpdesk.ask(
        session, None,
        {"region": "Africa", "topic": "practices", "subject": f"Q{next(_n)}", "question": "How?", "email": "a@t.org"},
        BASE,
    )  # fmt: skip
    row.state = state
    if state != "routed":
        row.expert_id = people["expert"]
    session.commit()
    return row, token


@pytest.mark.parametrize(("state", "action", "actor"), cases(HELPDESK, HELPDESK_ACTORS, "helpdesk_question"))
def test_helpdesk_question_machine(world, people, state, action, actor):
    allowed, target = HELPDESK.get((state, action), (set(), None))
    with world.session() as session:
        row, token = _question(session, people, state)
        user = _user(session, people, actor) if actor != "asker" else None
        payload = {
            "assign": {
                "expert_id": people[actor] if actor in ("expert", "region_expert") else people["expert"]
            },
            "answer": {"text": "Use cover crops."},
            "follow_up": {"text": "Which ones?"},
            "propose_faq": {"question": "How?", "answer": "Cover crops.", "language": "en"},
        }.get(action)

        def attempt():
            return helpdesk.act(
                session, user, row.id, action, payload, BASE, token if actor == "asker" else None
            )

        if actor in allowed:
            assert attempt().state == target
            assert _audited(session, "helpdesk_question", row.id, action)
        else:
            expected = Conflict if (state, action) not in HELPDESK else (Forbidden, NotFound)
            with pytest.raises(expected):
                attempt()
            session.expire_all()
            assert session.get(orm.HelpdeskQuestion, row.id).state == state


@pytest.mark.parametrize(("state", "action", "actor"), cases(FAQ, FAQ_ACTORS, "faq_entry"))
def test_faq_entry_machine(world, people, state, action, actor):
    allowed, target = FAQ.get((state, action), (set(), None))
    with world.session() as session:
        entry = orm.FaqEntry(
            region="Africa", topic="practices", language="en", question="q", answer="a", state=state
        )
        session.add(entry)
        session.commit()
        user = _user(session, people, actor)
        if actor in allowed:
            assert helpdesk.decide_faq(session, user, entry.id, action).state == target
            assert _audited(session, "faq_entry", entry.id, action)
        else:
            with pytest.raises(Conflict if (state, action) not in FAQ else Forbidden):
                helpdesk.decide_faq(session, user, entry.id, action)
