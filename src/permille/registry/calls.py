"""Calls for projects (objective A2): the Secretariat opens a call, members and partners submit their
projects to it, the Secretariat assigns STC reviewers (never from the applicant's organisation: the
conflict is recorded and the assignment refused), each reviewer scores the call's criteria, the STC
recommends (mean scores, spread, comments), the Secretariat decides with a reason told to the applicant,
and selected projects report yearly. Every step goes through :func:`permille.registry.workflow.fire`
with the table ``data/workflows/call_application.yaml``."""

import datetime
import statistics
from typing import Annotated, Any

from pydantic import Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import i18n
from . import orm
from .notify import notify
from .permissions import Role, role_of
from .schemas import Criterion, CriterionScore, Name, RecordId, Region, Strict, Text, Year
from .service import Conflict, Forbidden, Invalid, NotFound, _validate, audit, transaction
from .workflow import fire, machine

MACHINE = "call_application"
MIN_REVIEWERS = 2
READERS = (Role.STC, Role.SECRETARIAT)
"""Who reads every application (the applicant's organisation reads its own)."""


CALL_DATES = {
    "opens_at": i18n.Text("opening"),
    "closes_at": i18n.Text("closing"),
    "review_by": i18n.Text("review deadline"),
}
"""A call's dates as its refusals name them."""


