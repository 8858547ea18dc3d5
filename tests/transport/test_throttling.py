"""The Throttled layer: a "not now" waited out and the GET sent again; a replay counts the waits and waits for none.

The reading of Retry-After and the budget of waits are tested in tests/test_throttling.py."""

from __future__ import annotations

import httpx
import pytest

from conformance.transport.errors import ThrottleExhausted
from conformance.transport.limits import Limits
from conformance.transport.throttling import BACKOFF, Throttled
from fakes import scripted_transport

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
