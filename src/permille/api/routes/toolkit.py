"""The online toolkit (objective B4) over HTTP: routing, validation and usage counting; the calculators are
:mod:`permille.toolkit` and run in the app's worker processes (:class:`permille.toolkit.pool.ComputePool`),
so that reads never wait behind them. Each answers JSON, ``?format=csv`` and, where a report exists,
``?format=pdf``; limits per request: :mod:`permille.toolkit.limits` (422 naming the limit). A request
naming ``country_iso3`` counts as a use of the country (:func:`permille.registry.usage.record_use`: once
per calculator, user or client, and day).
"""

import asyncio
import json
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ... import i18n
from ...registry.usage import record_use
from ...toolkit import examples
from ...toolkit.answers import Refused
from ...toolkit.fairness import QueueFull
from ...toolkit.pool import BudgetExceeded, PoolUnavailable
from ...toolkit.schemas import BalanceIn, CreditsIn, RothcScenarioIn, SamplingIn, StocksIn
from ...validation_messages import validation_message
from ..boundary import MAX_JSON_DEPTH, json_depth
from ..deps import LanguageDep, SessionDep, UserDep
from ..errors import ERROR_RESPONSES, ApiError, error_response, invalid, request_language

router = APIRouter(prefix="/toolkit", tags=["toolkit"], responses=ERROR_RESPONSES)
TABLE = {200: {"content": {"application/json": {}, "text/csv": {}}}}
REPORT = {200: {"content": {"application/json": {}, "text/csv": {}, "application/pdf": {}}}}

MAX_MAPPING_CHARS = 10_000
"""Characters of the stocks calculator's ``mapping`` form field (a column mapping is a few hundred)."""

TableFormat = Annotated[Literal["json", "csv"], Query(alias="format", description="json or csv")]
ReportFormat = Annotated[Literal["json", "csv", "pdf"], Query(alias="format", description="json, csv or pdf")]
ReportLanguage = Annotated[
    Literal["en", "fr", "es"], Query(alias="lang", description="language of the PDF report")
]


DISCONNECT_POLL_S = 0.5
"""Seconds between two checks of whether the client of a calculation has hung up."""


async def _unless_disconnected(request: Request, calculation):
    """The result of ``calculation``, cancelled when the client hangs up (checked every
    :data:`DISCONNECT_POLL_S`): a waiting calculation leaves the queue, a running one is stopped in its
    worker process (:meth:`permille.toolkit.pool.ComputePool.run`)."""
    task = asyncio.ensure_future(calculation)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL_S)
            if done:
                return task.result()
            if await request.is_disconnected():
                task.cancel()
                await asyncio.wait({task})  # until the pool has stopped the calculation and freed its place
                raise ApiError(499, "the client closed the connection", code="client_closed")
    finally:
        if not task.done():
            task.cancel()


async def _calculate(request: Request, session, user, calculator: str, country_iso3: str | None, *args):
    """Run ``calculator`` in the worker pool, count the use, and answer JSON or the file."""
    client = f"user {user.id}" if user else f"address {request.client.host if request.client else ''}"
    try:
        answer = await _unless_disconnected(
            request, request.app.state.toolkit.run(calculator, *args, client=client)
        )
    except QueueFull as e:
        headers = {"Retry-After": str(e.retry_after_s)}
        message = i18n.render(e.args[0], request_language(request))
        return error_response(503, message, code="busy", headers=headers)
    except Refused as e:
        raise ApiError(422, e.message, e.details, code=e.code) from None
    except BudgetExceeded as e:
        raise ApiError(422, e.message, code="too_much_work") from None
    except PoolUnavailable as e:
        raise ApiError(503, e.args[0]) from None
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
        return i18n.localized(answer.data, request_language(request))
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
        details.append(
            {
                "loc": ["depths_cm"],
                "message": i18n.Text("{value}: give depths in cm, e.g. 30,50", value=repr(depths_cm)),
            }
        )
    if mapping and len(mapping) > MAX_MAPPING_CHARS:
        details.append(
            {
                "loc": ["mapping"],
                "message": i18n.Text("longer than {most} characters", most=i18n.Number(MAX_MAPPING_CHARS, 0)),
            }
        )
    elif mapping and (depth := json_depth(mapping.encode())) > MAX_JSON_DEPTH:
        details.append(
            {
                "loc": ["mapping"],
                "message": i18n.Text(
                    "nested {depth} levels; at most {most}", depth=depth, most=MAX_JSON_DEPTH
                ),
            }
        )
    elif mapping:
        try:
            raw["mapping"] = json.loads(mapping)
        except json.JSONDecodeError as e:
            details.append(
                {"loc": ["mapping"], "message": i18n.Text("not valid JSON: {error}", error=str(e))}
            )
    try:
        options = StocksIn.model_validate(raw)
    except ValidationError as e:
        details += [
            {"loc": [str(x) for x in err["loc"]], "message": validation_message(err)} for err in e.errors()
        ]
    if details:
        raise invalid(details)
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
        raise ApiError(413, i18n.Text("the file is larger than {n} bytes", n=limit))
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


@router.get(
    "/site-inputs", summary="Climate, IPCC climate zone, SOC, clay and land cover at a point, with sources"
)
async def site_inputs(
    lat: Annotated[float, Query(description="latitude, degrees north (WGS 84), −90 … 90")],
    lon: Annotated[float, Query(description="longitude, degrees east (WGS 84), −180 … 180")],
    lang: LanguageDep,
) -> dict:
    """The values of the bundled layers in the cells holding the point (:mod:`permille.toolkit.site_inputs`),
    each with units and source (the layers' titles in the reader's language): 422 naming the field for a
    point out of range or over the sea."""
    from ...toolkit import site_inputs as site  # rasterio: loaded on first use

    try:
        return i18n.localized(await run_in_threadpool(site.site_inputs, lat, lon), lang)
    except site.SiteError as error:
        raise ApiError(422, error.message, [{"loc": [error.field], "message": error.message}]) from None


FORMS = {"rothc": RothcScenarioIn, "balance": BalanceIn, "sampling": SamplingIn, "credits": CreditsIn}


@router.get("/forms/{calculator}", summary="The JSON Schema of a calculator's request, and its example in it")
def form(calculator: Literal["rothc", "balance", "sampling", "credits"]) -> dict:
    """What the page's form renderer (``web/static/js/forms.js``) draws the calculator's form from: the
    request's JSON Schema and the example with every category written as the schema's value."""
    model = FORMS[calculator]
    example_in = model.model_validate(examples.EXAMPLES[calculator]())
    return {
        "schema": model.model_json_schema(),
        "example": example_in.model_dump(mode="json", exclude_none=True),
    }


@router.get("/examples/{calculator}", summary="A filled example input of a calculator")
def example(calculator: Literal["rothc", "balance", "stocks", "sampling", "credits"]):
    return examples.EXAMPLES[calculator]()
