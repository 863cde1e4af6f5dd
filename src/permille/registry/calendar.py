"""The calendar: the published meetings and events (record kind ``meetings``, except meeting notes) with
registration of signed-in users (``capacity`` seats, cancel), reminders the day before (notification kind
``reminder``: inbox and e-mail) and iCalendar files (RFC 5545): the public feed and one file per event."""

import datetime
from typing import Any

from icalendar import Calendar, Event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import i18n
from . import orm
from .directory import country_name
from .notify import notify
from .service import Conflict, NotFound, audit, transaction

EVENT_TYPES = ("meeting", "regional_event", "webinar", "forum")
"""The meeting types the calendar shows (``notes`` are minutes, not events)."""
REMINDER_DAYS = 1
"""Registered users are reminded this many days before the event (UTC dates)."""
PRODID = "-//4 per 1000 Initiative//permille calendar//EN"


def _visible():
    return [orm.Meeting.published.is_(True), orm.Meeting.meeting_type.in_(EVENT_TYPES)]


def _event(session: Session, meeting_id: int, *, lock: bool = False) -> orm.Meeting:
    query = select(orm.Meeting).where(orm.Meeting.id == meeting_id, *_visible())
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(i18n.Text("no published event {id}", id=meeting_id))
    return row


def _registered(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(orm.EventRegistration.meeting_id, func.count())
        .where(
            orm.EventRegistration.meeting_id.in_(meeting_ids), orm.EventRegistration.cancelled_at.is_(None)
        )
        .group_by(orm.EventRegistration.meeting_id)
    ).all()
    return dict(rows)


def _mine(session: Session, user: Any, meeting_ids: list[int]) -> set[int]:
    if user is None:
        return set()
    return set(
        session.scalars(
            select(orm.EventRegistration.meeting_id).where(
                orm.EventRegistration.user_id == user.id,
                orm.EventRegistration.meeting_id.in_(meeting_ids),
                orm.EventRegistration.cancelled_at.is_(None),
            )
        )
    )


def event_dict(row: orm.Meeting, registered: int, mine: bool) -> dict:
    """An event as the calendar shows it; ``seats_left`` None when there is no limit."""
    return {
        "id": row.id,
        "title": row.title,
        "meeting_type": row.meeting_type,
        "date": row.date.isoformat(),
        "region": row.region,
        "country_iso3": row.country_iso3,
        "country": country_name(row.country_iso3),
        "location": row.location,
        "notes": row.notes,
        "capacity": row.capacity,
        "registered": registered,
        "seats_left": None if row.capacity is None else max(row.capacity - registered, 0),
        "mine": mine,
        "demo": row.demo,
    }


def events(
    session: Session,
    user: Any,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    region: str | None = None,
    meeting_type: str | None = None,
) -> list[dict]:
    """The published events from ``start`` to ``end`` (dates included), by date."""
    query = select(orm.Meeting).where(*_visible())
    if start is not None:
        query = query.where(orm.Meeting.date >= start)
    if end is not None:
        query = query.where(orm.Meeting.date <= end)
    if region:
        query = query.where(orm.Meeting.region == region)
    if meeting_type:
        query = query.where(orm.Meeting.meeting_type == meeting_type)
    rows = session.scalars(query.order_by(orm.Meeting.date, orm.Meeting.id).limit(1000)).all()
    ids = [r.id for r in rows]
    counts, mine = _registered(session, ids), _mine(session, user, ids)
    return [event_dict(r, counts.get(r.id, 0), r.id in mine) for r in rows]


def get_event(session: Session, user: Any, meeting_id: int) -> dict:
    row = _event(session, meeting_id)
    return event_dict(
        row, _registered(session, [row.id]).get(row.id, 0), row.id in _mine(session, user, [row.id])
    )


def register(session: Session, user: Any, meeting_id: int, today: datetime.date | None = None) -> dict:
    """Register the signed-in ``user`` for the event (again after a cancellation): refused (409) once the
    event's day has passed or when every seat is taken. The meeting row is locked (PostgreSQL) or the
    write lock held (SQLite), so two last registrations cannot both take the last seat."""
    today = today or datetime.datetime.now(datetime.UTC).date()
    with transaction(session, []):
        row = _event(session, meeting_id, lock=True)
        if row.date < today:
            raise Conflict(
                i18n.Text("the event took place on {date}; registration is closed", date=row.date.isoformat())
            )
        seat = session.scalar(
            select(orm.EventRegistration).where(
                orm.EventRegistration.meeting_id == row.id, orm.EventRegistration.user_id == user.id
            )
        )
        if seat is not None and seat.cancelled_at is None:
            raise Conflict(i18n.Text("you are already registered for this event"))
        taken = _registered(session, [row.id]).get(row.id, 0)
        if row.capacity is not None and taken >= row.capacity:
            raise Conflict(
                i18n.Text("the event is full ({n} seat)", "the event is full ({n} seats)", n=row.capacity)
            )
        if seat is None:
            seat = orm.EventRegistration(meeting_id=row.id, user_id=user.id, created_at=orm.utcnow())
            session.add(seat)
        else:
            seat.cancelled_at, seat.reminded_at, seat.created_at = None, None, orm.utcnow()
        session.flush()
        audit(session, user, "event_registration", seat.id, "register", None, {"meeting_id": row.id})
    return get_event(session, user, meeting_id)


