"""Pages of the tenant-key variant: one page read from an exchange, and walks over a whole chat."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import math
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.exchange import Exchange
from conformance.profiles import TENANT_KEY
from conformance.rules import answers, bodies, ordering, pagination, params
from conformance.rules.registry import Rule
from conformance.tenant_key.live import Mark, inconclusive_if_moved
from conformance.timestamps import parse_many
from conformance.violations import citing, every, go_on

if TYPE_CHECKING:
    from conformance.client import Client

__all__ = ["EDGES", "Page", "Walk", "check_order_across", "check_page", "check_partition", "check_walk",
           "divisor_page_size", "edge_cuts", "id_of", "layout", "read_page", "stable_total", "tie_groups",
           "walk", "windows_for"]
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
        return list(self._ids)

    @functools.cached_property
    def _ids(self) -> tuple[str, ...]:  # read once: the rules of a page and of its walk read them again
        ids = tuple(map(operator.itemgetter("id"), self.messages))
        if any(map(isinstance, ids, itertools.repeat((dict, list)))):  # off its shape (bodies.page_messages says so)
            ids = tuple(map(id_of, self.messages))
        return ids

    def instants(self) -> list[dt.datetime]:
        """created_at of each message (the rule of its format judges each, the first time: kept once read, as the
        rules of a page, its walk and passive judging read them again)."""
        known = self.__dict__.get("_instants")
        if known is None:
            values = list(map(operator.itemgetter("created_at"), self.messages))
            with citing(self.exchange):
                # The rule on the first (it is told to have run), the rest at once where all are plain RFC 3339;
                # else the rule on each, which breaks on the first that breaks it.
                known = [created_at(values[0]), *(parse_many(values[1:]) or [])] if values else []
                if len(known) != len(values):
                    known = [created_at(value) for value in values]
            object.__setattr__(self, "_instants", known)
        return list(known)


def id_of(message: dict[str, Any]) -> Any:
    """A message's id as the rules that compare ids read it (partition, uniqueness, order, content): an id that is a
    JSON object or array (the rule of its shape fails it) as its JSON text (sorted keys): `{"$oid": …}` compared as
    the id it stands for, where Python could not put it in a set."""
    value = message["id"]
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def read_page(exchange: Exchange, status_rule: Rule | None = params.valid_accepted) -> Page:
    """A 200 page that conforms to openapi.yaml (its envelope, then its messages), else a Violation.

    status_rule is the rule a status other than 200 breaks (None: the caller knows the answer is a 200). The
    messages are held to their shape only where there are some: an empty page proves nothing of it.
    """
    with citing(exchange):
        if status_rule is not None:
            status_rule.expect(exchange.status, [200], "a valid request for the caller's own chat")
        body = bodies.page_envelope(exchange.body)
    if body["messages"]:
        # Messages off their shape that can still be read leave the page's other rules to judge what they can.
        with go_on(when=lambda: bodies.readable(body["messages"])), citing(exchange):
            bodies.page_messages(body)
    return Page(exchange, tuple(body["messages"]), body["total"], body["offset"], body["limit"], body["has_more"])


def check_page(page: Page, offset: int, limit: int, order: str = "asc") -> None:
    """Every rule one page can be held to on its own: the rules of the PAGE kind of answer."""
    answers.judge(answers.PAGE, answers.Paged(page, offset, limit, order), TENANT_KEY)


@dataclass(frozen=True)
class Walk:
    chat_id: Any
    size: Any  # the page size, or EDGES
    order: str
    pages: tuple[Page, ...]
    asked: tuple[tuple[int, int], ...] = ()  # (offset, limit) each page was asked with
    # The ranges of offsets walked, each a partition of its own: None when the walk covered the whole chat; for a
    # chat too large to walk whole, its start, a few ranges in between and its end (windows_for).
    windows: tuple[tuple[int, int], ...] | None = None
    marks: tuple[Mark, ...] = ()  # the chat before and after the walk (discovery mode)
    moved: str | None = None  # how the chat changed under the walk in every try; None: it held still

    def inconclusive_if_moved(self, *rules: Rule) -> None:
        """Rules across the walk's pages are judged only if the chat held still under it: else inconclusive."""
        inconclusive_if_moved(self.moved, *rules)

    @property
    def whole(self) -> bool:
        return self.windows is None

    @property
    def total(self) -> int:
        return self.pages[0].total

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def messages(self) -> list[dict[str, Any]]:
        return list(self._messages)

    def instants(self) -> list[dt.datetime]:
        return list(self._instants)

    # Each read of the whole walk gathered once from its pages (a walk of a large chat is read by several rules).
    @functools.cached_property
    def _ids(self) -> tuple[str, ...]:
        return tuple(itertools.chain.from_iterable(page._ids for page in self.pages))

    @functools.cached_property
    def _messages(self) -> tuple[dict[str, Any], ...]:
        return tuple(itertools.chain.from_iterable(page.messages for page in self.pages))

    @functools.cached_property
    def _instants(self) -> tuple[dt.datetime, ...]:
        return tuple(itertools.chain.from_iterable(page.instants() for page in self.pages))

    def order_instants(self) -> list[dt.datetime]:
        """created_at in the order the walk read them, to hold to the order rules across pages.

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

    def first(self, pages: int) -> Walk:
        """The walk cut to its first `pages` pages."""
        return dataclasses.replace(self, pages=self.pages[:pages], asked=self.asked[:pages])

    def by_window(self) -> list[tuple[int, int, list[Page]]]:
        """(start, end, its pages) per window; the pages past the last window's end (the walk reads on until an
        empty page) belong to the last window, which ends at the chat's end."""
        ranges = self.windows or ((0, self.total),)
        out: list[tuple[int, int, list[Page]]] = [(a, b, []) for a, b in ranges]
        for (offset, _), page in zip(self.asked, self.pages):
            index = next((i for i, (a, b) in enumerate(ranges) if a <= offset < b), len(ranges) - 1)
            out[index][2].append(page)
        return out

    def describe_windows(self) -> str:
        """Where the walk proved its rules: in a few words for the report."""
        if self.windows is None:
            return "the whole chat"
        spans = ", ".join(f"{a}–{b - 1}" for a, b in self.windows)
        walked = sum(min(b, self.total) - a for a, b in self.windows)
        return f"windows of offsets {spans} ({self.order}; {walked} of {self.total} messages), not the whole chat"


