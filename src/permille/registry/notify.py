"""Notifications of the workflows: an entry in the user's inbox and an e-mail (the accounts' mail queue,
in the user's language), sent at once, kept for the daily digest, or not at all, per ``kind`` as the user
chose; each e-mail carries a one-click unsubscribe link for its kind."""

import secrets
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import i18n
from ..mail.compose import compose
from ..mail.queue import enqueue
from . import orm
from .service import Invalid, NotFound

KINDS = ("assignment", "decision", "answer", "question", "comment", "reminder")
"""assignment: a review or a helpdesk question given to me; decision: the Secretariat's decision on my
project; answer: an answer to my question; question: a new question for my region's helpdesk; comment: a
comment in a thread I follow (:func:`permille.registry.subjects.followers`); reminder: an event I
registered for is near (registry/calendar.py)."""
MODES = ("immediate", "digest", "off")
Mode = Literal["immediate", "digest", "off"]


def _preference(session: Session, user_id: int, kind: str) -> orm.NotificationPreference:
    row = session.scalar(
        select(orm.NotificationPreference).where(
            orm.NotificationPreference.user_id == user_id, orm.NotificationPreference.kind == kind
        )
    )
    if row is None:
        row = orm.NotificationPreference(
            user_id=user_id, kind=kind, mode="immediate", token=secrets.token_urlsafe(32)
        )
        session.add(row)
        session.flush()
    return row


def notify(
    session: Session, user: Any, kind: str, template: str, base_url: str, link: str, **values
) -> orm.Notification:
    """Tell ``user`` (in the caller's transaction): an inbox entry made from the message ``template``
    (link ``base_url`` + ``link``), e-mailed now unless the user chose the digest or switched ``kind`` off."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    preference = _preference(session, user.id, kind)
    language = i18n.language(user.language)
    kind_name = i18n.web_catalogue(language).get(f"kind.{kind}", kind)
    unsubscribe = f"{base_url.rstrip('/')}/api/notifications/unsubscribe/{preference.token}"
    message = compose(
        template,
        user.email,
        language,
        name=user.name or user.email,
        link=base_url.rstrip("/") + link,
        unsubscribe_text=i18n.gettext(
            language, "Stop these e-mails ({kind}): {link}", kind=kind_name, link=unsubscribe
        ),
        **values,
    )
    mode = preference.mode if user.active else "off"
    row = orm.Notification(
        user_id=user.id,
        at=orm.utcnow(),
        kind=kind,
        title=message.subject,
        text=message.text,
        link=link,
        mail={"immediate": "sent", "digest": "digest", "off": "off"}[mode],
    )
    session.add(row)
    if mode == "immediate":
        enqueue(session, message)
    return row


def inbox(session: Session, user: Any, unread_only: bool = False, limit: int = 100) -> dict:
    """The user's newest notifications and the count of unread ones."""
    where = [orm.Notification.user_id == user.id]
    unread = session.scalar(
        select(func.count()).where(*where, orm.Notification.read_at.is_(None)).select_from(orm.Notification)
    )
    if unread_only:
        where.append(orm.Notification.read_at.is_(None))
    rows = session.scalars(
        select(orm.Notification).where(*where).order_by(orm.Notification.id.desc()).limit(limit)
    ).all()
    return {"unread": unread, "items": [notification_dict(r) for r in rows]}


def notification_dict(row: orm.Notification) -> dict:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "kind": row.kind,
        "title": row.title,
        "text": row.text,
        "link": row.link,
        "read": row.read_at is not None,
        "mail": row.mail,
    }


def mark_read(session: Session, user: Any, notification_id: int | None) -> int:
    """Mark one notification (``None``: all) of the user read; how many changed."""
    statement = update(orm.Notification).where(
        orm.Notification.user_id == user.id, orm.Notification.read_at.is_(None)
    )
    if notification_id is not None:
        if session.get(orm.Notification, notification_id) is None:
            raise NotFound(i18n.Text("no notification {id}", id=notification_id))
        statement = statement.where(orm.Notification.id == notification_id)
    count = session.execute(statement.values(read_at=orm.utcnow())).rowcount
    session.commit()
    return count


def preferences(session: Session, user: Any) -> dict[str, str]:
    """The user's mode per kind (immediate unless chosen otherwise)."""
    rows = session.scalars(
        select(orm.NotificationPreference).where(orm.NotificationPreference.user_id == user.id)
    ).all()
    return {kind: "immediate" for kind in KINDS} | {r.kind: r.mode for r in rows}


def set_preferences(session: Session, user: Any, modes: dict[str, str]) -> dict[str, str]:
    """Set the user's mode of each kind given."""
    problems = [
        {"loc": [kind], "message": f"one of {', '.join(KINDS)}", "type": "enum"}
        for kind in modes
        if kind not in KINDS
    ] + [
        {"loc": [kind], "message": f"one of {', '.join(MODES)}", "type": "enum"}
        for kind, mode in modes.items()
        if mode not in MODES
    ]
    if problems:
        raise Invalid("unknown notification kind or mode", problems)
    for kind, mode in modes.items():
        _preference(session, user.id, kind).mode = mode
    session.commit()
    return preferences(session, user)


def unsubscribe(session: Session, token: str) -> tuple[str, str]:
    """Switch off the kind of e-mails of the link ``token``: (the user's e-mail, the kind)."""
    row = session.scalar(select(orm.NotificationPreference).where(orm.NotificationPreference.token == token))
    if row is None:
        raise NotFound(i18n.Text("this unsubscribe link is unknown"))
    row.mode = "off"
    email = session.get(orm.User, row.user_id).email
    session.commit()
    return email, row.kind


def send_digests(session: Session, base_url: str) -> int:
    """Queue one e-mail per user with the notifications kept for the digest, marked digested; how many
    e-mails (run daily, e.g. ``permille`` scheduled job)."""
    rows = session.scalars(
        select(orm.Notification).where(orm.Notification.mail == "digest").order_by(orm.Notification.id)
    ).all()
    by_user: dict[int, list[orm.Notification]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    for user_id, items in by_user.items():
        user = session.get(orm.User, user_id)
        if user.active:
            titles = "\n".join(f"- {n.title}" for n in items)
            message = compose(
                "notification_digest",
                user.email,
                user.language,
                name=user.name or user.email,
                count=len(items),
                titles=titles,
                link=base_url.rstrip("/") + "/#/inbox",
            )
            enqueue(session, message)
        for n in items:
            n.mail = "digested"
    session.commit()
    return len(by_user)
