"""The twin-regions pilot (objective F1): pairs of municipalities (record kind ``municipalities``, a pair
is two municipalities one of which names the other in ``twin_id``) with their actions and exchanges
(``twin_activity``). The pages show everyone the pairs whose two municipalities are published, and a
signed-in reader also the pairs whose two municipalities they may read unpublished (their organisation's;
all for the Secretariat and the STC), marked unpublished; the KPI F1 counts the pairs (:func:`pairs`) among
its counted records (``counting._twinned``)."""

import datetime
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import i18n
from . import orm
from .directory import country_name
from .permissions import Role, read_filter, role_of
from .schemas import Name, RecordId, Strict, Text
from .service import Forbidden, Invalid, NotFound, _validate, audit, transaction


class ActivityIn(Strict):
    municipality_id: RecordId
    partner_id: RecordId
    activity_type: Literal["action", "exchange"] = Field(
        description="action: done in the municipality; exchange: between the two (visit, workshop, call)"
    )
    date: Annotated[datetime.date, Field(ge=datetime.date(2015, 1, 1), le=datetime.date(2100, 12, 31))]
    title: Name
    description: Text = ""


def pairs(rows: Iterable[orm.Municipality]) -> list[tuple[orm.Municipality, orm.Municipality]]:
    """The twin pairs among ``rows``: each pair once (lower id first), whichever of the two names the
    other; a municipality naming itself, or a twin not among ``rows``, makes no pair."""
    by_id = {m.id: m for m in rows}
    found: dict[tuple[int, int], tuple] = {}
    for m in by_id.values():
        twin = by_id.get(m.twin_id) if m.twin_id is not None else None
        if twin is None or twin.id == m.id:
            continue
        a, b = sorted((m, twin), key=lambda x: x.id)
        found.setdefault((a.id, b.id), (a, b))
    return [found[k] for k in sorted(found)]


def _municipality(m: orm.Municipality) -> dict:
    return {
        "id": m.id,
        "name": m.name,
        "country_iso3": m.country_iso3,
        "country": country_name(m.country_iso3),
        "region": m.region,
        "organisation_id": m.organisation_id,
        "population": m.population,
        "lon": m.lon,
        "lat": m.lat,
        "demo": m.demo,
    }


def _activity(a: orm.TwinActivity) -> dict:
    return {
        "id": a.id,
        "municipality_id": a.municipality_id,
        "partner_id": a.partner_id,
        "activity_type": a.activity_type,
        "date": a.date.isoformat(),
        "title": a.title,
        "description": a.description,
    }


def _counted(m: orm.Municipality) -> bool:
    return bool(m.published and m.verified_at is not None and not m.demo)


def visible_pairs(session: Session, user: Any) -> list[dict]:
    """The pairs whose two municipalities ``user`` (None: the public) may read, with their activities
    (newest first), whether both are ``published`` and whether KPI F1 counts them (both published and
    verified, neither demo)."""
    rows = session.scalars(select(orm.Municipality).where(read_filter(user, orm.Municipality))).all()
    found = pairs(rows)
    ids = [m.id for pair in found for m in pair]
    activities = session.scalars(
        select(orm.TwinActivity)
        .where(orm.TwinActivity.municipality_id.in_(ids), orm.TwinActivity.partner_id.in_(ids))
        .order_by(orm.TwinActivity.date.desc(), orm.TwinActivity.id.desc())
    ).all()
    result = []
    for a, b in found:
        mine = [x for x in activities if {x.municipality_id, x.partner_id} == {a.id, b.id}]
        result.append(
            {
                "id": f"{a.id}-{b.id}",
                "municipalities": [_municipality(a), _municipality(b)],
                "published": bool(a.published and b.published),
                "counted": _counted(a) and _counted(b),
                "activities": [_activity(x) for x in mine],
            }
        )
    return result


def add_activity(session: Session, user: Any, payload: Any) -> dict:
    """Record an action or exchange of a pair: the Secretariat, or a member or partner of the organisation
    owning one of the two municipalities (403 otherwise); the two must be twins (422)."""
    data = _validate(ActivityIn, payload)
    role = role_of(user)
    with transaction(session, []):
        found = session.scalars(
            select(orm.Municipality).where(orm.Municipality.id.in_([data.municipality_id, data.partner_id]))
        ).all()
        if len(found) != 2:
            raise NotFound(i18n.Text("no such municipalities"))
        if not pairs(found):
            raise Invalid(
                "the two municipalities are not twins",
                [{"loc": ["partner_id"], "message": "not the twin of the municipality", "type": "twin"}],
            )
        owners = {m.organisation_id for m in found}
        if role is not Role.SECRETARIAT and not (
            role in (Role.MEMBER, Role.PARTNER) and user.organisation_id in owners - {None}
        ):
            raise Forbidden(
                i18n.Text("only the Secretariat or the organisation of one of the two municipalities")
            )
        row = orm.TwinActivity(**data.model_dump(), created_by=user.id, created_at=orm.utcnow())
        session.add(row)
        session.flush()
        audit(session, user, "twin_activity", row.id, "create", None, _activity(row))
    return _activity(row)
