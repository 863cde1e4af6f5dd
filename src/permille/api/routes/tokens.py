"""The signed-in user's active tokens (the "my profile" page lists and revokes them):
``GET /api/me/tokens`` and ``DELETE /api/me/tokens/{token_id}``. A user holds at most
:data:`permille.api.security.MAX_TOKENS_PER_USER` active tokens (a new sign-in revokes the oldest)."""

import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlalchemy import delete, select

from ... import i18n
from ...registry import service
from ...registry.orm import ApiToken, User, utcnow
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, bearer, current_user
from ..errors import ERROR_RESPONSES, ApiError
from ..readmodels import TOKENS
from ..security import token_digest

router = APIRouter(tags=["auth"], responses=ERROR_RESPONSES)


class TokenInfo(BaseModel):
    id: int
    created: datetime.datetime = Field(description="when it was issued (UTC)")
    last_used: datetime.datetime | None = Field(description="last request with it (UTC, to 5 minutes)")
    expires: datetime.datetime = Field(description="when it stops working (UTC)")
    user_agent: str | None = Field(description="the client that signed in (its User-Agent), if known")
    current: bool = Field(description="the token of this request")


def _signed_in(user: User | None, credentials: HTTPAuthorizationCredentials | None) -> tuple[User, str]:
    if user is None or credentials is None:
        raise ApiError(401, i18n.Text("sign in first"))
    return user, token_digest(credentials.credentials)


@router.get("/me/tokens", response_model=list[TokenInfo], summary="My active tokens, newest first")
def my_tokens(
    session: SessionDep,
    user: Annotated[User | None, Depends(current_user)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
):
    user, digest = _signed_in(user, credentials)
    rows = session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [
        TokenInfo(
            id=row.id,
            created=row.created_at,
            last_used=row.last_used_at,
            expires=row.expires_at,
            user_agent=row.user_agent,
            current=row.token_hash == digest,
        )
        for row in rows
    ]


@router.delete("/me/tokens/{token_id}", status_code=204, summary="Revoke one of my tokens")
def revoke_my_token(
    token_id: Annotated[int, Path(ge=1, le=MAX_INTEGER)],
    session: SessionDep,
    user: Annotated[User | None, Depends(current_user)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Revoke the token ``token_id`` of the signed-in user (this one too, if named); 404 when the user
    has no such token."""
    user, _ = _signed_in(user, credentials)
    change = {"kind": TOKENS, "action": "revoke", "id": user.id, "country_iso3": None}
    with service.transaction(session, [change]):
        gone = session.execute(delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
        if not gone.rowcount:
            raise service.NotFound(f"you have no token {token_id}")
