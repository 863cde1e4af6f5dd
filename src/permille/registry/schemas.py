"""Pydantic models of the records, checked at the boundary: one ``…Base`` per kind with the fields a
client writes, and from it (:func:`record_schemas`) ``Create`` (+ owner and publication), ``Update``
(every field optional; ``version`` names the version changed) and ``Public`` (+ id, timestamps, version).

Units are in the field names or descriptions: t C/ha/yr, cm, ha, degrees (WGS 84). Unknown fields are
refused, so a typo is an error rather than silently dropped.
"""

import datetime
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo

from .. import i18n
from ..measure.soildata import Property, Result, depth_order_problem
from ..validation_messages import validation_message
from .accounts import MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE, check_password

Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Region = Literal["Africa", "Asia", "Europe", "Latin America and the Caribbean", "North America and Oceania"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, Field(max_length=20_000)]
Url = Annotated[str, StringConstraints(max_length=500, pattern=r"^(https?://\S+)?$")]
Year = Annotated[int, Field(ge=1900, le=2100)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="longitude, WGS 84 degrees")]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="latitude, WGS 84 degrees")]
MAX_INTEGER = 2**31 - 1
"""The largest value of an INTEGER column on PostgreSQL (ids, versions, integer filters)."""
RecordId = Annotated[int, Field(ge=1, le=MAX_INTEGER, description="id of a record")]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
References = Annotated[list[Annotated[str, Field(min_length=1, max_length=1000)]], Field(max_length=100)]


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text(value: Any, where: str = "") -> list[str]:
    """Where ``value`` (nested lists and dicts, to any depth: walked without recursion) holds text no
    database stores: NUL characters or lone UTF-16 surrogates; in document order."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                found.append(at or "value")
        elif isinstance(item, dict):
            children = [(c, p) for k, v in item.items() for c, p in ((k, at), (v, f"{at}.{k}".strip(".")))]
            stack.extend(reversed(children))
        elif isinstance(item, list | tuple):
            stack.extend(reversed([(v, f"{at}.{i}".strip(".")) for i, v in enumerate(item)]))
    return found


class Strict(BaseModel):
    """Unknown fields refused; text with NUL characters or lone surrogates refused."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        problems = unstorable_text(data)
        if problems:
            raise ValueError(
                i18n.Text(
                    "NUL characters and lone surrogates are not allowed (in {fields})",
                    fields=", ".join(problems),
                )
            )
        return data


class RecordIn(Strict):
    organisation_id: RecordId | None = Field(None, description="owner; default: the writer's organisation")
    published: bool = Field(False, description="readable by the public (publishing needs the Secretariat)")


class RecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="ignore")
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    organisation_id: int | None
    published: bool


class Spatial(Strict):
    lon: Lon
    lat: Lat


def record_schemas(
    base: type[BaseModel],
    *,
    versioned: bool = False,
    write_only: dict[str, Any] | None = None,
    hidden: tuple[str, ...] = (),
    read_only: dict[str, Any] | None = None,
) -> tuple[type[BaseModel], type[BaseModel], type[BaseModel]]:
    """``(Create, Update, Public)`` of a kind from its ``base`` fields.

    ``write_only`` fields are written but never shown (a password); ``hidden`` base fields are not shown;
    ``read_only`` fields are shown, computed by the service. ``Update`` of a ``versioned`` kind requires
    ``version``, the version it changes; other kinds accept it (checked when given).
    """
    stem = base.__name__.removesuffix("Base")
    create = create_model(f"{stem}Create", __base__=(base, RecordIn), **(write_only or {}))
    partial = {}
    for name, info in create.model_fields.items():
        field = FieldInfo.merge_field_infos(info, default=None, default_factory=None)
        partial[name] = (info.annotation | None, field)
    version_field = Field(
        ... if versioned else None, ge=1, le=MAX_INTEGER, description="the version this update changes"
    )
    partial["version"] = (int if versioned else int | None, version_field)
    update = create_model(f"{stem}Update", __base__=Strict, **partial)
    shown = {name: (info.annotation, info) for name, info in base.model_fields.items() if name not in hidden}
    public = create_model(f"{stem}Public", __base__=RecordOut, **shown, **(read_only or {}))
    return create, update, public


