"""The online toolkit (objective B4): the calculators of :mod:`permille.models` and :mod:`permille.measure`
usable without code — RothC scenario, IPCC project balance, stocks and ESM from a CSV, sampling design,
credit estimate. Each answers JSON, ``?format=csv`` and, where a report exists, ``?format=pdf``; each
records its use by country (``ToolkitUsage``) when the request names ``country_iso3``.
"""

import json
import math
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import Field, ValidationError, field_validator

from ...io import balance_report, soil_import
from ...io.csv_safe import write_csv
from ...io.project_file import ProjectIn
from ...models import balance
from ...registry.orm import ToolkitUsage
from .. import toolkit_measure, toolkit_rothc
from ..deps import SessionDep
from ..errors import ERROR_RESPONSES, ApiError
from ..toolkit_examples import EXAMPLES

router = APIRouter(prefix="/toolkit", tags=["toolkit"], responses=ERROR_RESPONSES)
TABLE = {200: {"content": {"application/json": {}, "text/csv": {}}}}
REPORT = {200: {"content": {"application/json": {}, "text/csv": {}, "application/pdf": {}}}}

TableFormat = Annotated[Literal["json", "csv"], Query(alias="format", description="json or csv")]
ReportFormat = Annotated[Literal["json", "csv", "pdf"], Query(alias="format", description="json, csv or pdf")]
MAX_BALANCE_DRAWS = 5000


def _record_use(session, tool: str, country_iso3: str | None) -> None:
    """One ``ToolkitUsage`` row when the request names its country (B4: toolkit usage by country)."""
    if country_iso3:
        session.add(ToolkitUsage(tool=tool, country_iso3=country_iso3))
        session.commit()


def _invalid(error: ValueError) -> ApiError:
    """A library's refusal (every problem in one message) as a 422 listing each problem."""
    lines = [line.strip(" -") for line in str(error).splitlines() if line.strip()]
    head = lines[0] if lines else "invalid input"
    details = lines[1:] or [part.strip() for part in head.split("; ")]
    return ApiError(422, head.rstrip(":"), [{"message": d} for d in details], code="invalid_input")


