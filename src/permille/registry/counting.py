"""The counting rules of the plan's indicators (``data/strategic-plan/counting-rules.yaml``) and the one
function that evaluates them, :func:`evaluate`.

A rule names a record kind, conditions on structured fields, the date that places a record in a year, the
period (``cumulative``: records dated up to the end of the year; ``per_year``: dated in the year) and what is
counted (records, distinct countries, UNFCCC Parties, regions or values of a field). Only records in the
rules' ``state`` count: published, verified by the Secretariat (``verified_at``) and not demonstration data.
Demonstration records are evaluated apart (``demo_by_year``), so that a demo deployment shows what it would
read, labelled demo, without any demo record moving a public value. :class:`Count` keeps the records behind
each value (:class:`Counted`) for the drill-down.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .kinds import KINDS
from .orm import (
    AuditLog,
    CallApplication,
    HelpdeskQuestion,
    Layer,
    Municipality,
    Observation,
    Organisation,
    Project,
    SignIn,
    Site,
    ToolkitUsage,
    User,
)
from .twins import pairs

DATA = files("permille") / "data" / "strategic-plan"
FIRST_YEAR = 2015
"""The Initiative's launch (COP21); history starts here and earlier records count in this year."""
LABEL_FIELDS = ("name", "title", "subject", "label")


@cache
def rules() -> dict:
    """The counting rules document: ``state``, ``rules`` (indicator → rule) and ``manual`` (its text)."""
    return yaml.safe_load((DATA / "counting-rules.yaml").read_text(encoding="utf-8"))


def rule(name: str) -> dict:
    """The counting rule of indicator ``name`` (``method`` ``records`` unless it says otherwise)."""
    spec = rules()["rules"][name]
    return {"method": "records", **spec}


@cache
def exchange_rates() -> dict:
    """``{"source": str, "per_eur": {currency: {year: units per EUR}}}`` (data/strategic-plan)."""
    return yaml.safe_load((DATA / "exchange-rates.yaml").read_text(encoding="utf-8"))


def eur_rate(currency: str, year: int) -> tuple[float, int] | None:
    """Units of ``currency`` per EUR for ``year`` and the year of the rate used (the latest year listed up to
    ``year``, else the earliest listed); None for a currency without rates. EUR: (1, year)."""
    if currency == "EUR":
        return 1.0, year
    table = exchange_rates()["per_eur"].get(currency)
    if not table:
        return None
    earlier = [y for y in table if y <= year]
    used = max(earlier) if earlier else min(table)
    return float(table[used]), used


@dataclass(frozen=True)
class Counted:
    """A record behind a value: its kind, id, label, the year it counts from, whether it is demo data and
    who verified it when."""

    kind: str
    id: int
    label: str
    year: int
    demo: bool = False
    verified_by: str | None = None
    verified_at: datetime.datetime | None = None
    detail: str = ""


@dataclass
class Count:
    """An evaluated rule: ``by_year`` (year → value, None: nothing to count), the ``records`` counted
    (not demo), ``demo_by_year`` (the value with the demo records too; None without demo records) and
    ``extra`` facts shown with the value (anonymous runs, exchange rates used, lines left out …)."""

    by_year: dict[int, float | None]
    records: list[Counted]
    demo_by_year: dict[int, float | None] | None = None
    demo_records: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def latest_year(self) -> int | None:
        """The latest year a counted record is dated in (None: no record)."""
        return max((r.year for r in self.records), default=None)


def _year(value) -> int:
    if value is None:
        return FIRST_YEAR
    year = value.year if hasattr(value, "year") else int(value)
    return max(year, FIRST_YEAR)


@cache
def _countries() -> dict[str, dict]:
    from .kpis import countries  # kpis imports this module

    return countries()


def _region(iso3: str | None) -> str | None:
    """The Initiative's region of a country (data/registry/countries.yaml), None if unknown."""
    country = _countries().get(iso3 or "")
    return country["region"] if country else None


def _label(kind: str, record) -> str:
    for name in LABEL_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value:
            return value
    return f"{kind} {record.id}"


