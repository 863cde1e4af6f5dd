"""Accounts' life cycle (domain: :mod:`permille.registry.lifecycle`): public membership applications and
the Secretariat's decisions, invitations, password resets, my password and my profile. Links in e-mails
point at ``PERMILLE_PUBLIC_URL`` (the address users reach the platform at), else at the request's own
base URL. Mail is queued with the step and delivered after the answer (:mod:`permille.mail.queue`)."""

import os
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from pydantic import BaseModel, Field

from ...registry import lifecycle
from ...registry.deployment import is_deployment
from ...registry.kinds import KINDS
from ...registry.orm import User
from ...registry.schemas import Email, Strict
from ..deps import SessionDep, require
from ..errors import ERROR_RESPONSES, ApiError, ErrorBody, error_response
from ..security import RateLimited, delete_expired_tokens, issue_token, start_attempt
from .auth import Token

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)
Secretariat = Annotated[User, Depends(require("secretariat"))]
UserPublic = KINDS["users"].public
RATE_LIMITED = {429: {"model": ErrorBody, "description": "too many requests; see Retry-After"}}


NOT_CONFIGURED = {503: {"model": ErrorBody, "description": "a deployment without PERMILLE_PUBLIC_URL"}}


def public_url(request: Request) -> str:
    """The platform's address in e-mailed links: ``PERMILLE_PUBLIC_URL``; else, outside a deployment
    (:mod:`permille.registry.deployment`), the request's base URL. A deployment never takes it from the
    request, whose Host header a client chooses (a reset link pointing at another site would hand it the
    token): without the setting it answers 503 before anything is done."""
    configured = os.environ.get("PERMILLE_PUBLIC_URL", "").strip()
    if configured:
        return configured
    if is_deployment(request.app.state.engine.url):
        raise ApiError(
            503,
            "e-mailed links need the platform's address: set PERMILLE_PUBLIC_URL (e.g. https://platform.example.org)",
            code="not_configured",
        )
    return str(request.base_url)


def _deliver(request: Request, tasks: BackgroundTasks) -> None:
    tasks.add_task(request.app.state.courier.nudge)


def _limited(session, request: Request, key: str, what: str):
    """None, or the 429 answer when ``key`` (an e-mail) or the client address made too many ``what``
    requests (the sign-in limits: 5 per e-mail, 20 per address in 15 minutes)."""
    address = request.client.host if request.client else "unknown"
    try:
        start_attempt(session, f"{what}:{key}", f"{what}:{address}")
    except RateLimited as limited:
        message = f"too many requests; try again in {limited.retry_after_s} s"
        return error_response(
            429, message, code="too_many_requests", headers={"Retry-After": str(limited.retry_after_s)}
        )
    return None


# --- applications --------------------------------------------------------------------------------------------


class Application(BaseModel):
    id: int
    organisation_name: str
    membership: str
    org_type: str
    region: str | None
    country_iso3: str | None
    website: str
    contact_name: str
    contact_email: str
    language: str
    motivation: str
    state: Literal["pending", "approved", "declined"]
    reason: str
    organisation_id: int | None
    created_at: str
    decided_at: str | None


class Received(BaseModel):
    id: int
    state: str


@router.post("/applications", status_code=201, response_model=Received, responses=RATE_LIMITED)
def apply(
    application: lifecycle.ApplicationIn, session: SessionDep, request: Request, tasks: BackgroundTasks
):
    """Apply for membership (public): the Secretariat reviews it; the contact is told by e-mail."""
    refused = _limited(session, request, application.contact_email.lower(), "apply")
    if refused is not None:
        return refused
    row = lifecycle.apply(session, application)
    _deliver(request, tasks)
    return Received(id=row.id, state=row.state)


@router.get("/applications", response_model=list[Application])
def applications(
    session: SessionDep, user: Secretariat, state: Literal["pending", "approved", "declined"] | None = None
):
    """The applications (Secretariat), oldest first."""
    return [lifecycle.application_dict(a) for a in lifecycle.applications(session, user, state)]


@router.post("/applications/{application_id}/approve", response_model=Application, responses=NOT_CONFIGURED)
def approve(
    application_id: int, session: SessionDep, user: Secretariat, request: Request, tasks: BackgroundTasks
):
    """Approve: the organisation and its contact's account are created and the contact invited."""
    row = lifecycle.approve(session, application_id, user, public_url(request))
    _deliver(request, tasks)
    return lifecycle.application_dict(row)


class Decline(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=5000)]


@router.post("/applications/{application_id}/decline", response_model=Application)
def decline(
    application_id: int,
    body: Decline,
    session: SessionDep,
    user: Secretariat,
    request: Request,
    tasks: BackgroundTasks,
):
    """Decline with a reason, told to the applicant by e-mail."""
    row = lifecycle.decline(session, application_id, user, body.reason)
    _deliver(request, tasks)
    return lifecycle.application_dict(row)


