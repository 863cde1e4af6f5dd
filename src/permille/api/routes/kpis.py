"""The Initiative's progress: the 24 objectives with their indicators, computed live from the records.

``GET /api/kpis`` (every objective, each indicator with its counting rule), ``GET /api/kpis/export.csv``
(one row per indicator), ``GET /api/kpis/open-data.json`` and ``.csv`` (every indicator's values and
history, schema in docs/kpis.md), ``GET /api/kpis/report`` (the annual progress report, HTML or PDF, en/fr/es),
``GET /api/kpis/{objective_id}``, ``GET /api/kpis/{indicator}/records`` (the records behind a value),
``POST /api/kpis/{indicator}/values`` (the Secretariat enters a manual value with its date and source) and
``POST /api/kpis/values/{id}/approve`` (a second Secretariat user approves it). Values, statuses and their
rules: :mod:`permille.registry.kpis` and :mod:`permille.registry.counting`.
"""

import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ... import i18n
from ...io.csv_safe import write_csv
from ...registry import annual_report, kpis, open_data
from ...registry.orm import User
from ..deps import SessionDep, UserDep, require
from ..errors import ERROR_RESPONSES, ApiError
from ..readmodels import cached

router = APIRouter(prefix="/kpis", tags=["kpis"], responses=ERROR_RESPONSES)

ObjectiveId = Annotated[str, Path(pattern=r"^[A-F][0-9]$", description="an objective of the plan, e.g. A1")]
IndicatorName = Annotated[
    str, Path(pattern=r"^[a-z0-9_]{1,80}$", description="an indicator, e.g. assisted_awareness")
]


class KpiValueIn(BaseModel):
    """A manual value of an indicator, in the indicator's unit."""

    model_config = ConfigDict(extra="forbid")
    value: float = Field(allow_inf_nan=False, description="in the indicator's unit (percent: 0–100)")
    date: datetime.date = Field(description="the day the value refers to (not in the future)")
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="where the value comes from (survey, report …)"
    )


class KpiValueOut(BaseModel):
    id: int
    indicator: str
    value: float
    date: datetime.date
    source: str
    entered_by: str
    entered_at: str
    approved_by: str | None
    approved_at: str | None
    self_approved: bool
    state: str = Field(description="unapproved (not used for the status), approved or demo")


@router.get("", summary="Every objective with its indicators: baseline, current value, history, status")
@cached("kpis")
def all_objectives(session: SessionDep) -> dict[str, Any]:
    return kpis.compute(session)


CSV_COLUMNS = (
    "objective", "goal", "indicator", "unit", "source", "baseline", "baseline_min", "baseline_max",
    "baseline_year", "current", "current_from", "target_2030", "target_2030_min", "target_2030_max",
    "status_2030", "target_2050", "target_2050_min", "target_2050_max", "status_2050", "trend", "as_of",
)  # fmt: skip


def _range_columns(prefix: str, spec: dict | None) -> dict:
    spec = spec or {}
    return {prefix: spec.get("value"), f"{prefix}_min": spec.get("min"), f"{prefix}_max": spec.get("max")}


def _current_from(source: dict) -> str:
    if source["kind"] == "manual":
        return (
            f"manual: {source['source']} ({source['date']}, approved by {source['approved_by']})"
            if "date" in source
            else "manual: no approved value"
        )
    return f"registry: {source['records']} records ({source.get('records_kind') or 'indicators'}), {source['period']}"


