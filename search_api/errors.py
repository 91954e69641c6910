"""One JSON error shape for every failure: `{"error": {"code": ..., "message": ...}}`. No traceback leaves."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("search_api")

_STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
                 413: "too_large", 415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests",
                 503: "unavailable"}


class ErrorDetail(BaseModel):
    code: str  # machine-readable: invalid_request, unknown_document, no_such_page, index_unavailable, ...
    message: str  # what is wrong, for a person
    details: list[dict[str, Any]] | None = None  # per-parameter problems for validation errors


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """Raise from an endpoint to answer `status` with a clear message."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _where(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "path", "header", "body", "cookie"):
        kind = {"query": "query parameter", "path": "path parameter"}.get(parts[0], parts[0])
        return f"{kind} {'.'.join(parts[1:])!r}" if len(parts) > 1 else kind
    return ".".join(parts) or "request"


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = []
    for err in exc.errors():
        where = _where(err.get("loc", ()))
        msg = str(err.get("msg", "invalid value"))
        if err.get("type") == "missing":
            msg = "is required"
        details.append({"parameter": where, "problem": msg})
    message = "; ".join(f"{d['parameter']}: {d['problem']}" for d in details) or "the request is not valid"
    return message, details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        message, details = _validation_message(exc)
        return error_response(422, "invalid_request", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"no such endpoint: {request.url.path}; see /docs for the API"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed here; this API is read-only (GET)"
        else:
            message = str(exc.detail)
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "internal server error; it has been logged")


#: `responses=` for routes: documents the error shape in the OpenAPI schema.
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Unknown document, page or table"},
    422: {"model": ErrorResponse, "description": "A parameter is missing or not valid"},
    500: {"model": ErrorResponse, "description": "Internal error (logged; no details are given)"},
    503: {"model": ErrorResponse, "description": "The index or the answer module is not available"},
}
