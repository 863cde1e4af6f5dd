"""The demo's workflows (``permille serve --demo`` only): one call for projects run to "selected" and one
helpdesk question answered, each step through the workflows' own functions (``workflow.fire``, audited),
so that KPIs A2 and B3 show something on the demo; and the demo twin pairs' activities. The project is a demo record and the question is
marked ``demo``: the KPIs show them apart, labelled demo, and never count them (counting.py)."""

import datetime
import os

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import calls, helpdesk, orm, twins
from .schemas import Criterion

CALL_TITLE = "Demo call for projects"
CALL_PROJECT = "Demo: soil carbon in the Sine-Saloum rice fields"  # a demo project of demo.yaml
QUESTION_SUBJECT = "Demo: which cover crops after rice in the Camargue?"
DEMO_ASKER = "demo.asker@example.org"


def _user(session: Session, email: str) -> orm.User:
    return session.scalar(select(orm.User).where(orm.User.email == email))


def run(session: Session, demo: dict, today: datetime.date) -> None:
    """Run the demo call (with the demo project :data:`CALL_PROJECT`), the demo question and the twin activities of
    ``demo`` (demo.yaml, relative dates resolved), unless done before."""
    base_url = os.environ.get("PERMILLE_PUBLIC_URL", "").strip() or "http://127.0.0.1:8000"
    secretariat = _user(session, "demo.secretariat@example.org")
    if session.scalar(select(orm.ProjectCall.id).where(orm.ProjectCall.title == CALL_TITLE)) is None:
        _call(session, secretariat, CALL_PROJECT, today, base_url)
    if (
        session.scalar(
            select(orm.HelpdeskQuestion.id).where(orm.HelpdeskQuestion.subject == QUESTION_SUBJECT)
        )
        is None
    ):
        _question(session, secretariat, base_url)
    done = set(session.scalars(select(orm.TwinActivity.title)))
    by_name = dict(session.execute(select(orm.Municipality.name, orm.Municipality.id)).all())
    for row in demo["twin_activities"]:
        if row["title"] not in done:
            activity = {k: v for k, v in row.items() if k not in ("municipality", "partner")}
            activity |= {
                "municipality_id": by_name[row["municipality"]],
                "partner_id": by_name[row["partner"]],
            }
            twins.add_activity(session, secretariat, activity)


def _call(session: Session, secretariat, project_name: str, today: datetime.date, base_url: str) -> None:
    member = _user(session, "demo.member@example.org")
    reviewers = [_user(session, e) for e in ("demo.stc@example.org", "demo.stc2@example.org")]
    project = session.scalar(select(orm.Project).where(orm.Project.name == project_name))
    now = datetime.datetime.combine(today, datetime.time(12), datetime.UTC)
    call = calls.open_call(session, secretariat, {
        "title": CALL_TITLE, "description": "Demonstration: a call run through its workflow by the demo seed.",
        "opens_at": now - datetime.timedelta(days=30), "closes_at": now + datetime.timedelta(days=30),
        "review_by": now + datetime.timedelta(days=60), "regions": ["Africa"],
    })  # fmt: skip
    application = calls.apply(session, member, call.id, {
        "project_id": project.id, "region": "Africa", "summary": "Demo: rice-field soils of the Sine-Saloum.",
    })  # fmt: skip
    calls.act(session, member, application.id, "submit", {}, base_url, now)
    for reviewer in reviewers:
        calls.act(session, secretariat, application.id, "assign", {"reviewer_id": reviewer.id}, base_url, now)
    calls.act(session, secretariat, application.id, "start_review", {}, base_url, now)
    for reviewer, score in zip(reviewers, (4, 3), strict=True):
        scores = {c.value: {"score": score, "comment": "Demo review."} for c in Criterion}
        calls.act(session, reviewer, application.id, "score", {"scores": scores}, base_url, now)
    calls.act(session, secretariat, application.id, "recommend", {}, base_url, now)
    reason = "Demo: well scored on every criterion."
    calls.act(session, secretariat, application.id, "select", {"reason": reason}, base_url, now)


def _question(session: Session, secretariat, base_url: str) -> None:
    expert = _user(session, "demo.partner@example.org")
    helpdesk.set_expert(
        session, secretariat, expert.id, {"regions": ["Europe"], "topics": list(helpdesk.TOPICS)}
    )
    question, _token = helpdesk.ask(session, None, {
        "email": DEMO_ASKER, "region": "Europe", "country_iso3": "FRA", "topic": "practices", "language": "en",
        "subject": QUESTION_SUBJECT, "question": "Demo: which cover crops keep soil carbon after a rice harvest?",
    }, base_url)  # fmt: skip
    session.execute(
        update(orm.HelpdeskQuestion).where(orm.HelpdeskQuestion.id == question.id).values(demo=True)
    )
    session.commit()
    helpdesk.act(session, expert, question.id, "assign", {"expert_id": expert.id}, base_url)
    answer = (
        "Demo: a winter legume mix (vetch, clover) sown right after harvest; see the practices catalogue."
    )
    helpdesk.act(session, expert, question.id, "answer", {"text": answer}, base_url)
