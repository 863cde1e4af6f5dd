"""API tokens and the sign-in rate limit.

Tokens: random (256 bits), shown once, stored only as their SHA-256 digest, valid for
:data:`TOKEN_LIFETIME`; expired ones are deleted at every sign-in (:func:`delete_expired_tokens`), and a
user's tokens are revoked when their password, role, organisation or activity changes
(:func:`permille.registry.accounts.revoke_tokens_after_change`). Passwords are Argon2id hashes:
:mod:`permille.registry.accounts`.

Rate limit: each sign-in is recorded in the table ``login_attempt`` *before* its password is checked, then
the attempts of its account and of its client address within the window are counted; over
:data:`ACCOUNT_LIMIT`, or within the wait :data:`ADDRESS_LIMIT` imposes on an address (failures on other
e-mails; doubling waits of at most :data:`ADDRESS_MAX_DELAY`), the attempt is withdrawn and refused
(:class:`RateLimited`, answered 429 with ``Retry-After``). A failed attempt stays recorded (and is written to the audit log by
the route); a successful one clears its account's attempts. Because the rows are in the database and
counted after commit, every worker process sees the same attempts, and concurrent attempts cannot get
more than the limit through to the password check.
"""

import datetime
import hashlib
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..registry.orm import ApiToken, LoginAttempt, User, utcnow
from ..registry.service import transaction

TOKEN_LIFETIME = datetime.timedelta(hours=12)
MAX_TOKENS_PER_USER = 10
"""Active tokens a user may hold (browsers and scripts); a new sign-in beyond revokes the oldest."""
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)
"""A token's ``last_used_at`` is written when older than this (one write per token per 5 minutes, not one
per request; answers of the read cache's fast path do not count)."""
MAX_USER_AGENT_CHARS = 200


@dataclass(frozen=True)
class RateLimit:
    """At most ``failures`` failed sign-ins within any ``window``."""

    failures: int
    window: datetime.timedelta


ACCOUNT_LIMIT = RateLimit(failures=5, window=datetime.timedelta(minutes=15))
"""Failed sign-ins per e-mail (known or not, case ignored) in 15 minutes: enough for a person who
mistypes, while an online guesser gets 480 guesses a day, hopeless against a password that passes the
policy (zxcvbn score ≥ 3, i.e. ≥ 10⁸ guesses). Locks the account only for sign-ins from anyone, not its
existing tokens."""
ADDRESS_LIMIT = RateLimit(failures=20, window=datetime.timedelta(minutes=15))
"""Failed sign-ins per client address in 15 minutes on *other* e-mails than the one tried, before the
address is slowed down: stops one client from trying one common password on many accounts; high enough
for an office behind one NAT address. The address is the TCP peer (or ``X-Forwarded-For`` from a proxy
``permille serve --forwarded-allow-ips`` trusts). Beyond, not a block but a delay (:func:`address_delay`):
behind a proxy every user shares its address, and a stranger's guesses must not lock them out."""
ADDRESS_MAX_DELAY = datetime.timedelta(seconds=60)
"""The longest wait the address limit imposes after its last failure: 2^(n − 20) s for n failures on other
e-mails, at most 60 s (so ≤ 1,440 guesses a day from an address beyond the first 20, and a user behind the
same proxy waits at most a minute, never 15)."""


def address_delay(failures: int) -> datetime.timedelta:
    """The wait after an address's last failure before its next attempt, with ``failures`` failures on
    other e-mails in the window: none up to :data:`ADDRESS_LIMIT`, then doubling from 1 s to
    :data:`ADDRESS_MAX_DELAY`."""
    beyond = failures - ADDRESS_LIMIT.failures
    if beyond < 0:
        return datetime.timedelta(0)
    return min(datetime.timedelta(seconds=2 ** min(beyond, 16)), ADDRESS_MAX_DELAY)


