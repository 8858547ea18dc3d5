"""A chat that may change while it is read (discovery mode): marks of the chat, reads held still, and rules across
reads left inconclusive when the chat moved under every try.

A mark is the chat as the newest-first page of one message shows it: its total and its newest message. A read is
bracketed by two marks; the chat moved under it only when the second shows it grew: a larger total and another
newest message, no older than the first. A server that is merely inconsistent on a static chat (a total that varies,
ties in another order on each request) shows no such growth, so what it answered is judged, and fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from conformance.rules import chats, ordering, pagination, params
from conformance.rules.registry import Rule
from conformance.violations import Inconclusive

T = TypeVar("T")
# The rules that compare reads of the chat: the only ones a chat that moved may leave inconclusive.
ACROSS_READS = (pagination.total, pagination.partition, pagination.past_the_end, ordering.same_set,
                ordering.newest_first, params.defaults, params.unknown_ignored, chats.org_all_messages)
TRIES = 3  # reads of a changing chat, in all
RETRY_GROWTH = 2  # a chat that gained more messages than this during one read is not read again: it will move again


@dataclass(frozen=True)
class Mark:
    """The chat as its newest-first page of one message shows it."""

    total: int
    newest: str | None
    at: dt.datetime | None

    def __str__(self) -> str:
        return f"total {self.total}, newest message {self.newest}"


MARK_QUERY = {"offset": 0, "limit": 1, "order": "desc"}  # the page a mark is read from


def mark_of(page: Any) -> Mark:
    """The mark a page read with MARK_QUERY shows."""
    instants = page.instants()
    return Mark(page.total, page.ids[0] if page.ids else None, instants[0] if instants else None)


def grew(before: Mark, after: Mark) -> bool:
    """Whether the chat gained messages between two marks: a larger total and another newest message, no older."""
    if after.total <= before.total or after.newest == before.newest:
        return False
    return before.at is None or after.at is None or after.at >= before.at


def moved(marks: Sequence[Mark]) -> str | None:
    """How the chat grew between two of these marks (in either order: reads cached at different times), or None."""
    for first in marks:
        for then in marks:
            if grew(first, then):
                return f"the chat changed while it was read: {first} became {then}"
    return None


@dataclass(frozen=True)
class Still(Generic[T]):
    """What a read returned, the marks around it, and how the chat moved under it in every try (None: it did not)."""

    value: T
    marks: tuple[Mark, ...] = ()
    moved: str | None = None

    def inconclusive_if_moved(self, *rules: Rule) -> None:
        """Rules across the reads are judged only if the chat held still: else they are inconclusive."""
        inconclusive_if_moved(self.moved, *rules)


def inconclusive_if_moved(how_it_moved: str | None, *rules: Rule) -> None:
    """Raise Inconclusive for these rules if the chat moved under the reads they compare."""
    if not set(rules) <= set(ACROSS_READS):
        raise ValueError(f"only rules across reads can be left inconclusive, not {rules}")
    if how_it_moved is not None:
        raise Inconclusive(rules, f"{how_it_moved}; rules across reads are judged only on a chat that does not "
                                  "change under them")


def read_still(read: Callable[[Mark | None], T], marker: Callable[[], Mark] | None, tries: int = TRIES) -> Still[T]:
    """read(the mark before it) between two marks, again while the chat grows under it: up to `tries` reads in all,
    and none after one during which it gained more than RETRY_GROWTH messages. Without a marker (dataset mode:
    the dataset fixes the chat) read once, never moved."""
    if marker is None:
        return Still(read(None))
    for _ in range(tries):
        before = marker()
        value = read(before)
        after = marker()
        how = moved((before, after))
        if how is None:
            return Still(value, (before, after))
        gained = after.total - before.total
        if gained > RETRY_GROWTH:
            how += f" ({gained} new messages during one read: not read again)"
            break
    else:
        how += f" (in each of {tries} reads)"
    return Still(value, (before, after), how)


def grew_between(earlier: Sequence[Any] | None, later: Sequence[Any] | None) -> bool:
    """Whether a later read of a whole chat (or its first page) holds every message of an earlier one and more: the
    chat gained messages in between. A chat that merely answers differently (another subset) did not grow."""
    return earlier is not None and later is not None and set(earlier) < set(later)


def compare_still(read: Callable[[], tuple[T, T]], same: Callable[[T, T], bool], ids: Callable[[T], Any],
                  live: bool, *rules: Rule, tries: int = TRIES) -> tuple[T, T]:
    """Two reads to compare (`read`: the one asked differently, then the plain one), read again while they differ on
    a chat that may be live: the pair that agrees, or the last pair when the chat did not grow between the plain
    reads (judged: a static chat answering differently fails); Inconclusive for `rules` when it grew under each."""
    pair = read()
    if not live:
        return pair
    for _ in range(tries - 1):
        if same(*pair):
            return pair
        again = read()
        if not grew_between(ids(pair[1]), ids(again[1])) and not grew_between(ids(pair[0]), ids(again[0])):
            return again  # the chat held still between the reads: what they show is judged
        pair = again
    if same(*pair):
        return pair
    inconclusive_if_moved("the chat gained messages between the reads that are compared (in each of "
          f"{tries} tries)", *rules)
    return pair
