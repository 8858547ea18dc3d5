"""A target that throttles (429, 503) is waited for within caps, and slowed down for; a 429 is never a failure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from conformance.client import Client
from conformance.results import Results
from conformance.transport import stack
from conformance.transport.errors import BudgetExhausted, ThrottleExhausted
from conformance.transport.limits import Limits
from conformance.transport.budget import MAX_WAIT, MIN_WAIT, ThrottleBudget, Throttling
from conformance.transport.throttling import BACKOFF, MAX_BACKOFF, UNAVAILABLE_RESENDS, retry_after, told_wait
from fakes import scripted_server
from harness import run_suite, serve

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
OK = (200, {}, b"[]")


def http_date(when: datetime) -> str:
    return format_datetime(when, usegmt=True)  # IMF-fixdate: "Sat, 01 Mar 2025 12:00:10 GMT"


# ------------------------------------------------------------------ reading Retry-After

@pytest.mark.parametrize(("value", "seconds"), [
    ("3", 3.0), (" 120 ", 120.0), ("0", 0.0),
    (http_date(NOW + timedelta(seconds=10)), 10.0),
    ("Saturday, 01-Mar-25 12:00:30 GMT", 30.0),  # RFC 850, obsolete
    ("Sat Mar  1 12:01:00 2025", 60.0),  # asctime, obsolete
    (http_date(NOW - timedelta(hours=1)), 0.0),  # already past: no wait
])
def test_retry_after_is_delta_seconds_or_an_http_date(value, seconds):
    assert retry_after(value, NOW) == pytest.approx(seconds)


@pytest.mark.parametrize("value", [None, "", "1.5", "-1", "soon", "٣", "1 2", "Mon, 99 Foo 2025 00:00:00 GMT"])
def test_an_unreadable_retry_after_is_none(value):
    assert retry_after(value, NOW) is None


@pytest.mark.parametrize(("status", "headers", "wait"), [
    (429, {}, BACKOFF), (429, {"retry-after": "2"}, 2.0), (429, {"retry-after": "later"}, BACKOFF),
    (503, {"retry-after": "5"}, 5.0), (503, {}, BACKOFF), (503, {"retry-after": "later"}, BACKOFF),
    (200, {"retry-after": "5"}, None), (500, {"retry-after": "5"}, None), (404, {}, None), (502, {}, None),
])
def test_only_429_and_503_ask_for_a_wait(status, headers, wait):
    assert told_wait(status, headers, NOW) == wait


def test_a_throttle_that_does_not_say_how_long_is_waited_out_with_a_doubling_backoff():
    assert [told_wait(429, {}, NOW, resent) for resent in range(6)] == [1, 2, 4, 8, MAX_BACKOFF, MAX_BACKOFF]
    assert told_wait(429, {"retry-after": "3"}, NOW, 5) == 3  # a told wait is waited as told


def test_a_503_without_retry_after_that_repeats_is_the_answer():
    waits = [told_wait(503, {}, NOW, resent) for resent in range(UNAVAILABLE_RESENDS + 1)]
    assert waits == [1, 2, None]
    assert told_wait(503, {"retry-after": "1"}, NOW, 9) == 1  # one that says when to come back is always waited


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


# ------------------------------------------------------------------ the client

class Slept(list):
    """Waits recorded instead of slept; the throttle budget's clock moves by them, as if they had been slept."""

    def __init__(self) -> None:
        super().__init__()
        self.start = 1000.0
        self.paused: list[float] = []  # the waits for a throttling target (Limits.pause), as asked

    def clock(self) -> float:
        return self.start + sum(self)


@pytest.fixture
def no_sleep(monkeypatch):
    """The client's waits, recorded instead of slept."""
    slept = Slept()
    monkeypatch.setattr("conformance.transport.limits.time.sleep", slept.append)
    monkeypatch.setattr("conformance.transport.budget.monotonic", slept.clock)
    pause = Limits.pause

    def paused(self, seconds):
        slept.paused.append(seconds)
        pause(self, seconds)

    monkeypatch.setattr(Limits, "pause", paused)
    return slept


def client_for(url: str, limits: Limits) -> Client:
    return Client(url, "X-API-Key", stack.live(limits, 5.0, 1 << 20, "X-API-Key", {}), limits)


def test_a_429_is_waited_out_and_the_same_get_resent(no_sleep):
    later = http_date(datetime.now(timezone.utc) + timedelta(seconds=30))
    script = [(429, {"Retry-After": "2"}, b"{}"), (429, {}, b"{}"), (503, {"Retry-After": later}, b"{}"), OK]
    limits = Limits(max_requests=10, rate_per_second=None, max_throttle_wait=120)
    with scripted_server(*script) as (url, asked):
        client = client_for(url, limits)
        exchange = client.get_messages(7, {"limit": 5})
        client.close()
    assert exchange.status == 200
    assert asked == ["/api/v1/chats/7/messages?limit=5"] * 4
    assert no_sleep.paused[:2] == [2.0, 2 * BACKOFF] and 28 <= no_sleep.paused[2] <= 30  # the backoff doubles
    assert limits.sent == 4  # each resend counts against --max-requests
    assert limits.throttle.so_far().waits == 3


