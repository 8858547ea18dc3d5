"""Variations of the responses: error bodies, headers, compression."""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import JSONResponse, Response

from reference.server import ApiError, OrgToken, Server, TenantKey
from reference.variants import Step, patch, returns


@patch("error-shape", replaces=TenantKey.error_body)
def error_object(self: TenantKey, status: int, message: str) -> Any:
    return {"error": {"code": status, "message": message}}


@patch("org-error-extra-fields", wraps=OrgToken.error_body)
def error_with_request_id(self: OrgToken, error_body: Step, status: int, message: str) -> Any:
    return error_body(status, message) | {"status": str(status), "request_id": "req-7f3a9c"}  # strings all


@patch("org-www-authenticate", wraps=Server.reject)
def bearer_challenge(self: Server, reject: Step, error: ApiError) -> Response:
    if error.status == 401:
        return self.respond_error(error.status, error.message, {"WWW-Authenticate": "Bearer"})
    return reject(error)


@patch("charset", replaces=Server.respond_json)
def with_charset(self: Server, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status, headers=headers, media_type="application/json; charset=utf-8")


@patch("connection-close", wraps=Server.respond_json)
def connection_close(self: Server, respond_json: Step, body: Any, status: int = 200,
                     headers: dict[str, str] | None = None) -> Response:
    return respond_json(body, status, {**(headers or {}), "Connection": "close"})


patch("gzip", replaces=Server.middleware)(returns([Middleware(GZipMiddleware, minimum_size=0)]))