# --- organisations and users --------------------------------------------------------------------------------

OrgType = Literal[
    "country",
    "farmers_organisation",
    "research",
    "ngo",
    "private_sector",
    "funder",
    "international_organisation",
    "local_authority",
    "other",
]


class OrganisationBase(Strict):
    name: Name
    membership: Literal["member", "partner"]
    org_type: OrgType
    country_iso3: Iso3 | None = None
    region: Region | None = None
    website: Url = ""


Language = Literal["en", "fr", "es"]
"""The languages of the pages and e-mails."""


class UserBase(Strict):
    email: Email
    name: Annotated[str, Field(max_length=200)] = ""
    role: Literal["member", "partner", "stc", "secretariat"]
    active: bool = True
    language: Language = Field("en", description="language of the e-mails sent to the user")
    org_admin: bool = Field(False, description="may invite colleagues into their organisation")


Password = Annotated[
    str,
    Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=200,
        description=f"at least {MIN_PASSWORD_LENGTH} characters, not easy to guess "
        f"(zxcvbn score ≥ {MIN_PASSWORD_SCORE})",
    ),
    AfterValidator(check_password),
]

# --- projects and their assessment --------------------------------------------------------------------------


class ProjectBase(Spatial):
    name: Name
    description: Text = ""
    country_iso3: Iso3
    area_ha: float = Field(gt=0, le=1e8, allow_inf_nan=False, description="area of the project, ha")
    practices: Annotated[list[Name], Field(max_length=50)] = []
    stage: Literal["proposed", "selected", "implemented"]
    start_year: Year | None = None
    balance_input: dict[str, Any] | None = Field(
        None, description="project document (schema of examples/project.yaml) for the expected SOC impact"
    )


class Criterion(StrEnum):
    """The reference criteria of the formative assessment, in their groups (:data:`CRITERIA`)."""

    HUMAN_RIGHTS = "human_rights"
    LAND_TENURE = "land_tenure"
    POVERTY_ALLEVIATION = "poverty_alleviation"
    SOIL_CONSERVATION = "soil_conservation"
    SOC_INCREASE = "soc_increase"
    GHG_BALANCE = "ghg_balance"
    ADAPTATION = "adaptation"
    FOOD_SECURITY = "food_security"
    BIODIVERSITY = "biodiversity"
    WATER = "water"
    PARTICIPATION = "participation"
    MRV_CAPACITY = "mrv_capacity"
    SCALABILITY = "scalability"
    ECONOMIC_VIABILITY = "economic_viability"


C = Criterion
CRITERIA: dict[str, tuple[Criterion, ...]] = {
    "safeguards": (C.HUMAN_RIGHTS, C.LAND_TENURE, C.POVERTY_ALLEVIATION),
    "direct_effects": (C.SOIL_CONSERVATION, C.SOC_INCREASE, C.GHG_BALANCE, C.ADAPTATION),
    "co_benefits": (C.FOOD_SECURITY, C.BIODIVERSITY, C.WATER),
    "governance": (C.PARTICIPATION, C.MRV_CAPACITY, C.SCALABILITY, C.ECONOMIC_VIABILITY),
}
"""Groups of criteria: safeguards, direct effects, co-benefits, governance."""


class CriterionScore(Strict):
    score: int = Field(ge=0, le=5, description="0 (not met / unknown) to 5 (fully met)")
    comment: Annotated[str, Field(max_length=5000)] = ""


class AssessmentBase(Strict):
    project_id: RecordId
    assessed_on: datetime.date
    scores: dict[Criterion, CriterionScore] = Field(description="one score and comment per criterion")
    summary: Text = ""

    @model_validator(mode="after")
    def _every_criterion(self):
        missing = [c.value for c in Criterion if c not in self.scores]
        if missing:
            raise ValueError(
                i18n.Text(
                    "scores missing for {n} criterion: {criteria}",
                    "scores missing for {n} criteria: {criteria}",
                    n=len(missing),
                    criteria=", ".join(missing),
                )
            )
        return self


