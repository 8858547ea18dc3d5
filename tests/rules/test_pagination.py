"""conformance/rules/pagination.py: echoes, total, has_more, page length, a walk's partition of the chat, and
messages scoped to their chat.

Every rejection is asserted by the requirement id it raises, so a rule that fails for the wrong reason fails here.
A rule both profiles have is called bound to each (`rule[profile]`), and must name that profile's id."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conformance.rules import pagination
from conformance.violations import Violation
from rule_inputs import FAST, FEW, TK, ids, non_negative, violates


# ------------------------------------------------------------------ echoes and totals

ECHOES: list[tuple[Callable[[int, Any], None], str]] = [(pagination.offset_echoed, "PAGE-OFFSET-ECHO"),
                                                        (pagination.limit_echoed, "PAGE-LIMIT-ECHO")]


@pytest.mark.parametrize("check, req_id", ECHOES, ids=["offset", "limit"])
@FEW
@given(requested=non_negative, other=non_negative)
def test_an_echo_accepts_exactly_the_requested_value(check, req_id, requested, other):
    check(requested, requested)
    if other != requested:
        with violates(req_id):
            check(requested, other)


# A JSON number with a zero fraction equals the integer: the echo rules take it (the envelope's shape rule,
# with StrictIntegers, is what refuses 0.0 where an integer is due).
@pytest.mark.parametrize("check, req_id", ECHOES, ids=["offset", "limit"])
@FEW
@given(requested=non_negative)
def test_an_echo_accepts_the_requested_value_written_with_a_zero_fraction(check, req_id, requested):
    check(requested, float(requested))


@pytest.mark.parametrize("check, req_id", ECHOES, ids=["offset", "limit"])
@pytest.mark.parametrize("requested, echoed", [(1, True), (0, False), (1, "1"), (0, None), (50, "50"), (0, []), (1, 1.5)],
                         ids=["True for 1", "False for 0", "string 1", "null for 0", "string 50", "array", "1.5"])
def test_an_echo_rejects_other_types_even_when_equal_in_python(check, req_id, requested, echoed):
    with violates(req_id):
        check(requested, echoed)


@FAST
@given(expected=non_negative, got=non_negative)
def test_total_accepts_exactly_the_expected_number(expected, got):
    if got == expected:
        pagination.total(expected, got, "the dataset")
    else:
        with violates("PAGE-TOTAL"):
            pagination.total(expected, got, "the dataset")


@pytest.mark.parametrize("expected, got", [(1, True), (0, False), (15, "15"), (0, None), (4, 4.5)])
def test_total_rejects_other_types(expected, got):
    with violates("PAGE-TOTAL"):
        pagination.total(expected, got, "the dataset")


def test_total_says_why_it_expected_the_number():
    with pytest.raises(Violation) as caught:
        pagination.total(15, 4, "the dataset's chat has 15 messages")
    assert "the dataset's chat has 15 messages" in caught.value.detail


# ------------------------------------------------------------------ has_more / page length

@FAST
@given(offset=non_negative, page_len=non_negative, total=non_negative)
def test_has_more_accepts_exactly_offset_plus_length_below_total(offset, page_len, total):
    expected = offset + page_len < total
    pagination.has_more(offset, page_len, total, expected)
    with violates("PAGE-HAS-MORE"):
        pagination.has_more(offset, page_len, total, not expected)


@FAST
@given(offset=non_negative, page_len=non_negative, total=non_negative,
       has_more=st.sampled_from([1, 0, "true", "false", None, 1.0, [], "True"]))
def test_has_more_rejects_values_that_are_not_booleans(offset, page_len, total, has_more):
    with violates("PAGE-HAS-MORE"):
        pagination.has_more(offset, page_len, total, has_more)


@pytest.mark.parametrize("offset, page_len, total, has_more", [
    (0, 4, 15, True), (11, 4, 15, False), (10, 4, 15, True), (0, 0, 0, False), (15, 0, 15, False),
    (100, 0, 15, False), (0, 100, 100, False), (0, 0, 5, True),  # limit=0 on a chat with messages
])
def test_has_more_on_the_edges(offset, page_len, total, has_more):
    pagination.has_more(offset, page_len, total, has_more)
    with violates("PAGE-HAS-MORE"):
        pagination.has_more(offset, page_len, total, not has_more)


def page_of(total: int, offset: int, limit: int) -> int:
    """The model: the length of offset/limit applied to a chat of `total` messages, by slicing."""
    return len(list(range(total))[offset:offset + limit])


@FAST
@given(limit=st.integers(0, 100), offset=st.integers(0, 400), total=st.integers(0, 300), page_len=st.integers(0, 120))
def test_length_agrees_with_slicing_the_chat(limit, offset, total, page_len):
    model = page_of(total, offset, limit)
    pagination.length(limit, offset, total, model)
    if page_len != model:
        with violates("PAGE-LENGTH"):
            pagination.length(limit, offset, total, page_len)


def test_length_rejects_a_short_page_before_the_end():
    with violates("PAGE-LENGTH"):
        pagination.length(limit=10, offset=0, total=15, page_len=9)
    with violates("PAGE-LENGTH"):
        pagination.length(limit=10, offset=20, total=15, page_len=1)


# ------------------------------------------------------------------ partition / same_set / chat_scoped

@st.composite
def partitions(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A list of distinct ids and a split of it into consecutive chunks (empty chunks allowed)."""
    all_ids = draw(st.lists(ids, unique=True, max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(all_ids)), max_size=8)))
    bounds = [0, *cuts, len(all_ids)]
    return all_ids, [all_ids[a:b] for a, b in zip(bounds, bounds[1:])]


