"""Regional helpdesks and their FAQ (domain: :mod:`permille.registry.helpdesk`; transitions:
``data/workflows/helpdesk_question.yaml``, ``faq_entry.yaml``). Asking is open to anyone, rate limited
like sign-in (5 per e-mail, 20 per client address in 15 minutes); an anonymous asker acts with the
secret token of the link mailed to them."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Path, Query, Request

from ...registry import helpdesk
from ...registry.orm import User
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, UserDep, require
from ..errors import ERROR_RESPONSES
from .accounts import RATE_LIMITED, _limited, public_url

Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
router = APIRouter(tags=["helpdesk"], responses=ERROR_RESPONSES)
Secretariat = Annotated[User, Depends(require("secretariat"))]
Signed = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]
Action = Literal["assign", "answer", "follow_up", "propose_faq", "close"]
Token = Annotated[str | None, Query(max_length=100, description="the asker's secret link token")]


@router.post("/helpdesks/questions", status_code=201, responses=RATE_LIMITED)
def ask(
    body: helpdesk.QuestionIn, session: SessionDep, user: UserDep, request: Request, tasks: BackgroundTasks
):
    """Ask a regional helpdesk (anyone; anonymous: with an e-mail address). The asker gets a link by e-mail."""
    base_url = public_url(request)  # first: a deployment without its address refuses before anything
    email = body.email or (user.email if user else "")
    refused = _limited(session, request, email.lower(), "helpdesk")
    if refused is not None:
        return refused
    row, _token = helpdesk.ask(session, user, body, base_url)
    tasks.add_task(request.app.state.courier.nudge)
    return {"id": row.id, "state": row.state}


@router.get("/helpdesks/questions")
def queue(session: SessionDep, user: Signed) -> list[dict]:
    """Questions for me: all (Secretariat, STC), my regions' (an expert), or mine."""
    return helpdesk.queue(session, user)


@router.get("/helpdesks/questions/{question_id}")
def question(question_id: Id, session: SessionDep, user: UserDep, token: Token = None) -> dict:
    """A question and its thread (the asker, with their token if anonymous; experts; the Secretariat)."""
    return helpdesk.get_question(session, user, question_id, token)


@router.post("/helpdesks/questions/{question_id}/{action}")
def act(
    question_id: Id,
    action: Action,
    session: SessionDep,
    user: UserDep,
    request: Request,
    tasks: BackgroundTasks,
    token: Token = None,
    body: Annotated[dict[str, Any] | None, Body()] = None,
) -> dict:
    """assign {expert_id}, answer {text}, follow_up {text} (the asker), propose_faq {question, answer,
    language}, close. Wrong state: 409; role not allowed: 403."""
    helpdesk.act(session, user, question_id, action, body, public_url(request), token)
    tasks.add_task(request.app.state.courier.nudge)
    return helpdesk.get_question(session, user, question_id, token)


@router.get("/helpdesks/experts")
def experts(session: SessionDep, user: Signed) -> list[dict]:
    """The helpdesks' experts with their regions and topics."""
    return helpdesk.experts(session)


@router.put("/helpdesks/experts/{user_id}")
def set_expert(user_id: Id, body: helpdesk.ExpertIn, session: SessionDep, user: Secretariat) -> dict:
    """Name a partner or STC user expert of regions and topics (the Secretariat)."""
    return helpdesk.set_expert(session, user, user_id, body)


@router.get("/faq")
def faq(
    session: SessionDep,
    user: UserDep,
    q: Annotated[str, Query(max_length=200)] = "",
    language: Literal["en", "fr", "es"] | None = None,
    state: Literal["published", "proposed", "declined"] = "published",
) -> list[dict]:
    """Search the FAQ (public: published entries; the Secretariat: proposed ones to review)."""
    return helpdesk.faq(session, user, q, language, state)


@router.post("/faq/{entry_id}/{action}")
def decide_faq(
    entry_id: Id, action: Literal["publish", "decline", "withdraw"], session: SessionDep, user: Secretariat
) -> dict:
    """Publish, decline or withdraw a proposed FAQ entry (the Secretariat)."""
    return helpdesk.faq_dict(helpdesk.decide_faq(session, user, entry_id, action))
