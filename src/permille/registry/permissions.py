"""Who may do what: :func:`allowed` answers for one user, action, kind and record; :func:`read_filter` (and
:func:`workspace_filter` for a user's workspace) is the same read rule as a SQL condition for lists.

- public (anonymous): reads published records of public kinds; no writes.
- member, partner: read published records of public kinds and their organisation's records (of every
  kind they can see); create and update records owned by their organisation, except organisations,
  users, assessments, KPI values and budget lines; never publish.
- stc (scientific and technical committee): reads everything; creates and updates assessments.
- secretariat: everything (organisations, users, KPI values, budget lines, publishing, administration).

A user's own workspace (:data:`PERSONAL` kinds: saved calculations) is not the registry: its owner reads
and writes it; what the owner shares (``shared``) their organisation's members read; nobody else, the
Secretariat included.
"""

from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from sqlalchemy import false, or_, select, true

ACTIONS = ("read", "create", "update", "publish", "admin")
SECRETARIAT_ONLY = frozenset({"organisations", "users", "kpi-values", "budget-lines"})
"""Kinds only the Secretariat writes (assessments: the STC and the Secretariat)."""
SERVER_WRITTEN = frozenset({"toolkit-usage"})
"""Kinds only the platform itself writes (toolkit usage: recorded by the calculators, KPI B4); no user, the
Secretariat included, creates or changes them through the API."""

PERSONAL = frozenset({"saved-calculations"})
"""Kinds of a user's own workspace (records with ``user_id``, ``shared`` and ``user``), not registry records."""


class Role(StrEnum):
    PUBLIC = "public"
    MEMBER = "member"
    PARTNER = "partner"
    STC = "stc"
    SECRETARIAT = "secretariat"


def role_of(user: Any) -> Role:
    """The role of a user (None: the public)."""
    return Role.PUBLIC if user is None else Role(user.role)


def allowed(user: Any, action: str, kind: str, record: Any = None, *, public_kind: bool = True) -> bool:
    """Whether ``user`` (None: anonymous) may ``action`` on ``kind`` (URL name) — on ``record`` if given
    (for ``create``: the record about to be written, with its ``organisation_id``).

    ``public_kind``: False for restricted kinds (users, contacts, helpdesk requests, budget lines, the
    audit log), which the public never reads.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    if kind in PERSONAL:
        return _personal(user, action, record)
    role = role_of(user)
    if kind in SERVER_WRITTEN and action != "read" and not (role is Role.SECRETARIAT and user.id is None):
        return False  # only the platform (service.SYSTEM, no user id) writes them
    if role is Role.SECRETARIAT:
        return True
    if action == "read":
        if role is Role.STC:
            return True
        if record is None:  # may the user list the kind at all (each record is then filtered)?
            return public_kind or role is not Role.PUBLIC
        if public_kind and record.published:
            return True
        return role is not Role.PUBLIC and _own(user, record)
    if role is Role.STC:
        return action in ("create", "update") and kind == "assessments"
    if role in (Role.MEMBER, Role.PARTNER) and action in ("create", "update"):
        if kind in SECRETARIAT_ONLY or kind == "assessments":
            return False
        return record is None or _own(user, record)
    return False


def _own(user: Any, record: Any) -> bool:
    return user.organisation_id is not None and record.organisation_id == user.organisation_id


def _personal(user: Any, action: str, record: Any) -> bool:
    """A workspace record: the owner reads and writes it (``record`` None: their own workspace, to list or
    save into); a colleague of the owner's organisation reads it when shared; nobody else."""
    if user is None or action not in ("read", "create", "update"):
        return False
    if record is None or record.user_id == user.id:
        return True
    return action == "read" and record.shared and _own(user, record.user)


def read_filter(user: Any, model: Any, *, public_kind: bool = True):
    """A SQL condition on ``model`` selecting the records ``user`` may read (same rule as :func:`allowed`)."""
    role = role_of(user)
    if role in (Role.SECRETARIAT, Role.STC):
        return true()
    visible = [model.published.is_(True)] if public_kind else []
    if role is not Role.PUBLIC and user.organisation_id is not None:
        visible.append(model.organisation_id == user.organisation_id)
    return or_(*visible) if visible else false()


def workspace_filter(user: Any, model: Any, owners: Any):
    """A SQL condition on a workspace ``model`` (:data:`PERSONAL` kinds) selecting what ``user`` may read,
    the rule of :func:`allowed` (:func:`_personal`): their own records and those their organisation's
    members share. ``owners``: the users' model (each record's owner is ``model.user_id``)."""
    if user is None:
        return false()
    visible = [model.user_id == user.id]
    if user.organisation_id is not None:
        colleagues = select(owners.id).where(owners.organisation_id == user.organisation_id)
        visible.append(model.shared.is_(True) & model.user_id.in_(colleagues))
    return or_(*visible)


def writes(user: Any, kind: str, *, public_kind: bool = True) -> dict[str, Any]:
    """What ``user`` may write in ``kind``, by :func:`allowed` itself (the rule every write is checked by):
    ``create`` (for their organisation), ``update`` (``"any"`` record, their ``"own"`` organisation's, or
    None) and ``publish`` (publish and withdraw from publication)."""

    def draft(organisation_id):
        return SimpleNamespace(organisation_id=organisation_id, published=False)

    own = draft(getattr(user, "organisation_id", None))
    other = draft(-1)  # an organisation the user does not belong to
    update = (
        "any"
        if allowed(user, "update", kind, other, public_kind=public_kind)
        else "own"
        if own.organisation_id is not None and allowed(user, "update", kind, own, public_kind=public_kind)
        else None
    )
    return {
        "create": allowed(user, "create", kind, own, public_kind=public_kind)
        or allowed(user, "create", kind, other, public_kind=public_kind),
        "update": update,
        "publish": allowed(user, "publish", kind, own, public_kind=public_kind),
    }
