"""The Secretariat's view of e-mail: the outbox folder (messages written where no SMTP server is
configured) and the queue (pending, sent and failed messages)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy import select

from ...i18n import Text
from ...mail import outbox
from ...mail.transport import Outbox
from ...registry.orm import MailMessage, User
from ..deps import SessionDep, require
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(tags=["mail"], responses=ERROR_RESPONSES)
Secretariat = Annotated[User, Depends(require("secretariat"))]


class OutboxItem(BaseModel):
    id: str
    date: str | None
    to: str
    subject: str


class Outgoing(BaseModel):
    transport: str
    outbox: bool


class QueuedMessage(BaseModel):
    id: int
    created_at: str
    recipient: str
    subject: str
    template: str
    language: str
    state: str
    attempts: int
    last_error: str


def _folder(request: Request):
    transport = request.app.state.courier.transport
    return transport.folder if isinstance(transport, Outbox) else None


@router.get("/mail", response_model=Outgoing)
def outgoing(request: Request, _user: Secretariat):
    """Where the platform's e-mail goes: an SMTP server or the outbox folder."""
    transport = request.app.state.courier.transport
    return Outgoing(transport=str(transport), outbox=isinstance(transport, Outbox))


@router.get("/mail/outbox", response_model=list[OutboxItem])
def outbox_list(request: Request, _user: Secretariat):
    """The newest 500 messages of the outbox folder, newest first (empty when mail goes by SMTP)."""
    folder = _folder(request)
    return outbox.listing(folder) if folder else []


@router.get("/mail/outbox/{message_id}")
def outbox_message(message_id: str, request: Request, _user: Secretariat) -> dict:
    """One message of the outbox: headers, plain text and HTML."""
    folder = _folder(request)
    message = outbox.read(folder, message_id) if folder else None
    if message is None:
        raise ApiError(404, Text("no message {id} in the outbox", id=message_id))
    return message


@router.get("/mail/queue", response_model=list[QueuedMessage])
def queue(session: SessionDep, _user: Secretariat, state: Literal["pending", "sent", "failed"] | None = None):
    """The newest 200 messages of the queue (of ``state``), newest first."""
    statement = select(MailMessage).order_by(MailMessage.id.desc()).limit(200)
    if state:
        statement = statement.where(MailMessage.state == state)
    return [
        QueuedMessage(
            id=m.id,
            created_at=m.created_at.isoformat(),
            recipient=m.recipient,
            subject=m.subject,
            template=m.template,
            language=m.language,
            state=m.state,
            attempts=m.attempts,
            last_error=m.last_error,
        )
        for m in session.scalars(statement)
    ]