# --- catalogues -------------------------------------------------------------------------------------------


class PracticeBase(Strict):
    name: Name
    description: Text = ""
    category: Annotated[str, Field(max_length=60)] = ""
    climate_zone: Annotated[str, Field(max_length=100)] = ""
    land_use: Annotated[str, Field(max_length=60)] = ""
    soil: Annotated[str, Field(max_length=200)] = ""
    region: Region | None = None
    country_iso3: Iso3 | None = None
    evidence: Text = ""
    evidence_level: Literal["meta_analysis", "field_trials", "modelled", "expert_judgement"]
    effect_t_c_ha_yr: float | None = Field(
        None, ge=-20, le=20, allow_inf_nan=False, description="measured SOC change, t C/ha/yr"
    )
    effect_uncertainty_t_c_ha_yr: float | None = Field(
        None, ge=0, le=20, allow_inf_nan=False, description="± (95 %) of the effect, t C/ha/yr"
    )
    depth_cm: float | None = Field(None, gt=0, le=300, description="depth the effect refers to, cm")
    references: References = []
    languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]] = Field(
        [], description="ISO 639-1 codes"
    )

    @model_validator(mode="after")
    def _effect_with_uncertainty(self):
        if self.effect_t_c_ha_yr is not None and self.effect_uncertainty_t_c_ha_yr is None:
            raise ValueError(i18n.Text("an effect needs its uncertainty (SD, t C/ha/yr)"))
        return self


Level = Literal["low", "medium", "high"]


class MonitoringToolBase(Strict):
    name: Name
    category: Literal["remote_sensing", "sensor", "database", "model", "field_method", "laboratory", "other"]
    description: Text = ""
    scale: Literal["point", "field", "landscape", "national", "global"]
    accuracy: Annotated[str, Field(max_length=300)] = ""
    cost: Level
    mrv_suitability: Level
    url: Url = ""
    references: References = []


class NdcEntryBase(Strict):
    country_iso3: Iso3
    ndc_version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    year: Year
    refers_soc: bool
    refers_soil_health: bool
    refers_peatlands_wetlands: bool
    how: Text = ""
    source: Url = ""


class StrategyBase(Strict):
    title: Name
    strategy_type: Literal["national_strategy", "investment_plan", "action_plan"]
    country_iso3: Iso3
    year: Year
    status: Literal["planned", "drafted", "adopted", "implemented"]
    summary: Text = ""
    url: Url = ""


class SchemeReviewBase(Strict):
    name: Name
    scheme_type: Literal["compliance", "voluntary", "results_based_payment", "insetting", "other"]
    country_iso3: Iso3 | None = None
    year: Year
    recognised_4p1000: bool = Field(
        False, description="the «4 per 1000» certified compensation scheme (counted by KPI A5)"
    )
    methodology: Text = ""
    findings: Text = ""
    url: Url = ""


