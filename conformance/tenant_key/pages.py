"""Pages of the tenant-key variant: one page read from an exchange, and walks over a whole chat."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from conformance.client import Client, Exchange
from conformance.profiles import TENANT_KEY
from conformance.rules import bodies, ordering, pagination, params
from conformance.rules.params import DEFAULTS
from conformance.rules.registry import Rule
from conformance.tenant_key.live import Mark, judge
from conformance.violations import evidence

__all__ = ["DEFAULTS", "Page", "Walk", "check_page", "check_walk", "divisor_page_size", "read_page", "walk"]
MAX_WALK_PAGES = 600
created_at = bodies.created_at[TENANT_KEY]


@dataclass(frozen=True)
class Page:
    exchange: Exchange
    messages: tuple[dict[str, Any], ...]
    total: int
    offset: int
    limit: int
    has_more: bool

    @property
    def ids(self) -> list[str]:
        return [m["id"] for m in self.messages]

    def instants(self) -> list[dt.datetime]:
        with evidence(self.exchange):
            return [created_at(m["created_at"]) for m in self.messages]


def read_page(exchange: Exchange, status_rule: Rule = params.valid_accepted) -> Page:
    """A 200 page that conforms to openapi.yaml (its envelope, then its messages), else a Violation.

    status_rule is the rule a status other than 200 breaks.
    """
    with evidence(exchange):
        status_rule.expect(exchange.status, [200], "a valid request for the caller's own chat")
        body = bodies.page_envelope(exchange.body)
        bodies.page_messages(body)
    return Page(exchange, tuple(body["messages"]), body["total"], body["offset"], body["limit"], body["has_more"])


def check_page(page: Page, offset: int, limit: int, order: str = "asc") -> None:
    """Every rule one page can be held to on its own."""
    with evidence(page.exchange):
        pagination.offset_echoed(offset, page.offset)
        pagination.limit_echoed(limit, page.limit)
        pagination.length(limit, offset, page.total, len(page.messages))
        pagination.has_more(offset, len(page.messages), page.total, page.has_more)
        ordering.sorted_as(order)(page.instants())


@dataclass(frozen=True)
class Walk:
    chat_id: Any
    size: int
    order: str
    pages: tuple[Page, ...]
    marks: tuple[Mark, ...] = ()  # the chat before and after the walk (discovery mode)
    moved: str | None = None  # how the chat changed under the walk in every try; None: it held still

    def judge(self, *rules: Rule) -> None:
        """Rules across the walk's pages are judged only if the chat held still under it: else inconclusive."""
        judge(self.moved, *rules)

    @property
    def total(self) -> int:
        return self.pages[0].total

    @property
    def ids(self) -> list[str]:
        return [i for page in self.pages for i in page.ids]

    def messages(self) -> list[dict[str, Any]]:
        return [m for page in self.pages for m in page.messages]

    def instants(self) -> list[dt.datetime]:
        return [t for page in self.pages for t in page.instants()]

    def order_instants(self) -> list[dt.datetime]:
        """created_at in the order the walk read them, to hold to ORDER-ASC/ORDER-DESC across pages.

        On a walk the chat moved under, a message met again is left out where it repeats: newer messages push
        older ones onto the next page of a desc walk, and the repeat says nothing about order.
        """
        if self.moved is None:
            return self.instants()
        seen: set[str] = set()
        kept = []
        for message, instant in zip(self.messages(), self.instants()):
            if message["id"] not in seen:
                seen.add(message["id"])
                kept.append(instant)
        return kept


def walk(client: Client, chat_id: Any, key: str, size: int, order: str, max_pages: int = MAX_WALK_PAGES) -> Walk:
    """Read a chat page by page as the docs' "load all messages" loop does, until an empty page.

    has_more and total are not trusted to end the walk (they are what is under test); the walk stops
    at the first empty page, when it has gone two pages past every total it was told, or after max_pages.
    """
    pages: list[Page] = []
    offset, told = 0, 0
    while len(pages) < max_pages:
        exchange = client.get_messages(chat_id, {"offset": offset, "limit": size, "order": order}, key=key)
        page = read_page(exchange, pagination.past_the_end if pages and offset >= told else params.valid_accepted)
        pages.append(page)
        told = max(told, page.total)
        if not page.messages or len(pages) > math.ceil(told / size) + 1:
            break
        offset += size
    return Walk(chat_id, size, order, tuple(pages))


# Rules across the pages of one walk: judged only on a walk the chat held still under.
ACROSS_A_WALK = (pagination.total, pagination.partition)


def check_walk(result: Walk) -> None:
    """Per-page rules, order across page boundaries, then a stable total.

    Order across pages is always judged (on a walk the chat moved under, without repeats: Walk.order_instants);
    a walk the chat moved under leaves the rules of ACROSS_A_WALK inconclusive (the caller's partition among them).
    """
    first_total = result.pages[0].total
    for index, page in enumerate(result.pages):
        check_page(page, index * result.size, result.size, result.order)
        if result.moved is None:
            with evidence(page.exchange):
                pagination.total(first_total, page.total, f"the first page's; it changed at offset {page.offset}")
    ordering.sorted_as(result.order)(result.order_instants())
    result.judge(*ACROSS_A_WALK)


def divisor_page_size(total: int) -> int:
    """A page size (≤ 100, > 1 where possible) that divides total exactly, so the last page is full."""
    if 1 < total <= 100:
        return total
    for size in range(min(100, total // 2), 1, -1):
        if total % size == 0:
            return size
    return 1