class RateLimited(Exception):
    """Too many failed sign-ins; ``retry_after_s``: seconds until one more attempt is allowed."""

    def __init__(self, retry_after_s: int, limited: str):
        super().__init__(f"too many failed sign-ins for this {limited}; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session,
    user: User,
    lifetime: datetime.timedelta = TOKEN_LIFETIME,
    user_agent: str | None = None,
) -> tuple[str, datetime.datetime]:
    """A new token for ``user`` and its expiry (UTC), with the client's ``User-Agent`` if known; the
    digest is added to ``session`` (commit it). The user's oldest active tokens beyond
    :data:`MAX_TOKENS_PER_USER` are revoked."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + lifetime
    agent = user_agent[:MAX_USER_AGENT_CHARS] if user_agent else None
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=token_digest(token),
            expires_at=expires_at,
            created_at=now,
            user_agent=agent,
        )
    )
    session.flush()
    active = session.scalars(
        select(ApiToken.id)
        .where(ApiToken.user_id == user.id, ApiToken.expires_at > now)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    if len(active) > MAX_TOKENS_PER_USER:
        session.execute(delete(ApiToken).where(ApiToken.id.in_(active[MAX_TOKENS_PER_USER:])))
    return token, expires_at


def token_for(session: Session, token: str, touch: bool = True) -> tuple[User, str, datetime.datetime] | None:
    """The active user a token belongs to, the token's digest and its expiry (UTC), or None when the
    token is unknown or expired. With ``touch`` its ``last_used_at`` is set to now when older than
    :data:`LAST_USED_RESOLUTION` (in ``session``'s transaction: commit it)."""
    digest = token_digest(token)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    now = utcnow()
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    if touch and (row.last_used_at is None or now - _aware(row.last_used_at) >= LAST_USED_RESOLUTION):
        session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    expires_at = row.expires_at
    return row.user, digest, expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=datetime.UTC)


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, or None when the token is unknown or expired."""
    found = token_for(session, token, touch=False)
    return None if found is None else found[0]


def delete_expired_tokens(session: Session) -> None:
    """Delete every expired token (of any user), in ``session``'s transaction."""
    session.execute(delete(ApiToken).where(ApiToken.expires_at <= utcnow()))


def normalised_email(email: str) -> str:
    """The e-mail under which attempts are counted: stripped, lower case, at most 320 characters."""
    return email.strip().lower()[:320]


def start_attempt(session: Session, email: str, address: str) -> int:
    """Record a sign-in attempt for ``email`` from ``address`` and return its id, or raise
    :class:`RateLimited` (recording nothing) when the account or the address has no attempt left."""
    now, email, address = utcnow(), normalised_email(email), address[:64]
    oldest = now - max(ACCOUNT_LIMIT.window, ADDRESS_LIMIT.window)
    with transaction(session, []):
        session.execute(delete(LoginAttempt).where(LoginAttempt.at <= oldest))
        attempt = LoginAttempt(at=now, email=email, address=address)
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    # committed: the counts below see every attempt that committed before, in any worker
    window = LoginAttempt.at > now - ACCOUNT_LIMIT.window
    others = session.scalars(
        select(LoginAttempt.at)
        .where(LoginAttempt.email == email, window, LoginAttempt.id != attempt_id)
        .order_by(LoginAttempt.at)
    ).all()
    if len(others) >= ACCOUNT_LIMIT.failures:
        free_at = others[len(others) - ACCOUNT_LIMIT.failures] + ACCOUNT_LIMIT.window
        _withdraw(session, attempt_id, free_at - now, "account")
    elsewhere = session.scalars(  # this address's failures on other e-mails
        select(LoginAttempt.at)
        .where(
            LoginAttempt.address == address,
            LoginAttempt.email != email,
            LoginAttempt.at > now - ADDRESS_LIMIT.window,
            LoginAttempt.id != attempt_id,
        )
        .order_by(LoginAttempt.at)
    ).all()
    delay = address_delay(len(elsewhere))
    if delay and elsewhere[-1] + delay > now:
        _withdraw(session, attempt_id, elsewhere[-1] + delay - now, "address")
    return attempt_id


def _withdraw(session: Session, attempt_id: int, wait: datetime.timedelta, limited: str) -> None:
    """Delete the attempt just recorded and refuse it (:class:`RateLimited`, ``wait`` rounded up)."""
    with transaction(session, []):
        session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
    raise RateLimited(max(1, math.ceil(wait.total_seconds())), limited)


def clear_attempts(session: Session, email: str) -> None:
    """Delete the recorded attempts of ``email`` (after it signed in), in ``session``'s transaction."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == normalised_email(email)))