def _jsonable(value):
    """``value`` with every non-finite float (a quantity that has no value, e.g. the t quantile of a rule
    that does not apply) as ``None``, so that the answer is valid JSON."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _csv(table: pd.DataFrame, name: str) -> Response:
    return Response(
        write_csv(table.to_dict("records"), list(table.columns)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


# --- RothC ----------------------------------------------------------------------------------------------


@router.post(
    "/rothc", responses=TABLE, summary="RothC scenario for a site: yearly stocks of baseline and scenario, 4‰"
)
def rothc_scenario(body: toolkit_rothc.RothcScenarioIn, session: SessionDep, fmt: TableFormat = "json"):
    try:
        result = toolkit_rothc.scenario(body)
    except ValueError as e:
        raise _invalid(e) from None
    _record_use(session, "rothc", body.country_iso3)
    if fmt == "csv":
        return _csv(toolkit_rothc.yearly_table(result), "rothc-scenario")
    return _jsonable(result)


# --- IPCC / RothC project balance ----------------------------------------------------------------------


class BalanceIn(ProjectIn):
    """A project document (the schema of project files, ``examples/project.yaml``)."""

    country_iso3: str | None = Field(None, pattern=r"^[A-Z]{3}$")

    @field_validator("monte_carlo")
    @classmethod
    def _draws_for_a_request(cls, v):
        if v.draws > MAX_BALANCE_DRAWS:
            raise ValueError(f"monte_carlo.draws = {v.draws}: at most {MAX_BALANCE_DRAWS} in the toolkit")
        return v


@router.post(
    "/balance",
    responses=REPORT,
    summary="Project soil carbon balance: IPCC Tier 1, Tier 2 and RothC, Monte Carlo",
)
def project_balance(body: BalanceIn, session: SessionDep, fmt: ReportFormat = "json"):
    try:
        result = balance.simulate(body.to_model(), draws=body.monte_carlo.draws, seed=body.monte_carlo.seed)
    except ValueError as e:
        raise _invalid(e) from None
    _record_use(session, "balance", body.country_iso3)
    if fmt == "csv":
        return _csv(balance_report.yearly_table(result), "balance-yearly")
    if fmt == "pdf":
        with tempfile.TemporaryDirectory() as folder:
            path = balance_report.plot(result, Path(folder) / "balance.pdf")
            return _pdf(path.read_bytes(), "balance")
    return _jsonable(
        {
            "calculator": "balance",
            "project": body.name,
            "period": [body.first_year, body.last_year],
            "guidelines": f"IPCC {body.guidelines}",
            "n_draws": result.n_draws,
            "seed": body.monte_carlo.seed,
            "interval": "95 % (2.5–97.5 percentiles of the draws)",
            "quantities": balance_report.QUANTITIES,
            "estimates": {m: {k: asdict(e) for k, e in q.items()} for m, q in result.summary().items()},
            "yearly": balance_report.yearly_table(result).to_dict(orient="records"),
            "areas": [a.area.name for a in result.areas],
        }
    )


# --- stocks and ESM from a CSV ---------------------------------------------------------------------------


def _stocks_options(mapping: str | None, depths_cm: str, method: str, country_iso3: str | None):
    """The form fields as :class:`toolkit_measure.StocksIn` (422 listing every bad field)."""
    raw: dict = {"method": method, "country_iso3": country_iso3 or None}
    details = []
    try:
        raw["depths_cm"] = [float(d) for d in depths_cm.replace(";", ",").split(",") if d.strip()]
    except ValueError:
        details.append({"loc": ["depths_cm"], "message": f"{depths_cm!r}: give depths in cm, e.g. 30,50"})
    if mapping:
        try:
            raw["mapping"] = json.loads(mapping)
        except json.JSONDecodeError as e:
            details.append({"loc": ["mapping"], "message": f"not valid JSON: {e}"})
    try:
        options = toolkit_measure.StocksIn.model_validate(raw)
    except ValidationError as e:
        details += [{"loc": [str(x) for x in err["loc"]], "message": err["msg"]} for err in e.errors()]
    if details:
        raise ApiError(422, f"the request is not valid: {len(details)} problem(s)", details)
    return options


@router.post(
    "/stocks", responses=TABLE, summary="Fixed-depth and ESM SOC stocks per profile from a CSV upload"
)
async def soil_stocks(
    request: Request,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="CSV, one row per layer")],
    mapping: Annotated[str | None, Form(description="column mapping, JSON (default: Cumbria layout)")] = None,
    depths_cm: Annotated[str, Form(description="cumulative depths, cm, comma-separated")] = "30",
    method: Annotated[str, Form(description="natural_spline, fmm_hyman or linear")] = "natural_spline",
    country_iso3: Annotated[str | None, Form()] = None,
    fmt: TableFormat = "json",
):
    options = _stocks_options(mapping, depths_cm, method, country_iso3)
    limit = getattr(request.app.state, "max_upload_bytes", 10 * 2**20)
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise ApiError(413, f"the file is larger than {limit:,} bytes")
    name = Path(file.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).stem + ".csv")
        path.write_bytes(content)
        try:
            table = soil_import.read_table(path)
            result = toolkit_measure.stocks(table, options, name)
        except soil_import.SoilImportError as e:
            details = [{"row": p.row, "column": p.column, "message": p.message} for p in e.problems]
            raise ApiError(422, f"{name}: {len(details)} problem(s); nothing was imported", details) from None
        except ValueError as e:
            raise _invalid(e) from None
    _record_use(session, "stocks", options.country_iso3)
    if fmt == "csv":
        return _csv(pd.DataFrame(result["profiles"]), "stocks")
    return _jsonable(result)


# --- sampling design and credits ------------------------------------------------------------------------


@router.post(
    "/sampling", responses=TABLE, summary="Sample size for a minimum detectable difference, Neyman allocation"
)
def sampling_design(body: toolkit_measure.SamplingIn, session: SessionDep, fmt: TableFormat = "json"):
    try:
        result = toolkit_measure.sampling_design(body)
    except ValueError as e:
        raise _invalid(e) from None
    _record_use(session, "sampling", body.country_iso3)
    if fmt == "csv":
        rows = result["strata"] or [{"stratum": "all", "n": result["n"]}]
        table = pd.DataFrame(rows).assign(n_total=result["n"], mdd_at_n_t_c_ha=result["mdd_at_n_t_c_ha"])
        return _csv(table, "sampling-design")
    return _jsonable(result)


@router.post("/credits", responses=REPORT, summary="Credits under a scheme profile from SOC change estimates")
def credit_estimate(body: toolkit_measure.CreditsIn, session: SessionDep, fmt: ReportFormat = "json"):
    try:
        result, report = toolkit_measure.credit_estimate(body)
    except ValueError as e:
        raise _invalid(e) from None
    _record_use(session, "credits", body.country_iso3)
    if fmt == "csv":
        return _csv(pd.DataFrame(result["lines"]), "credits")
    if fmt == "pdf":
        return _pdf(toolkit_measure.report_pdf(report), "credits-report")
    return _jsonable(result)


# --- examples -------------------------------------------------------------------------------------------


@router.get("/examples/{calculator}", summary="A filled example input of a calculator")
def example(calculator: Literal["rothc", "balance", "stocks", "sampling", "credits"]):
    return EXAMPLES[calculator]()