def _state(model, spec: dict) -> list:
    """The SQL conditions of the rule's state (published and verified; demo is evaluated apart)."""
    state = rules()["state"] | spec.get("state", {})
    conditions = []
    if state.get("published"):
        conditions.append(model.published.is_(True))
    if state.get("verified"):
        conditions.append(model.verified_at.is_not(None))
    return conditions


def _where(model, spec: dict) -> list:
    """The SQL conditions of ``where``: a list means one of, ``"*"`` means set, anything else equals."""
    conditions = []
    for name, wanted in (spec.get("where") or {}).items():
        column = getattr(model, name)
        if wanted == "*":
            conditions.append(column.is_not(None))
        elif isinstance(wanted, list):
            conditions.append(column.in_(wanted))
        else:
            conditions.append(column == wanted)
    return conditions


def _series(items: list[tuple[Counted, object]], years: range, period: str) -> dict[int, float | None]:
    """Year → value from (record, key) pairs: distinct keys (a key of None counts nowhere), cumulative or in
    the year."""
    by_year: dict[int, float | None] = {}
    if period == "per_year":
        keys: dict[int, set] = defaultdict(set)
        for record, key in items:
            if key is not None:
                keys[record.year].add(key)
        return {y: float(len(keys[y])) for y in years}
    first: dict[object, int] = {}
    for record, key in items:
        if key is not None:
            first[key] = min(record.year, first.get(key, record.year))
    for y in years:
        by_year[y] = float(sum(1 for f in first.values() if f <= y))
    return by_year


def _split(
    items: list[tuple[Counted, object]], years: range, period: str, extra: dict | None = None
) -> Count:
    real = [(r, k) for r, k in items if not r.demo]
    count = Count(_series(real, years, period), [r for r, k in real if k is not None], extra=extra or {})
    demo = [r for r, _ in items if r.demo]
    if demo:
        count.demo_by_year = _series(items, years, period)
        count.demo_records = len(demo)
    return count


def _key(spec: dict, record, counted: Counted, owners: dict) -> object:
    how = spec.get("count", "records")
    if how == "records":
        return (counted.kind, counted.id)
    country = getattr(record, "country_iso3", None)
    if how == "country":
        return country
    if how == "party":
        return country if _countries().get(country or "", {}).get("unfccc_party") else None
    if how == "region":
        region = getattr(record, "region", None) or _region(country)
        if region is None and record.organisation_id in owners:
            owner_region, owner_country = owners[record.organisation_id]
            region = owner_region or _region(owner_country)
        return region
    value = getattr(record, how, None)  # a field: distinct values, e.g. a contact's affiliation
    return value.strip().lower() if isinstance(value, str) and value.strip() else (counted.kind, counted.id)


def _counted(kind: str, record, date_field: str, detail: str = "") -> Counted:
    when = getattr(record, date_field, None) if date_field != "created_at" else None
    return Counted(
        kind, record.id, _label(kind, record), _year(when or record.created_at), bool(record.demo),
        record.verified_by, record.verified_at, detail,
    )  # fmt: skip


def _owners(session: Session) -> dict[int, tuple[str | None, str | None]]:
    rows = session.execute(select(Organisation.id, Organisation.region, Organisation.country_iso3))
    return {i: (region, iso3) for i, region, iso3 in rows}


def _records(session: Session, spec: dict, years: range) -> Count:
    kind = spec["kind"]
    model = KINDS[kind].model
    rows = session.scalars(select(model).where(*_state(model, spec), *_where(model, spec))).all()
    owners = _owners(session) if spec.get("count") == "region" else {}
    items = []
    for row in rows:
        counted = _counted(kind, row, spec["date"])
        items.append((counted, _key(spec, row, counted, owners)))
    return _split(items, years, spec["period"])