class CallIn(Strict):
    title: Name
    description: Text = ""
    opens_at: datetime.datetime
    closes_at: datetime.datetime = Field(description="deadline of the submissions (UTC)")
    review_by: datetime.datetime = Field(description="deadline of the reviewers' scores (UTC)")
    regions: Annotated[list[Region], Field(max_length=5)] = Field([], description="eligible; empty: all")
    criteria: Annotated[list[Criterion], Field(min_length=1, max_length=14)] = list(Criterion)

    @model_validator(mode="after")
    def _ordered(self):  # the dates' names as the call form labels them (CALL_DATES)
        for name in ("opens_at", "closes_at", "review_by"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(
                    i18n.Text("{field}: give a time zone (e.g. 2026-12-31T23:59:00Z)", field=CALL_DATES[name])
                )
        if not self.opens_at < self.closes_at < self.review_by:
            raise ValueError(
                i18n.Text("the call must open before it closes, and close before the review ends")
            )
        return self


class ApplicationIn(Strict):
    project_id: RecordId
    region: Region
    summary: Text = ""


class ScoresIn(Strict):
    scores: dict[Criterion, CriterionScore]
    comment: Text = ""


class EditIn(Strict):
    summary: Text


class AssignIn(Strict):
    reviewer_id: RecordId


class DecisionIn(Strict):
    reason: Annotated[str, Field(max_length=5000)]


class ReportIn(Strict):
    year: Year
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    measured_t_c_ha: float | None = Field(None, ge=-100, le=100, allow_inf_nan=False, description="t C/ha")
    uncertainty_t_c_ha: float | None = Field(None, ge=0, le=100, allow_inf_nan=False, description="t C/ha")


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def call_dict(call: orm.ProjectCall) -> dict:
    return {
        "id": call.id,
        "title": call.title,
        "description": call.description,
        "opens_at": _iso(call.opens_at),
        "closes_at": _iso(call.closes_at),
        "review_by": _iso(call.review_by),
        "regions": call.regions,
        "criteria": call.criteria,
    }


def open_call(session: Session, user: Any, payload: Any) -> orm.ProjectCall:
    """A new call (the Secretariat)."""
    if role_of(user) is not Role.SECRETARIAT:
        raise Forbidden(i18n.Text("only the Secretariat opens calls for projects"))
    data = _validate(CallIn, payload)
    with transaction(session, []):
        call = orm.ProjectCall(
            **data.model_dump(exclude={"criteria"}),
            criteria=[c.value for c in data.criteria],
            created_by=user.id,
        )
        session.add(call)
        session.flush()
        audit(session, user, "project_call", call.id, "create", None, call_dict(call))
    return call


def calls(session: Session) -> list[dict]:
    """Every call, newest first (public)."""
    return [
        call_dict(c) for c in session.scalars(select(orm.ProjectCall).order_by(orm.ProjectCall.id.desc()))
    ]


def _call(session: Session, call_id: int) -> orm.ProjectCall:
    call = session.get(orm.ProjectCall, call_id)
    if call is None:
        raise NotFound(i18n.Text("no call for projects {id}", id=call_id))
    return call


def roles(session: Session, user: Any, application: orm.CallApplication) -> set[str]:
    """The platform role of ``user`` and what they are on ``application`` (applicant, reviewer)."""
    held = {role_of(user).value}
    if user is None:
        return held
    if held & {"member", "partner"} and user.organisation_id == application.organisation_id:
        held.add("applicant")
    if application.id is not None and _review(session, application.id, user.id) is not None:
        held.add("reviewer")
    return held


def _review(session: Session, application_id: int, reviewer_id: int) -> orm.CallReview | None:
    return session.scalar(
        select(orm.CallReview).where(
            orm.CallReview.application_id == application_id, orm.CallReview.reviewer_id == reviewer_id
        )
    )


def _reviews(session: Session, application_id: int) -> list[orm.CallReview]:
    return list(
        session.scalars(
            select(orm.CallReview)
            .where(orm.CallReview.application_id == application_id)
            .order_by(orm.CallReview.id)
        )
    )


def _application(session: Session, application_id: int, user: Any) -> orm.CallApplication:
    """The application, if ``user`` may read it (else :class:`NotFound`, as for a missing one)."""
    row = session.get(orm.CallApplication, application_id)
    if row is None or not (role_of(user) in READERS or "applicant" in roles(session, user, row)):
        raise NotFound(i18n.Text("no application {id}", id=application_id))
    return row


def _guards(
    session: Session, call: orm.ProjectCall, row: orm.CallApplication, now: datetime.datetime, **given
):
    """The named guards of the table, on ``row`` at ``now`` (``given``: the action's inputs)."""

    def call_open():
        if now < call.opens_at:
            return Conflict(f"the call opens on {call.opens_at:%Y-%m-%d %H:%M} UTC")
        if now > call.closes_at:
            return Conflict(f"the call closed on {call.closes_at:%Y-%m-%d %H:%M} UTC (the deadline)")
        return None

    def eligible_region():
        if call.regions and row.region not in call.regions:
            return Invalid(
                f"the call is open to {', '.join(call.regions)}",
                [{"loc": ["region"], "message": "not eligible in this call", "type": "eligibility"}],
            )
        return None

    def no_conflict():
        reviewer = given["reviewer"]
        if reviewer.organisation_id is not None and reviewer.organisation_id == row.organisation_id:
            given["conflicts"].append("the reviewer belongs to the applicant's organisation")
            return Conflict(
                f"{reviewer.name or reviewer.email} belongs to the applicant's organisation: conflict of "
                "interest (recorded); choose another reviewer"
            )
        return None

    def two_reviewers():
        count = len(_reviews(session, row.id))
        return (
            None
            if count >= MIN_REVIEWERS
            else Conflict(f"assign at least {MIN_REVIEWERS} reviewers ({count} now)")
        )

    def review_open():
        return (
            None
            if now <= call.review_by
            else Conflict(f"the review ended on {call.review_by:%Y-%m-%d} (the deadline)")
        )

    def all_scored():
        reviews = _reviews(session, row.id)
        missing = [r for r in reviews if r.scores is None]
        if len(reviews) < MIN_REVIEWERS or missing:
            return Conflict(f"{len(missing)} of {len(reviews)} reviewers have not scored yet")
        return None

    def reason():
        if not given.get("reason", "").strip():
            return Invalid(
                "give the reason of the decision",
                [{"loc": ["reason"], "message": "required", "type": "missing"}],
            )
        return None

    return {
        "call_open": call_open,
        "eligible_region": eligible_region,
        "no_conflict": no_conflict,
        "two_reviewers": two_reviewers,
        "review_open": review_open,
        "all_scored": all_scored,
        "reason": reason,
    }


def apply(session: Session, user: Any, call_id: int, payload: Any, now: datetime.datetime | None = None):
    """A draft application of the user's organisation's project to the call (one per project and call:
    the table's unique constraint refuses a second, 409)."""
    data = _validate(ApplicationIn, payload)
    now = now or orm.utcnow()
    with transaction(session, []):
        call = _call(session, call_id)
        row = orm.CallApplication(
            call_id=call.id,
            project_id=data.project_id,
            organisation_id=user.organisation_id if user is not None else None,
            created_by=user.id if user is not None else None,
            created_at=now,
            region=data.region,
            summary=data.summary,
            state=machine(MACHINE).initial,
        )
        held = roles(session, user, row)
        session.add(row)
        # the role and the deadlines are checked first; a refusal below rolls the row back
        fire(
            session,
            MACHINE,
            row,
            "create",
            user,
            held,
            _guards(session, call, row, now),
            {"project_id": data.project_id},
        )
        project = session.get(orm.Project, data.project_id)
        if project is None or project.organisation_id != user.organisation_id:
            raise Invalid(
                "submit a project of your organisation",
                [
                    {
                        "loc": ["project_id"],
                        "message": "not a project of your organisation",
                        "type": "ownership",
                    }
                ],
            )
    return row


def act(
    session: Session,
    user: Any,
    application_id: int,
    action: str,
    payload: dict | None,
    base_url: str,
    now: datetime.datetime | None = None,
) -> orm.CallApplication:
    """Take ``action`` (a transition of the table) on an application, with its inputs ``payload``."""
    now, payload = now or orm.utcnow(), payload or {}
    conflicts: list[str] = []
    reviewer = None
    try:
        with transaction(session, []):
            row = _application(session, application_id, user)
            call = _call(session, row.call_id)
            given: dict = {"conflicts": conflicts}
            detail: dict = {}
            if action == "assign":
                reviewer = _reviewer(session, payload)
                given["reviewer"], detail["reviewer"] = reviewer, reviewer.email
            if action in ("select", "reject"):
                given["reason"] = _validate(DecisionIn, payload).reason
                detail["reason"] = given["reason"]
            scores = _validate(ScoresIn, payload) if action == "score" else None
            report = _validate(ReportIn, payload) if action == "report" else None
            guards = _guards(session, call, row, now, **given)
            fire(session, MACHINE, row, action, user, roles(session, user, row), guards, detail)
            _effect(
                session,
                user,
                row,
                call,
                action,
                base_url,
                now,
                reviewer=reviewer,
                scores=scores,
                report=report,
                reason=given.get("reason", ""),
                payload=payload,
            )
    except Conflict:
        if conflicts:  # the refused assignment is kept on the record
            with transaction(session, []):
                session.add(
                    orm.ReviewConflict(
                        application_id=application_id,
                        reviewer_id=reviewer.id,
                        reason=conflicts[0],
                        recorded_at=now,
                        recorded_by=user.id,
                    )
                )
                audit(
                    session,
                    user,
                    MACHINE,
                    application_id,
                    "conflict",
                    None,
                    {"reviewer": reviewer.email, "reason": conflicts[0]},
                )
        raise
    return row


def _reviewer(session: Session, payload: dict) -> orm.User:
    reviewer = session.get(orm.User, _validate(AssignIn, payload).reviewer_id)
    if reviewer is None or reviewer.role != "stc" or not reviewer.active:
        raise Invalid(
            "choose an active member of the STC",
            [{"loc": ["reviewer_id"], "message": "not an active STC member", "type": "reviewer"}],
        )
    return reviewer


def _effect(session, user, row, call, action, base_url, now, *, reviewer, scores, report, reason, payload):
    """What an action does beyond its new state."""
    link = f"/#/calls?application={row.id}"
    project = session.get(orm.Project, row.project_id)
    if action == "edit":
        row.summary = _validate(EditIn, payload).summary
    elif action == "assign":
        if _review(session, row.id, reviewer.id) is not None:
            raise Conflict(i18n.Text("{email} already reviews this application", email=reviewer.email))
        session.add(orm.CallReview(application_id=row.id, reviewer_id=reviewer.id, assigned_at=now))
        notify(
            session,
            reviewer,
            "assignment",
            "call_assigned",
            base_url,
            link,
            title=project.name,
            call=call.title,
            review_by=f"{call.review_by:%Y-%m-%d}",
        )
    elif action == "score":
        missing = sorted(set(call.criteria) - {c.value for c in scores.scores})
        extra = sorted({c.value for c in scores.scores} - set(call.criteria))
        if missing or extra:
            raise Invalid(
                "score every criterion of the call, and only those",
                [{"loc": ["scores", c], "message": "missing", "type": "missing"} for c in missing]
                + [
                    {"loc": ["scores", c], "message": "not a criterion of this call", "type": "extra"}
                    for c in extra
                ],
            )
        review = _review(session, row.id, user.id)
        review.scores = {c.value: s.model_dump() for c, s in scores.scores.items()}
        review.comment, review.scored_at = scores.comment, now
    elif action in ("select", "reject"):
        row.reason, row.decided_at = reason, now
        if action == "select" and project.stage == "proposed":
            project.stage = "selected"
        applicant = session.get(orm.User, row.created_by) if row.created_by else None
        if applicant is not None:
            notify(
                session,
                applicant,
                "decision",
                "call_decision",
                base_url,
                link,
                title=project.name,
                call=call.title,
                selected=action == "select",
                reason=reason,
            )
    elif action == "report":
        if session.scalar(
            select(orm.CallReport.id).where(
                orm.CallReport.application_id == row.id, orm.CallReport.year == report.year
            )
        ):
            raise Conflict(i18n.Text("the report of {year} is already there", year=report.year))
        session.add(
            orm.CallReport(application_id=row.id, created_by=user.id, created_at=now, **report.model_dump())
        )
        project.stage = "implemented"
    session.flush()


def recommendation(session: Session, row: orm.CallApplication, criteria: list[str]) -> dict | None:
    """The STC's recommendation from the scores sent: per criterion the mean (0-5), the lowest and
    highest score and their spread (highest − lowest); the overall mean of the criteria's means; the
    reviewers' comments (unsigned)."""
    scored = [r for r in _reviews(session, row.id) if r.scores is not None]
    if not scored:
        return None
    per = {}
    for c in criteria:
        values = [r.scores[c]["score"] for r in scored]
        per[c] = {
            "mean": round(statistics.fmean(values), 2),
            "min": min(values),
            "max": max(values),
            "spread": max(values) - min(values),
            "comments": [r.scores[c]["comment"] for r in scored if r.scores[c]["comment"]],
        }
    return {
        "reviewers": len(scored),
        "mean": round(statistics.fmean(p["mean"] for p in per.values()), 2),
        "criteria": per,
        "comments": [r.comment for r in scored if r.comment],
    }


def application_dict(session: Session, user: Any, row: orm.CallApplication) -> dict:
    """The application as ``user`` may see it: the scores of each review to the Secretariat and the STC;
    to the applicant the recommendation once the review is over (formative feedback); the actions the
    user may take now."""
    call = session.get(orm.ProjectCall, row.call_id)
    project = session.get(orm.Project, row.project_id)
    held = roles(session, user, row)
    insider = role_of(user) in READERS
    reviews = _reviews(session, row.id)
    reviewed = row.state not in ("draft", "submitted", "under_review")
    mine = _review(session, row.id, user.id) if user is not None else None
    out = {
        "id": row.id,
        "call": call_dict(call),
        "project": {
            "id": project.id,
            "name": project.name,
            "country_iso3": project.country_iso3,
            "stage": project.stage,
            "expected_impact": project.expected_impact,
        },
        "organisation": session.get(orm.Organisation, row.organisation_id).name,
        "region": row.region,
        "summary": row.summary,
        "state": row.state,
        "reason": row.reason,
        "created_at": _iso(row.created_at),
        "decided_at": _iso(row.decided_at),
        "actions": machine(MACHINE).allowed(row.state, held),
        "my_review": {"scores": mine.scores, "comment": mine.comment} if mine else None,
        "reviews": [
            {
                "reviewer": _name(session, r.reviewer_id),
                "reviewer_id": r.reviewer_id,
                "scored": r.scores is not None,
                "scores": r.scores if insider else None,
                "comment": r.comment if insider else None,
            }
            for r in reviews
        ]
        if insider
        else [],
        "conflicts": [
            {
                "reviewer_id": c.reviewer_id,
                "reviewer": _name(session, c.reviewer_id),
                "reason": c.reason,
                "at": _iso(c.recorded_at),
            }
            for c in session.scalars(
                select(orm.ReviewConflict).where(orm.ReviewConflict.application_id == row.id)
            )
        ]
        if insider
        else [],
        "recommendation": recommendation(session, row, call.criteria) if insider or reviewed else None,
        "reports": [
            {
                "year": r.year,
                "text": r.text,
                "measured_t_c_ha": r.measured_t_c_ha,
                "uncertainty_t_c_ha": r.uncertainty_t_c_ha,
            }
            for r in session.scalars(
                select(orm.CallReport)
                .where(orm.CallReport.application_id == row.id)
                .order_by(orm.CallReport.year)
            )
        ],
    }
    return out


def get_application(session: Session, user: Any, application_id: int) -> dict:
    return application_dict(session, user, _application(session, application_id, user))


def applications(session: Session, user: Any, call_id: int) -> list[dict]:
    """The applications to a call the user may read: all (Secretariat, STC; a reviewer's own first), or
    their organisation's."""
    _call(session, call_id)
    rows = session.scalars(
        select(orm.CallApplication)
        .where(orm.CallApplication.call_id == call_id)
        .order_by(orm.CallApplication.id)
    ).all()
    return [
        application_dict(session, user, r)
        for r in rows
        if role_of(user) in READERS or "applicant" in roles(session, user, r)
    ]


def _name(session: Session, user_id: int) -> str:
    user = session.get(orm.User, user_id)
    return user.name or user.email