EDGES = "edges"  # the size of a walk whose pages are cut where defects live: inside every tie, one before the end
WHOLE_WALK_PAGES = 30  # a chat this many pages long (at the walk's page size) or shorter is walked whole
WINDOW_PAGES = 3  # else it is walked in windows of this many pages: its start, its end and WINDOWS_BETWEEN more
WINDOWS_BETWEEN = 3


def windows_for(total: int, size: int, order: str = "asc") -> tuple[tuple[int, int], ...] | None:
    """The ranges of offsets a walk at `size` reads: None (the whole chat) unless it is more than WHOLE_WALK_PAGES
    pages long; then its start, its end and WINDOWS_BETWEEN ranges evenly in between, WINDOW_PAGES pages each,
    on the grid of `size` from either end. desc reads the mirror image of asc's ranges (the same messages), so
    that walks in both orders can be compared."""
    if total <= WHOLE_WALK_PAGES * size:
        return None
    span = WINDOW_PAGES * size
    starts = {0, total - span}
    for i in range(1, WINDOWS_BETWEEN + 1):
        starts.add(min(total - span, round(total * i / (WINDOWS_BETWEEN + 1) / size) * size))
    ranges: list[tuple[int, int]] = []
    for start in sorted(starts):
        if ranges and start < ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], start + span))
        else:
            ranges.append((start, start + span))
    if order == "desc":
        ranges = sorted((total - b, total - a) for a, b in ranges)
    return tuple(ranges)


def layout(total: int, size: int, cuts: tuple[int, ...] = (),
           windows: tuple[tuple[int, int], ...] | None = None) -> list[tuple[int, int]]:
    """The (offset, limit) of each page of a walk: each window (the whole chat: one) in pages of `size` from its
    start, also cut at every cut inside it. A page that ends at the chat's end is asked with the full size."""
    pages: list[tuple[int, int]] = []
    for start, end in windows or ((0, total),):
        points = sorted({start, end, *(c for c in cuts if start < c < end)})
        for a, b in zip(points, points[1:]):
            for offset in range(a, b, size):
                pages.append((offset, size if b >= total else min(size, b - offset)))
    return pages


def walk(client: Client, chat_id: Any, key: str, size: int, order: str, max_pages: int = MAX_WALK_PAGES,
         cuts: tuple[int, ...] = (), windows: tuple[tuple[int, int], ...] | None = None,
         windowed: bool = True, label: Any = None) -> Walk:
    """Read a chat page by page as the docs' "load all messages" loop does, until an empty page.

    The first page's total lays out the rest: pages of `size`, also cut at `cuts`, over the whole chat, or (a chat
    too large to walk whole, `windowed`) over `windows` or windows_for's. After the laid-out pages the walk reads on
    at `size` until an empty page: has_more and total are not trusted to end it (they are what is under test); it
    stops at the first empty page, when it has gone two pages past every total it was told, or after max_pages.
    """
    pages: list[Page] = []
    asked: list[tuple[int, int]] = []
    told = 0

    def query(offset: int, limit: int) -> tuple[Any, Any, str]:
        return chat_id, {"offset": offset, "limit": limit, "order": order}, key

    def read(offset: int, limit: int, exchange: Exchange | None = None) -> Page:
        nonlocal told
        exchange = exchange or client.get_messages(*query(offset, limit))
        page = read_page(exchange, pagination.past_the_end if pages and offset >= told else params.valid_accepted)
        pages.append(page)
        asked.append((offset, limit))
        told = max(told, page.total)
        return page

    first_limit = min([size, *(c for c in cuts if c > 0)])
    first = read(0, first_limit)
    if windows is None and windowed:
        windows = windows_for(first.total, size, order)
    # The rest of the layout, from where the first page ended (a chat that fits on it: from there on, at `size`).
    planned = [p for p in layout(first.total, size, (*cuts, first_limit), windows) if p[0] >= first_limit]
    planned = planned[:max(0, max_pages - 1)] if first.messages else []
    # Pages laid out from a known total do not depend on each other: sent together (--concurrency), read in order.
    for (offset, limit), exchange in zip(planned, client.get_all([query(*p) for p in planned])):
        if not pages[-1].messages:
            break
        read(offset, limit, exchange)
    while pages[-1].messages and len(pages) < max_pages:
        offset = asked[-1][0] + asked[-1][1]
        if offset >= (math.ceil(told / size) + 1) * size:
            break  # two pages past every total told
        read(offset, size)
    return Walk(chat_id, size if label is None else label, order, tuple(pages), tuple(asked), windows)


