"""The life cycle of accounts: membership applications (apply → approve or decline), invitations,
password resets, a user's own password and profile. Every step is one transaction with its audit-log row
and the e-mail it sends (queued by :mod:`permille.mail.queue`, so a mail server that fails never loses the
step), and the change events of the records it writes.

Links in e-mails are single-use tokens (:class:`~.orm.AccountToken`, stored as SHA-256 digests):
an invitation is valid :data:`INVITATION_LIFETIME` (7 days), a reset :data:`RESET_LIFETIME` (1 hour).
Setting a password by either, or changing it, revokes every bearer token of the user.
"""

import datetime
import hashlib
import secrets
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import i18n
from ..mail.compose import compose
from ..mail.queue import enqueue
from . import orm
from .accounts import find_user, hash_password, revoke_tokens, verify_password
from .kinds import KINDS
from .permissions import Role, role_of
from .schemas import Email, Iso3, Language, Name, OrgType, Password, Region, Strict, Url
from .service import Conflict, Forbidden, Invalid, NotFound, _change, audit, public_dict, transaction

INVITATION_LIFETIME = datetime.timedelta(days=7)
RESET_LIFETIME = datetime.timedelta(hours=1)
APPLICATIONS = "applications"
"""``kind`` of the audit-log rows of membership applications (``record_id``: the application's id)."""
ACCOUNTS = "accounts"
"""``kind`` of the audit-log rows of account steps (invite, accept, reset, password, profile;
``record_id``: the user's id)."""


def _deliverable(value: str) -> str:
    """``value`` if it is one plain address an e-mail can be sent to (no comment, quoting, list)."""
    try:
        parsed = Address(addr_spec=value).addr_spec
    except (ValueError, IndexError, HeaderParseError):
        parsed = None
    if parsed != value:
        raise ValueError(i18n.Text("not one e-mail address (write it as name@domain.org)"))
    return value


MailAddress = Annotated[Email, AfterValidator(_deliverable)]
"""An e-mail address the platform writes to."""


class ApplicationIn(Strict):
    """A public membership application."""

    organisation_name: Name
    membership: Literal["member", "partner"]
    org_type: OrgType
    region: Region
    country_iso3: Iso3 | None = None
    website: Url = ""
    contact_name: Annotated[str, Field(min_length=1, max_length=200)]
    contact_email: MailAddress
    language: Language = "en"
    motivation: Annotated[str, Field(min_length=20, max_length=5000)]


class InvitationIn(Strict):
    email: MailAddress
    name: Annotated[str, Field(max_length=200)] = ""
    role: Literal["member", "partner", "stc", "secretariat"] | None = Field(
        None, description="default: the organisation's membership (member or partner)"
    )
    organisation_id: int | None = Field(None, description="default: the inviter's organisation")
    language: Language = "en"
    org_admin: bool = False


class PasswordIn(Strict):
    token: Annotated[str, Field(min_length=10, max_length=200)]
    password: Password


class PasswordChange(Strict):
    current_password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Password


