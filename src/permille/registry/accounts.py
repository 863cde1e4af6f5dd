"""Passwords and sessions of the registry's users.

Passwords are Argon2id hashes (argon2-cffi defaults, RFC 9106 low-memory profile) of passwords that pass
:func:`check_password`: at least :data:`MIN_PASSWORD_LENGTH` characters and a zxcvbn strength score of at
least :data:`MIN_PASSWORD_SCORE` (zxcvbn, Wheeler 2016, USENIX Security: an offline estimator with
frequency lists of common passwords, words and names, and patterns such as repeats, sequences, keyboard
walks and dates). A user's tokens are revoked (:func:`revoke_tokens`) whenever what they grant changes.

Kept in the registry, not the API, so that the seed, the service and the CLI hash and check passwords and
end sessions the same way.
"""

import datetime
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .orm import ApiToken, SignIn, User

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3
"""Lowest accepted zxcvbn score (0–4). 3 is "safely unguessable: moderate protection from an offline
slow-hash scenario" (guesses < 10¹⁰), enough behind Argon2id and the sign-in rate limit."""
PLATFORM_WORDS = ("permille", "4per1000", "4 per 1000", "soil", "carbon", "initiative")
"""Words that a guesser of this platform's passwords tries first (given to zxcvbn as user inputs)."""
SESSION_FIELDS = ("role", "organisation_id", "active")
"""User fields whose change revokes the user's tokens (as does a new password)."""

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so that the answer takes as long as for a known one
    (hashed on first use: ≈ 0.1 s, not at start-up)."""
    return _hasher.hash("not a password of anyone")


def check_password(password: str) -> str:
    """``password`` if it is not easy to guess, else ValueError saying why (zxcvbn's warning and
    suggestions). The length (:data:`MIN_PASSWORD_LENGTH`) is checked by ``schemas.Password``, which
    applies this check wherever a password is set (the users' Create and Update models)."""
    from zxcvbn import zxcvbn  # loads its frequency lists: on first use, not at start-up

    result = zxcvbn(password[:100], user_inputs=list(PLATFORM_WORDS))  # its run time grows with length
    if result["score"] < MIN_PASSWORD_SCORE:
        feedback = result["feedback"]
        why = " ".join(filter(None, [feedback["warning"], *feedback["suggestions"]]))
        raise ValueError(
            f"the password is too easy to guess (strength {result['score']} of 4, at least "
            f"{MIN_PASSWORD_SCORE} needed): {why or 'add another uncommon word or two.'}"
        )
    return password


def hash_password(password: str) -> str:
    """The Argon2id hash (PHC string, salted) of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail (case and surrounding spaces ignored), active or not."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail (case ignored) and password, or None."""
    user = find_user(session, email)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    correct = verify_password(user.password_hash, password)  # also for an inactive user: the same time
    return user if user.active and correct else None


def revoke_tokens(session: Session, user_id: int) -> int:
    """Delete every token of the user (in ``session``'s transaction); how many there were."""
    return session.execute(delete(ApiToken).where(ApiToken.user_id == user_id)).rowcount


def revoke_tokens_after_change(session: Session, before: dict, user: User, *, new_password: bool) -> None:
    """Revoke the user's tokens when a new password was set or a :data:`SESSION_FIELDS` value changed
    from ``before`` (the user as it was): a token never grants more, or longer, than the account now does,
    and reactivating a user does not revive the tokens it had."""
    if new_password or any(before[name] != getattr(user, name) for name in SESSION_FIELDS):
        revoke_tokens(session, user.id)


def record_sign_in(session: Session, user: User, day: datetime.date | None = None) -> bool:
    """Note that ``user`` signed in on ``day`` (UTC, default today): one row per user and day, in the
    caller's transaction (KPI D1 counts organisations whose users signed in within 90 days). Whether the
    row is new (the day's first sign-in)."""
    day = day or datetime.datetime.now(datetime.UTC).date()
    if session.get(SignIn, (user.id, day)) is not None:
        return False
    session.add(SignIn(user_id=user.id, day=day))
    return True
