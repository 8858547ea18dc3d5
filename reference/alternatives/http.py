"""Variations of the responses: error bodies, headers, compression, a rate limit."""

from __future__ import annotations

import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
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


# ---------------------------------------------------------------- RFC 9457 problem details (Spring Boot 3's default)

PROBLEM_JSON = "application/problem+json"


@patch("problem-json-errors", replaces=Server.respond_error)
def problem_details(self: Server, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    # org-token's error bodies hold strings only (seed 002: "* string"), so there the status is written as one
    problem = {"type": "about:blank", "title": HTTPStatus(status).phrase,
               "status": str(status) if isinstance(self, OrgToken) else status, "detail": message}
    return JSONResponse(problem, status, headers=headers, media_type=PROBLEM_JSON)


# ---------------------------------------------------------------- errors as many stacks write them by default


@patch("text-plain-errors", replaces=Server.respond_error)
def text_plain_error(self: Server, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    # Go's http.Error(w, msg, code): the message and a newline, text/plain, nosniff
    return Response(message + "\n", status, headers={**(headers or {}), "X-Content-Type-Options": "nosniff"},
                    media_type="text/plain; charset=utf-8")


@patch("empty-errors", replaces=Server.respond_error)
def empty_error(self: Server, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    # Rails' head :unauthorized, Express's res.sendStatus, an auth_request 401 of a gateway: the status alone
    return Response(b"", status, headers=headers)


# ---------------------------------------------------------------- a rate limit: a token bucket per client address

RATE_PER_SECOND, BURST = 40.0, 20.0
TOO_MANY = "Too many requests; retry after 1 second"


@dataclass
class Bucket:
    """A token bucket: `burst` tokens at most, refilled at `rate` per second; a request takes one."""

    rate: float
    burst: float
    tokens: float
    at: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@patch("rate-limited", wraps=Server.answer)
async def rate_limited(self: Server, answer: Step, request: Request) -> Response:
    buckets: dict[str, Bucket] = self.__dict__.setdefault("buckets", {})
    client = request.client.host if request.client else ""
    now = time.monotonic()
    bucket = buckets.setdefault(client, Bucket(RATE_PER_SECOND, BURST, BURST, now))
    if not bucket.take(now):
        return self.respond_error(429, TOO_MANY, {"Retry-After": "1"})
    return await answer(request)
