"""The reference server: GET /api/v1/chats/{id}/messages for either profile.

It answers every request with JSON, including unknown paths, other methods
and crashes, and never 422. Mutants and variations are `switches.on(...)`
hooks next to the line each one changes.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import traceback
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from conformance.dataset import Dataset
from conformance.profiles import check_profile
from reference.store import Store
from reference.variants import Switches, choose

Endpoint = Callable[[Request], Awaitable[Response]]

DIGITS = re.compile(r"[0-9]+")  # not str.isdigit, which takes '²' and Arabic-Indic digits
SIGNED = re.compile(r"-?[0-9]+")
UNAUTHORIZED_PAGE = "<html><head><title>401 Authorization Required</title></head><body><h1>401</h1></body></html>"
UUID_FORM = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Query:
    offset: int = 0
    limit: int = 50
    order: str = "asc"


@dataclass(frozen=True)
class Responder:
    """Builds every response, so headers and error shapes are decided in one place."""

    profile: str
    switches: Switches

    def json(self, body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        headers = dict(headers or {})
        if self.switches.on("connection-close") or self.switches.on("org-connection-close"):
            headers["Connection"] = "close"
        charset = "; charset=utf-8" if self.switches.on("charset") or self.switches.on("org-charset") else ""
        if status == 200 and (self.switches.on("content-type-missing") or self.switches.on("org-content-type-missing")):
            return Response(json.dumps(body), status, headers=headers)  # a bare Response has no Content-Type
        return JSONResponse(body, status, headers=headers, media_type="application/json" + charset)

    def error(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
        if self.switches.on("errors-plain-text") or self.switches.on("org-errors-plain-text"):
            return PlainTextResponse(message, status, headers=headers)  # Starlette's default HTTPException answer
        if status == 401 and self.switches.on("auth-errors-html"):
            return HTMLResponse(UNAUTHORIZED_PAGE, status, headers=headers)  # answered by the auth gateway
        body: Any
        if self.profile == "org-token":
            body = {"error": message} | org_error_extras(status, self.switches)
        elif self.switches.on("error-shape"):
            body = {"error": {"code": status, "message": message}}
        elif self.switches.on("error-body-string"):
            body = message  # `JSONResponse(message)`: valid JSON, but not an object
        else:
            body = {"detail": message}
        return self.json(body, status, headers)


# ---------------------------------------------------------------- tenant-key


def parse_chat_id(raw: str, switches: Switches) -> str | None:
    """The canonical (lower-case) UUID; None means "no such chat".

    Upper-case hex is the same UUID, so it finds the chat. Other spellings
    uuid.UUID accepts (no hyphens, braces, urn:uuid:) are malformed here.
    """
    if switches.on("malformed-id-500"):
        return str(uuid.UUID(raw))  # no pattern check: uuid.UUID's ValueError becomes a 500
    if UUID_FORM.fullmatch(raw):
        return str(uuid.UUID(raw))
    if switches.on("malformed-id-404"):
        return None
    raise ApiError(400, "chat_id must be a UUID, e.g. a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")


def integer(raw: str, switches: Switches, signed: bool = False) -> int | None:
    """raw as an integer written in ASCII digits (with a sign if `signed`), else None."""
    if switches.on("empty-value-500"):
        return int(raw) if re.fullmatch(r"[0-9]*", raw) else None  # `*` for `+`: int("") raises, a 500
    return int(raw) if (SIGNED if signed else DIGITS).fullmatch(raw) else None


def parse_offset(raw: str | None, switches: Switches) -> int:
    if raw is None:
        return Query.offset
    if switches.on("offset-non-integer-500"):
        return int(raw)  # no check: 'abc' raises ValueError (a 500), and SQLite reads -1 as 0
    lowest = -math.inf if switches.on("offset-negative-from-end") else 0
    if switches.on("offset-zero-rejected"):
        lowest = 1  # `offset > 0` where `offset >= 0` was meant
    value = integer(raw, switches, signed=lowest < 0)
    if value is None or value < lowest:
        raise ApiError(400, "offset must be a non-negative integer")
    return value


def parse_limit(raw: str | None, switches: Switches) -> int:
    if raw is None:
        return 20 if switches.on("default-limit-20") else Query.limit
    lowest = 1
    if switches.on("limit-zero-empty") or switches.on("limit-zero-500") or switches.on("empty-value-zero"):
        lowest = 0
    highest = math.inf if switches.on("limit-not-capped") or switches.on("limit-clamped") else 100
    if switches.on("limit-cap-off-by-one"):
        highest = 99  # `limit < 100` where `limit <= 100` was meant
    if switches.on("limit-non-integer-500") or switches.on("limit-negative-unbounded"):
        lowest = -math.inf  # only `limit > 100` is checked; SQLite's LIMIT -1 means no limit
    if switches.on("limit-non-integer-500"):
        value: int | None = int(raw)  # no pattern check: 'abc' and '1.5' raise ValueError, a 500
    elif switches.on("limit-float-truncated"):
        value = float_truncated(raw)
    else:
        value = integer(raw, switches, signed=lowest < 0)
    if value is not None and value > 100 and switches.on("limit-above-max-422"):
        raise ApiError(422, "limit: ensure this value is less than or equal to 100")
    if value is None or not lowest <= value <= highest:
        raise ApiError(400, f"limit must be an integer between {lowest} and 100")
    return min(value, 100) if switches.on("limit-clamped") else value


def float_truncated(raw: str) -> int | None:
    """int(float(raw)): '1.5' is 1; '1e309' is inf, whose int() raises OverflowError (a 500)."""
    try:
        return int(float(raw))
    except ValueError:
        return None


def parse_order(raw: str | None, switches: Switches) -> str:
    if raw is None:
        return "desc" if switches.on("default-order-desc") else Query.order
    if raw not in ("asc", "desc"):
        if switches.on("order-invalid-default"):
            return Query.order  # `"desc" if order == "desc" else "asc"`
        raise ApiError(422 if switches.on("order-enum-422") else 400, "order must be 'asc' or 'desc'")
    return raw


def parse_query(params: QueryParams, switches: Switches) -> Query:
    # A repeated parameter takes its last value (what QueryParams.get gives), as most frameworks do.
    def given(name: str) -> str | None:
        value = params.get(name)
        if value == "" and switches.on("empty-value-zero"):
            return "0"  # `int(value or 0)`
        return None if value == "" and switches.on("empty-limit-default") else value

    return Query(
        offset=parse_offset(given("offset"), switches),
        limit=parse_limit(given("limit"), switches),
        order=parse_order(given("order"), switches),
    )


def tenant_key_endpoint(store: Store, respond: Responder, switches: Switches) -> Endpoint:
    def tenant_of(key: str | None) -> str:
        if key is None and switches.on("missing-key-422"):
            raise ApiError(422, "x-api-key: field required")
        tenant = store.tenant_with_key(key)
        if tenant is None:
            status = 403 if key is not None and switches.on("invalid-key-403") else 401
            raise ApiError(status, "Invalid or missing API key")
        return tenant

    def admit(request: Request) -> tuple[str, str, Query]:
        """The caller's tenant, the chat and the query, checked in this order: key (401), chat id (400),
        query (400), chat of this tenant (404). An ApiError otherwise."""
        raw_id, params, key = request.path_params["chat_id"], request.query_params, request.headers.get("x-api-key")
        if switches.on("order-enum-422"):
            parse_order(params.get("order"), switches)  # the framework checks the enum before the handler runs
        if switches.on("param-error-crashes-without-key"):
            audited_query(params, store.tenant_with_key(key))
        if switches.on("chat-lookup-before-key") and store.owner(parse_chat_id(raw_id, switches)) is None:
            raise ApiError(404, "Chat not found")
        if key is None and switches.on("missing-key-200"):  # "no key: an internal caller", trusted
            tenant = store.owner(parse_chat_id(raw_id, switches)) or tenant_of(key)
        else:
            tenant = tenant_of(key)
        chat_id = parse_chat_id(raw_id, switches)
        query = parse_query(params, switches)
        owner = None if chat_id is None else store.owner(chat_id)
        if owner and owner != tenant and switches.on("foreign-chat-200"):
            tenant = owner  # only existence is checked; the messages are read as the chat's own tenant's
        if owner is None and chat_id is not None and switches.on("unknown-chat-empty-200"):
            owner = tenant  # no existence check: an unknown chat is just a chat without messages
        # another tenant's chat is "not found" too, so ids of others' chats do not leak
        if owner != tenant:
            raise ApiError(403 if owner and switches.on("foreign-chat-403") else 404, "Chat not found")
        return tenant, chat_id, query

    def audited_query(params: QueryParams, tenant: str | None) -> None:
        """Parameters checked before the key, and a rejection logged with the caller's tenant (None: a 500)."""
        try:
            parse_query(params, switches)
        except ApiError as exc:
            raise ApiError(exc.status, f"{exc.message} (tenant {tenant.upper()})") from None  # type: ignore[union-attr]

    async def get_messages(request: Request) -> Response:
        try:
            tenant, chat_id, query = admit(request)
        except ApiError as exc:
            if switches.on("stack-trace"):
                return respond.error(exc.status, exc.message + "\n" + traceback.format_exc())
            return respond.error(exc.status, exc.message)
        if switches.on("hang") and query.offset >= 200:
            await asyncio.sleep(3600)
        total = store.count(chat_id, tenant)
        if total == 0 and switches.on("empty-chat-404"):
            return respond.error(404, "Chat not found")  # `if not total`, meant for a chat that does not exist
        skip = query.offset
        if skip < 0 and switches.on("offset-negative-from-end"):
            skip += total  # Python's negative index
        if switches.on("offset-as-page"):
            skip *= query.limit  # offset read as a page number
        fetch = query.limit + 1 if switches.on("fetch-one-extra") else query.limit  # the extra row is not dropped
        messages = store.page(chat_id, tenant, query.order, fetch, skip)
        if query.offset > 0 and not messages and switches.on("offset-past-end-404"):
            return respond.error(404, "Page not found")
        body = {
            "messages": messages,
            "total": total,
            "offset": query.offset,
            "limit": query.limit,
            "has_more": query.offset + len(messages) < total,
        }
        mutate_envelope(body, query, switches)
        if switches.on("extra-fields"):
            body["next_offset"] = query.offset + len(messages) if body["has_more"] else None
        return respond.json(body)

    return get_messages