@FAST
@given(partition=partitions(), data=st.data())
def test_partition_accepts_any_split_into_consecutive_pages(partition, data):
    all_ids, pages = partition
    full = data.draw(st.permutations(all_ids))
    pagination.partition(pages, len(all_ids))
    pagination.partition(pages, len(all_ids), full)
    pagination.partition(pages, len(all_ids), iter(full))


@FAST
@given(partition=partitions(), data=st.data())
def test_partition_rejects_a_message_on_two_pages(partition, data):
    all_ids, pages = partition
    assume(all_ids)
    again = data.draw(st.sampled_from(all_ids))
    where = data.draw(st.integers(0, len(pages) - 1))
    pages = copy.deepcopy(pages)
    pages[where].append(again)
    for total in (len(all_ids), len(all_ids) + 1):
        with violates("PAGE-PARTITION"):
            pagination.partition(pages, total, all_ids)
        with violates("PAGE-PARTITION"):
            pagination.partition(pages, total)


@FAST
@given(partition=partitions(), data=st.data())
def test_partition_rejects_a_gap(partition, data):
    all_ids, pages = partition
    assume(all_ids)
    gone = data.draw(st.sampled_from(all_ids))
    pages = [[i for i in page if i != gone] for page in pages]
    # with the chat's messages known, even a total that agrees with the walk does not hide the gap
    with violates("PAGE-PARTITION"):
        pagination.partition(pages, len(all_ids) - 1, all_ids)
    with violates("PAGE-PARTITION"):
        pagination.partition(pages, len(all_ids))


@FAST
@given(partition=partitions(), wrong=st.integers(-3, 50))
def test_partition_rejects_a_total_other_than_the_walk(partition, wrong):
    all_ids, pages = partition
    assume(wrong != len(all_ids))
    with violates("PAGE-PARTITION"):
        pagination.partition(pages, wrong)


@FAST
@given(chat=st.lists(ids, max_size=20, unique=True), data=st.data())
def test_chat_scoped_accepts_any_subset_of_the_chat(chat, data):
    returned = data.draw(st.lists(st.sampled_from(chat), max_size=20)) if chat else []
    pagination.chat_scoped(returned, chat)
    pagination.chat_scoped(returned, {i: {} for i in chat})  # a dict of the chat's messages works too


@FAST
@given(chat=st.lists(ids, max_size=20, unique=True), stranger=ids, data=st.data())
def test_chat_scoped_rejects_any_stranger(chat, stranger, data):
    assume(stranger not in chat)
    returned = data.draw(st.permutations([*chat, stranger]))
    with violates("PAGE-CHAT-SCOPED"):
        pagination.chat_scoped(returned, chat)
    # The old function also took another id to fail under (MSG-CONTENT-EXACT was tested); a rule has its own.
    assert pagination.chat_scoped.ids == {TK: "PAGE-CHAT-SCOPED"}