def _latest_per_country(session: Session, spec: dict, years: range) -> Count:
    """A country counts in year Y when its latest entry dated up to Y meets ``where``."""
    kind = spec["kind"]
    model = KINDS[kind].model
    rows = session.scalars(select(model).where(*_state(model, spec))).all()
    wanted = set(session.scalars(select(model.id).where(*_where(model, spec))))

    def series(entries) -> tuple[dict[int, float], set[int]]:
        by_country = defaultdict(list)
        for row in entries:
            by_country[row.country_iso3].append(row)
        values, latest_ids = {}, set()
        for y in years:
            n = 0
            for country_rows in by_country.values():
                dated = [r for r in country_rows if _year(getattr(r, spec["date"])) <= y]
                if dated:
                    latest = max(dated, key=lambda r: (getattr(r, spec["date"]), r.id))
                    if latest.id in wanted:
                        n += 1
                        if y == years[-1]:
                            latest_ids.add(latest.id)
            values[y] = float(n)
        return values, latest_ids

    real = [r for r in rows if not r.demo]
    by_year, ids = series(real)
    count = Count(by_year, [_counted(kind, r, spec["date"]) for r in real if r.id in ids])
    if any(r.demo for r in rows):
        count.demo_by_year = series(rows)[0]
        count.demo_records = sum(1 for r in rows if r.demo)
    return count


def _tool_share(session: Session, spec: dict, years: range) -> Count:
    """Countries (of the user's organisation) whose signed-in users ran at least ``share`` of ``tools``;
    the runs of anonymous clients are counted apart (``extra``), never in the value."""
    tools = set(spec["tools"])
    rows = session.execute(
        select(ToolkitUsage, Organisation)
        .join(Organisation, Organisation.id == ToolkitUsage.organisation_id)
        .where(
            # signed-in runs (the demo seed's rows, evaluated apart, name their organisation only)
            or_(ToolkitUsage.actor.like("user:%"), ToolkitUsage.demo.is_(True)),
            ToolkitUsage.tool.in_(tools),
            *_state(Organisation, {}),
        )
    ).all()
    items = []
    for usage, organisation in rows:
        counted = Counted(
            "toolkit-usage", usage.id, f"{usage.tool} · {organisation.name} · {usage.day or usage.at.date()}",
            _year(usage.at), bool(usage.demo or organisation.demo), None, None, organisation.country_iso3 or "",
        )  # fmt: skip
        items.append((counted, usage.tool, organisation.country_iso3))

    def series(chosen) -> dict[int, float]:
        values = {}
        for y in years:
            used: dict[str, set] = defaultdict(set)
            for counted, tool, country in chosen:
                if country and counted.year <= y:
                    used[country].add(tool)
            values[y] = float(sum(1 for t in used.values() if len(t) / len(tools) >= spec["share"]))
        return values

    anonymous = session.execute(
        select(func.count(), func.min(ToolkitUsage.at)).where(
            ToolkitUsage.actor.like("client:%"), ToolkitUsage.demo.is_(False)
        )
    ).one()
    real = [i for i in items if not i[0].demo]
    count = Count(
        series(real),
        [c for c, _, country in real if country],
        extra={"anonymous_runs": int(anonymous[0]), "tools": sorted(tools)},
    )
    if len(real) < len(items):
        count.demo_by_year, count.demo_records = series(items), len(items) - len(real)
    return count


def _active_organisations(session: Session, spec: dict, years: range, today: datetime.date) -> Count:
    """Percent of member and partner organisations with a user who signed in within ``active_days`` before
    the end of each year (today for this year); None before any sign-in of a user of theirs."""
    days = datetime.timedelta(days=spec["active_days"])
    organisations = session.scalars(
        select(Organisation).where(*_state(Organisation, {}), *_where(Organisation, spec))
    ).all()
    signins = session.execute(
        select(User.organisation_id, SignIn.day, User.demo)
        .join(User, User.id == SignIn.user_id)
        .where(User.organisation_id.is_not(None))
    ).all()

    def series(orgs, chosen) -> tuple[dict[int, float | None], set[int]]:
        ids = {o.id for o in orgs}
        days_of = defaultdict(list)
        for org, day, _ in chosen:
            if org in ids:
                days_of[org].append(day)
        values, active_now = {}, set()
        for y in years:
            end = today if y == today.year else datetime.date(y, 12, 31)
            members = [o for o in orgs if _year(o.created_at) <= y]
            active = {o for o in ids if any(end - days < d <= end for d in days_of[o])}
            ever = any(d <= end for o in days_of for d in days_of[o])
            values[y] = 100.0 * len(active) / len(members) if members and ever else None
            if y == today.year:
                active_now = active
        return values, active_now

    real_orgs = [o for o in organisations if not o.demo]
    real_signins = [s for s in signins if not s[2]]
    by_year, active = series(real_orgs, real_signins)
    last = {org: max(d for o, d, _ in real_signins if o == org) for org in active}
    records = [
        Counted("organisations", o.id, o.name, last[o.id].year, False, o.verified_by, o.verified_at,
                f"a user signed in within {spec['active_days']} days")
        for o in real_orgs if o.id in active
    ]  # fmt: skip
    count = Count(
        by_year, records, extra={"organisations": len(real_orgs), "active_days": spec["active_days"]}
    )
    if len(real_orgs) < len(organisations) or len(real_signins) < len(signins):
        count.demo_by_year = series(organisations, signins)[0]
        count.demo_records = len(organisations) - len(real_orgs)
    return count


