"""conformance/transport/throttling.py: Retry-After read, a "not now" waited out and the GET sent again (the Throttled
layer alone, and the client over a throttling target); a replay counts the waits and waits for none. The budget of
waits is tested in test_budget.py, whole throttled runs in tests/suite/test_throttling.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from conformance.client import Client
from conformance.transport import stack
from conformance.transport.errors import BudgetExhausted, ThrottleExhausted
from conformance.transport.limits import Limits
from conformance.transport.throttling import (
    BACKOFF,
    MAX_BACKOFF,
    UNAVAILABLE_RESENDS,
    Throttled,
    retry_after,
    told_wait,
)
from fakes import scripted_server, scripted_transport

URL = "http://target.test/api/v1/chats/c1/messages"


class Paced(Limits):
    """Limits whose waits are written down instead of slept."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_requests=100, rate_per_second=None, **kwargs)
        self.paused: list[float] = []

    def pause(self, seconds: float) -> None:
        self.paused.append(seconds)


def test_a_429_is_waited_out_as_told_and_the_same_get_sent_again_and_the_run_slows_down():
    inner, sent = scripted_transport((429, {"Retry-After": "2"}, b"{}"), (429, {}, b"{}"), 200)
    limits = Paced()
    response = Throttled(inner, limits).handle_request(httpx.Request("GET", URL))
    assert response.status_code == 200 and len(sent) == 3
    assert limits.paused == [2.0, 2 * BACKOFF] and limits.slowed  # the backoff doubles at each resend
    assert limits.throttle.so_far().waits == 2


def test_an_answer_that_is_no_throttle_is_handed_up_as_it_is():
    inner, sent = scripted_transport((500, {"Retry-After": "1"}, b"oops"))
    limits = Paced()
    assert Throttled(inner, limits).handle_request(httpx.Request("GET", URL)).status_code == 500
    assert len(sent) == 1 and limits.paused == [] and not limits.slowed


def test_a_replay_counts_the_waits_without_waiting_or_slowing_down():
    inner, sent = scripted_transport((503, {"Retry-After": "30"}, b"{}"), 200)
    limits = Paced()
    assert Throttled(inner, limits, paced=False).handle_request(httpx.Request("GET", URL)).status_code == 200
    assert len(sent) == 2 and limits.paused == [] and not limits.slowed
    assert limits.throttle.so_far().waits == 1


def test_past_the_wait_budget_the_run_stops_naming_the_get_and_the_option():
    inner, sent = scripted_transport((429, {"Retry-After": "100"}, b"{}"))
    with pytest.raises(ThrottleExhausted, match=rf"5 s \(--max-throttle-wait\); the target answered 429 with "
                                                rf"Retry-After: 100 for GET {URL} after 0 waits"):
        Throttled(inner, Paced(max_throttle_wait=5)).handle_request(httpx.Request("GET", URL))
    assert len(sent) == 1


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
