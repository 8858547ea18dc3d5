"""conformance/rules/ordering.py: pages sorted as their order asks (instants, not wall clocks), the newest first,
and the same set both ways.

Every rejection is asserted by the requirement id it raises, so a rule that fails for the wrong reason fails here.
A rule both profiles have is called bound to each (`rule[profile]`), and must name that profile's id."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given
from hypothesis import strategies as st

from conformance.rules import bodies, ordering
from rule_inputs import FAST, TK, ZONES, aware_instants, ids, violates


# ------------------------------------------------------------------ ordering

def equal_instants() -> list[dt.datetime]:
    base = dt.datetime(2024, 1, 15, 10, 0, tzinfo=dt.timezone.utc)
    return [base.astimezone(zone) for zone in ZONES]


def test_sorted_as_is_the_rule_of_the_order():
    assert ordering.sorted_as("asc") is ordering.ascending and ordering.sorted_as("desc") is ordering.descending


@FAST
@given(instants=st.lists(aware_instants, max_size=30))
def test_sorted_as_accepts_any_sorted_list_asc_and_its_reverse_desc(instants):
    ordered = sorted(instants)
    ordering.sorted_as("asc")(ordered)
    ordering.sorted_as("desc")(ordered[::-1])


@FAST
@given(instants=st.lists(aware_instants, min_size=2, max_size=30))
def test_sorted_as_rejects_any_list_with_an_inversion(instants):
    asc_inversion = any(b < a for a, b in zip(instants, instants[1:]))
    desc_inversion = any(b > a for a, b in zip(instants, instants[1:]))
    assume(asc_inversion or desc_inversion)
    if asc_inversion:
        with violates("ORDER-ASC"):
            ordering.sorted_as("asc")(instants)
    else:
        ordering.sorted_as("asc")(instants)
    if desc_inversion:
        with violates("ORDER-DESC"):
            ordering.sorted_as("desc")(instants)
    else:
        ordering.sorted_as("desc")(instants)


@FAST
@given(instants=st.lists(aware_instants, min_size=2, max_size=20, unique_by=lambda t: t.timestamp()),
       data=st.data())
def test_sorted_as_rejects_a_sorted_list_with_two_distinct_instants_swapped(instants, data):
    ordered = sorted(instants)
    i = data.draw(st.integers(0, len(ordered) - 2))
    j = data.draw(st.integers(i + 1, len(ordered) - 1))
    swapped = list(ordered)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    with violates("ORDER-ASC"):
        ordering.sorted_as("asc")(swapped)
    with violates("ORDER-DESC"):
        ordering.sorted_as("desc")(swapped[::-1])


def test_sorted_as_counts_equal_instants_in_different_offsets_as_equal():
    same = equal_instants()
    assert len({t.utcoffset() for t in same}) == len(same)
    for order in ("asc", "desc"):
        ordering.sorted_as(order)(same)
        ordering.sorted_as(order)(same[::-1])


def test_sorted_as_compares_instants_not_wall_clocks():
    # 10:00+02:00 (08:00Z) comes before 09:00Z although its wall clock reads later.
    early = bodies.created_at[TK]("2024-01-15T10:00:00+02:00")
    late = bodies.created_at[TK]("2024-01-15T09:00:00Z")
    ordering.sorted_as("asc")([early, late])
    with violates("ORDER-ASC"):
        ordering.sorted_as("asc")([late, early])
    ordering.sorted_as("desc")([late, early])


def test_sorted_as_accepts_empty_and_single_pages():
    one = [dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)]
    for order in ("asc", "desc"):
        ordering.sorted_as(order)([])
        ordering.sorted_as(order)(one)


@FAST
@given(instants=st.lists(aware_instants, min_size=1, max_size=30), data=st.data())
def test_newest_first_accepts_the_newest_window(instants, data):
    newest_first = sorted(instants, reverse=True)
    size = data.draw(st.integers(1, len(newest_first)))
    ordering.newest_first(newest_first[:size], newest_first[size:])


@FAST
@given(instants=st.lists(aware_instants, min_size=2, max_size=30, unique_by=lambda t: t.timestamp()), data=st.data())
def test_newest_first_rejects_a_page_that_misses_a_newer_message(instants, data):
    newest_first = sorted(instants, reverse=True)
    size = data.draw(st.integers(1, len(newest_first) - 1))
    skipped = data.draw(st.integers(0, size - 1))  # a message of the true window left off the page
    page = newest_first[:skipped] + newest_first[skipped + 1:size + 1]
    rest = [newest_first[skipped], *newest_first[size + 1:]]
    with violates("ORDER-DESC-NEWEST-FIRST"):
        ordering.newest_first(page, rest)


def test_newest_first_rejects_the_oldest_end_reversed():
    chat = [dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=m) for m in range(10)]
    with violates("ORDER-DESC-NEWEST-FIRST"):
        ordering.newest_first(chat[:3][::-1], chat[3:])


def test_newest_first_allows_ties_left_off_the_page():
    tied = equal_instants()
    ordering.newest_first(tied[:2], tied[2:])
    ordering.newest_first([], tied)


@FAST
@given(asc=st.lists(ids, max_size=20), data=st.data())
def test_same_set_accepts_the_same_set_in_any_order(asc, data):
    desc = data.draw(st.permutations(asc))
    ordering.same_set(asc, desc)
    ordering.same_set(iter(asc), reversed(desc))


@FAST
@given(asc=st.lists(ids, max_size=20, unique=True), extra=ids, data=st.data())
def test_same_set_rejects_a_message_in_one_walk_only(asc, extra, data):
    assume(extra not in asc)
    desc = data.draw(st.permutations(asc))
    with violates("ORDER-SAME-SET"):
        ordering.same_set(asc, [*desc, extra])
    with violates("ORDER-SAME-SET"):
        ordering.same_set([*asc, extra], desc)
