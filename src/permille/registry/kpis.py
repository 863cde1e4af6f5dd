"""The Initiative's 24 objectives and their indicators, computed live from the registry's records.

The objectives, indicators, baselines and targets are the strategic plan's
(``permille/data/strategic-plan/objectives.yaml``). Each indicator has a counting rule beside them
(``counting-rules.yaml``, evaluated by :func:`permille.registry.counting.evaluate`): which kind, which
records (structured fields only), which period, which state (published, verified by the Secretariat, not
demo). A ``manual`` indicator takes the latest :class:`KpiValue` entered by the Secretariat with its date
and source *and approved by a second Secretariat user*; an unapproved value is shown, not used.

Time: a cumulative indicator (countries, projects, tools …) at year Y counts the records dated up to the
end of Y; a "per year" indicator counts the records dated in Y, and its current value is the current
calendar year *to date*. A record's date is its own (meeting date, study or budget year, NDC year,
observation date) or, where it has none, the day it was recorded (``created_at``).

Status against a target (2030 or 2050): ``achieved`` when the current value reaches the target (the lower
end of a range: "10 to 20 projects" is achieved at 10); ``on track`` when it is at or above the straight
line from the baseline (its lower end; 0 where the plan gives none, in 2020 unless the plan dates it)
through the 2030 target (lower end) to the 2050 target, read at the current year; ``behind`` below that
line; ``no data since the baseline`` when no counted record (or approved value) is dated in or after the
baseline year 2020; ``no target`` where the plan sets none for that year.
"""

import datetime
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml
from sqlalchemy import Boolean, Date, Float, String, false, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .. import i18n
from ..i18n import Text
from . import counting
from .kinds import KINDS
from .orm import Base, Record, User, utcnow
from .permissions import allowed

DATA = files("permille") / "data"
FIRST_YEAR = counting.FIRST_YEAR
NO_DATA = "no data since the baseline"
BASELINE_YEAR = 2020
"""The plan's baseline year, where an indicator does not date its baseline."""
STATUS_RULE = (
    "achieved: the current value reaches the target (lower end of a range); on track: at or above the "
    "straight line from the baseline through the 2030 target to the 2050 target at the current year; "
    "behind: below it; no data since the baseline: no counted record or approved value dated in or after "
    "2020; no target: the plan sets none."
)


