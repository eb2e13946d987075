"""Every HTTP error of the server is JSON: ``{"error": "<kind>", "detail": ...}``.

Bad input is the client's fault and gets a 4xx (``ChannelError.status``); unknown
routes and methods get Starlette's 404/405 in the same shape. A failing store is
503 (retry later); any other dialog failure inside a turn is 500.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dialog.errors import ChannelError, DialogError, StoreError

__all__ = ["ERROR_KINDS", "error_response", "exception_handlers"]

logger = logging.getLogger(__name__)

ERROR_KINDS = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    500: "internal_error",
    503: "unavailable",
}


def error_response(status: int, detail: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    kind = ERROR_KINDS.get(status, "client_error" if status < 500 else "server_error")
    return JSONResponse({"error": kind, "detail": detail}, status_code=status, headers=headers)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, exc.detail, headers)


async def _channel_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ChannelError)
    return error_response(exc.status, str(exc))


async def _dialog_error(request: Request, exc: Exception) -> Response:
    # the details (file paths, config text, URLs) go to the server log, never into the body
    if isinstance(exc, StoreError):
        logger.error("conversation store failed on %s: %s", request.url.path, exc)
        return error_response(503, "the conversation store is unavailable; try again later")
    logger.error("turn failed on %s: %s", request.url.path, exc.show() if isinstance(exc, DialogError) else exc)
    return error_response(500, "the bot could not handle this message; see the server log")


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Starlette calls this for exceptions nothing else handled (a bug): keep the JSON shape.
    logger.exception("unexpected error on %s", request.url.path, exc_info=exc)
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.count_error(500)
    return error_response(500, "unexpected server error; see the server log")


def exception_handlers() -> dict[Any, Any]:
    return {
        HTTPException: _http_exception,
        ChannelError: _channel_error,
        DialogError: _dialog_error,
        500: _unexpected,
    }
