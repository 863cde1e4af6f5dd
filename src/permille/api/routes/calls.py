"""Calls for projects and comment threads (domain: :mod:`permille.registry.calls`; transitions:
``data/workflows/call_application.yaml``): open a call, apply, and one route per workflow action."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Path, Request

from ...registry import calls
from ...registry import comments as comments_domain
from ...registry.orm import User
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, UserDep, require
from ..errors import ERROR_RESPONSES
from .accounts import public_url

Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
router = APIRouter(tags=["calls"], responses=ERROR_RESPONSES)
Secretariat = Annotated[User, Depends(require("secretariat"))]
Signed = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]
Action = Literal[
    "edit", "submit", "assign", "start_review", "score", "recommend", "select", "reject", "report", "close"
]


@router.get("/calls")
def list_calls(session: SessionDep) -> list[dict]:
    """Every call for projects, newest first (public)."""
    return calls.calls(session)


@router.post("/calls", status_code=201)
def open_call(body: calls.CallIn, session: SessionDep, user: Secretariat) -> dict:
    """Open a call (the Secretariat): dates, eligible regions, the criteria the STC scores."""
    return calls.call_dict(calls.open_call(session, user, body))


@router.get("/calls/{call_id}/applications")
def applications(call_id: Id, session: SessionDep, user: Signed) -> list[dict]:
    """The applications to a call I may read (Secretariat and STC: all; members: their organisation's)."""
    return calls.applications(session, user, call_id)


@router.post("/calls/{call_id}/applications", status_code=201)
def apply(call_id: Id, body: calls.ApplicationIn, session: SessionDep, user: Signed) -> dict:
    """Apply with a project of my organisation (a draft until submitted; before the deadline)."""
    row = calls.apply(session, user, call_id, body)
    return calls.get_application(session, user, row.id)


@router.get("/call-applications/{application_id}")
def application(application_id: Id, session: SessionDep, user: Signed) -> dict:
    """An application, its reviews (Secretariat, STC), recommendation, decision and reports."""
    return calls.get_application(session, user, application_id)


@router.post("/call-applications/{application_id}/{action}")
def act(
    application_id: Id,
    action: Action,
    session: SessionDep,
    user: Signed,
    request: Request,
    tasks: BackgroundTasks,
    body: Annotated[dict[str, Any] | None, Body()] = None,
) -> dict:
    """Take a workflow action: edit {summary}, submit, assign {reviewer_id}, start_review, score {scores,
    comment}, recommend, select / reject {reason}, report {year, text, measured_t_c_ha,
    uncertainty_t_c_ha}, close. Wrong state: 409; role not allowed: 403; past a deadline: 409."""
    calls.act(session, user, application_id, action, body, public_url(request))
    tasks.add_task(request.app.state.courier.nudge)
    return calls.get_application(session, user, application_id)


@router.get("/comments/{kind}/{record_id}")
def comments(kind: comments_domain.Kind, record_id: Id, session: SessionDep, user: UserDep) -> list[dict]:
    """The comment thread of a record I may read (project, practice, call application, helpdesk question:
    its experts' notes, working group: its members)."""
    return comments_domain.thread(session, kind, record_id, user)


@router.post("/comments/{kind}/{record_id}", status_code=201)
def comment(
    kind: comments_domain.Kind,
    record_id: Id,
    body: comments_domain.CommentIn,
    session: SessionDep,
    user: Signed,
    request: Request,
    tasks: BackgroundTasks,
) -> list[dict]:
    """Comment on a record I may read (its followers are told); the thread as it is now."""
    comments_domain.add(session, kind, record_id, user, body, public_url(request))
    tasks.add_task(request.app.state.courier.nudge)
    return comments_domain.thread(session, kind, record_id, user)
