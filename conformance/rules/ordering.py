"""Rules of order by created_at: asc oldest first, desc newest first, the same messages either way."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence

from conformance.rules.answers import PAGE, Paged
from conformance.rules.reading import same_instants
from conformance.rules.registry import Rule, fail, rule


def _out_of_order(instants: Sequence[dt.datetime], descending: bool) -> None:
    # Neighbours compared at once (a walk holds thousands); walked one by one only to say where the order breaks.
    if all(map(operator.ge if descending else operator.le, instants, itertools.islice(instants, 1, None))):
        return
    for index in range(1, len(instants)):
        before, after = instants[index - 1], instants[index]
        if (after > before) if descending else (after < before):
            fail(f"messages {index - 1} and {index} are out of {'desc' if descending else 'asc'} order by "
                 f"created_at: {before.isoformat()} then {after.isoformat()}")


def _instants_in(order: str) -> Callable[[Paged], tuple[list[dt.datetime]] | None]:
    """A page's instants, for the rule of its order; a page of fewer than two messages proves no order."""
    return lambda paged: (paged.page.instants(),) if paged.order == order and len(paged.page.messages) > 1 else None


@rule("ORDER-ASC", on=PAGE, reads=_instants_in("asc"))
def ascending(instants: Sequence[dt.datetime]) -> None:
    _out_of_order(instants, descending=False)


@rule("ORDER-DESC", on=PAGE, reads=_instants_in("desc"))
def descending(instants: Sequence[dt.datetime]) -> None:
    _out_of_order(instants, descending=True)


def sorted_as(order: str) -> Rule:
    """The rule of `order` (asc unless "desc")."""
    return descending if order == "desc" else ascending


@rule("ORDER-DESC-NEWEST-FIRST")
def newest_first(first_page: Sequence[dt.datetime], rest: Iterable[dt.datetime]) -> None:
    """Nothing outside the first desc page is newer than anything on it."""
    if not first_page:
        return
    oldest_on_page = min(first_page)
    newer = [t for t in rest if t > oldest_on_page]
    if newer:
        fail(f"the first desc page reaches back to {oldest_on_page.isoformat()}, but {len(newer)} newer "
             f"message(s) are not on it (newest: {max(newer).isoformat()})")


@rule("ORDER-SAME-SET")
def same_set(asc_ids: Iterable[str], desc_ids: Iterable[str]) -> None:
    asc, desc = set(asc_ids), set(desc_ids)
    if asc != desc:
        only_asc, only_desc = sorted(asc - desc), sorted(desc - asc)
        fail(f"asc and desc walks differ: {len(only_asc)} only in asc (e.g. {only_asc[:2]}), "
             f"{len(only_desc)} only in desc (e.g. {only_desc[:2]})")


# An asc read and a desc read of one static stretch of a chat: the message at asc offset i is the one at desc offset
# total - 1 - i (by created_at: ties may come in either order), else the two orders do not hold the same messages.
orders_agree = rule("ORDER-SAME-SET", name="orders_agree")(same_instants)
