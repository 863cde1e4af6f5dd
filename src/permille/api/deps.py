"""Request dependencies: a database session, the signed-in user (optional) and role requirements."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from .. import i18n
from ..registry.orm import User
from ..registry.permissions import Role
from .errors import ApiError, request_language
from .readmodels import read_scope
from .security import token_for

bearer = HTTPBearer(auto_error=False, description="a token from POST /api/auth/token")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session on the app's database, closed after the request — on the event loop, so that closing
    (handing its connection back) never waits for a worker thread while threads wait for connections."""
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User | None:
    """The user of the Bearer token, None without one; an unknown or expired token is refused (401).
    The reader is kept for the fast path of cached reads (:class:`permille.api.readmodels.Readers`)."""
    if credentials is None:
        return None
    models = request.app.state.readmodels
    generation = models.readers.generation()
    found = token_for(session, credentials.credentials)
    session.commit()  # end the read: the connection goes back to the pool until the route needs one
    if found is None:
        raise ApiError(
            401,
            i18n.Text("the token is unknown or has expired; sign in again"),
            code="invalid_token",
        )
    user, digest, expires_at = found
    if models.enabled:
        models.readers.remember(digest, read_scope(user), expires_at.timestamp(), generation)
    return user


UserDep = Annotated[User | None, Depends(current_user)]
LanguageDep = Annotated[str, Depends(request_language)]
"""The reader's language (``?lang=``, else ``Accept-Language``, else English): a route taking it as ``lang``
answers in it, and its cached answers are kept per language (:func:`permille.api.readmodels.cached`)."""


def require(*roles: Role | str):
    """A dependency giving the signed-in user if their role is one of ``roles`` (401 anonymous, 403 else)."""
    allowed = {Role(r) for r in roles}

    def dependency(user: UserDep) -> User:
        if user is None:
            raise ApiError(401, i18n.Text("sign in first"))
        if Role(user.role) not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise ApiError(
                403, i18n.Text("this needs the role {roles}; you are {role}", roles=names, role=user.role)
            )
        return user

    return dependency
