"""The persisted queue of e-mails.

:func:`enqueue` adds a message in the caller's transaction: it is committed with the action that causes
it (an approval, an invitation, a reset) or not at all, so a failing mail server never loses the action.
:func:`deliver_due` sends the due messages, each claimed first (its ``next_attempt_at`` moved on by
:data:`CLAIM`, so that two processes never send one message twice at once); a failure is recorded and
retried after :data:`RETRY_DELAYS` (1 min, 5 min, 15 min, 1 h, 4 h, 12 h), then the message is marked
failed (still listed, ``permille mail retry`` sends it again). :class:`Courier` delivers right after each
request that queued mail and every :data:`POLL_S` seconds.
"""

import asyncio
import datetime
import logging
import threading
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..registry.orm import MailMessage, utcnow
from .compose import Message
from .transport import Transport, email_message

_log = logging.getLogger(__name__)
RETRY_DELAYS = tuple(datetime.timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720))
CLAIM = datetime.timedelta(minutes=5)
"""How long a claimed message is left to its sender before another process may try it."""
POLL_S = 30.0
BATCH = 50


def enqueue(session: Session, message: Message) -> MailMessage:
    """Queue ``message`` in ``session``'s transaction (sent after commit)."""
    row = MailMessage(
        created_at=utcnow(),
        recipient=message.recipient,
        subject=message.subject,
        text=message.text,
        html=message.html,
        language=message.language,
        template=message.template,
        state="pending",
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    session.add(row)
    return row


def _claim(session: Session, message_id: int, now: datetime.datetime) -> bool:
    claimed = session.execute(
        update(MailMessage)
        .where(
            MailMessage.id == message_id, MailMessage.state == "pending", MailMessage.next_attempt_at <= now
        )
        .values(next_attempt_at=now + CLAIM)
    ).rowcount
    session.commit()
    return claimed == 1


def deliver_due(
    session: Session, transport: Transport, sender: str, now: datetime.datetime | None = None
) -> dict:
    """Send every due pending message (at most :data:`BATCH`); counts ``{"sent", "failed", "retry"}``."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = session.scalars(
        select(MailMessage.id)
        .where(MailMessage.state == "pending", MailMessage.next_attempt_at <= now)
        .order_by(MailMessage.id)
        .limit(BATCH)
    ).all()
    session.commit()
    for message_id in due:
        if not _claim(session, message_id, now):
            continue
        row = session.get(MailMessage, message_id)
        message = Message(row.recipient, row.subject, row.text, row.html, row.language, row.template)
        try:
            transport.send(email_message(message, sender))
        except Exception as error:  # any failure of the server or the network: try again later
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts > len(RETRY_DELAYS):
                row.state = "failed"
                counts["failed"] += 1
            else:
                row.next_attempt_at = utcnow() + RETRY_DELAYS[row.attempts - 1]
                counts["retry"] += 1
            _log.warning(
                "sending mail %s to %s failed (attempt %s): %s", row.id, row.recipient, row.attempts, error
            )
        else:
            row.attempts += 1
            row.state, row.sent_at, row.last_error = "sent", utcnow(), ""
            counts["sent"] += 1
        session.commit()
    return counts


def retry_failed(session: Session) -> int:
    """Put every failed message back in the queue, due now; how many."""
    count = session.execute(
        update(MailMessage)
        .where(MailMessage.state == "failed")
        .values(state="pending", next_attempt_at=utcnow())
    ).rowcount
    session.commit()
    return count


class Courier:
    """Delivers the queue of one app: :meth:`nudge` after a request that queued mail (in a thread, so the
    answer never waits for the mail server), and :meth:`run` every :data:`POLL_S` seconds for retries."""

    def __init__(self, sessions: Callable[[], Session], transport: Transport, sender: str):
        self.sessions, self.transport, self.sender = sessions, transport, sender
        self._lock = threading.Lock()

    def deliver(self) -> dict:
        with self._lock, self.sessions() as session:
            return deliver_due(session, self.transport, self.sender)

    def nudge(self) -> None:
        try:
            self.deliver()
        except Exception:  # the database gone for a moment: the next poll tries again
            _log.exception("delivering the mail queue failed")

    async def run(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            await asyncio.to_thread(self.nudge)
