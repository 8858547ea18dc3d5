"""Variations of reading the request: limit=0, empty values, malformed and negative chat ids, the order."""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.datastructures import QueryParams

from conformance.dataset import ChatId
from reference.server import MAX_LIMIT, ApiError, OrgToken, Server, TenantKey
from reference.store import Window
from reference.variants import Step, patch

SIGNED = re.compile(r"-?[0-9]+")


@patch("limit-zero-empty", replaces=TenantKey.check_limit)
def limit_from_zero(self: TenantKey, value: int | None) -> int:
    if value is None or not 0 <= value <= MAX_LIMIT:
        raise ApiError(400, "limit must be an integer between 0 and 100")
    return value


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
