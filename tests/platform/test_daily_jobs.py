"""The daily jobs' lease (registry/schedule.py) on SQLite and PostgreSQL: a day's job is claimed by one
worker; a lease that passed unfinished is taken over; two workers running the digest at the same time
send it once; two servers started with their scheduler send one digest."""

import datetime
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from permille.api.app import create_app
from permille.registry import notify, schedule
from permille.registry.db import session_factory
from permille.registry.orm import MailMessage, ScheduledRun, User, utcnow

from .conftest import add_user

DAY = datetime.date(2027, 3, 1)


def _digest_waiting(session, email="reader@test.example.org") -> User:
    """A user who chose the digest, with one notification waiting for it."""
    user = add_user(session, email, "stc", name="Reader")
    notify.set_preferences(session, user, {"assignment": "digest"})
    notify.notify(session, user, "assignment", "helpdesk_task", "http://platform.test", "/#/helpdesk",
                  region="Africa", subject="Q0", topic="practices", asked_in="en", event="assigned")  # fmt: skip
    session.commit()
    return user


def _digests(session) -> int:
    session.rollback()
    return session.scalar(
        select(func.count()).select_from(MailMessage).where(MailMessage.subject.contains("notification"))
    )


def test_one_claim_per_day_and_an_expired_lease_is_taken_over(session):
    now = utcnow()
    assert schedule.claim(session, "digest", DAY, "worker-a", now)
    assert not schedule.claim(session, "digest", DAY, "worker-b", now)  # held
    assert schedule.claim(session, "digest", DAY + datetime.timedelta(days=1), "worker-b", now)  # next day
    assert schedule.claim(session, "reminders", DAY, "worker-b", now)  # another job
    late = now + schedule.LEASE + datetime.timedelta(seconds=1)
    assert schedule.claim(session, "digest", DAY, "worker-b", late)  # worker-a died: taken over
    assert session.get(ScheduledRun, ("digest", DAY)).holder == "worker-b"
    assert not schedule.claim(session, "digest", DAY, "worker-c", late)


def test_a_finished_run_is_not_run_again(session):
    _digest_waiting(session)
    assert schedule.run_daily(session, "digest", DAY, "http://platform.test", "worker-a") == 1
    row = session.get(ScheduledRun, ("digest", DAY))
    assert row.finished_at is not None and row.result == {"count": 1, "holder": "worker-a"}
    much_later = utcnow() + datetime.timedelta(days=1)
    assert not schedule.claim(session, "digest", DAY, "worker-b", much_later)
    assert schedule.run_daily(session, "digest", DAY, "http://platform.test", "worker-b") is None
    assert _digests(session) == 1


def test_two_workers_at_once_send_the_digest_once(engine, session):
    _digest_waiting(session)
    sessions = session_factory(engine)
    start, results = threading.Barrier(2), []

    def worker(name: str) -> None:
        with sessions() as own:
            start.wait()
            results.append(schedule.run_daily(own, "digest", DAY, "http://platform.test", name))

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("worker-a", "worker-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == [1, None]
    assert _digests(session) == 1


@pytest.mark.parametrize(
    "now, hour, due",
    [
        ("2027-03-01T05:59:59+00:00", 6, "2027-03-01T06:00:00+00:00"),
        ("2027-03-01T06:00:00+00:00", 6, "2027-03-02T06:00:00+00:00"),
        ("2027-12-31T23:30:00+00:00", 0, "2028-01-01T00:00:00+00:00"),
        ("2027-03-01T07:00:00+02:00", 6, "2027-03-01T06:00:00+00:00"),  # 05:00 UTC: the hour is UTC
    ],
)
def test_next_run(now, hour, due):
    assert schedule.next_run(datetime.datetime.fromisoformat(now), hour) == datetime.datetime.fromisoformat(
        due
    )


def test_the_daily_hour_setting(monkeypatch):
    monkeypatch.delenv(schedule.HOUR_ENV, raising=False)
    assert schedule.daily_hour() == schedule.DEFAULT_HOUR
    monkeypatch.setenv(schedule.HOUR_ENV, "off")
    assert schedule.daily_hour() is None
    for wrong in ("24", "-1", "six"):
        monkeypatch.setenv(schedule.HOUR_ENV, wrong)
        with pytest.raises(ValueError, match="PERMILLE_DAILY_HOUR"):
            schedule.daily_hour()


def test_two_servers_with_their_scheduler_send_one_digest(engine, session, monkeypatch):
    """Two apps on one database (two ``permille serve`` workers), the daily hour passed: each catches up at
    start, and the lease lets one of them send today's digest."""
    _digest_waiting(session)
    monkeypatch.setenv(schedule.HOUR_ENV, "0")  # 00:00 UTC has always passed today
    monkeypatch.setenv("PERMILLE_PUBLIC_URL", "http://platform.test")
    apps = [create_app(engine, seed=False, scheduler=True) for _ in range(2)]
    with TestClient(apps[0]), TestClient(apps[1]):
        deadline = time.monotonic() + 120  # a hang stops the test; the runs take well under a second
        while time.monotonic() < deadline:
            session.rollback()  # a new read: a fresh snapshot
            finished = session.scalars(
                select(ScheduledRun).where(ScheduledRun.finished_at.is_not(None))
            ).all()
            if {r.job for r in finished} == set(schedule.JOBS):
                break
            time.sleep(0.05)
    session.rollback()
    runs = session.scalars(select(ScheduledRun)).all()
    assert {(r.job, r.day, r.finished_at is not None) for r in runs} == {
        (job, utcnow().date(), True) for job in schedule.JOBS
    }
    assert _digests(session) == 1
