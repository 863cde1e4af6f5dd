"""The calendar (domain: :mod:`permille.registry.calendar`): the published meetings and events, the
registration of signed-in users, and the iCalendar files (RFC 5545): the public feed and one per event."""

import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from ...registry import calendar
from ...registry.orm import User
from ...registry.schemas import MAX_INTEGER, Region
from ..deps import SessionDep, UserDep, require
from ..errors import ERROR_RESPONSES
from .accounts import public_url

router = APIRouter(tags=["calendar"], responses=ERROR_RESPONSES)
Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
Signed = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]
Secretariat = Annotated[User, Depends(require("secretariat"))]
ICS = {200: {"content": {"text/calendar": {}}, "description": "an iCalendar file (RFC 5545)"}}
EventType = Literal["meeting", "regional_event", "webinar", "forum"]


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.get("/calendar/events")
def events(
    session: SessionDep,
    user: UserDep,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    region: Region | None = None,
    meeting_type: EventType | None = None,
) -> list[dict]:
    """The published events from ``start`` to ``end`` (dates included): seats taken and left, and whether
    I registered."""
    return calendar.events(session, user, start=start, end=end, region=region, meeting_type=meeting_type)


@router.get("/calendar/events.ics", responses=ICS)
def feed(session: SessionDep, request: Request, region: Region | None = None) -> Response:
    """The public iCalendar feed of the published events (subscribe to it in a calendar application)."""
    return _ics(calendar.feed(session, public_url(request), region), "4p1000-events.ics")


@router.get("/calendar/events/{meeting_id}")
def event(meeting_id: Id, session: SessionDep, user: UserDep) -> dict:
    """One published event."""
    return calendar.get_event(session, user, meeting_id)


@router.get("/calendar/events/{meeting_id}/event.ics", responses=ICS)
def event_ics(meeting_id: Id, session: SessionDep, request: Request) -> Response:
    """The iCalendar file of one published event."""
    return _ics(calendar.event_ics(session, meeting_id, public_url(request)), f"event-{meeting_id}.ics")


@router.post("/calendar/events/{meeting_id}/register")
def register(meeting_id: Id, session: SessionDep, user: Signed) -> dict:
    """Register me (409 when full, already registered or past)."""
    return calendar.register(session, user, meeting_id)


@router.post("/calendar/events/{meeting_id}/cancel")
def cancel(meeting_id: Id, session: SessionDep, user: Signed) -> dict:
    """Cancel my registration."""
    return calendar.cancel(session, user, meeting_id)


@router.get("/calendar/events/{meeting_id}/registrations")
def registrations(meeting_id: Id, session: SessionDep, _user: Secretariat) -> list[dict]:
    """Who registered (the Secretariat)."""
    return calendar.registrations(session, meeting_id)
