"""Each GET of the stack within the run's limits: counted, refused past the budget without being sent."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from conformance.transport.errors import BudgetExhausted, Interrupted
from conformance.transport.limits import Limited, Limits
from fakes import scripted_transport

URL = "http://target.test/api/v1/chats/c1/messages"


def test_each_get_is_counted_and_one_past_the_budget_is_not_sent():
    inner, sent = scripted_transport(200)
    limits = Limits(max_requests=2, rate_per_second=None)
    layer = Limited(inner, limits)
    for _ in range(2):
        assert layer.handle_request(httpx.Request("GET", URL)).status_code == 200
    with pytest.raises(BudgetExhausted, match="2 requests sent"):
        layer.handle_request(httpx.Request("GET", URL))
    assert len(sent) == 2 and limits.sent == 2


def test_no_get_is_sent_after_a_signal():
    inner, sent = scripted_transport(200)
    limits = Limits(max_requests=10, rate_per_second=None)
    limits.interrupted = "stopped by SIGTERM"
    with pytest.raises(Interrupted):
        Limited(inner, limits).handle_request(httpx.Request("GET", URL))
    assert sent == []


def test_while_slowed_down_a_get_waits_until_no_other_is_on_the_wire():
    limits = Limits(max_requests=10, rate_per_second=None)
    limits.slowed = True
    release, entered = threading.Event(), []

    def handle(request: httpx.Request) -> httpx.Response:
        entered.append(request.url.query)
        if request.url.query == b"first":
            release.wait(10)
        return httpx.Response(200)

    layer = Limited(httpx.MockTransport(handle), limits)
    first = threading.Thread(target=layer.handle_request, args=(httpx.Request("GET", URL + "?first"),))
    first.start()
    while not entered:
        time.sleep(0.01)
    second = threading.Thread(target=layer.handle_request, args=(httpx.Request("GET", URL + "?second"),))
    second.start()
    second.join(0.3)
    assert entered == [b"first"]  # the second waits while the first is in flight
    release.set()
    first.join(10)
    second.join(10)
    assert entered == [b"first", b"second"]