@router.get(
    "/export.csv", summary="One row per indicator (CSV)", responses={200: {"content": {"text/csv": {}}}}
)
@cached("kpis")
def export_csv(session: SessionDep) -> Response:
    report = kpis.compute(session)
    rows = []
    for objective in report["objectives"]:
        for i in objective["indicators"]:
            baseline = i["baseline"] or {}
            rows.append(
                {
                    "objective": objective["id"],
                    "goal": objective["goal"],
                    "indicator": i["name"],
                    "unit": i["unit"],
                    "source": i["source"],
                    **_range_columns("baseline", baseline),
                    "baseline_year": baseline.get("year"),
                    "current": i["current"],
                    "current_from": _current_from(i["current_source"]),
                    **_range_columns("target_2030", i["target_2030"]),
                    "status_2030": i["status"]["2030"],
                    **_range_columns("target_2050", i["target_2050"]),
                    "status_2050": i["status"]["2050"],
                    "trend": i["trend"],
                    "as_of": report["as_of"],
                }
            )
    return Response(
        write_csv(rows, CSV_COLUMNS),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kpis.csv"'},
    )


@router.get(
    "/open-data.json", summary="Open data: every indicator's values and history (schema: docs/kpis.md)"
)
@cached("kpis")
def open_data_json(session: SessionDep) -> dict[str, Any]:
    return open_data.document(kpis.compute(session))


@router.get(
    "/open-data.csv",
    summary="Open data: one row per indicator and year (schema: docs/kpis.md)",
    responses={200: {"content": {"text/csv": {}}}},
)
@cached("kpis")
def open_data_csv(session: SessionDep) -> Response:
    rows = open_data.rows(kpis.compute(session))
    return Response(
        write_csv(rows, open_data.CSV_COLUMNS),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="permille-kpis-open-data.csv"'},
    )


@router.get(
    "/report",
    summary="The annual progress report (HTML or PDF; en, fr or es)",
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
@cached("kpis")
def report(
    session: SessionDep,
    lang: Annotated[str, Query(pattern="^(en|fr|es)$", description="en, fr or es")] = "en",
    fmt: Annotated[str, Query(alias="format", pattern="^(html|pdf)$", description="html or pdf")] = "html",
) -> Response:
    data = kpis.compute(session)
    if fmt == "pdf":
        return Response(
            annual_report.pdf(data, lang),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="permille-progress-{data["as_of"][:4]}-{lang}.pdf"'
            },
        )
    return Response(annual_report.html(data, lang), media_type="text/html; charset=utf-8")


@router.get("/{objective_id}", summary="One objective with its indicators")
@cached("kpis")
def one_objective(objective_id: ObjectiveId, session: SessionDep) -> dict[str, Any]:
    report = kpis.compute(session)
    for objective in report["objectives"]:
        if objective["id"] == objective_id:
            return {"as_of": report["as_of"], "status_rule": report["status_rule"], **objective}
    known = ", ".join(o["id"] for o in report["objectives"])
    raise ApiError(404, i18n.Text("no objective {id}; objectives: {known}", id=objective_id, known=known))


@router.post(
    "/{indicator}/values",
    status_code=201,
    summary="Enter a manual value of an indicator (the Secretariat)",
)
def add_value(
    indicator: IndicatorName,
    body: KpiValueIn,
    session: SessionDep,
    user: Annotated[User, Depends(require("secretariat"))],
) -> KpiValueOut:
    record = kpis.record_value(session, indicator, body.value, body.date, body.source, user)
    return KpiValueOut(**kpis.value_dict(record))


@router.post(
    "/values/{value_id}/approve",
    summary="Approve a manual value (a second Secretariat user; alone, the only one, labelled self-approved)",
)
def approve_value(
    value_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    session: SessionDep,
    user: Annotated[User, Depends(require("secretariat"))],
) -> KpiValueOut:
    return KpiValueOut(**kpis.value_dict(kpis.approve_value(session, value_id, user)))


@router.get("/{indicator}/records", summary="The records behind an indicator's value (or its manual values)")
def records_behind(
    indicator: IndicatorName,
    session: SessionDep,
    user: UserDep,
    year: Annotated[
        int | None, Query(ge=2015, le=2100, description="the value's year (default: this year)")
    ] = None,
) -> dict[str, Any]:
    try:
        return kpis.records_behind(session, indicator, user, year)
    except LookupError as e:
        raise ApiError(404, e.args[0]) from None
