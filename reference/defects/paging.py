"""Mutants of the page and the envelope around it (tenant-key): has_more, total, the echoes, the rows fetched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from starlette.requests import Request

from reference.server import ApiError, TenantKey
from reference.store import Message, Scope, Store, Window
from reference.variants import Step, patch

# Each gets one field of the envelope wrong: (window, total, length of the page) -> the field, as served.
WRONG_FIELDS: dict[str, Callable[[Window, int, int], dict[str, Any]]] = {
    "has-more-full-page": lambda window, total, length: {"has_more": length == window.limit},
    # `total - 1`, a last index
    "has-more-off-by-one": lambda window, total, length: {"has_more": window.offset + length < total - 1},
    "has-more-ignores-offset": lambda window, total, length: {"has_more": length < total},
    "total-page-length": lambda window, total, length: {"total": length},
    "total-string": lambda window, total, length: {"total": str(total)},
    "offset-echo-next": lambda window, total, length: {"offset": window.offset + length},  # the next page's offset
    "limit-echo-page-length": lambda window, total, length: {"limit": length},
}


def with_wrong(field: Callable[[Window, int, int], dict[str, Any]]) -> Step:
    def envelope(self: TenantKey, right: Step, window: Window, total: int, messages: list[Message]) -> Any:
        return right(window, total, messages) | field(window, total, len(messages))

    return envelope


for name, field in WRONG_FIELDS.items():
    patch(name, wraps=TenantKey.envelope)(with_wrong(field))


@patch("camelcase-envelope", wraps=TenantKey.envelope)
def camel_case(self: TenantKey, envelope: Step, window: Window, total: int, messages: list[Message]) -> Any:
    return {"hasMore" if key == "has_more" else key: value for key, value in envelope(window, total, messages).items()}


@patch("count-missing-chat-filter", replaces=Store.count)
def count_of_tenant(self: Store, scope: Scope) -> int:
    sql = f"SELECT COUNT(*) FROM messages AS m JOIN chats AS c ON {self.join()} WHERE c.tenant = :tenant"
    return self._first(sql, scope.params())


@patch("fetch-one-extra", wraps=Store.page)
def fetch_one_extra(self: Store, page: Step, scope: Scope, window: Window) -> list[Message]:
    return page(scope, replace(window, limit=window.limit + 1))  # the row fetched to look ahead is not dropped


@patch("offset-past-end-404", wraps=TenantKey.body)
def offset_past_end_404(self: TenantKey, body: Step, request: Request, scope: Scope, window: Window) -> Any:
    envelope = body(request, scope, window)
    if window.offset > 0 and not envelope["messages"]:
        raise ApiError(404, "Page not found")
    return envelope
