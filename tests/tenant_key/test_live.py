"""A chat that changes while it is read: marks, reads held still, and who is excused (a growing chat, only)."""

from __future__ import annotations

import datetime as dt

import pytest

from conformance.rules import bodies, ordering, pagination, params
from conformance.tenant_key.live import (RETRY_GROWTH, TRIES, Mark, Still, compare_still, grew, inconclusive_if_moved,
                                         moved, read_still)
from conformance.violations import Inconclusive

T0 = dt.datetime(2024, 1, 15, 10, 30, tzinfo=dt.timezone.utc)


def at(total: int, newest: str = "m-1", seconds: int = 0) -> Mark:
    return Mark(total, newest, T0 + dt.timedelta(seconds=seconds))


def marker(*marks: Mark):
    """A marker that reads these marks in turn."""
    queue = list(marks)
    return lambda: queue.pop(0)


def test_a_chat_grew_only_with_a_larger_total_and_another_newer_newest_message():
    assert grew(at(240), at(241, "m-2", 1))
    assert not grew(at(240), at(240, "m-2", 1))  # same total: the newest changed, nothing was added
    assert not grew(at(240), at(241))  # a total that varies on a static chat: the same newest message
    assert not grew(at(241, "m-2", 1), at(240))  # shrank
    assert not grew(at(240, "m-1", 5), at(241, "m-2", 1))  # another "newest", older: ties in another order


def test_moved_looks_at_marks_in_either_order():
    assert moved([at(240), at(240)]) is None
    assert "total 240, newest message m-1 became total 241, newest message m-2" in moved([at(241, "m-2", 1), at(240)])


def test_a_read_between_equal_marks_is_still_and_read_once():
    reads = []
    seen = read_still(lambda before: reads.append(before) or "value", marker(at(240), at(240)))
    assert seen == Still("value", (at(240), at(240)), None) and reads == [at(240)]


def test_an_inconsistent_static_chat_is_not_excused():
    # total 240 then 250, the newest message the same: no growth, so the read is judged
    seen = read_still(lambda before: "value", marker(at(240), at(250)))
    assert seen.moved is None


def test_a_growing_chat_is_read_again_and_judged_on_the_read_it_held_still_under():
    marks = marker(at(240), at(241, "m-2", 1), at(241, "m-2", 1), at(241, "m-2", 1))
    seen = read_still(lambda before: before.total, marks)
    assert seen.moved is None and seen.value == 241


def test_a_chat_that_grows_under_every_read_leaves_it_moved_after_the_tries():
    marks = [m for i in range(TRIES) for m in (at(240 + i, f"m-{i}", i), at(241 + i, f"m-{i + 1}", i + 1))]
    reads = []
    seen = read_still(lambda before: reads.append(before), marker(*marks))
    assert len(reads) == TRIES and seen.moved and f"in each of {TRIES} reads" in seen.moved


def test_a_chat_that_gains_many_messages_in_one_read_is_not_read_again():
    grown = 240 + RETRY_GROWTH + 1
    reads = []
    seen = read_still(lambda before: reads.append(before), marker(at(240), at(grown, "m-9", 9)))
    assert len(reads) == 1 and f"{RETRY_GROWTH + 1} new messages during one read: not read again" in seen.moved


def test_without_a_marker_dataset_mode_reads_once_and_never_moves():
    seen = read_still(lambda before: before, None)
    assert seen == Still(None, (), None)


def test_inconclusive_if_moved_leaves_rules_across_reads_inconclusive_and_nothing_else():
    inconclusive_if_moved(None, pagination.total)  # held still: judged by the caller
    with pytest.raises(Inconclusive) as raised:
        still = Still(None, (), "the chat changed while it was read")
        still.inconclusive_if_moved(pagination.total, pagination.partition)
    assert raised.value.rules == (pagination.total, pagination.partition)
    assert "the chat changed while it was read" in raised.value.reason
    for about_one_answer in (pagination.has_more, ordering.ascending, bodies.page_envelope):
        with pytest.raises(ValueError, match="only rules across reads"):
            inconclusive_if_moved("moved", about_one_answer)


# ------------------------------------------------------------------ two reads compared (live.compare_still)

def reads_of(*pairs):
    """A read() answering these (asked differently, plain) pairs of id lists in turn."""
    answers = list(pairs)
    return lambda: answers.pop(0)


def test_two_reads_that_differ_on_a_chat_that_grew_under_each_are_inconclusive():
    growing = reads_of((["a"], ["a", "b"]), (["a", "b"], ["a", "b", "c"]), (["a", "b", "c"], ["a", "b", "c", "d"]))
    with pytest.raises(Inconclusive, match="gained messages"):
        compare_still(growing, lambda x, y: x == y, lambda ids: ids, True, params.unknown_ignored)


def test_two_reads_that_differ_on_a_chat_that_held_still_are_judged():
    defect = reads_of((["a"], ["a", "b"]), (["a"], ["a", "b"]))  # the parameter drops a message, every time
    assert compare_still(defect, lambda x, y: x == y, lambda ids: ids, True, params.unknown_ignored) == (
        ["a"], ["a", "b"])
    grew_once = reads_of((["a"], ["a", "b"]), (["a", "b"], ["a", "b"]))  # a message came between the first two
    assert compare_still(grew_once, lambda x, y: x == y, lambda ids: ids, True, params.unknown_ignored) == (
        ["a", "b"], ["a", "b"])
    assert compare_still(reads_of((["a"], ["b"])), lambda x, y: x == y, lambda ids: ids, False) == (["a"], ["b"])
