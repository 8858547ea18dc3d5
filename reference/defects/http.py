"""Mutants of the responses: content types, error bodies, stack traces, answers that never come."""

from __future__ import annotations

import asyncio
import json
import traceback
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from reference.server import ApiError, OrgToken, Server, TenantKey
from reference.variants import Step, patch

UNAUTHORIZED_PAGE = "<html><head><title>401 Authorization Required</title></head><body><h1>401</h1></body></html>"


@patch("content-type-missing", wraps=Server.respond_json)
def content_type_missing(self: Server, respond_json: Step, body: Any, status: int = 200,
                         headers: dict[str, str] | None = None) -> Response:
    if status == 200:
        return Response(json.dumps(body), status, headers=headers)  # a bare Response has no Content-Type
    return respond_json(body, status, headers)


@patch("errors-plain-text", replaces=Server.respond_error)
def errors_plain_text(self: Server, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message, status, headers=headers)  # Starlette's default HTTPException answer


@patch("auth-errors-html", wraps=Server.respond_error)
def auth_errors_html(self: Server, respond_error: Step, status: int, message: str,
                     headers: dict[str, str] | None = None) -> Response:
    if status == 401:
        return HTMLResponse(UNAUTHORIZED_PAGE, status, headers=headers)  # answered by the auth gateway
    return respond_error(status, message, headers)


@patch("error-body-string", replaces=TenantKey.error_body)
def error_body_string(self: TenantKey, status: int, message: str) -> Any:
    return message  # `JSONResponse(message)`: valid JSON, but not an object


@patch("org-error-code-int", wraps=OrgToken.error_body)
def error_code_int(self: OrgToken, error_body: Step, status: int, message: str) -> Any:
    return error_body(status, message) | {"code": status}  # a number among the strings


@patch("org-error-details-null", wraps=OrgToken.error_body)
def error_details_null(self: OrgToken, error_body: Step, status: int, message: str) -> Any:
    return error_body(status, message) | {"details": None}  # Go's `Details *string` without omitempty


@patch("stack-trace", replaces=Server.reject)
def stack_trace(self: Server, error: ApiError) -> Response:
    return self.respond_error(error.status, error.message + "\n" + traceback.format_exc())  # debug left on


def never_answered(when: Callable[[Server, Request, Response], bool]) -> Step:
    """The answer is held back for an hour where `when` holds: the suite must time out instead of hanging."""
    async def answer(self: Server, right: Step, request: Request) -> Response:
        response = await right(request)
        if when(self, request, response):
            await asyncio.sleep(3600)
        return response

    return answer


def a_page_from_200_on(server: Server, request: Request, response: Response) -> bool:
    return response.status_code == 200 and server.parse_query(request.query_params).offset >= 200


def permission_denied(server: Server, request: Request, response: Response) -> bool:
    return response.status_code == 403  # the audit write of a denial waits on a queue nobody drains


patch("hang", wraps=Server.answer)(never_answered(a_page_from_200_on))
patch("org-hang", wraps=Server.answer)(never_answered(permission_denied))


GO_PANIC = """panic: strconv.ParseInt: parsing "{raw}": value out of range

goroutine 42 [running]:
main.(*Handler).messages(0xc0001a2000, {{0x7f3a9c, 0xc0000b4000}}, 0xc0000c6100)
\t/app/internal/api/messages.go:87 +0x1d4
"""


@patch("go-panic-500", wraps=Server.answer)
async def go_panic_500(self: Server, answer: Step, request: Request) -> Response:
    """A number beyond 64 bits panics the handler; the recovery middleware writes the panic out (debug on)."""
    for raw in [*request.query_params.values(), *request.path_params.values()]:
        if raw.isdigit() and int(raw) >= 2**63:
            return PlainTextResponse(GO_PANIC.format(raw=raw), 500)
    return await answer(request)


@patch("org-sql-error-text", wraps=OrgToken.reject)
def sql_error_text(self: OrgToken, reject: Step, error: ApiError) -> Response:
    if error.status == 400:  # the database's complaint passed through as the message
        return self.respond_error(400, 'pq: invalid input syntax for type bigint: "chat id"')
    return reject(error)
