"""conformance/transport/budget.py: each wait floored and capped, concurrent waits counted once, the total
--max-throttle-wait refused past its end."""

from __future__ import annotations

import pytest

from conformance.transport.budget import MAX_WAIT, MIN_WAIT, ThrottleBudget, Throttling

# ------------------------------------------------------------------ the caps

@pytest.fixture
def waited_in_turn(monkeypatch):
    """The budget's clock moves by each wait it gives: waits taken one after another, as one request takes them."""
    now = [100.0]
    monkeypatch.setattr("conformance.transport.budget.monotonic", lambda: now[0])
    original = ThrottleBudget.take

    def take(self, told):
        wait = original(self, told)
        now[0] += wait or 0.0
        return wait

    monkeypatch.setattr(ThrottleBudget, "take", take)


def test_each_wait_is_floored_and_capped_and_counted(waited_in_turn):
    budget = ThrottleBudget(max_total=300)
    assert budget.take(0) == MIN_WAIT
    assert budget.take(2) == 2
    assert budget.take(MAX_WAIT * 2) == MAX_WAIT  # within the total: waited MAX_WAIT, then asked again
    assert budget.so_far() == Throttling(3, pytest.approx(MIN_WAIT + 2 + MAX_WAIT))


def test_concurrent_waits_count_the_wall_clock_time_once(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("conformance.transport.budget.monotonic", lambda: now[0])
    budget = ThrottleBudget(max_total=3)
    assert [budget.take(2) for _ in range(4)] == [2, 2, 2, 2]  # four requests in flight, throttled together
    assert budget.so_far() == Throttling(4, 2.0)
    now[0] += 2.5
    assert budget.take(1) == 1 and budget.take(1) == 1  # 1 s more of the run
    assert budget.take(2) is None  # 1 s of it already covered, 1 s past the cap
    assert budget.so_far() == Throttling(6, 3.0)


def test_a_wait_past_the_total_is_refused_and_not_counted(waited_in_turn):
    budget = ThrottleBudget(max_total=3)
    assert [budget.take(1), budget.take(1), budget.take(1)] == [1, 1, 1]
    assert budget.take(1) is None
    assert budget.take(3600) is None  # never waited in part
    assert budget.so_far() == Throttling(3, 3.0)


def test_a_zero_total_stops_at_the_first_throttle():
    assert ThrottleBudget(max_total=0).take(1) is None