def mutate_envelope(body: dict[str, Any], query: Query, switches: Switches) -> None:
    """Mutants of the envelope: each changes one field the way a real server gets it wrong."""
    page_len = len(body["messages"])
    if switches.on("has-more-full-page"):
        body["has_more"] = page_len == query.limit
    if switches.on("has-more-off-by-one"):
        body["has_more"] = query.offset + page_len < body["total"] - 1  # `total - 1`, a last index
    if switches.on("has-more-ignores-offset"):
        body["has_more"] = page_len < body["total"]
    if switches.on("total-page-length"):
        body["total"] = page_len
    if switches.on("offset-echo-next"):
        body["offset"] = query.offset + page_len  # the next page's offset
    if switches.on("limit-echo-page-length"):
        body["limit"] = page_len
    if switches.on("limit-zero-500"):
        body["page"] = query.offset // query.limit + 1  # ZeroDivisionError for limit=0
    if switches.on("total-string"):
        body["total"] = str(body["total"])
    if switches.on("camelcase-envelope"):
        body["hasMore"] = body.pop("has_more")


# ---------------------------------------------------------------- org-token


def token_from(header: str | None) -> str | None:
    """The header's whole value is the token; `Bearer <token>` is accepted too (scheme in any case)."""
    if header is None:
        return None
    scheme, _, rest = header.partition(" ")
    return rest if scheme.lower() == "bearer" and rest else header


