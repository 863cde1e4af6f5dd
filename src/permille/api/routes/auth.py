"""Sign-in: ``POST /api/auth/token`` (e-mail and password → a bearer token; rate-limited),
``DELETE /api/auth/token`` (sign out: this token stops working), ``DELETE /api/auth/tokens`` (log out
everywhere: every token of the user stops working) and ``GET /api/me``."""

import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlalchemy import delete

from ... import i18n
from ...registry import service
from ...registry.accounts import authenticate, find_user, record_sign_in, revoke_tokens
from ...registry.kinds import KINDS
from ...registry.orm import ApiToken, User
from ...registry.schemas import Strict
from ..deps import SessionDep, bearer, current_user
from ..errors import ERROR_RESPONSES, ApiError, ErrorBody, error_response
from ..readmodels import SIGN_IN, TOKENS
from ..security import (
    RateLimited,
    clear_attempts,
    delete_expired_tokens,
    issue_token,
    normalised_email,
    start_attempt,
    token_digest,
)

router = APIRouter(tags=["auth"], responses=ERROR_RESPONSES)
UserPublic = KINDS["users"].public
SIGN_IN_AUDIT_KIND = "sign-in"
"""``kind`` of the audit-log rows of failed sign-ins (``action`` "failed"; ``record_id`` the user's id,
0 for an unknown e-mail; ``after``: the e-mail as typed, the client address and the reason)."""


class Credentials(Strict):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=200)


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime.datetime


def _failure_reason(user: User | None) -> str:
    if user is None:
        return "unknown e-mail"
    return "inactive user" if not user.active else "wrong password"


@router.post(
    "/auth/token",
    response_model=Token,
    responses={429: {"model": ErrorBody, "description": "too many failed sign-ins; see Retry-After"}},
)
def sign_in(credentials: Credentials, session: SessionDep, request: Request):
    """A bearer token for the user with this e-mail and password (401 otherwise; the same answer
    whether the e-mail is unknown or the password wrong). After 5 failures for one e-mail, or 20 from one
    client address, within 15 minutes: 429 with ``Retry-After`` (seconds). Failures are audited."""
    address = request.client.host if request.client else "unknown"
    try:
        start_attempt(session, credentials.email, address)
    except RateLimited as limited:
        return error_response(
            429, str(limited), code="too_many_requests", headers={"Retry-After": str(limited.retry_after_s)}
        )
    user = authenticate(session, credentials.email, credentials.password)
    if user is None:
        known = find_user(session, credentials.email)
        with service.transaction(session, []):
            after = {
                "email": normalised_email(credentials.email),
                "address": address,
                "reason": _failure_reason(known),
            }
            service.audit(session, None, SIGN_IN_AUDIT_KIND, known.id if known else 0, "failed", None, after)
        raise ApiError(401, i18n.Text("unknown e-mail or wrong password"), code="invalid_credentials")
    changes: list[dict] = []
    with service.transaction(session, changes):
        clear_attempts(session, credentials.email)
        delete_expired_tokens(session)
        token, expires_at = issue_token(session, user, user_agent=request.headers.get("user-agent"))
        if record_sign_in(session, user):  # KPI D1
            changes.append({"kind": SIGN_IN, "action": "create", "id": user.id, "country_iso3": None})
    return Token(access_token=token, expires_at=expires_at)


@router.get("/me", response_model=UserPublic)
def me(user: Annotated[User | None, Depends(current_user)]):
    """The signed-in user (401 without a token)."""
    if user is None:
        raise ApiError(401, i18n.Text("sign in first"))
    return user


def _revoked(user: User) -> dict:
    """The change event of a sign-out: every process drops the readers it keeps for tokens."""
    return {"kind": TOKENS, "action": "revoke", "id": user.id, "country_iso3": None}


@router.delete("/auth/token", status_code=204)
def sign_out(
    session: SessionDep,
    user: Annotated[User | None, Depends(current_user)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Revoke the token of this request (401 without a valid one)."""
    if user is None or credentials is None:
        raise ApiError(401, i18n.Text("sign in first"))
    with service.transaction(session, [_revoked(user)]):
        session.execute(delete(ApiToken).where(ApiToken.token_hash == token_digest(credentials.credentials)))


@router.delete("/auth/tokens", status_code=204)
def sign_out_everywhere(session: SessionDep, user: Annotated[User | None, Depends(current_user)]) -> None:
    """Log out everywhere: revoke every token of the signed-in user, this one included (401 without a
    valid token)."""
    if user is None:
        raise ApiError(401, i18n.Text("sign in first"))
    with service.transaction(session, [_revoked(user)]):
        revoke_tokens(session, user.id)
