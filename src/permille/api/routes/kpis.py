"""The Initiative's progress: the 24 objectives with their indicators, computed live from the records.

``GET /api/kpis`` (every objective), ``GET /api/kpis/export.csv`` (one row per indicator),
``GET /api/kpis/{objective_id}``, ``POST /api/kpis/{indicator}/values`` (the Secretariat enters a manual
value with its date and source). Values, statuses and their rules: :mod:`permille.registry.kpis`.
"""

import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ...io.csv_safe import write_csv
from ...registry import kpis
from ...registry.orm import User
from ..deps import SessionDep, require
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
            f"manual: {source['source']} ({source['date']})" if "date" in source else "manual: none entered"
        )
    return f"registry: {source['note']}, {source['records']} records, {source['period']}"


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


@router.get("/{objective_id}", summary="One objective with its indicators")
@cached("kpis")
def one_objective(objective_id: ObjectiveId, session: SessionDep) -> dict[str, Any]:
    report = kpis.compute(session)
    for objective in report["objectives"]:
        if objective["id"] == objective_id:
            return {"as_of": report["as_of"], "status_rule": report["status_rule"], **objective}
    known = ", ".join(o["id"] for o in report["objectives"])
    raise ApiError(404, f"no objective {objective_id}; objectives: {known}")


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
    return KpiValueOut(
        id=record.id,
        indicator=record.indicator,
        value=record.value,
        date=record.date,
        source=record.source,
        entered_by=record.entered_by,
    )
