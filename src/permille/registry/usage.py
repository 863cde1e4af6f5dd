"""Toolkit usage rows (KPI B4) that one caller cannot inflate: a use counts once per calculator, country,
actor and UTC day. The actor is the signed-in user (``user:<id>``) or, anonymous, the client
(``client:<hex>``, the SHA-256 of a random salt of the day, the client address and the day). The address
itself is never stored, and each day's salt is deleted once the day is over, so that an old hash cannot be
linked back to an address by hashing every possible one.
"""

import datetime
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import events
from .db import IMMEDIATE
from .orm import ToolkitUsage, UsageSalt

USAGE_KIND = "toolkit_usage"
"""``kind`` of the change published after a new usage row (not a record kind: the public stream skips it)."""


def _salt(session: Session, day: datetime.date) -> str:
    """The salt of ``day``, made on its first use (once across processes: the day is the primary key);
    the salts of earlier days are deleted."""
    salt = session.get(UsageSalt, day)
    if salt is not None:
        return salt.salt
    try:
        with session.begin_nested():
            session.add(UsageSalt(day=day, salt=secrets.token_hex(32)))
    except IntegrityError:  # another request made it meanwhile
        pass
    session.execute(delete(UsageSalt).where(UsageSalt.day < day))
    return session.get(UsageSalt, day, populate_existing=True).salt


def client_actor(session: Session, address: str, day: datetime.date) -> str:
    """``client:<hex>``: the salted hash of ``address`` on ``day`` (the address is not kept)."""
    digest = hashlib.sha256(f"{_salt(session, day)}|{address}|{day.isoformat()}".encode()).hexdigest()
    return f"client:{digest}"


def record_use(
    session: Session,
    tool: str,
    country_iso3: str | None,
    *,
    user_id: int | None = None,
    organisation_id: int | None = None,
    client_address: str | None = None,
    now: datetime.datetime | None = None,
) -> int | None:
    """Count one use of ``tool`` for ``country_iso3`` by the user ``user_id`` or else the client at
    ``client_address``; commits and publishes ``{"kind": "toolkit_usage", …}``. Returns the new row's id,
    or None when nothing was counted (no country, or this actor already counted today)."""
    if not country_iso3:
        return None
    now = now or datetime.datetime.now(datetime.UTC)
    day = now.astimezone(datetime.UTC).date()
    if session.in_transaction():
        session.commit()  # end a read (the token lookup) so this write starts with the write lock
    session.connection(execution_options=IMMEDIATE)  # SQLite: writers queue instead of failing
    actor = f"user:{user_id}" if user_id is not None else client_actor(session, client_address or "", day)
    once = (ToolkitUsage.tool == tool, ToolkitUsage.country_iso3 == country_iso3)
    if session.scalar(
        select(ToolkitUsage.id).where(*once, ToolkitUsage.actor == actor, ToolkitUsage.day == day)
    ):
        session.commit()  # the salt, if it was made now
        return None
    row = ToolkitUsage(
        tool=tool, country_iso3=country_iso3, at=now, actor=actor, day=day, organisation_id=organisation_id
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same actor's concurrent request counted first
        session.commit()
        return None
    session.commit()
    events.publish({"kind": USAGE_KIND, "action": "create", "id": row.id, "country_iso3": country_iso3})
    return row.id
