"""Mutants of the order of the messages (tenant-key): the ORDER BY, its ties, and desc."""

from __future__ import annotations

from dataclasses import replace

from reference.store import DIRECTIONS, Message, Scope, Store, Window, created_key
from reference.variants import Step, patch


@patch("order-ignored", wraps=Store.page)
def order_ignored(self: Store, page: Step, scope: Scope, window: Window) -> list[Message]:
    return page(scope, replace(window, order="asc"))  # parsed and echoed, but it never reaches the query


@patch("desc-by-id", wraps=Store.order_by)
def desc_by_id(self: Store, order_by: Step, window: Window) -> str:
    return "m.id DESC" if window.order == "desc" else order_by(window)


@patch("insertion-order", replaces=Store.order_by)
def insertion_order(self: Store, window: Window) -> str:
    return f"m.seq {DIRECTIONS[window.order]}"


@patch("order-by-text-timestamp", replaces=Store.order_by)
def order_by_text(self: Store, window: Window) -> str:
    direction = DIRECTIONS[window.order]
    return f"json_extract(m.body, '$.created_at') {direction}, m.id {direction}"  # '+02:00' sorts as text


@patch("unstable-ties", replaces=Store.order_by)
def unstable_ties(self: Store, window: Window) -> str:
    # the tie order depends on the request: simulated by the offset's parity
    direction = DIRECTIONS[window.order]
    ties = DIRECTIONS["desc" if window.order == "asc" else "asc"] if window.offset % 2 else direction
    return f"m.created_key {direction}, {self.tie_break()} {ties}"


@patch("desc-window-from-oldest", wraps=Store.page)
def desc_window_from_oldest(self: Store, page: Step, scope: Scope, window: Window) -> list[Message]:
    if window.order == "asc":
        return page(scope, window)
    return page(scope, replace(window, order="asc"))[::-1]  # the oldest `limit` messages, reversed


@patch("slice-before-sort", replaces=Store.page)
def slice_before_sort(self: Store, scope: Scope, window: Window) -> list[Message]:
    in_table_order = self.select(scope, window, "m.seq")  # LIMIT and OFFSET cut the table's order
    return sorted(in_table_order, key=lambda message: created_key(message["created_at"]),
                  reverse=window.order == "desc")


@patch("desc-skips-newest", wraps=Store.page)
def desc_skips_newest(self: Store, page: Step, scope: Scope, window: Window) -> list[Message]:
    if window.order == "desc":
        window = replace(window, offset=window.offset + 1)  # desc's offset converted with an off-by-one
    return page(scope, window)
