"""The Initiative's 24 objectives and their indicators, computed live from the registry's records.

The objectives, indicators, baselines and targets are the strategic plan's
(``permille/data/strategic-plan/objectives.yaml``). An indicator whose ``source`` is ``registry`` is
counted from the records (:data:`COMPUTED` says how, indicator by indicator); a ``manual`` one — and a
registry one whose count needs data the registry does not hold — takes the latest :class:`KpiValue`
entered by the Secretariat with its date and source.

Time: a cumulative indicator (countries, projects, tools …) at year Y counts the records dated up to the
end of Y; a "per year" indicator counts the records dated in Y, and its current value is the current
calendar year *to date*. A record's date is its own (meeting date, study or budget year, NDC year,
observation date) or, where it has none, the day it was recorded (``created_at``).

Status against a target (2030 or 2050): ``achieved`` when the current value reaches the target (the lower
end of a range: "10 to 20 projects" is achieved at 10); ``on track`` when it is at or above the straight
line from the baseline (its lower end; 0 where the plan gives none, in 2020 unless the plan dates it)
through the 2030 target (lower end) to the 2050 target, read at the current year; ``behind`` below that
line; ``no data`` without a current value; ``no target`` where the plan sets none for that year.
"""

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml
from sqlalchemy import Date, Float, String, extract, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .orm import (
    Base,
    Branding,
    BudgetLine,
    Contact,
    HelpdeskRequest,
    Layer,
    Meeting,
    MonitoringTool,
    Municipality,
    NdcEntry,
    Network,
    Observation,
    Organisation,
    Practice,
    Project,
    Record,
    SchemeReview,
    Site,
    Strategy,
    Study,
    ToolkitUsage,
    User,
)
from .permissions import allowed

DATA = files("permille") / "data"
FIRST_YEAR = 2015
"""The Initiative's launch (COP21); history starts here and earlier records count in this year."""
BASELINE_YEAR = 2020
"""The plan's baseline year, where an indicator does not date its baseline."""
STATUS_RULE = (
    "achieved: the current value reaches the target (lower end of a range); on track: at or above the "
    "straight line from the baseline through the 2030 target to the 2050 target at the current year; "
    "behind: below it; no data: no current value; no target: the plan sets none."
)

# Vocabularies the counts rely on (the seed and the forms use the same words).
PROJECT_STAGES_COUNTED = ("selected", "implemented")
MEETING_REGIONAL_ONLINE = ("webinar", "meeting")  # with a region: a regional online meeting (A4)
MEETING_NOTE = "notes"  # a periodical note (A4)
MEETING_REGIONAL_NETWORK = "regional_event"  # a regional network meeting (D2)
STRATEGY_STATUSES_COUNTED = ("adopted", "implemented")
SCHEME_4P1000_NAME = "4 per 1000"  # a scheme review whose name says so reviews the certified scheme (A5)
AUDIENCE_FOOD_BUSINESS = "private_sector"  # C2
AUDIENCE_FUNDER = "policy"  # C3: policy makers and funders
YOUTH_SENIOR_WORDS = ("youth", "young", "senior")  # in a regional network's name (D3)
TOOL_DEVELOPER_WORDS = "tool developer"  # in a partnership's description (E3)