# --- invitations ---------------------------------------------------------------------------------------------


@router.post("/invitations", status_code=201, response_model=UserPublic, responses=NOT_CONFIGURED)
def invite(
    invitation: lifecycle.InvitationIn,
    session: SessionDep,
    user: Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))],
    request: Request,
    tasks: BackgroundTasks,
):
    """Invite a colleague (the Secretariat; an organisation's admin into their organisation): their
    account is created without a password and a single-use link (7 days) sent to set one."""
    new = lifecycle.invite(session, user, invitation, public_url(request))
    _deliver(request, tasks)
    return new


@router.get("/invitations", response_model=list[int])
def invited(session: SessionDep, user: Secretariat):
    """The ids of the users invited who have not set a password yet (Secretariat)."""
    return lifecycle.invited_ids(session, user)


@router.post("/users/{user_id}/invitation", status_code=204, responses=NOT_CONFIGURED)
def resend_invitation(
    user_id: int, session: SessionDep, user: Secretariat, request: Request, tasks: BackgroundTasks
):
    """Send a user who has no password yet a new invitation link (the previous one stops working)."""
    lifecycle.resend_invitation(session, user, user_id, public_url(request))
    _deliver(request, tasks)


class LinkAccount(BaseModel):
    email: str
    name: str
    expires_at: str


@router.get("/invitations/{token}", response_model=LinkAccount)
def invitation(token: str, session: SessionDep):
    """The account an invitation link is for (422 when used, expired or unknown)."""
    return lifecycle.token_info(session, token, "invite")


@router.post("/invitations/accept", response_model=UserPublic)
def accept(data: lifecycle.PasswordIn, session: SessionDep):
    """Set the first password from an invitation link (single use); then sign in."""
    return lifecycle.set_password(session, data, "invite")


# --- password reset ------------------------------------------------------------------------------------------


class ResetRequest(Strict):
    email: Email


ACCOUNT_FORMS = {
    "apply": lifecycle.ApplicationIn,
    "invite": lifecycle.InvitationIn,
    "password": lifecycle.PasswordIn,
    "change-password": lifecycle.PasswordChange,
    "profile": lifecycle.ProfileIn,
    "forgot-password": ResetRequest,
}
"""The account pages' forms, rendered by the record forms' renderer (web/static/js/forms.js) from these
request models' JSON Schemas, labelled from the one catalogue (src/permille/locale, context "<form>.<field>")."""


@router.get("/forms/{name}")
def account_form(name: Literal[tuple(ACCOUNT_FORMS)]) -> dict:
    """The JSON Schema of the request an account page's form sends."""
    return ACCOUNT_FORMS[name].model_json_schema()


class Accepted(BaseModel):
    message: str


RESET_ANSWER = "if an account has this e-mail, a link to choose a new password was sent to it (valid 1 hour)"


@router.post(
    "/password-reset", status_code=202, response_model=Accepted, responses=RATE_LIMITED | NOT_CONFIGURED
)
def request_reset(body: ResetRequest, session: SessionDep, request: Request, tasks: BackgroundTasks):
    """Ask for a reset link by e-mail: the same answer whether the e-mail has an account or not; at most
    5 requests per e-mail and 20 per client address in 15 minutes (429)."""
    refused = _limited(session, request, body.email.lower(), "reset")
    if refused is not None:
        return refused
    lifecycle.request_reset(session, body.email, public_url(request))
    _deliver(request, tasks)
    return Accepted(message=RESET_ANSWER)


@router.get("/password-reset/{token}", response_model=LinkAccount)
def reset_link(token: str, session: SessionDep):
    """The account a reset link is for (422 when used, expired or unknown)."""
    return lifecycle.token_info(session, token, "reset")


@router.post("/password-reset/confirm", response_model=UserPublic)
def confirm_reset(data: lifecycle.PasswordIn, session: SessionDep, request: Request, tasks: BackgroundTasks):
    """Set a new password from a reset link (single use): every token of the user is revoked."""
    user = lifecycle.set_password(session, data, "reset")
    _deliver(request, tasks)
    return user


# --- my account ----------------------------------------------------------------------------------------------


Me = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]


@router.post("/me/password", response_model=Token)
def change_password(
    change: lifecycle.PasswordChange, session: SessionDep, user: Me, request: Request, tasks: BackgroundTasks
):
    """Change my password (any role): every token of mine is revoked, this one included; the answer is
    a new token for this session."""
    user = lifecycle.change_password(session, user, change)
    with lifecycle.transaction(session, []):
        delete_expired_tokens(session)
        token, expires_at = issue_token(session, user)
    _deliver(request, tasks)
    return Token(access_token=token, expires_at=expires_at)


@router.patch("/me", response_model=UserPublic)
def update_profile(profile: lifecycle.ProfileIn, session: SessionDep, user: Me):
    """Change my name and the language of my e-mails."""
    return lifecycle.update_profile(session, user, profile)
