"""The record kinds: for each, its URL name, table, schemas, search/filter/sort fields and nature
(spatial, versioned, restricted). The API builds its CRUD routes from :data:`KINDS`; the service
reads the same description. One way to do each thing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import orm
from . import schemas as s
from .accounts import hash_password


@dataclass(frozen=True)
class RecordKind:
    """How one record type is stored, checked, searched and shown.

    ``prepare(session, values, record)`` turns validated values into stored columns (``record`` is the
    row being updated, None on create); ``filters`` map a query parameter to the column it compares;
    ``joins`` are the relationships a list query joins for them.
    """

    name: str
    model: type[orm.Base]
    base: type[BaseModel]
    create: type[BaseModel]
    update: type[BaseModel]
    public: type[BaseModel]
    search: tuple[str, ...] = ()
    filters: dict[str, Any] = field(default_factory=dict)
    sort: tuple[str, ...] = ()
    spatial: bool = False
    versioned: bool = False
    restricted: bool = False
    prepare: Callable[[Session, dict, Any], dict] | None = None
    joins: tuple = ()

    @property
    def search_columns(self) -> list:
        return [getattr(self.model, name) for name in self.search]


def _kind(
    name: str,
    model,
    base,
    *,
    search=(),
    filters=(),
    sort=(),
    versioned=False,
    write_only=None,
    hidden=(),
    read_only=None,
    extra_filters=None,
    **options,
) -> RecordKind:
    create, update, public = s.record_schemas(
        base, versioned=versioned, write_only=write_only, hidden=hidden, read_only=read_only
    )
    columns = {f: getattr(model, f) for f in (*filters, "organisation_id", "published")}
    spatial = issubclass(base, s.Spatial)
    return RecordKind(
        name,
        model,
        base,
        create,
        update,
        public,
        search=tuple(search),
        filters=columns | (extra_filters or {}),
        sort=("id", "created_at", "updated_at", *sort, *(("lon", "lat") if spatial else ())),
        spatial=spatial,
        versioned=versioned,
        **options,
    )


def _user_password(_session: Session, values: dict, _record) -> dict:
    password = values.pop("password", None)
    if password is not None:
        values["password_hash"] = hash_password(password)
    return values


def _project_impact(_session: Session, values: dict, record) -> dict:
    """``expected_impact`` from ``balance_input`` by the models, recomputed only when the input changed."""
    from .impact import expected_impact  # numerical models: loaded on first use

    balance_input = values.get("balance_input")
    if balance_input is None:
        values["expected_impact"] = None
    elif record is None or record.balance_input != balance_input:
        values["expected_impact"] = expected_impact(balance_input)
    return values


def _observation_layer(session: Session, values: dict, _record) -> dict:
    """The layer (site, upper_cm, lower_cm) of an observation, created when new."""
    site_id, upper, lower = values.pop("site_id"), values.pop("upper_cm"), values.pop("lower_cm")
    layer = session.scalar(
        select(orm.Layer).where(
            orm.Layer.site_id == site_id, orm.Layer.upper_cm == upper, orm.Layer.lower_cm == lower
        )
    )
    if layer is None:
        layer = orm.Layer(site_id=site_id, upper_cm=upper, lower_cm=lower)
        session.add(layer)
        session.flush()
    values["layer_id"] = layer.id
    values["property"] = str(values["property"])
    return values


KINDS: dict[str, RecordKind] = {
    k.name: k
    for k in (
        _kind(
            "organisations",
            orm.Organisation,
            s.OrganisationBase,
            search=("name",),
            filters=("membership", "org_type", "country_iso3", "region"),
            sort=("name", "country_iso3"),
        ),
        _kind(
            "users",
            orm.User,
            s.UserBase,
            search=("email", "name"),
            filters=("role", "active"),
            sort=("email",),
            write_only={"password": (s.Password, ...)},
            restricted=True,
            prepare=_user_password,
        ),
        _kind(
            "projects",
            orm.Project,
            s.ProjectBase,
            search=("name", "description"),
            filters=("country_iso3", "stage", "start_year"),
            sort=("name", "country_iso3", "area_ha", "stage", "start_year"),
            read_only={"expected_impact": (dict[str, Any] | None, None)},
            prepare=_project_impact,
        ),
        _kind(
            "assessments",
            orm.Assessment,
            s.AssessmentBase,
            search=("summary",),
            filters=("project_id", "assessed_on"),
            sort=("assessed_on", "project_id"),
            versioned=True,
        ),
        _kind(
            "practices",
            orm.Practice,
            s.PracticeBase,
            search=("name", "description", "evidence", "climate_zone", "soil"),
            filters=("category", "land_use", "region", "country_iso3", "evidence_level"),
            sort=("name", "effect_t_c_ha_yr"),
        ),
        _kind(
            "monitoring-tools",
            orm.MonitoringTool,
            s.MonitoringToolBase,
            search=("name", "description"),
            filters=("category", "scale", "cost", "mrv_suitability"),
            sort=("name", "category"),
        ),
        _kind(
            "ndcs",
            orm.NdcEntry,
            s.NdcEntryBase,
            search=("how", "ndc_version"),
            filters=(
                "country_iso3",
                "ndc_version",
                "year",
                "refers_soc",
                "refers_soil_health",
                "refers_peatlands_wetlands",
            ),
            sort=("country_iso3", "year"),
        ),
        _kind(
            "strategies",
            orm.Strategy,
            s.StrategyBase,
            search=("title", "summary"),
            filters=("country_iso3", "strategy_type", "status", "year"),
            sort=("title", "year", "country_iso3"),
        ),
        _kind(
            "schemes",
            orm.SchemeReview,
            s.SchemeReviewBase,
            search=("name", "methodology", "findings"),
            filters=("scheme_type", "country_iso3", "year"),
            sort=("name", "year"),
        ),
        _kind(
            "studies",
            orm.Study,
            s.StudyBase,
            search=("title", "authors", "summary"),
            filters=("study_type", "country_iso3", "year"),
            sort=("title", "year"),
        ),
        _kind(
            "meetings",
            orm.Meeting,
            s.MeetingBase,
            search=("title", "notes", "location"),
            filters=("meeting_type", "region", "country_iso3", "date"),
            sort=("date", "title"),
        ),
        _kind(
            "networks",
            orm.Network,
            s.NetworkBase,
            search=("name", "description"),
            filters=("network_type", "scope"),
            sort=("name",),
        ),
        _kind(
            "contacts",
            orm.Contact,
            s.ContactBase,
            search=("name", "affiliation", "notes"),
            filters=("audience", "country_iso3", "language"),
            sort=("name",),
            restricted=True,
        ),
        _kind(
            "brandings",
            orm.Branding,
            s.BrandingBase,
            search=("name", "description"),
            filters=("branding_type", "country_iso3"),
            sort=("name",),
        ),
        _kind(
            "municipalities",
            orm.Municipality,
            s.MunicipalityBase,
            search=("name",),
            filters=("country_iso3", "region", "twin_id"),
            sort=("name", "country_iso3"),
        ),
        _kind(
            "budget-lines",
            orm.BudgetLine,
            s.BudgetLineBase,
            search=("label", "funder"),
            filters=("objective", "year", "currency", "status"),
            sort=("objective", "year", "amount"),
            restricted=True,
        ),
        _kind(
            "toolkit-usage",
            orm.ToolkitUsage,
            s.ToolkitUsageBase,
            filters=("tool", "country_iso3"),
            sort=("at", "tool"),
        ),
        _kind(
            "sites",
            orm.Site,
            s.SiteBase,
            search=("name", "description"),
            filters=("country_iso3", "land_use"),
            sort=("name", "country_iso3"),
        ),
        _kind(
            "observations",
            orm.Observation,
            s.ObservationBase,
            search=("method",),
            filters=("property", "date", "unit"),
            sort=("date", "property", "value"),
            versioned=True,
            read_only={"country_iso3": (str, ...), "proposed": (bool, False)},
            extra_filters={"site_id": orm.Layer.site_id, "country_iso3": orm.Site.country_iso3},
            joins=(orm.Observation.layer, orm.Layer.site),
            prepare=_observation_layer,
        ),
    )
}
"""Every record kind by URL name."""