class KpiValue(Record, Base):
    """A value of an indicator entered by hand by the Secretariat: ``value`` (in the indicator's unit) on
    ``date``, with its ``source`` and who entered it (``entered_by``, an e-mail)."""

    __tablename__ = "kpi_value"
    indicator: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[float] = mapped_column(Float)
    date: Mapped[datetime.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    entered_by: Mapped[str] = mapped_column(String(320))


# ---------------------------------------------------------------------------------------------------
# The plan: objectives, indicators, baselines and targets


@dataclass(frozen=True)
class Range:
    """A number or a range of the plan (``low`` = ``high`` for a single number)."""

    low: float
    high: float

    def as_dict(self) -> dict:
        return {"value": self.low} if self.low == self.high else {"min": self.low, "max": self.high}


@dataclass(frozen=True)
class Indicator:
    name: str
    objective_id: str
    unit: str
    source: str  # registry | manual
    baseline: Range | None
    baseline_year: int
    target_2030: Range | None
    target_2050: Range | None


@dataclass(frozen=True)
class Objective:
    id: str
    goal: str
    goal_title: str
    title: str
    baseline_2020: str
    target_2030: str
    target_2050: str
    indicators: tuple[Indicator, ...]


def _yaml(text: str):
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _range(spec: dict, key: str) -> Range | None:
    if key in spec:
        return Range(float(spec[key]), float(spec[key]))
    if f"{key}_min" in spec:
        return Range(float(spec[f"{key}_min"]), float(spec[f"{key}_max"]))
    return None


@cache
def plan() -> tuple[dict[str, str], tuple[Objective, ...]]:
    """The goals (letter → title) and the 24 objectives of the bundled strategic plan."""
    doc = _yaml((DATA / "strategic-plan" / "objectives.yaml").read_text(encoding="utf-8"))
    goals = {str(k): str(v) for k, v in doc["goals"].items()}
    objectives = []
    for o in doc["objectives"]:
        indicators = tuple(
            Indicator(
                name=i["name"],
                objective_id=o["id"],
                unit=i["unit"],
                source=i["source"],
                baseline=_range(i, "baseline"),
                baseline_year=int(i.get("baseline_year", BASELINE_YEAR)),
                target_2030=_range(i, "target_2030"),
                target_2050=_range(i, "target_2050"),
            )
            for i in o["indicators"]
        )
        goal = o["id"][0]
        objectives.append(
            Objective(
                o["id"],
                goal,
                goals[goal],
                o["title"],
                str(o["baseline_2020"]),
                str(o["target_2030"]),
                str(o["target_2050"]),
                indicators,
            )  # fmt: skip
        )
    return goals, tuple(objectives)


def indicators() -> dict[str, Indicator]:
    """Every indicator of the plan by name."""
    return {i.name: i for o in plan()[1] for i in o.indicators}


@cache
def plan_regions() -> tuple[str, ...]:
    """The Initiative's five regions, as the plan names them."""
    doc = _yaml((DATA / "strategic-plan" / "objectives.yaml").read_text(encoding="utf-8"))
    return tuple(doc["regions"])


@cache
def countries() -> dict[str, dict]:
    """ISO3 → the bundled country entry (names, region, UNFCCC party), ``data/registry/countries.yaml``."""
    doc = _yaml((DATA / "registry" / "countries.yaml").read_text(encoding="utf-8"))
    return {c["iso3"]: c for c in doc["countries"]}


def region_of(iso3: str | None) -> str | None:
    """The Initiative's region of a country, None if unknown."""
    country = countries().get(iso3 or "")
    return country["region"] if country else None


# ---------------------------------------------------------------------------------------------------
# Status and trend


def expected(indicator: Indicator, year: int, target_year: int) -> float | None:
    """The straight-line path at ``year`` from the baseline through the 2030 target to the target of
    ``target_year`` (lower ends of ranges; no baseline counts as 0), or None without that target."""
    target = indicator.target_2030 if target_year == 2030 else indicator.target_2050
    if target is None:
        return None
    points = [(indicator.baseline_year, indicator.baseline.low if indicator.baseline else 0.0)]
    if target_year == 2050 and indicator.target_2030 is not None:
        points.append((2030, indicator.target_2030.low))
    points.append((target_year, target.low))
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return target.low


def status(indicator: Indicator, current: float | None, year: int, target_year: int) -> str:
    """``achieved``, ``on track``, ``behind``, ``no data`` or ``no target`` (see the module docstring)."""
    target = indicator.target_2030 if target_year == 2030 else indicator.target_2050
    if target is None:
        return "no target"
    if current is None:
        return "no data"
    if current >= target.low:
        return "achieved"
    return "on track" if current >= expected(indicator, year, target_year) else "behind"


def trend(history: list[dict]) -> str | None:
    """``up``, ``down`` or ``steady`` from the last two years of ``history``; None with fewer."""
    if len(history) < 2:
        return None
    before, last = history[-2]["value"], history[-1]["value"]
    if before is None or last is None:
        return None
    return "up" if last > before else "down" if last < before else "steady"


# ---------------------------------------------------------------------------------------------------
# Counting the records


@dataclass
class Count:
    """A computed indicator: ``by_year`` (year → value) and ``records``, the number of records counted."""

    by_year: dict[int, float]
    records: int
    note: str = ""


def _year(value) -> int:
    year = value.year if hasattr(value, "year") else int(value)
    return max(year, FIRST_YEAR)


def _cumulative_distinct(items: Iterable[tuple[int, object]], years: range) -> dict[int, float]:
    """Year → number of distinct keys among the items dated up to that year."""
    first: dict[object, int] = {}
    for year, key in items:
        if key is not None:
            first[key] = min(year, first.get(key, year))
    return {y: float(sum(1 for f in first.values() if f <= y)) for y in years}


def _cumulative_count(dates: Iterable[int], years: range) -> dict[int, float]:
    dates = list(dates)
    return {y: float(sum(1 for d in dates if d <= y)) for y in years}


def _per_year(dates: Iterable[int], years: range) -> dict[int, float]:
    counts = Counter(dates)
    return {y: float(counts.get(y, 0)) for y in years}


def _created(session: Session, model, *columns, where=()) -> list:
    return session.execute(select(model.created_at, *columns).where(*where)).all()


def _ndc(session: Session, years: range) -> Count:
    rows = session.execute(select(NdcEntry.country_iso3, NdcEntry.year, NdcEntry.refers_soc)).all()
    latest: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for iso3, year, soc in rows:
        latest[iso3].append((year, soc))
    by_year = {}
    for y in years:
        by_year[y] = float(
            sum(
                1
                for entries in latest.values()
                if (dated := [e for e in entries if e[0] <= y]) and max(dated)[1]
            )
        )
    return Count(by_year, len(rows), "countries whose latest NDC entry refers to SOC")


def _members(session: Session, years: range) -> Count:
    rows = _created(session, Organisation, Organisation.country_iso3)
    parties = {k for k, c in countries().items() if c["unfccc_party"]}
    items = [(_year(at), iso3) for at, iso3 in rows if iso3 in parties]
    return Count(
        _cumulative_distinct(items, years), len(rows), "distinct UNFCCC Parties of members and partners"
    )


def _projects(session: Session, years: range) -> Count:
    rows = _created(session, Project, Project.start_year, where=[Project.stage.in_(PROJECT_STAGES_COUNTED)])
    return Count(
        _cumulative_count((_year(s or at) for at, s in rows), years),
        len(rows),
        "projects selected or implemented",
    )


def _studies(session: Session, years: range) -> Count:
    rows = session.scalars(select(Study.year)).all()
    return Count(_per_year(map(_year, rows), years), len(rows), "studies and reviews by year of publication")


def _meetings(note: str, *where) -> Callable[[Session, range], Count]:
    def count(session: Session, years: range) -> Count:
        rows = session.scalars(select(Meeting.date).where(*where)).all()
        return Count(_per_year(map(_year, rows), years), len(rows), note)

    return count


def _schemes(session: Session, years: range) -> Count:
    rows = session.scalars(select(SchemeReview.year)).all()
    return Count(_cumulative_count(map(_year, rows), years), len(rows), "compensation schemes reviewed")


def _certified_regions(session: Session, years: range) -> Count:
    rows = session.execute(
        select(SchemeReview.year, SchemeReview.country_iso3).where(
            func.lower(SchemeReview.name).contains(SCHEME_4P1000_NAME)
        )
    ).all()
    items = [(_year(y), region_of(iso3)) for y, iso3 in rows]
    return Count(
        _cumulative_distinct(items, years),
        len(rows),
        "regions where the «4 per 1000» certified scheme is used",
    )


def _strategies(session: Session, years: range) -> Count:
    rows = session.execute(
        select(Strategy.year, Strategy.country_iso3).where(Strategy.status.in_(STRATEGY_STATUSES_COUNTED))
    ).all()
    items = [(_year(y), iso3) for y, iso3 in rows]
    return Count(
        _cumulative_distinct(items, years), len(rows), "countries with an adopted soil-health strategy"
    )


def _practice_regions(session: Session, years: range) -> Count:
    rows = _created(session, Practice, Practice.region, Practice.country_iso3)
    items = [(_year(at), region or region_of(iso3)) for at, region, iso3 in rows]
    return Count(
        _cumulative_distinct(items, years),
        len(rows),
        "regions of the practices recorded (global entries count in none)",
    )


def _helpdesk_regions(session: Session, years: range) -> Count:
    rows = _created(session, HelpdeskRequest, HelpdeskRequest.region, HelpdeskRequest.country_iso3)
    by_year: dict[int, set] = defaultdict(set)
    for at, region, iso3 in rows:
        if region := region or region_of(iso3):
            by_year[_year(at)].add(region)
    return Count(
        {y: float(len(by_year[y])) for y in years}, len(rows), "regions with a helpdesk request in the year"
    )


def _toolkit_share(share: float) -> Callable[[Session, range], Count]:
    def count(session: Session, years: range) -> Count:
        rows = session.execute(
            select(ToolkitUsage.tool, ToolkitUsage.country_iso3, func.min(ToolkitUsage.at))
            .where(ToolkitUsage.country_iso3.is_not(None))
            .group_by(ToolkitUsage.tool, ToolkitUsage.country_iso3)
        ).all()
        by_year = {}
        for y in years:
            used = [(tool, iso3) for tool, iso3, first in rows if _year(first) <= y]
            box = len({tool for tool, _ in used})
            per_country = Counter(iso3 for _, iso3 in used)
            by_year[y] = float(sum(1 for n in per_country.values() if box and n / box >= share))
        uses = session.scalar(
            select(func.count()).select_from(ToolkitUsage).where(ToolkitUsage.country_iso3.is_not(None))
        )
        note = (
            f"countries that used at least {share:.0%} of the toolkit's calculators (those used anywhere); "
            "a use counts once per calculator, country, day and signed-in user or anonymous client "
            "(a salted hash of its address; the address is not stored)"
        )
        return Count(by_year, uses, note)

    return count


def _contacts(audience: str, note: str) -> Callable[[Session, range], Count]:
    def count(session: Session, years: range) -> Count:
        rows = _created(
            session, Contact, Contact.affiliation, Contact.name, where=[Contact.audience == audience]
        )
        items = [(_year(at), (affiliation or name).strip().lower()) for at, affiliation, name in rows]
        return Count(_cumulative_distinct(items, years), len(rows), note)

    return count


def _created_count(model, note: str, *where) -> Callable[[Session, range], Count]:
    def count(session: Session, years: range) -> Count:
        rows = session.scalars(select(model.created_at).where(*where)).all()
        return Count(_cumulative_count(map(_year, rows), years), len(rows), note)

    return count


def _active_organisations(session: Session, years: range) -> Count:
    organisations = session.scalars(select(Organisation.created_at)).all()
    active: dict[int, set] = defaultdict(set)
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if not issubclass(model, Record) or model in (Organisation, User):
            continue
        year = extract("year", model.created_at)
        rows = session.execute(
            select(model.organisation_id, year).where(model.organisation_id.is_not(None)).distinct()
        ).all()
        for org, y in rows:
            active[_year(int(y))].add(org)
    by_year = {}
    for y in years:
        total = sum(1 for at in organisations if _year(at) <= y)
        by_year[y] = 100.0 * len(active[y]) / total if total else None
    return Count(by_year, len(organisations), "share of organisations that recorded something in the year")


def _monitoring_countries(session: Session, years: range) -> Count:
    first = func.min(func.coalesce(Observation.date, func.date(Observation.created_at)))
    rows = session.execute(
        select(Site.country_iso3, first, func.count(Observation.id))
        .join(Layer, Layer.site_id == Site.id)
        .join(Observation, Observation.layer_id == Layer.id)
        .group_by(Site.country_iso3)
    ).all()
    items = [(_year(datetime.date.fromisoformat(str(d)[:10])), iso3) for iso3, d, _ in rows]
    return Count(
        _cumulative_distinct(items, years), sum(n for *_, n in rows), "countries with soil observations"
    )


def _twins(session: Session, years: range) -> Count:
    rows = session.execute(
        select(Municipality.id, Municipality.twin_id, Municipality.country_iso3, Municipality.created_at)
    ).all()
    twinned = {twin for _, twin, _, _ in rows if twin is not None} | {
        i for i, twin, _, _ in rows if twin is not None
    }
    items = [(_year(at), iso3) for i, _, iso3, at in rows if i in twinned]
    return Count(_cumulative_distinct(items, years), len(rows), "countries with a twinned municipality")


def _youth_senior_regions(session: Session, years: range) -> Count:
    rows = session.execute(
        select(Network.created_at, Network.name, Organisation.region, Organisation.country_iso3)
        .join(Organisation, Network.organisation_id == Organisation.id)
        .where(Network.scope == "regional")
    ).all()
    rows = [r for r in rows if any(w in r.name.lower() for w in YOUTH_SENIOR_WORDS)]
    items = [(_year(at), region or region_of(iso3)) for at, _, region, iso3 in rows]
    note = "regions of regional youth or senior networks (the region of the organisation recording them)"
    return Count(_cumulative_distinct(items, years), len(rows), note)


def _budget(session: Session, years: range) -> Count:
    rows = session.execute(select(BudgetLine.year, BudgetLine.amount, BudgetLine.currency)).all()
    by_year: dict[int, float] = defaultdict(float)
    other = 0
    for year, amount, currency in rows:
        if currency.upper() == "EUR":
            by_year[year] += amount
        else:
            other += 1
    note = "sum of the year's budget lines in EUR" + (
        f"; {other} lines in other currencies left out" if other else ""
    )
    return Count({y: (by_year[y] if y in by_year else None) for y in years}, len(rows), note)


COMPUTED: dict[str, Callable[[Session, range], Count]] = {
    "parties_with_soc_in_ndc": _ndc,
    "parties_member_or_partner": _members,
    "projects_selected_and_implemented": _projects,
    "studies_reviews_per_year": _studies,
    "regional_meetings_per_year": _meetings(
        "regional online meetings (webinars and meetings with a region) in the year",
        Meeting.meeting_type.in_(MEETING_REGIONAL_ONLINE),
        Meeting.region.is_not(None),
    ),
    "periodical_notes_per_year": _meetings(
        "periodical notes in the year", Meeting.meeting_type == MEETING_NOTE
    ),
    "compensation_schemes_reviewed": _schemes,
    "regions_using_certified_scheme": _certified_regions,
    "countries_with_soil_health_strategy": _strategies,
    "regions_covered_by_practice_database": _practice_regions,
    "regions_with_active_helpdesk": _helpdesk_regions,
    "countries_using_20pct_of_tools": _toolkit_share(0.2),
    "countries_using_40pct_of_tools": _toolkit_share(0.4),
    "global_food_businesses_contacted": _contacts(
        AUDIENCE_FOOD_BUSINESS, "distinct food businesses contacted"
    ),
    "funding_institutions_reached": _contacts(AUDIENCE_FUNDER, "distinct funding institutions contacted"),
    "operational_branding_mechanisms": _created_count(Branding, "branding mechanisms recorded"),
    "organisations_active_on_platform_pct": _active_organisations,
    "regional_network_meetings_per_year": _meetings(
        "regional network meetings (regional events) in the year",
        Meeting.meeting_type == MEETING_REGIONAL_NETWORK,
    ),
    "regions_with_youth_senior_partnership": _youth_senior_regions,
    "signed_global_partnerships": _created_count(
        Network,
        "partnerships with global networks",
        Network.network_type == "partnership",
        Network.scope == "global",
    ),
    "monitoring_tools_in_catalogue": _created_count(MonitoringTool, "tools and methods in the catalogue"),
    "countries_with_monitoring_data": _monitoring_countries,
    "tool_developer_collaborations": _created_count(
        Network,
        "partnerships whose description names a tool developer",
        Network.network_type == "partnership",
        func.lower(Network.description).contains(TOOL_DEVELOPER_WORDS),
    ),
    "countries_with_twin_region_municipalities": _twins,
    "annual_budget_eur": _budget,
}
"""How each ``registry`` indicator is counted. Registry indicators not listed here
(``farmer_associations_contacted_pct``: the registry does not hold the number of farmer associations per
region) and ``kpis_with_current_value_pct`` (computed last, from the others) are handled by
:func:`compute`."""
PER_YEAR = frozenset(
    {
        "studies_reviews_per_year",
        "regional_meetings_per_year",
        "periodical_notes_per_year",
        "regional_network_meetings_per_year",
        "regions_with_active_helpdesk",
        "organisations_active_on_platform_pct",
        "annual_budget_eur",
    }
)
"""Indicators counted within each calendar year (the others are cumulative)."""
SELF = "kpis_with_current_value_pct"
KPI_KIND = "kpi-values"
"""The kind name of manual KPI values in permissions, the audit log and change events."""


# ---------------------------------------------------------------------------------------------------
# The report


def latest_manual(session: Session) -> dict[str, KpiValue]:
    """The latest :class:`KpiValue` of each indicator (by date, then by entry)."""
    latest: dict[str, KpiValue] = {}
    for value in session.scalars(select(KpiValue).order_by(KpiValue.date, KpiValue.id)):
        latest[value.indicator] = value
    return latest


def _manual_history(session: Session, name: str) -> list[dict]:
    values = session.scalars(
        select(KpiValue).where(KpiValue.indicator == name).order_by(KpiValue.date, KpiValue.id)
    )
    by_year = {v.date.year: v.value for v in values}
    return [{"year": y, "value": by_year[y]} for y in sorted(by_year)]


def _clean(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _report(
    indicator: Indicator, current: float | None, history: list[dict], source: dict, year: int
) -> dict:
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator.source,
        "baseline": None
        if indicator.baseline is None
        else {**indicator.baseline.as_dict(), "year": indicator.baseline_year},
        "target_2030": None if indicator.target_2030 is None else indicator.target_2030.as_dict(),
        "target_2050": None if indicator.target_2050 is None else indicator.target_2050.as_dict(),
        "current": _clean(current),
        "current_source": source,
        "history": history,
        "expected_now": {str(t): expected(indicator, year, t) for t in (2030, 2050)},
        "status": {str(t): status(indicator, _clean(current), year, t) for t in (2030, 2050)},
        "trend": trend(history),
    }


def compute(session: Session, today: datetime.date | None = None) -> dict:
    """Every objective with its indicators: baseline, current value and its source, history by year,
    status against the 2030 and 2050 targets and trend (see the module docstring)."""
    today = today or datetime.date.today()
    years = range(FIRST_YEAR, today.year + 1)
    goals, objectives = plan()
    manual = latest_manual(session)
    reports: dict[str, dict] = {}
    for objective in objectives:
        for indicator in objective.indicators:
            name = indicator.name
            if name == SELF:
                continue
            if name in COMPUTED:
                count = COMPUTED[name](session, years)
                history = [{"year": y, "value": _clean(v)} for y, v in count.by_year.items()]
                while history and history[0]["value"] in (None, 0.0) and history[0]["year"] < today.year:
                    history.pop(0)  # years before the first record say nothing
                # no record of the kind at all: the registry cannot say (no data), rather than 0
                current = count.by_year.get(today.year) if count.records else None
                period = "calendar year to date" if name in PER_YEAR else f"as of {today.isoformat()}"
                source = {"kind": "registry", "records": count.records, "note": count.note, "period": period}
            else:
                value = manual.get(name)
                history = _manual_history(session, name)
                current = value.value if value else None
                source = (
                    {
                        "kind": "manual",
                        "date": value.date.isoformat(),
                        "source": value.source,
                        "entered_by": value.entered_by,
                    }
                    if value
                    else {"kind": "manual", "note": "no value entered yet"}
                )
            reports[name] = _report(indicator, current, history, source, today.year)
    others = list(reports.values())
    with_value = sum(1 for r in others if r["current"] is not None)
    share = 100.0 * with_value / len(others) if others else None
    self_indicator = indicators()[SELF]
    reports[SELF] = _report(
        self_indicator,
        share,
        [{"year": today.year, "value": share}],
        {
            "kind": "registry",
            "records": len(others),
            "note": f"{with_value} of {len(others)} other indicators have a current value",
            "period": f"as of {today.isoformat()}",
        },
        today.year,
    )
    return {
        "as_of": today.isoformat(),
        "status_rule": STATUS_RULE,
        "goals": goals,
        "objectives": [
            {
                "id": o.id,
                "goal": o.goal,
                "goal_title": o.goal_title,
                "title": o.title,
                "baseline_2020": o.baseline_2020,
                "target_2030": o.target_2030,
                "target_2050": o.target_2050,
                "indicators": [reports[i.name] for i in o.indicators],
            }
            for o in objectives
        ],
    }


def manual_indicators() -> list[str]:
    """The indicators that take values entered by hand: ``manual`` ones and registry ones the records
    cannot count (not in :data:`COMPUTED`)."""
    return [name for name in indicators() if name not in COMPUTED and name != SELF]


def record_value(
    session: Session, indicator: str, value: float, date: datetime.date, source: str, user
) -> KpiValue:
    """Store a manual value of ``indicator`` (in its unit) on ``date`` from ``source``, entered by ``user``
    (the Secretariat, or :data:`~permille.registry.service.SYSTEM`), with its audit-log row, in one
    transaction; every problem is reported at once (:class:`~permille.registry.service.Invalid`)."""
    from . import service  # the service imports the record kinds, which may import this module

    if not allowed(user, "create", KPI_KIND):
        raise service.Forbidden("only the Secretariat enters KPI values")
    problems = []
    known = indicators()
    if indicator not in known:
        problems.append(
            {"loc": ["indicator"], "message": f"unknown indicator {indicator!r}", "type": "value"}
        )
    elif indicator not in manual_indicators():
        message = f"{indicator} is computed from the records; manual values: {', '.join(manual_indicators())}"
        problems.append({"loc": ["indicator"], "message": message, "type": "value"})
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        problems.append(
            {"loc": ["value"], "message": f"value must be a finite number, not {value!r}", "type": "value"}
        )
    elif value < 0 or (indicator in known and known[indicator].unit == "percent" and value > 100):
        unit = known[indicator].unit if indicator in known else ""
        problems.append(
            {
                "loc": ["value"],
                "message": f"value {value:g} is outside the range of {unit or 'the indicator'}",
                "type": "value",
            }
        )
    if not isinstance(date, datetime.date) or date > datetime.date.today():
        problems.append(
            {"loc": ["date"], "message": f"date {date} must be a day, not in the future", "type": "value"}
        )
    if not isinstance(source, str) or not source.strip() or len(source) > 500:
        problems.append(
            {
                "loc": ["source"],
                "message": "source: say where the value comes from (1–500 characters)",
                "type": "value",
            }
        )
    if problems:
        raise service.Invalid(f"{len(problems)} problem(s) in the KPI value", problems)
    changes: list[dict] = []
    with service.transaction(session, changes):
        record = KpiValue(
            indicator=indicator,
            value=float(value),
            date=date,
            source=source.strip(),
            entered_by=user.email,
            published=True,
        )
        session.add(record)
        session.flush()
        after = {
            "id": record.id, "indicator": indicator, "value": record.value, "date": date.isoformat(),
            "source": record.source, "entered_by": record.entered_by, "version": record.version,
        }  # fmt: skip
        service.audit(session, user, KPI_KIND, record.id, "create", None, after)
        changes.append({"kind": KPI_KIND, "action": "create", "id": record.id, "country_iso3": None})
    return record
