"""API tokens: random (256 bits), shown once, stored only as their SHA-256 digest, valid for a lifetime.

Passwords are Argon2id hashes: :mod:`permille.registry.accounts`.
"""

import datetime
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..registry.orm import ApiToken, User, utcnow

TOKEN_LIFETIME = datetime.timedelta(hours=12)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, user: User, lifetime: datetime.timedelta = TOKEN_LIFETIME
) -> tuple[str, datetime.datetime]:
    """A new token for ``user`` and its expiry (UTC); the digest is added to ``session`` (commit it)."""
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + lifetime
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), expires_at=expires_at))
    return token, expires_at


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, or None when the token is unknown or expired."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row.user