class KpiValue(Record, Base):
    """A value of an indicator entered by hand by the Secretariat: ``value`` (in the indicator's unit) on
    ``date``, with its ``source`` and who entered it (``entered_by``, an e-mail)."""

    __tablename__ = "kpi_value"
    indicator: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[float] = mapped_column(Float)
    date: Mapped[datetime.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    entered_by: Mapped[str] = mapped_column(String(320))
    approved_by: Mapped[str | None] = mapped_column(String(320))
    """The second Secretariat user who approved the value (None: unapproved, not used for the status)."""
    approved_at: Mapped[datetime.datetime | None]
    self_approved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Approved by the user who entered it: allowed only while the deployment has one Secretariat user."""


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
    """ISO3 → the bundled country entry (region, UNFCCC party), ``data/registry/countries.yaml``, with its
    names in en, fr and es from CLDR (:func:`permille.i18n.country_names`)."""
    doc = _yaml((DATA / "registry" / "countries.yaml").read_text(encoding="utf-8"))
    names = {lang: i18n.country_names(lang) for lang in i18n.LANGUAGES}  # one source: CLDR (Babel)
    return {
        c["iso3"]: {**c, "name": {lang: names[lang][c["iso3"]] for lang in names}} for c in doc["countries"]
    }


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
    """``achieved``, ``on track``, ``behind``, ``no data since the baseline`` or ``no target`` (see the module docstring)."""
    target = indicator.target_2030 if target_year == 2030 else indicator.target_2050
    if target is None:
        return "no target"
    if current is None:
        return NO_DATA
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
# The report

SELF = "kpis_with_current_value_pct"
KPI_KIND = "kpi-values"
"""The kind name of manual KPI values in permissions, the audit log and change events."""


def manual_values(session: Session, name: str | None = None) -> list[KpiValue]:
    """The manual values (of ``name``), by date then entry."""
    query = select(KpiValue).order_by(KpiValue.date, KpiValue.id)
    if name is not None:
        query = query.where(KpiValue.indicator == name)
    return list(session.scalars(query))


def value_dict(value: KpiValue) -> dict:
    """A manual value with its history: who entered it when, from what, who approved it."""
    return {
        "id": value.id,
        "indicator": value.indicator,
        "value": value.value,
        "date": value.date.isoformat(),
        "source": value.source,
        "entered_by": value.entered_by,
        "entered_at": value.created_at.isoformat(),
        "approved_by": value.approved_by,
        "approved_at": value.approved_at.isoformat() if value.approved_at else None,
        "self_approved": value.self_approved,
        "state": "demo" if value.demo else "approved" if value.approved_by else "unapproved",
    }


def _clean(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _rule_text(name: str) -> dict:
    spec = counting.rule(name)
    text = spec.get("text") or counting.rules()["manual"]
    if spec["method"] == "manual" and "text" in spec:
        text = {lang: f"{spec['text'][lang]} {counting.rules()['manual'][lang]}" for lang in spec["text"]}
    return {
        "method": spec["method"],
        "kind": spec.get("kind"),
        "period": spec.get("period"),
        "text": text,
        "baseline_source": spec.get("baseline"),
        "state": counting.rules()["state"] | spec.get("state", {}) if spec["method"] != "manual" else None,
    }


def _report(
    indicator: Indicator, current: float | None, history: list[dict], source: dict, year: int, since: bool
) -> dict:
    current = _clean(current)
    statuses = {str(t): status(indicator, current if since else None, year, t) for t in (2030, 2050)}
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator.source,
        "rule": _rule_text(indicator.name),
        "baseline": None
        if indicator.baseline is None
        else {**indicator.baseline.as_dict(), "year": indicator.baseline_year},
        "target_2030": None if indicator.target_2030 is None else indicator.target_2030.as_dict(),
        "target_2050": None if indicator.target_2050 is None else indicator.target_2050.as_dict(),
        "current": current,
        "current_source": source,
        "history": history,
        "expected_now": {str(t): expected(indicator, year, t) for t in (2030, 2050)},
        "status": statuses,
        "trend": trend(history),
    }


def _history(by_year: dict[int, float | None], year: int) -> list[dict]:
    history = [{"year": y, "value": _clean(v)} for y, v in by_year.items()]
    while history and history[0]["value"] in (None, 0.0) and history[0]["year"] < year:
        history.pop(0)  # years before the first record say nothing
    return history


def _counted_source(name: str, count: counting.Count, today: datetime.date) -> dict:
    per_year = counting.rule(name).get("period") == "per_year"
    current = counting.counted_in(count, name, today.year)
    source = {
        "kind": "registry",
        "records": len(current),
        "records_kind": counting.rule(name).get("kind"),
        "period": "calendar year to date" if per_year else f"as of {today.isoformat()}",
        "per_year": per_year,  # the period as data, for the pages to write in their language
        "as_of": today.isoformat(),
        "latest_record_year": count.latest_year,
        **count.extra,
    }
    if count.demo_by_year is not None:
        source["demo"] = {"value": _clean(count.demo_by_year.get(today.year)), "records": count.demo_records}
    return source


def compute(session: Session, today: datetime.date | None = None) -> dict:
    """Every objective with its indicators: counting rule, baseline (with its source), current value and
    its source, history by year, status against the 2030 and 2050 targets and trend (module docstring)."""
    today = today or datetime.date.today()
    goals, objectives = plan()
    reports: dict[str, dict] = {}
    for objective in objectives:
        for indicator in objective.indicators:
            name = indicator.name
            method = counting.rule(name)["method"]
            if method == "indicator_share":
                continue
            if method != "manual":
                count = counting.evaluate(session, name, today)
                history = _history(count.by_year, today.year) if count.records else []  # no record: no data
                current = count.by_year.get(today.year) if count.records else None
                source = _counted_source(name, count, today)
                since = (count.latest_year or 0) >= BASELINE_YEAR
            else:
                values = manual_values(session, name)
                approved = [v for v in values if v.approved_by and not v.demo]
                by_year = {v.date.year: v.value for v in approved}
                history = [{"year": y, "value": by_year[y]} for y in sorted(by_year)]
                latest = approved[-1] if approved else None
                current = latest.value if latest else None
                pending = [v for v in values if not v.approved_by and not v.demo]
                demo = [v for v in values if v.demo]
                source = {"kind": "manual", "values": len(values)}
                if latest:
                    source |= {k: v for k, v in value_dict(latest).items() if k not in ("id", "indicator")}
                else:
                    source["note"] = "no approved value yet"
                if pending and (not latest or pending[-1].id > latest.id):
                    source["unapproved"] = value_dict(pending[-1])
                if demo:
                    source["demo"] = {"value": demo[-1].value, "records": len(demo)}
                since = latest is not None and latest.date.year >= BASELINE_YEAR
            reports[name] = _report(indicator, current, history, source, today.year, since)
    others = list(reports.values())
    with_value = sum(1 for r in others if r["current"] is not None)
    share = 100.0 * with_value / len(others) if others else None
    reports[SELF] = _report(
        indicators()[SELF],
        share,
        [{"year": today.year, "value": share}],
        {
            "kind": "registry",
            "records": with_value,
            "note": f"{with_value} of {len(others)} other indicators have a current value",
            "period": f"as of {today.isoformat()}",
            "per_year": False,
            "as_of": today.isoformat(),
            "latest_record_year": today.year if with_value else None,
        },
        today.year,
        with_value > 0,
    )
    return {
        "as_of": today.isoformat(),
        "status_rule": STATUS_RULE,
        "counting_state": counting.rules()["state"],
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


def records_behind(session: Session, name: str, user, year: int | None = None) -> dict:
    """The records behind an indicator's value of ``year`` (default: this year): public kinds by name
    (id, label, year, who verified it when), restricted kinds as a count unless ``user`` may read them;
    manual indicators list their values with their history."""
    if name not in indicators():
        raise LookupError(Text("no indicator {name}", name=repr(name)))
    today = datetime.date.today()
    year = year or today.year
    spec = counting.rule(name)
    if spec["method"] == "manual":
        return {"indicator": name, "year": year, "rule": _rule_text(name),
                "values": [value_dict(v) for v in manual_values(session, name)]}  # fmt: skip
    if spec["method"] == "indicator_share":
        report = compute(session, today)
        rows = [i for o in report["objectives"] for i in o["indicators"] if i["name"] != SELF]
        return {"indicator": name, "year": year, "rule": _rule_text(name),
                "indicators": [{"name": i["name"], "current": i["current"]} for i in rows]}  # fmt: skip
    count = counting.evaluate(session, name, today)
    records = counting.counted_in(count, name, year)
    kind = spec["kind"]
    # counted records are published: a public kind's are readable by all; a restricted kind's names only by
    # those who read every record of it (the Secretariat, the STC), else a count
    # (a workflow's own table, e.g. the helpdesk questions of B3, is restricted)
    restricted = KINDS[kind].restricted if kind in KINDS else True
    readable = not restricted or (user is not None and user.role in ("secretariat", "stc"))
    answer = {
        "indicator": name,
        "year": year,
        "rule": _rule_text(name),
        "kind": kind,
        "restricted": restricted,
        "count": len(records),
        "value": _clean(count.by_year.get(year)),
        "extra": count.extra,
        "demo_records": count.demo_records,
    }
    if readable:
        answer["records"] = [
            {
                "kind": r.kind, "id": r.id, "label": r.label, "year": r.year, "detail": r.detail,
                "verified_by": r.verified_by,
                "verified_at": r.verified_at.isoformat() if r.verified_at else None,
            }
            for r in sorted(records, key=lambda r: (r.year, r.label))
        ]  # fmt: skip
    return answer


def manual_indicators() -> list[str]:
    """The indicators that take values entered by hand (their counting rule's method is ``manual``)."""
    return [name for name in indicators() if counting.rule(name)["method"] == "manual"]


def record_value(
    session: Session, indicator: str, value: float, date: datetime.date, source: str, user
) -> KpiValue:
    """Store a manual value of ``indicator`` (in its unit) on ``date`` from ``source``, entered by ``user``
    (the Secretariat, or :data:`~permille.registry.service.SYSTEM`), with its audit-log row, in one
    transaction; every problem is reported at once (:class:`~permille.registry.service.Invalid`)."""
    from . import service  # the service imports the record kinds, which may import this module

    if not allowed(user, "create", KPI_KIND):
        raise service.Forbidden(Text("only the Secretariat enters KPI values"))
    problems = []
    known = indicators()
    if indicator not in known:
        problems.append(
            {
                "loc": ["indicator"],
                "message": Text("unknown indicator {name}", name=repr(indicator)),
                "type": "value",
            }
        )
    elif indicator not in manual_indicators():
        message = Text(
            "{name} is computed from the records; manual values: {manual}",
            name=indicator,
            manual=", ".join(manual_indicators()),
        )
        problems.append({"loc": ["indicator"], "message": message, "type": "value"})
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        problems.append(
            {
                "loc": ["value"],
                "message": Text("value must be a finite number, not {value}", value=repr(value)),
                "type": "value",
            }
        )
    elif value < 0 or (indicator in known and known[indicator].unit == "percent" and value > 100):
        unit = known[indicator].unit if indicator in known else ""
        problems.append(
            {
                "loc": ["value"],
                "message": Text("value {value} is outside the range of {unit}", value=f"{value:g}", unit=unit)
                if unit
                else Text("value {value} is outside the range of the indicator", value=f"{value:g}"),
                "type": "value",
            }
        )
    if not isinstance(date, datetime.date) or date > datetime.date.today():
        problems.append(
            {
                "loc": ["date"],
                "message": Text("date {date} must be a day, not in the future", date=str(date)),
                "type": "value",
            }
        )
    if not isinstance(source, str) or not source.strip() or len(source) > 500:
        problems.append(
            {
                "loc": ["source"],
                "message": Text("source: say where the value comes from (1–500 characters)"),
                "type": "value",
            }
        )
    if problems:
        raise service.Invalid(
            Text("{n} problem in the KPI value", "{n} problems in the KPI value", n=len(problems)), problems
        )
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


def secretariat_users(session: Session) -> int:
    """How many active, non-demo Secretariat users the deployment has."""
    return session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "secretariat", User.active.is_(True), User.demo.is_(False))
    )