class StudyBase(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    authors: Annotated[str, Field(max_length=1000)] = ""
    year: Year
    study_type: Literal["study", "review", "meta_analysis", "report"]
    country_iso3: Iso3 | None = None
    summary: Text = ""
    url: Url = ""


class MeetingBase(Strict):
    title: Name
    meeting_type: Literal["meeting", "notes", "regional_event", "webinar", "forum"]
    date: datetime.date
    region: Region | None = None
    country_iso3: Iso3 | None = None
    location: Annotated[str, Field(max_length=300)] = ""
    notes: Text = ""
    capacity: int | None = Field(
        None, ge=1, le=100_000, description="seats for registration in the calendar; empty: no limit"
    )


class NetworkBase(Strict):
    name: Name
    network_type: Literal["network", "partnership"]
    scope: Literal["local", "national", "regional", "global"]
    audience: Literal["general", "youth", "senior"] = Field(
        "general", description="whom the network gathers (youth and senior networks: KPI D3)"
    )
    develops_tools: bool = Field(
        False, description="the partner develops impact-assessment tools, e.g. EX-ACT (KPI E3)"
    )
    description: Text = ""
    url: Url = ""


class ContactBase(Strict):
    name: Name
    email: Email | Literal[""] = ""
    affiliation: Annotated[str, Field(max_length=300)] = ""
    audience: Literal["policy", "media", "farmers", "research", "private_sector", "civil_society", "other"]
    country_iso3: Iso3 | None = None
    language: Annotated[str, StringConstraints(pattern=r"^([a-z]{2})?$")] = ""
    notes: Text = ""


class BrandingBase(Strict):
    name: Name
    branding_type: Literal["label", "certification", "logo_use", "campaign"]
    country_iso3: Iso3 | None = None
    description: Text = ""
    url: Url = ""


class MunicipalityBase(Spatial):
    name: Name
    country_iso3: Iso3
    region: Region | None = None
    twin_id: RecordId | None = Field(None, description="id of the twin municipality")
    population: int | None = Field(None, ge=0, le=10**10)


class BudgetLineBase(Strict):
    objective: Annotated[str, StringConstraints(pattern=r"^[A-F][0-9]$")]
    label: Name
    year: Year
    amount: float = Field(ge=0, le=1e12, allow_inf_nan=False, description="in ``currency``")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "EUR"
    funder: Annotated[str, Field(max_length=300)] = ""
    status: Literal["planned", "committed", "spent"]


class ToolkitUsageBase(Strict):
    tool: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    country_iso3: Iso3 | None = None
    at: datetime.datetime = Field(
        default_factory=lambda: datetime.datetime.now(datetime.UTC), description="when (UTC)"
    )

    @model_validator(mode="after")
    def _aware(self):
        if self.at.tzinfo is None:
            raise ValueError(i18n.Text("at: give a timezone (e.g. 2026-01-01T12:00:00Z)"))
        if not 1900 <= self.at.year <= 2100:
            raise ValueError(i18n.Text("at: year {year} is outside 1900–2100", year=self.at.year))
        return self


# --- soil observations ----------------------------------------------------------------------------------------


class SiteBase(Spatial):
    name: Name
    country_iso3: Iso3
    land_use: Literal["cropland", "grassland", "forest", "wetland", "perennial_crop", "other"]
    description: Text = ""


EARLIEST_OBSERVATION = datetime.date(1800, 1, 1)
"""Earliest accepted sampling date (the oldest archived soil samples, Rothamsted's, are from 1843)."""


def _plausible_date(value: datetime.date) -> datetime.date:
    """A sampling date from :data:`EARLIEST_OBSERVATION` to tomorrow (a day ahead for time zones)."""
    latest = datetime.date.today() + datetime.timedelta(days=1)
    if not EARLIEST_OBSERVATION <= value <= latest:
        raise ValueError(
            i18n.Text(
                "date {date} is not between {earliest} and today",
                date=value.isoformat(),
                earliest=EARLIEST_OBSERVATION.isoformat(),
            )
        )
    return value


SamplingDate = Annotated[datetime.date, AfterValidator(_plausible_date)]


class ObservationBase(Strict):
    """One result of a site's layer; the property, unit and plausible range are those of
    :mod:`permille.measure.soildata` (e.g. SOC 0–100 %, bulk density (0, 2.65] g/cm3)."""

    site_id: RecordId
    upper_cm: float = Field(ge=0, le=1000, allow_inf_nan=False, description="top of the layer, cm")
    lower_cm: float = Field(gt=0, le=1000, allow_inf_nan=False, description="bottom of the layer, cm")
    property: Property
    value: float = Field(allow_inf_nan=False, description="in ``unit``")
    unit: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    uncertainty: float | None = Field(None, ge=0, allow_inf_nan=False, description="±, in ``unit``")
    date: SamplingDate | None = Field(None, description="date of sampling, from 1800-01-01 to today")
    method: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _plausible(self):
        problems = [p for p in [depth_order_problem(self.upper_cm, self.lower_cm)] if p]
        try:
            result = Result(
                property=self.property, unit=self.unit, value=self.value, uncertainty=self.uncertainty
            )
        except ValidationError as e:
            problems += [validation_message(err, value_error_prefix=False) for err in e.errors()]
        else:
            self.unit = result.unit.value
        if problems:
            raise ValueError(i18n.joined(problems))
        return self
