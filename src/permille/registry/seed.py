"""Seed records of a new registry: the real catalogues and clearly labelled demo records.

:func:`seed` loads, through the service (validation, audit log with the actor ``system``, events):

- ``data/registry/practices.yaml`` — good SOC-management practices with cited meta-analyses (B2);
- ``data/registry/tools.yaml`` — SOC monitoring tools and methods with references (E1);
- ``data/registry/ndcs.yaml`` — NDC tracker entries (A1), unverified ones saying so;
- ``data/ndc/parties.json`` — one NDC tracker entry per UNFCCC Party (198), from the bundled NDC content
  assessments (:mod:`.parties`);
- only with ``demo=True`` (``permille serve --demo``): ``data/registry/demo.yaml`` — DEMONSTRATION
  records (every name starts with "Demo"), dated relative to the day of seeding so that every KPI and page
  shows something; and one demo user per role (:data:`DEMO_ACCOUNTS`, published passwords).

It is idempotent: a record whose natural key (name, title, e-mail …) is already stored is skipped, so a
second run — or a run after a partial one — adds only what is missing. A demo account is created once per
registry: the audit log remembers it, so one renamed (or deactivated) is not created again. The countries and regions are
package data (``data/registry/countries.yaml``, :func:`permille.registry.kpis.countries`), not records.
"""

import datetime
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from . import demo_workflows, kpis, orm, parties, rothamsted, service
from .schemas import Criterion

DATA = files("permille") / "data" / "registry"

DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("demo.member@example.org", "member", "demo-member-password"),
    ("demo.partner@example.org", "partner", "demo-partner-password"),
    ("demo.stc@example.org", "stc", "demo-stc-password"),
    ("demo.stc2@example.org", "stc", "demo-stc2-password"),  # the demo call's second reviewer
    ("demo.secretariat@example.org", "secretariat", "demo-secretariat-password"),
]
"""One demo user per role: (e-mail, role, password). DEMO passwords, printed by ``permille serve --demo``;
a deployment refuses to start while one of these accounts is active (:mod:`.deployment`)."""
DEMO_ACCOUNT_ORGANISATIONS = {
    "demo.member@example.org": "Demo Ministry of Agriculture of Senegal",
    "demo.partner@example.org": "Demo Soil Research Institute of France",
}
"""The demo organisation of the member and partner demo users."""