def cancel(session: Session, user: Any, meeting_id: int) -> dict:
    """Cancel the user's registration (404 when they hold none); the seat is free again."""
    with transaction(session, []):
        row = _event(session, meeting_id, lock=True)
        seat = session.scalar(
            select(orm.EventRegistration).where(
                orm.EventRegistration.meeting_id == row.id,
                orm.EventRegistration.user_id == user.id,
                orm.EventRegistration.cancelled_at.is_(None),
            )
        )
        if seat is None:
            raise NotFound(i18n.Text("you are not registered for this event"))
        seat.cancelled_at = orm.utcnow()
        audit(session, user, "event_registration", seat.id, "cancel", {"meeting_id": row.id}, None)
    return get_event(session, user, meeting_id)


def registrations(session: Session, meeting_id: int) -> list[dict]:
    """Who registered for the event (the Secretariat's list): name, e-mail, organisation, when."""
    _event(session, meeting_id)
    rows = session.execute(
        select(orm.EventRegistration, orm.User)
        .join(orm.User, orm.User.id == orm.EventRegistration.user_id)
        .where(orm.EventRegistration.meeting_id == meeting_id, orm.EventRegistration.cancelled_at.is_(None))
        .order_by(orm.EventRegistration.created_at)
    ).all()
    return [
        {
            "name": u.name,
            "email": u.email,
            "organisation_id": u.organisation_id,
            "at": r.created_at.isoformat(),
        }
        for r, u in rows
    ]


def send_reminders(session: Session, base_url: str, today: datetime.date | None = None) -> int:
    """Remind each user registered for an event of the next :data:`REMINDER_DAYS` days (today included)
    once: an inbox entry and an e-mail (kind ``reminder``, as the user chose); how many reminders."""
    today = today or datetime.datetime.now(datetime.UTC).date()
    with transaction(session, []):
        rows = session.execute(
            select(orm.EventRegistration, orm.Meeting, orm.User)
            .join(orm.Meeting, orm.Meeting.id == orm.EventRegistration.meeting_id)
            .join(orm.User, orm.User.id == orm.EventRegistration.user_id)
            .where(
                *_visible(),
                orm.EventRegistration.cancelled_at.is_(None),
                orm.EventRegistration.reminded_at.is_(None),
                orm.Meeting.date >= today,
                orm.Meeting.date <= today + datetime.timedelta(days=REMINDER_DAYS),
            )
            .order_by(orm.EventRegistration.id)
        ).all()
        for seat, meeting, user in rows:
            notify(
                session, user, "reminder", "event_reminder", base_url, f"/#/calendar?event={meeting.id}",
                title=meeting.title, date=meeting.date.isoformat(), location=meeting.location or "–",
            )  # fmt: skip
            seat.reminded_at = orm.utcnow()
    return len(rows)


def _ical_event(row: orm.Meeting, base_url: str, host: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{row.id}@{host}")
    event.add("dtstamp", row.updated_at)
    event.add("last-modified", row.updated_at)
    event.add("dtstart", row.date)  # an all-day event: VALUE=DATE
    event.add("dtend", row.date + datetime.timedelta(days=1))  # DTEND is exclusive (RFC 5545 §3.6.1)
    event.add("summary", row.title)
    if row.location:
        event.add("location", row.location)
    if row.notes:
        event.add("description", row.notes)
    event.add("categories", [row.meeting_type])
    event.add("url", f"{base_url.rstrip('/')}/#/calendar?event={row.id}")
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _host(base_url: str) -> str:
    return base_url.split("://", 1)[-1].split("/", 1)[0] or "permille"


def feed(session: Session, base_url: str, region: str | None = None) -> bytes:
    """The public iCalendar feed: every published event (of ``region`` when given)."""
    query = select(orm.Meeting).where(*_visible())
    if region:
        query = query.where(orm.Meeting.region == region)
    calendar = _calendar("4 per 1000" + (f" — {region}" if region else ""))
    for row in session.scalars(query.order_by(orm.Meeting.date, orm.Meeting.id).limit(5000)):
        calendar.add_component(_ical_event(row, base_url, _host(base_url)))
    return calendar.to_ical()


def event_ics(session: Session, meeting_id: int, base_url: str) -> bytes:
    """The iCalendar file of one published event."""
    row = _event(session, meeting_id)
    calendar = _calendar(row.title)
    calendar.add_component(_ical_event(row, base_url, _host(base_url)))
    return calendar.to_ical()
