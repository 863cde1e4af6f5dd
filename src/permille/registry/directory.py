"""The member directory: the public pages of the member and partner organisations. Only published
organisations are listed, and of each only what is public anyway: its type, country, region, website, its
published projects and practices, and its expertise (the topics of its helpdesk experts and the categories
of its published practices). Users, e-mail addresses and unpublished records are never shown."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import orm
from .service import NotFound

MAX_LISTED = 2000


def countries() -> dict[str, dict]:
    """The bundled countries by ISO3 (:func:`permille.registry.kpis.countries`)."""
    from .kpis import countries as bundled  # kpis → counting → twins → this module

    return bundled()


def country_name(iso3: str | None) -> dict[str, str] | None:
    """The country's name in en, fr and es (data/registry/countries.yaml), None if unknown."""
    country = countries().get(iso3 or "")
    return dict(country["name"]) if country else None


def _region(row: orm.Organisation) -> str | None:
    """The organisation's region, else its country's (data/registry/countries.yaml)."""
    return row.region or countries().get(row.country_iso3 or "", {}).get("region")


def _counts(session: Session, model, ids: list[int]) -> dict[int, int]:
    return dict(
        session.execute(
            select(model.organisation_id, func.count())
            .where(model.organisation_id.in_(ids), model.published.is_(True))
            .group_by(model.organisation_id)
        ).all()
    )


def _summary(row: orm.Organisation, projects: int, practices: int) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "membership": row.membership,
        "org_type": row.org_type,
        "country_iso3": row.country_iso3,
        "country": country_name(row.country_iso3),
        "region": _region(row),
        "website": row.website,
        "projects": projects,
        "practices": practices,
        "demo": row.demo,
    }


def organisations(
    session: Session,
    *,
    q: str | None = None,
    membership: str | None = None,
    org_type: str | None = None,
    region: str | None = None,
    country_iso3: str | None = None,
) -> list[dict]:
    """The published organisations matching every filter given (``q``: every word in the name,
    case-insensitive; ``region``: the organisation's, else its country's), by name."""
    query = select(orm.Organisation).where(orm.Organisation.published.is_(True))
    if membership:
        query = query.where(orm.Organisation.membership == membership)
    if org_type:
        query = query.where(orm.Organisation.org_type == org_type)
    if country_iso3:
        query = query.where(orm.Organisation.country_iso3 == country_iso3)
    for word in (q or "").split():
        query = query.where(func.lower(orm.Organisation.name).contains(word.lower(), autoescape=True))
    rows = session.scalars(query.order_by(orm.Organisation.name).limit(MAX_LISTED)).all()
    if region:
        rows = [r for r in rows if _region(r) == region]
    ids = [r.id for r in rows]
    projects, practices = _counts(session, orm.Project, ids), _counts(session, orm.Practice, ids)
    return [_summary(r, projects.get(r.id, 0), practices.get(r.id, 0)) for r in rows]


def _expertise(session: Session, organisation_id: int, practices: list[orm.Practice]) -> list[str]:
    topics: set[str] = set()
    experts = session.scalars(
        select(orm.HelpdeskExpert.topics)
        .join(orm.User, orm.User.id == orm.HelpdeskExpert.user_id)
        .where(orm.User.organisation_id == organisation_id, orm.User.active.is_(True))
    ).all()
    for chosen in experts:
        topics.update(chosen or [])
    topics.update(p.category for p in practices if p.category)
    return sorted(topics)


def organisation(session: Session, organisation_id: int) -> dict[str, Any]:
    """The public page of one published organisation (404 otherwise, as if it did not exist)."""
    row = session.get(orm.Organisation, organisation_id)
    if row is None or not row.published:
        raise NotFound(f"no organisation {organisation_id} in the directory")
    projects = session.scalars(
        select(orm.Project)
        .where(orm.Project.organisation_id == row.id, orm.Project.published.is_(True))
        .order_by(orm.Project.name)
    ).all()
    practices = session.scalars(
        select(orm.Practice)
        .where(orm.Practice.organisation_id == row.id, orm.Practice.published.is_(True))
        .order_by(orm.Practice.name)
    ).all()
    page = _summary(row, len(projects), len(practices))
    page["expertise"] = _expertise(session, row.id, practices)
    page["project_list"] = [
        {"id": p.id, "name": p.name, "stage": p.stage, "country_iso3": p.country_iso3, "area_ha": p.area_ha}
        for p in projects
    ]
    page["practice_list"] = [
        {"id": p.id, "name": p.name, "category": p.category, "country_iso3": p.country_iso3}
        for p in practices
    ]
    return page
