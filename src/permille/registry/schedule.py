"""The daily jobs (the notification digest and the event reminders), run once a day by whichever of the
server's workers claims the day first, or by the CLI from cron.

A run is claimed by inserting its ``scheduled_run`` row (job, UTC day): the primary key lets one worker
in; the others find the row and skip. A claim is a lease of :data:`LEASE` : if its holder dies before
``finished_at`` is written, another worker takes the run over once the lease has passed. Both jobs are
idempotent besides: each marks what it sent in the same transaction (notifications ``digested``,
registrations ``reminded_at``), so a run taken over sends only what the dead one had not."""

import asyncio
import datetime
import logging
import os
import socket
import uuid
from collections.abc import Callable

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import orm
from .calendar import send_reminders
from .db import IMMEDIATE
from .notify import send_digests

LEASE = datetime.timedelta(minutes=15)
HOUR_ENV = "PERMILLE_DAILY_HOUR"
DEFAULT_HOUR = 6
_log = logging.getLogger(__name__)

JOBS: dict[str, Callable[[Session, str, datetime.date], int]] = {
    "digest": lambda session, base_url, _day: send_digests(session, base_url),
    "reminders": lambda session, base_url, day: send_reminders(session, base_url, day),
}
"""Each daily job: (session, public URL, UTC day) → how many e-mails or reminders it queued."""


def holder_name() -> str:
    """This worker: host, process id and a random part (two workers never share one)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(
    session: Session, job: str, day: datetime.date, holder: str, now: datetime.datetime | None = None
) -> bool:
    """Claim ``job`` for ``day`` for ``holder``: True if this holder may run it now (a new row, or a lease
    that has passed without the run being finished), False if another holds it or finished it."""
    now = now or orm.utcnow()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options=IMMEDIATE)
    try:
        session.execute(
            insert(orm.ScheduledRun).values(job=job, day=day, holder=holder, lease_until=now + LEASE)
        )
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
    session.connection(execution_options=IMMEDIATE)
    taken = session.execute(
        update(orm.ScheduledRun)
        .where(
            orm.ScheduledRun.job == job,
            orm.ScheduledRun.day == day,
            orm.ScheduledRun.finished_at.is_(None),
            orm.ScheduledRun.lease_until < now,
        )
        .values(holder=holder, lease_until=now + LEASE)
    ).rowcount
    session.commit()
    return taken == 1


def run_daily(
    session: Session, job: str, day: datetime.date, base_url: str, holder: str | None = None
) -> int | None:
    """Run ``job`` for ``day`` if this worker claims it: how many it queued, None if skipped (another
    worker has it or finished it)."""
    holder = holder or holder_name()
    if not claim(session, job, day, holder):
        return None
    try:
        # the job's reads and writes in one write transaction from its start (SQLite: a read that later
        # writes fails at once when another worker wrote meanwhile, whatever the busy timeout)
        session.connection(execution_options=IMMEDIATE)
        count = JOBS[job](session, base_url, day)
    except BaseException:
        session.rollback()
        raise
    session.connection(execution_options=IMMEDIATE)
    session.execute(
        update(orm.ScheduledRun)
        .where(orm.ScheduledRun.job == job, orm.ScheduledRun.day == day)
        .values(finished_at=orm.utcnow(), result={"count": count, "holder": holder})
    )
    session.commit()
    return count


def daily_hour() -> int | None:
    """The UTC hour of the daily jobs (``PERMILLE_DAILY_HOUR``, 0–23, default 6); None when ``off``."""
    raw = os.environ.get(HOUR_ENV, str(DEFAULT_HOUR)).strip().lower()
    if raw == "off":
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise ValueError(f"{HOUR_ENV}: give an hour 0–23 (UTC) or off, not {raw!r}")
    return int(raw)


def next_run(now: datetime.datetime, hour: int) -> datetime.datetime:
    """The next time the daily jobs are due after ``now``: today at ``hour`` UTC, else tomorrow's."""
    due = now.astimezone(datetime.UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return due if due > now else due + datetime.timedelta(days=1)


def run_due(sessions: Callable[[], Session], base_url: str, day: datetime.date, holder: str) -> dict:
    """Every daily job for ``day`` in its own claim; a failing job is logged and the others still run."""
    done = {}
    for job in JOBS:
        try:
            with sessions() as session:
                done[job] = run_daily(session, job, day, base_url, holder)
        except Exception:
            _log.exception("the daily job %s of %s failed", job, day)
    return done


async def keep_daily(sessions: Callable[[], Session], base_url: str, hour: int) -> None:
    """The server's scheduler (one task per worker): at ``hour`` UTC each day, the daily jobs; also at
    start when today's hour has passed (a server started late, or restarted, catches up; the claims make
    it once). Cancel the task to stop it."""
    holder = holder_name()
    now = orm.utcnow()
    if now.hour >= hour:
        await asyncio.to_thread(run_due, sessions, base_url, now.date(), holder)
    while True:
        due = next_run(orm.utcnow(), hour)
        await asyncio.sleep(max((due - orm.utcnow()).total_seconds(), 0))
        await asyncio.to_thread(run_due, sessions, base_url, due.date(), holder)