def org_error_extras(status: int, switches: Switches) -> dict[str, Any]:
    """Keys some servers add to {"error": ...}."""
    extras: dict[str, Any] = {}
    if switches.on("org-error-extra-fields"):
        extras |= {"status": str(status), "request_id": "req-7f3a9c"}  # strings: still an object of strings
    if switches.on("org-error-code-int"):
        extras["code"] = status  # {"code": 404, "error": ...}: a number among the strings
    if switches.on("org-error-details-null"):
        extras["details"] = None  # Go's `Details *string `json:"details"`` without omitempty
    return extras


def org_chat_id(raw: str, switches: Switches) -> int:
    """The path's chatID as an integer, or an ApiError."""
    if switches.on("org-non-integer-id-500"):
        return int(raw)  # no pattern check: 'abc' raises ValueError, a 500
    if (SIGNED if switches.on("org-negative-id-404") else DIGITS).fullmatch(raw):
        return int(raw)
    if switches.on("org-non-integer-id-422"):
        raise ApiError(422, "chatID: value is not a valid integer")  # the framework's path validation
    if switches.on("org-non-integer-id-404"):
        raise ApiError(404, "Chat not found")  # looked up as text, which names no chat
    raise ApiError(400, "Invalid chat ID")


def org_token_endpoint(store: Store, respond: Responder, switches: Switches) -> Endpoint:
    def organisation_of(header: str | None) -> str:
        token = token_from(header)
        if token is None and switches.on("org-missing-token-403"):
            raise ApiError(403, "Permission denied")  # no organisation in the request: "not allowed"
        organisation = store.tenant_with_key(token)
        if organisation is None:
            raise ApiError(403 if token is not None and switches.on("org-invalid-token-403") else 401, "Unauthorized")
        return organisation

    def admit(request: Request) -> tuple[str, int]:
        """The caller's organisation and the chat, checked in this order: token (401), chat id (400),
        chat exists (404), chat of this organisation (403). An ApiError otherwise."""
        raw, header = request.path_params["chatID"], request.headers.get("authorization")
        if switches.on("org-chat-lookup-before-auth") and store.owner(org_chat_id(raw, switches)) is None:
            raise ApiError(404, "Chat not found")
        if header is None and switches.on("org-missing-token-200"):  # "no token: an internal caller", trusted
            organisation = store.owner(org_chat_id(raw, switches)) or organisation_of(header)
        else:
            organisation = organisation_of(header)
        chat_id = org_chat_id(raw, switches)
        owner = store.owner(chat_id)
        if owner is None and switches.on("org-unknown-chat-empty-200"):
            owner = organisation  # no existence check: an unknown chat is just a chat without messages
        if owner != organisation and switches.on("org-unknown-chat-403"):
            raise ApiError(403, "Permission denied")  # `WHERE id = ? AND org = ?`: unknown and foreign look alike
        if owner is None:
            raise ApiError(404, "Chat not found")
        if owner != organisation and switches.on("org-foreign-chat-200"):
            organisation = owner  # only existence is checked; the messages are read as the owner's
        if owner != organisation:
            if switches.on("org-foreign-chat-404"):
                raise ApiError(404, "Chat not found")  # the tenant-key habit: hide that the chat exists
            raise ApiError(403, "Permission denied")
        return organisation, chat_id

    async def get_messages(request: Request) -> Response:
        try:
            organisation, chat_id = admit(request)
        except ApiError as exc:
            if exc.status == 403 and switches.on("org-hang"):
                await asyncio.sleep(3600)  # the permission-denied audit write waits on a queue nobody drains
            challenge = exc.status == 401 and switches.on("org-www-authenticate")
            return respond.error(exc.status, exc.message, {"WWW-Authenticate": "Bearer"} if challenge else None)
        order = "desc" if switches.on("org-newest-first") else "asc"
        messages = store.page(chat_id, organisation, order, 20 if switches.on("org-first-20") else None)
        if not messages and switches.on("org-empty-chat-404"):
            return respond.error(404, "Chat not found")  # `if not messages`, meant for a chat that does not exist
        if not messages and switches.on("org-empty-chat-204"):
            return Response(status_code=204)  # "nothing to return": No Content, no body, no Content-Type
        if switches.on("org-chat-id-string"):
            messages = [m | {"chat_id": request.path_params["chatID"]} for m in messages]  # the path's text
        if switches.on("org-envelope"):
            return respond.json({"messages": messages})
        return respond.json(messages)  # every message; query ignored

    return get_messages


# ---------------------------------------------------------------- app


def create_app(dataset: Dataset, profile: str, mutant: str | None = None, variation: str | None = None) -> Starlette:
    """Raises UnknownSwitch for a mutant or variation not declared for `profile`."""
    switches = choose(check_profile(profile), mutant, variation)
    respond = Responder(profile, switches)
    store = Store(dataset, switches)
    if profile == "tenant-key":
        route = Route("/api/v1/chats/{chat_id}/messages", tenant_key_endpoint(store, respond, switches), methods=["GET"])
    else:
        endpoint = org_token_endpoint(store, respond, switches)
        route = Route("/api/v1/chats/{chatID}/messages", endpoint, methods=["GET"])

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)  # unknown path (404), other method (405)
        return respond.error(exc.status_code, exc.detail, exc.headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        return respond.error(500, "Internal Server Error")

    compress = switches.on("gzip") or switches.on("org-gzip")
    app = Starlette(
        routes=[route],
        middleware=[Middleware(GZipMiddleware, minimum_size=0)] if compress else [],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.router.redirect_slashes = False  # a redirect would be a non-JSON answer; a trailing slash is a 404
    return app
