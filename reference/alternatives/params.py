"""Variations of reading the request: limit=0, empty values, malformed, negative and impossible chat ids, the
order and its letter case, which check comes first."""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.datastructures import QueryParams
from starlette.requests import Request

from conformance.dataset import ChatId
from conformance.parameters import MAX_LIMIT
from reference.server import ApiError, OrgToken, Server, TenantKey
from reference.store import INT64_MAX, Scope, Window
from reference.variants import Step, patch

SIGNED = re.compile(r"-?[0-9]+")


@patch("limit-zero-empty", replaces=TenantKey.check_limit)
def limit_from_zero(self: TenantKey, value: int | None) -> int:
    if value is None or not 0 <= value <= MAX_LIMIT:
        raise ApiError(400, "limit must be an integer between 0 and 100")
    return value


@patch("repeated-limit-default", wraps=TenantKey.parse_query)
def repeated_parameter_default(self: TenantKey, parse_query: Step, params: QueryParams) -> Window:
    # Express: ?limit=5&limit=500 is the array ["5", "500"], and `Number(array) || 50` the default
    if len(params.getlist("limit")) > 1:
        params = QueryParams([(k, v) for k, v in params.multi_items() if k != "limit"])
    return parse_query(params)


@patch("malformed-id-404", wraps=Server.parse_chat_id)
def malformed_id_looked_up(self: TenantKey, parse_chat_id: Step, raw: str) -> ChatId:
    try:
        return parse_chat_id(raw)
    except ApiError:
        return raw  # looked up as written, it names no chat: 404, once the query has been checked


@patch("empty-limit-default", wraps=TenantKey.parse_query)
def empty_value_absent(self: TenantKey, parse_query: Step, params: QueryParams) -> Window:
    return parse_query(QueryParams({name: value for name, value in params.items() if value != ""}))


@patch("org-newest-first", wraps=OrgToken.parse_query)
def newest_first(self: OrgToken, parse_query: Step, params: QueryParams) -> Window:
    return replace(parse_query(params), order="desc")


@patch("org-negative-id-404", wraps=Server.parse_chat_id)
def negative_id_looked_up(self: OrgToken, parse_chat_id: Step, raw: str) -> ChatId:
    return int(raw) if SIGNED.fullmatch(raw) else parse_chat_id(raw)


@patch("order-case-insensitive", wraps=TenantKey.parse_order)
def order_any_case(self: TenantKey, parse_order: Step, raw: str | None) -> str:
    return parse_order(None if raw is None else raw.lower())


@patch("validate-query-first", replaces=Server.admit)
def query_before_chat(self: Server, request: Request) -> tuple[Scope, Window]:
    # the credential (401), then the query (400), and only then the chat id (400) and the chat (404)
    tenant = self.authenticate(request)
    window = self.parse_query(request.query_params)
    chat_id = self.parse_chat_id(self.raw_chat_id(request))
    return self.find_chat(chat_id, tenant), window


@patch("org-invalid-id-400", wraps=Server.parse_chat_id)
def impossible_id_refused(self: OrgToken, parse_chat_id: Step, raw: str) -> ChatId:
    chat_id = parse_chat_id(raw)  # digits only: a negative id is already refused
    if not 1 <= chat_id <= INT64_MAX:  # ids are positive 64-bit integers (a BIGINT key)
        raise ApiError(400, self.path_chat_id.malformed)
    return chat_id
