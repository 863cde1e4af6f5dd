"""Sign-in: ``POST /api/auth/token`` (e-mail and password → a bearer token), ``DELETE /api/auth/token``
(sign out: the token stops working) and ``GET /api/me``."""

import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlalchemy import delete

from ...registry.accounts import authenticate
from ...registry.kinds import KINDS
from ...registry.orm import ApiToken, User
from ...registry.schemas import Strict
from ..deps import SessionDep, bearer, current_user
from ..errors import ERROR_RESPONSES, ApiError
from ..security import issue_token, token_digest

router = APIRouter(tags=["auth"], responses=ERROR_RESPONSES)
UserPublic = KINDS["users"].public


class Credentials(Strict):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=200)


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime.datetime


@router.post("/auth/token", response_model=Token)
def sign_in(credentials: Credentials, session: SessionDep) -> Token:
    """A bearer token for the user with this e-mail and password (401 otherwise; the same answer
    whether the e-mail is unknown or the password wrong)."""
    user = authenticate(session, credentials.email, credentials.password)
    if user is None:
        raise ApiError(401, "unknown e-mail or wrong password", code="invalid_credentials")
    token, expires_at = issue_token(session, user)
    session.commit()
    return Token(access_token=token, expires_at=expires_at)


@router.get("/me", response_model=UserPublic)
def me(user: Annotated[User | None, Depends(current_user)]):
    """The signed-in user (401 without a token)."""
    if user is None:
        raise ApiError(401, "sign in first")
    return user


@router.delete("/auth/token", status_code=204)
def sign_out(
    session: SessionDep,
    user: Annotated[User | None, Depends(current_user)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Revoke the token of this request (401 without a valid one)."""
    if user is None or credentials is None:
        raise ApiError(401, "sign in first")
    session.execute(delete(ApiToken).where(ApiToken.token_hash == token_digest(credentials.credentials)))
    session.commit()