@cache
def _load(name: str) -> dict:
    """A seed file of ``data/registry/`` (parsed once; callers copy what they change)."""
    return yaml.load(
        (DATA / name).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def _reference(ref: dict) -> str:
    """A citation as one line: authors (year). title. journal. doi:… or URL."""
    parts = [f"{ref['authors']} ({ref['year']}). {ref['title']}."]
    if ref.get("journal"):
        parts.append(f"{ref['journal']}.")
    if ref.get("doi"):
        parts.append(f"doi:{ref['doi']}")
    elif ref.get("url"):
        parts.append(ref["url"])
    return " ".join(parts)


def _checked(verified: bool) -> str:
    if verified:
        return "Values and reference checked against the source's abstract (2026-11)."
    return "UNVERIFIED: recalled, not checked against the source; verify before use."


def practice_payload(entry: dict) -> dict:
    """The record of a catalogue practice (practices.yaml) in the schema of ``practices``.

    The effect goes to ``effect_t_c_ha_yr`` ± ``effect_uncertainty_t_c_ha_yr`` when the source reports a
    rate in t C/ha/yr with an uncertainty; otherwise (a relative change, a stock change factor, a rate
    without interval) it is stated in the description with its unit, and the numeric columns stay empty.
    """
    context, effect = entry["context"], entry["effect"]
    rate = effect["unit"] == "t C/ha/yr" and effect["uncertainty"] is not None
    if effect["uncertainty"] is not None:
        stated = (
            f"{effect['value']:g} ± {effect['uncertainty']:g} {effect['unit']} ({effect['uncertainty_kind']})"
        )
    else:
        stated = f"{effect['value']:g} {effect['unit']} (uncertainty not reported: {effect['note']})"
    description = " ".join(
        filter(
            None,
            [context.get("notes", ""), f"Systems: {context['systems']}." if "systems" in context else ""],
        )
    )
    return {
        "name": entry["name"],
        "description": f"{description} Reported effect: {stated}.".strip(),
        "category": entry["category"],
        "climate_zone": context["climate"],
        "land_use": context["land_use"],
        "soil": context["soils"],
        "evidence": f"{entry['evidence']} {_checked(entry['verified'])}",
        "evidence_level": "meta_analysis",
        "effect_t_c_ha_yr": effect["value"] if rate else None,
        "effect_uncertainty_t_c_ha_yr": effect["uncertainty"] if rate else None,
        "depth_cm": effect.get("depth_cm"),
        "references": [_reference(r) for r in entry["references"]],
        "languages": entry["languages"],
        "published": True,
    }


def tool_payload(entry: dict) -> dict:
    """The record of a catalogue tool (tools.yaml) in the schema of ``monitoring-tools``."""
    description = (
        f"Scales: {', '.join(entry['scales'])}. Cost: {entry['cost_note']}. "
        f"MRV: {entry['mrv_note']}. {_checked(entry['verified'])}"
    )
    return {
        "name": entry["name"],
        "category": entry["category"],
        "description": description,
        "scale": entry["scale"],
        "accuracy": entry["accuracy"],
        "cost": entry["cost"],
        "mrv_suitability": entry["mrv_suitability"],
        "url": entry.get("url", ""),
        "references": [_reference(r) for r in entry["references"]],
        "published": True,
    }


def ndc_payload(entry: dict, source: str) -> dict:
    """The record of an NDC tracker entry (ndcs.yaml) in the schema of ``ndcs``."""
    how = entry["how"] if entry["verified"] else f"{entry['how']} (unverified: check the NDC text)"
    fields = (
        "country_iso3",
        "ndc_version",
        "year",
        "refers_soc",
        "refers_soil_health",
        "refers_peatlands_wetlands",
    )
    return {**{k: entry[k] for k in fields}, "how": how, "source": source, "published": True}


def _when(value: Any, today: datetime.date) -> Any:
    """A relative date of demo.yaml: ``{years_ago: N}`` → a year; with ``day`` → a date (≤ today);
    ``{days_ahead: N}`` → the date N days after today (the calendar's coming events)."""
    if isinstance(value, dict) and "days_ahead" in value:
        return today + datetime.timedelta(days=value["days_ahead"])
    if not (isinstance(value, dict) and "years_ago" in value):
        return value
    year = today.year - value["years_ago"]
    if "day" not in value:
        return year
    return min(datetime.date(year, 1, 1) + datetime.timedelta(days=value["day"] - 1), today)


class _Seeder:
    def __init__(self, session: Session, today: datetime.date):
        self.session, self.today = session, today
        self.ids: dict[tuple[str, str], int] = {}
        self.demo_payloads: dict[int, dict] = {}  # id() → payload made by :meth:`demo` (kept alive: no reuse)

    def existing(self, model, *columns) -> dict[tuple, int]:
        rows = self.session.execute(select(model.id, *columns)).all()
        return {tuple(row[1:]): row[0] for row in rows}

    def add(
        self, kind: str, model, key: Callable[[dict], tuple], columns: tuple, payloads: Iterable[dict]
    ) -> None:
        """Create each payload whose key is not stored yet; remember ids by the first key value."""
        stored = self.existing(model, *columns)
        for payload in payloads:
            k = key(payload)
            if k not in stored:
                record = service.create(self.session, kind, payload, service.SYSTEM)
                if self.demo_payloads.get(id(payload)) is payload:
                    mark_demo(self.session, record)
                stored[k] = record.id
            self.ids[(kind, str(k[0]))] = stored[k]

    def demo(self, rows: list[dict], **refs: str) -> list[dict]:
        """Demo rows with relative dates resolved, ``organisation`` etc. turned into ids, published."""
        out = []
        for row in rows:
            payload = {k: _when(v, self.today) for k, v in row.items()}
            for field, kind in refs.items():
                if field in payload:
                    payload[f"{field}_id"] = self.ids[(kind, payload.pop(field))]
            payload.setdefault("published", True)  # restricted kinds stay unreadable to the public
            self.demo_payloads[id(payload)] = payload
            out.append(payload)
        return out


def mark_demo(session: Session, record: Any) -> None:
    """Flag a stored record as demonstration data (``demo``): no indicator counts it."""
    model = type(record)
    session.execute(update(model).where(model.id == record.id).values(demo=True))  # its version kept
    session.commit()
    session.refresh(record)


def seeded_demo_accounts(session: Session) -> dict[str, int]:
    """E-mail → user id of each demo account the seed ever created, found in the audit log (append-only),
    so that an account renamed since is still known."""
    emails = {email for email, _, _ in DEMO_ACCOUNTS}
    rows = session.execute(
        select(orm.AuditLog.record_id, orm.AuditLog.after).where(
            orm.AuditLog.kind == "users", orm.AuditLog.action == "create", orm.AuditLog.actor == "system"
        )
    )
    return {after["email"]: i for i, after in rows if after and after.get("email") in emails}


def demo_accounts(session: Session) -> list[orm.User]:
    """The demo accounts stored: created by the demo seed (even if renamed since) or using a demo e-mail."""
    ids = set(seeded_demo_accounts(session).values())
    emails = [email for email, _, _ in DEMO_ACCOUNTS]
    return list(
        session.scalars(
            select(orm.User)
            .where(or_(orm.User.id.in_(ids), orm.User.email.in_(emails)))
            .order_by(orm.User.id)
        )
    )


def seed(session: Session, today: datetime.date | None = None, *, demo: bool = False) -> None:
    """Insert the seed records that are missing (idempotent); each through the service, audited as
    ``system``: the catalogues always, the demo records and accounts only with ``demo``. ``today``
    anchors the relative dates of the demo records (default: today, UTC)."""
    today = today or datetime.datetime.now(datetime.UTC).date()
    s = _Seeder(session, today)
    o = orm
    demo_rows = _load("demo.yaml") if demo else {}
    if demo:
        _demo_people(s, demo_rows)
    s.add("practices", o.Practice, lambda p: (p["name"],), (o.Practice.name,),
          [practice_payload(e) for e in _load("practices.yaml")["practices"]]
          + s.demo(demo_rows.get("practices", []), organisation="organisations"))  # fmt: skip
    s.add("monitoring-tools", o.MonitoringTool, lambda p: (p["name"],), (o.MonitoringTool.name,),
          [tool_payload(e) for e in _load("tools.yaml")["tools"]])  # fmt: skip
    ndcs = _load("ndcs.yaml")
    s.add("ndcs", o.NdcEntry, lambda p: (p["country_iso3"], p["ndc_version"]),
          (o.NdcEntry.country_iso3, o.NdcEntry.ndc_version),
          [ndc_payload(e, ndcs["source"]) for e in ndcs["ndcs"]]
          + [parties.ndc_payload(p) for p in parties.parties()])  # fmt: skip
    rothamsted.seed(session)  # real long-term experiment sites (not demo): always seeded
    if demo:
        _demo_records(s, demo_rows)


def _demo_people(s: _Seeder, demo: dict) -> None:
    """The demo organisations and the demo accounts not created before (see :func:`seeded_demo_accounts`)."""
    o = orm
    s.add("organisations", o.Organisation, lambda p: (p["name"],), (o.Organisation.name,),
          s.demo(demo["organisations"]))  # fmt: skip
    created = seeded_demo_accounts(s.session)
    s.add(
        "users",
        o.User,
        lambda p: (p["email"],),
        (o.User.email,),
        [
            {
                "email": email,
                "name": f"Demo {role} user",
                "role": role,
                "password": password,
                "organisation_id": s.ids.get(("organisations", DEMO_ACCOUNT_ORGANISATIONS.get(email, ""))),
            }
            for email, role, password in DEMO_ACCOUNTS
            if email not in created
        ],
    )


def _demo_records(s: _Seeder, demo: dict) -> None:
    """The demo records of demo.yaml other than organisations, accounts and practices."""
    o = orm
    s.add("projects", o.Project, lambda p: (p["name"],), (o.Project.name,),
          s.demo(demo["projects"], organisation="organisations"))  # fmt: skip
    assessments = s.demo(demo["assessments"], project="projects")
    for a in assessments:
        score = a.pop("score")
        a["scores"] = {c.value: {"score": score, "comment": "Demo score."} for c in Criterion}
    s.add("assessments", o.Assessment, lambda p: (p["project_id"],), (o.Assessment.project_id,), assessments)
    for kind, model, key_fields, section, refs in (
        ("strategies", o.Strategy, ("title",), "strategies", {"organisation": "organisations"}),
        ("schemes", o.SchemeReview, ("name",), "schemes", {}),
        ("studies", o.Study, ("title",), "studies", {}),
        ("meetings", o.Meeting, ("title", "date"), "meetings", {}),
        ("networks", o.Network, ("name",), "networks", {"organisation": "organisations"}),
        ("contacts", o.Contact, ("name",), "contacts", {}),
        ("brandings", o.Branding, ("name",), "brandings", {}),
        ("budget-lines", o.BudgetLine, ("label", "year"), "budget_lines", {}),
        (
            "toolkit-usage",
            o.ToolkitUsage,
            ("tool", "country_iso3"),
            "toolkit_usage",
            {"organisation": "organisations"},
        ),
        ("sites", o.Site, ("name",), "sites", {"organisation": "organisations"}),
    ):
        s.add(
            kind,
            model,
            lambda p, fields=key_fields: tuple(p[f] for f in fields),
            tuple(getattr(model, f) for f in key_fields),
            s.demo(demo[section], **refs),
        )
    # municipalities: a twin refers to a municipality created before it
    for row in demo["municipalities"]:
        rows = s.demo([row], twin="municipalities")
        s.add("municipalities", o.Municipality, lambda p: (p["name"],), (o.Municipality.name,), rows)
    _observations(s, s.demo(demo["observations"], site="sites"))
    _kpi_values(s, s.demo(demo["kpi_values"]))
    s.add("meetings", o.Meeting, lambda p: (p["title"],), (o.Meeting.title,), s.demo(demo["coming_events"]))
    activities = [{k: _when(v, s.today) for k, v in row.items()} for row in demo["twin_activities"]]
    demo_workflows.run(
        s.session, demo | {"twin_activities": activities}, s.today
    )  # A2, B3 by their workflows


def _observations(s: _Seeder, rows: list[dict]) -> None:
    stored = {
        (site, upper, lower, prop, date)
        for site, upper, lower, prop, date in s.session.execute(
            select(
                orm.Layer.site_id,
                orm.Layer.upper_cm,
                orm.Layer.lower_cm,
                orm.Observation.property,
                orm.Observation.date,
            ).join(orm.Observation, orm.Observation.layer_id == orm.Layer.id)
        )
    }
    for row in rows:
        key = (row["site_id"], float(row["upper_cm"]), float(row["lower_cm"]), row["property"], row["date"])
        if key not in stored:
            mark_demo(s.session, service.create(s.session, "observations", row, service.SYSTEM))
            stored.add(key)


def _kpi_values(s: _Seeder, rows: list[dict]) -> None:
    stored = set(
        s.session.execute(select(kpis.KpiValue.indicator, kpis.KpiValue.date, kpis.KpiValue.source)).all()
    )
    for row in rows:
        if (row["indicator"], row["date"], row["source"]) not in stored:
            value = kpis.record_value(
                s.session, row["indicator"], row["value"], row["date"], row["source"], service.SYSTEM
            )
            mark_demo(s.session, value)
