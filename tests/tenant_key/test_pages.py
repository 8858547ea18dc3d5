"""How walks are laid out: pages where defects live, and windows of a chat too large to walk whole."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from conformance.rules import pagination
from conformance.violations import Violation
from conformance.tenant_key.pages import WHOLE_WALK_PAGES, edge_cuts, layout, tie_groups, windows_for

T0 = dt.datetime(2024, 1, 15, tzinfo=dt.timezone.utc)


def covered(pages):
    return [i for offset, limit in pages for i in range(offset, offset + limit)]


def test_a_whole_walk_tiles_the_chat_and_asks_the_last_page_at_full_size():
    assert layout(240, 100) == [(0, 100), (100, 100), (200, 100)]
    assert layout(240, 100, (13, 239)) == [(0, 13), (13, 100), (113, 100), (213, 26), (239, 100)]


def test_ties_are_found_by_instant_in_sorted_order():
    instants = [T0, T0 + dt.timedelta(seconds=5), T0, T0 + dt.timedelta(seconds=1), T0 + dt.timedelta(seconds=5)]
    assert tie_groups(instants) == [(0, 2), (3, 5)]
    assert tie_groups(instants, start=100) == [(100, 102), (103, 105)]


@pytest.mark.parametrize("seed", range(20))
def test_ties_are_the_runs_of_equal_instants(seed):
    rng = random.Random(seed)
    instants = [T0 + dt.timedelta(seconds=rng.randrange(12)) for _ in range(rng.randrange(30))]
    ordered, runs = sorted(instants), []
    for instant in sorted(set(instants)):
        first, count = ordered.index(instant), ordered.count(instant)
        if count > 1:
            runs.append((7 + first, 7 + first + count))
    assert tie_groups(instants, start=7) == runs


@pytest.mark.parametrize("groups", [[(11, 14), (19, 21), (95, 99), (149, 151), (160, 163), (185, 187), (187, 192)],
                                    [(0, 2), (2, 4), (4, 6)], [(1, 3)], [(98, 103)]])
def test_edge_cuts_split_every_tie_between_pages_at_offsets_of_different_parity(groups):
    total = 240
    pages = layout(total, 100, edge_cuts(groups, total))
    starts = [offset for offset, _ in pages]
    for g0, g1 in groups:
        inside = [s for s in starts if g0 < s < g1]
        assert any((s - starts[starts.index(s) - 1]) % 2 for s in inside), (g0, g1, pages)
    assert (total - 1) in starts  # one message before the end
    assert covered(pages)[:total] == list(range(total))


def test_a_chat_that_fits_in_the_page_budget_is_walked_whole():
    assert windows_for(WHOLE_WALK_PAGES * 100, 100) is None


@pytest.mark.parametrize("total", [3001, 50_000, 99_991])
@pytest.mark.parametrize("size", [100, 7, 1])
def test_a_large_chat_is_walked_in_windows_at_its_start_its_end_and_between(total, size):
    windows = windows_for(total, size)
    assert windows[0][0] == 0 and windows[-1][1] == total and len(windows) <= 5
    assert all(a < b <= c for (a, b), (c, _) in zip(windows, windows[1:]))  # ordered, disjoint
    assert sum(b - a for a, b in windows) <= 5 * 3 * size
    mirrored = windows_for(total, size, "desc")
    assert sorted((total - b, total - a) for a, b in mirrored) == list(windows)
    pages = layout(total, size, (), windows)
    assert len(pages) <= 15 and sorted(set(covered(pages))) == covered(pages)


def test_a_divisor_walk_in_windows_ends_with_a_full_page():
    pages = layout(50_000, 100, (), windows_for(50_000, 100))
    assert pages[-1] == (49_900, 100)


def test_window_partition():
    pagination.partition_windows([(0, 3, [["a", "b"], ["c"]]), (10, 12, [["x", "y"]])], 12)
    with pytest.raises(Violation, match="more than one page"):
        pagination.partition_windows([(0, 3, [["a", "b"], ["b", "c"]])], 3)
    with pytest.raises(Violation, match="offsets 10 to 11 returned 1 distinct"):
        pagination.partition_windows([(0, 1, [["a"]]), (10, 12, [["x"]])], 100)
