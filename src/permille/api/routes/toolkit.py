"""The online toolkit (objective B4) over HTTP: routing, validation and usage counting; the calculators are
:mod:`permille.toolkit` and run in the app's worker processes (:class:`permille.toolkit.pool.ComputePool`),
so that reads never wait behind them. Each answers JSON, ``?format=csv`` and, where a report exists,
``?format=pdf``; limits per request: :mod:`permille.toolkit.limits` (422 naming the limit). A request
naming ``country_iso3`` counts as a use of the country (:func:`permille.registry.usage.record_use`: once
per calculator, user or client, and day).
"""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ...registry.usage import record_use
from ...toolkit import examples
from ...toolkit.answers import Refused
from ...toolkit.pool import PoolUnavailable
from ...toolkit.schemas import BalanceIn, CreditsIn, RothcScenarioIn, SamplingIn, StocksIn
from ..deps import SessionDep, UserDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/toolkit", tags=["toolkit"], responses=ERROR_RESPONSES)
TABLE = {200: {"content": {"application/json": {}, "text/csv": {}}}}
REPORT = {200: {"content": {"application/json": {}, "text/csv": {}, "application/pdf": {}}}}

TableFormat = Annotated[Literal["json", "csv"], Query(alias="format", description="json or csv")]
ReportFormat = Annotated[Literal["json", "csv", "pdf"], Query(alias="format", description="json, csv or pdf")]
ReportLanguage = Annotated[Literal["en", "fr", "es"], Query(alias="lang", description="language of the PDF report")]


async def _calculate(request: Request, session, user, calculator: str, country_iso3: str | None, *args):
    """Run ``calculator`` in the worker pool, count the use, and answer JSON or the file."""
    try:
        answer = await request.app.state.toolkit.run(calculator, *args)
    except Refused as e:
        raise ApiError(422, e.message, e.details, code=e.code) from None
    except PoolUnavailable as e:
        raise ApiError(503, str(e)) from None
    await run_in_threadpool(
        record_use,
        session,
        calculator,
        country_iso3,
        user_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
        client_address=request.client.host if request.client else None,
    )
    if answer.data is not None:
        return answer.data
    return Response(
        answer.content,
        media_type=answer.media_type,
        headers={"Content-Disposition": f'attachment; filename="{answer.filename}"'},
    )


@router.post(
    "/rothc", responses=TABLE, summary="RothC scenario for a site: yearly stocks of baseline and scenario, 4‰"
)
async def rothc_scenario(
    body: RothcScenarioIn, request: Request, session: SessionDep, user: UserDep, fmt: TableFormat = "json"
):
    return await _calculate(request, session, user, "rothc", body.country_iso3, body, fmt)


@router.post(
    "/balance",
    responses=REPORT,
    summary="Project soil carbon balance: IPCC Tier 1, Tier 2 and RothC, Monte Carlo",
)
async def project_balance(
    body: BalanceIn,
    request: Request,
    session: SessionDep,
    user: UserDep,
    fmt: ReportFormat = "json",
    lang: ReportLanguage = "en",
):
    return await _calculate(request, session, user, "balance", body.country_iso3, body, fmt, lang)


def _stocks_options(mapping: str | None, depths_cm: str, method: str, country_iso3: str | None) -> StocksIn:
    """The form fields as :class:`~permille.toolkit.schemas.StocksIn` (422 listing every bad field)."""
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
        options = StocksIn.model_validate(raw)
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
    user: UserDep,
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
    name = file.filename or "upload.csv"
    return await _calculate(
        request, session, user, "stocks", options.country_iso3, content, name, options, fmt
    )


@router.post(
    "/sampling", responses=TABLE, summary="Sample size for a minimum detectable difference, Neyman allocation"
)
async def sampling_design(
    body: SamplingIn, request: Request, session: SessionDep, user: UserDep, fmt: TableFormat = "json"
):
    return await _calculate(request, session, user, "sampling", body.country_iso3, body, fmt)


@router.post("/credits", responses=REPORT, summary="Credits under a scheme profile from SOC change estimates")
async def credit_estimate(
    body: CreditsIn,
    request: Request,
    session: SessionDep,
    user: UserDep,
    fmt: ReportFormat = "json",
    lang: ReportLanguage = "en",
):
    return await _calculate(request, session, user, "credits", body.country_iso3, body, fmt, lang)


@router.get("/examples/{calculator}", summary="A filled example input of a calculator")
def example(calculator: Literal["rothc", "balance", "stocks", "sampling", "credits"]):
    return examples.EXAMPLES[calculator]()