class ProfileIn(Strict):
    name: Annotated[str, Field(max_length=200)] | None = None
    language: Language | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_token(session: Session, user: orm.User, purpose: str, lifetime: datetime.timedelta) -> str:
    """A new single-use token of ``purpose`` for ``user``; the user's unused ones of that purpose end."""
    now = orm.utcnow()
    session.execute(
        update(orm.AccountToken)
        .where(
            orm.AccountToken.user_id == user.id,
            orm.AccountToken.purpose == purpose,
            orm.AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        orm.AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


LINKS = {
    "invite": (INVITATION_LIFETIME, "invitation", "accept-invitation"),
    "reset": (RESET_LIFETIME, "password_reset", "reset-password"),
}
"""Per purpose of a link: its lifetime, the e-mail template that sends it and the page it opens."""


def _mail_link(session: Session, user: orm.User, purpose: str, base_url: str, **fields) -> None:
    """Issue a single-use link of ``purpose`` (:data:`LINKS`) for ``user`` and e-mail it to them
    (``fields``: more values of the template)."""
    lifetime, template, page = LINKS[purpose]
    token = _link_token(session, user, purpose, lifetime)
    link = f"{base_url.rstrip('/')}/#/{page}?token={token}"
    enqueue(
        session,
        compose(template, user.email, user.language, name=user.name, email=user.email, link=link, **fields),
    )


def _replace_password(
    session: Session, user: orm.User, password: str, action: str, changes: list[dict], tell: bool = True
) -> None:
    """Give ``user`` the new ``password``, revoke every bearer token of theirs (announced in ``changes``)
    and audit ``action``; with ``tell``, e-mail them that their password changed."""
    user.password_hash = hash_password(password)
    revoke_tokens(session, user.id)
    audit(session, user, ACCOUNTS, user.id, action, None, {"email": user.email})
    if tell:
        enqueue(
            session, compose("password_changed", user.email, user.language, name=user.name, email=user.email)
        )
    changes.append({"kind": "tokens", "action": "revoke", "id": user.id, "country_iso3": None})


def _user_event(action: str, user: orm.User) -> dict:
    return _change(KINDS["users"], action, user)


def _organisation_name(session: Session, organisation_id: int | None) -> str:
    organisation = session.get(orm.Organisation, organisation_id) if organisation_id else None
    return organisation.name if organisation else "the «4 per 1000» Initiative"


def _require_secretariat(user: Any) -> None:
    if role_of(user) is not Role.SECRETARIAT:
        raise Forbidden(i18n.Text("only the Secretariat does this"))


# --- membership applications ---------------------------------------------------------------------------------


def application_dict(application: orm.MembershipApplication) -> dict:
    return {
        name: getattr(application, name)
        for name in (
            "id",
            "organisation_name",
            "membership",
            "org_type",
            "region",
            "country_iso3",
            "website",
            "contact_name",
            "contact_email",
            "language",
            "motivation",
            "state",
            "reason",
            "organisation_id",
        )
    } | {
        "created_at": application.created_at.isoformat(),
        "decided_at": application.decided_at.isoformat() if application.decided_at else None,
    }


def apply(session: Session, application: ApplicationIn) -> orm.MembershipApplication:
    """Store a public application (audited, anonymous) and acknowledge it to its contact by e-mail."""
    with transaction(session, []):
        row = orm.MembershipApplication(
            **application.model_dump(), created_at=orm.utcnow(), state="pending", reason=""
        )
        session.add(row)
        session.flush()
        audit(session, None, APPLICATIONS, row.id, "create", None, application_dict(row))
        enqueue(
            session,
            compose(
                "application_received",
                row.contact_email,
                row.language,
                name=row.contact_name,
                organisation=row.organisation_name,
                membership=row.membership,
            ),
        )
    return row


def applications(session: Session, user: Any, state: str | None = None) -> list[orm.MembershipApplication]:
    """The applications (of ``state``), oldest first: the Secretariat's review queue of applicants."""
    _require_secretariat(user)
    statement = select(orm.MembershipApplication).order_by(orm.MembershipApplication.id)
    if state:
        statement = statement.where(orm.MembershipApplication.state == state)
    return list(session.scalars(statement.limit(1000)))


def _pending(session: Session, application_id: int) -> orm.MembershipApplication:
    row = session.get(orm.MembershipApplication, application_id)
    if row is None:
        raise NotFound(i18n.Text("no application {id}", id=application_id))
    if row.state != "pending":
        raise Conflict(f"application {application_id} was already {row.state}")
    return row


def approve(session: Session, application_id: int, user: Any, base_url: str) -> orm.MembershipApplication:
    """Approve an application: create its organisation (published, owned by itself) and its contact's
    account (the organisation's admin, with the organisation's membership as role) and send the
    invitation, in one transaction."""
    _require_secretariat(user)
    changes: list[dict] = []
    with transaction(session, changes):
        row = _pending(session, application_id)
        if find_user(session, row.contact_email) is not None:
            raise Invalid(
                i18n.Text("{email} already has an account", email=row.contact_email),
                [{"loc": ["contact_email"], "message": "already has an account", "type": "taken"}],
            )
        taken = session.scalar(
            select(orm.Organisation.id).where(
                func.lower(orm.Organisation.name) == row.organisation_name.lower()
            )
        )
        if taken is not None:
            raise Invalid(
                i18n.Text(
                    "an organisation named {name} exists (id {id})",
                    name=repr(row.organisation_name),
                    id=taken,
                ),
                [{"loc": ["organisation_name"], "message": "this name is taken", "type": "taken"}],
            )
        now = orm.utcnow()
        organisation = orm.Organisation(
            name=row.organisation_name,
            membership=row.membership,
            org_type=row.org_type,
            country_iso3=row.country_iso3,
            region=row.region,
            website=row.website,
            published=True,  # a member or partner is listed publicly once approved
            created_at=now,
            updated_at=now,
        )
        session.add(organisation)
        session.flush()
        organisation.organisation_id = organisation.id  # its own: its people read it as theirs
        session.flush()
        audit(
            session,
            user,
            "organisations",
            organisation.id,
            "create",
            None,
            public_dict(KINDS["organisations"], organisation),
        )
        changes.append(_change(KINDS["organisations"], "create", organisation))
        new_user = _new_user(
            session,
            user,
            row.contact_email,
            row.contact_name,
            row.membership,
            organisation.id,
            row.language,
            True,
        )
        changes.append(_user_event("create", new_user))
        before = application_dict(row)
        row.state, row.decided_by, row.decided_at, row.organisation_id = (
            "approved",
            user.id,
            now,
            organisation.id,
        )
        audit(session, user, APPLICATIONS, row.id, "approve", before, application_dict(row))
        _send_invitation(session, user, new_user, base_url)
    return row


def decline(session: Session, application_id: int, user: Any, reason: str) -> orm.MembershipApplication:
    """Decline an application with a ``reason``, told to the applicant by e-mail."""
    _require_secretariat(user)
    reason = reason.strip()
    if not reason:
        raise Invalid(
            i18n.Text("give the reason"), [{"loc": ["reason"], "message": "required", "type": "missing"}]
        )
    with transaction(session, []):
        row = _pending(session, application_id)
        before = application_dict(row)
        row.state, row.reason, row.decided_by, row.decided_at = "declined", reason, user.id, orm.utcnow()
        audit(session, user, APPLICATIONS, row.id, "decline", before, application_dict(row))
        enqueue(
            session,
            compose(
                "application_declined",
                row.contact_email,
                row.language,
                name=row.contact_name,
                organisation=row.organisation_name,
                reason=reason,
            ),
        )
    return row


# --- invitations ---------------------------------------------------------------------------------------------


def _new_user(
    session: Session,
    by: Any,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None,
    language: str,
    org_admin: bool,
) -> orm.User:
    """A new active user without a password (one is set from the invitation), audited."""
    now = orm.utcnow()
    new = orm.User(
        email=email.strip(),
        name=name,
        role=role,
        organisation_id=organisation_id,
        language=language,
        org_admin=org_admin,
        password_hash="",  # no password matches: set one from the invitation
        active=True,
        published=False,
        created_at=now,
        updated_at=now,
    )
    session.add(new)
    session.flush()
    audit(session, by, "users", new.id, "create", None, public_dict(KINDS["users"], new))
    return new


def _send_invitation(session: Session, by: Any, user: orm.User, base_url: str) -> None:
    audit(
        session,
        by,
        ACCOUNTS,
        user.id,
        "invite",
        None,
        {"email": user.email, "expires_in_days": INVITATION_LIFETIME.days},
    )
    organisation = _organisation_name(session, user.organisation_id)
    _mail_link(session, user, "invite", base_url, inviter=by.name or by.email, organisation=organisation)


def invite(session: Session, by: Any, invitation: InvitationIn, base_url: str) -> orm.User:
    """Create the account of a colleague and send them an invitation. The Secretariat invites anyone
    into any organisation with any role; an organisation's admin (``org_admin``) invites into their own
    organisation only, with its membership as role and not as admin."""
    role = role_of(by)
    organisation_id = (
        invitation.organisation_id if invitation.organisation_id is not None else by.organisation_id
    )
    changes: list[dict] = []
    with transaction(session, changes):
        organisation = session.get(orm.Organisation, organisation_id) if organisation_id else None
        if organisation_id is not None and organisation is None:
            raise Invalid(
                f"no organisation {organisation_id}",
                [
                    {
                        "loc": ["organisation_id"],
                        "message": f"no organisation {organisation_id}",
                        "type": "reference",
                    }
                ],
            )
        default_role = organisation.membership if organisation else None
        new_role = invitation.role or default_role
        if new_role is None:
            raise Invalid(
                i18n.Text("give the role"),
                [{"loc": ["role"], "message": "required without an organisation", "type": "missing"}],
            )
        if role is not Role.SECRETARIAT:
            if not (getattr(by, "org_admin", False) and by.organisation_id is not None):
                raise Forbidden(i18n.Text("only the Secretariat and an organisation's admin invite people"))
            if organisation_id != by.organisation_id or new_role != default_role or invitation.org_admin:
                raise Forbidden(
                    i18n.Text(
                        i18n.Text(
                            "an organisation's admin invites only into their organisation, with its membership, not as admin"
                        )
                    )
                )
        if new_role in ("member", "partner") and organisation is None:
            raise Invalid(
                i18n.Text("a member or partner belongs to an organisation"),
                [
                    {
                        "loc": ["organisation_id"],
                        "message": "required for a member or partner",
                        "type": "missing",
                    }
                ],
            )
        if find_user(session, invitation.email) is not None:
            raise Invalid(
                i18n.Text("{email} already has an account", email=invitation.email),
                [{"loc": ["email"], "message": "already has an account", "type": "taken"}],
            )
        new = _new_user(
            session,
            by,
            invitation.email,
            invitation.name,
            new_role,
            organisation_id,
            invitation.language,
            invitation.org_admin,
        )
        changes.append(_user_event("create", new))
        _send_invitation(session, by, new, base_url)
    return new


def invited_ids(session: Session, user: Any) -> list[int]:
    """The ids of the users who have not set a password yet (invited, link unused)."""
    _require_secretariat(user)
    return list(
        session.scalars(select(orm.User.id).where(orm.User.password_hash == "").order_by(orm.User.id))
    )


def resend_invitation(session: Session, by: Any, user_id: int, base_url: str) -> None:
    """A new invitation link for a user who has no password yet (the previous link stops working)."""
    _require_secretariat(by)
    with transaction(session, []):
        user = session.get(orm.User, user_id)
        if user is None:
            raise NotFound(f"no users record {user_id}")
        if user.password_hash:
            raise Conflict(
                i18n.Text("{email} has set a password already: use a password reset", email=user.email)
            )
        _send_invitation(session, by, user, base_url)


# --- links: invitation and reset -----------------------------------------------------------------------------


def _valid_token(session: Session, token: str, purpose: str) -> orm.AccountToken:
    row = session.scalar(select(orm.AccountToken).where(orm.AccountToken.token_hash == _digest(token)))
    if (
        row is None
        or row.purpose != purpose
        or row.used_at is not None
        or row.expires_at <= orm.utcnow()
        or not row.user.active
    ):
        raise Invalid(
            i18n.Text("this link is not valid: it was used already, has expired or is unknown"),
            [{"loc": ["token"], "message": "used, expired or unknown", "type": "token"}],
        )
    return row


def token_info(session: Session, token: str, purpose: str) -> dict:
    """The account a valid link is for (its e-mail and name), else :class:`Invalid`."""
    row = _valid_token(session, token, purpose)
    return {"email": row.user.email, "name": row.user.name, "expires_at": row.expires_at.isoformat()}


def set_password(session: Session, data: PasswordIn, purpose: str) -> orm.User:
    """Set the password of the user a valid link (``purpose`` "invite" or "reset") was sent to; the link
    is used up and the user's bearer tokens are revoked."""
    changes: list[dict] = []
    with transaction(session, changes):
        row = _valid_token(session, data.token, purpose)
        user = row.user
        row.used_at = orm.utcnow()
        action = "accept-invitation" if purpose == "invite" else "reset-password"
        _replace_password(session, user, data.password, action, changes, tell=purpose == "reset")
    return user


def request_reset(session: Session, email: str, base_url: str) -> None:
    """Send a reset link to the active user with this e-mail; nothing (and no difference visible to the
    asker) when there is none. Audited either way."""
    with transaction(session, []):
        user = find_user(session, email)
        if user is None or not user.active:
            audit(
                session,
                None,
                ACCOUNTS,
                user.id if user else 0,
                "reset-request",
                None,
                {"email": email.strip().lower()[:320], "sent": False},
            )
            return
        audit(session, None, ACCOUNTS, user.id, "reset-request", None, {"email": user.email, "sent": True})
        _mail_link(session, user, "reset", base_url)


# --- my account ----------------------------------------------------------------------------------------------


def change_password(session: Session, user: orm.User, change: PasswordChange) -> orm.User:
    """Change the signed-in user's password (the current one must be given); every token of the user
    is revoked and the user told by e-mail."""
    changes: list[dict] = []
    with transaction(session, changes):
        user = session.merge(user)
        if not verify_password(user.password_hash, change.current_password):
            raise Invalid(
                i18n.Text("the current password is wrong"),
                [{"loc": ["current_password"], "message": "wrong password", "type": "password"}],
            )
        _replace_password(session, user, change.new_password, "change-password", changes)
    return user


def update_profile(session: Session, user: orm.User, profile: ProfileIn) -> orm.User:
    """Change the signed-in user's name and language (audited as an update of the user)."""
    changes: list[dict] = []
    with transaction(session, changes):
        user = session.merge(user)
        before = public_dict(KINDS["users"], user)
        for name, value in profile.model_dump(exclude_unset=True).items():
            if value is not None:
                setattr(user, name, value)
        session.flush()
        audit(session, user, "users", user.id, "update", before, public_dict(KINDS["users"], user))
        changes.append(_user_event("update", user))
    return user