def test_a_503_without_retry_after_is_sent_again_and_one_that_repeats_is_the_answer(no_sleep):
    limits = Limits(max_requests=10, rate_per_second=None)
    down = (503, {}, b'<html><body>503 Service Temporarily Unavailable</body></html>')
    with scripted_server(down, OK) as (url, asked):
        client = client_for(url, limits)
        assert client.get_messages(7).status == 200  # a gateway's rate limit, waited out
        client.close()
    assert len(asked) == 2 and no_sleep.paused == [BACKOFF]
    with scripted_server(down) as (url, asked):
        client = client_for(url, limits)
        assert client.get_messages(7).status == 503  # a server error that repeats
        client.close()
    assert len(asked) == 1 + UNAVAILABLE_RESENDS


def test_after_a_throttle_the_run_slows_down_and_then_recovers(no_sleep):
    limits = Limits(max_requests=100, rate_per_second=None)
    with scripted_server((429, {}, b"{}"), (429, {}, b"{}"), OK) as (url, asked):
        client = client_for(url, limits)
        assert client.get_messages(7).status == 200
        assert limits.slowed and limits.interval > 0.05  # slower: about 10 requests a second, one at a time
        for _ in range(30):  # 0.1 s × 0.9^30 < 0.025 s
            client.get_messages(7, fresh_query(), None)
        client.close()
    assert not limits.slowed and limits.interval == 0.025  # concurrency back; at most 40 requests a second


def fresh_query() -> dict[str, int]:
    fresh_query.n = getattr(fresh_query, "n", 0) + 1
    return {"offset": fresh_query.n}


def test_a_target_that_throttles_forever_stops_the_run_at_the_total_cap(no_sleep):
    limits = Limits(max_requests=100, rate_per_second=None, max_throttle_wait=5)
    with scripted_server((429, {"Retry-After": "2"}, b"{}")) as (url, asked):
        client = client_for(url, limits)
        with pytest.raises(ThrottleExhausted, match=r"throttle wait limit reached: 5 s \(--max-throttle-wait\)"):
            client.get_messages(7)
        client.close()
    assert no_sleep.paused == [2.0, 2.0] and len(asked) == 3


def test_resends_count_against_max_requests(no_sleep):
    limits = Limits(max_requests=3, rate_per_second=None, max_throttle_wait=100)
    with scripted_server((429, {"Retry-After": "1"}, b"{}")) as (url, asked):
        client = client_for(url, limits)
        with pytest.raises(BudgetExhausted, match="3 requests sent"):
            client.get_messages(7)
        client.close()
    assert len(asked) == 3


def test_a_wait_ends_with_the_run_duration(monkeypatch, no_sleep):
    now = [1000.0]
    monkeypatch.setattr("conformance.transport.limits.time.monotonic", lambda: now[0])
    limits = Limits(max_requests=10, rate_per_second=None, max_duration=10, started_at=995.0)
    limits.pause(30)
    assert no_sleep == [5.0]


# ------------------------------------------------------------------ reporting, across processes

def test_throttling_is_summed_over_processes_keeping_each_ones_latest():
    results = Results("org-token", {})
    for value in ("gw0 1 1.000", "gw1 2 2.500", "gw0 3 3.000", "gw0 2 2.000", "main 1 0.100"):
        results.note_throttling(value)
    assert results.throttling == Throttling(6, pytest.approx(5.6))
    assert "throttled 6× (6 s waited)" in results.summary_line()


def test_an_unthrottled_run_says_nothing_of_it():
    assert "throttled" not in Results("org-token", {}).summary_line()


# ------------------------------------------------------------------ whole runs

@pytest.mark.slow
def test_a_rate_limited_target_passes_and_the_waits_are_reported_across_workers():
    with serve("org-token", variation="rate-limited") as url:
        run = run_suite("--profile", "org-token", "-n", "2", base_url=url)
    assert run.returncode == 0 and not run.failed(), run.output[-3000:]
    throttled = run.report["throttled"]
    assert throttled["waits"] >= 1 and throttled["seconds"] >= 1.0, throttled  # wall-clock: concurrent waits once
    assert f"throttled {throttled['waits']}×" in run.report["summary"]


SLOW_DOWN = (429, {"Retry-After": "1"}, b'{"detail": "slow down"}')


@pytest.mark.slow
def test_a_target_that_always_throttles_stops_at_the_preflight():
    with scripted_server(SLOW_DOWN) as (url, asked):
        run = run_suite("--profile", "org-token", "--api-key", "k-1", "--max-throttle-wait", "2", base_url=url,
                        timeout=60)
    assert run.returncode == 2, run.output[-3000:]
    assert "throttle wait limit reached: 2 s (--max-throttle-wait)" in run.output
    assert len(asked) == 3  # the preflight, sent again twice


@pytest.mark.slow
def test_a_target_that_starts_throttling_for_good_stops_the_run_incomplete():
    with scripted_server(OK, SLOW_DOWN) as (url, asked):
        run = run_suite("--profile", "org-token", "--api-key", "k-1", "--max-throttle-wait", "2", base_url=url,
                        timeout=60)
    assert run.returncode == 2, run.output[-3000:]
    assert run.report["complete"] is False and run.report["passed_gate"] is False
    assert run.report["stopped"].startswith("throttle wait limit reached: 2 s (--max-throttle-wait)")
    assert run.report["summary"].startswith("INCOMPLETE (throttle wait limit reached")
    assert run.report["throttled"] == {"waits": 2, "seconds": 2.0}
    assert not run.failed()  # a 429 fails no requirement
    assert len(asked) == 4  # the preflight, then one GET sent three times
