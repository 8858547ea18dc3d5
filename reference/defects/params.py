"""Mutants of the query parameters: the limit, the offset, the order, empty values, defaults, repeated and unknown
parameters."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from conformance.parameters import MAX_LIMIT, ORDERS
from reference.alternatives.params import SIGNED, limit_from_zero
from reference.server import BAD_LIMIT, BAD_OFFSET, BAD_ORDER, ApiError, Server, TenantKey
from reference.store import Message, Scope, Store, Window
from reference.variants import Step, patch

# ---------------------------------------------------------------- the limit


@patch("limit-not-capped", replaces=TenantKey.check_limit)
def limit_not_capped(self: TenantKey, value: int | None) -> int:
    if value is None or value < 1:  # only the lower bound
        raise ApiError(400, BAD_LIMIT)
    return value


@patch("limit-clamped", replaces=TenantKey.check_limit)
def limit_clamped(self: TenantKey, value: int | None) -> int:
    return min(limit_not_capped(self, value), MAX_LIMIT)


@patch("limit-above-max-422", wraps=TenantKey.check_limit)
def limit_above_max_422(self: TenantKey, check_limit: Step, value: int | None) -> int:
    if value is not None and value > MAX_LIMIT:  # the framework's validation, before the handler's
        raise ApiError(422, "limit: ensure this value is less than or equal to 100")
    return check_limit(value)


@patch("limit-cap-off-by-one", wraps=TenantKey.check_limit)
def limit_cap_off_by_one(self: TenantKey, check_limit: Step, value: int | None) -> int:
    if value == MAX_LIMIT:  # `limit < 100` where `limit <= 100` was meant
        raise ApiError(400, BAD_LIMIT)
    return check_limit(value)


def capped_only(value: int | None) -> int:
    """Only `limit > 100` is checked (its message says so); SQLite's LIMIT -1 means no limit."""
    if value is None or value > MAX_LIMIT:
        raise ApiError(400, "limit must be an integer between -inf and 100")
    return value


@patch("limit-negative-unbounded", wraps=TenantKey.parse_limit)
def limit_negative_unbounded(self: TenantKey, parse_limit: Step, raw: str | None) -> int:
    return parse_limit(raw) if raw is None else capped_only(int(raw) if SIGNED.fullmatch(raw) else None)


@patch("limit-non-integer-500", wraps=TenantKey.parse_limit)
def limit_non_integer_500(self: TenantKey, parse_limit: Step, raw: str | None) -> int:
    return parse_limit(raw) if raw is None else capped_only(int(raw))  # 'abc' raises ValueError, a 500


@patch("limit-float-truncated", wraps=TenantKey.parse_limit)
def limit_float_truncated(self: TenantKey, parse_limit: Step, raw: str | None) -> int:
    return parse_limit(raw) if raw is None else self.check_limit(float_truncated(raw))


def float_truncated(raw: str) -> int | None:
    """int(float(raw)): '1.5' is 1; '1e309' is inf, whose int() raises OverflowError (a 500)."""
    try:
        return int(float(raw))
    except ValueError:
        return None


# limit-zero-500: limit=0 is accepted, as the variation limit-zero-empty accepts it, and then divided by.
patch("limit-zero-500", replaces=TenantKey.check_limit)(limit_from_zero)