def _observed_countries(session: Session, spec: dict, years: range) -> Count:
    """Countries of the sites of soil observations; the records behind the value are the sites, dated by
    their first observation."""
    first = func.min(func.coalesce(Observation.date, func.date(Observation.created_at)))
    rows = session.execute(
        select(Site, first, func.count(Observation.id), func.count().filter(Observation.demo.is_(True)))
        .join(Layer, Layer.site_id == Site.id)
        .join(Observation, Observation.layer_id == Layer.id)
        .where(*_state(Site, {}), *_state(Observation, {}))
        .group_by(Site.id)
    ).all()
    items = []
    for site, day, n, demo in rows:
        year = _year(datetime.date.fromisoformat(str(day)[:10]))
        counted = Counted(
            "sites", site.id, site.name, year, bool(site.demo or demo == n), site.verified_by,
            site.verified_at, f"{n} observations",
        )  # fmt: skip
        items.append((counted, site.country_iso3))
    return _split(items, years, spec["period"])


def _twinned(session: Session, spec: dict, years: range) -> Count:
    """Countries of the municipalities of a twin pair (:func:`permille.registry.twins.pairs`) whose two
    members are counted records, dated by the pair's later ``created_at`` (its earliest pair when a
    municipality has several); a municipality whose every pair has a demo member counts as demo."""
    rows = session.scalars(select(Municipality).where(*_state(Municipality, spec))).all()
    partners: dict[int, list[Municipality]] = defaultdict(list)
    for a, b in pairs(rows):
        partners[a.id].append(b)
        partners[b.id].append(a)
    items = []
    for m in rows:
        if not partners[m.id]:
            continue
        real = [t for t in partners[m.id] if not t.demo]
        demo = bool(m.demo or not real)
        chosen = partners[m.id] if demo else real
        year = min(max(_year(m.created_at), _year(t.created_at)) for t in chosen)
        counted = Counted(
            "municipalities", m.id, m.name, year, demo, m.verified_by, m.verified_at,
            "twin: " + ", ".join(t.name for t in chosen),
        )  # fmt: skip
        items.append((counted, m.country_iso3))
    return _split(items, years, spec["period"])


def _budget_eur(session: Session, spec: dict, years: range) -> Count:
    """The year's budget lines summed in EUR, each at its year's rate (:func:`eur_rate`); lines in a
    currency without rates are left out and named in ``extra``."""
    model = KINDS[spec["kind"]].model
    rows = session.scalars(select(model).where(*_state(model, spec))).all()
    rates_used: dict[str, dict] = {}
    left_out: dict[str, int] = defaultdict(int)

    def series(lines) -> tuple[dict[int, float | None], list[Counted]]:
        sums: dict[int, float] = defaultdict(float)
        counted = []
        for line in lines:
            rate = eur_rate(line.currency.upper(), line.year)
            if rate is None:
                left_out[line.currency.upper()] += 0 if line.demo else 1
                continue
            per_eur, rate_year = rate
            eur = line.amount / per_eur
            sums[line.year] += eur
            if line.currency.upper() != "EUR" and not line.demo:
                rates_used[f"{line.currency.upper()} {line.year}"] = {
                    "per_eur": per_eur,
                    "rate_year": rate_year,
                }
            detail = f"{line.amount:,.0f} {line.currency}" + (
                ""
                if line.currency.upper() == "EUR"
                else f" = {eur:,.0f} EUR at {per_eur} per EUR ({rate_year})"
            )
            counted.append(
                Counted("budget-lines", line.id, line.label, line.year, bool(line.demo), line.verified_by,
                        line.verified_at, detail)
            )  # fmt: skip
        return {y: (sums[y] if y in sums else None) for y in years}, counted

    real = [r for r in rows if not r.demo]
    by_year, counted = series(real)
    count = Count(by_year, counted)
    if len(real) < len(rows):
        count.demo_by_year, count.demo_records = series(rows)[0], len(rows) - len(real)
    count.extra = {
        "rates": rates_used,
        "rates_source": exchange_rates()["source"],
        "left_out_currencies": dict(left_out),
    }
    return count


