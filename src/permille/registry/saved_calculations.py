"""Saved calculations of the online toolkit: a signed-in user's workspace of named calculator inputs.

Who may do what (:func:`permille.registry.permissions.allowed`, kind ``saved-calculations``, asked by every
read and write here): the owner reads, renames, shares, overwrites and deletes ("update"); when ``shared``,
the members of the owner's organisation read it (and may duplicate it into their own workspace), never
change it; nobody else sees it — the Secretariat included: a workspace is not a registry record. Bounded: :data:`MAX_PER_USER` calculations a user, :data:`MAX_INPUT_BYTES` of inputs and
:data:`MAX_SUMMARY_BYTES` of summary each. The stored summary is the result when saved; a page reopening a
calculation computes the result again from the inputs.
"""

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import __version__
from ..i18n import Number, Text
from .orm import SavedCalculation, User
from .permissions import allowed, workspace_filter

KIND = "saved-calculations"
CALCULATORS = ("rothc", "balance", "stocks", "sampling", "credits")
MAX_PER_USER = 100
MAX_INPUT_BYTES = 2 * 2**20
"""Inputs of one calculation as JSON, bytes (a stocks CSV upload travels in them; the API's upload limit
is 10 MiB, a calculation worth keeping is far smaller)."""
MAX_SUMMARY_BYTES = 16 * 2**10
MAX_NAME_CHARS = 120


