"""My notifications (domain: :mod:`permille.registry.notify`): the inbox, read marks, the e-mail mode per
kind (immediate, daily digest, off) and the one-click unsubscribe link of the e-mails."""

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse

from ...registry import notify
from ...registry.orm import User
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, require
from ..errors import ERROR_RESPONSES

Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
router = APIRouter(tags=["notifications"], responses=ERROR_RESPONSES)
Signed = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]


@router.get("/notifications")
def inbox(session: SessionDep, user: Signed, unread: bool = False) -> dict:
    """My newest notifications and how many are unread."""
    return notify.inbox(session, user, unread)


@router.post("/notifications/read")
def read_all(session: SessionDep, user: Signed) -> dict:
    """Mark all my notifications read."""
    return {"changed": notify.mark_read(session, user, None)}


@router.post("/notifications/{notification_id}/read")
def read(notification_id: Id, session: SessionDep, user: Signed) -> dict:
    """Mark one of my notifications read."""
    return {"changed": notify.mark_read(session, user, notification_id)}


@router.get("/notifications/preferences")
def preferences(session: SessionDep, user: Signed) -> dict[str, str]:
    """My e-mail mode per kind: immediate, digest or off."""
    return notify.preferences(session, user)


@router.put("/notifications/preferences")
def set_preferences(body: dict[str, str], session: SessionDep, user: Signed) -> dict[str, str]:
    """Set my e-mail mode of some kinds."""
    return notify.set_preferences(session, user, body)


Secret = Annotated[str, Path(max_length=100, description="the secret of the e-mail's unsubscribe link")]
HTML = {200: {"content": {"text/html": {}}, "description": "a page saying what was switched off"}}


def _unsubscribed(session, token: str) -> HTMLResponse:
    email, kind = notify.unsubscribe(session, token)
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>Unsubscribed</title>"
        f"<p>Unsubscribed: {kind} — {escape(email)}.</p>"
        f"<p>Désabonné : {kind}. — Suscripción cancelada: {kind}.</p>"
    )


@router.get("/notifications/unsubscribe/{token}", responses=HTML)
def unsubscribe(token: Secret, session: SessionDep) -> HTMLResponse:
    """One click from an e-mail: no more e-mails of its kind."""
    return _unsubscribed(session, token)


@router.post("/notifications/unsubscribe/{token}", responses=HTML)
def unsubscribe_one_click(token: Secret, session: SessionDep) -> HTMLResponse:
    """The same for mail clients' one-click unsubscribe (RFC 8058)."""
    return _unsubscribed(session, token)