def _selected_in_calls(session: Session, spec: dict, years: range) -> Count:
    """Projects the Secretariat selected through a call for projects (an audited ``select`` step of the
    call-application workflow, :func:`permille.registry.workflow.fire`), dated by that step; the project
    itself must be in the rules' state (published, verified). A stage set by hand counts nowhere."""
    selected = session.execute(
        select(CallApplication.project_id, func.min(AuditLog.at))
        .join(AuditLog, (AuditLog.record_id == CallApplication.id) & (AuditLog.kind == "call_application"))
        .where(AuditLog.action == "select")
        .group_by(CallApplication.project_id)
    ).all()
    when = dict(selected)
    projects = session.scalars(select(Project).where(Project.id.in_(when), *_state(Project, spec))).all()
    items = []
    for project in projects:
        counted = Counted(
            "projects", project.id, project.name, _year(when[project.id]), bool(project.demo),
            project.verified_by, project.verified_at, "selected through a call for projects",
        )  # fmt: skip
        items.append((counted, ("projects", project.id)))
    return _split(items, years, spec["period"])


def _helpdesks_answering(session: Session, spec: dict, years: range) -> Count:
    """Regions whose helpdesk gave a first answer within ``days`` of the question, by the year of the answer
    (questions are restricted: the drill-down shows them as a count)."""
    limit = datetime.timedelta(days=spec["days"])
    rows = session.scalars(select(HelpdeskQuestion).where(HelpdeskQuestion.answered_at.is_not(None))).all()
    items = []
    for q in rows:
        if q.answered_at - q.created_at <= limit:
            counted = Counted("helpdesk-questions", q.id, q.subject, _year(q.answered_at), q.demo, None, None,
                              f"answered in {(q.answered_at - q.created_at).days} days ({q.region})")  # fmt: skip
            items.append((counted, q.region))
    return _split(items, years, spec["period"])


METHODS: dict[str, Callable[..., Count]] = {
    "records": _records,
    "latest_per_country": _latest_per_country,
    "tool_share": _tool_share,
    "observed_countries": _observed_countries,
    "twinned": _twinned,
    "budget_eur": _budget_eur,
    "selected_in_calls": _selected_in_calls,
    "helpdesks_answering": _helpdesks_answering,
}
"""The computations a rule's ``method`` names (``active_organisations`` also needs the day;
``manual`` and ``indicator_share`` are evaluated by :mod:`permille.registry.kpis`)."""


def evaluate(session: Session, name: str, today: datetime.date) -> Count:
    """Evaluate the counting rule of indicator ``name`` for each year from :data:`FIRST_YEAR` to ``today``'s
    year, with the records behind each value."""
    spec = rule(name)
    years = range(FIRST_YEAR, today.year + 1)
    if spec["method"] == "active_organisations":
        return _active_organisations(session, spec, years, today)
    return METHODS[spec["method"]](session, spec, years)


def counted_in(count: Count, name: str, year: int) -> Iterable[Counted]:
    """The records behind the value of ``year``: dated in it (per-year rules) or up to it (cumulative)."""
    per_year = rule(name).get("period") == "per_year"
    return [r for r in count.records if (r.year == year if per_year else r.year <= year)]