@patch("limit-zero-500", wraps=TenantKey.envelope)
def page_number(self: TenantKey, envelope: Step, window: Window, total: int, messages: list[Message]) -> Any:
    return envelope(window, total, messages) | {"page": window.offset // window.limit + 1}  # ZeroDivisionError


@patch("default-limit-20", wraps=TenantKey.parse_limit)
def default_limit_20(self: TenantKey, parse_limit: Step, raw: str | None) -> int:
    return 20 if raw is None else parse_limit(raw)


# ---------------------------------------------------------------- the offset


@patch("offset-negative-from-end", wraps=TenantKey.parse_offset)
def offset_signed(self: TenantKey, parse_offset: Step, raw: str | None) -> int:
    return int(raw) if raw is not None and SIGNED.fullmatch(raw) else parse_offset(raw)


@patch("offset-negative-from-end", wraps=Store.page)
def offset_from_end(self: Store, page: Step, scope: Scope, window: Window) -> list[Message]:
    if window.offset < 0:
        window = replace(window, offset=window.offset + self.count(scope))  # Python's negative index
    return page(scope, window)


@patch("offset-non-integer-500", wraps=TenantKey.parse_offset)
def offset_non_integer_500(self: TenantKey, parse_offset: Step, raw: str | None) -> int:
    return parse_offset(raw) if raw is None else int(raw)  # 'abc' raises ValueError (a 500); SQLite reads -1 as 0


@patch("offset-zero-rejected", wraps=TenantKey.parse_offset)
def offset_zero_rejected(self: TenantKey, parse_offset: Step, raw: str | None) -> int:
    if raw is not None and self.integer(raw) == 0:  # `offset > 0` where `offset >= 0` was meant
        raise ApiError(400, BAD_OFFSET)
    return parse_offset(raw)


@patch("offset-huge-500", wraps=Store.bounds)
def offset_unclamped(self: Store, bounds: Step, window: Window) -> dict[str, int]:
    return bounds(window) | {"offset": window.offset}  # beyond 64 bits SQLite raises OverflowError


@patch("offset-as-page", wraps=Store.page)
def offset_as_page(self: Store, page: Step, scope: Scope, window: Window) -> list[Message]:
    return page(scope, replace(window, offset=window.offset * window.limit))  # read as a page number


# ---------------------------------------------------------------- the order, and all of them


@patch("order-invalid-default", replaces=TenantKey.parse_order)
def order_invalid_default(self: TenantKey, raw: str | None) -> str:
    return "desc" if raw == "desc" else "asc"


@patch("default-order-desc", wraps=TenantKey.parse_order)
def default_order_desc(self: TenantKey, parse_order: Step, raw: str | None) -> str:
    return "desc" if raw is None else parse_order(raw)


@patch("order-enum-422", wraps=TenantKey.admit)
def order_enum_422(self: TenantKey, admit: Step, request: Request) -> tuple[Scope, Window]:
    order = request.query_params.get("order")
    if order is not None and order not in ORDERS:  # the framework checks the enum before the handler runs
        raise ApiError(422, BAD_ORDER)
    return admit(request)


@patch("param-error-crashes-without-key", wraps=TenantKey.admit)
def param_error_logs_tenant(self: TenantKey, admit: Step, request: Request) -> tuple[Scope, Window]:
    """Parameters checked before the key, and a rejection logged with the caller's tenant (None: a 500)."""
    try:
        self.parse_query(request.query_params)
    except ApiError as error:
        tenant = self.store.tenant_with_key(self.credential(request))
        raise ApiError(error.status, f"{error.message} (tenant {tenant.upper()})") from None  # type: ignore[union-attr]
    return admit(request)


@patch("empty-value-500", replaces=TenantKey.integer)
def empty_value_500(self: TenantKey, raw: str) -> int | None:
    return int(raw) if re.fullmatch(r"[0-9]*", raw) else None  # `*` for `+`: int("") raises, a 500


# empty-value-zero: an empty value is read as int(value or 0), on a server that takes limit=0.
patch("empty-value-zero", replaces=TenantKey.check_limit)(limit_from_zero)


@patch("empty-value-zero", wraps=TenantKey.parse_query)
def empty_value_zero(self: TenantKey, parse_query: Step, params: QueryParams) -> Window:
    return parse_query(QueryParams({name: value or "0" for name, value in params.items()}))


# ---------------------------------------------------------------- repeated and unknown parameters


@patch("repeated-limit-checked-first-used-last", wraps=TenantKey.parse_query)
def repeated_limit_checked_first(self: TenantKey, parse_query: Step, params: QueryParams) -> Window:
    limits = params.getlist("limit")
    if len(limits) < 2:
        return parse_query(params)
    self.check_limit(self.integer(limits[0]))  # a middleware validates the first copy ...
    window = parse_query(QueryParams([(k, v) for k, v in params.multi_items() if k != "limit"]))
    return replace(window, limit=self.integer(limits[-1]) or window.limit)  # ... the handler uses the last


@patch("unknown-param-400", wraps=Server.parse_query)
def unknown_param_400(self: Server, parse_query: Step, params: QueryParams) -> Window:
    unknown = sorted(set(params) - ({"offset", "limit", "order"} if isinstance(self, TenantKey) else set()))
    if unknown:  # a schema with additionalProperties: false, applied to the query
        raise ApiError(400, f"unexpected query parameter: {unknown[0]}")
    return parse_query(params)


@patch("sort-param-500", wraps=TenantKey.parse_query)
def sort_param_500(self: TenantKey, parse_query: Step, params: QueryParams) -> Window:
    if "sort" in params:
        field, direction = params["sort"].split(":")  # "created_at:desc" expected: ValueError, an unhandled 500
    return parse_query(params)