class Refusal(Exception):
    """A refused request: HTTP ``status``, the message (a catalogue :class:`~permille.i18n.Text`), the field
    as the user sees it."""

    def __init__(self, status: int, message: Text, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _size(value: Any, limit: int, field: str) -> None:
    size = len(json.dumps(value, separators=(",", ":")).encode())
    if size > limit:
        message = Text(
            "{field}: {size} bytes; at most {most}", field=field, size=Number(size, 0), most=Number(limit, 0)
        )
        raise Refusal(413, message, field)


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise Refusal(422, Text("name: give the calculation a name"), "name")
    if len(name) > MAX_NAME_CHARS:
        message = Text("name: {count} characters; at most {most}", count=len(name), most=MAX_NAME_CHARS)
        raise Refusal(422, message, "name")
    return name


def _free_name(session: Session, user: User, name: str, exclude: int | None = None) -> None:
    mine = SavedCalculation.user_id == user.id
    query = select(SavedCalculation.id).where(mine, SavedCalculation.name == name)
    if exclude is not None:
        query = query.where(SavedCalculation.id != exclude)
    if session.scalar(query) is not None:
        raise Refusal(409, Text("name: you already have a calculation named {name}", name=repr(name)), "name")


def _room(session: Session, user: User) -> None:
    count = session.scalar(select(func.count()).where(SavedCalculation.user_id == user.id))
    if count >= MAX_PER_USER:
        message = Text(
            "you have {count} saved calculations, the most a user keeps ({most}); delete one first",
            count=count,
            most=MAX_PER_USER,
        )
        raise Refusal(422, message)


def _shareable(user: User, shared: bool) -> None:
    if shared and user.organisation_id is None:
        raise Refusal(422, Text("shared: you belong to no organisation to share with"), "shared")


def describe(row: SavedCalculation, user: User, *, inputs: bool = True) -> dict:
    """The calculation as the API answers it (``inputs`` left out of lists); ``mine``: the caller owns it."""
    out = {
        "id": row.id,
        "name": row.name,
        "calculator": row.calculator,
        "summary": row.summary,
        "software_version": row.software_version,
        "shared": row.shared,
        "owner": row.user.name or row.user.email.split("@")[0],
        "mine": row.user_id == user.id,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }
    if inputs:
        out["inputs"] = row.inputs
    return out


def listing(session: Session, user: User, calculator: str | None = None) -> list[dict]:
    """The caller's calculations and those shared with them by their organisation, newest first."""
    query = select(SavedCalculation).where(workspace_filter(user, SavedCalculation, User))
    if calculator:
        query = query.where(SavedCalculation.calculator == calculator)
    rows = session.scalars(query.order_by(SavedCalculation.updated_at.desc(), SavedCalculation.id.desc()))
    return [describe(row, user, inputs=False) for row in rows]


def get(session: Session, user: User, calculation_id: int, action: str = "read") -> SavedCalculation:
    """The calculation if ``user`` may ``action`` ("read" or "update") it: 404 when they may not read it (its
    existence is not disclosed), 403 when they may read but not change it."""
    row = session.get(SavedCalculation, calculation_id)
    if row is None or not allowed(user, "read", KIND, row):
        raise Refusal(404, Text("no saved calculation {id} in your workspace", id=calculation_id))
    if not allowed(user, action, KIND, row):
        raise Refusal(403, Text("a colleague's shared calculation is read-only: duplicate it to change it"))
    return row


def create(
    session: Session,
    user: User,
    name: str,
    calculator: str,
    inputs: dict,
    summary: dict,
    shared: bool = False,
) -> dict:
    """Save a new calculation (all or nothing; the caller's inputs are already checked by the calculator's
    schema)."""
    if not allowed(user, "create", KIND):
        raise Refusal(403, Text("sign in to save a calculation"))
    if calculator not in CALCULATORS:
        message = Text(
            "calculator: {name}; one of {known}", name=repr(calculator), known=", ".join(CALCULATORS)
        )
        raise Refusal(422, message, "calculator")
    name = _name(name)
    _size(inputs, MAX_INPUT_BYTES, "inputs")
    _size(summary, MAX_SUMMARY_BYTES, "summary")
    _shareable(user, shared)
    _room(session, user)
    _free_name(session, user, name)
    row = SavedCalculation(
        user_id=user.id, name=name, calculator=calculator, inputs=inputs, summary=summary,
        software_version=__version__, shared=shared,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return describe(row, user)


def update(session: Session, user: User, calculation_id: int, changes: dict) -> dict:
    """Rename, share or unshare, or overwrite the inputs and summary (then with this software version)."""
    row = get(session, user, calculation_id, "update")
    if changes.get("name") is not None:
        name = _name(changes["name"])
        _free_name(session, user, name, exclude=row.id)
        row.name = name
    if changes.get("shared") is not None:
        _shareable(user, changes["shared"])
        row.shared = changes["shared"]
    if changes.get("inputs") is not None:
        _size(changes["inputs"], MAX_INPUT_BYTES, "inputs")
        _size(changes.get("summary") or {}, MAX_SUMMARY_BYTES, "summary")
        row.inputs, row.summary = changes["inputs"], changes.get("summary") or {}
        row.software_version = __version__
    session.commit()
    return describe(row, user)


def duplicate(session: Session, user: User, calculation_id: int, name: str | None = None) -> dict:
    """A copy in the caller's own workspace (of their own calculation or a colleague's shared one), not
    shared; named ``name`` or "<name> (copy)", "<name> (copy 2)" …"""
    row = get(session, user, calculation_id, "read")
    if name is None:
        taken = set(session.scalars(select(SavedCalculation.name).where(SavedCalculation.user_id == user.id)))
        base = row.name[: MAX_NAME_CHARS - 10]
        names = (f"{base} (copy{f' {k}' if k > 1 else ''})" for k in range(1, MAX_PER_USER + 2))
        name = next(n for n in names if n not in taken)
    summary = dict(row.summary)
    answer = create(session, user, name, row.calculator, row.inputs, summary)
    copy = session.get(SavedCalculation, answer["id"])
    copy.software_version = row.software_version  # the summary is still that version's
    session.commit()
    return describe(copy, user)


def delete(session: Session, user: User, calculation_id: int) -> None:
    session.delete(get(session, user, calculation_id, "update"))
    session.commit()