def approve_value(session: Session, value_id: int, user) -> KpiValue:
    """A second Secretariat user approves a manual value: from then on it is used for the status. The user
    who entered it may approve it only while the deployment has a single Secretariat user (``self_approved``,
    shown so). Audited as ``approve``."""
    from . import service

    if user is None or user.role != "secretariat":
        raise service.Forbidden(Text("only the Secretariat approves KPI values"))
    changes: list[dict] = []
    with service.transaction(session, changes):
        value = session.get(KpiValue, value_id)
        if value is None:
            raise service.NotFound(Text("no KPI value {id}", id=value_id))
        if value.approved_by is not None:
            raise service.Conflict(
                Text("KPI value {id} was approved by {who} already", id=value_id, who=value.approved_by)
            )
        alone = secretariat_users(session) <= 1
        if value.entered_by == user.email and not alone:
            raise service.Forbidden(
                Text(
                    "a second Secretariat user approves a value: you entered this one (self-approval is "
                    "allowed only while the deployment has a single Secretariat user)"
                )
            )
        before = value_dict(value)
        value.approved_by, value.approved_at = user.email, utcnow()
        value.self_approved = value.entered_by == user.email
        session.flush()
        service.audit(session, user, KPI_KIND, value.id, "approve", before, value_dict(value))
        changes.append({"kind": KPI_KIND, "action": "update", "id": value.id, "country_iso3": None})
    return value