def tie_groups(instants: list[dt.datetime], start: int = 0) -> list[tuple[int, int]]:
    """The ranges of positions (from `start`) of messages with equal created_at, in sorted order: two or more.
    Neighbours are compared at once (a walk holds thousands); only the positions of ties are walked."""
    ordered = sorted(instants)
    groups: list[tuple[int, int]] = []
    for index in itertools.compress(itertools.count(start), map(operator.eq, ordered, ordered[1:])):
        if groups and groups[-1][1] == index + 1:  # the tie goes on
            groups[-1] = (groups[-1][0], index + 2)
        else:
            groups.append((index, index + 2))
    return groups


def edge_cuts(groups: list[tuple[int, int]], total: int, size: int = 100) -> tuple[int, ...]:
    """Where the pages of an EDGES walk end, besides every `size` messages: inside every group of equal created_at
    (a page boundary there shows a sort that orders ties differently from one request to the next, repeating one
    message and skipping another; the cut is put where the pages on either side start at offsets of different
    parity, as one kind of unstable sort differs), and one message before the end (the page before it must say
    has_more with exactly one message left)."""
    cuts: list[int] = []
    previous = 0
    for g0, g1 in sorted(groups):
        choice = None
        for b in range(max(g0 + 1, previous + 1), g1):
            start = previous + (b - previous - 1) // size * size
            if (start - b) % 2:
                choice = [b]
                break
        if choice is None:
            b = max(g0 + 1, previous + 2)
            if b >= g1:
                continue
            choice = [b - 1, b]
        cuts += choice
        previous = choice[-1]
    if total - 1 > previous:
        cuts.append(total - 1)
    return tuple(cuts)


# Rules across the pages of one walk: judged only on a walk the chat held still under.
ACROSS_A_WALK = (pagination.total, pagination.partition)


def check_walk(result: Walk) -> None:
    """Per-page rules, order across page boundaries, then a stable total.

    Order across pages is always judged (on a walk the chat moved under, without repeats: Walk.order_instants);
    a walk the chat moved under leaves the rules of ACROSS_A_WALK inconclusive (the caller's partition among them).
    """
    with every() as each:
        for (offset, limit), page in zip(result.asked, result.pages):
            with each:
                check_page(page, offset, limit, result.order)
            if result.moved is None:
                with each:
                    stable_total(result, page)
        with each:
            check_order_across(result)
        with each:
            result.inconclusive_if_moved(*ACROSS_A_WALK)


def stable_total(result: Walk, page: Page) -> None:
    """pagination.total over a walk: `page` says the total its first page said."""
    with citing(page.exchange):
        pagination.total(result.total, page.total, f"the first page's; it changed at offset {page.offset}")


def check_order_across(result: Walk) -> None:
    """The order rules over the whole walk, across its page boundaries."""
    instants = result.order_instants()
    if len(instants) > 1:  # fewer are in any order: the rule would hold without judging anything
        ordering.sorted_as(result.order)(instants)


def check_partition(result: Walk, full: Any = None) -> None:
    """pagination.partition on the walk: every message once (and all of `full`, the chat's ids when the dataset gives
    them) over the whole chat; on a walk in windows, every message of each window's range once, none in two."""
    if result.whole:
        pagination.partition([result.ids], result.total, full)
    else:
        pagination.partition_windows([(a, b, [p.ids for p in pages]) for a, b, pages in result.by_window()],
                                     result.total)


def divisor_page_size(total: int) -> int:
    """A page size (≤ 100, > 1 where possible) that divides total exactly, so the last page is full."""
    if 1 < total <= 100:
        return total
    for size in range(min(100, total // 2), 1, -1):
        if total % size == 0:
            return size
    return 1
