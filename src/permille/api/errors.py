"""One error body for every 4xx and 5xx: ``{"error": {"code", "message", "details": [...]}}``, the message
in the request's language (``?lang=``, else ``Accept-Language``; :mod:`permille.i18n`) when the catalogue
has it."""

import logging
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from .. import i18n
from ..registry import service
from ..validation_messages import validation_message
from .boundary import SECURITY_HEADERS

_log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    503: "busy",
}
BUSY_RETRY_AFTER_S = 5
"""Seconds a client is asked to wait (``Retry-After``) when every database connection stayed taken for
the pool's timeout (an overloaded server: 503, not 500)."""

_REGISTRY_STATUS: dict[type[service.RegistryError], int] = {
    service.NotFound: 404,
    service.Unauthenticated: 401,
    service.Forbidden: 403,
    service.Conflict: 409,
    service.Invalid: 422,
    service.TooLarge: 413,
    service.UnsupportedType: 415,
}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorBody, "description": CODES[status]}
    for status in (400, 401, 403, 404, 409, 413, 415, 422)
}
"""The error answers a router documents in the OpenAPI schema."""


class ApiError(Exception):
    """An error answered with ``status`` and the common body; ``message`` (a catalogue message id or an
    :class:`permille.i18n.Text`) is answered in the request's language."""

    def __init__(self, status: int, message: str, details: list | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.details = status, message, details or []
        self.code = code or CODES.get(status, "error")


def invalid(details: list) -> ApiError:
    """The 422 error of a request with these ``details`` (``{loc, message, type}``)."""
    text = i18n.Text(
        "the request is not valid: {n} problem", "the request is not valid: {n} problems", n=len(details)
    )
    return ApiError(422, text, details)


def request_language(request: Request) -> str:
    """The language of the request's answers: ``?lang=``, else ``Accept-Language``, else English."""
    return i18n.accepted_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def error_response(
    status: int, message: str, details: list | None = None, code: str | None = None, headers=None
) -> JSONResponse:
    body = {
        "error": {"code": code or CODES.get(status, "error"), "message": message, "details": details or []}
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "message": validation_message(e),
            "type": e.get("type", ""),
        }
        for e in errors
    ]


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the common body."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        lang = request_language(request)
        details = i18n.localized(exc.details, lang)
        return error_response(exc.status, i18n.render(exc.message, lang), details, exc.code, headers)

    @app.exception_handler(service.RegistryError)
    async def _registry_error(request: Request, exc: service.RegistryError):
        status = next(s for cls, s in _REGISTRY_STATUS.items() if isinstance(exc, cls))
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        lang = request_language(request)
        message = i18n.render(exc.args[0] if exc.args else str(exc), lang)
        return error_response(status, message, i18n.localized(exc.details, lang), headers=headers)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
        message = i18n.render(message, request_language(request))
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError):
        error = invalid(_validation_details(exc.errors()))
        lang = request_language(request)
        return error_response(422, i18n.render(error.message, lang), i18n.localized(error.details, lang))

    @app.exception_handler(sqlalchemy.exc.TimeoutError)
    async def _busy(request: Request, _exc: sqlalchemy.exc.TimeoutError):
        _log.warning("no database connection became free in time: answered 503")
        headers = {"Retry-After": str(BUSY_RETRY_AFTER_S)}
        message = i18n.gettext(request_language(request), "the server is busy; try again in a few seconds")
        return error_response(503, message, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        _log.exception("unexpected error", exc_info=exc)
        # answered by the outermost (server error) middleware, outside SecurityHeaders: they are added here
        headers = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}
        message = i18n.gettext(request_language(request), "internal error; the request was not completed")
        return error_response(500, message, headers=headers)
